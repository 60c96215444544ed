import logging
import sys
import uuid
from collections import defaultdict
from datetime import timedelta

import psycopg2.errors
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import SQL, email_normalize, format_datetime, split_every

from .customer_notification_rule import RULE_CHANNELS
from .customer_notification_trigger import RULE_TRIGGERS, TRIGGERS, watched_fields

_logger = logging.getLogger(__name__)

NOTIFICATION_STATES = [
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("failed", "Failed"),
    ("skipped", "Skipped"),
    ("cancelled", "Cancelled"),
]
# Failures a new attempt cannot mend: the address itself is wrong or refused.
PERMANENT_FAILURES = {
    "mail_email_invalid",
    "mail_email_missing",
    "mail_bounce",
    "mail_bl",
    "mail_optout",
    "mail_dup",
    "sms_number_missing",
    "sms_number_format",
    "sms_country_not_supported",
    "sms_invalid_destination",
    "sms_blacklist",
    "sms_optout",
    "sms_duplicate",
    "sms_not_allowed",
}
DEFAULT_MAX_ATTEMPTS = 3
RETRY_FIRST_DELAY = timedelta(minutes=5)
RETRY_GROWTH = 3  # 5, 15, 45 minutes...
MAX_ATTEMPTS_PARAM = "repair_customer_communication.notification_max_attempts"
MESSAGE_KINDS = [
    ("notification", "Notification"),
    ("reminder", "Reminder"),
    ("overview", "Diagnostic overview"),
    ("checkin", "Online check-in"),
    ("report", "Repair report"),
    ("contact_change", "Notice of changed contact details"),
    ("sms_stop", "Confirmation of STOP"),
    ("sms_start", "Confirmation of START"),
    ("sms_answer", "Confirmation of an answer by SMS"),
]
# Notices to one address, about something that happened (`_notice_recipient`): they carry no link.
NOTICE_KINDS = ("contact_change", "sms_stop", "sms_start", "sms_answer")
# Messages that bring a customer link itself (the others may be about one: nudges, follow-ups).
LINK_KINDS = ("overview", "checkin", "report")
# The contact policy (`res.partner._workshop_contact_refusal`) asks consent for automated messages only.
MESSAGE_CAUSES = [
    ("manual", "Sent by reception"),
    ("automated", "Automated"),
    ("service", "Service notice"),  # a notice the customer's own action requires (changed contact details)
]


