from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import WorkshopCommon

# A value for each field reserved to reception, different from the field's default.
RECEPTION_ONLY_VALUES = {
    "price_unit": 99.0,
    "quantity": 3.0,
    "customer_decision": "accepted",  # reception may not either: see test_receptionist_changes_everything
    "authorization": "approved",
}
# Non-default values that are falsy: a create must refuse them too.
RECEPTION_ONLY_FALSY_VALUES = {
    "visible_to_customer": False,
    "quantity": 0.0,
}


@tagged("post_install", "-at_install")
class TestAccessRights(WorkshopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Item_mechanic = cls.env["repair.work.item"].with_user(cls.mechanic).with_company(cls.company_a)
        cls.Item_reception = cls.env["repair.work.item"].with_user(cls.receptionist).with_company(cls.company_a)

    def _reception_only_values(self):
        return dict(RECEPTION_ONLY_VALUES, tax_ids=[Command.set(self.tax_21.ids)], **RECEPTION_ONLY_FALSY_VALUES)

    def test_mechanic_records_a_finding(self):
        item = self.Item_mechanic.create(
            {
                "order_id": self.order.id,
                "name": "Exhaust leaking",
                "category": "necessary",
                "origin": "mechanic",
                "mechanic_note": "Hole near the silencer",
            }
        )
        self.assertEqual(item.category, "necessary")
        self.assertEqual(item.authorization, "pending")
        self.assertTrue(item.visible_to_customer)
        self.assertFalse(item.user_can_edit_prices)
        item.write({"mechanic_note": "Hole near the silencer, clamp broken", "customer_note": "Exhaust must be fixed"})
        item.category = "recommended"
        item.action_toggle_pin()
        self.assertEqual(item.mechanic_note, "Hole near the silencer, clamp broken")
        self.assertEqual(item.category, "recommended")
        self.assertTrue(item.pinned)

    def test_mechanic_may_send_default_values_on_create(self):
        """The web client sends defaults along: they are not decisions."""
        item = self.Item_mechanic.create(
            {
                "order_id": self.order.id,
                "name": "Tyres checked",
                "category": "ok",
                "quantity": 1.0,
                "authorization": "pending",
                "visible_to_customer": True,
                "customer_decision": False,
            }
        )
        self.assertEqual(item.quantity, 1.0)

    def test_mechanic_cannot_change_reception_fields(self):
        item = self.item_wipers.with_user(self.mechanic)
        for fname, value in self._reception_only_values().items():
            with self.subTest(field=fname), self.assertRaises(AccessError):
                item.write({fname: value})
        with self.assertRaises(AccessError):
            item.write({"product_id": self.product_pads.id})
        with self.assertRaises(AccessError):
            item.action_authorize()
        with self.assertRaises(AccessError):
            item.action_refuse()
        with self.assertRaises(AccessError):
            item.action_toggle_visible()
        self.item_wipers.invalidate_recordset()
        self.assertEqual(self.item_wipers.price_unit, 25.0)
        self.assertEqual(self.item_wipers.quantity, 1.0)
        self.assertEqual(self.item_wipers.authorization, "pending")
        self.assertTrue(self.item_wipers.visible_to_customer)
        self.assertFalse(self.item_wipers.customer_decision)

    def test_access_error_names_the_field(self):
        with self.assertRaises(AccessError) as caught:
            self.item_wipers.with_user(self.mechanic).write({"price_unit": 1.0, "mechanic_note": "cheap"})
        self.assertIn("Unit price", str(caught.exception))

    def test_mechanic_cannot_create_with_reception_fields(self):
        for fname, value in dict(RECEPTION_ONLY_VALUES, tax_ids=[Command.set(self.tax_21.ids)]).items():
            with self.subTest(field=fname), self.assertRaises(AccessError):
                self.Item_mechanic.create({"order_id": self.order.id, "name": f"Sneaky {fname}", fname: value})
        with self.assertRaises(AccessError):
            self.Item_mechanic.create(
                {"order_id": self.order.id, "name": "Sneaky product", "product_id": self.product_pads.id}
            )
        self.assertFalse(self.env["repair.work.item"].search([("name", "=like", "Sneaky%")]))

    def test_mechanic_cannot_create_hidden_or_zero_quantity_items(self):
        """A falsy value that differs from the default is a decision too (hiding an item, zero quantity)."""
        for fname, value in RECEPTION_ONLY_FALSY_VALUES.items():
            with self.subTest(field=fname), self.assertRaises(AccessError):
                self.Item_mechanic.create({"order_id": self.order.id, "name": f"Sneaky {fname}", fname: value})
        self.assertFalse(self.env["repair.work.item"].search([("name", "=like", "Sneaky%")]))

    def test_receptionist_changes_everything(self):
        """Everything but the customer's decision, which only the customer's page writes (issue 10.12)."""
        reception_values = {k: v for k, v in RECEPTION_ONLY_VALUES.items() if k != "customer_decision"}
        with self.assertRaises(AccessError):
            self.Item_reception.create({"order_id": self.order.id, "name": "Made up", "customer_decision": "accepted"})
        item = self.Item_reception.create(
            dict(
                reception_values,
                tax_ids=[Command.set(self.tax_21.ids)],
                visible_to_customer=False,
                order_id=self.order.id,
                name="Priced by reception",
            )
        )
        self.assertTrue(item.user_can_edit_prices)
        self.assertEqual(item.price_unit, 99.0)
        self.assertEqual(item.authorization, "approved")
        self.assertFalse(item.visible_to_customer)
        self.assertAlmostEqual(item.price_total, 99.0 * 3 * 1.21)
        item.write(
            {
                "price_unit": 10.0,
                "quantity": 2.0,
                "tax_ids": [Command.clear()],
                "visible_to_customer": True,
            }
        )
        # The customer's decision is the customer's (issue 10.12): reception cannot write it either.
        with self.assertRaises(AccessError):
            item.write({"customer_decision": "declined"})
        self.assertAlmostEqual(item.price_total, 20.0)
        item.action_refuse()
        self.assertEqual(item.authorization, "refused")
        item.action_toggle_visible()
        self.assertFalse(item.visible_to_customer)
        item.product_id = self.product_pads
        self.assertEqual(item.price_unit, 80.0)
        item.unlink()
        self.assertFalse(item.exists())

    def test_mechanic_reads_items_but_cannot_delete(self):
        data = self.item_pads.with_user(self.mechanic).read(["name", "price_total", "authorization"])
        self.assertEqual(data[0]["name"], "Front brake pads worn")
        self.assertAlmostEqual(data[0]["price_total"], 193.6)
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.item_pads.with_user(self.mechanic).unlink()

    def test_mechanic_todo_lists_authorised_items_only(self):
        approved = self._create_item(name="Approved", category="necessary", authorization="approved")
        self._create_item(name="Refused", category="necessary", authorization="refused")
        self._create_item(name="Pending", category="recommended")
        action = self.env.ref("repair_customer_communication.action_mechanic_todo")
        domain = safe_eval(action.domain or "[]")
        todo = self.Item_mechanic.search([*domain, ("order_id", "=", self.order.id)])
        self.assertEqual(todo, approved)
        self.item_wipers.authorization = "approved"
        todo = self.Item_mechanic.search([*domain, ("order_id", "=", self.order.id)])
        self.assertEqual(todo, approved | self.item_wipers)
        self.assertTrue(all(item.authorization == "approved" for item in todo))
