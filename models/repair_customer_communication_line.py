from odoo import fields, models

from .repair_work_item import CUSTOMER_DECISIONS, WORK_ITEM_CATEGORIES

DECLINE_REASONS = [
    ("price", "Too expensive"),
    ("timing", "Not now"),
    ("elsewhere", "Will have it done elsewhere"),
    ("disagree", "Does not agree it is needed"),
]


class RepairCustomerCommunicationLine(models.Model):
    """A work item as the customer saw it in one version (price snapshot) and the answer given."""

    _name = "repair.customer.communication.line"
    _description = "Customer communication item"
    _order = "communication_id, category_sequence, sequence, id"

    communication_id = fields.Many2one("repair.customer.communication", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="communication_id.company_id", store=True)
    currency_id = fields.Many2one(related="communication_id.currency_id")
    work_item_id = fields.Many2one("repair.work.item", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer()
    category = fields.Selection(WORK_ITEM_CATEGORIES, required=True)
    category_sequence = fields.Integer()
    name = fields.Char("Title", required=True)
    customer_note = fields.Text("Note for the customer")
    quantity = fields.Float(digits="Product Unit")
    price_subtotal = fields.Monetary("Amount without VAT")
    price_tax = fields.Monetary("VAT")
    price_total = fields.Monetary("Amount incl. VAT")
    previous_price_total = fields.Monetary(
        "Previous amount incl. VAT", help="What the customer saw in the previous version, when it changed."
    )
    is_changed = fields.Boolean("Changed since the previous version")
    details = fields.Text(
        "Parts and labour", help="What the item is priced from, one line each, where the shop shows it."
    )
    authorized_within_limit = fields.Boolean(
        "Within the go-ahead", help="Authorised on the customer's behalf, within their go-ahead amount from check-in."
    )
    decision = fields.Selection(CUSTOMER_DECISIONS, "Customer decision")
    decline_reason = fields.Selection(DECLINE_REASONS)
    contact_question = fields.Text("Question for the workshop")
    decided_at = fields.Datetime()

    def _allowed_decisions(self):
        """What the customer may answer on this item ("do not agree" only for advised items)."""
        self.ensure_one()
        if not self._needs_decision():
            return (False,)
        allowed = ("accepted", "declined", "contact")
        if self.category == "recommended":
            allowed += ("disagree",)
        return allowed

    def _needs_decision(self):
        """Only an overview asks for decisions (not check-in), and none on work done within the go-ahead."""
        self.ensure_one()
        return (
            self.communication_id.kind == "overview"
            and self.category in ("necessary", "recommended")
            and not self.authorized_within_limit
        )
