from odoo import fields, models

from .customer_notification import DEFAULT_MAX_ATTEMPTS, MAX_ATTEMPTS_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    repair_show_prices = fields.Boolean(related="company_id.repair_show_prices", readonly=False)
    repair_require_signature = fields.Boolean(related="company_id.repair_require_signature", readonly=False)
    repair_link_validity_days = fields.Integer(related="company_id.repair_link_validity_days", readonly=False)
    customer_notification_max_attempts = fields.Integer(
        "Attempts per message", config_parameter=MAX_ATTEMPTS_PARAM, default=DEFAULT_MAX_ATTEMPTS
    )
