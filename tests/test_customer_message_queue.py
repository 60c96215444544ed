from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .notification_common import NotificationCommon

NOW = datetime(2026, 11, 23, 9, 0)


@tagged("post_install", "-at_install")
class TestOneQueue(NotificationCommon):
    """Every message to a customer is a record of one queue: reception's sends as well as the rules'."""

    def setUp(self):
        super().setUp()
        self.frozen = freeze_time(NOW)
        self.frozen.start()
        self.addCleanup(self.frozen.stop)
        self.queue_order = self._create_customer_order([("Brake pads", "necessary", 200.0)])

    def _links(self, order):
        return self._notifications(order, cause="manual")

    def test_an_overview_reception_sends_is_a_queue_record_pointing_to_its_link(self):
        with self.mock_mail_gateway():
            overview = self._send_overview(self.queue_order, note="Hello")
        message = self._links(self.queue_order)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.communication_id, overview)
        self.assertEqual((message.state, message.channel, message.kind), ("sent", "email", "overview"))
        self.assertEqual((message.partner_id, message.address), (self.emile, self.emile.email))
        self.assertEqual(message.attempt_count, 1)
        self.assertEqual(overview.state, "sent")
        self.assertEqual(message.message_id.model, overview._name)
        with self.mock_mail_gateway():
            overview._send()  # a re-send is one more message of the same link
        resend = self._links(self.queue_order) - message
        self.assertEqual(resend.communication_id, overview)
        self.assertEqual(resend.state, "sent")
        self.assertEqual(overview.event_ids.sorted("id").mapped("event_type"), ["sent", "resent"])

    def test_reception_needs_no_consent_but_a_rule_does(self):
        self.emile.write({"accepts_automated_email": False, "accepts_automated_sms": False})
        self._nudge_rule(4)
        with self.mock_mail_gateway():
            overview = self._send_overview(self.queue_order)
        self.assertEqual(self._links(self.queue_order).state, "sent")
        nudge = self._notifications(self.queue_order)
        self.assertEqual(nudge.communication_id, overview, "the nudge points to its overview, not a string")
        with freeze_time("2026-11-23 13:05:00"), self.mockSMSGateway():
            self._run_job()
        self.assertEqual(nudge.state, "skipped")
        self.assertIn("has not agreed to automated SMS", nudge.reason)

    def test_a_blocked_customer_is_refused_and_nothing_is_half_saved(self):
        self.emile.communication_blocked = True
        point = {"role": "driver", "partner": self.emile, "channel": "email", "address": self.emile.email}
        communication = self.queue_order._prepare_customer_communication(point)
        with self.assertRaisesRegex(UserError, "has blocked communication"):
            communication._send()
        self.assertEqual(communication.state, "draft")
        self.assertFalse(self._links(self.queue_order))

    def test_a_refused_sms_of_a_link_is_retried_and_logged_on_the_link(self):
        with self.mockSMSGateway(sms_allow_unlink=True):
            overview = self._send_overview(self.queue_order, channel="sms")
        message = self._links(self.queue_order)
        self.assertEqual(overview.sms_message_id, message.message_id)
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.message_id.id)])
        with self.mockSMSGateway(sim_error="server_error"):
            sms._send()
        self.assertEqual(message.state, "queued", "a temporary failure is tried again")
        self.assertIn("next attempt", message.reason)
        self.assertIn("failed", overview.event_ids.mapped("event_type"))

    def test_a_new_version_waits_until_it_went_out_before_replacing_the_old_link(self):
        with self.mock_mail_gateway():
            overview = self._send_overview(self.queue_order)
        overview.state = "opened"
        self.queue_order.work_item_ids.price_unit = 180.0
        pending = self._links(self.queue_order).filtered(lambda n: n.state == "queued")
        self.assertEqual(pending.communication_id.previous_id, overview)
        self.assertEqual(overview.state, "opened")
        self.assertIn("planned by E-mail", self.queue_order.message_ids[0].body)
        with self.mock_mail_gateway():
            self._run_job()
        self.assertEqual(pending.state, "sent")
        self.assertEqual(overview.state, "superseded")
        self.assertEqual(overview._current_version(), pending.communication_id)

    def test_a_link_replaced_before_it_went_out_is_not_sent(self):
        with self.mock_mail_gateway():
            overview = self._send_overview(self.queue_order)
        overview.state = "opened"
        self.queue_order.work_item_ids.price_unit = 180.0
        pending = self._links(self.queue_order).filtered(lambda n: n.state == "queued")
        with self.mock_mail_gateway():
            newest = self._send_overview(self.queue_order)  # reception sends a version of their own meanwhile
            self._run_job()
        self.assertEqual(pending.state, "skipped")
        self.assertIn("newer version", pending.reason)
        self.assertEqual(overview._current_version(), newest)


