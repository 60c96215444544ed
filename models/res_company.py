from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


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
    repair_payment_policy = fields.Selection(
        [
            ("none", "No payment"),
            ("deposit_percent", "A deposit: a share of the approved work"),
            ("deposit_fixed", "A deposit: a fixed amount"),
            ("full", "The whole approved work"),
        ],
        string="Payment when approving",
        default="none",
        required=True,
        help="What customers pay online when they confirm an overview, through the payment providers of "
        "Odoo's Invoicing settings. A payment that fails or is left leaves the answer confirmed and "
        "payable later from the same link.",
    )
    repair_deposit_percent = fields.Float(
        "Deposit (%)", default=30.0, help="The share of the approved work, taxes included, paid when approving."
    )
    repair_deposit_amount = fields.Monetary(
        "Deposit amount",
        currency_field="currency_id",
        help="Paid when approving, taxes included; never more than the approved work.",
    )
    _repair_link_validity_positive = models.Constraint(
        "CHECK (repair_link_validity_days > 0)",
        "A customer link must stay valid for at least one day.",
    )

    _repair_deposit_percent_range = models.Constraint(
        "CHECK (repair_deposit_percent > 0 AND repair_deposit_percent <= 100)",
        "A deposit is a share between 0 and 100 % of the approved work.",
    )
    _repair_deposit_amount_positive = models.Constraint(
        "CHECK (repair_deposit_amount IS NULL OR repair_deposit_amount >= 0)",
        "A deposit amount cannot be negative.",
    )

    @api.constrains("repair_payment_policy", "repair_deposit_amount")
    def _check_repair_deposit_amount(self):
        for company in self:
            if company.repair_payment_policy == "deposit_fixed" and company.currency_id.is_zero(
                company.repair_deposit_amount
            ):
                raise ValidationError(self.env._("Give the deposit customers pay when approving."))

    @api.model_create_multi
    def create(self, vals_list):
        """A new location gets the built-in notification rules (the check-in invitation)."""
        companies = super().create(vals_list)
        # The module's own data: whoever may create a location gets its rules, workshop role or not.
        self.env["customer.notification.rule"].sudo()._create_builtin_rules(companies)
        return companies

    def _workshop_demo_enable_payments(self):
        """Demo data: these locations take payments with Odoo's demo provider, and keep accounts to record them.

        Why code and not XML records: the demo provider exists only with `payment_demo`,
        which the module does not depend on (a shop uses Stripe, Mollie or another of
        Odoo's providers), and a chart of accounts is loaded by Odoo's chart template,
        as the Invoicing settings load it. Without `payment_demo` nothing is enabled.
        """
        Provider = self.env["payment.provider"].sudo()
        if "demo" not in dict(Provider._fields["code"].selection):
            return
        for company in self:
            if not company.chart_template:
                # The generic chart is American: the location keeps its own currency and fiscal country.
                kept = {
                    "currency_id": company.currency_id.id,
                    "account_fiscal_country_id": company.account_fiscal_country_id.id or company.country_id.id,
                }
                # `_load`, not `try_loading`: the latter warns when called while modules install, as demo data is.
                self.env["account.chart.template"]._load("generic_coa", company, install_demo=False)
                company.write(kept)
            template = self.env.ref("payment.payment_provider_demo")
            provider = Provider.search([("code", "=", "demo"), ("company_id", "=", company.id)], limit=1)
            provider = provider or template.copy({"company_id": company.id})
            provider.write({"state": "test", "is_published": True})
            # Odoo copies a provider for a new company in English only: its messages in every language,
            # copied whole (the ORM writes a term-translated field one language at a time, from English).
            messages = ("pending_msg", "done_msg", "cancel_msg", "auth_msg")
            self.env.cr.execute(
                SQL(
                    "UPDATE payment_provider p SET %s FROM payment_provider t WHERE t.id = %s AND p.id = %s",
                    SQL(", ").join(SQL("%s = t.%s", SQL.identifier(name), SQL.identifier(name)) for name in messages),
                    template.id,
                    provider.id,
                )
            )
            provider.invalidate_recordset(list(messages))
