from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .notification_common import NotificationCommon

NOW = datetime(2026, 11, 23, 9, 0)
APPOINTMENT = datetime(2026, 11, 26, 8, 30)


@tagged("post_install", "-at_install")
class TestNotificationReminders(NotificationCommon):
    """Reminders follow the appointment: planned, moved with it, cancelled with it."""

    def setUp(self):
        super().setUp()
        self.reminder_rule = self._rule(
            trigger="order_reminder",
            state_to=False,
            interval_nbr=1,
            interval_unit="days",
            channel="email",
            mail_template_id=self.mail_reminder.id,
            sms_template_id=self.sms_reminder.id,
        )
        self.frozen = freeze_time(NOW)
        self.frozen.start()
        self.addCleanup(self.frozen.stop)
        self.appointment_order = self._create_customer_order([], schedule_date=APPOINTMENT)

    def _reminders(self, order=None):
        return self._notifications(order or self.appointment_order).filtered(lambda n: n.kind == "reminder")

    def test_a_booked_appointment_gets_its_reminder(self):
        reminder = self._reminders()
        self.assertEqual(reminder.state, "queued")
        self.assertEqual(reminder.due_at, APPOINTMENT - timedelta(days=1))
        self.assertEqual(reminder.channel, "email")

    def test_minutes_and_hours_before(self):
        self._rule(
            trigger="order_reminder",
            state_to=False,
            interval_nbr=90,
            interval_unit="minutes",
            sms_template_id=self.sms_reminder.id,
        )
        self._rule(
            trigger="order_reminder",
            state_to=False,
            interval_nbr=2,
            interval_unit="hours",
            sms_template_id=self.sms_reminder.id,
        )
        dues = sorted(self._reminders().mapped("due_at"))
        self.assertEqual(
            dues,
            [APPOINTMENT - timedelta(days=1), APPOINTMENT - timedelta(hours=2), APPOINTMENT - timedelta(minutes=90)],
        )

    def test_a_moved_appointment_moves_its_reminder(self):
        reminder = self._reminders()
        self.appointment_order.schedule_date = APPOINTMENT + timedelta(days=2)
        self.assertEqual(self._reminders(), reminder, "the same reminder is moved, not a new one")
        self.assertEqual(reminder.state, "queued")
        self.assertEqual(reminder.due_at, APPOINTMENT + timedelta(days=1))
        self.assertIn("moved to", self.appointment_order.message_ids[0].body)

    def test_moved_back_and_forth(self):
        self.appointment_order.schedule_date = APPOINTMENT + timedelta(days=2)
        self.appointment_order.schedule_date = APPOINTMENT
        queued = self._reminders().filtered(lambda n: n.state == "queued")
        self.assertEqual(len(queued), 1)
        self.assertEqual(queued.due_at, APPOINTMENT - timedelta(days=1))

    def test_a_cancelled_appointment_cancels_its_reminder(self):
        reminder = self._reminders()
        self.appointment_order.action_repair_cancel()
        self.assertEqual(reminder.state, "cancelled")
        self.assertEqual(reminder.reason, "The work order was cancelled.")
        self.assertIn("cancelled", self.appointment_order.message_ids[0].body)
        # Back to draft with its appointment still ahead: the reminder is planned again.
        self.appointment_order.action_repair_cancel_draft()
        self.assertEqual(reminder.state, "queued")

    def test_a_reminder_sent_stays_and_a_new_appointment_gets_a_new_one(self):
        with freeze_time(APPOINTMENT - timedelta(hours=20)):
            self._run_job()
        sent = self._reminders()
        self.assertEqual(sent.state, "sent")
        self.appointment_order.schedule_date = APPOINTMENT + timedelta(days=7)
        reminders = self._reminders()
        self.assertEqual(len(reminders), 2)
        self.assertEqual(sent.state, "sent")
        self.assertEqual((reminders - sent).due_at, APPOINTMENT + timedelta(days=6))

    def test_booked_too_late_for_the_reminder_is_skipped(self):
        order = self._create_customer_order([], schedule_date=NOW + timedelta(hours=3))
        reminder = self._reminders(order)
        self.assertEqual(reminder.state, "skipped")
        self.assertIn("less than the reminder's lead time", reminder.reason)

    def test_a_new_reminder_rule_plans_the_appointments_ahead(self):
        past_order = self._create_customer_order([], schedule_date=NOW - timedelta(days=1))
        rule = self._rule(
            trigger="order_reminder",
            state_to=False,
            interval_nbr=2,
            interval_unit="hours",
            sms_template_id=self.sms_reminder.id,
        )
        self.assertEqual(
            self._reminders().filtered(lambda n: n.rule_id == rule).due_at, APPOINTMENT - timedelta(hours=2)
        )
        self.assertFalse(self._reminders(past_order).filtered(lambda n: n.rule_id == rule))
        # Changing its lead time moves them; switching it off cancels them.
        rule.interval_nbr = 3
        self.assertEqual(
            self._reminders().filtered(lambda n: n.rule_id == rule).due_at, APPOINTMENT - timedelta(hours=3)
        )
        rule.active = False
        self.assertEqual(self._reminders().filtered(lambda n: n.rule_id == rule).state, "cancelled")

    def test_the_job_does_not_send_a_reminder_for_a_moved_appointment(self):
        reminder = self._reminders()
        # The date moved in a way the sync did not see (direct SQL, an import...): the job checks again.
        self.env.cr.execute(
            "UPDATE repair_order SET schedule_date = %s WHERE id = %s",
            (APPOINTMENT + timedelta(days=10), self.appointment_order.id),
        )
        self.appointment_order.invalidate_recordset(["schedule_date"])
        with freeze_time(APPOINTMENT - timedelta(hours=20)), self.mock_mail_gateway():
            self._run_job()
        self.assertEqual(reminder.state, "cancelled")
        self.assertFalse(self._new_mails)
