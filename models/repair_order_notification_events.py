from odoo import api, fields, models


class RepairOrder(models.Model):
    """The work-order events the notification rules listen to."""

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
        Notification = self.env["customer.notification"]
        rules = Notification._rules_for(orders.company_id, ["order_created", "order_reminder"])
        if rules:
            Notification._on_event("order_created", orders, "created", rules=rules)
            Notification._sync_reminders(orders, rules)
        return orders

    def write(self, vals):
        watched = {"state", "schedule_date"} & set(vals)
        if not watched:
            return super().write(vals)
        before = {order.id: (order.state, order.schedule_date) for order in self}
        result = super().write(vals)
        self._notify_changes(before)
        return result

    def _notify_changes(self, before):
        """Queue the messages of the status and date changes just written (`before`: id -> old values)."""
        Notification = self.env["customer.notification"]
        # One search for the four kinds of rules a change may concern.
        rules = Notification._rules_for(
            self.company_id, ["order_state_any", "order_state_to", "order_schedule_changed", "order_reminder"]
        )
        if not rules:
            return
        stamp = fields.Datetime.to_string(self.env.cr.now())
        state_changed = self.filtered(lambda o: o.state != before[o.id][0])
        date_changed = self.filtered(lambda o: o.schedule_date != before[o.id][1])

        def state_key(order):
            return f"state:{before[order.id][0]}>{order.state}@{stamp}"

        Notification._on_event("order_state_any", state_changed, state_key, rules=rules)
        Notification._on_event(
            "order_state_to",
            state_changed,
            state_key,
            rule_filter=lambda rule, order: rule.state_to == order.state,
            rules=rules,
        )
        Notification._on_event(
            "order_schedule_changed",
            date_changed,
            lambda order: f"schedule:{fields.Datetime.to_string(order.schedule_date)}@{stamp}",
            rules=rules,
        )
        Notification._sync_reminders(state_changed | date_changed, rules)

    def action_view_customer_notifications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "repair_customer_communication.action_customer_notification"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
