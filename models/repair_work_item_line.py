from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

WORK_ITEM_LINE_TYPES = [
    ("part", "Part"),
    ("labour", "Labour"),
]
# What only reception sets on a part or labour line; a mechanic lists what the job needs.
RECEPTION_ONLY_LINE_FIELDS = frozenset({"price_unit", "discount", "tax_ids"})


class RepairWorkItemLine(models.Model):
    """A part or the labour of a work item, priced as its line on the repair's quotation will be.

    The unit price, discount and taxes are those Odoo's own quotation line computes
    for the work order's customer (pricelist, unit of measure, fiscal position):
    a `sale.order.line` is built in memory for them (`_sale_line_values`), so the
    customer is shown what the quotation will hold, to the cent.
    """

    _name = "repair.work.item.line"
    _description = "Part or labour of a work item"
    _order = "item_id, sequence, id"
    _check_company_auto = True

    item_id = fields.Many2one("repair.work.item", "Work item", required=True, ondelete="cascade", index=True)
    order_id = fields.Many2one(related="item_id.order_id", store=True, index=True)
    company_id = fields.Many2one(related="item_id.company_id", store=True)
    currency_id = fields.Many2one(related="item_id.currency_id")
    sequence = fields.Integer(default=10)
    line_type = fields.Selection(
        WORK_ITEM_LINE_TYPES,
        "Type",
        compute="_compute_line_type",
        store=True,
        precompute=True,
        help="From the product: a service is labour (in hours), goods are a part (taken from stock).",
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        domain="[('sale_ok', '=', True), ('type', 'in', ('consu', 'service'))]",
    )
    name = fields.Char(
        "Description", compute="_compute_name", store=True, readonly=False, precompute=True, required=True
    )
    quantity = fields.Float(default=1.0, digits="Product Unit", help="Parts: how many. Labour: hours.")
    product_uom_id = fields.Many2one(
        "uom.uom", "Unit", compute="_compute_product_uom_id", store=True, readonly=False, precompute=True
    )
    price_unit = fields.Float(
        "Unit price",
        digits="Product Price",
        compute="_compute_sale_values",
        store=True,
        readonly=False,
        precompute=True,
    )
    discount = fields.Float(
        "Discount (%)",
        digits="Discount",
        compute="_compute_sale_values",
        store=True,
        readonly=False,
        precompute=True,
    )
    tax_ids = fields.Many2many(
        "account.tax",
        string="Taxes",
        compute="_compute_sale_values",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        domain=[("type_tax_use", "=", "sale")],
    )
    move_id = fields.Many2one(
        "stock.move",
        "Repair part",
        readonly=True,
        copy=False,
        help="The part on the work order, reserved from stock once the work is authorised.",
    )
    price_subtotal = fields.Monetary("Amount without VAT", compute="_compute_amounts", store=True)
    price_tax = fields.Monetary("VAT", compute="_compute_amounts", store=True)
    price_total = fields.Monetary("Amount incl. VAT", compute="_compute_amounts", store=True)

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------

    @api.depends("product_id")
    def _compute_line_type(self):
        for line in self:
            line.line_type = "labour" if line.product_id.type == "service" else "part"

    @api.depends("product_id")
    def _compute_name(self):
        for line in self:
            if line.product_id:
                line.name = line.product_id.name  # what the customer reads: no internal reference
            elif not line.name:
                line.name = False

    @api.depends("product_id")
    def _compute_product_uom_id(self):
        for line in self:
            if line.product_id and (
                not line.product_uom_id or line.product_uom_id not in line.product_id.uom_id | line.product_id.uom_ids
            ):
                line.product_uom_id = line.product_id.uom_id

    @api.depends("product_id", "product_uom_id", "item_id.order_id.partner_id")
    def _compute_sale_values(self):
        # Not on the quantity: reception's own price or discount stays when a quantity changes.
        for line in self:
            values = line._sale_line_values()
            line.price_unit = values["price_unit"]
            line.discount = values["discount"]
            line.tax_ids = values["tax_ids"]

    @api.depends("quantity", "price_unit", "discount", "tax_ids", "currency_id")
    def _compute_amounts(self):
        for line in self:
            line.price_subtotal, line.price_tax, line.price_total = self.env["repair.work.item"]._rounded_amounts(line)

    @api.onchange("product_id", "quantity", "product_uom_id", "price_unit", "discount", "tax_ids")
    def _onchange_price_warn_opened_overview(self):
        """The item's own warning: saving sends the customer a new version."""
        if self.item_id.visible_to_customer:
            return self.item_id._onchange_price_warn_opened_overview()
        return None

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_reception_only_fields(vals)
        lines = super().create(vals_list)
        lines._check_change_allowed()
        lines.item_id._on_parts_changed()
        return lines

    def write(self, vals):
        self._check_reception_only_fields(vals)
        if set(vals) - {"move_id", "sequence", "name"}:
            self._check_change_allowed()
        result = super().write(vals)
        if set(vals) - {"move_id"}:  # tying the line to its repair part changes nothing the customer or order sees
            self.item_id._on_parts_changed()
        return result

    def unlink(self):
        """A part removed is no longer reserved, and its line leaves an open quotation (a confirmed one refuses)."""
        self._check_change_allowed()
        items = self.item_id
        moves = self.move_id.filtered(lambda move: move.state not in ("done", "cancel"))
        moves.sudo()._action_cancel()
        sale_lines = self.env["sale.order.line"].sudo().search([("work_item_line_id", "in", self.ids)])
        sale_lines.filtered(lambda line: line.order_id.state in ("draft", "sent")).unlink()
        moves.sudo().unlink()
        result = super().unlink()
        if not self.env.context.get("repair_skip_sync"):
            items.exists()._on_parts_changed()
        return result

    # ------------------------------------------------------------------
    # Tooling
    # ------------------------------------------------------------------

    def _sale_line_values(self):
        """{price_unit, discount, tax_ids} of this product on the repair's quotation, as Odoo's sale line computes them.

        Odoo's `sale.order.line` computes them from the order (customer, pricelist,
        fiscal position, company) and the line (product, unit, quantity): an order and
        a line are built in memory, never saved. A work order with no customer yet
        gets the product's list price and taxes, as a quotation for nobody would.
        """
        self.ensure_one()
        empty = {"price_unit": 0.0, "discount": 0.0, "tax_ids": self.env["account.tax"]}
        if not self.product_id:
            return empty
        order = self.item_id.order_id
        company = order.company_id or self.env.company
        partner = order.partner_id or company.partner_id
        SaleOrder = self.env["sale.order"].with_company(company)
        quotation = SaleOrder.new({"partner_id": partner.id, "company_id": company.id})
        sale_line = (
            self.env["sale.order.line"]
            .with_company(company)
            .new(
                {
                    "order_id": quotation.id,
                    "product_id": self.product_id.id,
                    "product_uom_qty": self.quantity,
                    "product_uom_id": (self.product_uom_id or self.product_id.uom_id).id,
                }
            )
        )
        # Taxes of a line in memory are in-memory copies: the real taxes are their origin.
        taxes = sale_line.tax_ids._origin
        return {"price_unit": sale_line.price_unit, "discount": sale_line.discount, "tax_ids": taxes}

    def _quotation_line_values(self):
        """This part or labour as a line of the repair's quotation: what the customer was priced from."""
        self.ensure_one()
        return {
            "work_item_id": self.item_id.id,
            "work_item_line_id": self.id,
            "product_id": self.product_id.id,
            "name": self.name,
            "product_uom_qty": self.quantity,
            "product_uom_id": self.product_uom_id.id,
            "price_unit": self.price_unit,
            "discount": self.discount,
            "tax_ids": [Command.set(self.tax_ids.ids)],
        }

    def _prepare_base_line_for_taxes_computation(self, **kwargs):
        """The line as a base line for `account.tax`'s tax computation, as its quotation line will be."""
        self.ensure_one()
        order = self.item_id.order_id
        company = self.company_id or order.company_id or self.env.company
        values = {
            "tax_ids": self.tax_ids,
            "quantity": self.quantity,
            "price_unit": self.price_unit,
            "discount": self.discount,
            "partner_id": order.partner_id,
            "currency_id": self.currency_id or company.currency_id,
            "product_id": self.product_id,
            "product_uom_id": self.product_uom_id,
            "name": self.name,
        }
        values.update(kwargs)
        return self.env["account.tax"]._prepare_base_line_for_taxes_computation(self, **values)

    def _check_change_allowed(self):
        """What authorised work costs is reception's; on a confirmed order, not even theirs without a new quotation.

        A mechanic may list parts and hours while the work is to decide; once it is
        authorised, a change of its parts changes what the customer agreed to pay.
        """
        if self.env.su:
            return
        confirmed = self.item_id.filtered(
            lambda item: item.order_id.sale_order_id.state == "sale" and item.authorization == "approved"
        )
        if confirmed:
            raise UserError(
                self.env._(
                    "The order %(orders)s is confirmed with this work: its parts and labour no longer change. "
                    "Add the work as a new item.",
                    orders=", ".join(confirmed.order_id.sale_order_id.mapped("name")),
                )
            )
        if self.env.user.has_group("repair_customer_communication.group_workshop_receptionist"):
            return
        if any(item.authorization == "approved" for item in self.item_id):
            raise AccessError(self.env._("This work is authorised: only reception can change its parts and labour."))

    def _check_reception_only_fields(self, vals):
        """A mechanic lists the parts and hours a job needs; prices, discounts and taxes are reception's."""
        if self.env.su or self.env.user.has_group("repair_customer_communication.group_workshop_receptionist"):
            return
        forbidden = sorted(RECEPTION_ONLY_LINE_FIELDS.intersection(vals))
        if forbidden:
            labels = ", ".join(self._fields[fname]._description_string(self.env) for fname in forbidden)
            raise AccessError(
                self.env._("Only reception can change the price of a part or of labour (%(fields)s).", fields=labels)
            )
