from datetime import datetime, timedelta

from odoo.tests import HttpCase, tagged

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestCheckinTours(HttpCase, WorkshopCommon):
    """Check-in in real browsers: the customer on a phone, then reception converting the service."""

    def test_customer_checks_in_and_reception_converts_the_service(self):
        self.env["repair.checkin.service"].create(
            {"name": "Car wash", "price_unit": 20.0, "company_id": self.company_a.id}
        )
        self.checkin_rule_a.active = True
        self.emile.accepts_automated_email = True  # the invitation is automated: it needs consent
        order = self._create_customer_order(
            [("Oil service", "scheduled", 100.0)],
            schedule_date=datetime.now() + timedelta(days=2),
            vehicle_id=self.vehicle.id,
        )
        order._send_planned_checkin_invitation()
        invitation = order.checkin_communication_id

        self.browser_size = "375x667"
        self.touch_enabled = True
        self.start_tour(f"/workshop/c/{invitation._get_token()}", "repair_customer_communication_customer_checks_in")
        self.assertEqual(invitation.state, "confirmed")
        self.assertEqual(self.emile.preferred_channel, "sms")
        self.assertEqual(self.emile.phone, "+32471223344")
        self.assertEqual(invitation.approval_limit, 150.0)
        self.assertEqual(invitation.checkin_choice_ids.service_id.name, "Car wash")
        self.assertEqual(invitation.remark_ids.subject, "Rattle")
        self.assertTrue(order.checkin_pinned)

        self.browser_size = "1366x768"
        self.touch_enabled = False
        self.start_tour(
            f"/odoo/action-repair.action_repair_order_tree/{order.id}",
            "repair_customer_communication_reception_converts_service",
            login=self.receptionist.login,
        )
        self.assertEqual(order.work_item_ids.filtered(lambda item: item.origin == "checkin").name, "Car wash")
        self.assertTrue(invitation.checkin_choice_ids.handled)
