from odoo import fields, models


class RepairCustomerAgreementAcceptance(models.Model):
    """Proof of what the customer accepted: which version, its text, when and from where; and when they withdrew it.

    Never deleted by the customer's page: unticking the conditions records a withdrawal
    (time, IP, browser) beside the acceptance, and ticking again is a new acceptance.
    """

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
    withdrawn_at = fields.Datetime("Withdrawn on", readonly=True)
    withdrawal_ip_address = fields.Char("Withdrawn from IP address", readonly=True)
    withdrawal_user_agent = fields.Char("Withdrawn from browser", readonly=True)

    def _withdraw(self, ip_address=False, user_agent=False):
        """The customer unticked the conditions: recorded beside each acceptance still standing, and in the log."""
        standing = self.filtered(lambda acceptance: not acceptance.withdrawn_at)
        if not standing:
            return
        standing.sudo().write(
            {
                "withdrawn_at": fields.Datetime.now(),
                "withdrawal_ip_address": ip_address,
                "withdrawal_user_agent": user_agent,
            }
        )
        standing.communication_id._log_event("withdrawn", ip_address=ip_address, user_agent=user_agent)
