import logging
import re
import unicodedata

import phonenumbers
import psycopg2.errors
from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ConcurrencyError, UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import format_datetime

from .repair_customer_communication import ANSWERABLE_STATES
from .repair_customer_communication_sms_reply import gsm_friendly

_logger = logging.getLogger(__name__)

INCOMING_PROVIDERS = [
    ("twilio", "Twilio"),
    ("webhook", "SMS webhook"),
]
INCOMING_OUTCOMES = [
    ("reply", "Reply for the shop"),
    ("answer", "Answer to an overview"),
    ("stop", "STOP: automated SMS withdrawn"),
    ("start", "START: automated SMS given back"),
    ("unknown", "Unknown number"),
    ("refused", "Not applied"),
]
# What a phone sends at most as one (concatenated) SMS; Twilio's limit for a message body.
MAX_SMS_LENGTH = 1600
# Keywords compared on the folded text (upper case, accents and surrounding spaces dropped).
STOP_KEYWORDS = {"STOP", "STOP SMS", "STOPSMS", "ARRET", "ARRET SMS", "STOPPEN", "UNSUBSCRIBE"}
START_KEYWORDS = {"START", "START SMS", "UNSTOP"}
# Raised again to let Odoo replay the request in a new transaction (another one held the same rows).
RETRIED = (ConcurrencyError, *PG_CONCURRENCY_EXCEPTIONS_TO_RETRY)
# "1 3", "1,3", "1; 3", "0": item numbers separated by spaces, commas, semicolons or "and"/"et"/"en".
ANSWER_REPLY = re.compile(r"^\d{1,3}(?:(?:\s*[,;&+]\s*|\s+(?:AND|ET|EN)\s+|\s+)\d{1,3})*$")


