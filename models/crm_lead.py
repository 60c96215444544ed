from odoo import api, fields, models


class CrmLead(models.Model):
    """The lead events the notification rules listen to: created, and moved to a stage."""

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
        self.env["customer.notification"]._on_event("lead_created", leads, "created")
        return leads

    def write(self, vals):
        if "stage_id" not in vals:
            return super().write(vals)
        before = {lead.id: lead.stage_id for lead in self}
        result = super().write(vals)
        moved = self.filtered(lambda lead: lead.stage_id != before[lead.id])
        stamp = fields.Datetime.to_string(self.env.cr.now())
        self.env["customer.notification"]._on_event(
            "lead_stage_to",
            moved,
            lambda lead: f"stage:{lead.stage_id.id}@{stamp}",
            rule_filter=lambda rule, lead: rule.stage_id == lead.stage_id,
        )
        return result
