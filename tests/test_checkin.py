from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from odoo.addons.base.tests.test_ir_cron import CronMixinCase

from .common import WorkshopCommon

NOW = datetime(2027, 3, 1, 8, 0, 0)


@tagged("post_install", "-at_install")
class TestCheckinInvitations(CronMixinCase, WorkshopCommon):
    """The invitation job: N days before the appointment, once per appointment date, never to a blocked customer."""

    def setUp(self):
        super().setUp()
        # The job commits its progress between batches; a test keeps everything in its transaction.
        patcher = patch.object(type(self.env["ir.cron"]), "_commit_progress", return_value=float("inf"))
        patcher.start()
        self.addCleanup(patcher.stop)
        self.company_a.repair_checkin_lead_days = 3
        # The invitation is automated: it needs the customer's consent on its channel.
        self.emile.accepts_automated_email = True

    def _order_at(self, when):
        with freeze_time(NOW):
            return self._create_customer_order([("Oil service", "scheduled", 100.0)], schedule_date=when)

    def _run_job(self, at):
        with freeze_time(at):
            self.env["repair.order"]._cron_send_checkin_invitations()

    def _checkins(self, order):
        return order.communication_ids.filtered(lambda c: c.kind == "checkin")

    def test_invited_n_days_before_and_only_once(self):
        order = self._order_at(NOW + timedelta(days=10))
        self.assertEqual(order.checkin_invitation_due, NOW + timedelta(days=7))
        self._run_job(NOW + timedelta(days=6))
        self.assertFalse(self._checkins(order))
        self._run_job(NOW + timedelta(days=7, minutes=1))
        invitation = self._checkins(order)
        self.assertEqual(len(invitation), 1)
        self.assertEqual(invitation.state, "sent")
        self.assertEqual(invitation.channel, "email")
        self.assertFalse(order.checkin_invitation_due)
        self._run_job(NOW + timedelta(days=8))
        self.assertEqual(len(self._checkins(order)), 1, "never twice for the same appointment")

    def test_moved_appointment_gets_a_new_invitation_and_the_old_link_leads_to_it(self):
        order = self._order_at(NOW + timedelta(days=4))
        self._run_job(NOW + timedelta(days=1, hours=1))
        first = self._checkins(order)
        with (
            freeze_time(NOW + timedelta(days=2)),
            self.capture_triggers("repair_customer_communication.ir_cron_send_checkin_invitations") as capture,
        ):
            order.schedule_date = NOW + timedelta(days=3)  # less than 3 days ahead: at once
        self.assertTrue(capture.records)
        self.assertLessEqual(capture.records[0].call_at, NOW + timedelta(days=2))
        self._run_job(NOW + timedelta(days=2, minutes=1))
        second = order.communication_ids.filtered(lambda c: c.kind == "checkin" and c.state == "sent")
        self.assertEqual(len(second), 1)
        self.assertEqual(first.state, "superseded")
        self.assertEqual(first._current_version(), second)

    def test_created_inside_the_window_is_invited_at_once(self):
        with (
            freeze_time(NOW),
            self.capture_triggers("repair_customer_communication.ir_cron_send_checkin_invitations") as capture,
        ):
            order = self._create_customer_order(
                [("Oil service", "scheduled", 100.0)], schedule_date=NOW + timedelta(days=1)
            )
        self.assertEqual(capture.records.call_at, NOW)
        self._run_job(NOW)
        self.assertEqual(len(self._checkins(order)), 1)

    def test_blocked_customer_gets_no_invitation(self):
        self.emile.communication_blocked = True
        order = self._order_at(NOW + timedelta(days=2))
        self._run_job(NOW + timedelta(minutes=5))
        self.assertFalse(self._checkins(order))
        self.assertFalse(order.checkin_invitation_due, "not retried for this appointment")
        self.assertIn("No check-in invitation sent", order.message_ids[0].body)

    def test_no_invitation_without_consent(self):
        self.emile.accepts_automated_email = False
        order = self._order_at(NOW + timedelta(days=2))
        self._run_job(NOW + timedelta(minutes=5))
        self.assertFalse(self._checkins(order))
        self.assertIn("No check-in invitation sent", order.message_ids[0].body)

    def test_no_invitation_when_disabled_cancelled_or_past(self):
        order = self._order_at(NOW + timedelta(days=2))
        self.company_a.repair_checkin_enabled = False
        self.assertFalse(order.checkin_invitation_due)
        self.company_a.repair_checkin_enabled = True
        order.action_repair_cancel()
        self.assertFalse(order.checkin_invitation_due)
        past = self._order_at(NOW - timedelta(days=1))
        self._run_job(NOW)
        self.assertFalse(self._checkins(past))

    def test_due_appointments_are_found_through_the_index(self):
        self.env.flush_all()
        self.env.cr.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'repair_order'")
        indexes = " ".join(row[0] for row in self.env.cr.fetchall())
        self.assertIn("checkin_invitation_due", indexes)


