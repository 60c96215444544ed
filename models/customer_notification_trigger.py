"""The triggers of the notification rules, each in one place.

A trigger says which records its messages are about, when it plans a message
(which records, which occurrence, when due) and, at send time, whether the event
still holds. The rules only choose a trigger; the queue (`customer.notification`)
calls the two methods below and nothing else knows a trigger's logic.

Adding a trigger: one subclass of `Trigger` here, decorated with `@register`. Its
`code` and `label` become a value of the rules' trigger selection.

The events a trigger listens to, as ``model:event`` (what the models report to
the queue through `customer.notification._on_record_event`):

- ``repair.order:created`` / ``crm.lead:created``: records were created;
- ``repair.order:changed`` / ``crm.lead:changed``: records were written; `before`
  maps each id to the old values of the fields the triggers of that model watch;
- ``repair.customer.communication:sent`` / ``:answered``: a customer overview
  went out, or its customer confirmed it;
- ``customer.notification.rule:changed``: rules of the trigger were created or
  changed (re-plan what depends on their settings).
"""

from odoo import fields

TRIGGERS = {}


def register(cls):
    TRIGGERS[cls.code] = cls()
    return cls


class Trigger:
    code = None
    label = None
    model = "repair.order"  # the records the messages are about
    template_model = None  # the model its templates render, when not `model`
    kind = "notification"  # the queue's kind of message
    events = ()
    watched_fields = ()  # fields of `model` whose change is the event (for ``changed``)
    interval_required = False  # counted from an event that has to be waited for

    def plan(self, queue, rules, records, event, before=None):
        """Plan this trigger's messages for `event` on `records`, with the `rules` of this trigger."""

    def obsolete_reason(self, notification, rule, record, now):
        """Why the planned `notification` must not go out any more (its event no longer holds), or None."""
        return None

    def creates_link(self):
        """Whether each message brings a new customer link, made when it is sent."""
        return False

    @staticmethod
    def stamp(queue):
        return fields.Datetime.to_string(queue.env.cr.now())


# ----------------------------------------------------------------------
# Work orders
# ----------------------------------------------------------------------


@register
class OrderCreated(Trigger):
    code = "order_created"
    label = "Work order created"
    events = ("repair.order:created",)

    def plan(self, queue, rules, records, event, before=None):
        queue._on_event(self.code, records, "created", rules=rules)


class _OrderStateChange(Trigger):
    events = ("repair.order:changed",)
    watched_fields = ("state",)

    def _changed(self, records, before):
        return records.filtered(lambda order: order.state != before[order.id]["state"])

    def _occurrence(self, queue, before):
        stamp = self.stamp(queue)
        return lambda order: f"state:{before[order.id]['state']}>{order.state}@{stamp}"


@register
class OrderStateAny(_OrderStateChange):
    code = "order_state_any"
    label = "Work order status changed"

    def plan(self, queue, rules, records, event, before=None):
        queue._on_event(self.code, self._changed(records, before), self._occurrence(queue, before), rules=rules)


@register
class OrderStateTo(_OrderStateChange):
    code = "order_state_to"
    label = "Work order status changed to"

    def plan(self, queue, rules, records, event, before=None):
        queue._on_event(
            self.code,
            self._changed(records, before),
            self._occurrence(queue, before),
            rule_filter=lambda rule, order: rule.state_to == order.state,
            rules=rules,
        )

    def obsolete_reason(self, notification, rule, record, now):
        if record.state != rule.state_to:
            return notification.env._("The work order left the status the message is about.")
        return None


@register
class OrderScheduleChanged(Trigger):
    code = "order_schedule_changed"
    label = "Scheduled date changed"
    events = ("repair.order:changed",)
    watched_fields = ("schedule_date",)

    def plan(self, queue, rules, records, event, before=None):
        stamp = self.stamp(queue)
        queue._on_event(
            self.code,
            records.filtered(lambda order: order.schedule_date != before[order.id]["schedule_date"]),
            lambda order: f"schedule:{fields.Datetime.to_string(order.schedule_date)}@{stamp}",
            rules=rules,
        )


