from odoo.tests import tagged

from .test_work_item_parts import WorkItemPartsCommon


@tagged("post_install", "-at_install")
class TestWorkItemStock(WorkItemPartsCommon):
    """Parts are reserved only for authorised work, as Odoo's repair reserves its parts; Odoo invoices the work."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.disc.is_storable = True
        cls.stock = cls.warehouse_a.lot_stock_id
        cls.env["stock.quant"]._update_available_quantity(cls.disc, cls.stock, 10)
        cls.wipers = cls._create_item(cls.job_order, name="Wiper blades", category="recommended", price_unit=25.0)

    def setUp(self):
        super().setUp()
        self.disc_line = self._add(self.disc, 2)
        self._add(self.labour, 1)
        self._add(self.disc, 1, item=self.wipers)  # a part on an item the customer will decline
        self.job_order._action_repair_confirm()

    def _reserved(self):
        return sum(self.env["stock.quant"].search([("product_id", "=", self.disc.id)]).mapped("reserved_quantity"))

    def test_only_authorised_work_reserves_its_parts(self):
        self.assertFalse(self.job_order.move_ids, "nothing authorised: no repair part")
        self.assertEqual(self._reserved(), 0)
        self.item.action_authorize()
        move = self.disc_line.move_id
        self.assertEqual((move.repair_id, move.repair_line_type, move.product_uom_qty), (self.job_order, "add", 2))
        self.assertEqual(move.state, "assigned")
        self.assertEqual(self._reserved(), 2)
        self.assertEqual(len(self.job_order.move_ids), 1, "labour is no stock move")
        self.wipers.action_refuse()
        self.assertFalse(self.wipers.part_line_ids.move_id, "a declined item's part is never a repair part")
        self.assertEqual(self._reserved(), 2)
        # Withdrawn after reservation: released.
        self.item.action_refuse()
        self.assertEqual(move.state, "cancel")
        self.assertEqual(self._reserved(), 0)

    def test_odoos_set_to_draft_does_not_bring_refused_parts_back(self):
        self.item.action_authorize()
        self.wipers.action_authorize()
        self.wipers.action_refuse()
        self.job_order.action_repair_cancel()
        self.job_order.action_repair_cancel_draft()
        self.job_order._action_repair_confirm()
        self.assertEqual(self.wipers.part_line_ids.move_id.state, "cancel")
        self.assertEqual(self._reserved(), 2, "only the authorised brakes")

    def test_a_quantity_change_follows_the_reservation(self):
        self.item.action_authorize()
        self.disc_line.quantity = 3
        self.assertEqual(self.disc_line.move_id.product_uom_qty, 3)
        self.assertEqual(self._reserved(), 3)

    def test_the_quotation_delivers_from_the_repair_and_invoices_once(self):
        self.job_order.action_create_sale_order()
        quotation = self.job_order.sale_order_id
        self.item.action_authorize()
        disc_sale_line = quotation.order_line.filtered(lambda line: line.work_item_line_id == self.disc_line)
        self.assertEqual(disc_sale_line.move_ids, self.disc_line.move_id, "Odoo's repair part is the line's")
        self.assertEqual(
            len(quotation.order_line.filtered(lambda line: line.product_id == self.disc)), 1, "no second line by Odoo"
        )
        quotation.action_confirm()
        self.assertFalse(quotation.picking_ids, "delivered from the repair, not by a delivery of its own")
        # Withdrawn and authorised again on the confirmed order: the same lines, nothing twice.
        for authorization in ("refused", "approved"):
            action = self.item._set_authorization(authorization)
            self.env["repair.quotation.change"].browse(action["res_id"]).action_confirm()
        self.assertEqual(disc_sale_line.product_uom_qty, 2)
        # Work added to the confirmed order: its part is reserved by the repair, not by a delivery of its own.
        self.env["repair.quotation.change"].browse(self.wipers.action_authorize()["res_id"]).action_confirm()
        self.assertFalse(quotation.picking_ids)
        self.assertEqual(self._reserved(), 3)
        self.assertEqual(disc_sale_line.move_ids, self.disc_line.move_id, "one move for the line, back from cancelled")
        self.assertEqual(self.disc_line.move_id.state, "assigned")
        self.assertFalse(quotation.picking_ids, "still no delivery of its own")
        # The repair is done: the part is delivered, the order invoiced with the approved work.
        self.job_order.action_repair_start()
        self.job_order.move_ids.filtered(lambda m: m.state != "cancel").picked = True
        self.job_order.action_repair_done()
        self.assertEqual(disc_sale_line.qty_delivered, 2)
        income = self.env["account.account"].create(
            {"name": "Workshop sales", "code": "700100", "account_type": "income", "company_ids": self.company_a.ids}
        )
        self.env["account.journal"].create(
            {
                "name": "Workshop sales",
                "type": "sale",
                "code": "WSAL",
                "company_id": self.company_a.id,
                "default_account_id": income.id,
            }
        )
        receivable = self.env["account.account"].create(
            {
                "name": "Workshop customers",
                "code": "400100",
                "account_type": "asset_receivable",
                "reconcile": True,
                "company_ids": self.company_a.ids,
            }
        )
        self.job_order.partner_id.with_company(self.company_a).property_account_receivable_id = receivable
        invoice = quotation.with_company(self.company_a)._create_invoices()
        invoiced = invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        self.assertEqual(set(invoiced.mapped("name")), {"Brake disc", "Labour: brakes"})
        self.assertEqual(sum(invoiced.filtered(lambda line: line.name == "Brake disc").mapped("quantity")), 3)
        self.assertAlmostEqual(invoice.amount_total, self.item.price_total + self.wipers.price_total, places=2)
