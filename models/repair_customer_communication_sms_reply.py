from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

# Characters outside the GSM 03.38 alphabet that make a whole SMS go out in UCS-2 (twice the segments),
# replaced where the module writes SMS text itself (item lists, amounts).
GSM_REPLACEMENTS = str.maketrans(
    {
        "\u00a0": " ",
        "\u202f": " ",
        "\u2014": "-",
        "\u2013": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00d7": "x",
    }
)


def gsm_friendly(text):
    """`text` with typographic punctuation and non-breaking spaces as their plain GSM equivalents."""
    return (text or "").translate(GSM_REPLACEMENTS)


# Beyond these, the SMS would run to many segments (or past what a provider takes): the page is the answer.
MAX_SMS_REPLY_ITEMS = 9
MAX_SMS_REPLY_TEXT = 480


class RepairCustomerCommunication(models.Model):
    """Answering an overview by SMS reply ("1 3"): the offer in the SMS, and the answer it records.

    The items are numbered in the order the page lists them (the items that ask for
    a decision only). The offer is made where the location turns it on and the page
    asks nothing an SMS cannot give: conditions to accept, or a signature.
    """

    _inherit = "repair.customer.communication"

    sms_reply_offered = fields.Boolean(
        "Answer by SMS reply offered",
        readonly=True,
        copy=False,
        help="The overview's SMS offered to answer by replying with the numbers of the items to do.",
    )

    sms_answered_at = fields.Datetime(
        "Answered by SMS reply", readonly=True, copy=False, help="An SMS reply answers an overview once."
    )

    def _sms_reply_possible(self):
        """Whether this overview's SMS may offer to answer by reply."""
        self.ensure_one()
        return (
            self.kind == "overview"
            and self.channel == "sms"
            and self.company_id.repair_sms_reply_answers
            and not self._signature_required()
            and not self._required_agreements()
            and 0 < len(self._sms_reply_lines()) <= MAX_SMS_REPLY_ITEMS
            and len(self._sms_reply_items()) <= MAX_SMS_REPLY_TEXT
        )

    def _sms_reply_lines(self):
        """The items that ask for a decision, in the page's order: item 1 is the first of them."""
        self.ensure_one()
        return [line for _category, lines in self._lines_by_category() for line in lines if line._needs_decision()]

    def _sms_amount(self, amount):
        """An amount as plain text, for an SMS."""
        return gsm_friendly(formatLang(self.env, amount, currency_obj=self.currency_id))

    def _sms_reply_items(self):
        """The numbered items of the offer, one a line: "1. Brake pads: €120.00"."""
        self.ensure_one()
        rows = []
        for index, line in enumerate(self._sms_reply_lines(), 1):
            if self.show_prices:
                rows.append(f"{index}. {gsm_friendly(line.name)}: {self._sms_amount(line.price_total)}")
            else:
                rows.append(f"{index}. {gsm_friendly(line.name)}")
        return "\n".join(rows)

    def _answer_by_sms_reply(self, chosen_lines, number):
        """Record an SMS reply as the page records an answer: `chosen_lines` to do, the other items declined.

        The caller holds the row (`_lock_for_answer`); conditions or a signature the
        shop asks since the SMS left make it refuse, with the reason.
        """
        self.ensure_one()
        if not self._is_answerable():
            raise UserError(self.env._("Your answer was already sent: this overview can no longer be changed."))
        if self._signature_required() or self._missing_agreements():
            raise UserError(self.env._("The overview asks for conditions or a signature: answer on the page."))
        now = fields.Datetime.now()
        chosen_ids = {line.id for line in chosen_lines}
        for line in self._sms_reply_lines():
            decision = "accepted" if line.id in chosen_ids else "declined"
            line.write({"decision": decision, "decline_reason": False, "contact_question": False, "decided_at": now})
        self._check_ready_to_confirm()
        self.sms_answered_at = now
        self._confirm_by_customer(user_agent=self.env._("SMS reply"), sms_number=number)
