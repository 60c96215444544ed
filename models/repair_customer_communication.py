import hashlib
import secrets
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, LockError, UserError
from odoo.tools import SQL, consteq, email_normalize
from odoo.tools.misc import formatLang, hmac

COMMUNICATION_KINDS = [
    ("overview", "Diagnostic overview"),
    ("checkin", "Online check-in"),
    ("report", "Repair report"),
]
# The progress of a communication, in order; `revoked` ends a link for good.
COMMUNICATION_STATES = [
    ("draft", "Draft"),
    ("sent", "Sent"),
    ("delivered", "Delivered, not opened"),
    ("opened", "Opened"),
    ("confirmed", "Confirmed by the customer"),
    ("closed", "Closed for changes"),
    ("superseded", "Replaced by a newer version"),
    ("revoked", "Revoked"),
]
# States in which the customer may still change the answers.
ANSWERABLE_STATES = ("sent", "delivered", "opened")
TOKEN_SCOPE = "repair_customer_communication.link"
# A customer link in a text, and what replaces it in the copies Odoo keeps (chatter, sent e-mails).
LINK_TOKEN_PATTERN = "/workshop/c/[0-9a-f]{64}"
MASKED_LINK = "/workshop/c/link-not-kept"


class RepairCustomerCommunication(models.Model):
    """One link sent to a customer: an overview, a check-in or a report, in one version.

    The link's token is never stored: it is an HMAC of a random nonce under the
    database secret, so that re-sending gives the same link, while the database
    holds only the nonce and a SHA-256 of the token, looked up by that hash and
    compared in constant time.
    """

    _name = "repair.customer.communication"
    _description = "Customer communication"
    _order = "order_id, id desc"
    _check_company_auto = True

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------

    order_id = fields.Many2one("repair.order", required=True, ondelete="cascade", index=True, check_company=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    kind = fields.Selection(COMMUNICATION_KINDS, required=True, default="overview", index=True)
    version = fields.Integer(default=1, required=True, readonly=True)
    state = fields.Selection(COMMUNICATION_STATES, default="draft", required=True, index=True, readonly=True)
    partner_id = fields.Many2one("res.partner", "Recipient", required=True, index=True)
    recipient_role = fields.Selection(
        [("driver", "Driver"), ("owner", "Owner"), ("contractor", "Contractor"), ("customer", "Customer")],
        default="customer",
        required=True,
    )
    channel = fields.Selection([("email", "E-mail"), ("sms", "SMS")], required=True, default="email")
    address = fields.Char("E-mail or mobile", required=True)
    lang = fields.Char("Language", help="The customer's language, in which the page and messages are shown.")
    note = fields.Text("Note for the customer", help="The shop's note, shown on the welcome window.")
    show_prices = fields.Boolean(help="Snapshot of the company setting when the communication was sent.")
    token_nonce = fields.Char(copy=False, readonly=True, groups="base.group_system")
    token_hash = fields.Char(copy=False, readonly=True, index=True, groups="base.group_system")
    expires_at = fields.Datetime("Link valid until", readonly=True, copy=False)
    superseded_by_id = fields.Many2one("repair.customer.communication", "Newer version", readonly=True, copy=False)
    previous_id = fields.Many2one("repair.customer.communication", "Previous version", readonly=True, copy=False)
    sent_at = fields.Datetime(readonly=True, copy=False)
    delivered_at = fields.Datetime(readonly=True, copy=False)
    opened_at = fields.Datetime("First opened", readonly=True, copy=False)
    confirmed_at = fields.Datetime(readonly=True, copy=False)
    closed_at = fields.Datetime(readonly=True, copy=False)
    line_ids = fields.One2many("repair.customer.communication.line", "communication_id", string="Items")
    remark_ids = fields.One2many("repair.customer.remark", "communication_id", string="Remarks")
    event_ids = fields.One2many("repair.customer.event", "communication_id", string="Log")
    # The live link is for the messages the module renders (as superuser) and for reception's
    # logged "copy link" action: read by anyone else (a template preview, the chatter composer),
    # it is empty.
    customer_url = fields.Char("Customer link", compute="_compute_customer_url")
    acceptance_ids = fields.One2many("repair.customer.agreement.acceptance", "communication_id", string="Conditions")
    signature = fields.Image(max_width=1024, max_height=1024, copy=False, readonly=True)
    signed_by = fields.Char(copy=False, readonly=True)
    signed_at = fields.Datetime(copy=False, readonly=True)
    checkin_choice_ids = fields.One2many("repair.checkin.choice", "communication_id", string="Services chosen")
    approval_limit = fields.Monetary(
        "Go-ahead limit",
        readonly=True,
        copy=False,
        help="At check-in: extra work up to this amount incl. VAT may be done without asking the customer.",
    )
    contact_before_email = fields.Char(
        "E-mail before the change",
        readonly=True,
        copy=False,
        help="The customer's e-mail address when this link first changed it: the notice of the change went there.",
    )
    contact_before_phone = fields.Char(
        "Mobile before the change",
        readonly=True,
        copy=False,
        help="The customer's mobile number when this link first changed it: the notice of the change went there.",
    )
    sms_message_id = fields.Many2one("mail.message", "SMS message", readonly=True, copy=False, index="btree_not_null")
    reopened = fields.Boolean(
        readonly=True, copy=False, help='The customer already used "I changed my mind" once on this version.'
    )

    _token_hash_unique = models.Constraint("UNIQUE (token_hash)", "A link token must be unique.")

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------

    @api.depends("kind", "version", "order_id.name")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for communication in self:
            communication.display_name = self.env._(
                "%(kind)s %(order)s (v%(version)s)",
                kind=kinds.get(communication.kind, ""),
                order=communication.order_id.name or "",
                version=communication.version,
            )

    @api.depends_context("uid")
    def _compute_customer_url(self):
        for communication in self:
            communication.customer_url = (
                communication._get_customer_url() if self.env.su and communication.token_nonce else False
            )

    # ------------------------------------------------------------------
    # Tokens
    # ------------------------------------------------------------------

    def _issue_token(self):
        """Give each communication a fresh link and its expiry; returns nothing."""
        for communication in self.sudo():
            nonce = secrets.token_hex(16)
            validity = communication.company_id.repair_link_validity_days or 14
            communication.write(
                {
                    "token_nonce": nonce,
                    "token_hash": self._hash_token(communication._token_from_nonce(nonce)),
                    "expires_at": fields.Datetime.now() + timedelta(days=validity),
                }
            )

    def _token_from_nonce(self, nonce):
        # 256 bits: an HMAC-SHA256 of the random nonce under the database secret.
        return hmac(self.env(su=True), TOKEN_SCOPE, (self.id, nonce))

    @api.model
    def _hash_token(self, token):
        return hashlib.sha256(token.encode()).hexdigest()

    def _get_token(self):
        """The raw token of this communication's link (recomputed, never stored)."""
        self.ensure_one()
        nonce = self.sudo().token_nonce
        if not nonce:
            raise UserError(self.env._("This communication has no link yet."))
        return self._token_from_nonce(nonce)

    def _same_recipient(self, other):
        """Whether `other` went to the same person at the same address (an old link may then lead to it)."""
        self.ensure_one()
        return (
            other.partner_id == self.partner_id
            and other.channel == self.channel
            and (other.address or "").strip().lower() == (self.address or "").strip().lower()
        )

    def _link_is_live(self):
        """Whether this link still opens something for the customer (sent, not replaced, revoked or expired)."""
        self.ensure_one()
        communication = self.sudo()
        if communication.state in ("draft", "revoked") or not communication.token_hash:
            return False
        if communication.expires_at and communication.expires_at < fields.Datetime.now():
            return False
        return bool(communication._version_shown())

    def _check_reception(self):
        if not self.env.user.has_group("repair_customer_communication.group_workshop_receptionist"):
            raise AccessError(self.env._("Only reception may do this with a customer's link."))
        self.check_access("read")

    def _staff_copy_link(self):
        """The link, shown to reception once it asked for it; the log says who and when."""
        self.ensure_one()
        self._check_reception()
        if not self._link_is_live():
            raise UserError(self.env._("This link no longer opens anything: send the current version instead."))
        url = self.sudo()._get_customer_url()
        self._log_event("link_copied", details=self.env._("Copied by %(user)s", user=self.env.user.name))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Customer link of %(name)s", name=self.partner_id.display_name),
                "message": url,
                "sticky": True,
                "type": "warning",
            },
        }

    def _staff_revoke_link(self):
        """Reception revokes the link: it opens nothing from now on, and the log says who and when.

        A link the customer answered (confirmed, closed) stays as it is: it is the evidence
        of the answer, and shows it read-only.
        """
        self._check_reception()
        live = self.filtered(lambda communication: communication.state not in ("draft", "revoked"))
        answered = live.filtered(lambda communication: communication.state in ("confirmed", "closed"))
        if answered:
            raise UserError(self.env._("The customer answered through this link: it stays, read-only, as the proof."))
        if not live:
            return
        live.sudo().write({"state": "revoked"})
        live._log_event("revoked", details=self.env._("Revoked by %(user)s", user=self.env.user.name))

    @api.model
    def _mask_link_tokens(self, table, column, ids):
        """Replace the customer links in kept copies of sent messages by a dead form, in one query.

        Why by hand: the bodies differ, so the ORM would write them one by one; this runs
        once per hand-over (chatter copies) or per mail sent (Odoo's kept e-mail).
        """
        if not ids:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET %s = regexp_replace(%s, %s, %s, 'g') WHERE id = ANY(%s) AND %s ~ %s",
                SQL.identifier(table),
                SQL.identifier(column),
                SQL.identifier(column),
                LINK_TOKEN_PATTERN,
                MASKED_LINK,
                list(ids),
                SQL.identifier(column),
                LINK_TOKEN_PATTERN,
            )
        )
        model = {"mail_message": "mail.message", "mail_mail": "mail.mail"}[table]
        self.env[model].browse(ids).invalidate_recordset([column])

    def _get_customer_url(self):
        self.ensure_one()
        base = self.order_id.get_base_url()
        return f"{base}/workshop/c/{self._get_token()}"

    @api.model
    def _find_by_token(self, token):
        """The communication (sudo) a link token opens, or an empty recordset.

        Any token that is malformed, unknown, expired or revoked gives the same
        empty answer, whether the work order exists or not.
        """
        empty = self.sudo().browse()
        if not token or not isinstance(token, str) or len(token) != 64:
            return empty
        token_hash = self._hash_token(token)
        communication = self.sudo().search([("token_hash", "=", token_hash)], limit=1)
        if not communication or not consteq(communication.token_hash, token_hash):
            return empty
        if communication.state in ("draft", "revoked"):
            return empty
        if communication.expires_at and communication.expires_at < fields.Datetime.now():
            return empty
        return communication

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------

    def _current_version(self):
        """The newest version this communication leads to (itself if none is newer)."""
        self.ensure_one()
        current = self
        seen = set()
        while current.superseded_by_id and current.id not in seen:
            seen.add(current.id)
            current = current.superseded_by_id
        return current

    def _is_answerable(self):
        self.ensure_one()
        return self.state in ANSWERABLE_STATES

    def _log_event(self, event_type, **values):
        """Append to the communication log of the work order."""
        return (
            self.env["repair.customer.event"]
            .sudo()
            .create(
                [
                    {
                        "order_id": communication.order_id.id,
                        "communication_id": communication.id,
                        "event_type": event_type,
                        "partner_id": communication.partner_id.id,
                        "channel": communication.channel,
                        "address": communication.address,
                        **values,
                    }
                    for communication in self
                ]
            )
        )

    def _snapshot_items(self, items):
        """Record the items as the customer will see them in this version."""
        return self.env["repair.customer.communication.line"].sudo().create(self._snapshot_values(items))

    def _snapshot_values(self, items):
        """The values of the lines that record `items` as the customer will see them in this version."""
        self.ensure_one()
        previous_lines = {line.work_item_id.id: line for line in self.previous_id.line_ids}
        values = []
        for item in items:
            previous = previous_lines.get(item.id)
            changed = bool(previous) and (
                previous.price_total != item.price_total
                or previous.name != item.name
                or (previous.customer_note or "") != (item.customer_note or "")
            )
            values.append(
                {
                    "communication_id": self.id,
                    "work_item_id": item.id,
                    "sequence": item.sequence,
                    "category": item.category,
                    "category_sequence": item.category_sequence,
                    "name": item.name,
                    "customer_note": item.customer_note,
                    "details": self._item_details(item),
                    "quantity": item.quantity,
                    "price_subtotal": item.price_subtotal,
                    "price_tax": item.price_tax,
                    "price_total": item.price_total,
                    "previous_price_total": previous.price_total if changed else 0.0,
                    "is_changed": changed or (bool(self.previous_id) and not previous),
                    # Work done within the customer's go-ahead is theirs already.
                    "authorized_within_limit": item.authorized_within_limit,
                    # An answer given on the previous version stays, unless the item changed.
                    "decision": "accepted"
                    if item.authorized_within_limit
                    else (previous.decision if previous and not changed else False),
                    "decline_reason": previous.decline_reason if previous and not changed else False,
                    "contact_question": previous.contact_question if previous and not changed else False,
                }
            )
        return values

    def _item_details(self, item):
        """The parts and labour an item is priced from, one a line, in the customer's language; False if not shown.

        "2 x Brake pad (€45.00)" (a multiplication sign, not an x), "1.5 h Labour: brakes (€120.00)": quantities in the
        part's unit, prices incl. VAT where the shop shows prices.
        """
        self.ensure_one()
        if not self.company_id.repair_show_item_details or not item.part_line_ids:
            return False
        lang = self.lang or self.partner_id.lang or "en_US"
        env = self.with_context(lang=lang).env
        units = self.env.ref("uom.product_uom_unit", raise_if_not_found=False)
        rows = []
        for line in item.part_line_ids.with_env(env):
            quantity = formatLang(env, line.quantity, digits=2).rstrip("0").rstrip(".,")
            if line.product_uom_id == units or not line.product_uom_id:
                text = f"{quantity} \u00d7 {line.name}"
            else:
                text = f"{quantity} {line.product_uom_id.name} {line.name}"
            if self.show_prices and not item.lump_sum:
                text += f" ({formatLang(env, line.price_total, currency_obj=self.currency_id)})"
            rows.append(text)
        return "\n".join(rows)

    def _send(self):
        """Send the link now, through the one customer message queue (reception sends or re-sends).

        Refused at once, with the contact policy's reason, when the recipient may not be
        contacted; a message that cannot be prepared is refused with its reason too.
        """
        for communication in self:
            refusal = communication.partner_id._workshop_contact_refusal(communication.channel, automated=False)
            if refusal:
                raise UserError(self.env._("%(reason)s Nothing can be sent to them.", reason=refusal))
            if communication.state in ("superseded", "revoked"):
                raise UserError(self.env._("This version was replaced or revoked: send the current one."))
            expired = communication.expires_at and communication.expires_at < fields.Datetime.now()
            if not communication.sudo().token_nonce or expired:
                communication._issue_token()  # re-sending an expired link sends a working one
        notifications = self.env["customer.notification"]._queue_links(self, log=False)._send_now()
        failed = notifications.filtered(lambda n: n.state != "sent")
        if failed:
            raise UserError(failed[0].reason or self.env._("The message could not be sent."))
        return notifications

    def _on_handed_over(self, message_by_communication, channel):
        """The queue handed these links' messages to Odoo's mail or SMS queue: they count as sent.

        `message_by_communication`: {communication id: its mail.message}. Older versions of
        the same kind are replaced only now, so that an old link keeps working until the new
        one has actually gone out. Done for the whole batch at once (one write per value,
        one log and one chatter note per work order).
        """
        now = fields.Datetime.now()
        resent = self.filtered("sent_at")
        self.filtered(lambda c: c.state == "draft").write({"state": "sent"})
        self.write({"sent_at": now})
        if channel == "sms":
            for communication in self:
                communication.sms_message_id = message_by_communication[communication.id]
        older = self.search(
            [
                ("order_id", "in", self.order_id.ids),
                ("kind", "in", list(set(self.mapped("kind")))),
                ("state", "not in", ("superseded", "revoked")),
            ]
        )
        replaced_by = defaultdict(self.browse)
        for previous in older:
            newer = self.filtered(
                lambda c, p=previous: c.order_id == p.order_id and c.kind == p.kind and c.id > p.id
            ).sorted("id")[-1:]
            if newer:
                replaced_by[newer] |= previous
        superseded, revoked = self.browse(), self.browse()
        for newer, previous in replaced_by.items():
            # A link the new version did not go to (another person or address) is revoked: it opens nothing.
            elsewhere = previous.filtered(lambda p, n=newer: not p._same_recipient(n))
            (previous - elsewhere).write({"superseded_by_id": newer.id, "state": "superseded"})
            elsewhere.write({"superseded_by_id": newer.id, "state": "revoked"})
            for old in elsewhere:
                old._log_event(
                    "revoked",
                    details=self.env._("A newer version went to %(address)s.", address=newer.address),
                )
            superseded |= previous - elsewhere
            revoked |= elsewhere
        superseded._log_event("superseded")
        resent._log_event("resent")
        (self - resent)._log_event("sent")
        if channel == "email":
            kinds = dict(self._fields["kind"]._description_selection(self.env))
            notes = defaultdict(list)
            for communication in self:
                notes[communication.order_id.id].append(
                    self.env._(
                        "%(kind)s sent by e-mail to %(name)s (%(address)s).",
                        kind=kinds[communication.kind],
                        name=communication.partner_id.display_name,
                        address=communication.address,
                    )
                )
            self.order_id.sudo()._message_log_batch(
                bodies={order_id: Markup("<br/>").join(lines) for order_id, lines in notes.items()}
            )
        self.env["customer.notification"]._on_record_event("sent", self)

    # ------------------------------------------------------------------
    # The customer's answer
    # ------------------------------------------------------------------

    def _lines_by_category(self):
        """[(category, lines)] in the fixed category order, empty categories left out."""
        self.ensure_one()
        lines = self.line_ids
        return [
            (key, lines.filtered(lambda line, key=key: line.category == key))
            for key in ("scheduled", "necessary", "recommended", "ok")
            if any(line.category == key for line in lines)
        ]

    def _customer_summary(self):
        """What the summary panel shows: the work to do, what to call about, and the totals."""
        self.ensure_one()
        scheduled = self.line_ids.filtered(lambda line: line.category == "scheduled")
        chosen = self.line_ids.filtered(lambda line: line.category != "scheduled" and line.decision == "accepted")
        to_do = scheduled | chosen
        contact = self.line_ids.filtered(lambda line: line.decision == "contact")
        summary = {
            "scheduled": [{"id": line.id, "name": line.name} for line in scheduled],
            "chosen": [{"id": line.id, "name": line.name} for line in chosen],
            "contact": [{"id": line.id, "name": line.name} for line in contact],
            "open_count": len(self.line_ids.filtered(lambda line: line._needs_decision() and not line.decision)),
            "show_prices": self.show_prices,
        }
        if self.show_prices:
            currency = self.currency_id
            untaxed, tax = self._summary_amounts(to_do)
            summary.update(
                {
                    "amount_untaxed": currency.round(untaxed),
                    "amount_tax": currency.round(tax),
                    "amount_total": currency.round(untaxed + tax),
                    "amount_untaxed_display": self._format_amount(untaxed),
                    "amount_tax_display": self._format_amount(tax),
                    "amount_total_display": self._format_amount(untaxed + tax),
                }
            )
        return summary

    def _summary_amounts(self, lines):
        """Untaxed amount and taxes of `lines`, as the quotation of that work computes them.

        With the location's tax rounding (Odoo rounds per line or, by default, globally
        per tax): Odoo's tax engine on the items' own base lines, as the work order's
        totals and its quotation count them, so that what the customer approves is the
        quotation's total to the cent. An item changed since this version was sent
        counts as the customer saw it (the sum of the lines' amounts).
        """
        items = lines.work_item_id
        if not lines or any(
            self.currency_id.compare_amounts(line.price_total, line.work_item_id.price_total) for line in lines
        ):
            return sum(lines.mapped("price_subtotal")), sum(lines.mapped("price_tax"))
        AccountTax = self.env["account.tax"]
        company = self.company_id
        base_lines = [base_line for item in items.sudo() for base_line in item._base_lines_for_totals()]
        AccountTax._add_tax_details_in_base_lines(base_lines, company)
        AccountTax._round_base_lines_tax_details(base_lines, company)
        totals = AccountTax._get_tax_totals_summary(base_lines, self.currency_id, company)
        return totals["base_amount_currency"], totals["tax_amount_currency"]

    def _format_amount(self, amount):
        return self.env["ir.qweb.field.monetary"].value_to_html(amount, {"display_currency": self.currency_id})

    def _lock_for_answer(self, wait=False):
        """Hold the row while the answer is stored; a second tab gets a clear refusal (or, with `wait`, its turn).

        Both take the lock that still lets rows refer to the link (its log, a new version),
        so that neither blocks reception's work. With `wait`, a decision queues behind a
        confirmation being stored (a few seconds at most); PostgreSQL then makes Odoo
        replay it, and the replay finds the link confirmed and refuses it.
        """
        self.ensure_one()
        if wait:
            # Odoo's `lock_for_update` never waits; this one waits, but not for ever.
            self.env.cr.execute(SQL("SET LOCAL lock_timeout = '10s'"))
            self.env.cr.execute(
                SQL("SELECT id FROM %s WHERE id = %s FOR NO KEY UPDATE", SQL.identifier(self._table), self.id)
            )
        else:
            try:
                self.lock_for_update(allow_referencing=True)
            except LockError as error:
                raise UserError(self.env._("Your answer is already being sent. Please wait a moment.")) from error
        self.invalidate_recordset()

    def _confirm_by_customer(self, ip_address=False, user_agent=False, sms_number=False):
        """Store the answer on the work items, log it and alert reception (once).

        `sms_number`: the answer came as an SMS reply from this number, not from the page.
        """
        self.ensure_one()
        now = fields.Datetime.now()
        self.write({"state": "confirmed", "confirmed_at": now})
        # One write per decision, not per item: confirming costs the same for 5 or 100 items.
        for decision in {line.decision for line in self.line_ids if line.decision}:
            lines = self.line_ids.filtered(lambda line, decision=decision: line.decision == decision)
            lines.work_item_id.sudo().customer_decision = decision
        by_sms = self.env._("By SMS reply from %(number)s.", number=sms_number) if sms_number else False
        self._log_event("confirmed", ip_address=ip_address, user_agent=user_agent, details=by_sms)
        if self.kind == "overview":
            self.env["customer.notification"]._on_overview_answered(self)
        if self.kind == "checkin":
            body = self.env._("%(name)s checked in online.", name=self.partner_id.display_name)
            summary = self.env._("Customer checked in online")
        else:
            counts = {
                key: len(self.line_ids.filtered(lambda line, key=key: line.decision == key))
                for key in ("accepted", "declined", "contact", "disagree")
            }
            body = self.env._(
                "%(name)s confirmed the overview: %(accepted)s wanted, %(declined)s declined, "
                "%(contact)s to be contacted, %(disagree)s disagreed.",
                name=self.partner_id.display_name,
                **counts,
            )
            if by_sms:
                body = f"{body} {by_sms}"
            summary = self.env._("Customer answered the overview")
        order = self.order_id.sudo()
        # Authored by the customer, as Odoo's portal does: not by the public user, whom
        # staff of another company than the public user's may not read.
        order.message_post(body=body, subtype_xmlid="mail.mt_note", author_id=self.partner_id.id)
        order._workshop_todo_for_customer_action(summary, None, self.create_uid)

    def _reopen_by_customer(self, ip_address=False, user_agent=False):
        """ "I changed my mind": the confirmed answer opens once more, and reception is told."""
        self.ensure_one()
        self.write({"state": "opened", "confirmed_at": False, "reopened": True})
        self._log_event("reopened", ip_address=ip_address, user_agent=user_agent)
        order = self.order_id.sudo()
        order.message_post(
            body=self.env._(
                "%(name)s changed their mind and reopened the overview.", name=self.partner_id.display_name
            ),
            subtype_xmlid="mail.mt_note",
            author_id=self.partner_id.id,
        )
        order._workshop_todo_for_customer_action(self.env._("Customer reopened the overview"), None, self.create_uid)

    def _can_reopen(self):
        self.ensure_one()
        return self.state == "confirmed" and not self.reopened

    def _add_customer_remark(self, subject, body, files):
        """Store a remark and its files (already checked) as one important item for reception."""
        self.ensure_one()
        remark = (
            self.env["repair.customer.remark"]
            .sudo()
            .create(
                {
                    "order_id": self.order_id.id,
                    "communication_id": self.id,
                    "subject": subject,
                    "body": body,
                    "received_bytes": sum(len(content) for _name, _mimetype, content in files or []),
                }
            )
        )
        if files:
            attachments = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    [
                        {
                            "name": name,
                            "mimetype": mimetype,
                            "raw": content,
                            "res_model": remark._name,
                            "res_id": remark.id,
                        }
                        for name, mimetype, content in files
                    ]
                )
            )
            remark.attachment_ids = attachments
        self._log_event("answered", details=self.env._("Remark: %(subject)s", subject=subject))
        return remark

    def _mark_delivered(self):
        """The e-mail or SMS left through its provider: "received, not opened"."""
        for communication in self.filtered(lambda c: c.state == "sent"):
            communication.write({"state": "delivered", "delivered_at": fields.Datetime.now()})
            communication._log_event("delivered")

    def _mark_reached(self):
        """The provider reported the SMS delivered to the phone."""
        for communication in self:
            communication._log_event("reached")

    def _mark_delivery_failed(self, reason):
        """Log the failure where reception looks: the communication log and the chatter."""
        for communication in self:
            communication._log_event("failed", details=str(reason or ""))
            communication.order_id.sudo().message_post(
                body=self.env._(
                    "The %(channel)s to %(address)s could not be delivered: %(reason)s",
                    channel=dict(self._fields["channel"]._description_selection(self.env))[communication.channel],
                    address=communication.address,
                    reason=reason or self.env._("unknown reason"),
                ),
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------------
    # Conditions and signature
    # ------------------------------------------------------------------

    def _required_agreements(self):
        self.ensure_one()
        return self.env["repair.customer.agreement"].sudo().search([("company_id", "=", self.company_id.id)])

    def _missing_agreements(self):
        """The conditions (in their current version) this customer has not accepted yet."""
        self.ensure_one()
        accepted = {(a.agreement_id.id, a.agreement_version) for a in self.acceptance_ids if not a.withdrawn_at}
        return self._required_agreements().filtered(lambda a: (a.id, a.version) not in accepted)

    def _accept_agreements(self, ip_address=False, user_agent=False):
        self.ensure_one()
        missing = self._missing_agreements()
        self.env["repair.customer.agreement.acceptance"].sudo().create(
            [
                {
                    "agreement_id": agreement.id,
                    "agreement_version": agreement.version,
                    "agreement_text": agreement.with_context(lang=self.lang or "en_US").body,
                    "communication_id": self.id,
                    "partner_id": self.partner_id.id,
                    "ip_address": ip_address,
                    "user_agent": user_agent,
                }
                for agreement in missing
            ]
        )
        if missing:
            self._log_event(
                "answered",
                ip_address=ip_address,
                user_agent=user_agent,
                details=self.env._(
                    "Accepted the conditions: %(names)s",
                    names=", ".join(f"{a.name} (v{a.version})" for a in missing),
                ),
            )

    def _signature_required(self):
        self.ensure_one()
        return self.company_id.repair_require_signature

    def _render_repair_report(self):
        """The work order's repair report as a PDF, by Odoo's report engine: the customer copy (no internal notes)."""
        self.ensure_one()
        report = self.env.ref("repair_customer_communication.action_report_repair_order_customer").sudo()
        lang = self.lang or self.partner_id.lang or "en_US"
        content, _kind = report.with_context(lang=lang)._render_qweb_pdf(report.report_name, self.order_id.ids)
        return content

    # ------------------------------------------------------------------
    # Online check-in
    # ------------------------------------------------------------------

    def _checkin_services(self):
        self.ensure_one()
        return self.env["repair.checkin.service"].sudo().search([("company_id", "=", self.company_id.id)])

    def _set_checkin_choice(self, service, choice):
        """Order a service, ask to be called about it, or (no choice) take it back."""
        self.ensure_one()
        existing = self.checkin_choice_ids.filtered(lambda c: c.service_id == service)
        if not choice:
            existing.sudo().unlink()
        elif existing:
            existing.sudo().write({"choice": choice, "price_total": service.price_total})
        else:
            self.env["repair.checkin.choice"].sudo().create(
                {
                    "communication_id": self.id,
                    "service_id": service.id,
                    "choice": choice,
                    "price_total": service.price_total,
                }
            )

    def _update_customer_contact(self, channel, email, phone, ip_address=False, user_agent=False):
        """The customer's corrections, already checked: update the partner and log old and new values.

        The e-mail address is stored normalised (the number already is, in E.164, and a
        number typed in another form is compared as it reads). A
        person with a user account (a portal or staff login) keeps their addresses: a
        link must not change a login's e-mail, so the corrections go to reception as a
        to-do instead.
        """
        self.ensure_one()
        partner = self.partner_id.sudo()
        email = email_normalize(email) if email else email
        changes = {}
        if channel and channel != partner.preferred_channel:
            changes["preferred_channel"] = channel
        if email and email != email_normalize(partner.email or ""):
            changes["email"] = email
        if phone and phone != partner._workshop_phone_sanitized(partner.phone):
            changes["phone"] = phone
        if not changes:
            return
        labels = {fname: partner._fields[fname]._description_string(self.env) for fname in changes}
        details = "\n".join(f"{labels[fname]}: {partner[fname] or ''} → {value}" for fname, value in changes.items())
        addresses = {fname: changes.pop(fname) for fname in ("email", "phone") if fname in changes}
        if addresses and partner.with_context(active_test=False).user_ids:
            details = self.env._(
                "Asked for, not applied (the contact has a user account):\n%(details)s", details=details
            )
            self.order_id.sudo()._workshop_todo_for_customer_action(
                self.env._("Check the contact details %(name)s gave at check-in", name=partner.display_name),
                details,
            )
        else:
            changes |= addresses
            # The address the customer had before this link changed it learns of the change,
            # once: what is typed on the link afterwards is the visitor's own, and never told.
            old_addresses, before = [], {}
            for notice_channel, fname, old in (
                ("email", "email", partner.email),
                ("sms", "phone", partner._workshop_phone_sanitized(partner.phone)),
            ):
                if fname in addresses and not self[f"contact_before_{fname}"]:
                    before[f"contact_before_{fname}"] = old or "-"
                    if old:
                        old_addresses.append((notice_channel, old))
            if before:
                self.sudo().write(before)
            if old_addresses:
                self.env["customer.notification"]._queue_contact_change_notices(
                    self.order_id.sudo(), partner, old_addresses
                )
        if changes:
            partner.write(changes)
        self._log_event("contact_changed", ip_address=ip_address, user_agent=user_agent, details=details)

    def _set_approval_limit(self, amount, ip_address=False, user_agent=False):
        self.ensure_one()
        self.sudo().approval_limit = amount
        self._log_event(
            "answered",
            ip_address=ip_address,
            user_agent=user_agent,
            details=self.env._("Go-ahead limit: %(amount)s", amount=self._format_amount(amount)),
        )
