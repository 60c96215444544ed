from odoo import fields, models

EVENT_TYPES = [
    ("sent", "Sent"),
    ("resent", "Re-sent"),
    ("delivered", "Delivered"),
    ("reached", "Reached the phone"),
    ("opened", "Opened"),
    ("answered", "Answered"),
    ("confirmed", "Confirmed"),
    ("reopened", "Changed their mind"),
    ("closed", "Closed for changes"),
    ("superseded", "Replaced by a new version"),
    ("failed", "Failed"),
    ("contact_changed", "Contact details changed"),
    ("withdrawn", "Conditions withdrawn"),
    ("link_copied", "Link copied by staff"),
    ("revoked", "Link revoked"),
]


class RepairCustomerEvent(models.Model):
    """The communication log of a work order: who got what, when, and what they did."""

    _name = "repair.customer.event"
    _description = "Customer communication event"
    _order = "date desc, id desc"

    order_id = fields.Many2one("repair.order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    communication_id = fields.Many2one("repair.customer.communication", ondelete="cascade", index=True)
    event_type = fields.Selection(EVENT_TYPES, "Event", required=True)
    date = fields.Datetime(default=fields.Datetime.now, required=True)
    partner_id = fields.Many2one("res.partner", "Recipient")
    channel = fields.Selection([("email", "E-mail"), ("sms", "SMS")])
    address = fields.Char("E-mail or mobile")
    ip_address = fields.Char("IP address")
    user_agent = fields.Char("Browser")
    details = fields.Text()
    link_live = fields.Boolean(compute="_compute_link_live", help="The customer's link of this line still opens.")
    link_revocable = fields.Boolean(compute="_compute_link_live")

    def _compute_link_live(self):
        for event in self:
            communication = event.communication_id.sudo()
            event.link_live = bool(communication) and communication._link_is_live()
            event.link_revocable = event.link_live and communication.state not in ("confirmed", "closed")

    def action_copy_customer_link(self):
        """Reception's explicit, logged way to read a customer's link (to read it out on the phone, say)."""
        self.ensure_one()
        return self.communication_id._staff_copy_link()

    def action_revoke_customer_link(self):
        self.ensure_one()
        self.communication_id._staff_revoke_link()
