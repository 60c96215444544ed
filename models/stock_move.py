from odoo import fields, models


class StockMove(models.Model):
    """A repair part that a work item's part line stands for (see `repair.order._sync_part_moves`)."""

    _inherit = "stock.move"

    work_item_line_id = fields.Many2one(
        "repair.work.item.line", "Part of work item", index="btree_not_null", ondelete="set null", copy=False
    )

    def _create_repair_sale_order_line(self):
        """A work item's part already has its quotation line, priced as the customer saw it: Odoo adds none."""
        return super(StockMove, self.filtered(lambda move: not move.work_item_line_id))._create_repair_sale_order_line()
