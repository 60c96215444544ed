from odoo import fields, models

from odoo.addons.payment import utils as payment_utils


class PaymentTransaction(models.Model):
    """An online payment made from a customer's overview page (see `repair.order._payment_amounts`)."""

    _inherit = "payment.transaction"

    repair_communication_id = fields.Many2one(
        "repair.customer.communication",
        "Paid from overview",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The overview link the customer paid from.",
    )

    def _workshop_landing_route(self):
        """Where the payment's status page leads back: the customer's page, through a route keyed on this payment.

        Not the page's own address: links' tokens are never stored, and a transaction
        keeps its landing route.
        """
        self.ensure_one()
        access_token = payment_utils.generate_access_token(self.partner_id.id, self.amount, self.currency_id.id)
        return f"/workshop/payment/{self.id}?access_token={access_token}"

    def _post_process(self):
        """Once Odoo has recorded a payment from an overview: reception hears of one that came twice."""
        result = super()._post_process()
        for tx in self.filtered(lambda tx: tx.state == "done" and tx.repair_communication_id):
            tx.repair_communication_id.order_id.sudo()._check_paid_twice(tx)
        return result

    def _log_message_on_linked_documents(self, message):
        """Odoo logs a payment on its documents (the quotation): the work order it pays for hears of it too."""
        result = super()._log_message_on_linked_documents(message)
        order = self.repair_communication_id.order_id.sudo()
        if order:
            author = self.env.user.partner_id if self.env.user._is_internal() else self.partner_id
            order.message_post(body=message, author_id=author.id, subtype_xmlid="mail.mt_note")
        return result
