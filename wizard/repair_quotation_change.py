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
    refuse_item_ids = fields.Many2many(
        "repair.work.item",
        "repair_quotation_change_refuse_rel",
        string="Items to refuse as well",
        help="Applying the customer's answers authorises some items and refuses others in one go.",
    )
    explanation = fields.Text(compute="_compute_explanation")

    @api.model
    def _open_dialog(self, values):
        """The dialog for the change `values` describe (items, authorisation, items to refuse as well)."""
        wizard = self.create(values)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change a confirmed order?"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.depends("item_ids", "authorization", "refuse_item_ids")
    def _compute_explanation(self):
        Order = self.env["repair.order"]
        for wizard in self:
            texts = [Order._quotation_change_text(wizard.item_ids, wizard.authorization)]
            if wizard.refuse_item_ids:
                texts.append(Order._quotation_change_text(wizard.refuse_item_ids, "refused"))
            wizard.explanation = "\n".join(texts)

    def action_confirm(self):
        self.ensure_one()
        confirmed = self.with_context(repair_quotation_change_confirmed=True)
        confirmed.item_ids._set_authorization(self.authorization)
        confirmed.refuse_item_ids._set_authorization("refused")
        return {"type": "ir.actions.act_window_close"}
