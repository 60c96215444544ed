from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestOverviewTours(HttpCase, WorkshopCommon):
    """The whole overview in real browsers: reception sends, the customer answers on a phone, reception applies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.blocked_owner = cls.env["res.partner"].create(
            {"name": "Blocked Owner", "email": "blocked@example.com", "communication_blocked": True}
        )
        cls.tour_order = cls._create_order(
            cls.company_a,
            user_id=cls.receptionist.id,
            partner_id=cls.emile.id,
            driver_id=cls.emile.id,
            owner_id=cls.blocked_owner.id,
            work_item_ids=[
                Command.create({"name": "Oil service", "category": "scheduled", "price_unit": 100.0}),
                Command.create(
                    {
                        "name": "Brake pads",
                        "category": "necessary",
                        "price_unit": 200.0,
                        "mechanic_note": "Pads 3 mm inside left, wear indicator touching: that is the squeak "
                        "the customer reported. Discs 24.1 mm (minimum 23.0 mm): OK to keep.",
                        "customer_note": "Your front brake pads are worn down to 3 mm.",
                    }
                ),
                Command.create({"name": "Wiper blades", "category": "recommended", "price_unit": 30.0}),
                Command.create({"name": "Tyres checked", "category": "ok"}),
            ],
        )

    def test_send_answer_on_a_phone_and_apply(self):
        self.browser_size = "1440x900"  # reception's screen
        self.start_tour(
            f"/odoo/action-repair.action_repair_order_tree/{self.tour_order.id}",
            "repair_customer_communication_reception_sends",
            login=self.receptionist.login,
        )
        overview = self.tour_order.last_overview_id
        self.assertEqual(overview.partner_id, self.emile)
        self.assertEqual(overview.note, "Your car is ready for a decision")

        self.browser_size = "375x667"  # a phone
        self.touch_enabled = True
        self.start_tour(f"/workshop/c/{overview._get_token()}", "repair_customer_communication_customer_answers")
        self.assertEqual(overview.state, "confirmed")
        opened = overview.event_ids.filtered(lambda event: event.event_type == "opened")
        self.assertEqual(len(opened), 1, "the page's script told the server once that the page is viewed")
        self.assertIn("Chrome", opened.user_agent or "", "logged with the browser")
        self.assertEqual(opened.ip_address, "127.0.0.1")
        answers = {item.name: item.customer_decision for item in self.tour_order.work_item_ids}
        self.assertEqual(answers["Brake pads"], "accepted")
        self.assertEqual(answers["Wiper blades"], "declined")
        wipers_line = overview.line_ids.filtered(lambda line: line.name == "Wiper blades")
        self.assertEqual(wipers_line.decline_reason, "price")

        self.browser_size = "1440x900"  # reception's screen, the chatter beside the form
        self.touch_enabled = False
        self.start_tour(
            "/odoo/action-repair.action_repair_order_tree",
            "repair_customer_communication_progress_column",
            login=self.receptionist.login,
        )
        self.start_tour(
            f"/odoo/action-repair.action_repair_order_tree/{self.tour_order.id}",
            "repair_customer_communication_reception_applies",
            login=self.receptionist.login,
        )
        authorizations = {item.name: item.authorization for item in self.tour_order.work_item_ids}
        self.assertEqual(authorizations["Brake pads"], "approved")
        self.assertEqual(authorizations["Wiper blades"], "refused")

    def test_no_answer_lost_on_a_bad_network(self):
        """Issue 11.5: an answer made offline is kept on the phone, said so, and sent when the connection returns."""
        overview = self._send_overview(self.tour_order)
        self.browser_size = "375x667"
        self.touch_enabled = True
        self.start_tour(f"/workshop/c/{overview._get_token()}", "repair_customer_communication_customer_offline")
        self.assertEqual(overview.state, "confirmed")
        answers = {line.name: line.decision for line in overview.line_ids if line.decision}
        self.assertEqual(answers["Brake pads"], "contact", "the answer made offline reached the workshop")
        self.assertEqual(answers["Wiper blades"], "declined")
