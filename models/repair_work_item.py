from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

# The four categories, in the order every screen shows them.
WORK_ITEM_CATEGORIES = [
    ("scheduled", "Scheduled service"),
    ("necessary", "Necessary"),
    ("recommended", "Recommended"),
    ("ok", "Checked and OK"),
]
CATEGORY_SEQUENCE = {key: index for index, (key, _label) in enumerate(WORK_ITEM_CATEGORIES)}

CUSTOMER_DECISIONS = [
    ("accepted", "Wants it done"),
    ("declined", "Does not want it"),
    ("contact", "Wants to be contacted"),
    ("disagree", "Does not agree"),
]

# Changes the customer must see on an overview already sent.
CUSTOMER_VISIBLE_FIELDS = frozenset(
    {
        "name",
        "customer_note",
        "quantity",
        "price_unit",
        "tax_ids",
        "product_id",
        "visible_to_customer",
        "category",
        "lump_sum",
    }
)

# What the repair's quotation shows of an item (see `repair.order._sync_quotation`).
QUOTATION_FIELDS = CUSTOMER_VISIBLE_FIELDS | {"authorization", "sequence", "pinned"}

# What a mechanic may not change: the price and what the customer and the
# reception decided.
RECEPTION_ONLY_FIELDS = frozenset(
    {
        "product_id",
        "quantity",
        "price_unit",
        "tax_ids",
        "customer_decision",
        "authorization",
        "visible_to_customer",
        "lump_sum",
    }
)


