from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import WorkshopCommon

MODULE = "repair_customer_communication"


@tagged("post_install", "-at_install")
class TestDemoData(WorkshopCommon):
    """The only test that looks at demo data: it checks the module's demo loaded."""

    def _demo_records(self, model):
        data = self.env["ir.model.data"].search([("module", "=", MODULE), ("model", "=", model)])
        return self.env[model].browse(data.mapped("res_id")).exists()

    def test_demo_data_loaded(self):
        if not self.env.ref(f"{MODULE}.demo_repair_order_01", raise_if_not_found=False):
            self.skipTest("database installed without demo data")
        customers = self._demo_records("res.partner")
        vehicles = self._demo_records("fleet.vehicle")
        orders = self._demo_records("repair.order")
        self.assertGreaterEqual(len(customers), 12)
        self.assertGreaterEqual(len(vehicles), 12)
        self.assertGreaterEqual(len(orders), 12)
        categories = {"scheduled", "necessary", "recommended", "ok"}
        for order in orders:
            self.assertTrue(4 <= len(order.work_item_ids) <= 15, f"{order.name}: {len(order.work_item_ids)} items")
            self.assertEqual(set(order.work_item_ids.mapped("category")), categories, order.name)
        self.assertEqual(set(orders.mapped("state")), {"draft", "confirmed", "under_repair", "done", "cancel"})
        self.assertTrue(any(customers.mapped("is_leasing_company")))
        self.assertTrue(any(customers.mapped("communication_blocked")))
        self.assertTrue(any(customers.mapped("is_internal_customer")))
        self.assertTrue({"fr_FR", "nl_BE", "en_US"} <= set(customers.mapped("lang")) | {"en_US"})
        self.assertTrue({"en_US"} < set(customers.mapped("lang")), "demo customers speak more than English")
        self.assertTrue(all(vehicles.mapped("license_plate")))

    def test_demo_texts_in_the_customers_language(self):
        """A French or Dutch customer reads the demo's items, notes and check-in services in their language."""
        ref = self.env.ref
        if not ref(f"{MODULE}.demo_repair_order_01", raise_if_not_found=False):
            self.skipTest("database installed without demo data")

        # Claire Dubois speaks French: her items, their notes and the overview she was sent are French.
        order = ref(f"{MODULE}.demo_repair_order_01")
        self.assertEqual(order.partner_id.lang, "fr_FR")
        pads = order.work_item_ids.filtered(lambda item: item.name == "Plaquettes de frein avant")
        self.assertEqual(len(pads), 1, order.work_item_ids.mapped("name"))
        self.assertIn("le grincement que vous avez remarqué", pads.customer_note)
        self.assertNotIn("Wiper blades (front pair)", order.work_item_ids.mapped("name"))
        overview = order.last_overview_id
        self.assertEqual(overview.lang, "fr_FR")
        self.assertIn("Plaquettes de frein avant", overview.line_ids.mapped("name"))
        notes = " ".join(note for note in overview.line_ids.mapped("customer_note") if note)
        self.assertIn("Vos pneus arrière sont presque à la limite légale", notes)
        self.assertTrue(overview.note.startswith("Nous avons relevé quelques points"), overview.note)

        # Pieter Van den Broeck drives his leased car in Dutch; Emily Carter reads English.
        dutch_order = ref(f"{MODULE}.demo_repair_order_02")
        self.assertEqual(dutch_order.vehicle_id.driver_id.lang, "nl_BE")
        self.assertIn("Remschijven en remblokken achteraan", dutch_order.work_item_ids.mapped("name"))
        english_order = ref(f"{MODULE}.demo_repair_order_12")
        self.assertEqual(english_order.partner_id.lang, "en_US")
        self.assertIn("Air filter", english_order.work_item_ids.mapped("name"))

        # The check-in services read in each language, English being the source.
        wash = ref(f"{MODULE}.demo_checkin_service_wash")
        self.assertEqual(wash.with_context(lang="en_US").name, "Car wash")
        self.assertEqual(wash.with_context(lang="fr_FR").name, "Lavage de la voiture")
        self.assertEqual(wash.with_context(lang="nl_BE").name, "Wasbeurt")
        self.assertIn("votre voiture vous revient propre", wash.with_context(lang="fr_FR").description)
        self.assertIn("uw wagen komt proper terug", wash.with_context(lang="nl_BE").description)
        services = self._demo_records("repair.checkin.service")
        self.assertEqual(len(services), 4)
        self.assertIn("Véhicule de remplacement", services.with_context(lang="fr_FR").mapped("name"))
        self.assertIn("Vervangwagen", services.with_context(lang="nl_BE").mapped("name"))
        for lang in ("fr_FR", "nl_BE"):
            for service in services.with_context(lang=lang):
                english = service.with_context(lang="en_US")
                self.assertNotEqual(service.name, english.name, f"{english.name}: no {lang} name")
                self.assertNotEqual(service.description, english.description, f"{english.name}: no {lang} text")

    def test_demo_items_carry_photos_and_a_video(self):
        """The findings the customers decide on show the mechanics' photos, and one a video."""
        ref = self.env.ref
        if not ref(f"{MODULE}.demo_repair_order_01", raise_if_not_found=False):
            self.skipTest("database installed without demo data")
        pads = ref(f"{MODULE}.demo_repair_order_01_item_05")
        tyres = ref(f"{MODULE}.demo_repair_order_01_item_06")
        dutch_brakes = ref(f"{MODULE}.demo_repair_order_02_item_04")
        shock = ref(f"{MODULE}.demo_repair_order_12_item_07")
        for item in pads | tyres | dutch_brakes:
            self.assertEqual(item.attachment_ids.mapped("mimetype"), ["image/jpeg"], item.name)
        self.assertEqual(sorted(shock.attachment_ids.mapped("mimetype")), ["image/jpeg", "video/mp4"])
        photos = (pads | tyres | dutch_brakes | shock).attachment_ids
        for photo in photos:
            self.assertTrue(photo.raw, photo.name)
            self.assertLess(len(photo.raw), 300_000, f"{photo.name}: a demo file stays small")
            if photo.mimetype == "image/jpeg":
                self.assertTrue(photo.raw.startswith(b"\xff\xd8"), f"{photo.name} is a JPEG")
        # The customers see them on the overview they were sent, in their language.
        for order_ref, lang, item in (("01", "fr_FR", pads), ("02", "nl_BE", dutch_brakes), ("12", "en_US", shock)):
            overview = ref(f"{MODULE}.demo_repair_order_{order_ref}").last_overview_id
            self.assertEqual(overview.lang, lang)
            self.assertIn(item, overview.line_ids.work_item_id)
            self.assertTrue(overview.sudo().customer_url)

    def test_customers_menu_opens_on_the_workshops_customers(self):
        """Repairs > Customers lists the garage's customers, not Odoo's generic demo contacts."""
        ref = self.env.ref
        if not ref(f"{MODULE}.demo_repair_order_01", raise_if_not_found=False):
            self.skipTest("database installed without demo data")
        action = ref(f"{MODULE}.action_workshop_customers")
        context = safe_eval(action.context)
        self.assertTrue(context.get("search_default_workshop_customers"))
        arch = etree.fromstring(action.search_view_id.arch)
        (default_filter,) = arch.xpath("//filter[@name='workshop_customers']")
        domain = safe_eval(default_filter.get("domain"))
        garage = ref(f"{MODULE}.demo_company_garage")
        listed = self.env["res.partner"].with_context(allowed_company_ids=garage.ids).search(domain)
        workshop = self._demo_records("res.partner").filtered(lambda p: p.workshop_vehicle_ids or p.workshop_order_ids)
        self.assertTrue(workshop)
        self.assertEqual(workshop - listed, self.env["res.partner"], "every customer with a car or an order is listed")
        self.assertIn(ref(f"{MODULE}.demo_partner_emily_carter"), listed)
        self.assertIn(ref(f"{MODULE}.demo_partner_fleetwise"), listed)
        for xmlid in ("base.res_partner_1", "base.res_partner_12", "base.res_partner_4", "base.partner_demo"):
            partner = ref(xmlid, raise_if_not_found=False)
            if partner:
                self.assertNotIn(partner, listed, f"{partner.name} is one of Odoo's demo contacts")

    def test_the_demo_garage_asks_a_deposit_and_one_quotation_follows_its_answers(self):
        order = self.env.ref(f"{MODULE}.demo_repair_order_06", raise_if_not_found=False)
        if not order:
            self.skipTest("database installed without demo data")
        garage = order.company_id
        self.assertEqual((garage.repair_payment_policy, garage.repair_deposit_percent), ("deposit_percent", 30.0))
        self.assertEqual(garage.currency_id.name, "EUR", "its accounts did not make it American")
        self.assertEqual(order.sale_order_id.currency_id, garage.currency_id)
        provider = self.env["payment.provider"].search([("code", "=", "demo"), ("company_id", "=", garage.id)])
        self.assertEqual((provider.state, provider.is_published), ("test", True), "customers can pay in the demo")
        self.assertTrue(provider.journal_id, "the garage's accounts record the payments")
        self.assertIn("Votre paiement", provider.with_context(lang="fr_FR").done_msg, "Odoo's status page in French")
        quotation = order.sale_order_id
        approved = order._quotation_items()
        self.assertTrue(approved)
        self.assertEqual(set(quotation.order_line.work_item_id), set(approved))
        self.assertAlmostEqual(quotation.amount_total, sum(approved.mapped("price_total")), places=2)
        # The item she asked to discuss joins the quotation once authorised.
        caliper = order.work_item_ids.filtered(lambda item: item.customer_decision == "contact")
        caliper.action_authorize()
        self.assertIn(caliper, quotation.order_line.work_item_id)
