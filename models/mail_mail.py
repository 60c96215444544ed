from odoo import models


class MailMail(models.Model):
    """Tell the customer message queue whether its e-mails left the building."""

    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, success_emails, failure_reason=False, failure_type=None):
        self.env["customer.notification"]._on_delivery_result(self.mail_message_id, failure_type, failure_reason)
        if not (failure_type or failure_reason) and self.ids:
            # Sent: the copy Odoo keeps holds no live customer link any more.
            self.env["repair.customer.communication"]._mask_link_tokens("mail_mail", "body_html", self.ids)
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )
