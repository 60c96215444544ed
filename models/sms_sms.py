from odoo import models


class SmsSms(models.Model):
    """Tell the customer message queue whether its SMS were accepted by the provider."""

    _inherit = "sms.sms"

    def _handle_call_result_hook(self, results):
        super()._handle_call_result_hook(results)
        with_message = self.filtered("mail_message_id")
        if not with_message:
            return
        Notification = self.env["customer.notification"]
        failed = with_message.filtered(lambda sms: sms.state == "error")
        for failure_type, sms in failed.grouped("failure_type").items():
            Notification._on_delivery_result(sms.mail_message_id, failure_type or "unknown", False)
        accepted = with_message.filtered(lambda sms: sms.state in ("pending", "sent"))
        if accepted:
            Notification._on_delivery_result(accepted.mail_message_id)
