from odoo import models


class MailMail(models.Model):
    """Tell the customer message queue whether its e-mails left the building."""

    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, success_emails, failure_reason=False, failure_type=None):
        self.env["customer.notification"]._on_delivery_result(self.mail_message_id, failure_type, failure_reason)
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )
