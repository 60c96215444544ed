from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import WorkshopCommon

MODULE = "repair_customer_communication"
# A Monday in Brussels (UTC+1); the demo garage works 8-12 and 13-18 on weekdays.
MONDAY_16H30 = datetime(2026, 11, 23, 15, 30)
MONDAY_17H30 = datetime(2026, 11, 23, 16, 30)
MONDAY_17H15 = datetime(2026, 11, 23, 16, 15)
TUESDAY_8H = datetime(2026, 11, 24, 7, 0)


@tagged("post_install", "-at_install")
class TestNotificationDemoScenario(WorkshopCommon):
    """The issue's acceptance scenario, on the demo garage, as an administrator would click it."""

    def setUp(self):
        super().setUp()
        self.garage = self.env.ref(f"{MODULE}.demo_company_garage", raise_if_not_found=False)
        if not self.garage:
            self.skipTest("database installed without demo data")
        self.env = self.env(context=dict(self.env.context, allowed_company_ids=self.garage.ids))
        self.order = self.env.ref(f"{MODULE}.demo_repair_order_05")
        self.order.partner_id.write({"accepts_automated_sms": True, "accepts_automated_email": True})

    def _create_rule(self, **values):
        with Form(self.env["customer.notification.rule"]) as form:
            for name, value in values.items():
                setattr(form, name, value)
        return form.record

    def test_sms_when_done_one_hour_later_in_working_hours_and_an_email_reminder(self):
        ref = self.env.ref
        done_rule = self._create_rule(
            trigger="order_state_to",
            state_to="done",
            interval_nbr=1,
            interval_unit="hours",
            working_hours_only=True,
            channel="sms",
            sms_template_id=ref(f"{MODULE}.sms_template_notification_ready"),
        )
        reminder_rule = self._create_rule(
            trigger="order_reminder",
            interval_nbr=1,
            interval_unit="days",
            channel="email",
            mail_template_id=ref(f"{MODULE}.mail_template_notification_reminder"),
        )
        self.assertEqual(done_rule.company_id, self.garage)
        self.assertEqual(done_rule.name, "SMS: Work order status changed to Repaired")
        Notification = self.env["customer.notification"]

        # The appointment is booked for Thursday 9:00: the reminder is due Wednesday 9:00.
        with freeze_time(MONDAY_16H30 - timedelta(hours=2)):
            self.order.schedule_date = datetime(2026, 11, 26, 8, 0)
            reminder = Notification.search(
                [("order_id", "=", self.order.id), ("rule_id", "=", reminder_rule.id), ("state", "=", "queued")]
            )
            self.assertEqual(reminder.due_at, datetime(2026, 11, 25, 8, 0))
            # Rescheduled to Friday: the reminder follows.
            self.order.schedule_date = datetime(2026, 11, 27, 8, 0)
            self.assertEqual(reminder.due_at, datetime(2026, 11, 26, 8, 0))
            self.assertEqual(reminder.state, "queued")

        # Done at 16:30: the SMS is due at 17:30, within the garage's hours (till 18:00).
        with freeze_time(MONDAY_16H30):
            self.order.write({"state": "done"})
        sms = Notification.search([("order_id", "=", self.order.id), ("rule_id", "=", done_rule.id)])
        self.assertEqual(sms.state, "queued")
        self.assertEqual(sms.due_at, MONDAY_17H30)
        # Both show in the log (menu) and in the chatter.
        log = self.env["ir.actions.act_window"]._for_xml_id(f"{MODULE}.action_customer_notification")
        self.assertEqual(log["res_model"], "customer.notification")
        self.assertEqual(
            self.order.customer_notification_count, len(Notification.search([("order_id", "=", self.order.id)]))
        )
        chatter = " ".join(self.order.message_ids.mapped("body"))
        self.assertIn("SMS: Work order status changed to Repaired planned by SMS", chatter)
        self.assertIn("moved to", chatter)
        # The order being done, its reminder is cancelled.
        self.assertEqual(reminder.state, "cancelled")

    def test_done_after_closing_waits_for_the_next_opening(self):
        rule = self._create_rule(
            trigger="order_state_to",
            state_to="done",
            interval_nbr=1,
            interval_unit="hours",
            working_hours_only=True,
            channel="sms",
            sms_template_id=self.env.ref(f"{MODULE}.sms_template_notification_ready"),
        )
        with freeze_time(MONDAY_17H15):  # 18:15 in Brussels + 1 hour: closed
            self.order.write({"state": "done"})
        sms = self.env["customer.notification"].search([("order_id", "=", self.order.id), ("rule_id", "=", rule.id)])
        self.assertEqual(sms.due_at, TUESDAY_8H)
