from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .notification_common import NotificationCommon


@tagged("post_install", "-at_install")
class TestNotificationHandover(NotificationCommon):
    """The queue hands its messages to Odoo's own machinery: template mailing, the SMS composer in mass mode.

    What Odoo decides there (its phone blacklist, unreadable numbers, duplicates) settles the
    message as a provider's refusal would; what the queue decided (who gets it, at which
    address) is what Odoo sends.
    """

    def setUp(self):
        super().setUp()
        self.order = self._create_customer_order([("Brake pads", "necessary", 200.0)])

    def _done(self, *orders):
        orders = orders or (self.order,)
        for order in orders:
            order.write({"state": "done"})
        return self.Notification.browse([self._notifications(order).id for order in orders])

    def _mail_of(self, notification):
        return self.env["mail.mail"].sudo().search([("mail_message_id", "=", notification.message_id.id)])

    def _sms_of(self, notification):
        return self.env["sms.sms"].sudo().search([("mail_message_id", "=", notification.message_id.id)])

    # ------------------------------------------------------------------
    # E-mail: Odoo's template mailing, addressed as the policy chose
    # ------------------------------------------------------------------

    def test_an_email_goes_to_the_professional_address_the_policy_chose_not_to_the_template_recipient(self):
        self.emile.write({"email": False, "email_professional": "emile@fleet-client.example"})
        self._rule(channel="email")
        notification = self._done()
        with self.mock_mail_gateway():
            self._run_job()
        self.assertEqual(notification.state, "sent")
        self.assertEqual(notification.address, "emile@fleet-client.example")
        mail = self._mail_of(notification)
        self.assertFalse(mail.recipient_ids, "the template's own recipient (the order's customer) is not kept")
        self.assertEqual(mail.email_to, "emile@fleet-client.example")
        self.assertIn(notification.message_id, self.order.message_ids)

    def test_copies_the_template_asks_for_are_not_sent(self):
        template = self.mail_status.copy({"email_cc": "boss@example.com", "email_to": "someone.else@example.com"})
        self._rule(channel="email", mail_template_id=template.id)
        notification = self._done()
        with self.mock_mail_gateway():
            self._run_job()
        mail = self._mail_of(notification)
        self.assertEqual(mail.recipient_ids, self.emile)
        self.assertFalse(mail.email_cc)
        self.assertFalse(mail.email_to)

    def test_an_email_odoo_addressed_as_chosen_is_left_as_odoo_made_it(self):
        self._rule(channel="email")
        notifications = self._done(self.order, self._create_customer_order([], customer=self.owner))
        self.owner.write({"accepts_automated_email": True})
        mail_model = type(self.env["mail.mail"])
        original_write, writes = mail_model.write, []

        def counting_write(mails, vals):
            writes.append(vals)
            return original_write(mails, vals)

        with self.mock_mail_gateway():
            mail_model.write = counting_write
            try:
                self._run_job()
            finally:
                mail_model.write = original_write
        self.assertEqual(set(notifications.mapped("state")), {"sent"})
        self.assertFalse([vals for vals in writes if "recipient_ids" in vals or "email_to" in vals])

    # ------------------------------------------------------------------
    # SMS: Odoo's SMS composer in mass mode
    # ------------------------------------------------------------------

    def test_sms_go_through_odoos_mass_composer_with_the_chatter_copy_on_the_order(self):
        self._rule()
        second_order = self._create_customer_order([], customer=self.owner)
        self.owner.write({"phone": "+32470998877", "accepts_automated_sms": True})
        notifications = self._done(self.order, second_order)
        with self.mockSMSGateway():
            self._run_job()
        self.assertEqual(set(notifications.mapped("state")), {"sent"})
        expected = zip(notifications, (self.order, second_order), (self.emile, self.owner), strict=True)
        for notification, order, partner in expected:
            sms = self._sms_of(notification)
            self.assertEqual(sms.state, "outgoing")
            self.assertEqual(sms.number, partner.phone)
            self.assertEqual(sms.partner_id, partner)
            self.assertTrue(sms.uuid)
            self.assertIn(order.name, sms.body)
            self.assertEqual(notification.message_id.model, "repair.order")
            self.assertEqual(notification.message_id.res_id, order.id)
            self.assertEqual(notification.message_id.message_type, "sms")

    def test_a_number_on_odoos_phone_blacklist_is_refused_and_the_fallback_channel_used(self):
        self.env["phone.blacklist"].sudo().add(self.emile.phone)
        self._rule(fallback_channel="email")
        notification = self._done()
        with self.mockSMSGateway(), self.mock_mail_gateway():
            self._run_job()
        self.assertEqual(self.env["sms.sms"].sudo().search([("number", "=", self.emile.phone)]).state, "canceled")
        self.assertEqual(notification.channel, "email")
        self.assertTrue(notification.fallback_used)
        self.assertEqual(notification.state, "sent")
        self.assertIn("Blacklisted", notification.reason)
        self.assertEqual(len(self._new_mails), 1)
        self.assertEqual(self._new_mails.recipient_ids, self.emile)

    def test_a_number_on_odoos_phone_blacklist_without_fallback_fails_with_a_to_do(self):
        self.env["phone.blacklist"].sudo().add(self.emile.phone)
        self._rule()
        notification = self._done()
        with self.mockSMSGateway():
            self._run_job()
        self.assertEqual(notification.state, "failed")
        self.assertIn("Blacklisted", notification.reason)
        to_do = self.order.activity_ids.filtered(lambda activity: "Customer message failed" in activity.summary)
        self.assertIn("Blacklisted", str(to_do.note))

    def test_the_same_text_twice_to_one_number_in_one_send_goes_once(self):
        template = self.sms_status.copy({"body": "Your car is ready."})
        self._rule(sms_template_id=template.id)
        notifications = self._done(self.order, self._create_customer_order([]))
        with self.mockSMSGateway():
            self._run_job()
        first, second = notifications
        self.assertEqual(first.state, "sent")
        self.assertEqual(self._sms_of(first).state, "outgoing")
        self.assertEqual(second.state, "skipped")
        self.assertIn("same text", second.reason)
        self.assertEqual(self._sms_of(second).failure_type, "sms_duplicate")

    def test_two_different_texts_to_one_number_both_go(self):
        """Odoo's composer keeps one SMS per number for a campaign; two cars of one customer get one each."""
        self._rule()
        notifications = self._done(self.order, self._create_customer_order([]))
        with self.mockSMSGateway():
            self._run_job()
        self.assertEqual(set(notifications.mapped("state")), {"sent"})
        self.assertEqual(len(notifications.mapped(self._sms_of).filtered(lambda sms: sms.state == "outgoing")), 2)

    def test_odoos_own_sms_composer_keeps_its_campaign_duplicate_rule(self):
        """The queue's composer is a model of its own: Odoo's `sms.composer` behaves as before."""
        orders = self.order | self._create_customer_order([])
        composer = (
            self.env["sms.composer"]
            .with_context(default_res_model="repair.order", default_res_ids=orders.ids, default_composition_mode="mass")
            .create({"body": "Hello"})
        )
        with self.mockSMSGateway():
            sms_all = composer._action_send_sms()
        self.assertEqual(sorted(sms_all.mapped("state")), ["canceled", "outgoing"])
        self.assertEqual(sms_all.filtered(lambda sms: sms.state == "canceled").failure_type, "sms_duplicate")

    # ------------------------------------------------------------------
    # The one speed-up kept: a mail body compiled once per hand-over
    # ------------------------------------------------------------------

    def _count_compiles(self, render):
        """(result, how many mail bodies were compiled): bodies are parsed trees; named views are not counted."""
        from lxml import etree

        from odoo.addons.base.models.ir_qweb import IrQweb

        compiled, original = [], IrQweb._generate_code_uncached

        def counting(qweb, template_ref):
            if isinstance(template_ref, etree._Element):
                compiled.append(template_ref)
            return original(qweb, template_ref)

        with patch.object(IrQweb, "_generate_code_uncached", counting):
            result = render()
        return result, len(compiled)

    def _three_orders(self):
        orders = self.order | self._create_customer_order([], customer=self.owner)
        return orders | self._create_customer_order([], customer=self.other_customer)

    def _render_compiling_once(self, template, orders):
        with self.env["ir.qweb"]._compiling_bodies_once():
            return template._render_field("body_html", orders.ids, compute_lang=True)

    def test_a_hand_over_compiles_each_mail_body_once_and_renders_it_as_odoo_does(self):
        orders = self._three_orders()
        template = self.mail_status
        odoo_bodies, odoo_compiles = self._count_compiles(
            lambda: template._render_field("body_html", orders.ids, compute_lang=True)
        )
        bodies, compiles = self._count_compiles(lambda: self._render_compiling_once(template, orders))
        self.assertEqual(bodies, odoo_bodies)
        self.assertEqual(odoo_compiles, 3, "Odoo compiles the body for each record")
        self.assertEqual(compiles, 1)
        self.assertIn(self.owner.name, bodies[orders[1].id])

    def test_each_language_has_its_own_compiled_body(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.owner.lang = "fr_FR"
        orders = self._three_orders()
        template = self.mail_status
        odoo_bodies = template._render_field("body_html", orders.ids, compute_lang=True)
        bodies, compiles = self._count_compiles(lambda: self._render_compiling_once(template, orders))
        self.assertEqual(bodies, odoo_bodies)
        self.assertEqual(compiles, 2, "one compiled body per language, never one language's for another")

    def test_rendering_outside_the_block_is_odoos_own(self):
        """Nothing is kept after the block, nor in anything made inside it, nor after an error in it."""
        orders = self._three_orders()
        template = self.mail_status
        with self.env["ir.qweb"]._compiling_bodies_once():
            template._render_field("body_html", orders.ids, compute_lang=True)
            inside = template.with_context(active_test=False)
        for render in (template, inside):
            _bodies, compiles = self._count_compiles(
                lambda render=render: render._render_field("body_html", orders.ids, compute_lang=True)
            )
            self.assertEqual(compiles, 3)
        with self.assertRaises(ZeroDivisionError), self.env["ir.qweb"]._compiling_bodies_once():
            raise ZeroDivisionError
        _bodies, compiles = self._count_compiles(
            lambda: template._render_field("body_html", orders.ids, compute_lang=True)
        )
        self.assertEqual(compiles, 3)
        _bodies, compiles = self._count_compiles(lambda: self._render_compiling_once(template, orders))
        self.assertEqual(compiles, 1, "a new hand-over compiles afresh")

    def test_the_job_hands_each_mail_group_over_with_its_body_compiled_once(self):
        self._rule(channel="email")
        self.owner.write({"accepts_automated_email": True})
        orders = self.order | self._create_customer_order([], customer=self.owner) | self._create_customer_order([])
        notifications = self._done(*orders)
        with self.mock_mail_gateway():
            _result, compiles = self._count_compiles(self._run_job)
        self.assertEqual(notifications.mapped("state"), ["sent"] * 3, notifications.mapped("reason"))
        self.assertEqual(compiles, 1)

    # ------------------------------------------------------------------
    # Review: recipients on the message, refusals before anything left, the composer's doors
    # ------------------------------------------------------------------

    def test_the_message_names_only_the_chosen_recipient(self):
        """The order's customer refused automated e-mail; the driver agreed: the e-mail and its message are theirs."""
        self.owner.write({"accepts_automated_email": False, "email": "owner@example.com"})
        order = self._create_order(self.company_a, partner_id=self.owner.id, driver_id=self.emile.id)
        self._rule(channel="email")
        order.write({"state": "done"})
        notification = self._notifications(order)
        with self.mock_mail_gateway():
            self._run_job()
        self.assertEqual(notification.state, "sent")
        self.assertEqual(notification.partner_id, self.emile)
        mail = self._mail_of(notification)
        self.assertEqual(mail.recipient_ids, self.emile)
        self.assertEqual(notification.message_id.partner_ids, self.emile, "the owner is not named on it")
        self.assertFalse(mail.email_to)

    def test_an_address_written_with_a_name_and_capitals_is_the_same_address(self):
        self.emile.email = '"Emile Dupré" <Emile.Dupre@Example.com>'
        self._rule(channel="email")
        notification = self._done()
        with self.mock_mail_gateway():
            self._run_job()
        mail = self._mail_of(notification)
        self.assertEqual(mail.recipient_ids, self.emile)
        self.assertFalse(mail.email_to)

    def test_an_address_on_odoos_email_blacklist_is_refused_and_the_fallback_used(self):
        self.env["mail.blacklist"].sudo()._add(self.emile.email)
        self._rule(channel="email", fallback_channel="sms")
        notification = self._done()
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self._run_job()
        self.assertFalse(self._new_mails)
        self.assertEqual(notification.channel, "sms")
        self.assertEqual(notification.state, "sent")
        self.assertIn("Blacklisted Address", notification.reason)

    def test_an_address_on_odoos_email_blacklist_without_fallback_fails(self):
        self.env["mail.blacklist"].sudo()._add(self.emile.email)
        self._rule(channel="email")
        notification = self._done()
        with self.mock_mail_gateway():
            self._run_job()
        self.assertFalse(self._new_mails.filtered(lambda mail: self.emile in mail.recipient_ids))
        self.assertEqual(notification.state, "failed")
        self.assertIn("Odoo refused to send it (Blacklisted Address)", notification.reason)

    def test_a_refused_sms_of_a_new_version_leaves_the_old_link_working(self):
        first = self._send_overview(self.order, channel="sms")
        self.assertEqual(first.state, "sent")
        self.env["phone.blacklist"].sudo().add(self.emile.phone)
        self.order.work_item_ids[:1].price_unit = 260.0
        point = {"role": "driver", "partner": self.emile, "channel": "sms", "address": self.emile.phone}
        second = self.order._prepare_customer_communication(point)
        with self.mockSMSGateway(), self.assertRaises(UserError) as refusal:
            second._send()
        self.assertIn("Blacklisted", str(refusal.exception))
        self.assertEqual(first.state, "sent", "the old link was not replaced")
        self.assertEqual(self.env["repair.customer.communication"]._find_by_token(first._get_token()), first)
        self.assertFalse(second.sent_at)

    def test_a_duplicate_is_skipped_without_counting_as_sent(self):
        template = self.sms_status.copy({"body": "Your car is ready."})
        self._rule(sms_template_id=template.id)
        _first, second = self._done(self.order, self._create_customer_order([]))
        with self.mockSMSGateway():
            self._run_job()
        self.assertEqual(second.state, "skipped")
        self.assertFalse(second.sent_at)

    def test_the_queue_composer_is_the_queue_s_alone(self):
        composer_model = self.env["customer.notification.sms.composer"]
        with self.assertRaises(AccessError):
            composer_model.with_user(self.receptionist).create(
                {"composition_mode": "mass", "res_model": "repair.order"}
            )
        composer = composer_model.create(
            {"composition_mode": "mass", "res_model": "repair.order", "res_ids": repr(self.order.ids), "body": "Hi"}
        )
        self.assertFalse(composer.mass_keep_log, "its chatter copy is its own: Odoo's is off")
        for action in (composer.action_send_sms, composer.action_send_sms_mass_now):
            with self.assertRaises(UserError):
                action()
