from odoo import models


class SmsSms(models.Model):
    """Tell customer communications and notifications whether their SMS was accepted by the provider."""

    _inherit = "sms.sms"

    def _handle_call_result_hook(self, results):
        super()._handle_call_result_hook(results)
        messages = self.mail_message_id
        if not messages:
            return
        failed = self.filtered(lambda sms: sms.state == "error")
        for failure_type, sms in failed.grouped("failure_type").items():
            self.env["customer.notification"]._on_delivery_failure(sms.mail_message_id, failure_type, False)
        communications = (
            self.env["repair.customer.communication"].sudo().search([("sms_message_id", "in", messages.ids)])
        )
        for communication in communications:
            sms = self.filtered(lambda sms, c=communication: sms.mail_message_id == c.sms_message_id)
            if any(s.state == "error" for s in sms):
                communication._mark_delivery_failed(sms.filtered(lambda s: s.state == "error")[:1].failure_type)
            elif any(s.state in ("pending", "sent") for s in sms):
                communication._mark_delivered()
