from odoo import fields, models


class RepairCustomerAgreementAcceptance(models.Model):
    """Proof of what the customer accepted: which version, its text, when and from where."""

    _name = "repair.customer.agreement.acceptance"
    _description = "Accepted customer conditions"
    _order = "accepted_at desc, id desc"

    agreement_id = fields.Many2one("repair.customer.agreement", required=True, ondelete="restrict", index=True)
    agreement_version = fields.Integer("Version", required=True)
    agreement_text = fields.Html("Text accepted", sanitize=False, readonly=True)
    communication_id = fields.Many2one("repair.customer.communication", required=True, ondelete="cascade", index=True)
    order_id = fields.Many2one(related="communication_id.order_id", store=True, index=True)
    company_id = fields.Many2one(related="communication_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", "Customer")
    accepted_at = fields.Datetime(required=True, default=fields.Datetime.now)
    ip_address = fields.Char("IP address")
    user_agent = fields.Char("Browser")