class _AppointmentTrigger(Trigger):
    """A message some time before the appointment: planned, moved and cancelled with it.

    One message per (rule, order, appointment date): its occurrence is the date.
    """

    events = ("repair.order:created", "repair.order:changed", "customer.notification.rule:changed")
    watched_fields = ("state", "schedule_date", "company_id")
    # The order states in which the message still makes sense.
    open_states = ("draft", "confirmed", "under_repair")
    # Booked closer to the appointment than the rule's lead time: send at once, or skip.
    send_late_bookings = False

    def plan(self, queue, rules, records, event, before=None):
        if records._name == "customer.notification.rule":
            # The appointments ahead, and those the rules planned for (a rule moved to another location).
            planned = queue.sudo().search([("rule_id", "in", rules.ids), ("state", "=", "queued")])
            records = queue._upcoming_orders(rules.company_id) | planned.order_id
        elif event == "changed":
            records = records.filtered(
                lambda o: any(
                    (o[fname].id if fname == "company_id" else o[fname]) != before[o.id][fname]
                    for fname in self.watched_fields
                )
            )
        queue._sync_appointment_messages(self, records, rules)

    def target(self, notification_model, rule, order, now):
        """The appointment a message of `rule` is for, or (None, why there is none)."""
        env = notification_model.env
        reason = None
        if not rule.active:
            reason = env._("The rule was switched off.")
        elif rule.company_id != order.company_id:
            reason = env._("The rule belongs to another location.")
        elif order.state == "cancel":
            reason = env._("The work order was cancelled.")
        elif order.state == "done":
            reason = env._("The work order is done.")
        elif order.state not in self.open_states:
            reason = env._("The vehicle is already in the workshop.")
        elif not order.schedule_date or order.schedule_date <= now:
            reason = env._("The appointment has no date ahead any more.")
        return (None, reason) if reason else (order.schedule_date, None)

    def occurrence(self, target):
        return f"appointment:{fields.Datetime.to_string(target)}"

    def obsolete_reason(self, notification, rule, record, now):
        target, reason = self.target(notification, rule, record, now)
        if not target or notification.occurrence != self.occurrence(target):
            return reason or notification.env._("The appointment was moved.")
        return None


@register
class OrderReminder(_AppointmentTrigger):
    code = "order_reminder"
    label = "Reminder before the appointment"
    kind = "reminder"
    interval_required = True


@register
class CheckinInvitation(_AppointmentTrigger):
    """The online check-in invitation: a new check-in link, N days before the appointment.

    Booked inside the window, the customer is invited at once; once the vehicle
    is in the workshop, there is nothing to check in any more.
    """

    code = "checkin_invitation"
    label = "Check-in invitation before the appointment"
    kind = "checkin"
    template_model = "repair.customer.communication"
    open_states = ("draft", "confirmed")
    send_late_bookings = True

    def creates_link(self):
        return True


# ----------------------------------------------------------------------
# Customer overviews
# ----------------------------------------------------------------------

# Answered or closed overviews need no nudge.
NUDGEABLE_STATES = ("sent", "delivered", "opened")


@register
class OverviewUnanswered(Trigger):
    """A nudge when the overview is still unanswered some time after it went out (one per version)."""

    code = "overview_unanswered"
    label = "Overview not answered"
    events = ("repair.customer.communication:sent",)
    interval_required = True

    def plan(self, queue, rules, records, event, before=None):
        for overview in records.filtered(lambda c: c.kind == "overview"):
            queue._on_event(
                self.code,
                overview.order_id,
                f"overview:{overview.id}",
                event_at=overview.sent_at,
                rules=rules,
                communication=overview,
            )

    def obsolete_reason(self, notification, rule, record, now):
        overview = notification.communication_id
        if not overview or overview.state not in NUDGEABLE_STATES:
            return notification.env._("The customer answered the overview, or a newer one replaced it.")
        return None


@register
class ItemDeclined(Trigger):
    """A follow-up offering the work the customer declined on an overview, some time later."""

    code = "item_declined"
    label = "Follow-up of declined work"
    events = ("repair.customer.communication:answered",)
    interval_required = True

    def plan(self, queue, rules, records, event, before=None):
        answered = records.filtered(lambda c: c.kind == "overview")
        for overview in answered.filtered(lambda o: any(line.decision == "declined" for line in o.line_ids)):
            queue._on_event(
                self.code,
                overview.order_id,
                f"overview:{overview.id}",
                event_at=overview.confirmed_at,
                rules=rules,
                communication=overview,
            )

    def obsolete_reason(self, notification, rule, record, now):
        if not record.work_item_ids.filtered(lambda item: item.customer_decision == "declined"):
            return notification.env._("No declined work is left on the work order.")
        return None


# ----------------------------------------------------------------------
# Leads
# ----------------------------------------------------------------------


@register
class LeadCreated(Trigger):
    code = "lead_created"
    label = "Lead created"
    model = "crm.lead"
    events = ("crm.lead:created",)

    def plan(self, queue, rules, records, event, before=None):
        queue._on_event(self.code, records, "created", rules=rules)


@register
class LeadStageTo(Trigger):
    code = "lead_stage_to"
    label = "Lead stage changed to"
    model = "crm.lead"
    events = ("crm.lead:changed",)
    watched_fields = ("stage_id",)

    def plan(self, queue, rules, records, event, before=None):
        stamp = self.stamp(queue)
        queue._on_event(
            self.code,
            records.filtered(lambda lead: lead.stage_id.id != before[lead.id]["stage_id"]),
            lambda lead: f"stage:{lead.stage_id.id}@{stamp}",
            rule_filter=lambda rule, lead: rule.stage_id == lead.stage_id,
            rules=rules,
        )

    def obsolete_reason(self, notification, rule, record, now):
        if record.stage_id != rule.stage_id:
            return notification.env._("The lead left the stage the message is about.")
        return None


RULE_TRIGGERS = [(trigger.code, trigger.label) for trigger in TRIGGERS.values()]


def watched_fields(model):
    """The fields of `model` whose change some trigger listens to."""
    return {fname for trigger in TRIGGERS.values() if trigger.model == model for fname in trigger.watched_fields}
