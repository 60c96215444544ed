from odoo import api, fields, models


class RepairCheckinService(models.Model):
    """An extra service customers can order while checking in online (car wash, cleaning...)."""

    _name = "repair.checkin.service"
    _inherit = ["repair.priced.line.mixin"]
    _description = "Check-in service"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    product_id = fields.Many2one(
        help="Optional: the price and taxes come from this product, and a converted work item uses it."
    )
    price_unit = fields.Float("Price without VAT")
    price_total = fields.Monetary("Price incl. VAT", compute="_compute_price_total")
    url = fields.Char("Link", help="A page with more about the service (optional).")
    image_512 = fields.Image("Picture", max_width=512, max_height=512)
    convert_to_work_item = fields.Boolean(
        default=True,
        help="When reception handles an order of this service, it becomes a work item of the work order.",
    )

    @api.depends("company_id")
    def _compute_tax_ids(self):
        return super()._compute_tax_ids()

    def _priced_line_company(self):
        return self.company_id or super()._priced_line_company()

    @api.depends("price_unit", "tax_ids", "currency_id")
    def _compute_price_total(self):
        for service in self:
            company = service.company_id or self.env.company
            taxes = service.tax_ids.compute_all(service.price_unit, currency=service.currency_id or company.currency_id)
            service.price_total = taxes["total_included"]