@tagged("post_install", "-at_install")
class TestCheckinPage(HttpCase, WorkshopCommon):
    """The customer's check-in page and what reception does with the answers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wash = cls.env["repair.checkin.service"].create(
            {
                "name": "Car wash",
                "description": "Outside and inside",
                "price_unit": 20.0,
                "company_id": cls.company_a.id,
            }
        )
        cls.loan_car = cls.env["repair.checkin.service"].create(
            {"name": "Courtesy car", "price_unit": 0.0, "convert_to_work_item": False, "company_id": cls.company_a.id}
        )
        cls.other_company_service = cls.env["repair.checkin.service"].create(
            {"name": "Elsewhere", "price_unit": 5.0, "company_id": cls.company_b.id}
        )

    def setUp(self):
        super().setUp()
        self.emile.write({"preferred_channel": "email", "accepts_automated_email": True})
        self.checkin_order = self._create_customer_order(
            [("Oil service", "scheduled", 100.0)],
            schedule_date=datetime.now() + timedelta(days=2),
            vehicle_id=self.vehicle.id,
        )
        self.checkin_order._send_checkin_invitation()
        self.invitation = self.checkin_order.checkin_communication_id
        self.token = self.invitation._get_token()

    def _rpc(self, route, params=None):
        return self.make_jsonrpc_request(f"/workshop/c/{self.token}/{route}", params or {})

    def test_page_shows_appointment_planned_work_and_services(self):
        page = self.url_open(f"/workshop/c/{self.token}")
        self.assertEqual(page.status_code, 200)
        for text in ("Oil service", "Car wash", "Outside and inside", "Courtesy car", "1-ABC-234"):
            self.assertIn(text, page.text)
        self.assertNotIn("Elsewhere", page.text)
        self.assertIn("no-store", page.headers["Cache-Control"])

    def test_contact_corrections_are_checked_saved_and_logged(self):
        result = self._rpc("contact", {"channel": "sms", "email": "new.mail@example.com", "phone": "0471 22 33 44"})
        self.assertTrue(result["ok"], result)
        self.assertEqual(self.emile.preferred_channel, "sms")
        self.assertEqual(self.emile.email, "new.mail@example.com")
        self.assertEqual(self.emile.phone, "+32471223344")
        changed = self.invitation.event_ids.filtered(lambda e: e.event_type == "contact_changed")
        self.assertIn("emile.dupre@example.com → new.mail@example.com", changed.details)
        self.assertIn("+32471223344", changed.details)

    def test_bad_contact_input_saves_nothing(self):
        for params in (
            {"channel": "sms", "email": "not-an-email", "phone": "0471 22 33 44"},
            {"channel": "sms", "email": "ok@example.com", "phone": "12"},
            {"channel": "pigeon", "email": "ok@example.com"},
        ):
            result = self._rpc("contact", params)
            self.assertFalse(result["ok"], params)
        self.assertEqual(self.emile.preferred_channel, "email")
        self.assertEqual(self.emile.email, "emile.dupre@example.com")
        self.assertFalse(self.invitation.event_ids.filtered(lambda e: e.event_type == "contact_changed"))

    def test_services_limit_and_check_in(self):
        self.assertTrue(self._rpc("service", {"service_id": self.wash.id, "choice": "order"})["ok"])
        self.assertTrue(self._rpc("service", {"service_id": self.loan_car.id, "choice": "contact"})["ok"])
        self.assertFalse(self._rpc("service", {"service_id": self.other_company_service.id, "choice": "order"})["ok"])
        self.assertFalse(self._rpc("service", {"service_id": self.wash.id, "choice": "maybe"})["ok"])
        self.assertTrue(self._rpc("limit", {"amount": "150"})["ok"])
        for bad in ("-5", "abc", "1e9", "nan"):
            self.assertFalse(self._rpc("limit", {"amount": bad})["ok"], bad)
        self.assertEqual(self.invitation.approval_limit, 150.0)
        self.assertTrue(self._rpc("confirm")["ok"])
        order = self.checkin_order
        self.assertTrue(order.checkin_answered)
        self.assertEqual(order.checkin_open_count, 2)
        self.assertTrue(order.checkin_pinned)
        self.assertEqual(order.checkin_approval_limit, 150.0)
        self.assertIn("checked in online", order.message_ids[0].body)
        self.assertFalse(self._rpc("service", {"service_id": self.wash.id, "choice": False})["ok"], "read-only now")

        # Reception: the wash becomes a work item, the courtesy car is simply handled.
        wash_choice = order.checkin_choice_ids.filtered(lambda c: c.service_id == self.wash)
        wash_choice.with_user(self.receptionist).action_handle()
        item = wash_choice.work_item_id
        self.assertEqual((item.name, item.origin, item.price_unit), ("Car wash", "checkin", 20.0))
        self.assertEqual(item.authorization, "approved")
        self.assertTrue(order.checkin_pinned)
        self.assertEqual(order.checkin_open_choice_ids.service_id, self.loan_car)
        order.checkin_choice_ids.filtered(lambda c: c.service_id == self.loan_car).with_user(
            self.receptionist
        ).action_handle()
        self.assertFalse(order.checkin_pinned, "everything handled: back to its date")
        self.assertFalse(order.checkin_open_choice_ids, "handled choices leave the check-in section")
        self.assertEqual(len(order.work_item_ids.filtered(lambda i: i.origin == "checkin")), 1)

    def test_checkin_remark_becomes_a_work_item(self):
        remark = self.invitation._add_customer_remark("Rattle", "Front left, over bumps", [])
        self.assertTrue(self._rpc("confirm")["ok"])
        self.assertEqual(self.checkin_order.checkin_open_count, 1)
        action = remark.with_user(self.receptionist).action_make_work_item()
        self.assertTrue(remark.is_read)
        self.assertEqual(action["context"]["default_name"], "Rattle")
        self.assertEqual(action["context"]["default_origin"], "remark")
        self.assertFalse(self.checkin_order.checkin_pinned)

    def test_pinned_orders_come_first(self):
        self.assertTrue(self._rpc("service", {"service_id": self.wash.id, "choice": "order"})["ok"])
        self.assertTrue(self._rpc("confirm")["ok"])
        later = self._create_customer_order([("Other", "scheduled", 10.0)])
        orders = self.env["repair.order"].search([("id", "in", (self.checkin_order | later).ids)])
        self.assertEqual(orders[0], self.checkin_order)

    def test_overview_link_cannot_use_check_in_routes(self):
        overview = self._send_overview(self.checkin_order)
        token = overview._get_token()
        result = self.make_jsonrpc_request(f"/workshop/c/{token}/limit", {"amount": 10})
        self.assertFalse(result["ok"])
        self.assertFalse(overview.approval_limit)
