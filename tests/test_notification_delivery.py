from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.sms.tools.sms_api import SmsApi

from .notification_common import NotificationCommon

NOW = datetime(2026, 11, 23, 9, 0)


@tagged("post_install", "-at_install")
class TestNotificationDelivery(NotificationCommon):
    """The job: consent, blocks, fallback, retries, and the hand-over to Odoo's mail and SMS queues."""

    def setUp(self):
        super().setUp()
        self.frozen = freeze_time(NOW)
        self.frozen.start()
        self.addCleanup(self.frozen.stop)
        self.delivery_order = self._create_customer_order([("Brake pads", "necessary", 200.0)])

    def _done(self, order=None):
        (order or self.delivery_order).write({"state": "done"})
        return self._notifications(order or self.delivery_order)

    def test_sms_is_rendered_and_queued_then_sent_by_odoo(self):
        self._rule()
        notification = self._done()
        with self.mockSMSGateway():
            self._run_job()
            self.assertEqual(notification.state, "sent")
            self.assertEqual(notification.address, self.emile.phone)
            self.assertEqual(notification.partner_id, self.emile)
            self.assertEqual(notification.attempt_count, 1)
            self.assertEqual(notification.message_id.model, "repair.order")
            self.assertEqual(notification.message_id.message_type, "sms")
            sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", notification.message_id.id)])
            self.assertEqual(sms.state, "outgoing")
            sms._send()
        self.assertSMSIapSent([self.emile.phone], content='is now "Repaired"')
        self.assertIn(notification.message_id, self.delivery_order.message_ids)

    def test_email_goes_to_the_checked_address_only(self):
        self._rule(channel="email")
        notification = self._done()
        with self.mock_mail_gateway():
            self._run_job()
        self.assertEqual(notification.state, "sent")
        self.assertEqual(notification.address, self.emile.email)
        self.assertMailMail(
            self.emile,
            "outgoing",
            author=self.env.user.partner_id,
            content="is now: <strong>Repaired</strong>",
        )
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", notification.message_id.id)])
        self.assertEqual(mail.recipient_ids, self.emile)
        self.assertFalse(mail.email_cc)
        self.assertIn(notification.message_id, self.delivery_order.message_ids)

    def test_not_yet_due_is_left_alone(self):
        self._rule(interval_nbr=1, interval_unit="hours")
        notification = self._done()
        self._run_job()
        self.assertEqual(notification.state, "queued")
        with freeze_time(NOW + timedelta(hours=1)), self.mockSMSGateway():
            self._run_job()
        self.assertEqual(notification.state, "sent")

    def test_no_consent_is_skipped_with_its_reason(self):
        self.emile.accepts_automated_sms = False
        self._rule()
        notification = self._done()
        self._run_job()
        self.assertEqual(notification.state, "skipped")
        self.assertIn("has not agreed to automated SMS", notification.reason)
        self.assertIn("not sent", self.delivery_order.message_ids[0].body)
        self.assertFalse(self.env["sms.sms"].sudo().search([("partner_id", "=", self.emile.id)]))

    def test_blocked_customer_is_skipped(self):
        self.emile.communication_blocked = True
        self._rule(channel="email")
        notification = self._done()
        self._run_job()
        self.assertEqual(notification.state, "skipped")
        self.assertIn("has blocked communication", notification.reason)

    def test_no_address_is_skipped(self):
        self.emile.write({"phone": False, "mobile_professional": False})
        self._rule()
        notification = self._done()
        self._run_job()
        self.assertEqual(notification.state, "skipped")
        self.assertIn("has no mobile number", notification.reason)

    def test_no_customer_is_skipped(self):
        self._rule(
            trigger="lead_created", state_to=False, sms_template_id=self.sms_lead.id, mail_template_id=self.mail_lead.id
        )
        lead = self.env["crm.lead"].create({"name": "Anonymous question", "company_id": self.company_a.id})
        self._run_job()
        self.assertEqual(self._notifications(lead).state, "skipped")
        self.assertEqual(self._notifications(lead).reason, "There is no customer to send it to.")

    def test_fallback_channel_when_the_first_cannot_be_used(self):
        self.emile.accepts_automated_sms = False
        self._rule(fallback_channel="email")
        notification = self._done()
        with self.mock_mail_gateway():
            self._run_job()
        self.assertEqual(notification.state, "sent")
        self.assertEqual(notification.channel, "email")
        self.assertTrue(notification.fallback_used)
        self.assertIn("has not agreed to automated SMS", notification.reason)
        self.assertEqual(len(self._new_mails), 1)

    def test_status_left_before_the_message_was_due_is_skipped(self):
        self._rule(interval_nbr=1, interval_unit="hours")
        notification = self._done()
        self.delivery_order.write({"state": "under_repair"})
        with freeze_time(NOW + timedelta(hours=1)):
            self._run_job()
        self.assertEqual(notification.state, "skipped")

    def test_retries_with_growing_delays_then_succeeds(self):
        """The provider fails twice, then takes the SMS: three attempts, one SMS delivered."""
        self._rule()
        notification = self._done()
        calls = []

        def flaky_gateway(api, messages, delivery_reports_url=False):
            calls.append(messages)
            state = "server_error" if len(calls) <= 2 else "success"
            return [{"uuid": number["uuid"], "state": state} for message in messages for number in message["numbers"]]

        expected_due = [NOW + timedelta(minutes=5), NOW + timedelta(minutes=5 + 15)]
        moment = NOW
        with patch.object(SmsApi, "_send_sms_batch", flaky_gateway):
            for attempt in range(3):
                with freeze_time(moment):
                    self._run_job()
                    self.assertEqual(notification.state, "sent")
                    self.env["sms.sms"].sudo().search([("state", "=", "outgoing")])._send()
                if attempt < 2:
                    self.assertEqual(notification.state, "queued", f"attempt {attempt + 1} is retried")
                    self.assertEqual(notification.due_at, expected_due[attempt])
                    self.assertIn(f"Attempt {attempt + 1} failed", notification.reason)
                    moment = notification.due_at
        self.assertEqual(len(calls), 3)
        self.assertEqual(notification.state, "sent")
        self.assertEqual(notification.attempt_count, 3)

    def test_gives_up_after_the_last_attempt_and_warns_the_responsible(self):
        self.env["ir.config_parameter"].sudo().set_param("repair_customer_communication.notification_max_attempts", "2")
        self.delivery_order.user_id = self.receptionist
        self._rule()
        notification = self._done()
        moment = NOW
        with self.mockSMSGateway(sms_allow_unlink=True, sim_error="server_error"):
            for _attempt in range(2):
                with freeze_time(moment):
                    self._run_job()
                    self.env["sms.sms"].sudo().search([("state", "=", "outgoing")])._send()
                moment = notification.due_at
        self.assertEqual(notification.state, "failed")
        self.assertEqual(notification.attempt_count, 2)
        activity = self.delivery_order.activity_ids.filtered(lambda a: "Customer message failed" in a.summary)
        self.assertEqual(activity.user_id, self.receptionist)
        self.assertIn("failed", self.delivery_order.message_ids[0].body)

    def test_failed_for_good_switches_to_the_fallback_channel(self):
        self._rule(fallback_channel="email")
        notification = self._done()
        with self.mockSMSGateway(sim_error="wrong_number_format"):
            self._run_job()
            self.env["sms.sms"].sudo().search([("state", "=", "outgoing")])._send()
        self.assertEqual(notification.state, "queued", "a wrong number is not retried on SMS")
        self.assertEqual(notification.channel, "email")
        with self.mock_mail_gateway():
            self._run_job()
        self.assertEqual(notification.state, "sent")
        self.assertEqual(len(self._new_mails), 1)

    def test_smtp_failure_is_retried(self):
        self._rule(channel="email")
        notification = self._done()
        with self.mock_mail_gateway(mail_unlink_sent=False):
            self._run_job()
            mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", notification.message_id.id)])
            mail._postprocess_sent_message(success_pids=[], success_emails=[], failure_type="mail_smtp")
        self.assertEqual(notification.state, "queued")
        self.assertEqual(notification.due_at, NOW + timedelta(minutes=5))

    def test_a_crash_in_the_middle_of_a_batch_loses_nothing(self):
        self._rule()
        orders = self.delivery_order | self._create_customer_order([])
        orders.write({"state": "done"})
        notifications = self.Notification.search([("order_id", "in", orders.ids)])
        self.assertEqual(len(notifications), 2)
        sms_before = self.env["sms.sms"].sudo().search_count([])
        with (
            # The server stops after the batch was handed over, before it was committed.
            patch.object(type(self.Notification), "_count_due", side_effect=RuntimeError("server stopped")),
            self.assertRaises(RuntimeError),
            self.cr.savepoint(),
        ):
            self._run_job()
        notifications.invalidate_recordset()
        self.assertEqual(set(notifications.mapped("state")), {"queued"})
        self.assertEqual(self.env["sms.sms"].sudo().search_count([]), sms_before)
        with self.mockSMSGateway():
            self._run_job()
        self.assertEqual(set(notifications.mapped("state")), {"sent"})

    def test_retry_and_cancel_from_the_log(self):
        self.emile.accepts_automated_sms = False
        self._rule()
        notification = self._done()
        self._run_job()
        self.assertEqual(notification.state, "skipped")
        self.emile.accepts_automated_sms = True
        notification.action_retry()
        self.assertEqual(notification.state, "queued")
        with self.mockSMSGateway():
            self._run_job()
        self.assertEqual(notification.state, "sent")
        other = self._rule(interval_nbr=2, interval_unit="days")
        order = self._create_customer_order([])
        order.write({"state": "done"})
        waiting = self._notifications(order).filtered(lambda n: n.rule_id == other)
        waiting.action_cancel()
        self.assertEqual(waiting.state, "cancelled")

    def _queries_to_send(self, count, channel):
        orders = self.env["repair.order"]
        for _index in range(count):
            orders |= self._create_customer_order([])
        orders.write({"state": "done"})
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        with self.mockSMSGateway(), self.mock_mail_gateway(), self._without_commit():
            self.Notification._cron_send_due(batch_size=200)
        queries = self.cr.sql_log_count - before
        sent = self.Notification.search([("order_id", "in", orders.ids), ("state", "=", "sent")])
        self.assertEqual(len(sent), count)
        self.assertEqual(set(sent.mapped("channel")), {channel})
        return queries

    def test_a_batch_costs_the_same_queries_for_5_or_25_messages(self):
        """Records, consent, rendering and writes go in batch: the query count does not grow with the batch."""
        for channel in ("sms", "email"):
            rule = self._rule(channel=channel)
            self._queries_to_send(3, channel)  # warm the caches
            small = self._queries_to_send(5, channel)
            large = self._queries_to_send(25, channel)
            self.assertLessEqual(large, small + 5, f"{channel}: {small} queries for 5 messages, {large} for 25")
            rule.active = False

    def test_unanswered_overview_nudge_carries_its_link(self):
        self._nudge_rule(4)
        overview = self._send_overview(self.delivery_order)
        nudge = self._notifications(self.delivery_order).filtered(lambda n: n.trigger == "overview_unanswered")
        with freeze_time(NOW + timedelta(hours=4)), self.mockSMSGateway():
            self._run_job()
        self.assertEqual(nudge.state, "sent")
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", nudge.message_id.id)])
        self.assertIn(overview._get_token(), sms.body)

    def test_nudge_of_an_overview_replaced_meanwhile_is_skipped(self):
        self._nudge_rule(4)
        self._send_overview(self.delivery_order)
        first = self._notifications(self.delivery_order)
        self._send_overview(self.delivery_order)  # a new version replaces it: it gets its own nudge
        with freeze_time(NOW + timedelta(hours=4)), self.mockSMSGateway():
            self._run_job()
        self.assertEqual(first.state, "skipped")
        second = self._notifications(self.delivery_order) - first
        self.assertEqual(second.state, "sent")

    def test_to_dos_go_to_someone_of_the_location(self):
        order = self.delivery_order
        order.user_id = False
        self.assertEqual(order._workshop_responsible_user(self.user_b, self.receptionist), self.receptionist)
        order.user_id = self.mechanic
        self.assertEqual(order._workshop_responsible_user(self.receptionist), self.mechanic)

    def test_the_log_names_its_records_in_one_query_per_model(self):
        self._rule(interval_nbr=1, interval_unit="days")
        orders = self.delivery_order
        for _index in range(4):
            orders |= self._create_customer_order([])
        orders.write({"state": "done"})
        notifications = self.Notification.search([("order_id", "in", orders.ids)])
        self.assertEqual(len(notifications), 5)
        self.env.invalidate_all()
        with self.assertQueryCount(3):  # the notifications, the orders that exist, their names
            names = notifications.mapped("record_name")
        self.assertEqual(sorted(names), sorted(orders.mapped("display_name")))