class RepairWorkItem(models.Model):
    """One intervention on a work order: what was found, what it costs, who decided what."""

    _name = "repair.work.item"
    _inherit = ["repair.priced.line.mixin"]
    _description = "Work item"
    _order = "order_id, category_sequence, pinned desc, sequence, id"
    _check_company_auto = True

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------

    order_id = fields.Many2one(
        "repair.order", "Work order", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    sequence = fields.Integer(default=10)
    name = fields.Char("Title", required=True)
    category = fields.Selection(WORK_ITEM_CATEGORIES, required=True, default="necessary", index=True)
    category_sequence = fields.Integer(compute="_compute_category_sequence", store=True, index=True)
    origin = fields.Selection(
        [
            ("planned", "Planned"),
            ("mechanic", "Found by mechanic"),
            ("checkin", "Check-in service"),
            ("remark", "Customer remark"),
        ],
        required=True,
        default="planned",
    )
    mechanic_note = fields.Text("Mechanic's note", help="Internal: what the mechanic found.")
    customer_note = fields.Text("Note for the customer", help="What the customer reads about this item.")
    product_id = fields.Many2one(help="Optional: a part or a labour product; the price and taxes come from it.")
    quantity = fields.Float(default=1.0, digits="Product Unit")
    price_subtotal = fields.Monetary("Amount without VAT", compute="_compute_amounts", store=True)
    price_tax = fields.Monetary("VAT", compute="_compute_amounts", store=True)
    price_total = fields.Monetary("Amount incl. VAT", compute="_compute_amounts", store=True)
    part_line_ids = fields.One2many(
        "repair.work.item.line",
        "item_id",
        "Parts and labour",
        help="What the job needs: parts (products and quantities) and labour (a service, in hours). "
        "The item's price is their sum, unless it is a lump sum.",
    )
    priced_by_parts = fields.Boolean(
        "Priced by parts",
        compute="_compute_priced_by_parts",
        help="The price is the sum of the parts and labour: no price of its own.",
    )
    lump_sum = fields.Boolean(
        "Lump sum",
        help="The item's own price (unit price times quantity) is what the customer pays, "
        "whatever its parts and labour add up to.",
    )
    visible_to_customer = fields.Boolean(
        "Shown to customer", default=True, help="The eye: whether the customer sees this item."
    )
    customer_decision = fields.Selection(CUSTOMER_DECISIONS, "Customer decision", help="Empty: no answer yet.")
    authorization = fields.Selection(
        [("pending", "To decide"), ("approved", "Authorised"), ("refused", "Refused")],
        default="pending",
        required=True,
        index=True,
        help="Reception's decision: the mechanic works from the authorised items.",
    )
    pinned = fields.Boolean(help="Keep this item at the top of its category.")
    snoozed_until = fields.Date("Snoozed until", help="Hidden from the to-do lists until this date.")
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "repair_work_item_attachment_rel",
        "item_id",
        "attachment_id",
        string="Photos and videos",
    )
    customer_question = fields.Text(
        compute="_compute_customer_answer_details",
        help="What the customer asked about this item when choosing to be contacted.",
    )
    customer_decline_reason = fields.Char("Reason declined", compute="_compute_customer_answer_details")
    user_can_edit_prices = fields.Boolean(compute="_compute_user_can_edit_prices")
    # Context of the order for lists of items across orders (mechanic's to-do).
    vehicle_id = fields.Many2one(related="order_id.vehicle_id", store=True, string="Vehicle")
    order_schedule_date = fields.Datetime(related="order_id.schedule_date", string="Appointment")

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------

    @api.depends("category")
    def _compute_category_sequence(self):
        for item in self:
            item.category_sequence = CATEGORY_SEQUENCE.get(item.category, len(CATEGORY_SEQUENCE))

    @api.depends("order_id", "order_id.partner_id")
    def _compute_tax_ids(self):
        """The product's (or the company's) taxes, mapped by the customer's fiscal position as the quotation does."""
        result = super()._compute_tax_ids()
        FiscalPosition = self.env["account.fiscal.position"]
        for item in self:
            partner = item.order_id.partner_id
            if partner and item.tax_ids:
                company = item.order_id.company_id or self.env.company
                fiscal_position = FiscalPosition.with_company(company)._get_fiscal_position(partner)
                if fiscal_position:
                    item.tax_ids = fiscal_position.map_tax(item.tax_ids)
        return result

    def _priced_line_company(self):
        return self.order_id.company_id or super()._priced_line_company()

    @api.depends(
        "quantity",
        "price_unit",
        "tax_ids",
        "order_id.partner_id",
        "currency_id",
        "lump_sum",
        "part_line_ids.price_subtotal",
        "part_line_ids.price_tax",
    )
    def _compute_amounts(self):
        for item in self:
            if item._priced_by_parts():
                # The sum of lines each rounded as the quotation rounds its lines.
                item.price_subtotal = sum(item.part_line_ids.mapped("price_subtotal"))
                item.price_tax = sum(item.part_line_ids.mapped("price_tax"))
                item.price_total = item.price_subtotal + item.price_tax
                continue
            item.price_subtotal, item.price_tax, item.price_total = self._rounded_amounts(item)

    @api.model
    def _rounded_amounts(self, line):
        """(without VAT, VAT, incl. VAT) of an item or a part line, rounded as a quotation line is."""
        company = line.company_id or self.env.company
        AccountTax = self.env["account.tax"]
        base_line = line._prepare_base_line_for_taxes_computation()
        AccountTax._add_tax_details_in_base_line(base_line, company)
        AccountTax._round_base_lines_tax_details([base_line], company)
        subtotal = base_line["tax_details"]["total_excluded_currency"]
        total = base_line["tax_details"]["total_included_currency"]
        return subtotal, total - subtotal, total

    def _compute_customer_answer_details(self):
        """The question and the reason given in the current overview, where reception acts on them."""
        lines = self.env["repair.customer.communication.line"].sudo()
        overviews = self.order_id.sudo().last_overview_id
        if overviews and self.ids:
            lines = lines.search([("communication_id", "in", overviews.ids), ("work_item_id", "in", self.ids)])
        by_item = {line.work_item_id.id: line for line in lines}
        reasons = dict(lines._fields["decline_reason"]._description_selection(self.env))
        for item in self:
            line = by_item.get(item.id)
            item.customer_question = line.contact_question if line else False
            item.customer_decline_reason = reasons.get(line.decline_reason) if line and line.decline_reason else False

    @api.depends_context("uid")
    def _compute_user_can_edit_prices(self):
        self.user_can_edit_prices = self.env.user.has_group("repair_customer_communication.group_workshop_receptionist")

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_reception_only_fields(vals, creating=True)
        items = super().create(vals_list)
        items.order_id._sync_work()
        return items

    def write(self, vals):
        self._check_reception_only_fields(vals)
        if "authorization" in vals:
            self.order_id._check_quotation_change(self.filtered(lambda i: i.authorization != vals["authorization"]))
        result = super().write(vals)
        if CUSTOMER_VISIBLE_FIELDS.intersection(vals) and not self.env.context.get("repair_skip_overview_update"):
            self.order_id._update_sent_overview()
        if QUOTATION_FIELDS.intersection(vals):
            self.order_id._sync_work()
        return result

    @api.onchange("price_unit", "quantity", "tax_ids")
    def _onchange_price_warn_opened_overview(self):
        overview = self.order_id.last_overview_id
        if overview and overview.state == "opened":
            return {
                "warning": {
                    "title": self.env._("The customer has already opened the overview"),
                    "message": self.env._(
                        "When you save, the customer automatically receives an updated link that shows "
                        "what changed. Discard your changes to keep the overview as it is."
                    ),
                }
            }
        return None

    # ------------------------------------------------------------------
    # Tooling
    # ------------------------------------------------------------------

    def _check_reception_only_fields(self, vals, creating=False):
        """Mechanics record findings; prices and authorisations belong to reception, answers to the customer.

        The customer's decision is copied from their answer by the module's own code
        (as superuser): no staff role writes it, so that "apply the customer's
        answers" authorises only what the customer chose. On creation, a value equal
        to the field's default is no decision (the web client sends defaults along).
        """
        if self.env.su:
            return
        if vals.get("customer_decision"):
            raise AccessError(
                self.env._("The customer's decision comes from the customer's page only: no one can change it here.")
            )
        if self.env.user.has_group("repair_customer_communication.group_workshop_receptionist"):
            return
        forbidden = set(RECEPTION_ONLY_FIELDS.intersection(vals))
        if creating:
            defaults = self.default_get(list(forbidden))

            def is_default(fname):
                value, default = vals[fname], defaults.get(fname, False)
                if self._fields[fname].relational:
                    return not value  # no product, no taxes
                return value == default or (not value and not default)

            forbidden = {fname for fname in forbidden if not is_default(fname)}
        forbidden = sorted(forbidden)
        if forbidden:
            labels = ", ".join(self._fields[fname]._description_string(self.env) for fname in forbidden)
            raise AccessError(
                self.env._(
                    "Only reception can change the price, the customer's decision or the authorisation "
                    "of a work item (%(fields)s).",
                    fields=labels,
                )
            )

    @api.depends("part_line_ids", "lump_sum")
    def _compute_priced_by_parts(self):
        for item in self:
            item.priced_by_parts = item._priced_by_parts()

    def _priced_by_parts(self):
        """Whether the item's price is the sum of its parts and labour (it has some, and no lump sum)."""
        self.ensure_one()
        return bool(self.part_line_ids) and not self.lump_sum

    def _base_lines_for_totals(self):
        """The item as base lines of the tax computation: its parts and labour, or itself."""
        self.ensure_one()
        if self._priced_by_parts():
            return [line._prepare_base_line_for_taxes_computation() for line in self.part_line_ids]
        return [self._prepare_base_line_for_taxes_computation()]

    def _on_parts_changed(self):
        """Parts or labour changed: the customer sees the new price on an overview already sent, the quotation too."""
        if self and not self.env.context.get("repair_skip_overview_update"):
            self.order_id._update_sent_overview()
        self.order_id._sync_work()

    def _quotation_line_values(self):
        """The item's lines on the repair's quotation: a section, then what the customer was priced from.

        Priced by parts: one line per part and labour line. Otherwise one line of the
        item's own price (its product, else the module's "Workshop work"), followed,
        for a lump sum, by its parts at no price (they are still delivered from stock).
        """
        self.ensure_one()
        lines = [{"display_type": "line_section", "name": self.name, "work_item_id": self.id}]
        if self._priced_by_parts():
            lines += [part._quotation_line_values() for part in self.part_line_ids]
            return lines
        # A goods product of its own would be delivered apart from the repair: its parts are the part lines.
        product = self.product_id if self.product_id.type == "service" else None
        product = product or self.env.ref("repair_customer_communication.product_workshop_work")
        lines.append(
            {
                "work_item_id": self.id,
                "product_id": product.id,
                "name": self.name,
                "product_uom_qty": self.quantity,
                "product_uom_id": product.uom_id.id,
                "price_unit": self.price_unit,
                "discount": 0.0,
                "tax_ids": [Command.set(self.tax_ids.ids)],
            }
        )
        if self.lump_sum:
            lines += [
                part._quotation_line_values() | {"price_unit": 0.0, "discount": 0.0} for part in self.part_line_ids
            ]
        return lines

    def _prepare_base_line_for_taxes_computation(self, **kwargs):
        """The item as a base line for `account.tax`'s generic tax computation."""
        self.ensure_one()
        order = self.order_id
        company = self.company_id or order.company_id or self.env.company
        values = {
            "tax_ids": self.tax_ids,
            "quantity": self.quantity,
            "price_unit": self.price_unit,
            "partner_id": order.partner_id,
            "currency_id": self.currency_id or company.currency_id,
            "product_id": self.product_id,
            "name": self.name,
        }
        values.update(kwargs)
        return self.env["account.tax"]._prepare_base_line_for_taxes_computation(self, **values)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_on_confirmed_order(self):
        """Work on a confirmed order is refused (with its button), not deleted: the order would keep its lines."""
        on_confirmed = self.filtered(
            lambda item: (
                item.order_id.sale_order_id.state == "sale"
                and item.order_id.sale_order_id.order_line.filtered(lambda line, item=item: line.work_item_id == item)
            )
        )
        if on_confirmed:
            raise UserError(
                self.env._("This work is on a confirmed order: refuse it instead of deleting it (the order follows).")
            )

    def unlink(self):
        """The item's lines leave the quotation and its parts are no longer reserved."""
        orders = self.order_id
        self.part_line_ids.with_context(repair_skip_sync=True).unlink()
        self.env["sale.order.line"].sudo().search(
            [("work_item_id", "in", self.ids), ("order_id.state", "in", ("draft", "sent"))]
        ).unlink()
        result = super().unlink()
        orders.exists()._sync_work()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_answered(self):
        """An item the customer answered about is part of the evidence: it is hidden, not deleted."""
        answered = (
            self.env["repair.customer.communication.line"]
            .sudo()
            .search_count([("work_item_id", "in", self.ids), ("decision", "!=", False)], limit=1)
        )
        if answered:
            raise UserError(
                self.env._("The customer answered about this item: hide it from the customer instead of deleting it.")
            )

    def action_authorize(self):
        return self._set_authorization("approved")

    def action_refuse(self):
        return self._set_authorization("refused")

    def _set_authorization(self, authorization):
        """Authorise or refuse; where the repair's order is confirmed, a dialog says what it does first."""
        changing = self.filtered(lambda item: item.authorization != authorization)
        on_confirmed = changing.filtered(lambda item: item.order_id.sale_order_id.state == "sale")
        if on_confirmed and not self.env.context.get("repair_quotation_change_confirmed"):
            return self.env["repair.quotation.change"]._open_dialog(
                {"item_ids": [Command.set(changing.ids)], "authorization": authorization}
            )
        changing.write({"authorization": authorization})
        return True

    def action_toggle_visible(self):
        for item in self:
            item.visible_to_customer = not item.visible_to_customer

    def action_toggle_pin(self):
        for item in self:
            item.pinned = not item.pinned
