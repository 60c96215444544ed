from odoo import Command
from odoo.tests import tagged

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestWorkItemAmounts(WorkshopCommon):
    def test_free_text_item_totals_with_company_vat(self):
        """A line without product takes the company's sale tax; totals follow quantity and price."""
        item = self._create_item(name="Diagnostic", price_unit=100.0, quantity=3.0)
        self.assertFalse(item.product_id)
        self.assertEqual(item.tax_ids, self.tax_21)
        self.assertAlmostEqual(item.price_subtotal, 300.0)
        self.assertAlmostEqual(item.price_tax, 63.0)
        self.assertAlmostEqual(item.price_total, 363.0)
        self.assertEqual(item.currency_id, self.euro)

    def test_quantity_and_price_changes_recompute(self):
        item = self._create_item(price_unit=10.0)
        self.assertAlmostEqual(item.price_total, 12.1)
        item.quantity = 4.0
        self.assertAlmostEqual(item.price_subtotal, 40.0)
        self.assertAlmostEqual(item.price_tax, 8.4)
        self.assertAlmostEqual(item.price_total, 48.4)
        item.price_unit = 12.5
        self.assertAlmostEqual(item.price_subtotal, 50.0)
        self.assertAlmostEqual(item.price_total, 60.5)

    def test_item_without_tax(self):
        item = self._create_item(price_unit=50.0, tax_ids=[Command.clear()])
        self.assertFalse(item.tax_ids)
        self.assertAlmostEqual(item.price_subtotal, 50.0)
        self.assertAlmostEqual(item.price_tax, 0.0)
        self.assertAlmostEqual(item.price_total, 50.0)

    def test_product_line_takes_price_and_taxes_from_product(self):
        self.assertEqual(self.item_pads.price_unit, 80.0)
        self.assertEqual(self.item_pads.tax_ids, self.tax_21)
        self.assertAlmostEqual(self.item_pads.price_subtotal, 160.0)
        self.assertAlmostEqual(self.item_pads.price_tax, 33.6)
        self.assertAlmostEqual(self.item_pads.price_total, 193.6)

    def test_changing_product_updates_price_and_taxes(self):
        tax_6 = self._create_tax(self.company_a, 6.0)
        tyre = self.env["product.product"].create(
            {"name": "Tyre", "lst_price": 120.0, "taxes_id": [Command.set(tax_6.ids)], "company_id": self.company_a.id}
        )
        item = self._create_item(price_unit=5.0)
        item.product_id = tyre
        self.assertEqual(item.price_unit, 120.0)
        self.assertEqual(item.tax_ids, tax_6)
        self.assertAlmostEqual(item.price_total, 127.2)

    def test_product_taxes_of_other_companies_are_ignored(self):
        tax_b = self._create_tax(self.company_b, 10.0)
        product = self.env["product.product"].create(
            {"name": "Shared oil", "lst_price": 10.0, "taxes_id": [Command.set((self.tax_21 | tax_b).ids)]}
        )
        item = self._create_item(product_id=product.id)
        self.assertEqual(item.tax_ids, self.tax_21)
        self.assertAlmostEqual(item.price_total, 12.1)

    def test_order_totals_per_category_and_overall(self):
        order = self._create_order(self.company_a, partner_id=self.other_customer.id)
        self.assertEqual(order.currency_id, self.euro)
        self.assertEqual(order.work_item_count, 0)
        self.assertEqual(order.items_amount_total, 0.0)
        self._create_item(order, category="scheduled", price_unit=100.0)  # 121
        self._create_item(order, category="scheduled", price_unit=50.0, quantity=2.0)  # 121
        self._create_item(order, category="necessary", product_id=self.product_pads.id, quantity=2.0)  # 193.6
        self._create_item(order, category="recommended", price_unit=10.0, quantity=3.0)  # 36.3
        self._create_item(order, category="ok", price_unit=0.0)
        self._create_item(order, category="ok", price_unit=20.0, tax_ids=[Command.clear()])  # 20
        self.assertEqual(order.work_item_count, 6)
        self.assertAlmostEqual(order.amount_scheduled_total, 242.0)
        self.assertAlmostEqual(order.amount_necessary_total, 193.6)
        self.assertAlmostEqual(order.amount_recommended_total, 36.3)
        self.assertAlmostEqual(order.amount_ok_total, 20.0)
        self.assertAlmostEqual(order.items_amount_untaxed, 200.0 + 160.0 + 30.0 + 20.0)
        self.assertAlmostEqual(order.items_amount_tax, 42.0 + 33.6 + 6.3)
        self.assertAlmostEqual(order.items_amount_total, 242.0 + 193.6 + 36.3 + 20.0)
        self.assertAlmostEqual(
            order.items_amount_total,
            order.amount_scheduled_total
            + order.amount_necessary_total
            + order.amount_recommended_total
            + order.amount_ok_total,
        )

    def test_order_totals_follow_item_changes(self):
        order = self.order
        self.assertAlmostEqual(order.amount_necessary_total, 193.6)
        self.assertAlmostEqual(order.amount_recommended_total, 30.25)
        self.assertAlmostEqual(order.items_amount_total, 223.85)
        self.item_wipers.category = "necessary"
        self.assertAlmostEqual(order.amount_recommended_total, 0.0)
        self.assertAlmostEqual(order.amount_necessary_total, 223.85)
        self.item_pads.quantity = 1.0
        self.assertAlmostEqual(order.amount_necessary_total, 96.8 + 30.25)
        self.assertAlmostEqual(order.items_amount_untaxed, 105.0)
        self.assertAlmostEqual(order.items_amount_tax, 22.05)
        self.item_wipers.unlink()
        self.assertAlmostEqual(order.items_amount_total, 96.8)
        self.assertEqual(order.work_item_count, 1)
