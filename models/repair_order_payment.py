from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools.misc import formatLang

# How long a payment started at a provider (its transaction still a draft) holds off another one.
PAYMENT_START_HOLD = timedelta(minutes=10)

PAYMENT_STATUSES = [
    ("pending", "Payment pending"),
    ("deposit", "Deposit paid"),
    ("paid", "Paid"),
]


class RepairOrder(models.Model):
    """What the customer pays when approving: asked per location, paid on the work order's quotation.

    Payments are Odoo's own online payments (`payment.transaction`) linked to the
    quotation, as Odoo's portal links them when a customer pays a quotation: Odoo
    then confirms the quotation, records the payment in accounting and, where set,
    invoices. This file only says how much is asked and what has been paid.
    """

    _inherit = "repair.order"

    payment_requested = fields.Boolean(
        "Payment asked",
        copy=False,
        readonly=True,
        help="The customer was asked to pay when approving the overview.",
    )
    payment_status = fields.Selection(
        PAYMENT_STATUSES,
        compute="_compute_payment_status",
        help="What the customer paid of what was asked when approving: nothing yet (or a payment being "
        "processed), the deposit, or the whole approved work.",
    )
    payment_amount_paid = fields.Monetary(
        "Paid", compute="_compute_payment_status", currency_field="payment_currency_id"
    )
    payment_amount_due = fields.Monetary(
        "Still to pay when approving", compute="_compute_payment_status", currency_field="payment_currency_id"
    )
    payment_currency_id = fields.Many2one("res.currency", compute="_compute_payment_status")

    @api.depends("payment_requested", "sale_order_id.amount_total", "sale_order_id.transaction_ids.state")
    def _compute_payment_status(self):
        for order in self:
            amounts = order._payment_amounts()
            order.payment_currency_id = amounts["currency"]
            order.payment_amount_paid = amounts["paid"]
            order.payment_amount_due = amounts["due"]
            order.payment_status = amounts["status"]

    def _payment_amounts(self):
        """What is asked and paid on this work order, in its quotation's currency.

        ``total``: the approved work (the quotation's total, taxes included); ``required``:
        what the location asks when approving; ``paid``: online payments done or
        authorised, or what its invoices show paid if more (a deposit is reconciled with
        the invoice, so adding both would count it twice); ``pending``: online payments
        the provider is still processing; ``due``: what the customer may still pay now.
        """
        self.ensure_one()
        quotation = self.sudo().sale_order_id
        currency = quotation.currency_id or self.company_id.currency_id
        if not quotation or quotation.state == "cancel":
            total = paid = pending = 0.0
        else:
            total = quotation.amount_total
            transactions = quotation.transaction_ids.filtered(lambda tx: tx.operation != "validation")
            paid = sum(transactions.filtered(lambda tx: tx.state in ("authorized", "done")).mapped("amount"))
            # Refunds made from Odoo (child transactions, negative amounts) give money back.
            refunds = transactions.child_transaction_ids.filtered(
                lambda tx: tx.operation == "refund" and tx.state == "done"
            )
            paid += sum(refunds.mapped("amount"))
            pending = sum(transactions.filtered(lambda tx: tx.state == "pending").mapped("amount"))
            invoices = quotation.invoice_ids.filtered(lambda move: move.state == "posted")
            on_invoices = sum(
                (move.amount_total - move.amount_residual) * (-1 if move.move_type == "out_refund" else 1)
                for move in invoices
            )
            paid = max(paid, on_invoices)
        required = self._payment_required(total, currency) if self.payment_requested else 0.0
        due = currency.round(max(required - paid - pending, 0.0))
        if total and currency.compare_amounts(paid, total) >= 0:
            status = "paid"
        elif required and currency.compare_amounts(paid, required) >= 0:
            status = "deposit"
        elif required:
            status = "pending"
        else:
            status = "deposit" if paid > 0 else False
        return {
            "currency": currency,
            "total": currency.round(total),
            "required": currency.round(required),
            "paid": currency.round(paid),
            "pending": currency.round(pending),
            "due": due,
            "status": status,
        }

    def _payment_required(self, total, currency):
        """What the location asks when approving `total` (taxes included), in `currency`."""
        self.ensure_one()
        company = self.company_id
        policy = company.repair_payment_policy
        if total <= 0 or policy == "none":
            return 0.0
        if policy == "full":
            return total
        if policy == "deposit_percent":
            return currency.round(total * company.repair_deposit_percent / 100.0)
        amount = company.currency_id._convert(
            company.repair_deposit_amount, currency, company, fields.Date.context_today(self)
        )
        return min(currency.round(amount), total)

    def _payment_started_recently(self):
        """Payments started from a customer's page a few minutes ago that the provider has not answered yet."""
        self.ensure_one()
        quotation = self.sudo().sale_order_id
        since = fields.Datetime.now() - PAYMENT_START_HOLD
        return quotation.transaction_ids.filtered(
            lambda tx: tx.state == "draft" and tx.repair_communication_id and tx.create_date >= since
        )

    def _check_paid_twice(self, transaction):
        """A payment that came when what was asked was already paid: reception refunds it (or keeps it)."""
        self.ensure_one()
        amounts = self._payment_amounts()
        currency = amounts["currency"]
        earlier = self.sudo().sale_order_id.transaction_ids.filtered(
            lambda tx: tx.id < transaction.id and tx.state in ("authorized", "done") and tx.operation != "validation"
        )
        if self.payment_requested and currency.compare_amounts(sum(earlier.mapped("amount")), amounts["required"]) >= 0:
            self._workshop_todo_for_customer_action(
                self.env._("Payment received twice"),
                self.env._(
                    "%(amount)s was paid online (%(reference)s) when what was asked was already paid: refund it, "
                    "or keep it for the invoice.",
                    amount=formatLang(self.env, transaction.amount, currency_obj=currency),
                    reference=transaction.reference,
                ),
                self.user_id,
            )

    def _prepare_payment_at_approval(self):
        """The customer confirmed with a payment asked: the quotation holds what they approved, and is asked.

        Paying commits the customer, so their answers become the authorisations (as
        "Apply customer answers" does) and the quotation follows them, also a confirmed
        one (the customer's confirmation is the consent the change dialog asks reception
        for). Returns what the customer may pay now.
        """
        self.ensure_one()
        order = self.sudo().with_company(self.company_id).with_context(repair_quotation_change_confirmed=True)
        if order.company_id.repair_payment_policy == "none" or order.state == "cancel":
            return 0.0
        confirmed_order = order.sale_order_id if order.sale_order_id.state == "sale" else None
        changes = order._customer_answer_changes() if confirmed_order else {}
        order.action_apply_customer_answers()
        if changes:
            # What reception's change dialog would have said: the customer's confirmation made the change.
            # By OdooBot: the customer's request runs as the public user, whom other locations' staff may not read.
            order.with_user(SUPERUSER_ID).message_post(
                body=self.env._(
                    "The customer's confirmation changed the confirmed order %(order)s: %(changes)s",
                    order=confirmed_order.name,
                    changes=" ".join(
                        order._quotation_change_text(items, authorization).replace("\n", " ")
                        for authorization, items in changes.items()
                    ),
                ),
                subtype_xmlid="mail.mt_note",
            )
        if not order.sale_order_id and order._quotation_items():
            order.action_create_sale_order()
            if order.user_id:
                order.sale_order_id.user_id = order.user_id
        order._sync_work()
        if order.sale_order_id.currency_id != order.currency_id:
            # The customer saw amounts in the location's currency: a quotation priced in another is not paid online.
            # By OdooBot: the customer's request runs as the public user, whom other locations' staff may not read.
            order.with_user(SUPERUSER_ID).message_post(
                body=self.env._(
                    "No payment was asked: the quotation is in %(quotation)s, the customer's overview in %(overview)s.",
                    quotation=order.sale_order_id.currency_id.name,
                    overview=order.currency_id.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
            return 0.0
        amounts = order._payment_amounts()
        required = order._payment_required(amounts["total"], amounts["currency"])
        order.payment_requested = bool(required)
        return order._payment_amounts()["due"] if required else 0.0
