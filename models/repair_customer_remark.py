from odoo import fields, models


class RepairCustomerRemark(models.Model):
    """Something the customer wrote, with files: an "important item" for reception."""

    _name = "repair.customer.remark"
    _description = "Customer remark"
    _order = "is_read, id desc"

    order_id = fields.Many2one("repair.order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    communication_id = fields.Many2one("repair.customer.communication", ondelete="cascade", index=True)
    subject = fields.Char(required=True)
    body = fields.Text("Remark")
    attachment_ids = fields.Many2many(
        "ir.attachment", "repair_customer_remark_attachment_rel", "remark_id", "attachment_id", string="Files"
    )
    is_read = fields.Boolean("Read")
    visible_to_mechanic = fields.Boolean("Shared with mechanics")

    def action_mark_read(self):
        self.is_read = True

    def action_share_with_mechanics(self):
        self.visible_to_mechanic = True

    def action_make_work_item(self):
        """Handle the remark: it is read, and the "add work item" form opens filled from it."""
        self.ensure_one()
        self.is_read = True
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Add a work item"),
            "res_model": "repair.work.item",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_order_id": self.order_id.id,
                "default_name": self.subject,
                "default_customer_note": self.body,
                "default_origin": "remark",
                "default_category": "necessary",
                "default_attachment_ids": [fields.Command.set(self.attachment_ids.ids)],
            },
        }
