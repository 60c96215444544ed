from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .notification_common import NotificationCommon


@tagged("post_install", "-at_install")
class TestNotificationRules(NotificationCommon):
    """Rules: what they need, and the bulk actions of their list."""

    def test_name_describes_the_rule(self):
        rule = self._rule()
        self.assertEqual(rule.name, "SMS: Work order status changed to Repaired")
        self.assertEqual(rule.kind, "notification")
        self.assertEqual(rule.model, "repair.order")
        self.assertEqual(rule.delay_description, "At once")
        rule.write({"interval_nbr": 1, "interval_unit": "hours", "working_hours_only": True})
        self.assertEqual(rule.delay_description, "1 hours later, in working hours")

    def test_a_rule_needs_what_its_trigger_names(self):
        with self.assertRaises(ValidationError):
            self._rule(state_to=False)
        with self.assertRaises(ValidationError):
            self._rule(trigger="lead_stage_to", state_to=False, sms_template_id=self.sms_lead.id)
        with self.assertRaises(ValidationError):
            self._rule(trigger="order_reminder", interval_nbr=0, sms_template_id=self.sms_reminder.id)

    def test_a_rule_needs_a_template_of_its_records_for_each_channel(self):
        with self.assertRaises(ValidationError):
            self._rule(channel="email", mail_template_id=False)
        with self.assertRaises(ValidationError):
            self._rule(fallback_channel="email", mail_template_id=False)
        with self.assertRaises(ValidationError):  # a lead template on a work-order rule
            self._rule(sms_template_id=self.sms_lead.id)
        with self.assertRaises(Exception), self.cr.savepoint():  # noqa: B017 - the database refuses it
            self._rule(fallback_channel="sms")

    def test_create_template_from_the_rule(self):
        rule = self._rule(
            trigger="order_created",
            state_to=False,
            sms_template_id=False,
            channel="email",
            mail_template_id=self.mail_status.id,
        )
        action = rule.with_context(template_channel="sms").action_create_template()
        self.assertEqual(action["res_model"], "sms.template")
        self.assertEqual(rule.sms_template_id.model, "repair.order")
        self.assertEqual(rule.sms_template_id.name, rule.name)
        body = rule.sms_template_id._render_field("body", self.order.ids)[self.order.id]
        self.assertIn(self.company_a.name, body)
        sms_rule = self._rule(trigger="order_created", state_to=False, mail_template_id=False)
        sms_rule.with_context(template_channel="email").action_create_template()
        self.assertEqual(sms_rule.mail_template_id.model, "repair.order")
        subject = sms_rule.mail_template_id._render_field("subject", self.order.ids)[self.order.id]
        self.assertEqual(subject, f"{self.company_a.name}: {self.order.name}")

    def test_form_shows_what_the_trigger_needs(self):
        with Form(self.Rule) as form:
            form.trigger = "order_reminder"
            form.interval_nbr = 1
            form.interval_unit = "days"
            form.channel = "email"
            form.mail_template_id = self.mail_reminder
        rule = form.record
        self.assertEqual(rule.kind, "reminder")
        self.assertEqual(rule.delay_description, "1 days before the appointment")

    def test_copy_to_all_locations(self):
        self.env.user.company_ids |= self.company_a | self.company_b
        rules = self._rule() | self._rule(trigger="order_created", state_to=False)
        rules.action_copy_to_all_locations()
        copies = self.Rule.search([("company_id", "=", self.company_b.id)])
        self.assertEqual(len(copies), 2)
        self.assertEqual(set(copies.mapped("trigger")), {"order_state_to", "order_created"})
        # Copying again does not duplicate them.
        rules.action_copy_to_all_locations()
        self.assertEqual(self.Rule.search_count([("company_id", "=", self.company_b.id)]), 2)

    def test_bulk_change_channel_and_template(self):
        rules = self._rule() | self._rule(trigger="order_created", state_to=False)
        wizard = (
            self.env["customer.notification.rule.bulk"]
            .with_context(active_model=rules._name, active_ids=rules.ids)
            .create({"change": "channel", "channel": "email", "fallback_channel": "sms"})
        )
        wizard.action_apply()
        self.assertEqual(set(rules.mapped("channel")), {"email"})
        self.assertEqual(set(rules.mapped("fallback_channel")), {"sms"})
        other_sms = self.sms_status.copy({"name": "Another status SMS"})
        wizard = (
            self.env["customer.notification.rule.bulk"]
            .with_context(active_model=rules._name, active_ids=rules.ids)
            .create({"change": "template", "sms_template_id": other_sms.id})
        )
        wizard.action_apply()
        self.assertEqual(rules.sms_template_id, other_sms)

    def test_bulk_change_refuses_a_template_of_other_records(self):
        rules = self._rule() | self._rule(
            trigger="lead_created", state_to=False, sms_template_id=self.sms_lead.id, mail_template_id=self.mail_lead.id
        )
        wizard = (
            self.env["customer.notification.rule.bulk"]
            .with_context(active_model=rules._name, active_ids=rules.ids)
            .create({"change": "template", "sms_template_id": self.sms_status.id})
        )
        with self.assertRaises(Exception):  # noqa: B017 - UserError: they are about different records
            wizard.action_apply()
        self.assertEqual(rules[1].sms_template_id, self.sms_lead)

    def test_bulk_delete_cancels_what_is_waiting_and_keeps_the_log(self):
        rule = self._rule(interval_nbr=1, interval_unit="hours")
        self.order.write({"partner_id": self.emile.id})
        self.order.action_validate()
        self.order.action_repair_start()
        self.order.action_repair_end()
        notification = self._notifications(self.order).filtered(lambda n: n.rule_id == rule)
        self.assertEqual(notification.state, "queued")
        (rule | self._rule(trigger="order_created", state_to=False)).unlink()  # several at once, from the list
        self.assertFalse(rule.exists())
        self.assertEqual(notification.state, "cancelled")
        self.assertEqual(notification.reason, "The rule was deleted.")
        self.assertEqual(notification.rule_name, "SMS: Work order status changed to Repaired")
