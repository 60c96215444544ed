import base64
import io
from datetime import datetime, timedelta

from PIL import Image

from odoo.tests import HttpCase, tagged

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestCustomerLanguageTours(HttpCase, WorkshopCommon):
    """The phone flow in each language: English (test_overview_tours, test_checkin_tours), French
    (an overview answered and signed with a finger) and Dutch (a check-in)."""

    browser_size = "390x844"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in ("fr_FR", "nl_BE"):
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"].search([("name", "=", "repair_customer_communication")])._update_translations(
            ["fr_FR", "nl_BE"], overwrite=True
        )

    def test_a_french_customer_answers_and_signs(self):
        self.company_a.repair_require_signature = True
        self.env["repair.customer.agreement"].create(
            {
                "name": "Conditions",
                "body": "<p>Les pièces remplacées sont rendues sur demande.</p>",
                "company_id": self.company_a.id,
            }
        )
        self.emile.lang = "fr_FR"
        order = self._create_customer_order([("Brake pads", "necessary", 200.0), ("Wiper blades", "recommended", 30.0)])
        overview = self._send_overview(order)
        self.start_tour(f"/workshop/c/{overview._get_token()}", "repair_customer_communication_customer_signs_fr")
        self.assertEqual(overview.signed_by, "Émile Dupré")
        self.assertTrue(overview.acceptance_ids, "the conditions accepted on the page")
        answers = {line.name: line.decision for line in overview.line_ids}
        self.assertEqual(answers, {"Brake pads": "accepted", "Wiper blades": "declined"})
        # The drawn stroke (from 10 % to 90 % of the box), not the typed name (centred, narrower).
        ink = Image.open(io.BytesIO(base64.b64decode(overview.signature))).convert("RGBA").getchannel("A").getbbox()
        width, height = Image.open(io.BytesIO(base64.b64decode(overview.signature))).size
        self.assertLess(ink[0], width * 0.15, ink)
        self.assertGreater(ink[2], width * 0.85, ink)
        self.assertAlmostEqual(width / height, 3, delta=0.2, msg="kept as wide as it was drawn")
        # Then "I changed my mind": open again, once.
        self.assertEqual(overview.state, "opened")
        self.assertTrue(overview.reopened)

    def test_a_dutch_driver_checks_in(self):
        self.emile.lang = "nl_BE"
        self.env["repair.checkin.service"].create(
            {"name": "Car wash", "price_unit": 20.0, "company_id": self.company_a.id}
        )
        order = self._create_customer_order(
            [("Oil service", "scheduled", 100.0)], schedule_date=datetime.now() + timedelta(days=2)
        )
        checkin = order._prepare_customer_communication(
            {"role": "driver", "partner": self.emile, "channel": "email", "address": self.emile.email}, kind="checkin"
        )
        checkin._send()
        self.start_tour(f"/workshop/c/{checkin._get_token()}", "repair_customer_communication_checkin_nl")
        self.assertEqual(checkin.state, "confirmed")
        self.assertEqual(checkin.checkin_choice_ids.service_id.name, "Car wash")