class CustomerNotification(models.Model):
    """One automated message a rule made due: the queue, and its log.

    Created in the transaction of the event that makes it due. The pair
    (rule, record, occurrence) is unique in the database, so that an event
    seen twice, or a job run twice at once, can never make two messages.
    """

    _name = "customer.notification"
    _description = "Customer notification"
    _order = "due_at desc, id desc"
    _rec_name = "rule_name"
    _check_company_auto = True

    rule_id = fields.Many2one("customer.notification.rule", ondelete="set null", index=True, readonly=True)
    rule_name = fields.Char("Notification", readonly=True)
    kind = fields.Selection(MESSAGE_KINDS, readonly=True, default="notification")
    cause = fields.Selection(
        MESSAGE_CAUSES,
        required=True,
        default="automated",
        readonly=True,
        help="Who caused the message: the contact policy asks consent for automated ones only.",
    )
    trigger = fields.Selection(RULE_TRIGGERS, readonly=True)
    company_id = fields.Many2one("res.company", "Location", required=True, index=True, readonly=True)
    res_model = fields.Char("Document model", required=True, readonly=True)
    res_id = fields.Many2oneReference("Document", model_field="res_model", required=True, readonly=True)
    order_id = fields.Many2one("repair.order", "Work order", index="btree_not_null", ondelete="cascade", readonly=True)
    lead_id = fields.Many2one("crm.lead", index="btree_not_null", ondelete="cascade", readonly=True)
    record_name = fields.Char("For", compute="_compute_record_name")
    occurrence = fields.Char(required=True, readonly=True, help="Which occurrence of the event this message is for.")
    event_at = fields.Datetime("Event", readonly=True)
    due_at = fields.Datetime("Due", required=True, readonly=True)
    state = fields.Selection(NOTIFICATION_STATES, required=True, default="queued", index=True, readonly=True)
    reason = fields.Text(readonly=True, help="Why it was skipped, cancelled or failed, or what happened last.")
    channel = fields.Selection(
        RULE_CHANNELS,
        required=True,
        readonly=True,
        help="Planned on the customer's preferred channel: which one is chosen when it is sent.",
    )
    fallback_used = fields.Boolean("Sent on the fallback channel", readonly=True)
    partner_id = fields.Many2one("res.partner", "Recipient", readonly=True, index="btree_not_null")
    address = fields.Char(readonly=True)
    attempt_count = fields.Integer("Attempts", readonly=True)
    sent_at = fields.Datetime(readonly=True)
    message_id = fields.Many2one("mail.message", readonly=True, index="btree_not_null", ondelete="set null")
    communication_id = fields.Many2one(
        "repair.customer.communication",
        "Customer link",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The overview, check-in or report whose link the message carries, or is about.",
    )
    incoming_sms_id = fields.Many2one(
        "customer.incoming.sms", "Answers", readonly=True, ondelete="set null", help="The SMS this one confirms."
    )
    body = fields.Html(related="message_id.body", string="Content")
    cancelled_by_hand = fields.Boolean(
        "Cancelled by hand", readonly=True, help="Cancelled by a person: a change of its event does not plan it again."
    )

    _occurrence_unique = models.Constraint(
        "UNIQUE (rule_id, res_model, res_id, occurrence)",
        "This message was already planned for this event.",
    )
    # The job's only question, "what is due", answered from a small index of waiting messages.
    _due_index = models.Index("(due_at, id) WHERE state = 'queued'")

    @api.depends("res_model", "res_id")
    def _compute_record_name(self):
        records = self._existing_records()
        for notification in self:
            record = records[notification.id]
            notification.record_name = record.display_name if record else False

    # ------------------------------------------------------------------
    # Making messages due
    # ------------------------------------------------------------------

    @api.model
    def _rules_for(self, companies, triggers):
        return (
            self.env["customer.notification.rule"]
            .sudo()
            .search([("company_id", "in", companies.ids), ("trigger", "in", list(triggers))])
        )

    @api.model
    def _queue(self, entries, skipped_reason=None):
        """Plan messages: `entries` are (rule, record, occurrence, event time, due time[, communication]).

        An entry whose (rule, record, occurrence) already exists is dropped.
        Returns the new messages, logged on their records and with the job woken at their time
        (or recorded as skipped, with `skipped_reason`, when they are known to be pointless).
        """
        if not entries:
            return self.browse()
        existing = self._existing_keys(entries)
        vals_list, seen = [], set()
        for rule, record, occurrence, event_at, due_at, *communication in entries:
            key = (rule.id, record._name, record.id, occurrence)
            if key in existing or key in seen:
                continue
            seen.add(key)
            vals_list.append(
                {
                    "rule_id": rule.id,
                    "rule_name": rule.name,
                    "kind": rule.kind,
                    "trigger": rule.trigger,
                    "company_id": rule.company_id.id,
                    "res_model": record._name,
                    "res_id": record.id,
                    "order_id": record.id if record._name == "repair.order" else False,
                    "lead_id": record.id if record._name == "crm.lead" else False,
                    "occurrence": occurrence,
                    "event_at": event_at,
                    "due_at": due_at,
                    "channel": rule.channel,
                    "state": "skipped" if skipped_reason else "queued",
                    "reason": skipped_reason or False,
                    "communication_id": communication[0].id if communication else False,
                }
            )
        notifications = self.sudo().create(vals_list)
        notifications._log_on_records("skipped" if skipped_reason else "queued")
        notifications._wake_job()
        return notifications

    @api.model
    def _existing_keys(self, entries):
        rule_ids = {entry[0].id for entry in entries}
        res_ids = {entry[1].id for entry in entries}
        self.flush_model(["rule_id", "res_model", "res_id", "occurrence"])
        rows = self.env.execute_query(
            SQL(
                "SELECT rule_id, res_model, res_id, occurrence FROM customer_notification "
                "WHERE rule_id IN %s AND res_id IN %s",
                tuple(rule_ids),
                tuple(res_ids),
            )
        )
        return {tuple(row) for row in rows}

    def _wake_job(self):
        """Ask the job to run at each distinct due time (now for what is already due)."""
        queued = self.filtered(lambda n: n.state == "queued")
        if not queued:
            return
        cron = self.env.ref(
            "repair_customer_communication.ir_cron_send_customer_notifications", raise_if_not_found=False
        )
        if cron:
            now = fields.Datetime.now()
            cron.sudo()._trigger(at=sorted({max(n.due_at, now) for n in queued}))

    @api.model
    def _on_event(
        self, trigger, records, occurrence, *, event_at=None, rule_filter=None, rules=None, communication=None
    ):
        """Queue the messages of every rule of `trigger` of the records' locations.

        `occurrence` is a string or a function of the record; `rule_filter(rule, record)` narrows the rules.
        `rules`, when the caller already searched them for several triggers, spares the search.
        `communication`: the overview the messages are about (nudges, follow-ups).
        """
        if not records:
            return self.browse()
        event_at = event_at or fields.Datetime.now()
        if rules is None:
            # A lead may have no company: it then belongs to the current location.
            rules = self._rules_for(records.company_id | self.env.company, [trigger])
        rules = rules.filtered(lambda rule: rule.trigger == trigger)
        entries = []
        for record in records:
            for rule in rules:
                if rule.company_id != (record.company_id or self.env.company):
                    continue
                if rule_filter and not rule_filter(rule, record):
                    continue
                key = occurrence(record) if callable(occurrence) else occurrence
                entry = (rule, record, key, event_at, rule._due_after(event_at))
                entries.append((*entry, communication) if communication else entry)
        return self._queue(entries)

    @api.model
    def _queue_links(self, communications, *, automated=False, log=True):
        """Plan the message that carries each communication's link to its recipient, due now.

        Reception's sends and re-sends, and the new version after a price change they
        confirmed, are `automated=False`: the contact policy then asks "not blocked" only.
        Each call is a new message (a re-send is one more message of the same link).
        """
        now = fields.Datetime.now()
        kinds = dict(self.env["repair.customer.communication"]._fields["kind"]._description_selection(self.env))
        notifications = self.sudo().create(
            [
                {
                    "rule_name": self.env._(
                        "%(kind)s (v%(version)s)", kind=kinds[communication.kind], version=communication.version
                    ),
                    "kind": communication.kind,
                    "cause": "automated" if automated else "manual",
                    "company_id": communication.company_id.id,
                    "res_model": "repair.order",
                    "res_id": communication.order_id.id,
                    "order_id": communication.order_id.id,
                    "communication_id": communication.id,
                    "occurrence": f"link:{communication.id}:{uuid.uuid4().hex}",
                    "event_at": now,
                    "due_at": now,
                    "channel": communication.channel,
                }
                for communication in communications
            ]
        )
        if log:
            notifications._log_on_records("queued")
        notifications._wake_job()
        return notifications

    @api.model
    def _queue_contact_change_notices(self, order, partner, old_addresses):
        """Plan a short notice to each old address of `partner` ([(channel, address)]), due now.

        The customer changed their contact details on a link (check-in): the old
        address learns of it, so that a change they did not make does not go
        unnoticed. The notice goes to that address and nowhere else, whatever the
        person's preferences; a blocked customer still receives nothing.
        """
        now = fields.Datetime.now()
        notifications = self.sudo().create(
            [
                {
                    "rule_name": self.env._("Notice of changed contact details"),
                    "kind": "contact_change",
                    "cause": "service",
                    "company_id": order.company_id.id,
                    "res_model": "repair.order",
                    "res_id": order.id,
                    "order_id": order.id,
                    "occurrence": f"contact_change:{partner.id}:{uuid.uuid4().hex}",
                    "event_at": now,
                    "due_at": now,
                    "channel": channel,
                    "partner_id": partner.id,
                    "address": address,
                }
                for channel, address in old_addresses
            ]
        )
        notifications._log_on_records("queued")
        notifications._wake_job()
        return notifications

    @api.model
    def _queue_sms_notices(self, incoming, kind, partner):
        """Plan the SMS that confirms what `incoming` (a STOP, a START, an answer) did, due now, to its number.

        A service notice: sent whatever the consent to automated SMS (a STOP is
        confirmed), never to a blocked customer. About the work order when there is
        one, else the customer.
        """
        record = incoming.order_id or partner
        now = fields.Datetime.now()
        notification = self.sudo().create(
            {
                "rule_name": dict(self._fields["kind"]._description_selection(self.env))[kind],
                "kind": kind,
                "cause": "service",
                "company_id": (incoming.company_id or record.company_id or self.env.company).id,
                "res_model": record._name,
                "res_id": record.id,
                "order_id": incoming.order_id.id,
                "occurrence": f"{kind}:{incoming.id}",
                "event_at": now,
                "due_at": now,
                "channel": "sms",
                "partner_id": partner.id,
                "address": incoming.from_number,
                "incoming_sms_id": incoming.id,
            }
        )
        notification._log_on_records("queued")
        notification._wake_job()
        return notification

    def _send_now(self):
        """Hand these queued messages over at once, in the caller's transaction (reception clicked Send).

        The same checks, rendering and logging as the job's; only the moment differs.
        """
        queued = self.filtered(lambda n: n.state == "queued")
        if queued:
            queued.try_lock_for_update()._process()
        return self

    @api.model
    def _upcoming_orders(self, companies):
        """The work orders of `companies` with an appointment ahead (what appointment rules re-plan)."""
        return (
            self.env["repair.order"]
            .sudo()
            .search(
                [
                    ("company_id", "in", companies.ids),
                    ("schedule_date", ">", fields.Datetime.now()),
                    ("state", "not in", ("done", "cancel")),
                ]
            )
        )

    @api.model
    def _sync_appointment_messages(self, trigger, orders, rules):
        """Keep each order's messages of an appointment `trigger` on its appointment: plan, move or cancel them.

        A message whose time has already passed when the appointment is booked is sent
        at once if the trigger says so (a check-in invitation), else recorded as
        skipped rather than sent late (a reminder).
        """
        rules = rules.filtered(lambda r: r.trigger == trigger.code)
        if not orders or not rules:
            return self.browse()
        now = fields.Datetime.now()
        self = self.sudo()  # noqa: PLW0642  # the queue's own machinery (staff only read it)
        mine = defaultdict(self.browse)
        for notification in self.search(
            [("rule_id", "in", rules.ids), ("res_model", "=", "repair.order"), ("res_id", "in", orders.ids)]
        ):
            mine[notification.rule_id.id, notification.res_id] |= notification
        plan = {"entries": [], "moved": self.browse(), "cancel": defaultdict(self.browse)}
        for order in orders:
            for rule in rules:
                # The rules of the order's location, and any rule that planned something for it.
                if rule.company_id == order.company_id or mine[rule.id, order.id]:
                    self._sync_appointment_message(trigger, rule, order, mine[rule.id, order.id], now=now, plan=plan)
        entries, moved, to_cancel = plan["entries"], plan["moved"], plan["cancel"]
        late = [entry for entry in entries if entry[4] <= now]
        on_time = [entry for entry in entries if entry[4] > now]
        if trigger.send_late_bookings:
            new = self._queue(on_time + [(*entry[:4], now) for entry in late])
        else:
            new = self._queue(on_time)
            self._queue(
                late,
                skipped_reason=self.env._("The appointment was booked less than the reminder's lead time before it."),
            )
        for reason, notifications in to_cancel.items():
            notifications._set_state("cancelled", reason)
        moved._log_on_records("moved")
        moved._wake_job()
        return new

    @api.model
    def _sync_appointment_message(self, trigger, rule, order, existing, *, now, plan):
        """Bring one (rule, order) pair's messages in line with the appointment; changes go to `plan`."""
        target, cancel_reason = trigger.target(self, rule, order, now)
        occurrence = trigger.occurrence(target) if target else None
        due = target - rule._interval() if target else None
        if due and due <= now and trigger.send_late_bookings:
            due = now
        # A check-in invitation already late is sent at once; a late reminder is not sent.
        still_useful = bool(target) and (due > now or trigger.send_late_bookings)
        same = existing.filtered(lambda n: n.occurrence == occurrence)
        for notification in existing.filtered(lambda n: n.state == "queued" and n.occurrence != occurrence):
            if still_useful and not same:
                notification.write({"occurrence": occurrence, "due_at": due, "event_at": now})
                plan["moved"] |= notification
                same = notification
            else:
                plan["cancel"][cancel_reason or self.env._("The appointment was moved.")] |= notification
        if not target:
            return
        if not same:
            plan["entries"].append((rule, order, occurrence, now, due))
        elif (same.state == "cancelled" and still_useful and not same.cancelled_by_hand) or (
            same.state == "queued" and same.due_at != due and max(same.due_at, due) > now
        ):
            # Back on its date, or the rule's lead time changed.
            same.write({"state": "queued", "due_at": due, "reason": False})
            plan["moved"] |= same

    # ------------------------------------------------------------------
    # The job
    # ------------------------------------------------------------------

    @api.model
    def _cron_send_due(self, batch_size=200):
        """Send what is due, in bounded batches each committed with its progress.

        Each batch is claimed with FOR NO KEY UPDATE SKIP LOCKED: another run holding
        a message skips it, and a message is marked in the same transaction that
        hands it to Odoo's mail or SMS queue, so a stopped server loses nothing and
        parallel runs never send twice.
        """
        cron = self.env["ir.cron"]
        conflicts = 0
        while True:
            try:
                notifications = self._claim_due(batch_size)
            except (psycopg2.errors.SerializationFailure, psycopg2.errors.LockNotAvailable):
                # Another run sent some of these since this transaction began: start a fresh one.
                self.env.cr.rollback()
                conflicts += 1
                if conflicts > 20:
                    break
                continue
            if not notifications:
                break
            notifications._process()
            remaining = self._count_due()
            if cron._commit_progress(len(notifications), remaining=remaining) <= 0 or not remaining:
                break

    @api.model
    def _claim_due(self, limit):
        now = fields.Datetime.now()
        self.flush_model(["state", "due_at"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM customer_notification WHERE state = 'queued' AND due_at <= %s "
                "ORDER BY due_at, id LIMIT %s FOR NO KEY UPDATE SKIP LOCKED",
                now,
                limit,
            ),
            log_exceptions=False,
        )
        notifications = self.sudo().browse(row[0] for row in self.env.cr.fetchall())
        notifications.invalidate_recordset()
        return notifications

    @api.model
    def _count_due(self):
        return self.sudo().search_count([("state", "=", "queued"), ("due_at", "<=", fields.Datetime.now())])

    def _process(self):
        """Check, address and hand over one claimed batch.

        Each group of messages rendered together is handed over in a savepoint; if
        the group fails, its messages are handed over one by one, each in its own
        savepoint, and only those that fail are marked failed (with a to-do): one
        broken template never holds back the rest of the batch or of the queue. The
        links the messages make are made the same way.
        """
        records = self._existing_records()
        for reason, notifications in self._split_obsolete(records).items():
            # Messages of an appointment are cancelled with it; others are skipped.
            notifications._set_state(
                "cancelled" if notifications[:1].kind in ("reminder", "checkin") else "skipped", reason
            )
        live = self.filtered(lambda n: n.state == "queued")
        self._prefetch_recipients(records)
        addressed, link_points = live._address(records)
        failed = {}
        for group in self.browse(n.id for n in link_points)._unique_record_groups():
            failed.update(group._prepare_links_isolated(link_points))
        to_send = defaultdict(self.browse)
        templates = {}  # a template is looked up once per batch, not once per message
        for notification in addressed.filtered(lambda n: n.id not in failed):
            key = (
                notification.rule_id.id,
                notification.channel,
                notification.kind,
                notification.communication_id.kind,
                notification.channel == "sms" and notification._offers_sms_reply(),
            )
            if key not in templates:
                templates[key] = notification._template()
            to_send[notification.channel, templates[key]] |= notification
        for (channel, template), notifications in to_send.items():
            # A record appears once per rendering call: the recipient is chosen per record.
            for group in notifications._unique_record_groups():
                failed.update(group._hand_over_isolated(channel, template))
        self.browse(failed)._fail_to_hand_over(failed)
        if any(channel == "sms" for channel, _template in to_send):
            self.env.ref("sms.ir_cron_sms_scheduler_action").sudo()._trigger()
        if any(channel == "email" for channel, _template in to_send):
            self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()

    def _address(self, records):
        """Choose each message's recipient, address and channel; those nobody may receive are skipped.

        Returns (the addressed messages, {message: (order, partner, channel, address)} of the
        links still to make for them).
        """
        addressed, unreachable = self.browse(), defaultdict(self.browse)
        link_points = {}
        for notification in self:
            record = records[notification.id]
            partner, channel, address, reason = notification._choose_recipient(record)
            if not partner:
                unreachable[reason] |= notification
                continue
            values = {"partner_id": partner.id, "address": address}
            if channel != notification.channel:
                values["channel"] = channel
                if notification.channel != "preferred":
                    values |= {
                        "fallback_used": True,
                        "reason": self.env._("Sent on the fallback channel: %(reason)s", reason=reason),
                    }
            notification.write(values)
            if notification._needs_new_link():
                link_points[notification] = (record, partner, channel, address)
            addressed |= notification
        for reason, notifications in unreachable.items():
            notifications._set_state("skipped", reason)
        return addressed, link_points

    def _hand_over_isolated(self, channel, template):
        """Hand the group over; {id: reason} of the messages that could not be, each alone in a savepoint."""
        try:
            with self.env.cr.savepoint():
                self._hand_over(channel, template)
            return {}
        except Exception:  # pylint: disable=broad-exception-caught  # one message must not stop the others
            if len(self) == 1:
                _logger.warning("Customer notification %s could not be handed over", self.id, exc_info=True)
                return {self.id: self._describe_error()}
        failed = {}
        for notification in self:
            failed.update(notification._hand_over_isolated(channel, template))
        return failed

    @api.model
    def _describe_error(self):
        """The reason shown in the log for a message that could not be rendered or handed over."""
        error = sys.exc_info()[1]
        text = str(error.args[0]) if error and error.args else (str(error) if error else "")
        return self.env._("It could not be prepared: %(error)s", error=text[:500] or type(error).__name__)

    def _fail_to_hand_over(self, reasons):
        """Mark the messages failed for good with their reason, log them and warn the person in charge."""
        for notification in self:
            notification.write(
                {
                    "state": "failed",
                    "reason": reasons[notification.id],
                    "attempt_count": notification.attempt_count + 1,
                }
            )
        self._log_on_records("failed")
        self._warn_responsible()

    def _hand_over(self, channel, template):
        if channel == "email":
            self._hand_to_mail_queue(template)
        else:
            self._hand_to_sms_queue(template)

    def _fallback_channel(self):
        """The rule's second channel, if it has one and it was not tried yet (the other one, for the preferred)."""
        self.ensure_one()
        if not self.rule_id or self.fallback_used:
            return False
        if self.rule_id.channel == "preferred":
            return {"email": "sms", "sms": "email"}.get(self.channel, False)
        return self.rule_id.fallback_channel

    def _template(self):
        """The template of the message's channel: its rule's, or the module's for a link reception sends."""
        self.ensure_one()
        if self.rule_id:
            return self.rule_id._template_for(self.channel)
        kind = self.kind if self.kind in NOTICE_KINDS else self.communication_id.kind
        if self.channel == "email":
            return self.env.ref(f"repair_customer_communication.mail_template_{kind}")
        if self._offers_sms_reply():
            return self.env.ref("repair_customer_communication.sms_template_overview_reply")
        return self.env.ref(f"repair_customer_communication.sms_template_{kind}")

    def _offers_sms_reply(self):
        """An overview reception sends by SMS, which may offer to answer by reply ("1 3")."""
        self.ensure_one()
        return (
            not self.rule_id
            and self.channel == "sms"
            and self.kind == "overview"
            and self.communication_id.kind == "overview"
            and self.communication_id._sms_reply_possible()
        )

    def _render_record_id(self, model):
        """Id of the record a template of `model` renders: the customer link or the SMS answered, else the document."""
        self.ensure_one()
        if model == "repair.customer.communication":
            return self.communication_id.id
        if model == "customer.incoming.sms":
            return self.incoming_sms_id.id
        return self.res_id

    def _unique_record_groups(self):
        """The messages in groups where each document appears once (Odoo renders and logs per document)."""
        groups = []
        for notification in self:
            key = (notification.res_model, notification.res_id)
            for group in groups:
                if key not in group["keys"]:
                    break
            else:
                group = {"keys": set(), "records": self.browse()}
                groups.append(group)
            group["keys"].add(key)
            group["records"] |= notification
        return [group["records"] for group in groups]

    def _prefetch_recipients(self, records):
        """Read every possible recipient of the batch at once (a union of records loses Odoo's prefetching)."""
        partners = self.env["res.partner"]
        for record in filter(None, records.values()):
            partners |= record if record._name == "res.partner" else record.partner_id
            if record._name == "repair.order":
                partners |= record.driver_id | record.owner_id
        partners |= self.communication_id.partner_id
        # The language too: a new link takes its recipient's.
        partners.fetch([*partners._workshop_policy_fields(), "lang"])

    def _existing_records(self):
        """{notification id: its record, or None if deleted}, with one query per model."""
        ids_by_model = defaultdict(list)
        for notification in self.filtered("res_model"):
            ids_by_model[notification.res_model].append(notification.res_id)
        existing = {}
        for model, res_ids in ids_by_model.items():
            records = self.env[model].browse(res_ids).exists() if model in self.env else ()
            existing.update({(model, record.id): record for record in records})
        return {n.id: existing.get((n.res_model, n.res_id)) for n in self}

    def _split_obsolete(self, records):
        """{reason: messages} whose event no longer holds: the customer must not get them."""
        obsolete = defaultdict(self.browse)
        now = fields.Datetime.now()
        for notification in self:
            record = records[notification.id]
            rule = notification.rule_id
            if not record:
                obsolete[self.env._("The document was deleted.")] |= notification
                continue
            if notification.trigger:
                # A rule's message: its trigger says whether the event still holds.
                if not rule:
                    reason = self.env._("The rule was deleted.")
                else:
                    reason = notification._obsolete_reason(rule, record, now)
                if not reason and notification._carries_link():
                    reason = notification._obsolete_link_reason()
            elif notification.kind in LINK_KINDS:
                reason = notification._obsolete_link_reason()
            elif notification.kind in NOTICE_KINDS:
                reason = None  # what it tells of happened: the address is told whatever follows
            else:
                reason = self.env._("The rule was deleted.")
            if reason:
                obsolete[reason] |= notification
        return obsolete

    def _carries_link(self):
        """Whether the message is the one that brings a communication's link to its address."""
        self.ensure_one()
        return bool(self.communication_id) and self.kind in LINK_KINDS

    def _obsolete_link_reason(self):
        """Why a link reception sent must not go out any more (deleted, replaced or revoked since), or None."""
        self.ensure_one()
        communication = self.communication_id
        if not communication:
            return self.env._("The customer link was deleted.")
        if communication.state in ("superseded", "revoked"):
            return self.env._("A newer version replaced this link, or it was revoked.")
        return None

    def _obsolete_reason(self, rule, record, now):
        """Asks the message's trigger whether its event still holds (`customer_notification_trigger`)."""
        self.ensure_one()
        trigger = TRIGGERS.get(self.trigger)
        return trigger.obsolete_reason(self, rule, record, now) if trigger else None

    @api.model
    def _on_record_event(self, event, records, before=None):
        """Let every trigger listening to `event` of `records` plan its messages (one rule search for all).

        The events are those of `customer_notification_trigger`; `before`, for ``changed``,
        is {id: {field: old value}} of the fields the triggers watch.
        """
        key = f"{records._name}:{event}"
        triggers = [trigger for trigger in TRIGGERS.values() if key in trigger.events]
        if not records or not triggers:
            return
        codes = [trigger.code for trigger in triggers]
        if records._name == "customer.notification.rule":
            # Switched off or moved away: their messages are re-planned (cancelled) too.
            rules = records.with_context(active_test=False).filtered(lambda rule: rule.trigger in codes)
        else:
            # A lead may have no company: it then belongs to the current location.
            companies = records.company_id | (self.env.company if records._name == "crm.lead" else records.company_id)
            rules = self._rules_for(companies, codes)
        # The queue is the module's own machinery: staff only read it, so it plans as superuser.
        queue = self.sudo()
        for trigger in triggers:
            trigger_rules = rules.filtered(lambda rule, code=trigger.code: rule.trigger == code)
            if trigger_rules:
                trigger.plan(queue, trigger_rules, records, event, before)

    @api.model
    def _values_before(self, records, vals):
        """{id: {field: value}} of the fields in `vals` some trigger watches (ids for relations), or None."""
        fnames = watched_fields(records._name)
        if not fnames & set(vals):
            return None
        return {
            record.id: {
                fname: record[fname].id if record._fields[fname].relational else record[fname] for fname in fnames
            }
            for record in records
        }

    @api.model
    def _on_overview_answered(self, overview):
        """The customer answered: no nudge any more, and what follows an answer (a follow-up of declined work)."""
        self.sudo().search(
            [
                ("communication_id", "=", overview.id),
                (
                    "trigger",
                    "in",
                    [t.code for t in TRIGGERS.values() if "repair.customer.communication:sent" in t.events],
                ),
                ("state", "=", "queued"),
            ]
        )._set_state("cancelled", self.env._("The customer answered the overview."))
        self._on_record_event("answered", overview)

    def _recipient_candidates(self, record):
        """Who may receive this message, in the order they are tried."""
        self.ensure_one()
        if self.communication_id and not self._creates_link():
            return self.communication_id.partner_id
        if record._name == "repair.order":
            if self._creates_link():
                # A new link goes to one of the people of the order, in role order (as the send dialog lists them).
                return record.driver_id | record.owner_id | record.contractor_id | record.partner_id
            return record.partner_id | record.driver_id | record.owner_id
        return record.partner_id

    def _channel_order(self, partner):
        """The channels to try for `partner`, first to last: the message's own, or the partner's preferred first."""
        self.ensure_one()
        if self.channel == "preferred":
            first = partner.preferred_channel or "email"
            return [first, "sms" if first == "email" else "email"]
        return [self.channel]

    def _choose_recipient(self, record):
        """(partner, channel, address, why the first choice failed), or (None, None, None, why nobody can get it).

        Asks the one contact policy (`res.partner._workshop_reachable`). A link reception
        sent goes to the address reception chose, on its channel, or to nobody. Otherwise
        each candidate is tried on the message's channel (each on their preferred one
        first, for a rule on the preferred channel), then on the rule's fallback channel.
        """
        self.ensure_one()
        automated = self.cause == "automated"
        if self.kind in NOTICE_KINDS:
            return self._notice_recipient()
        if self._carries_link() and not self._needs_new_link():
            return self._link_recipient(automated)
        candidates = self._recipient_candidates(record)
        if not candidates:
            return None, None, None, self.env._("There is no customer to send it to.")
        reasons = []
        # First everyone on their first channel (their preferred one, for a rule on the preferred
        # channel), then everyone on their second.
        for rank in range(2):
            for partner in candidates:
                channels = self._channel_order(partner)
                if rank >= len(channels):
                    continue
                address, reason = partner._workshop_reachable(channels[rank], automated=automated)
                if address:
                    return partner, channels[rank], address, " ".join(reasons) or None
                reasons.append(reason)
        fallback = self._fallback_channel()
        if fallback:
            for partner in candidates:
                address, reason = partner._workshop_reachable(fallback, automated=automated)
                if address:
                    return partner, fallback, address, " ".join(reasons)
                reasons.append(reason)
        return None, None, None, " ".join(dict.fromkeys(reasons))

    def _notice_recipient(self):
        """The recipient of a notice of changed details: the old address it was planned for, or nobody."""
        refusal = self.partner_id._workshop_contact_refusal(self.channel, automated=False)
        if refusal:
            return None, None, None, refusal
        return self.partner_id, self.channel, self.address, None

    def _link_recipient(self, automated):
        """The recipient of a link already made: the address it was made for, on its channel, or nobody."""
        communication = self.communication_id
        if self.channel != communication.channel:
            return None, None, None, self.env._("The link was sent to one address only.")
        refusal = communication.partner_id._workshop_contact_refusal(communication.channel, automated=automated)
        if refusal:
            return None, None, None, refusal
        return communication.partner_id, communication.channel, communication.address, None

    def _creates_link(self):
        """Whether this message brings a new customer link, made when it is sent (a check-in invitation)."""
        self.ensure_one()
        trigger = TRIGGERS.get(self.trigger)
        return bool(self.rule_id) and bool(trigger) and trigger.creates_link()

    def _needs_new_link(self):
        """A message that makes its link and has none yet on its channel (first try, or moved to the fallback)."""
        self.ensure_one()
        communication = self.communication_id
        return self._creates_link() and (not communication or communication.channel != self.channel)

    def _prepare_links_isolated(self, link_points):
        """Make the links of these messages, all at once in a savepoint; if that fails, one by one.

        Returns {id: reason} of the messages whose link could not be made: they fail alone.
        """
        if not self:
            return {}
        try:
            with self.env.cr.savepoint():
                self._prepare_links(link_points)
            return {}
        except Exception:  # pylint: disable=broad-exception-caught  # one message must not stop the others
            if len(self) == 1:
                _logger.warning("Customer notification %s: its link could not be made", self.id, exc_info=True)
                return {self.id: self._describe_error()}
        failed = {}
        for notification in self:
            failed.update(notification._prepare_links_isolated(link_points))
        return failed

    def _prepare_links(self, link_points):
        """The new customer link each message brings, made together (a new version: a previous link leads to it)."""
        by_kind_and_round = defaultdict(self.browse)
        # One link per order and call: messages of the same order go in separate rounds.
        for index, group in enumerate(self._unique_record_groups()):
            for notification in group:
                by_kind_and_round[notification.kind, index] |= notification
        for (kind, _round), notifications in by_kind_and_round.items():
            points = {}
            for notification in notifications:
                order, partner, channel, address = link_points[notification]
                roles = {order.driver_id: "driver", order.owner_id: "owner", order.contractor_id: "contractor"}
                points[order.id] = {
                    "role": roles.get(partner, "customer"),
                    "partner": partner,
                    "channel": channel,
                    "address": address,
                }
            orders = self.env["repair.order"].browse(points)
            communications = orders._prepare_customer_communications(points, kind=kind)
            communications._issue_token()
            by_order = {communication.order_id.id: communication for communication in communications}
            for notification in notifications:
                notification.communication_id = by_order[link_points[notification][0].id]

    def _hand_to_mail_queue(self, template):
        """Odoo's template mailing (`send_mail_batch`), then each e-mail addressed to the chosen recipient only.

        Addresses on Odoo's e-mail blacklist are refused first, as Odoo's mass mailing
        composer refuses them. Each QWeb body is compiled once for the whole group
        (`ir.qweb._compiling_bodies_once`).
        """
        to_send = self - self._refuse_blacklisted_emails()
        if not to_send:
            return
        render_ids = {n.id: n._render_record_id(template.model) for n in to_send}
        with self.env["ir.qweb"]._compiling_bodies_once():
            mails = template.send_mail_batch(list(render_ids.values()))
        mail_by_render_id = {mail.res_id: mail for mail in mails}
        mail_by_notification = {n.id: mail_by_render_id[render_ids[n.id]] for n in to_send}
        to_send._address_mails(mail_by_notification)
        to_send._mark_sent({n_id: mail.mail_message_id for n_id, mail in mail_by_notification.items()})
        # The chatter copy keeps no live customer link (the e-mail itself keeps it until it is sent).
        self.env["repair.customer.communication"]._mask_link_tokens("mail_message", "body", mails.mail_message_id.ids)

    def _refuse_blacklisted_emails(self):
        """The messages whose address is on Odoo's e-mail blacklist, settled as refused (one query for the group)."""
        normalized = {n.id: email_normalize(n.address) for n in self}
        emails = [email for email in normalized.values() if email]
        if not emails:
            return self.browse()
        blacklisted = set(self.env["mail.blacklist"].sudo().search([("email", "in", emails)]).mapped("email"))
        refused = self.filtered(lambda n: normalized[n.id] in blacklisted)
        labels = dict(self.env["mail.notification"]._fields["failure_type"]._description_selection(self.env))
        refused._settle_refused("mail_bl", labels.get("mail_bl"))
        return refused

    def _address_mails(self, mail_by_notification):
        """Make each e-mail go to the address the contact policy chose for its message, and nowhere else.

        Odoo addresses a template's e-mail from the template's own recipient fields (the
        order's customer, say), while the queue chose one address per message (the
        driver, a professional address). The e-mails are still in Odoo's outgoing queue:
        those addressed otherwise (recipients, the message's partners, copies) are
        re-addressed before they leave; the others, the usual case, are left as Odoo
        made them.
        """
        for notification in self:
            mail = mail_by_notification[notification.id]
            partner, address = notification.partner_id, email_normalize(notification.address)
            to_partner = bool(address) and email_normalize(partner.email or "") == address
            as_partner = to_partner and mail.recipient_ids == partner and mail.partner_ids == partner
            as_address = not mail.recipient_ids and not mail.partner_ids
            if not mail.email_cc and (
                (as_partner and not mail.email_to)
                or (as_address and bool(address) and email_normalize(mail.email_to or "") == address)
            ):
                continue
            if to_partner:
                mail.write(
                    {
                        "recipient_ids": [Command.set(partner.ids)],
                        "partner_ids": [Command.set(partner.ids)],
                        "email_to": False,
                        "email_cc": False,
                    }
                )
            else:
                mail.write(
                    {
                        "recipient_ids": [Command.clear()],
                        "partner_ids": [Command.clear()],
                        "email_to": notification.address,
                        "email_cc": False,
                    }
                )

    def _hand_to_sms_queue(self, template):
        """Odoo's SMS composer in mass mode, with the queue's recipients (`customer.notification.sms.composer`).

        SMS Odoo refuses (a number on its phone blacklist, or one it cannot read) never
        left: they are settled as refused (the fallback channel, or failed with a
        to-do) and the link they carry is not counted as sent. The same text twice to
        one number within one rendering goes once; the other message is skipped.
        """
        render_ids = [n._render_record_id(template.model) for n in self]
        composer = (
            self.env["customer.notification.sms.composer"]
            .sudo()
            .create(
                {
                    "composition_mode": "mass",
                    "res_model": template.model,
                    "res_ids": repr(render_ids),
                    "template_id": template.id,
                    "mass_force_send": False,
                    "notification_ids": [Command.set(self.ids)],
                }
            )
        )
        sms_all = composer._action_send_sms()
        self._track_sms(sms_all.filtered(lambda sms: sms.state == "outgoing"))
        sms_by_document = {(sms.mail_message_id.model, sms.mail_message_id.res_id): sms for sms in sms_all}
        sms_by_notification = {n.id: sms_by_document[n.res_model, n.res_id] for n in self}
        outgoing = self.filtered(lambda n: sms_by_notification[n.id].state == "outgoing")
        outgoing._mark_sent({n.id: sms_by_notification[n.id].mail_message_id for n in outgoing})
        if template == self.env.ref("repair_customer_communication.sms_template_overview_reply"):
            outgoing.communication_id.sms_reply_offered = True
        labels = dict(sms_all._fields["failure_type"]._description_selection(self.env))
        for failure_type, refused in (
            (self - outgoing).grouped(lambda n: sms_by_notification[n.id].failure_type).items()
        ):
            for notification in refused:  # its chatter copy, as Odoo logs a refused SMS too
                notification.message_id = sms_by_notification[notification.id].mail_message_id
            if failure_type == "sms_duplicate":
                refused._set_state("skipped", self.env._("The same text went to this number in the same send."))
            else:
                refused._settle_refused(failure_type or "unknown", labels.get(failure_type))

    def _track_sms(self, sms_all):
        """Odoo's SMS notification and tracker for each SMS, as Odoo's own SMS notifications have.

        Odoo's composer in mass mode logs the SMS in the chatter without them: then the
        chatter never shows whether it was sent or delivered, and the provider's delivery
        reports find nothing to update (see `sms.tracker`). The same records as
        `mail.thread._notify_thread_by_sms`.
        """
        sms_all = sms_all.filtered("mail_message_id")
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .create(
                [
                    {
                        # No author: the queue retries and warns itself; Odoo would list each failure in the
                        # failures of whoever triggered the send, and keep it there after a retry succeeded.
                        "author_id": False,
                        "mail_message_id": sms.mail_message_id.id,
                        "res_partner_id": sms.partner_id.id,
                        "sms_number": sms.number,
                        "notification_type": "sms",
                        "sms_id_int": sms.id,
                        "is_read": True,
                        "notification_status": "ready",
                    }
                    for sms in sms_all
                ]
            )
        )
        # Trackers in one create too (nested in each notification, they are inserted one by one).
        self.env["sms.tracker"].sudo().create(
            [
                {"sms_uuid": sms.uuid, "mail_notification_id": notification.id}
                for sms, notification in zip(sms_all, notifications, strict=True)
            ]
        )

    def _settle_refused(self, failure_type, reason):
        """Messages Odoo refused before they left: counted as an attempt, then settled as a failure is.

        Nothing was handed over: the link a message carries is not counted as sent, and
        an older version of it keeps working.
        """
        for notification in self:
            notification.attempt_count += 1
        described = self.env._("Odoo refused to send it (%(reason)s).", reason=reason or failure_type)
        self._settle_failure(failure_type, described)

    def _mark_sent(self, message_by_notification):
        now = fields.Datetime.now()
        for notification in self:
            notification.write(
                {
                    "state": "sent",
                    "sent_at": now,
                    "attempt_count": notification.attempt_count + 1,
                    "message_id": message_by_notification[notification.id].id,
                }
            )
        carrying = self.filtered("communication_id")
        for channel, notifications in carrying.grouped("channel").items():
            notifications.communication_id._on_handed_over(
                {n.communication_id.id: n.message_id for n in notifications}, channel
            )

    # ------------------------------------------------------------------
    # What the providers answer
    # ------------------------------------------------------------------

    @api.model
    def _on_delivery_result(self, messages, failure_type=False, reason=False):
        """What Odoo's mail or SMS queue learnt of the messages: accepted, or refused (and why).

        The one place delivery results land: the queue records (retry later, switch
        channel, or give up and warn) and the communication log of the links they carry.
        """
        notifications = self.sudo().search([("message_id", "in", messages.ids), ("state", "=", "sent")])
        if not notifications:
            return
        if not (failure_type or reason):
            notifications.communication_id._mark_delivered()
            return
        labels = dict(self.env["mail.notification"]._fields["failure_type"]._description_selection(self.env))
        described = reason or labels.get(failure_type) or failure_type or self.env._("unknown error")
        notifications.communication_id._mark_delivery_failed(described)
        notifications._settle_failure(failure_type, described)

    def _on_delivery_report(self, messages, failure_type=False, reason=False):
        """What the provider reported after taking the messages: delivered, or not (then settled as a failure)."""
        notifications = self.sudo().search([("message_id", "in", messages.ids), ("state", "=", "sent")])
        if not notifications:
            return
        if not (failure_type or reason):
            delivered = self.env._("Delivered, as the provider reported.")
            for notification in notifications:  # what was said before (a fallback) stays
                notification.write(
                    {
                        "state": "delivered",
                        "reason": f"{notification.reason} {delivered}" if notification.reason else delivered,
                    }
                )
            notifications.communication_id._mark_reached()
            return
        labels = dict(self.env["mail.notification"]._fields["failure_type"]._description_selection(self.env))
        described = reason or labels.get(failure_type) or failure_type
        notifications.communication_id._mark_delivery_failed(described)
        notifications._settle_failure(failure_type, described)

    def _settle_failure(self, failure_type, described):
        """A failed attempt: retried later, moved to the fallback channel, or given up with a to-do."""
        max_attempts = self._max_attempts()
        now = fields.Datetime.now()
        gave_up = self.browse()
        for notification in self:
            fallback = notification._fallback_channel()
            retry = failure_type not in PERMANENT_FAILURES and notification.attempt_count < max_attempts
            if retry:
                delay = RETRY_FIRST_DELAY * (RETRY_GROWTH ** (notification.attempt_count - 1))
                notification.write(
                    {
                        "state": "queued",
                        "due_at": now + delay,
                        "reason": self.env._(
                            "Attempt %(attempt)s failed (%(reason)s); next attempt at %(when)s.",
                            attempt=notification.attempt_count,
                            reason=described,
                            when=format_datetime(self.env, now + delay, dt_format="short"),
                        ),
                    }
                )
            elif fallback:
                notification.write(
                    {
                        "state": "queued",
                        "due_at": now,
                        "channel": fallback,
                        "fallback_used": True,
                        "attempt_count": 0,
                        "reason": self.env._(
                            "Sending by %(channel)s failed for good (%(reason)s): trying the fallback channel.",
                            channel=notification._channel_label(),
                            reason=described,
                        ),
                    }
                )
            else:
                notification.write({"state": "failed", "reason": described})
                gave_up |= notification
        self._wake_job()
        gave_up._log_on_records("failed")
        gave_up._warn_responsible()

    @api.model
    def _max_attempts(self):
        value = self.env["ir.config_parameter"].sudo().get_param(MAX_ATTEMPTS_PARAM)
        try:
            return max(int(value), 1) if value else DEFAULT_MAX_ATTEMPTS
        except ValueError:
            return DEFAULT_MAX_ATTEMPTS

    def _warn_responsible(self):
        """A to-do for the person in charge of each record a message finally failed for."""
        records = self._existing_records()
        for notification in self:
            record = records[notification.id]
            if not record:
                continue
            user = record._workshop_responsible_user()
            record.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Customer message failed: %(name)s", name=notification.rule_name),
                note=notification.reason,
                user_id=user.id,
            )

    # ------------------------------------------------------------------
    # State changes and the record's chatter
    # ------------------------------------------------------------------

    def _set_state(self, state, reason):
        if not self:
            return
        self.write({"state": state, "reason": reason})
        self._log_on_records(state)

    def _log_on_records(self, event):
        """One note per record in its chatter (the event feed), in batch."""
        by_model = defaultdict(lambda: defaultdict(list))
        for notification in self:
            by_model[notification.res_model][notification.res_id].append(notification._log_line(event))
        for model, lines_by_id in by_model.items():
            records = self.env[model].browse(list(lines_by_id)).exists()
            if not records:
                continue
            bodies = {record.id: Markup("<br/>").join(lines_by_id[record.id]) for record in records}
            records._message_log_batch(bodies=bodies)

    def _channel_label(self):
        self.ensure_one()
        return dict(self._fields["channel"]._description_selection(self.env))[self.channel]

    def _log_line(self, event):
        self.ensure_one()
        channel = self._channel_label()
        when = format_datetime(self.env, self.due_at, dt_format="short")
        if event == "queued":
            text = self.env._(
                "%(name)s planned by %(channel)s for %(when)s.", name=self.rule_name, channel=channel, when=when
            )
        elif event == "moved":
            text = self.env._("%(name)s moved to %(when)s.", name=self.rule_name, when=when)
        elif event == "skipped":
            text = self.env._("%(name)s not sent: %(reason)s", name=self.rule_name, reason=self.reason)
        elif event == "cancelled":
            text = self.env._("%(name)s cancelled: %(reason)s", name=self.rule_name, reason=self.reason)
        else:
            text = self.env._("%(name)s failed: %(reason)s", name=self.rule_name, reason=self.reason)
        return Markup("%s") % text

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_retry(self):
        """Send a failed or skipped message again now (after fixing the address or consent)."""
        self.check_access("read")  # staff may not edit a message (its address, channel, record): only act on it
        retry = self.sudo().filtered(lambda n: n.state in ("failed", "skipped"))
        retry.write({"state": "queued", "due_at": fields.Datetime.now(), "attempt_count": 0, "reason": False})
        retry._wake_job()

    def action_cancel(self):
        """Cancel waiting messages for good: a later change of the appointment does not plan them again."""
        self.check_access("read")
        queued = self.sudo().filtered(lambda n: n.state == "queued")
        queued.cancelled_by_hand = True
        queued._set_state("cancelled", self.env._("Cancelled by %(user)s.", user=self.env.user.name))

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }

    @api.autovacuum
    def _gc_old_notifications(self):
        """The log keeps a year of finished messages."""
        limit = fields.Datetime.now() - timedelta(days=365)
        for ids in split_every(1000, self.search([("state", "!=", "queued"), ("due_at", "<", limit)]).ids):
            self.browse(ids).unlink()
