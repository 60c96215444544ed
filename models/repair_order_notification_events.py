from odoo import api, fields, models


class RepairOrder(models.Model):
    """The work-order events the notification rules listen to (their triggers decide what they plan)."""

    _inherit = "repair.order"

    customer_notification_ids = fields.One2many(
        "customer.notification", "order_id", "Customer notifications", groups="base.group_user"
    )
    customer_notification_count = fields.Integer(
        compute="_compute_customer_notification_count", groups="base.group_user"
    )

    def _compute_customer_notification_count(self):
        counts = dict(
            self.env["customer.notification"]
            .sudo()
            ._read_group([("order_id", "in", self.ids)], ["order_id"], ["__count"])
        )
        for order in self:
            order.customer_notification_count = counts.get(order, 0)

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        self.env["customer.notification"]._on_record_event("created", orders)
        return orders

    def write(self, vals):
        Notification = self.env["customer.notification"]
        before = Notification._values_before(self, vals)
        result = super().write(vals)
        if before:
            Notification._on_record_event("changed", self, before)
        return result

    def action_view_customer_notifications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "repair_customer_communication.action_customer_notification"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