def fold_keyword(text):
    """The text as keywords are compared: upper case, accents and spaces around and within folded."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.upper().split()).rstrip(".!")


def e164(number):
    """The number in E.164 when it reads as an international number, else the text received (cut short)."""
    text = (number or "").strip()
    candidate = text if text.startswith("+") else f"+{text.lstrip('0')}" if text.startswith("00") else text
    try:
        parsed = phonenumbers.parse(candidate, None)
    except phonenumbers.NumberParseException:
        return text[:32]
    if not phonenumbers.is_possible_number(parsed):
        return text[:32]
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class CustomerIncomingSms(models.Model):
    """An SMS a customer sent to the workshop, and what became of it.

    Every provider's webhook hands its messages to `_receive` and nothing else: one
    place decides whether a text is STOP / START, an answer to an overview or a reply
    for the shop, and logs the outcome. A message is kept once per provider's id, so
    that a webhook the provider repeats changes nothing twice.
    """

    _name = "customer.incoming.sms"
    _description = "Incoming SMS"
    _order = "received_at desc, id desc"
    _rec_name = "from_number"

    provider = fields.Selection(INCOMING_PROVIDERS, required=True, readonly=True)
    provider_message_id = fields.Char("Provider's message id", required=True, readonly=True)
    company_id = fields.Many2one("res.company", "Location", index=True, readonly=True)
    from_number = fields.Char("From", required=True, readonly=True, index=True)
    to_number = fields.Char("To", readonly=True)
    body = fields.Text("Text", readonly=True)
    received_length = fields.Integer("Characters received", readonly=True)
    received_at = fields.Datetime("Received", default=fields.Datetime.now, required=True, readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True, index="btree_not_null")
    order_id = fields.Many2one("repair.order", "Work order", readonly=True, index="btree_not_null", ondelete="set null")
    communication_id = fields.Many2one(
        "repair.customer.communication", "Overview answered", readonly=True, ondelete="set null"
    )
    outcome = fields.Selection(INCOMING_OUTCOMES, readonly=True, index=True)
    note = fields.Text("What was done", readonly=True)
    message_id = fields.Many2one("mail.message", "Posted as", readonly=True, ondelete="set null")

    _provider_message_unique = models.Constraint(
        "UNIQUE (provider, provider_message_id)",
        "The provider sent this message already.",
    )

    # ------------------------------------------------------------------
    # Receiving
    # ------------------------------------------------------------------

    @api.model
    def _receive(self, provider, message_id, from_number, body, *, to_number=None, company=None):
        """Keep and handle one SMS a provider received for the workshop; returns the record.

        Runs as the system (webhooks come as the public user). A message the provider
        sent before is returned as it was, untouched. A message far over SMS length is
        kept (cut) and never applied; any other goes through `_handle`, in a savepoint:
        should it fail, the message is still kept, marked not applied.
        """
        self = self.with_user(SUPERUSER_ID).sudo()  # noqa: PLW0642  # the system receives, whoever called
        message_id = (message_id or "").strip()[:128]
        if not message_id:
            raise UserError(self.env._("An incoming SMS needs the provider's message id."))
        existing = self.search([("provider", "=", provider), ("provider_message_id", "=", message_id)], limit=1)
        if existing:
            _logger.info("Incoming SMS %s from %s already received: ignored", message_id, provider)
            return existing
        text = body or ""
        values = {
            "provider": provider,
            "provider_message_id": message_id,
            "from_number": e164(from_number) or "?",
            "to_number": (to_number or "").strip()[:32] or False,
            "body": text[:MAX_SMS_LENGTH],
            "received_length": len(text),
            "company_id": company.id if company else False,
        }
        try:
            with self.env.cr.savepoint():
                incoming = self.create(values)
                incoming.flush_recordset()
        except psycopg2.errors.UniqueViolation as error:
            # The same webhook twice at the same moment: replayed, the request finds the other one's record.
            raise ConcurrencyError(f"Incoming SMS {message_id} from {provider} received twice at once") from error
        if len(text) > MAX_SMS_LENGTH:
            incoming._settle(
                "refused",
                self.env._(
                    "Far over SMS length (%(length)s characters): kept cut short, not applied.", length=len(text)
                ),
            )
            return incoming
        try:
            with self.env.cr.savepoint():
                incoming._handle()
        except RETRIED:
            raise  # another transaction holds the overview or the customer: Odoo replays the request
        except Exception:  # pylint: disable=broad-exception-caught  # the provider must get its answer
            _logger.exception("Incoming SMS %s could not be handled", incoming.id)
            incoming._settle("refused", self.env._("It could not be handled; see the server log."))
        return incoming

    def _handle(self):
        """STOP / START, an answer to the overview last sent to this number, or a reply for the shop.

        What the shop reads of it (notes, to-dos) is written in the location's language
        and time zone, not in the provider's request's.
        """
        self.ensure_one()
        partners = self._senders()
        overview = self._latest_overview_sms()
        order = self._current_order(partners or overview.partner_id, overview)
        if not self.company_id:
            self.company_id = order.company_id or overview.company_id or partners.company_id[:1]
        self = self.with_context(**self._shop_context())  # noqa: PLW0642
        keyword = fold_keyword(self.body)
        if keyword in STOP_KEYWORDS or keyword in START_KEYWORDS:
            if not partners:
                self._settle("unknown", self.env._("No customer has this number: nothing to change."))
                return
            self._change_consent(partners, accepts=keyword in START_KEYWORDS)
            return
        if overview.sms_reply_offered and ANSWER_REPLY.match(keyword):
            refusal = self._answer_overview(overview, keyword)
            if refusal:
                self._post_for_shop(partners or overview.partner_id, order, refusal)
            return
        if not partners:
            self._settle("unknown", self.env._("No customer has this number: kept here only."))
            return
        self._post_for_shop(partners, order, None)

    def _settle(self, outcome, note, **values):
        self.write({"outcome": outcome, "note": note, **values})
        if not self.company_id and (self.order_id or self.partner_id.company_id):
            self.company_id = self.order_id.company_id or self.partner_id.company_id

    def _shop_context(self):
        """The language and time zone of the location that received the SMS (else the main company)."""
        company = self.company_id or self.env.company
        tz = company.resource_calendar_id.tz or company.partner_id.tz or "UTC"
        return {"lang": company.partner_id.lang or "en_US", "tz": tz}

    # ------------------------------------------------------------------
    # Who wrote, about what
    # ------------------------------------------------------------------

    def _senders(self):
        """The customers with this mobile number (Odoo's phone, read in E.164, or the professional mobile)."""
        self.ensure_one()
        if not self.from_number.startswith("+"):
            return self.env["res.partner"]
        return (
            self.env["res.partner"]
            .with_context(active_test=True)
            .search(
                ["|", ("phone_sanitized", "=", self.from_number), ("mobile_professional", "=", self.from_number)],
                order="id",
            )
        )

    def _company_domain(self, fname="company_id"):
        """Only the location that received the SMS, when the provider says which (Twilio's number)."""
        return [(fname, "=", self.company_id.id)] if self.company_id else []

    def _latest_overview_sms(self):
        """The overview last sent by SMS to this number (with or without the offer to answer by reply)."""
        self.ensure_one()
        return self.env["repair.customer.communication"].search(
            [
                ("kind", "=", "overview"),
                ("channel", "=", "sms"),
                ("address", "=", self.from_number),
                ("sent_at", "!=", False),
                *self._company_domain(),
            ],
            order="sent_at desc, id desc",
            limit=1,
        )

    def _current_order(self, partners, overview):
        """The customer's current work order: the one of the overview last sent, if still open, else the latest open."""
        if not partners:
            return self.env["repair.order"]
        orders = self.env["repair.order"].search(
            [
                "|",
                "|",
                ("partner_id", "in", partners.ids),
                ("driver_id", "in", partners.ids),
                ("owner_id", "in", partners.ids),
                ("state", "not in", ("done", "cancel")),
                *self._company_domain(),
            ],
            order="id desc",
        )
        if overview.order_id in orders:
            return overview.order_id
        return orders[:1]

    def _other_offers_waiting(self, overview):
        """Other overviews of other orders, offered to this number by SMS, still waiting for an answer."""
        return self.env["repair.customer.communication"].search_count(
            [
                ("id", "!=", overview.id),
                ("order_id", "!=", overview.order_id.id),
                ("kind", "=", "overview"),
                ("channel", "=", "sms"),
                ("address", "=", self.from_number),
                ("sms_reply_offered", "=", True),
                ("state", "in", ANSWERABLE_STATES),
                "|",
                ("expires_at", "=", False),
                ("expires_at", ">", fields.Datetime.now()),
            ],
            limit=1,
        )

    # ------------------------------------------------------------------
    # What the SMS does
    # ------------------------------------------------------------------

    def _change_consent(self, partners, accepts):
        """STOP withdraws, START gives back the consent to automated SMS, logged and confirmed once."""
        self.ensure_one()
        changed = partners.filtered(lambda p: p.accepts_automated_sms != accepts)
        outcome = "start" if accepts else "stop"
        when = format_datetime(self.env, self.received_at, tz=self.env.context.get("tz"), dt_format="short")
        if accepts:
            line = self.env._(
                "Automated SMS given back by “%(text)s” from %(number)s on %(when)s.",
                text=self.body.strip(),
                number=self.from_number,
                when=when,
            )
        else:
            line = self.env._(
                "Automated SMS withdrawn by “%(text)s” from %(number)s on %(when)s.",
                text=self.body.strip(),
                number=self.from_number,
                when=when,
            )
        if not changed:
            self._settle(
                outcome, self.env._("Already so: nothing changed, no confirmation sent."), partner_id=partners[:1].id
            )
            return
        changed.write({"accepts_automated_sms": accepts})
        changed._message_log_batch(bodies={partner.id: Markup("%s") % line for partner in changed})
        self._settle(outcome, line, partner_id=changed[:1].id)
        self.env["customer.notification"]._queue_sms_notices(self, f"sms_{outcome}", changed[:1])

    def _answer_overview(self, overview, keyword):
        """Record "1 3" as the answer to `overview`; None when done, else why it was not applied."""
        self.ensure_one()
        numbers = {int(n) for n in re.findall(r"\d+", keyword)}
        chosen = numbers - {0}
        lines = overview._sms_reply_lines()
        refusal = self._why_not_answered(overview, lines, chosen)
        if refusal:
            return refusal
        try:
            with self.env.cr.savepoint():
                overview._lock_for_answer(wait=True)
                overview._answer_by_sms_reply(
                    [line for index, line in enumerate(lines, 1) if index in chosen], self.from_number
                )
        except UserError as error:
            return self.env._("It could not be applied: %(reason)s", reason=error.args[0])
        self._settle(
            "answer",
            self.env._("Recorded as the answer to the overview, by SMS reply."),
            partner_id=overview.partner_id.id,
            order_id=overview.order_id.id,
            communication_id=overview.id,
        )
        self.env["customer.notification"]._queue_sms_notices(self, "sms_answer", overview.partner_id)
        return None

    def _why_not_answered(self, overview, lines, chosen):
        """Why this SMS may not answer `overview` with the items numbered `chosen`, or None (checks in order)."""
        reason = None
        if overview.state == "superseded" or overview.superseded_by_id:
            reason = self.env._("It answers an overview a newer version replaced: not applied.")
        elif overview.expires_at and overview.expires_at < fields.Datetime.now():
            reason = self.env._("It answers an overview whose link had expired: not applied.")
        elif overview.state == "closed":
            reason = self.env._("It answers an overview the workshop closed for changes: not applied.")
        elif not overview._is_answerable() or overview.sms_answered_at:
            reason = self.env._("It answers an overview already answered: not applied.")
        elif self._other_offers_waiting(overview):
            reason = self.env._(
                "Several overviews sent to this number wait for an answer: which one it answers is unclear, "
                "not applied."
            )
        elif not lines or any(n > len(lines) for n in chosen):
            reason = self.env._("Its numbers are not those of the overview's items: not applied.")
        return reason

    def _post_for_shop(self, partners, order, why_not_applied):
        """The text in the chatter of the work order (or of the customer), and a to-do for the person in charge."""
        self.ensure_one()
        partner = partners[:1]
        record = order or partner
        body = Markup("<p>%s</p><p>%s</p>") % (
            self.env._("SMS from %(number)s:", number=self.from_number),
            self.body,
        )
        if why_not_applied:
            body += Markup("<p><em>%s</em></p>") % why_not_applied
        user = self._responsible_user(order, partner)
        message = record.with_user(SUPERUSER_ID).message_post(
            body=body,
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            partner_ids=user.partner_id.ids,
        )
        summary = self.env._("SMS from %(name)s", name=partner.display_name)
        todo_exists = self.env["mail.activity"].search_count(
            [("res_model", "=", record._name), ("res_id", "=", record.id), ("summary", "=", summary)], limit=1
        )
        if todo_exists:
            pass  # one to-do for a customer's SMS until it is done: the chatter holds each of them
        elif order:
            order._workshop_todo_for_customer_action(summary, body)
        else:
            partner.with_user(SUPERUSER_ID).activity_schedule(
                "mail.mail_activity_data_todo", summary=summary, note=body, user_id=user.id
            )
        self._settle(
            "reply" if not why_not_applied else "refused",
            why_not_applied or self.env._("Posted for the shop."),
            partner_id=partner.id,
            order_id=order.id if order else False,
            message_id=message.id,
        )

    def _responsible_user(self, order, partner):
        if order:
            return order._workshop_responsible_user()
        if partner.user_id and not partner.user_id.share and partner.user_id.active:
            return partner.user_id
        return self.env.ref("base.user_admin")

    # ------------------------------------------------------------------
    # What the confirmation SMS says (its templates render this record)
    # ------------------------------------------------------------------

    def _answer_summary(self):
        """ "To do: 1. Brake pads; 3. Wipers. Declined: 2. Tyres. Total with the planned work: €314.60 incl. VAT"."""
        self.ensure_one()
        overview = self.communication_id
        lines = overview._sms_reply_lines()
        done = [f"{i}. {gsm_friendly(line.name)}" for i, line in enumerate(lines, 1) if line.decision == "accepted"]
        declined = [f"{i}. {gsm_friendly(line.name)}" for i, line in enumerate(lines, 1) if line.decision == "declined"]
        parts = []
        if done:
            parts.append(self.env._("To do: %(items)s.", items="; ".join(done)))
        if declined:
            parts.append(self.env._("Declined: %(items)s.", items="; ".join(declined)))
        summary = overview._customer_summary()
        if summary.get("show_prices"):
            total = overview._sms_amount(summary["amount_total"])
            if summary["scheduled"]:
                parts.append(self.env._("Total with the planned work: %(total)s incl. VAT.", total=total))
            else:
                parts.append(self.env._("Total: %(total)s incl. VAT.", total=total))
        payment = overview._customer_payment()
        if payment and payment["due"]:
            # Paying happens on the page: the answer by SMS leads there.
            parts.append(
                self.env._(
                    "To pay now: %(amount)s, on %(url)s",
                    amount=overview._sms_amount(payment["due"]),
                    url=overview._get_customer_url(),
                )
            )
        return " ".join(parts)
