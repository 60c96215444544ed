from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from .notification_common import NotificationCommon

# Monday 23 November 2026; Brussels is UTC+1 in winter. The location works 8-12 and 13-17.
MONDAY_10H = datetime(2026, 11, 23, 9, 0)  # 10:00 in Brussels
MONDAY_16H30 = datetime(2026, 11, 23, 15, 30)  # 16:30 in Brussels
FRIDAY_16H30 = datetime(2026, 11, 27, 15, 30)
TUESDAY_8H = datetime(2026, 11, 24, 7, 0)
NEXT_MONDAY_8H = datetime(2026, 11, 30, 7, 0)


@tagged("post_install", "-at_install")
class TestNotificationTriggers(NotificationCommon):
    """Each event queues its message, in the same transaction, due at the right time."""

    def setUp(self):
        super().setUp()
        self.trigger_order = self._create_customer_order([("Brake pads", "necessary", 200.0)])

    def test_order_created(self):
        rule = self._rule(trigger="order_created", state_to=False)
        with freeze_time(MONDAY_10H):
            order = self._create_customer_order([])
        notification = self._notifications(order)
        self.assertEqual(notification.rule_id, rule)
        self.assertEqual(notification.state, "queued")
        self.assertEqual(notification.due_at, MONDAY_10H)
        self.assertEqual(notification.channel, "sms")
        self.assertIn("planned by SMS", order.message_ids[0].body)

    def test_status_changed_any_and_to_a_chosen_status(self):
        any_rule = self._rule(trigger="order_state_any", state_to=False)
        done_rule = self._rule(state_to="done")
        self.trigger_order.write({"state": "confirmed"})
        self.assertEqual(self._notifications(self.trigger_order).rule_id, any_rule)
        self.trigger_order.write({"state": "under_repair"})
        self.trigger_order.write({"state": "done"})
        notifications = self._notifications(self.trigger_order)
        self.assertEqual(len(notifications.filtered(lambda n: n.rule_id == any_rule)), 3)
        self.assertEqual(len(notifications.filtered(lambda n: n.rule_id == done_rule)), 1)
        # Writing the same status again is no change, and the same event is never queued twice.
        self.trigger_order.write({"state": "done"})
        self.assertEqual(len(self._notifications(self.trigger_order)), 4)

    def test_status_buttons_of_odoo_trigger_it(self):
        rule = self._rule(state_to="under_repair")
        self.trigger_order.action_validate()
        self.trigger_order.action_repair_start()
        self.assertEqual(self._notifications(self.trigger_order).rule_id, rule)

    def test_scheduled_date_changed(self):
        rule = self._rule(trigger="order_schedule_changed", state_to=False)
        self.trigger_order.schedule_date = datetime(2026, 12, 1, 9, 0)
        self.trigger_order.schedule_date = datetime(2026, 12, 2, 9, 0)
        notifications = self._notifications(self.trigger_order)
        self.assertEqual(notifications.rule_id, rule)
        self.assertEqual(len(notifications), 2)
        self.assertEqual(len(set(notifications.mapped("occurrence"))), 2)

    def test_rules_of_another_location_do_not_apply(self):
        self._rule(company_id=self.company_b.id, trigger="order_created", state_to=False)
        order = self._create_customer_order([])
        self.assertFalse(self._notifications(order))

    def test_delay(self):
        self._rule(interval_nbr=90, interval_unit="minutes")
        with freeze_time(MONDAY_10H):
            self.trigger_order.write({"state": "done"})
        self.assertEqual(self._notifications(self.trigger_order).due_at, datetime(2026, 11, 23, 10, 30))

    def test_delay_in_days_and_months(self):
        self._rule(interval_nbr=2, interval_unit="days")
        self._rule(interval_nbr=1, interval_unit="months", channel="email")
        with freeze_time(MONDAY_10H):
            self.trigger_order.write({"state": "done"})
        dues = sorted(self._notifications(self.trigger_order).mapped("due_at"))
        self.assertEqual(dues, [datetime(2026, 11, 25, 9, 0), datetime(2026, 12, 23, 9, 0)])

    def test_working_hours_inside_sends_at_the_due_time(self):
        self._rule(interval_nbr=1, interval_unit="hours", working_hours_only=True)
        with freeze_time(MONDAY_10H):
            self.trigger_order.write({"state": "done"})
        self.assertEqual(self._notifications(self.trigger_order).due_at, datetime(2026, 11, 23, 10, 0))

    def test_working_hours_evening_waits_for_the_next_morning(self):
        self._rule(interval_nbr=1, interval_unit="hours", working_hours_only=True)
        with freeze_time(MONDAY_16H30):
            self.trigger_order.write({"state": "done"})
        self.assertEqual(self._notifications(self.trigger_order).due_at, TUESDAY_8H)

    def test_working_hours_friday_evening_waits_for_monday(self):
        self._rule(interval_nbr=1, interval_unit="hours", working_hours_only=True)
        with freeze_time(FRIDAY_16H30):
            self.trigger_order.write({"state": "done"})
        self.assertEqual(self._notifications(self.trigger_order).due_at, NEXT_MONDAY_8H)

    def test_working_hours_lunch_break_waits_for_the_afternoon(self):
        self._rule(interval_nbr=30, interval_unit="minutes", working_hours_only=True)
        with freeze_time(datetime(2026, 11, 23, 10, 45)):  # 11:45 + 30 min = 12:15, the lunch break
            self.trigger_order.write({"state": "done"})
        self.assertEqual(self._notifications(self.trigger_order).due_at, datetime(2026, 11, 23, 12, 0))

    def test_working_hours_public_holiday_is_closed(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 11, 23, 23, 0),
                "date_to": datetime(2026, 11, 24, 22, 59),
            }
        )
        self._rule(interval_nbr=1, interval_unit="hours", working_hours_only=True)
        with freeze_time(MONDAY_16H30):
            self.trigger_order.write({"state": "done"})
        self.assertEqual(self._notifications(self.trigger_order).due_at, datetime(2026, 11, 25, 7, 0))

    def test_job_is_woken_at_the_due_time(self):
        self._rule(interval_nbr=1, interval_unit="hours")
        cron = self.env.ref("repair_customer_communication.ir_cron_send_customer_notifications")
        with freeze_time(MONDAY_10H):
            self.trigger_order.write({"state": "done"})
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertIn(datetime(2026, 11, 23, 10, 0), triggers.mapped("call_at"))

    def test_lead_created_and_stage_changed(self):
        created_rule = self._rule(
            trigger="lead_created", state_to=False, sms_template_id=self.sms_lead.id, mail_template_id=self.mail_lead.id
        )
        stage_won = self.env["crm.stage"].create({"name": "Appointment booked"})
        stage_rule = self._rule(
            trigger="lead_stage_to",
            state_to=False,
            stage_id=stage_won.id,
            sms_template_id=self.sms_lead.id,
            mail_template_id=self.mail_lead.id,
        )
        lead = (
            self.env["crm.lead"]
            .with_company(self.company_a)
            .create({"name": "Winter tyres", "partner_id": self.emile.id, "company_id": self.company_a.id})
        )
        self.assertEqual(self._notifications(lead).rule_id, created_rule)
        self.assertEqual(self._notifications(lead).lead_id, lead)
        lead.stage_id = stage_won
        self.assertEqual(self._notifications(lead).rule_id, created_rule | stage_rule)

    def test_overview_not_answered_nudge(self):
        rule = self._nudge_rule(24)
        with freeze_time(MONDAY_10H):
            overview = self._send_overview(self.trigger_order)
        nudge = self._notifications(self.trigger_order).filtered(lambda n: n.rule_id == rule)
        self.assertEqual(nudge.due_at, datetime(2026, 11, 24, 9, 0))
        self.assertEqual(nudge.occurrence, f"overview:{overview.id}")
        # The customer answers: the nudge is cancelled.
        overview.line_ids.decision = "accepted"
        overview._confirm_by_customer()
        self.assertEqual(nudge.state, "cancelled")

    def test_declined_work_follow_up(self):
        rule = self._follow_up_rule(3, "months")
        overview = self._send_overview(self.trigger_order)
        overview.line_ids.decision = "declined"
        with freeze_time(MONDAY_10H):
            overview.write({"confirmed_at": fields.Datetime.now()})
            overview._confirm_by_customer()
        follow_up = self._notifications(self.trigger_order).filtered(lambda n: n.rule_id == rule)
        self.assertEqual(follow_up.due_at, datetime(2027, 2, 23, 9, 0))
        body = rule.mail_template_id._render_field("body_html", self.trigger_order.ids)[self.trigger_order.id]
        self.assertIn("Brake pads", body)

    def test_nothing_declined_no_follow_up(self):
        self._follow_up_rule(3, "days")
        overview = self._send_overview(self.trigger_order)
        overview.line_ids.decision = "accepted"
        overview._confirm_by_customer()
        self.assertFalse(self._notifications(self.trigger_order).filtered(lambda n: n.trigger == "item_declined"))

    def test_no_rule_costs_no_query_on_unrelated_writes(self):
        self._rule()
        self.trigger_order.invalidate_recordset()
        with self.assertQueryCount(1):
            self.trigger_order.write({"internal_notes": "<p>Bring the spare key</p>"})
            self.trigger_order.flush_recordset()

    def test_a_status_change_searches_the_rules_once(self):
        """The four kinds of rules a change may concern come from one search, not one each."""
        self._rule(trigger="order_state_any", state_to=False)
        rules = self.env["customer.notification.rule"]
        with patch.object(type(rules), "search", autospec=True, side_effect=type(rules).search) as search:
            self.trigger_order.write({"state": "confirmed", "schedule_date": datetime(2026, 12, 1, 9, 0)})
        self.assertEqual(search.call_count, 1)
        self.assertEqual(len(self._notifications(self.trigger_order)), 1)

    def test_order_with_several_items_batch_create(self):
        self._rule(trigger="order_created", state_to=False)
        orders = self._create_order(self.company_a, partner_id=self.emile.id) | self._create_order(
            self.company_a, partner_id=self.owner.id, work_item_ids=[Command.create({"name": "Oil"})]
        )
        self.assertEqual(len(self.Notification.search([("order_id", "in", orders.ids)])), 2)
