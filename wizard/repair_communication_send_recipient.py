from odoo import fields, models


class RepairCommunicationSendRecipient(models.TransientModel):
    """One address of the driver, owner or contractor, as the send dialog lists it."""

    _name = "repair.communication.send.recipient"
    _description = "Customer communication recipient"
    _order = "sequence, id"

    wizard_id = fields.Many2one("repair.communication.send", required=True, ondelete="cascade")
    sequence = fields.Integer()
    role = fields.Selection([("driver", "Driver"), ("owner", "Owner"), ("contractor", "Contractor")], required=True)
    partner_id = fields.Many2one("res.partner", required=True)
    channel = fields.Selection([("email", "E-mail"), ("sms", "SMS")], required=True)
    kind = fields.Selection([("personal", "Personal"), ("professional", "Professional")], required=True)
    address = fields.Char(required=True)
    blocked = fields.Boolean()
    selected = fields.Boolean()

    def action_select(self):
        """Choose this address (a blocked one cannot be chosen) and show the dialog again."""
        self.ensure_one()
        if not self.blocked:
            self.wizard_id.recipient_ids.selected = False
            self.selected = True
        return self.wizard_id._reopen()
