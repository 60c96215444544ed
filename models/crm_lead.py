from odoo import api, models


class CrmLead(models.Model):
    """The lead events the notification rules listen to (their triggers decide what they plan)."""

    _inherit = "crm.lead"

    def _workshop_responsible_user(self):
        """Who gets the to-dos of this lead: its salesperson, else whoever created it."""
        self.ensure_one()
        for user in (self.user_id, self.create_uid):
            if user and user.active and not user.share:
                return user
        return self.env.ref("base.user_admin")

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        self.env["customer.notification"]._on_record_event("created", leads)
        return leads

    def write(self, vals):
        Notification = self.env["customer.notification"]
        before = Notification._values_before(self, vals)
        result = super().write(vals)
        if before:
            Notification._on_record_event("changed", self, before)
        return result
