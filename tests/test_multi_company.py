from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestMultiCompany(WorkshopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vehicle_b = cls.env["fleet.vehicle"].create(
            {"model_id": cls.car_model.id, "license_plate": "9-BBB-999", "company_id": cls.company_b.id}
        )
        cls.order_b = cls._create_order(cls.company_b, vehicle_id=cls.vehicle_b.id, partner_id=cls.other_customer.id)
        cls.item_b = cls._create_item(cls.order_b, name="Company B item", price_unit=10.0)
        cls.env_b = cls.env(user=cls.user_b)

    def test_fixture_companies(self):
        self.assertEqual(self.order.company_id, self.company_a)
        self.assertEqual(self.item_pads.company_id, self.company_a)
        self.assertEqual(self.order_b.company_id, self.company_b)
        self.assertEqual(self.item_b.company_id, self.company_b)
        self.assertEqual(self.order_b.picking_type_id.company_id, self.company_b)
        self.assertEqual(self.env_b.companies, self.company_b)

    def test_company_b_user_does_not_search_company_a_records(self):
        a_items = self.item_pads | self.item_wipers
        self.assertFalse(self.env_b["repair.order"].search([("id", "=", self.order.id)]))
        self.assertFalse(self.env_b["repair.work.item"].search([("id", "in", a_items.ids)]))
        self.assertFalse(self.env_b["fleet.vehicle"].search([("id", "=", self.vehicle.id)]))
        # ... but sees the records of company B.
        self.assertEqual(
            self.env_b["repair.order"].search([("id", "in", (self.order | self.order_b).ids)]), self.order_b
        )
        self.assertEqual(
            self.env_b["repair.work.item"].search([("id", "in", (a_items | self.item_b).ids)]), self.item_b
        )
        self.assertEqual(
            self.env_b["fleet.vehicle"].search([("id", "in", (self.vehicle | self.vehicle_b).ids)]), self.vehicle_b
        )

    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_company_b_user_cannot_read_company_a_records(self):
        with self.assertRaises(AccessError):
            self.env_b["repair.order"].browse(self.order.id).read(["name"])
        with self.assertRaises(AccessError):
            self.env_b["repair.work.item"].browse(self.item_pads.id).read(["name", "price_total"])
        with self.assertRaises(AccessError):
            self.env_b["fleet.vehicle"].browse(self.vehicle.id).read(["license_plate"])
        self.assertEqual(
            self.env_b["repair.work.item"].browse(self.item_b.id).read(["name"])[0]["name"], "Company B item"
        )

    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_company_b_user_cannot_write_company_a_items(self):
        with self.assertRaises(AccessError):
            self.env_b["repair.work.item"].browse(self.item_pads.id).write({"mechanic_note": "not mine"})

    def test_company_a_user_does_not_see_company_b(self):
        env_a = self.env(user=self.receptionist)
        self.assertFalse(env_a["repair.work.item"].search([("id", "=", self.item_b.id)]))
        self.assertFalse(env_a["repair.order"].search([("id", "=", self.order_b.id)]))

    def test_item_takes_its_order_company_and_taxes(self):
        self.assertFalse(self.item_b.tax_ids)  # company B has no default sale tax
        self.assertAlmostEqual(self.item_b.price_total, 10.0)
        self.assertEqual(self.order_b.currency_id, self.company_b.currency_id)
