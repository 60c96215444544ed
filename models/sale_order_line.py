from odoo import fields, models


class SaleOrderLine(models.Model):
    """Which work item (and which of its parts or labour) a line of the repair's quotation stands for."""

    _inherit = "sale.order.line"

    work_item_id = fields.Many2one(
        "repair.work.item", "Work item", index="btree_not_null", ondelete="set null", copy=False
    )
    work_item_line_id = fields.Many2one(
        "repair.work.item.line", "Part or labour", index="btree_not_null", ondelete="set null", copy=False
    )
