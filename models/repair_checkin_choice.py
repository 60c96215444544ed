from odoo import fields, models
from odoo.exceptions import AccessError

RECEPTIONIST_GROUP = "repair_customer_communication.group_workshop_receptionist"


class RepairCheckinChoice(models.Model):
    """A check-in service the customer ordered, or asked to be called about; reception handles it.

    The choice is the customer's answer: no staff role writes it (read-only access).
    Reception handles it through its button, which makes the work item with the
    user's rights and marks the choice handled as the module.
    """

    _name = "repair.checkin.choice"
    _description = "Check-in choice"
    _order = "handled, id"

    communication_id = fields.Many2one("repair.customer.communication", required=True, ondelete="cascade", index=True)
    order_id = fields.Many2one(related="communication_id.order_id", store=True, index=True)
    company_id = fields.Many2one(related="communication_id.company_id", store=True)
    currency_id = fields.Many2one(related="communication_id.currency_id")
    service_id = fields.Many2one("repair.checkin.service", required=True, ondelete="restrict")
    choice = fields.Selection([("order", "Ordered"), ("contact", "Call me about it")], required=True)
    price_total = fields.Monetary("Price incl. VAT", help="The price the customer saw.")
    handled = fields.Boolean(readonly=True)
    work_item_id = fields.Many2one("repair.work.item", "Work item", readonly=True)

    _service_once = models.Constraint("UNIQUE (communication_id, service_id)", "A service is chosen once per check-in.")

    def action_handle(self):
        """Ordered services that convert become work items; the rest are simply marked handled."""
        if not self.env.su and not self.env.user.has_group(RECEPTIONIST_GROUP):
            raise AccessError(self.env._("Only reception handles the customer's check-in choices."))
        self.check_access("read")
        for choice in self.filtered(lambda c: not c.handled):
            service = choice.service_id
            if choice.choice == "order" and service.convert_to_work_item:
                choice.sudo().work_item_id = self.env["repair.work.item"].create(
                    {
                        "order_id": choice.order_id.id,
                        "name": service.name,
                        "customer_note": service.description,
                        "category": "scheduled",
                        "origin": "checkin",
                        "product_id": service.product_id.id,
                        "price_unit": service.price_unit,
                        "tax_ids": [fields.Command.set(service.tax_ids.ids)],
                        "authorization": "approved",
                    }
                )
                # The customer ordered it on their check-in page: their answer, written as the module.
                choice.work_item_id.sudo().customer_decision = "accepted"
            choice.sudo().handled = True
