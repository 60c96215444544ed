from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang

# Found work: what a mechanic finds and the customer decides on (planned services are already agreed).
FOUND_CATEGORIES = ("necessary", "recommended")


class RepairWorkItem(models.Model):
    _inherit = "repair.work.item"

    authorized_within_limit = fields.Boolean(
        "Within the go-ahead",
        readonly=True,
        copy=False,
        help="Authorised by reception on the customer's behalf, within the amount the customer let the "
        "workshop go ahead with at check-in. The customer sees it on the next overview and on the report.",
    )
    authorized_within_limit_amount = fields.Monetary(
        "Amount gone ahead with",
        readonly=True,
        copy=False,
        help="What the item cost, incl. VAT, when it was authorised within the go-ahead: what it used of it.",
    )

    def write(self, vals):
        """Refused or back to decide, an item is no longer work done within the go-ahead."""
        if vals.get("authorization") in ("pending", "refused"):
            vals = dict(vals, authorized_within_limit=False, authorized_within_limit_amount=0.0)
        return super().write(vals)


class RepairOrder(models.Model):
    """The go-ahead limit: found work within the amount the customer gave at check-in goes ahead unasked.

    At check-in the customer may say "go ahead without asking up to €X incl. VAT".
    Reception then authorises the found work waiting for a decision with one click,
    when its total stays within what is left of that amount; above it, the customer
    is asked with an overview, as always.
    """

    _inherit = "repair.order"

    go_ahead_amount = fields.Monetary(
        "Found work to decide",
        compute="_compute_go_ahead",
        help="Found work shown to the customer and waiting for a decision, incl. VAT.",
    )
    go_ahead_left = fields.Monetary(
        "Go-ahead left", compute="_compute_go_ahead", help="What is left of the customer's go-ahead amount."
    )
    go_ahead_possible = fields.Boolean(compute="_compute_go_ahead")

    @api.depends(
        "checkin_approval_limit",
        "work_item_ids.authorization",
        "work_item_ids.price_total",
        "work_item_ids.authorized_within_limit",
        "work_item_ids.authorized_within_limit_amount",
        "work_item_ids.customer_decision",
        "work_item_ids.visible_to_customer",
    )
    def _compute_go_ahead(self):
        for order in self:
            currency = order.currency_id or order.company_id.currency_id
            order.go_ahead_amount = currency.round(sum(order._go_ahead_items().mapped("price_total")))
            used = sum(order.work_item_ids.filtered("authorized_within_limit").mapped("authorized_within_limit_amount"))
            order.go_ahead_left = max(currency.round(order.checkin_approval_limit - used), 0.0)
            order.go_ahead_possible = bool(
                order.checkin_approval_limit
                and order.go_ahead_amount
                and currency.compare_amounts(order.go_ahead_amount, order.go_ahead_left) <= 0
                and order.state not in ("done", "cancel")
            )

    def _go_ahead_items(self):
        """Found work the customer sees, still to decide, and that they neither turned down nor asked to talk about."""
        self.ensure_one()
        return self.work_item_ids.filtered(
            lambda item: (
                item.category in FOUND_CATEGORIES
                and item.visible_to_customer
                and item.authorization == "pending"
                and item.customer_decision not in ("declined", "disagree", "contact")
            )
        )

    def action_go_ahead_within_limit(self):
        """Authorise, on the customer's behalf, the found work still to decide: all of it, within the go-ahead."""
        if not self.env.user.has_group("repair_customer_communication.group_workshop_receptionist"):
            raise AccessError(self.env._("Only reception may authorise work on the customer's behalf."))
        self.check_access("write")
        for order in self:
            currency = order.currency_id or order.company_id.currency_id
            items = order._go_ahead_items()
            if not order.checkin_approval_limit:
                raise UserError(self.env._("The customer gave no go-ahead amount at check-in: send them the overview."))
            if not items:
                raise UserError(self.env._("No found work waits for a decision."))
            if currency.compare_amounts(order.go_ahead_amount, order.go_ahead_left) > 0:
                raise UserError(
                    self.env._(
                        "The found work (%(amount)s) is above what is left of the customer's go-ahead "
                        "(%(left)s of %(limit)s): send them the overview to ask.",
                        amount=formatLang(self.env, order.go_ahead_amount, currency_obj=currency),
                        left=formatLang(self.env, order.go_ahead_left, currency_obj=currency),
                        limit=formatLang(self.env, order.checkin_approval_limit, currency_obj=currency),
                    )
                )
            # Reception's click is the decision the change dialog would ask for on a confirmed order.
            items.with_context(repair_quotation_change_confirmed=True)._set_authorization("approved")
            for item in items.sudo():
                item.write({"authorized_within_limit": True, "authorized_within_limit_amount": item.price_total})
            order.message_post(
                body=self.env._(
                    "Authorised on the customer's behalf, within the go-ahead of %(limit)s incl. VAT given at "
                    "check-in: %(items)s. Left: %(left)s.",
                    limit=formatLang(self.env, order.checkin_approval_limit, currency_obj=currency),
                    items=", ".join(
                        f"{item.name} ({formatLang(self.env, item.price_total, currency_obj=currency)})"
                        for item in items
                    ),
                    left=formatLang(self.env, order.go_ahead_left, currency_obj=currency),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True
