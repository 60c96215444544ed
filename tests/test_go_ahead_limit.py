from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestGoAheadLimit(HttpCase, WorkshopCommon):
    """Found work within the go-ahead the customer gave at check-in is authorised on their behalf in one click."""

    def setUp(self):
        super().setUp()
        self.order = self._create_customer_order(
            [("Oil service", "scheduled", 100.0), ("Tyres checked", "ok", 0.0)], user_id=self.receptionist.id
        )
        checkin = self.order._prepare_customer_communication(
            {"role": "driver", "partner": self.emile, "channel": "email", "address": self.emile.email}, kind="checkin"
        )
        checkin._send()
        checkin.sudo()._customer_set_limit(150.0)
        checkin.sudo()._customer_confirm()
        self.assertEqual(self.order.checkin_approval_limit, 150.0)

    def _found(self, name, price, category="necessary"):
        return self._create_item(self.order, name=name, category=category, price_unit=price)  # 21 % VAT

    def _go_ahead(self):
        return self.order.with_user(self.receptionist).action_go_ahead_within_limit()

    def test_found_work_within_the_limit_goes_ahead_in_one_click_and_is_logged(self):
        bulb = self._found("Number plate bulb", 10.0)  # 12.10 incl. VAT
        wipers = self._found("Wiper blades", 100.0, category="recommended")  # 121.00
        self.assertTrue(self.order.go_ahead_possible)
        self.assertAlmostEqual(self.order.go_ahead_amount, 133.10, places=2)
        self._go_ahead()
        self.assertEqual((bulb | wipers).mapped("authorization"), ["approved", "approved"])
        self.assertTrue(all((bulb | wipers).mapped("authorized_within_limit")))
        self.assertAlmostEqual(self.order.go_ahead_left, 16.90, places=2)
        note = self.order.message_ids[0]
        self.assertIn("on the customer's behalf", note.body)
        self.assertIn("Number plate bulb", note.body)
        self.assertIn("Wiper blades", note.body)
        self.assertEqual(note.author_id, self.receptionist.partner_id)

    def test_above_the_limit_the_customer_is_asked(self):
        self._found("Number plate bulb", 10.0)
        self._go_ahead()
        brakes = self._found("Front brake pads", 200.0)  # 242.00: more than what is left (137.90)
        self.assertFalse(self.order.go_ahead_possible)
        with self.assertRaisesRegex(UserError, "above what is left of the customer's go-ahead"):
            self._go_ahead()
        self.assertEqual(brakes.authorization, "pending")
        self.assertFalse(brakes.authorized_within_limit)

    def test_declined_or_hidden_work_never_goes_ahead(self):
        declined = self._found("Rust treatment", 20.0, category="recommended")
        declined.customer_decision = "declined"
        hidden = self._found("Internal check", 5.0)
        hidden.visible_to_customer = False
        with self.assertRaisesRegex(UserError, "No found work waits"):
            self._go_ahead()
        self.assertEqual((declined | hidden).mapped("authorization"), ["pending", "pending"])

    def test_only_reception_goes_ahead(self):
        self._found("Number plate bulb", 10.0)
        with self.assertRaises(AccessError):
            self.order.with_user(self.mechanic).action_go_ahead_within_limit()

    def test_without_a_go_ahead_amount_nothing_goes_ahead(self):
        order = self._create_customer_order([("Front brake pads", "necessary", 10.0)])
        self.assertFalse(order.go_ahead_possible)
        with self.assertRaisesRegex(UserError, "no go-ahead amount"):
            order.with_user(self.receptionist).action_go_ahead_within_limit()

    def test_the_next_overview_and_the_report_show_it(self):
        bulb = self._found("Number plate bulb", 10.0)
        self._go_ahead()
        brakes = self._found("Front brake pads", 200.0)
        overview = self._send_overview(self.order)
        lines = {line.name: line for line in overview.line_ids}
        self.assertTrue(lines["Number plate bulb"].authorized_within_limit)
        self.assertFalse(lines["Number plate bulb"]._needs_decision(), "nothing to decide: it is done")
        self.assertEqual(lines["Number plate bulb"].decision, "accepted")
        self.assertTrue(lines["Front brake pads"]._needs_decision())
        summary = overview._customer_summary()
        self.assertEqual(summary["open_count"], 1)
        self.assertIn("Number plate bulb", [chosen["name"] for chosen in summary["chosen"]])
        page = self.url_open(f"/workshop/c/{overview._get_token()}").text
        self.assertIn("Done without asking, within the amount you let us go ahead with at check-in", page)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("repair_customer_communication.report_repairorder_customer", self.order.ids)[0]
            .decode()
        )
        self.assertIn("Done within your go-ahead", html)
        self.assertIn("Number plate bulb", html)
        self.assertNotIn(brakes.name, html.split("Done within your go-ahead")[1])
        self.assertTrue(bulb.authorized_within_limit)

    def test_work_the_customer_asked_to_talk_about_is_asked(self):
        talk = self._found("Rust treatment", 20.0, category="recommended")
        talk.customer_decision = "contact"
        self.assertFalse(self.order.go_ahead_possible)
        with self.assertRaisesRegex(UserError, "No found work waits"):
            self._go_ahead()

    def test_refused_afterwards_it_is_no_longer_within_the_go_ahead(self):
        bulb = self._found("Number plate bulb", 10.0)
        self._go_ahead()
        self.assertAlmostEqual(bulb.authorized_within_limit_amount, 12.10, places=2)
        bulb.price_unit = 100.0  # a later price change does not change what was gone ahead with
        self.assertAlmostEqual(self.order.go_ahead_left, 137.90, places=2)
        bulb.action_refuse()
        self.assertFalse(bulb.authorized_within_limit)
        self.assertEqual(self.order.go_ahead_left, 150.0)
        overview = self._send_overview(self.order)
        line = overview.line_ids.filtered(lambda line: line.work_item_id == bulb)
        self.assertFalse(line.authorized_within_limit)
        self.assertTrue(line._needs_decision())
