from odoo.tests import Form, tagged

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestVehiclePeople(WorkshopCommon):
    def test_vehicle_fills_people_on_create(self):
        order = self._create_order(self.company_a, vehicle_id=self.vehicle.id)
        self.assertEqual(order.driver_id, self.emile)
        self.assertEqual(order.owner_id, self.owner)
        self.assertEqual(order.contractor_id, self.leasing)
        self.assertEqual(order.partner_id, self.owner)
        self.assertEqual(order.license_plate, "1-ABC-234")

    def test_partner_is_driver_without_owner(self):
        order = self._create_order(self.company_a, vehicle_id=self.vehicle_private.id)
        self.assertEqual(order.driver_id, self.other_customer)
        self.assertFalse(order.owner_id)
        self.assertFalse(order.contractor_id)
        self.assertEqual(order.partner_id, self.other_customer)

    def test_setting_vehicle_later(self):
        order = self._create_order(self.company_a)
        self.assertFalse(order.partner_id)
        order.vehicle_id = self.vehicle
        self.assertEqual(order.driver_id, self.emile)
        self.assertEqual(order.owner_id, self.owner)
        self.assertEqual(order.contractor_id, self.leasing)
        self.assertEqual(order.partner_id, self.owner)
        order.vehicle_id = self.vehicle_private
        self.assertEqual(order.driver_id, self.other_customer)
        self.assertEqual(order.partner_id, self.other_customer)

    def test_changing_vehicle_replaces_its_people(self):
        """The owner and leasing company of the previous vehicle must not stay on the order."""
        order = self._create_order(self.company_a, vehicle_id=self.vehicle.id)
        self.assertEqual(order.owner_id, self.owner)
        self.assertEqual(order.contractor_id, self.leasing)
        order.vehicle_id = self.vehicle_private
        self.assertEqual(order.driver_id, self.other_customer)
        self.assertFalse(order.owner_id)
        self.assertFalse(order.contractor_id)
        self.assertEqual(order.partner_id, self.other_customer)
        self.assertEqual(
            [p["partner"] for p in order._get_customer_contact_points()],
            [],  # the new driver has neither e-mail nor phone
        )

    def test_changing_vehicle_in_the_form(self):
        order = self._create_order(self.company_a, vehicle_id=self.vehicle.id)
        with Form(order.with_company(self.company_a)) as form:
            form.vehicle_id = self.vehicle_private
            self.assertEqual(form.driver_id, self.other_customer)
            self.assertEqual(form.partner_id, self.other_customer)
            self.assertFalse(form.owner_id)
            self.assertFalse(form.contractor_id)
        self.assertFalse(order.contractor_id)

    def test_vehicle_in_the_form_fills_people(self):
        form = Form(self.env["repair.order"].with_company(self.company_a))
        form.vehicle_id = self.vehicle
        self.assertEqual(form.driver_id, self.emile)
        self.assertEqual(form.owner_id, self.owner)
        self.assertEqual(form.contractor_id, self.leasing)
        self.assertEqual(form.partner_id, self.owner)
        order = form.save()
        self.assertEqual(order.contractor_id, self.leasing)

    def test_people_without_vehicle_typed_by_hand(self):
        order = self._create_order(self.company_a, driver_id=self.emile.id, owner_id=self.owner.id)
        order.write({"internal_notes": "No car yet"})
        self.assertEqual(order.driver_id, self.emile)
        self.assertEqual(order.owner_id, self.owner)
        self.assertFalse(order.vehicle_id)

    def test_explicit_people_kept_on_create(self):
        order = self._create_order(
            self.company_a, vehicle_id=self.vehicle_private.id, owner_id=self.owner.id, partner_id=self.emile.id
        )
        self.assertEqual(order.owner_id, self.owner)
        self.assertEqual(order.partner_id, self.emile)

    def test_vehicle_order_count_and_partner_links(self):
        self.assertEqual(self.vehicle.repair_order_count, 1)
        self.assertEqual(self.vehicle.repair_order_ids, self.order)
        self.assertIn(self.order, self.emile.workshop_order_ids)
        self.assertIn(self.order, self.leasing.workshop_order_ids)
        self.assertEqual(self.emile.workshop_vehicle_ids, self.vehicle)
        self.assertEqual(self.owner.workshop_vehicle_count, 1)
        self.assertEqual(self.leasing.workshop_vehicle_ids, self.vehicle)

    def test_vehicle_found_by_plate_in_any_spelling(self):
        Vehicle = self.env["fleet.vehicle"]
        for term in ("1abc234", "1 abc 234", "1-ABC-234"):
            found = Vehicle.search(
                [("id", "in", (self.vehicle | self.vehicle_private).ids), ("display_name", "ilike", term)]
            )
            self.assertEqual(found, self.vehicle, term)