@tagged("post_install", "-at_install")
class TestOneBrokenMessage(NotificationCommon):
    """A message that cannot be rendered fails alone: the rest of its batch and of the queue go out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        model = cls.env["ir.model"]._get_id("repair.order")
        cls.broken_sms = cls.env["sms.template"].create({"name": "Broken", "model_id": model, "body": "Hello"})
        cls.broken_mail = cls.env["mail.template"].create(
            {
                "name": "Broken",
                "model_id": model,
                "subject": "Broken",
                "partner_to": "{{ object.partner_id.id }}",
                "body_html": "<p>Hello</p>",
            }
        )
        # Odoo checks a template when it is saved; this one broke afterwards (a field removed by an upgrade).
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE sms_template SET body = jsonb_build_object('en_US', '{{ object.no_such_field.name }}') "
            "WHERE id = %s",
            [cls.broken_sms.id],
        )
        cls.env.cr.execute(
            "UPDATE mail_template SET body_html = jsonb_build_object('en_US', '<p t-out=\"object.no_such_field\"/>') "
            "WHERE id = %s",
            [cls.broken_mail.id],
        )
        cls.env.invalidate_all()

    def setUp(self):
        super().setUp()
        self.frozen = freeze_time(NOW)
        self.frozen.start()
        self.addCleanup(self.frozen.stop)

    def _check_broken_beside_good(self, channel, broken_values):
        good_rule = self._rule(channel=channel)
        broken_rule = self._rule(channel=channel, **broken_values)
        orders = self._create_customer_order([]) | self._create_customer_order([], customer=self.owner)
        self.owner.write({"accepts_automated_sms": True, "accepts_automated_email": True})
        orders.write({"state": "done"})
        messages = self.Notification.search([("order_id", "in", orders.ids)])
        good = messages.filtered(lambda n: n.rule_id == good_rule)
        broken = messages.filtered(lambda n: n.rule_id == broken_rule)
        self.assertEqual((len(good), len(broken)), (2, 2))
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_job()
        self.assertEqual(set(good.mapped("state")), {"sent"}, "the good messages of the same orders went out")
        self.assertEqual(set(broken.mapped("state")), {"failed"})
        for message in broken:
            self.assertIn("could not be prepared", message.reason)
            activity = message.order_id.activity_ids.filtered(lambda a, m=message: m.rule_name in a.summary)
            self.assertTrue(activity, "the person in charge gets a to-do")
        # The next run does not take the broken ones again, and new messages still go out.
        later = self._create_customer_order([])
        later.write({"state": "done"})
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_job()
        self.assertEqual(set(self._notifications(later).mapped("state")), {"sent", "failed"})
        self.assertEqual(set(broken.mapped("state")), {"failed"})
        self.assertEqual(set(broken.mapped("attempt_count")), {1})

    def test_a_broken_sms_template_beside_a_good_one(self):
        self._check_broken_beside_good("sms", {"sms_template_id": self.broken_sms.id})

    def test_a_broken_mail_template_beside_a_good_one(self):
        self._check_broken_beside_good("email", {"mail_template_id": self.broken_mail.id})

    def test_a_failing_hand_over_is_isolated_too(self):
        """Not only rendering: an error handing one message over leaves its neighbours alone."""
        self._rule()
        orders = self._create_customer_order([]) | self._create_customer_order([])
        orders.write({"state": "done"})
        messages = self.Notification.search([("order_id", "in", orders.ids)])
        Sms = type(self.env["sms.sms"])
        original = Sms.create
        first_order = orders[0]

        def refuse_first_order(records, vals_list):
            if any(vals.get("mail_message_id") in first_order.message_ids.ids for vals in vals_list):
                raise ValueError("provider table locked")
            return original(records, vals_list)

        with patch.object(Sms, "create", refuse_first_order), self.mockSMSGateway():
            self._run_job()
        by_order = {message.order_id: message for message in messages}
        self.assertEqual(by_order[first_order].state, "failed")
        self.assertIn("provider table locked", by_order[first_order].reason)
        self.assertEqual(by_order[orders[1]].state, "sent")
