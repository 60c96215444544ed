from odoo import fields, models
from odoo.exceptions import AccessError

RECEPTIONIST_GROUP = "repair_customer_communication.group_workshop_receptionist"


class RepairCustomerRemark(models.Model):
    """Something the customer wrote, with files: an "important item" for reception.

    What the customer wrote is evidence: no staff role writes a remark (read-only
    access). Reception handles it through its buttons, which set the handling flags
    as the module, for receptionists only.
    """

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
    received_bytes = fields.Integer(
        "Bytes received",
        readonly=True,
        help="Size of the files as the customer sent them (the page's quota counts this).",
    )
    is_read = fields.Boolean("Read")
    visible_to_mechanic = fields.Boolean("Shared with mechanics")

    def _handled_by_reception(self):
        """These remarks as the module, once checked that a receptionist who can read them asked."""
        if not self.env.su and not self.env.user.has_group(RECEPTIONIST_GROUP):
            raise AccessError(self.env._("Only reception handles the customer's remarks."))
        self.check_access("read")
        return self.sudo()

    def action_mark_read(self):
        self._handled_by_reception().is_read = True

    def action_share_with_mechanics(self):
        self._handled_by_reception().visible_to_mechanic = True

    def action_make_work_item(self):
        """Handle the remark: it is read, and the "add work item" form opens filled from it."""
        self.ensure_one()
        self._handled_by_reception().is_read = True
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
