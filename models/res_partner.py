import phonenumbers

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

from ..tools.search_normalize import compact, fold, phone_digit_variants

# Phone fields normalised to E.164 on every write, with their labels.
WORKSHOP_PHONE_FIELDS = ("phone", "mobile_professional")


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

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------

    @api.depends("name", "email", "email_professional", "phone", "mobile_professional", "dms_number", "ref")
    def _compute_customer_search_key(self):
        for partner in self:
            tokens = []
            for value in (partner.name, partner.email, partner.email_professional, partner.dms_number, partner.ref):
                if value:
                    tokens += [fold(value), compact(value)]
            for fname in WORKSHOP_PHONE_FIELDS:
                tokens += self._phone_search_tokens(partner[fname])
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
        if any(fname in vals for fname in WORKSHOP_PHONE_FIELDS):
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

    def _normalize_phone_vals(self, vals, partner=None):
        """Store phone numbers in E.164; refuse, naming the field, what cannot be read.

        The country is the partner's (from the values or the record), else the
        company's.
        """
        country = self.env["res.country"]
        if vals.get("country_id"):
            country = country.browse(vals["country_id"])
        elif partner:
            country = partner.country_id
        if not country:
            company_id = vals.get("company_id") or (partner and partner.company_id.id)
            company = self.env["res.company"].browse(company_id) if company_id else self.env.company
            country = company.country_id
        for fname in WORKSHOP_PHONE_FIELDS:
            number = vals.get(fname)
            if not number or not isinstance(number, str):
                continue
            try:
                vals[fname] = self._phone_format_number(
                    number, country=country, force_format="E164", raise_exception=True
                )
            except UserError as error:
                raise ValidationError(
                    self.env._(
                        "%(field)s: “%(number)s” is not a valid phone number (%(reason)s).",
                        field=self._fields[fname]._description_string(self.env),
                        number=number,
                        reason=error.args[0],
                    )
                ) from error

    @api.model
    def _phone_search_tokens(self, number):
        """Digits of a stored E.164 number in international and national form."""
        if not number:
            return []
        try:
            parsed = phonenumbers.parse(number, None)
        except phonenumbers.NumberParseException:
            return [compact(number)]
        national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
        return [f"{parsed.country_code}{parsed.national_number}", compact(national)]

    def _workshop_can_be_contacted(self):
        """Manual (transactional) messages: only the block flag matters."""
        self.ensure_one()
        return not self.communication_blocked

    def _workshop_accepts_automated(self, channel):
        """Automated messages need both "not blocked" and consent on the channel."""
        self.ensure_one()
        if self.communication_blocked:
            return False
        return self.accepts_automated_sms if channel == "sms" else self.accepts_automated_email

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
