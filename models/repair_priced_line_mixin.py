from odoo import api, fields, models


class RepairPricedLineMixin(models.AbstractModel):
    """A price from a product or typed by hand, with the product's sales taxes (else the company's).

    Shared by the work items and the check-in services, which are priced the same way.
    """

    _name = "repair.priced.line.mixin"
    _description = "Priced line (product or free text)"

    product_id = fields.Many2one(
        "product.product",
        check_company=True,
        domain=[("sale_ok", "=", True)],
        help="Optional: the price and taxes come from this product.",
    )
    price_unit = fields.Float(
        "Unit price",
        digits="Product Price",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
    )
    tax_ids = fields.Many2many(
        "account.tax",
        string="Taxes",
        compute="_compute_tax_ids",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        domain=[("type_tax_use", "=", "sale")],
    )

    def _priced_line_company(self):
        """The company whose taxes apply to this line."""
        self.ensure_one()
        return self.env.company

    @api.depends("product_id")
    def _compute_price_unit(self):
        for line in self:
            if line.product_id:
                line.price_unit = line.product_id.lst_price
            elif not line.price_unit:
                line.price_unit = 0.0

    @api.depends("product_id")
    def _compute_tax_ids(self):
        for line in self:
            company = line._priced_line_company()
            if line.product_id:
                line.tax_ids = line.product_id.taxes_id._filter_taxes_by_company(company)
            elif not line.tax_ids:
                line.tax_ids = company.account_sale_tax_id
