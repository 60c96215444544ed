from odoo.tests import tagged

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
