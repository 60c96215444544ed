from datetime import timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .customer_notification_trigger import RULE_TRIGGERS, TRIGGERS

# The channels a message goes out on.
CHANNELS = [("sms", "SMS"), ("email", "E-mail")]
# A rule may also leave the choice to each customer's preferred channel (the other one is the fallback).
RULE_CHANNELS = [*CHANNELS, ("preferred", "Customer's preferred channel")]
INTERVAL_UNITS = [("minutes", "Minutes"), ("hours", "Hours"), ("days", "Days"), ("months", "Months")]
# How far ahead the next opening of a location is looked for (a closed fortnight is already odd).
WORKING_HOURS_HORIZON = timedelta(days=31)
# The rules every location has (switched off, never deleted): trigger -> its default settings.
BUILTIN_RULES = {
    "checkin_invitation": {
        "interval_nbr": 3,
        "interval_unit": "days",
        "channel": "preferred",
        "mail_template_id": "repair_customer_communication.mail_template_checkin",
        "sms_template_id": "repair_customer_communication.sms_template_checkin",
    },
}


class CustomerNotificationRule(models.Model):
    """An automated SMS or e-mail of one location: when it is due, on which channel, with which template.

    Rules only describe; `customer.notification` holds every message they make due.
    """

    _name = "customer.notification.rule"
    _description = "Customer notification rule"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True, readonly=False, required=True, precompute=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company",
        "Location",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    builtin = fields.Boolean(
        "Built-in",
        readonly=True,
        copy=False,
        help="A rule every location has: it can be changed or switched off, not deleted.",
    )
    kind = fields.Selection(
        [("notification", "Notification"), ("reminder", "Reminder"), ("checkin", "Check-in invitation")],
        compute="_compute_kind",
        store=True,
        precompute=True,
    )
    trigger = fields.Selection(RULE_TRIGGERS, required=True, default="order_state_to")
    model = fields.Char(
        compute="_compute_model",
        store=True,
        precompute=True,
        string="Templates for",
        help="The model its templates render.",
    )
    state_to = fields.Selection(
        selection=lambda self: self.env["repair.order"]._fields["state"]._description_selection(self.env),
        string="Status",
    )
    stage_id = fields.Many2one("crm.stage", ondelete="cascade")
    interval_nbr = fields.Integer(
        "Delay",
        default=0,
        help="After the event (0: at once); before the appointment for a reminder.",
    )
    interval_unit = fields.Selection(INTERVAL_UNITS, "Unit", default="hours", required=True)
    working_hours_only = fields.Boolean(
        "Only during working hours",
        help="A message due outside the location's working hours waits for its next opening.",
    )
    channel = fields.Selection(RULE_CHANNELS, required=True, default="sms")
    fallback_channel = fields.Selection(
        CHANNELS,
        help="Used when the customer cannot be reached on the first channel, or sending on it failed for good. "
        "With the preferred channel, the other channel is the fallback.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        "E-mail template",
        domain="[('model', '=', model)]",
        ondelete="restrict",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        "SMS template",
        domain="[('model', '=', model)]",
        ondelete="restrict",
    )
    notification_ids = fields.One2many("customer.notification", "rule_id", "Messages")
    notification_count = fields.Integer(compute="_compute_notification_count")
    delay_description = fields.Char("When", compute="_compute_delay_description")

    _interval_not_negative = models.Constraint(
        "CHECK (interval_nbr >= 0)",
        "A delay cannot be negative.",
    )
    _fallback_differs = models.Constraint(
        "CHECK (fallback_channel IS NULL OR (fallback_channel != channel AND channel != 'preferred'))",
        "The fallback channel must differ from the first channel (with the preferred channel, it is the other one).",
    )
    _builtin_unique = models.UniqueIndex(
        "(company_id, trigger) WHERE builtin",
        "A location has one built-in rule of each kind.",
    )

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------

    @api.depends("trigger")
    def _compute_kind(self):
        for rule in self:
            trigger = TRIGGERS.get(rule.trigger)
            rule.kind = trigger.kind if trigger else "notification"

    @api.depends("trigger")
    def _compute_model(self):
        for rule in self:
            trigger = TRIGGERS.get(rule.trigger)
            rule.model = (trigger.template_model or trigger.model) if trigger else "repair.order"

    @api.depends("trigger", "state_to", "stage_id", "channel", "interval_nbr", "interval_unit")
    def _compute_name(self):
        triggers = dict(self._fields["trigger"]._description_selection(self.env))
        channels = dict(self._fields["channel"]._description_selection(self.env))
        states = dict(self._fields["state_to"]._description_selection(self.env))
        for rule in self:
            what = triggers.get(rule.trigger, "")
            if rule.trigger == "order_state_to" and rule.state_to:
                what = f"{what} {states[rule.state_to]}"
            elif rule.trigger == "lead_stage_to" and rule.stage_id:
                what = f"{what} {rule.stage_id.name}"
            rule.name = f"{channels.get(rule.channel, '')}: {what}"

    def _compute_notification_count(self):
        counts = dict(
            self.env["customer.notification"]._read_group([("rule_id", "in", self.ids)], ["rule_id"], ["__count"])
        )
        for rule in self:
            rule.notification_count = counts.get(rule, 0)

    @api.depends("kind", "interval_nbr", "interval_unit", "working_hours_only")
    def _compute_delay_description(self):
        units = dict(self._fields["interval_unit"]._description_selection(self.env))
        for rule in self:
            amount = f"{rule.interval_nbr} {units[rule.interval_unit].lower()}"
            if rule.kind in ("reminder", "checkin"):
                text = self.env._("%(amount)s before the appointment", amount=amount)
            elif not rule.interval_nbr:
                text = self.env._("At once")
            else:
                text = self.env._("%(amount)s later", amount=amount)
            if rule.working_hours_only:
                text = self.env._("%(when)s, in working hours", when=text)
            rule.delay_description = text

    @api.constrains("trigger", "state_to", "stage_id", "interval_nbr")
    def _check_trigger_settings(self):
        for rule in self:
            if rule.trigger == "order_state_to" and not rule.state_to:
                raise ValidationError(self.env._("Choose the status that sends “%(rule)s”.", rule=rule.name))
            if rule.trigger == "lead_stage_to" and not rule.stage_id:
                raise ValidationError(self.env._("Choose the lead stage that sends “%(rule)s”.", rule=rule.name))
            if TRIGGERS[rule.trigger].interval_required and not rule.interval_nbr:
                raise ValidationError(self.env._("“%(rule)s” needs a time span greater than zero.", rule=rule.name))

    @api.constrains("trigger", "active", "company_id")
    def _check_one_link_rule_per_location(self):
        """Two rules making the same kind of link would send each customer two links, the second replacing the first."""
        for rule in self.filtered(lambda r: r.active and TRIGGERS[r.trigger].creates_link()):
            if self.search_count(
                [
                    ("company_id", "=", rule.company_id.id),
                    ("trigger", "=", rule.trigger),
                    ("active", "=", True),
                    ("id", "!=", rule.id),
                ],
                limit=1,
            ):
                raise ValidationError(
                    self.env._(
                        "%(location)s already has a rule “%(trigger)s” switched on: change that one, or switch it off "
                        "first.",
                        location=rule.company_id.name,
                        trigger=dict(self._fields["trigger"]._description_selection(self.env))[rule.trigger],
                    )
                )

    @api.onchange("channel")
    def _onchange_channel_preferred(self):
        if self.channel == "preferred":
            self.fallback_channel = False

    @api.constrains("channel", "fallback_channel", "mail_template_id", "sms_template_id", "model")
    def _check_templates(self):
        for rule in self:
            for channel in rule._channels():
                template = rule._template_for(channel)
                if not template:
                    raise ValidationError(
                        self.env._(
                            "“%(rule)s” sends by %(channel)s: choose or create its %(channel)s template.",
                            rule=rule.name,
                            channel=dict(CHANNELS)[channel],
                        )
                    )
                if template.model != rule.model:
                    raise ValidationError(
                        self.env._(
                            "The template “%(template)s” is not made for the records of “%(rule)s”.",
                            template=template.display_name,
                            rule=rule.name,
                        )
                    )

    # ------------------------------------------------------------------
    # CRUD: a new or changed rule re-plans what depends on its settings (appointment messages)
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("channel") == "preferred":
                vals["fallback_channel"] = False  # the other channel is the fallback
        rules = super().create(vals_list)
        self.env["customer.notification"]._on_record_event("changed", rules)
        return rules

    def write(self, vals):
        if {"trigger", "company_id"} & set(vals) and self.filtered("builtin"):
            raise UserError(
                self.env._("A built-in rule keeps its trigger and location: change its settings or switch it off.")
            )
        if vals.get("channel") == "preferred":
            vals = dict(vals, fallback_channel=False)  # the other channel is the fallback
        result = super().write(vals)
        if {"trigger", "interval_nbr", "interval_unit", "active", "company_id"} & set(vals):
            self.env["customer.notification"]._on_record_event("changed", self)
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_builtin(self):
        if self.filtered("builtin"):
            raise UserError(self.env._("A built-in rule cannot be deleted: switch it off instead."))

    def unlink(self):
        """Messages still waiting for a deleted rule are cancelled; the log keeps the others."""
        self.env["customer.notification"].sudo().search(
            [("rule_id", "in", self.ids), ("state", "=", "queued")]
        )._set_state("cancelled", self.env._("The rule was deleted."))
        return super().unlink()

    @api.model
    def _create_builtin_rules(self, companies=None, values_by_company=None):
        """Give each location (all of them by default) the built-in rules it lacks, with their defaults.

        `values_by_company`: {company id: {trigger: values}} that replace defaults (an upgrade keeps settings).
        """
        if companies is None:
            companies = self.env["res.company"].search([])  # pylint: disable=no-search-all  # a few locations
        existing = {
            (rule.company_id.id, rule.trigger)
            for rule in self.with_context(active_test=False).search(
                [("builtin", "=", True), ("company_id", "in", companies.ids)]
            )
        }
        vals_list = []
        for company in companies:
            for trigger, defaults in BUILTIN_RULES.items():
                if (company.id, trigger) in existing:
                    continue
                values = {"company_id": company.id, "trigger": trigger, "builtin": True}
                for fname, value in defaults.items():
                    values[fname] = self.env.ref(value).id if fname.endswith("template_id") else value
                values.update((values_by_company or {}).get(company.id, {}).get(trigger, {}))
                vals_list.append(values)
        return self.sudo().create(vals_list)

    # ------------------------------------------------------------------
    # Timing
    # ------------------------------------------------------------------

    def _interval(self):
        self.ensure_one()
        return relativedelta(**{self.interval_unit: self.interval_nbr})

    def _due_after(self, event_time):
        """When a notification of this rule is due for an event at `event_time` (naive UTC)."""
        self.ensure_one()
        due = event_time + self._interval()
        if self.working_hours_only:
            due = self._next_working_time(due)
        return due

    def _next_working_time(self, moment):
        """`moment` itself if the location works then, else its next opening (naive UTC).

        Leaves of the calendar (public holidays) count as closed. A location without
        a working-hours calendar is taken as always open.
        """
        self.ensure_one()
        calendar = self.company_id.resource_calendar_id
        if not calendar:
            return moment
        start = pytz.utc.localize(moment)
        intervals = calendar._work_intervals_batch(start, start + WORKING_HOURS_HORIZON)[False]
        for interval_start, interval_end, _attendance in intervals:
            if interval_end > start:
                return max(interval_start, start).astimezone(pytz.utc).replace(tzinfo=None)
        return moment

    def _template_for(self, channel):
        self.ensure_one()
        return self.mail_template_id if channel == "email" else self.sms_template_id

    def _channels(self):
        """The channels its messages may go out on: the first and the fallback, or both for the preferred one."""
        self.ensure_one()
        if self.channel == "preferred":
            return ["email", "sms"]
        return [channel for channel in (self.channel, self.fallback_channel) if channel]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_create_template(self):
        """A starter template for the first channel, named after the rule, opened for editing."""
        self.ensure_one()
        channel = self.env.context.get("template_channel") or self.channel
        if channel not in ("email", "sms"):
            channel = "email"
        model = self.env["ir.model"]._get(self.model)
        if channel == "email":
            template = self.env["mail.template"].create(
                {
                    "name": self.name,
                    "model_id": model.id,
                    "subject": "{{ object.company_id.name }}: {{ object.name }}",
                    "partner_to": "{{ object.partner_id.id }}",
                    "email_from": "{{ (object.company_id.email_formatted or user.email_formatted) }}",
                    "lang": "{{ object.partner_id.lang }}",
                    "body_html": self._starter_text(html=True),
                    "auto_delete": False,
                }
            )
            self.mail_template_id = template
        else:
            template = self.env["sms.template"].create(
                {"name": self.name, "model_id": model.id, "body": self._starter_text(html=False)}
            )
            self.sms_template_id = template
        return {
            "type": "ir.actions.act_window",
            "res_model": template._name,
            "res_id": template.id,
            "view_mode": "form",
            "target": "current",
        }

    def _starter_text(self, html):
        """A sentence the administrator edits: it names the record and the location."""
        if self.model == "crm.lead":
            text = "{{ object.company_id.name or user.company_id.name }}: {{ object.name }}"
        elif self.model == "repair.customer.communication":
            text = "{{ object.company_id.name }}: {{ object.customer_url }}"
        elif self.kind == "reminder":
            text = (
                "{{ object.company_id.name }}: reminder of your appointment on "
                "{{ format_datetime(object.schedule_date, tz=object.company_id.resource_calendar_id.tz) }}"
                " ({{ object.license_plate or object.name }})."
            )
        else:
            text = "{{ object.company_id.name }}: news about {{ object.license_plate or object.name }}."
        if html:
            qweb = text.replace("{{ ", '<t t-out="').replace(" }}", '"/>')
            return f"<div><p><t t-out=\"object.partner_id.name or ''\"/>,</p><p>{qweb}</p></div>"
        return text

    def action_view_notifications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "repair_customer_communication.action_customer_notification"
        )
        action["domain"] = [("rule_id", "=", self.id)]
        action["context"] = {"search_default_rule_id": self.id}
        return action

    def action_copy_to_all_locations(self):
        """Copy each selected rule to every other location (company) that has no identical rule yet."""
        companies = self.env.user.company_ids
        created = self.browse()
        for rule in self:
            for company in companies - rule.company_id:
                if rule.builtin:
                    # Every location has its own built-in rule: it takes the settings, no second one is made.
                    target = self.with_context(active_test=False).search(
                        [("company_id", "=", company.id), ("builtin", "=", True), ("trigger", "=", rule.trigger)]
                    )
                    target.write(rule._settings_values())
                    created |= target
                    continue
                if self._find_identical(rule, company):
                    continue
                created |= rule.copy({"company_id": company.id, "name": rule.name})
        message = (
            self.env._("%(count)s rule(s) copied to the other locations.", count=len(created))
            if created
            else self.env._("Every location already has these rules.")
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if created else "info",
                "message": message,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _settings_values(self):
        """What an administrator sets on a rule, to give another location's built-in rule the same."""
        self.ensure_one()
        return {
            "active": self.active,
            "interval_nbr": self.interval_nbr,
            "interval_unit": self.interval_unit,
            "working_hours_only": self.working_hours_only,
            "channel": self.channel,
            "fallback_channel": self.fallback_channel,
            "mail_template_id": self.mail_template_id.id,
            "sms_template_id": self.sms_template_id.id,
        }

    @api.model
    def _find_identical(self, rule, company):
        return self.search_count(
            [
                ("company_id", "=", company.id),
                ("trigger", "=", rule.trigger),
                ("state_to", "=", rule.state_to),
                ("stage_id", "=", rule.stage_id.id),
                ("channel", "=", rule.channel),
                ("interval_nbr", "=", rule.interval_nbr),
                ("interval_unit", "=", rule.interval_unit),
            ],
            limit=1,
        )
