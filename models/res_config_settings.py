from odoo import fields, models

from ..controllers.incoming_sms import INBOUND_SECRET_PARAM
from .customer_notification import DEFAULT_MAX_ATTEMPTS, MAX_ATTEMPTS_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    repair_show_prices = fields.Boolean(related="company_id.repair_show_prices", readonly=False)
    repair_require_signature = fields.Boolean(related="company_id.repair_require_signature", readonly=False)
    repair_link_validity_days = fields.Integer(related="company_id.repair_link_validity_days", readonly=False)
    repair_show_item_details = fields.Boolean(related="company_id.repair_show_item_details", readonly=False)
    repair_sms_reply_answers = fields.Boolean(related="company_id.repair_sms_reply_answers", readonly=False)
    repair_payment_policy = fields.Selection(related="company_id.repair_payment_policy", readonly=False)
    repair_deposit_percent = fields.Float(related="company_id.repair_deposit_percent", readonly=False)
    repair_deposit_amount = fields.Monetary(related="company_id.repair_deposit_amount", readonly=False)
    repair_sms_inbound_secret = fields.Char(
        "Incoming SMS webhook secret",
        config_parameter=INBOUND_SECRET_PARAM,
        help="The secret an SMS bridge signs its incoming-SMS webhooks with (HMAC-SHA256 of the body). "
        "Empty: the webhook accepts nothing. Twilio's incoming messages are checked with its own auth token.",
    )
    customer_notification_max_attempts = fields.Integer(
        "Attempts per message", config_parameter=MAX_ATTEMPTS_PARAM, default=DEFAULT_MAX_ATTEMPTS
    )
