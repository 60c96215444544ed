from odoo import api, fields, models


class RepairQuotationChange(models.TransientModel):
    """Asks before an authorisation changes a confirmed order, and says what it does.

    Authorising adds the item's lines to the order; refusing drops them to nothing
    (a confirmed order keeps its lines). Confirmed, the change is made and the order
    follows (`repair.order._sync_quotation`).
    """

    _name = "repair.quotation.change"
    _description = "Change the authorisation on a confirmed order"

    item_ids = fields.Many2many("repair.work.item", string="Items", required=True)
    authorization = fields.Selection([("approved", "Authorised"), ("refused", "Refused")], required=True)
    explanation = fields.Text(compute="_compute_explanation")

    @api.depends("item_ids", "authorization")
    def _compute_explanation(self):
        for wizard in self:
            wizard.explanation = self.env["repair.order"]._quotation_change_text(wizard.item_ids, wizard.authorization)

    def action_confirm(self):
        self.ensure_one()
        self.item_ids.with_context(repair_quotation_change_confirmed=True)._set_authorization(self.authorization)
        return {"type": "ir.actions.act_window_close"}
