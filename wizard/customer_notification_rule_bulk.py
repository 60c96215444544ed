from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.customer_notification_rule import CHANNELS, RULE_CHANNELS


class CustomerNotificationRuleBulk(models.TransientModel):
    """Change the channel or the template of several rules at once."""

    _name = "customer.notification.rule.bulk"
    _description = "Change several notification rules"

    rule_ids = fields.Many2many("customer.notification.rule", string="Rules", required=True)
    rule_count = fields.Integer(compute="_compute_rule_count")
    model = fields.Char(compute="_compute_model")
    change = fields.Selection([("channel", "Channel"), ("template", "Template")], required=True, default="template")
    channel = fields.Selection(RULE_CHANNELS)
    fallback_channel = fields.Selection(CHANNELS)
    mail_template_id = fields.Many2one("mail.template", "E-mail template", domain="[('model', '=', model)]")
    sms_template_id = fields.Many2one("sms.template", "SMS template", domain="[('model', '=', model)]")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "rule_ids" in fields_list and self.env.context.get("active_model") == "customer.notification.rule":
            values["rule_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    @api.depends("rule_ids")
    def _compute_rule_count(self):
        for wizard in self:
            wizard.rule_count = len(wizard.rule_ids)

    @api.depends("rule_ids")
    def _compute_model(self):
        for wizard in self:
            models_ = set(wizard.rule_ids.mapped("model"))
            wizard.model = models_.pop() if len(models_) == 1 else False

    def action_apply(self):
        """One write for all the rules: their own checks refuse a template that does not fit."""
        self.ensure_one()
        if self.change == "channel":
            if not self.channel:
                raise UserError(self.env._("Choose the channel the rules send on."))
            if self.fallback_channel == self.channel:
                raise UserError(self.env._("The fallback channel must differ from the first channel."))
            # With the preferred channel, the other one is the fallback.
            fallback = self.fallback_channel if self.channel != "preferred" else False
            values = {"channel": self.channel, "fallback_channel": fallback}
            templates = {"email": self.mail_template_id, "sms": self.sms_template_id}
            for channel in filter(None, (self.channel, self.fallback_channel)):
                if templates[channel]:
                    values[f"{'mail' if channel == 'email' else 'sms'}_template_id"] = templates[channel].id
        else:
            if not self.mail_template_id and not self.sms_template_id:
                raise UserError(self.env._("Choose the template the rules use."))
            if not self.model and (self.mail_template_id or self.sms_template_id):
                raise UserError(
                    self.env._("These rules are about different records (work orders and leads): change them apart.")
                )
            values = {}
            if self.mail_template_id:
                values["mail_template_id"] = self.mail_template_id.id
            if self.sms_template_id:
                values["sms_template_id"] = self.sms_template_id.id
        self.rule_ids.write(values)
        return {"type": "ir.actions.act_window_close"}
