from odoo import api, fields, models


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
    repair_show_item_details = fields.Boolean(
        "Show parts and labour to customers",
        help="Under each item of an overview, customers see the parts and the hours of labour it is priced from.",
    )
    repair_sms_reply_answers = fields.Boolean(
        "Answer overviews by SMS reply",
        help="An overview sent by SMS lists its items by number: the customer may reply “1 3” to have "
        "items 1 and 3 done and the others declined, or “0” to decline them all. Not offered where "
        "customers must accept conditions or sign.",
    )
    _repair_link_validity_positive = models.Constraint(
        "CHECK (repair_link_validity_days > 0)",
        "A customer link must stay valid for at least one day.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """A new location gets the built-in notification rules (the check-in invitation)."""
        companies = super().create(vals_list)
        self.env["customer.notification.rule"]._create_builtin_rules(companies)
        return companies
