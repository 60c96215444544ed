import logging
import math

from odoo import SUPERUSER_ID, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

_logger = logging.getLogger(__name__)

# The links a customer may pay from: an answered overview, also once reception closed it for changes.
PAYABLE_STATES = ("confirmed", "closed")


class RepairCustomerCommunication(models.Model):
    """Paying when approving, from the overview's page (see `repair.order._payment_amounts`)."""

    _inherit = "repair.customer.communication"

    def _confirm_by_customer(self, ip_address=False, user_agent=False, sms_number=False):
        """Where the location asks to pay when approving, the quotation follows the answer and is asked for.

        The answer stands whatever happens next: a quotation that cannot follow (a
        locked order, say) leaves the payment unasked and tells reception.
        """
        result = super()._confirm_by_customer(ip_address=ip_address, user_agent=user_agent, sms_number=sms_number)
        if self.kind == "overview" and self.company_id.repair_payment_policy != "none":
            order = self.order_id.sudo()
            try:
                with self.env.cr.savepoint():
                    order._prepare_payment_at_approval()
            except UserError as error:
                _logger.warning("Work order %s: no payment asked at approval", order.name, exc_info=True)
                order.with_user(SUPERUSER_ID).message_post(  # not the public user: see _prepare_payment_at_approval
                    body=self.env._(
                        "The customer's answer could not reach the quotation, so no payment was asked: %(reason)s",
                        reason=error.args[0] if error.args else error,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return result

    def _can_reopen(self):
        """Once something is paid or being paid, the answer stays: the customer calls the shop to change it."""
        if not super()._can_reopen():
            return False
        amounts = self.order_id._payment_amounts()
        return not (amounts["paid"] or amounts["pending"])

    def _customer_payment(self):
        """What the page says about paying, or None where it says nothing (amounts in the page's format)."""
        self.ensure_one()
        order = self.order_id.sudo()
        if self.kind != "overview" or self.state not in PAYABLE_STATES or not order.payment_requested:
            return None
        amounts = order._payment_amounts()
        policy = self.company_id.repair_payment_policy

        return {
            **amounts,
            "deposit": amounts["required"] < amounts["total"],
            "percent": self.company_id.repair_deposit_percent if policy == "deposit_percent" else None,
            "total_display": self._format_amount(amounts["total"]),
            "required_display": self._format_amount(amounts["required"]),
            "paid_display": self._format_amount(amounts["paid"]),
            "pending_display": self._format_amount(amounts["pending"]),
            "due_display": self._format_amount(amounts["due"]),
        }

    def _check_payable(self, amount):
        """The amount the customer may pay now from this link, if it is `amount`; else the customer's UserError.

        The amount comes from the page the customer has open: it must still be what is
        due (a tampered amount, or a page left open while something was paid from
        another tab or the overview changed, is refused; the customer reloads).
        """
        self.ensure_one()
        if self.state == "superseded":
            raise UserError(self.env._("The workshop sent a newer version of this overview: please reload the page."))
        if self.kind != "overview" or self.state not in PAYABLE_STATES or not self.order_id.sudo().payment_requested:
            raise UserError(self.env._("There is nothing to pay on this page."))
        order = self.order_id.sudo()
        amounts = order._payment_amounts()
        due = amounts["due"]
        currency = amounts["currency"]
        started = order._payment_started_recently()
        if started:
            # Another tab, or the provider's page left open: one payment at a time, not two.
            raise UserError(
                self.env._(
                    "A payment of %(amount)s started a moment ago is not finished: finish it where you started "
                    "it, or try again in a few minutes.",
                    amount=formatLang(self.env, sum(started.mapped("amount")), currency_obj=currency),
                )
            )
        if currency.is_zero(due):
            if amounts["pending"]:
                raise UserError(self.env._("Your payment is being processed: there is nothing more to pay for now."))
            raise UserError(self.env._("Nothing is left to pay: your payment was received. Thank you!"))
        if (
            isinstance(amount, bool)
            or not isinstance(amount, (int, float))
            or not math.isfinite(amount)
            or currency.compare_amounts(amount, due) != 0
        ):
            raise UserError(
                self.env._(
                    "The amount to pay is now %(amount)s: please reload the page.",
                    amount=formatLang(self.env, due, currency_obj=currency),
                )
            )
        return due
