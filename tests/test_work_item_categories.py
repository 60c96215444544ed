from odoo.tests import tagged

from .common import WorkshopCommon

CATEGORIES = ["scheduled", "necessary", "recommended", "ok"]


@tagged("post_install", "-at_install")
class TestWorkItemCategories(WorkshopCommon):
    def test_items_ordered_by_category_whatever_the_creation_order(self):
        order = self._create_order(self.company_a, partner_id=self.other_customer.id)
        for category in ["ok", "recommended", "necessary", "scheduled", "ok", "necessary"]:
            self._create_item(order, name=f"{category} item", category=category)
        order.invalidate_recordset(["work_item_ids"])
        self.assertEqual(
            order.work_item_ids.mapped("category"),
            ["scheduled", "necessary", "necessary", "recommended", "ok", "ok"],
        )
        searched = self.env["repair.work.item"].search([("order_id", "=", order.id)])
        self.assertEqual(
            searched.mapped("category"), ["scheduled", "necessary", "necessary", "recommended", "ok", "ok"]
        )
        self.assertEqual(searched.mapped("category_sequence"), [0, 1, 1, 2, 3, 3])

    def test_category_change_moves_the_item(self):
        order = self._create_order(self.company_a, partner_id=self.other_customer.id)
        first = self._create_item(order, name="first", category="recommended")
        second = self._create_item(order, name="second", category="recommended")
        second.category = "scheduled"
        self.assertEqual(second.category_sequence, 0)
        self.assertEqual(self.env["repair.work.item"].search([("order_id", "=", order.id)]).ids, [second.id, first.id])

    def test_pinned_first_within_its_category(self):
        order = self._create_order(self.company_a, partner_id=self.other_customer.id)
        plain = self._create_item(order, name="plain", category="necessary")
        pinned = self._create_item(order, name="pinned", category="necessary")
        scheduled = self._create_item(order, name="scheduled", category="scheduled")
        pinned.action_toggle_pin()
        self.assertTrue(pinned.pinned)
        items = self.env["repair.work.item"].search([("order_id", "=", order.id)])
        self.assertEqual(items.ids, [scheduled.id, pinned.id, plain.id])

    def test_category_fields_hold_only_their_category(self):
        order = self._create_order(self.company_a, partner_id=self.other_customer.id)
        created = {category: self._create_item(order, name=category, category=category) for category in CATEGORIES}
        created["necessary"] |= self._create_item(order, name="necessary 2", category="necessary")
        order.invalidate_recordset()
        for category in CATEGORIES:
            field_items = order[f"work_item_{category}_ids"]
            self.assertEqual(field_items, created[category], category)
            self.assertEqual(set(field_items.mapped("category")), {category})
        self.assertEqual(len(order.work_item_ids), 5)
