from odoo import fields, models


class ResCompany(models.Model):
    """Per-location (company) settings of the customer communication."""

    _inherit = "res.company"

    repair_show_prices = fields.Boolean(
        "Show prices to customers",
        default=True,
        help="Customers see prices and totals on their pages.",
    )
    repair_require_signature = fields.Boolean(
        "Ask customers to sign",
        help="Customers confirm their answers with a drawn or typed signature.",
    )
    repair_link_validity_days = fields.Integer(
        "Customer link validity (days)",
        default=14,
        help="Days a link sent to a customer stays valid.",
    )
    repair_checkin_enabled = fields.Boolean(
        "Online check-in",
        default=True,
        help="Invite customers to check in online before their appointment.",
    )
    repair_checkin_lead_days = fields.Integer(
        "Check-in lead time (days)",
        default=3,
        help="Days before the appointment the online check-in invitation is sent.",
    )

    _repair_link_validity_positive = models.Constraint(
        "CHECK (repair_link_validity_days > 0)",
        "A customer link must stay valid for at least one day.",
    )
    _repair_checkin_lead_days_positive = models.Constraint(
        "CHECK (repair_checkin_lead_days >= 0)",
        "The check-in lead time cannot be negative.",
    )
