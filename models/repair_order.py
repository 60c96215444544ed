from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import AccessError

from .repair_work_item import WORK_ITEM_CATEGORIES

# The contacts of a work order, in the order the send dialog lists them.
CONTACT_ROLES = [
    ("driver", "Driver"),
    ("owner", "Owner"),
    ("contractor", "Contractor"),
]


class RepairOrder(models.Model):
    """A workshop work order: the vehicle, the people around it and its work items."""

    _inherit = "repair.order"
    # Orders with check-in items to handle stay on top (then Odoo's own order).
    _order = "checkin_pinned desc, priority desc, create_date desc"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------

    currency_id = fields.Many2one(related="company_id.currency_id")
    vehicle_id = fields.Many2one("fleet.vehicle", index="btree_not_null", tracking=True)
    license_plate = fields.Char(related="vehicle_id.license_plate", string="Licence plate")
    vehicle_odometer = fields.Float(related="vehicle_id.odometer", string="Odometer")
    driver_id = fields.Many2one(
        "res.partner",
        compute="_compute_vehicle_people",
        store=True,
        readonly=False,
        index="btree_not_null",
    )
    owner_id = fields.Many2one(
        "res.partner",
        compute="_compute_vehicle_people",
        store=True,
        readonly=False,
        index="btree_not_null",
    )
    contractor_id = fields.Many2one(
        "res.partner",
        compute="_compute_vehicle_people",
        store=True,
        readonly=False,
        index="btree_not_null",
        domain=[("is_leasing_company", "=", True)],
        help="The leasing company of the vehicle.",
    )
    communication_blocked = fields.Boolean(
        compute="_compute_communication_blocked",
        help="The customer or one of the contacts has blocked communication.",
    )
    work_item_ids = fields.One2many("repair.work.item", "order_id", string="Work items", copy=True)
    # One list per category, so that the form shows them in their fixed order.
    work_item_scheduled_ids = fields.One2many(
        "repair.work.item", "order_id", domain=[("category", "=", "scheduled")], string="Scheduled services"
    )
    work_item_necessary_ids = fields.One2many(
        "repair.work.item", "order_id", domain=[("category", "=", "necessary")], string="Necessary"
    )
    work_item_recommended_ids = fields.One2many(
        "repair.work.item", "order_id", domain=[("category", "=", "recommended")], string="Recommended"
    )
    work_item_ok_ids = fields.One2many(
        "repair.work.item", "order_id", domain=[("category", "=", "ok")], string="Checked and OK"
    )
    work_item_count = fields.Integer(compute="_compute_work_item_amounts", string="Work item count")
    amount_scheduled_total = fields.Monetary("Scheduled services total", compute="_compute_work_item_amounts")
    amount_necessary_total = fields.Monetary("Necessary total", compute="_compute_work_item_amounts")
    amount_recommended_total = fields.Monetary("Recommended total", compute="_compute_work_item_amounts")
    amount_ok_total = fields.Monetary("Checked and OK total", compute="_compute_work_item_amounts")
    items_amount_untaxed = fields.Monetary("Items without VAT", compute="_compute_work_item_amounts")
    items_amount_tax = fields.Monetary("Items VAT", compute="_compute_work_item_amounts")
    items_amount_total = fields.Monetary("Items incl. VAT", compute="_compute_work_item_amounts")

    communication_ids = fields.One2many("repair.customer.communication", "order_id", string="Communications")
    customer_event_ids = fields.One2many("repair.customer.event", "order_id", string="Communication log")
    customer_remark_ids = fields.One2many("repair.customer.remark", "order_id", string="Important items")
    last_overview_id = fields.Many2one(
        "repair.customer.communication",
        compute="_compute_customer_progress",
        store=True,
        string="Current overview",
    )
    customer_progress = fields.Selection(
        [
            ("none", "Not sent"),
            ("sent", "Offer sent"),
            ("delivered", "Received, not opened"),
            ("opened", "Opened"),
            ("confirmed", "Confirmed by the customer"),
            ("closed", "Closed for changes"),
            ("report", "Repair report can be sent"),
        ],
        compute="_compute_customer_progress",
        store=True,
        index=True,
        default="none",
        string="Customer communication",
    )

    checkin_communication_id = fields.Many2one(
        "repair.customer.communication",
        compute="_compute_checkin_state",
        store=True,
        string="Current check-in",
    )
    checkin_choice_ids = fields.One2many(
        related="checkin_communication_id.checkin_choice_ids", string="Check-in choices"
    )
    checkin_open_choice_ids = fields.One2many(
        "repair.checkin.choice",
        "order_id",
        domain=[("handled", "=", False)],
        string="Check-in choices to handle",
        help="Handled choices leave the check-in section (converted ones are work items now).",
    )
    checkin_approval_limit = fields.Monetary(related="checkin_communication_id.approval_limit", string="Go-ahead limit")
    checkin_answered = fields.Boolean(compute="_compute_checkin_state", store=True, string="Checked in")
    checkin_open_count = fields.Integer(compute="_compute_checkin_state", store=True, string="Check-in items to handle")
    checkin_pinned = fields.Boolean(
        compute="_compute_checkin_state",
        store=True,
        index=True,
        help="Kept at the top of the list while check-in items are not handled.",
    )
    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------

    @api.depends(
        "communication_ids.state",
        "communication_ids.kind",
        "communication_ids.checkin_choice_ids.handled",
        "customer_remark_ids.is_read",
        "customer_remark_ids.communication_id",
    )
    def _compute_checkin_state(self):
        for order in self:
            current = order._current_communication("checkin")
            order.checkin_communication_id = current
            order.checkin_answered = current.state in ("confirmed", "closed") if current else False
            remarks = order.customer_remark_ids.filtered(lambda r, c=current: r.communication_id == c and not r.is_read)
            open_count = (
                len(current.checkin_choice_ids.filtered(lambda c: not c.handled)) + len(remarks) if current else 0
            )
            order.checkin_open_count = open_count if order.checkin_answered else 0
            order.checkin_pinned = bool(order.checkin_open_count)

    @api.depends("communication_ids.state", "communication_ids.kind", "state")
    def _compute_customer_progress(self):
        for order in self:
            current = order._current_communication("overview")
            order.last_overview_id = current
            if order.state == "done":
                order.customer_progress = "report"
            elif current:
                order.customer_progress = current.state
            else:
                order.customer_progress = "none"

    @api.depends("vehicle_id")
    def _compute_vehicle_people(self):
        """The order's people follow its vehicle; without a vehicle, people typed by hand stay."""
        for order in self:
            vehicle = order.vehicle_id
            if not vehicle:
                continue
            order.driver_id = vehicle.driver_id
            order.owner_id = vehicle.owner_id
            order.contractor_id = vehicle.leasing_company_id

    @api.depends("vehicle_id")
    def _compute_partner_id(self):  # pylint: disable=missing-return
        """The vehicle's owner (else its driver) is the customer, unless a picking says otherwise."""
        with_picking = self.filtered("picking_id")
        super(RepairOrder, with_picking)._compute_partner_id()
        for order in self - with_picking:
            vehicle = order.vehicle_id
            order.partner_id = vehicle.owner_id or vehicle.driver_id or order.partner_id

    @api.depends(
        "partner_id.communication_blocked",
        "driver_id.communication_blocked",
        "owner_id.communication_blocked",
        "contractor_id.communication_blocked",
    )
    def _compute_communication_blocked(self):
        for order in self:
            people = order.partner_id | order.driver_id | order.owner_id | order.contractor_id
            order.communication_blocked = any(
                person._workshop_contact_refusal("email", automated=False) for person in people
            )

    @api.depends(
        "work_item_ids.category",
        "work_item_ids.price_subtotal",
        "work_item_ids.price_total",
        "work_item_ids.part_line_ids.price_subtotal",
        "currency_id",
    )
    def _compute_work_item_amounts(self):
        AccountTax = self.env["account.tax"]
        for order in self:
            items = order.work_item_ids
            totals = dict.fromkeys((key for key, _label in WORK_ITEM_CATEGORIES), 0.0)
            for item in items:
                totals[item.category] += item.price_total
            order.amount_scheduled_total = totals["scheduled"]
            order.amount_necessary_total = totals["necessary"]
            order.amount_recommended_total = totals["recommended"]
            order.amount_ok_total = totals["ok"]
            order.work_item_count = len(items)
            company = order.company_id or self.env.company
            currency = order.currency_id or company.currency_id
            base_lines = [base_line for item in items for base_line in item._base_lines_for_totals()]
            AccountTax._add_tax_details_in_base_lines(base_lines, company)
            AccountTax._round_base_lines_tax_details(base_lines, company)
            summary = AccountTax._get_tax_totals_summary(base_lines, currency, company)
            order.items_amount_untaxed = summary["base_amount_currency"]
            order.items_amount_tax = summary["tax_amount_currency"]
            order.items_amount_total = summary["total_amount_currency"]

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------

    def _workshop_responsible_user(self, *candidates):
        """Who gets the to-dos of this order: its responsible, else `candidates` (who sent it...), if they work here.

        The administrator comes last: they may not belong to this location, and
        its receptionists could then not even see whom the to-do is for.
        """
        self.ensure_one()
        for user in (self.user_id, *candidates, self.create_uid):
            if user and user.active and not user.share and self.company_id in user.company_ids:
                return user
        return self.env.ref("base.user_admin")

    def _workshop_todo_for_customer_action(self, summary, note=None, *candidates):
        """A to-do for reception about something a customer did on their page.

        Made by the superuser, not by the public user the customer's request runs as:
        the chatter shows who made each activity, and staff of a location other than
        the public user's company may not read that user (Odoo's multi-company rule on
        portal and public users), so the work order would open on an access error.
        """
        self.ensure_one()
        return (
            self.with_user(SUPERUSER_ID)
            .sudo()
            .activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=note,
                user_id=self._workshop_responsible_user(*candidates).id,
            )
        )

    def _get_customer_contact_points(self, automated=False):
        """Every e-mail address and mobile number of the driver, owner and contractor, in role order.

        Listed and judged by the contact policy (`res.partner._workshop_contact_points`).
        """
        self.ensure_one()
        labels = self._contact_role_labels()
        people = [(role, labels[role], self[f"{role}_id"]) for role, _label in CONTACT_ROLES]
        return self.env["res.partner"]._workshop_contact_points(people, automated=automated)

    def _current_communication(self, kind):
        """The newest live communication of that kind (sent and neither replaced nor revoked), or none."""
        self.ensure_one()
        return self.communication_ids.filtered(
            lambda c: c.kind == kind and c.state not in ("draft", "superseded", "revoked")
        ).sorted("id")[-1:]

    def _prepare_customer_communication(self, point, note=False, kind="overview"):
        """A new version of the customer communication for one contact point (not sent yet).

        The version before it is superseded once this one goes out: its link then leads to this one.
        """
        self.ensure_one()
        return self._prepare_customer_communications({self.id: point}, note=note, kind=kind)

    def _prepare_customer_communications(self, points, note=False, kind="overview"):
        """A new version of the communication of each order for its contact point ({order id: point}), at once."""
        vals_list = []
        for order in self:
            point = points[order.id]
            partner = point["partner"]
            versions = order.communication_ids.filtered(lambda c: c.kind == kind).mapped("version")
            vals_list.append(
                {
                    "order_id": order.id,
                    "kind": kind,
                    "version": max(versions, default=0) + 1,
                    "previous_id": order._current_communication(kind).id,
                    "partner_id": partner.id,
                    "recipient_role": point.get("role", "customer"),
                    "channel": point["channel"],
                    "address": point["address"],
                    "lang": partner.lang or self.env.lang,
                    "note": note,
                    "show_prices": order.company_id.repair_show_prices,
                }
            )
        # The customer's evidence is written by the module's own code only (staff have read access):
        # whoever may change the work order may prepare a version for its customer.
        self.check_access("write")
        communications = self.env["repair.customer.communication"].sudo().create(vals_list)
        if kind in ("overview", "checkin"):
            self.env["repair.customer.communication.line"].sudo().create(
                [
                    values
                    for communication in communications
                    for values in communication._snapshot_values(
                        communication.order_id.work_item_ids.filtered("visible_to_customer")
                    )
                ]
            )
        return communications.with_env(self.env)

    def _get_preferred_contact_point(self, points=None, automated=False):
        """The address to pre-select: the first one on its owner's preferred channel the policy allows."""
        self.ensure_one()
        points = self._get_customer_contact_points(automated=automated) if points is None else points
        return self.env["res.partner"]._workshop_preferred_point(points)

    def _send_overview_to_preferred_contact(self, note=False):
        """Send a new version of the overview to the preferred address; returns it (or nothing to send to)."""
        communications = self.env["repair.customer.communication"]
        for order in self:
            point = order._get_preferred_contact_point()
            if not point:
                continue
            communication = order._prepare_customer_communication(point, note=note)
            communication._send()
            communications |= communication
        return communications.with_env(self.env)

    def action_apply_customer_answers(self):
        """Authorise what the customer wants, refuse what they declined; leave the rest to decide.

        On a confirmed order, the change dialog first says what it does to the order
        (as the items' Authorise and Refuse buttons do).
        """
        changes = self._customer_answer_changes()
        Item = self.env["repair.work.item"]
        to_approve, to_refuse = changes.get("approved", Item), changes.get("refused", Item)
        on_confirmed = (to_approve | to_refuse).filtered(lambda item: item.order_id.sale_order_id.state == "sale")
        if on_confirmed and not self.env.context.get("repair_quotation_change_confirmed"):
            return self.env["repair.quotation.change"]._open_dialog(
                {
                    "item_ids": [Command.set((to_approve or to_refuse).ids)],
                    "authorization": "approved" if to_approve else "refused",
                    "refuse_item_ids": [Command.set(to_refuse.ids if to_approve else [])],
                }
            )
        to_approve.authorization = "approved"
        to_refuse.authorization = "refused"
        return True

    def _customer_answer_changes(self):
        """{authorisation: items} that applying the customer's answers changes."""
        mapping = {"accepted": "approved", "declined": "refused", "disagree": "refused"}
        changes = {}
        for item in self.work_item_ids:
            authorization = mapping.get(item.customer_decision)
            if authorization and item.authorization != authorization:
                changes[authorization] = changes.get(authorization, self.env["repair.work.item"]) | item
        return changes

    def action_close_customer_overview(self):
        """No more changes from the customer: the mechanics work from the authorised items."""
        if not self.env.user.has_group("repair_customer_communication.group_workshop_receptionist"):
            raise AccessError(self.env._("Only reception may close an overview for changes."))
        self.check_access("write")
        for order in self:
            overview = order.last_overview_id
            if overview and overview.state in ("sent", "delivered", "opened", "confirmed"):
                overview.sudo().write({"state": "closed", "closed_at": fields.Datetime.now()})
                overview._log_event("closed")

    def _update_sent_overview(self):
        """Keep the customer's overview in line with the items after a change.

        Not opened yet: the same link shows the new prices. Opened: a new version is
        planned in the customer message queue, in this transaction, and the job sends
        it (reception confirmed the change when the form warned them; an import or a
        server action behaves the same). Confirmed or closed: nothing changes behind
        the customer's back (reception sends a new overview).
        """
        for order in self:
            overview = order.last_overview_id
            if not overview or overview.state not in ("sent", "delivered", "opened"):
                continue
            if overview.partner_id._workshop_contact_refusal(overview.channel, automated=False):
                continue  # blocked since: nothing more goes out to them
            items = order.work_item_ids.filtered("visible_to_customer")
            if overview.state in ("sent", "delivered") and not overview.line_ids.filtered("decision"):
                # Not opened, nothing answered: the same link shows the new prices.
                overview.line_ids.sudo().unlink()
                overview._snapshot_items(items)
                continue
            pending = order._pending_overview_version()
            if pending:
                pending.line_ids.sudo().unlink()
                pending._snapshot_items(items)
                continue
            point = {
                "role": overview.recipient_role,
                "partner": overview.partner_id,
                "channel": overview.channel,
                "address": overview.address,
            }
            new_version = order._prepare_customer_communication(point, note=overview.note)
            new_version._issue_token()
            self.env["customer.notification"]._queue_links(new_version)

    def _pending_overview_version(self):
        """The new overview version already waiting in the queue for this order, if any."""
        self.ensure_one()
        waiting = (
            self.env["customer.notification"]
            .sudo()
            .search(
                [
                    ("order_id", "=", self.id),
                    ("state", "=", "queued"),
                    ("cause", "=", "manual"),
                    ("communication_id.kind", "=", "overview"),
                    ("communication_id.state", "=", "draft"),
                ],
                limit=1,
            )
        )
        return waiting.communication_id

    # ------------------------------------------------------------------
    # Online check-in
    # ------------------------------------------------------------------

    def _send_planned_checkin_invitation(self):
        """Send now the check-in invitation the location's rule planned for the current appointment.

        The demo uses it to have a check-in link at once; the queue's job would send it at its time.
        """
        planned = (
            self.env["customer.notification"]
            .sudo()
            .search(
                [
                    ("order_id", "in", self.ids),
                    ("trigger", "=", "checkin_invitation"),
                    ("state", "=", "queued"),
                ]
            )
        )
        return planned._send_now()

    def action_open_customer_communication(self):
        """The send dialog."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer communication"),
            "res_model": "repair.communication.send",
            "view_mode": "form",
            "target": "new",
            # Prices edited in the dialog go out with the version it sends, not as one more.
            "context": {"default_order_id": self.id, "repair_skip_overview_update": True, "dialog_size": "extra-large"},
        }

    def action_preview_customer_communication(self):
        """The current overview, read-only, exactly as the customer sees it now."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/workshop/preview/{self.last_overview_id.id}",
            "target": "new",
        }

    def action_send_repair_report(self):
        """The send dialog, for the repair report of a finished order."""
        action = self.action_open_customer_communication()
        action["name"] = self.env._("Send the repair report")
        action["context"] = dict(action["context"], default_kind="report")
        return action

    def _contact_role_labels(self):
        return {
            "driver": self.env._("Driver"),
            "owner": self.env._("Owner"),
            "contractor": self.env._("Contractor"),
        }

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_open_work_items(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("repair_customer_communication.action_repair_work_items")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id}
        return action
