from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command


class RepairCommunicationSend(models.TransientModel):
    """The "Customer communication" dialog: recipient, note, the items to share, send."""

    _name = "repair.communication.send"
    _description = "Send a customer communication"

    order_id = fields.Many2one("repair.order", required=True, readonly=True)
    kind = fields.Selection(
        [("overview", "Diagnostic overview"), ("report", "Repair report")], default="overview", required=True
    )
    currency_id = fields.Many2one(related="order_id.currency_id")
    recipient_ids = fields.One2many("repair.communication.send.recipient", "wizard_id", string="Recipients")
    note = fields.Text("Note for the customer", help="Shown on the customer's welcome window.")
    # The order's own items: what is edited here is written to the work order.
    work_item_ids = fields.One2many(related="order_id.work_item_ids", readonly=False, string="Items")
    items_amount_total = fields.Monetary(related="order_id.items_amount_total")
    last_overview_id = fields.Many2one(related="order_id.last_overview_id")
    checkin_approval_limit = fields.Monetary(related="order_id.checkin_approval_limit")

    @api.model
    def default_get(self, fields_list):
        """List every address of the order's contacts, the preferred one selected."""
        values = super().default_get(fields_list)
        order = self.env["repair.order"].browse(values.get("order_id") or self.env.context.get("default_order_id"))
        if not order:
            return values
        points = order._get_customer_contact_points()
        preferred = order._get_preferred_contact_point(points)
        if "recipient_ids" in fields_list:
            values["recipient_ids"] = [
                Command.create(
                    {
                        "sequence": index,
                        "role": point["role"],
                        "partner_id": point["partner"].id,
                        "channel": point["channel"],
                        "kind": point["kind"],
                        "address": point["address"],
                        "blocked": point["blocked"],
                        "selected": point is preferred,
                    }
                )
                for index, point in enumerate(points)
            ]
        if (
            "note" in fields_list
            and not values.get("note")
            and order.last_overview_id
            and values.get("kind") != "report"
        ):
            values["note"] = order.last_overview_id.note
        return values

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer communication"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_send(self):
        """Send a new version of the overview to the selected address."""
        self.ensure_one()
        recipient = self.recipient_ids.filtered("selected")[:1]
        if not recipient:
            raise UserError(self.env._("Choose the e-mail address or mobile number to send to."))
        refusal = recipient.partner_id._workshop_contact_refusal(recipient.channel, automated=False)
        if refusal:
            raise UserError(self.env._("%(reason)s Choose another recipient.", reason=refusal))
        if self.kind == "overview" and not self.order_id.work_item_ids.filtered("visible_to_customer"):
            raise UserError(self.env._("Show at least one item to the customer (the eye) before sending."))
        point = {
            "role": recipient.role,
            "partner": recipient.partner_id,
            "channel": recipient.channel,
            "address": recipient.address,
        }
        communication = self.order_id._prepare_customer_communication(point, note=self.note, kind=self.kind)
        communication._send()
        return {"type": "ir.actions.act_window_close"}

    def action_resend(self):
        """Send the current link again, unchanged, to the address it went to."""
        self.ensure_one()
        current = self.order_id.last_overview_id
        if not current:
            raise UserError(self.env._("Nothing was sent yet."))
        current._send()
        return {"type": "ir.actions.act_window_close"}
