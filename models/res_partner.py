import phonenumbers

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.search_normalize import compact, fold, phone_digit_variants

# Phone fields the workshop searches and texts. The module's own professional mobile is
# always stored in E.164; Odoo's `phone` only when typed in the workshop's own forms.
WORKSHOP_PHONE_FIELDS = ("phone", "mobile_professional")
# Context key the workshop's forms and pages set: store Odoo's `phone` in E.164 there.
WORKSHOP_PHONE_CONTEXT = "workshop_phone_e164"
# (channel, partner field, kind) of every address a person may have, in the order they are tried.
WORKSHOP_ADDRESS_FIELDS = [
    ("email", "email", "personal"),
    ("email", "email_professional", "professional"),
    ("sms", "phone", "personal"),
    ("sms", "mobile_professional", "professional"),
]


class ResPartner(models.Model):
    """Workshop customer data: communication flags, consents and search key."""

    _inherit = "res.partner"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------

    communication_blocked = fields.Boolean(
        "Block communication",
        tracking=True,
        help="A blocked customer receives nothing from the workshop, on any channel.",
    )
    is_internal_customer = fields.Boolean(
        "Internal customer",
        help="The workshop's own vehicles or staff: work done for the company itself.",
    )
    is_leasing_company = fields.Boolean(
        "Leasing company",
        help="A leasing company (contractor) that may have to approve work on its vehicles.",
    )
    dms_number = fields.Char(
        "DMS number",
        index="btree_not_null",
        copy=False,
        help="The customer's number in the dealer management system (external reference).",
    )
    preferred_channel = fields.Selection(
        [("email", "E-mail"), ("sms", "SMS")],
        default="email",
        required=True,
        help="Channel the send dialog pre-selects; the customer may change it during online check-in.",
    )
    accepts_automated_email = fields.Boolean(
        "Accepts automated e-mails",
        default=False,
        help="Consent to automated notifications and reminders by e-mail.",
    )
    accepts_automated_sms = fields.Boolean(
        "Accepts automated SMS",
        default=False,
        help="Consent to automated notifications and reminders by SMS.",
    )
    email_professional = fields.Char("Professional e-mail")
    mobile_professional = fields.Char("Professional mobile")
    customer_search_key = fields.Char(
        compute="_compute_customer_search_key",
        store=True,
        index="trigram",
        help="Folded name, e-mails, phone numbers and DMS number, for accent- and case-insensitive search.",
    )
    customer_search = fields.Char(
        "Customer search",
        compute="_compute_customer_search",
        search="_search_customer_search",
        help="Name, e-mail, phone in any format, DMS number or licence plate.",
    )
    driven_vehicle_ids = fields.One2many("fleet.vehicle", "driver_id", string="Driven vehicles")
    owned_vehicle_ids = fields.One2many("fleet.vehicle", "owner_id", string="Owned vehicles")
    workshop_vehicle_ids = fields.Many2many("fleet.vehicle", compute="_compute_workshop_vehicle_ids", string="Vehicles")
    workshop_vehicle_count = fields.Integer(compute="_compute_workshop_vehicle_ids", string="Vehicle count")
    workshop_order_ids = fields.Many2many("repair.order", compute="_compute_workshop_order_ids", string="Work orders")
    workshop_order_count = fields.Integer(compute="_compute_workshop_order_ids", string="Work order count")
    is_workshop_customer = fields.Boolean(
        "Workshop customer",
        compute="_compute_is_workshop_customer",
        search="_search_is_workshop_customer",
        help="Drives, owns or leases a vehicle, or has a work order, of the current locations.",
    )

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------

    # A number stored as typed is read in the partner's country, else its company's: both change its digits.
    @api.depends(
        "name",
        "email",
        "email_professional",
        "phone",
        "mobile_professional",
        "dms_number",
        "ref",
        "country_id",
        "company_id",
    )
    def _compute_customer_search_key(self):
        for partner in self:
            tokens = []
            for value in (partner.name, partner.email, partner.email_professional, partner.dms_number, partner.ref):
                if value:
                    tokens += [fold(value), compact(value)]
            for fname in WORKSHOP_PHONE_FIELDS:
                tokens += partner._phone_search_tokens(partner[fname])
            partner.customer_search_key = " | ".join(dict.fromkeys(t for t in tokens if t)) or False

    def _compute_customer_search(self):
        self.customer_search = False

    def _compute_workshop_vehicle_ids(self):
        vehicles = self.env["fleet.vehicle"]
        if self.ids:
            vehicles = vehicles.search(
                Domain.OR(
                    [
                        [("driver_id", "in", self.ids)],
                        [("owner_id", "in", self.ids)],
                        [("leasing_company_id", "in", self.ids)],
                    ]
                )
            )
        for partner in self:
            mine = vehicles.filtered(lambda v, p=partner: p in (v.driver_id | v.owner_id | v.leasing_company_id))
            partner.workshop_vehicle_ids = mine
            partner.workshop_vehicle_count = len(mine)

    def _compute_workshop_order_ids(self):
        if not self.ids:
            self.workshop_order_ids = False
            self.workshop_order_count = 0
            return
        orders = self.env["repair.order"].search(
            Domain.OR(
                [
                    [("partner_id", "in", self.ids)],
                    [("driver_id", "in", self.ids)],
                    [("owner_id", "in", self.ids)],
                    [("contractor_id", "in", self.ids)],
                ]
            )
        )
        for partner in self:
            mine = orders.filtered(
                lambda o, p=partner: p in (o.partner_id | o.driver_id | o.owner_id | o.contractor_id)
            )
            partner.workshop_order_ids = mine
            partner.workshop_order_count = len(mine)

    def _compute_is_workshop_customer(self):
        customers = self.with_context(active_test=False).search(
            [("id", "in", self.ids), ("is_workshop_customer", "=", True)]
        )
        for partner in self:
            partner.is_workshop_customer = partner in customers

    def _search_is_workshop_customer(self, operator, value):
        """The people on the vehicles and work orders of the current locations, as sub-selects of one query.

        Who is a customer is not a secret: the vehicles and orders are read without record rules, but
        only those of the companies the user works in (shared vehicles included).
        """
        if operator != "in":
            return NotImplemented
        companies = self.env.companies.ids
        Vehicle = self.env["fleet.vehicle"].sudo().with_context(active_test=True)
        Order = self.env["repair.order"].sudo()
        people = [(Vehicle, [*companies, False], fname) for fname in ("driver_id", "owner_id", "leasing_company_id")]
        people += [(Order, companies, fname) for fname in ("partner_id", "driver_id", "owner_id", "contractor_id")]
        domains = []
        for model, company_ids, fname in people:
            query = model._search([("company_id", "in", company_ids), (fname, "!=", False)])
            domains.append(Domain("id", "in", query.subselect(SQL.identifier(query.table, fname))))
        return Domain.OR(domains)

    def _search_customer_search(self, operator, value):
        """Name, e-mail, DMS number, phone in any format or licence plate.

        Case, accents, spaces and punctuation are ignored; a phone number matches
        whether typed in national or international form, spaced or not.
        """
        if operator not in ("ilike", "=ilike", "like", "="):
            return NotImplemented
        term = (value or "").strip()
        if not term:
            return Domain.TRUE
        domains = [Domain("customer_search_key", "ilike", fold(term))]
        squeezed = compact(term)
        if squeezed:
            domains += [
                Domain("customer_search_key", "ilike", squeezed),
                Domain("driven_vehicle_ids.plate_search_key", "ilike", squeezed),
                Domain("owned_vehicle_ids.plate_search_key", "ilike", squeezed),
            ]
        domains += [Domain("customer_search_key", "ilike", digits) for digits in phone_digit_variants(term)]
        return Domain.OR(domains)

    # ------------------------------------------------------------------
    # Constraints and CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize_phone_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        if any(fname in vals for fname in self._workshop_normalized_phone_fields()):
            if len(self) > 1 and "country_id" not in vals:
                # Each partner's own country decides how its number is read.
                for partner in self:
                    partner.write(dict(vals))
                return True
            self._normalize_phone_vals(vals, partner=self[:1])
        return super().write(vals)

    # ------------------------------------------------------------------
    # Tooling
    # ------------------------------------------------------------------

    def _workshop_normalized_phone_fields(self):
        """The phone fields this write stores in E.164.

        Odoo's `phone` is stored as Odoo stores it (its forms format it, its portal and
        imports keep what was given) except in the workshop's own forms, which set
        `WORKSHOP_PHONE_CONTEXT`: the add-on changes nothing of Odoo's partners outside
        its flows. Numbers are read in the partner's country wherever they are used, so
        a number stored as typed is texted and found all the same.
        """
        if self.env.context.get(WORKSHOP_PHONE_CONTEXT):
            return WORKSHOP_PHONE_FIELDS
        return ("mobile_professional",)

    def _normalize_phone_vals(self, vals, partner=None):
        """Store phone numbers in E.164 where they can be read (see `_workshop_normalized_phone_fields`).

        Odoo's own `phone` keeps what was typed when it cannot be read, as Odoo's forms
        and portal do (the partner form warns the workshop, and the contact policy does
        not text such a number); in the workshop's own forms it is refused, as the
        workshop's own professional mobile is everywhere, naming the field. The
        workshop's flows that take a number from a customer (check-in) refuse it
        through `_workshop_phone_e164`.
        """
        for fname in self._workshop_normalized_phone_fields():
            number = vals.get(fname)
            if not number or not isinstance(number, str):
                continue
            try:
                vals[fname] = self._workshop_phone_e164(number, vals=vals, partner=partner)
            except UserError as error:
                if fname == "phone" and not self.env.context.get(WORKSHOP_PHONE_CONTEXT):
                    continue  # Odoo's forms and portal keep what they cannot read
                raise ValidationError(
                    self.env._(
                        "%(field)s: “%(number)s” is not a valid phone number (%(reason)s).",
                        field=self._fields[fname]._description_string(self.env),
                        number=number,
                        reason=error.args[0],
                    )
                ) from error

    @api.model
    def _workshop_phone_e164(self, number, vals=None, partner=None):
        """`number` in E.164, read in the partner's country (from `vals` or `partner`), else the company's.

        Raises `UserError` (with phonenumbers' reason) when it cannot be read.
        """
        vals = vals or {}
        country = self.env["res.country"]
        if vals.get("country_id"):
            country = country.browse(vals["country_id"])
        elif partner:
            country = partner.country_id
        if not country:
            company_id = vals.get("company_id") or (partner and partner.company_id.id)
            company = self.env["res.company"].browse(company_id) if company_id else self.env.company
            country = company.country_id
        return self._phone_format_number(number, country=country, force_format="E164", raise_exception=True)

    def _workshop_phone_sanitized(self, number):
        """`number` in E.164, read in this partner's country (else the company's), or False if it cannot be read.

        Numbers are stored as typed outside the workshop's forms, so every reader
        (addresses, search, duplicates) goes through here rather than trusting storage.
        """
        if not number:
            return False
        partner = self[:1]
        try:
            return partner._workshop_phone_e164(number, partner=partner or None)
        except UserError:
            return False

    @api.onchange("phone", "country_id")
    def _onchange_workshop_phone_warning(self):
        """Warn the workshop's staff of a number that cannot be read: it is kept, but no SMS will reach it."""
        if not self.phone or not self.env.user.has_group("repair_customer_communication.group_workshop_mechanic"):
            return None
        try:
            self._workshop_phone_e164(self.phone, partner=self)
        except UserError as error:
            return {
                "warning": {
                    "title": self.env._("Phone number"),
                    "message": self.env._(
                        "“%(number)s” cannot be read as a phone number (%(reason)s): it is kept as typed, "
                        "but no SMS can be sent to it.",
                        number=self.phone,
                        reason=error.args[0],
                    ),
                }
            }
        return None

    def _workshop_phone_link(self, number):
        """(``tel:`` address, number as read aloud in international form) of a number read in this
        partner's country; None when there is no number, the number as typed when it cannot be read."""
        if not number:
            return None
        try:
            parsed = phonenumbers.parse(self._workshop_phone_sanitized(number) or number, None)
        except phonenumbers.NumberParseException:
            return f"tel:{compact(number)}", number
        return (
            phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.RFC3966),
            phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
        )

    def _phone_search_tokens(self, number):
        """Digits of a stored number (read in this partner's country) in international and national form."""
        if not number:
            return []
        try:
            parsed = phonenumbers.parse(self._workshop_phone_sanitized(number) or number, None)
        except phonenumbers.NumberParseException:
            return [compact(number)]
        national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
        return [f"{parsed.country_code}{parsed.national_number}", compact(national)]

    def _workshop_addresses(self, channel=None, unreadable=False):
        """[(channel, kind, address)] of this person, in the order the workshop tries them.

        `kind` is ``personal`` or ``professional``; `channel` narrows to ``email`` or ``sms``.
        A phone number that cannot be read (kept as typed) is no SMS address, unless
        `unreadable` asks for it too (to show it, refused, in the send dialog).
        """
        self.ensure_one()
        addresses = []
        for address_channel, fname, kind in WORKSHOP_ADDRESS_FIELDS:
            address = self[fname]
            if not address or channel not in (None, address_channel):
                continue
            if address_channel == "sms":
                address = self._workshop_phone_sanitized(address) or (unreadable and address)
            if address:
                addresses.append((address_channel, kind, address))
        return addresses

    def _workshop_contact_refusal(self, channel, automated):
        """Why this person may not be sent a message on `channel`, or None if they may.

        The workshop's one contact policy; every sender asks it and nothing else reads
        the flags behind it:

        - a blocked customer receives nothing, ever, on any channel;
        - a message a receptionist causes (sending an overview or a report, a re-send,
          a price change they confirmed: ``automated=False``) needs "not blocked" only;
        - a message a schedule or a rule causes with no person acting (check-in
          invitation, reminders, notifications, nudges, follow-ups: ``automated=True``)
          also needs the customer's consent to automated messages on that channel.

        Whether an address exists is not part of it: see `_workshop_addresses`.
        """
        self.ensure_one()
        if self.communication_blocked:
            return self.env._("%(name)s has blocked communication.", name=self.display_name)
        if automated and not (self.accepts_automated_sms if channel == "sms" else self.accepts_automated_email):
            if channel == "sms":
                return self.env._("%(name)s has not agreed to automated SMS.", name=self.display_name)
            return self.env._("%(name)s has not agreed to automated e-mails.", name=self.display_name)
        return None

    def _workshop_reachable(self, channel, automated):
        """(address, None) of the first address of this person on `channel` the policy allows, else (None, why)."""
        self.ensure_one()
        addresses = self._workshop_addresses(channel)
        if not addresses:
            if channel == "sms" and self._workshop_addresses(channel, unreadable=True):
                return None, self.env._("%(name)s has no mobile number that can be read.", name=self.display_name)
            if channel == "sms":
                return None, self.env._("%(name)s has no mobile number.", name=self.display_name)
            return None, self.env._("%(name)s has no e-mail address.", name=self.display_name)
        refusal = self._workshop_contact_refusal(channel, automated)
        if refusal:
            return None, refusal
        return addresses[0][2], None

    @api.model
    def _workshop_contact_points(self, people, automated=False):
        """Every address of `people` ([(role, role label, partner)]), as the send dialog lists them.

        One dict per address, in the given order: ``role``, ``role_label``, ``partner``,
        ``channel`` (``email``/``sms``), ``kind`` (``personal``/``professional``),
        ``address``, ``allowed`` and ``refusal`` (from the contact policy; ``blocked``
        is ``not allowed``, kept for the views) and ``preferred`` (the person's
        preferred channel). The same address held by two roles is listed once,
        under the first role.
        """
        points, seen = [], set()
        for role, role_label, partner in people:
            if not partner:
                continue
            for channel, kind, address in partner._workshop_addresses(unreadable=True):
                if (channel, address.lower()) in seen:
                    continue
                seen.add((channel, address.lower()))
                refusal = partner._workshop_contact_refusal(channel, automated)
                if not refusal and channel == "sms" and not partner._workshop_phone_sanitized(address):
                    refusal = self.env._("“%(number)s” cannot be read as a mobile number.", number=address)
                points.append(
                    {
                        "role": role,
                        "role_label": role_label,
                        "partner": partner,
                        "channel": channel,
                        "kind": kind,
                        "address": address,
                        "allowed": not refusal,
                        "refusal": refusal,
                        "blocked": bool(refusal),
                        "preferred": partner.preferred_channel == channel,
                    }
                )
        return points

    @api.model
    def _workshop_preferred_point(self, points):
        """The point to pre-select or to use unattended: the first allowed one on its owner's preferred channel."""
        allowed = [point for point in points if point["allowed"]]
        return next((point for point in allowed if point["preferred"]), allowed[0] if allowed else None)

    @api.model
    def _workshop_policy_fields(self):
        """The partner fields the policy reads, to prefetch a batch's recipients at once."""
        return [
            *(fname for _channel, fname, _kind in WORKSHOP_ADDRESS_FIELDS),
            "name",
            "preferred_channel",
            "communication_blocked",
            "accepts_automated_sms",
            "accepts_automated_email",
        ]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_open_workshop_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("repair.action_repair_order_tree")
        action["domain"] = [("id", "in", self.workshop_order_ids.ids)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_open_workshop_vehicles(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("repair_customer_communication.action_workshop_vehicles")
        action["domain"] = [("id", "in", self.workshop_vehicle_ids.ids)]
        action["context"] = {"default_driver_id": self.id}
        return action
