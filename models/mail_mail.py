from odoo import models


class MailMail(models.Model):
    """Tell customer communications and notifications whether their e-mail left the building."""

    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, success_emails, failure_reason=False, failure_type=None):
        communications = (
            self.env["repair.customer.communication"]
            .sudo()
            .browse(mail.res_id for mail in self if mail.model == "repair.customer.communication" and mail.res_id)
            .exists()
        )
        if communications:
            if failure_type or failure_reason:
                communications._mark_delivery_failed(failure_reason or failure_type)
            else:
                communications._mark_delivered()
        if failure_type or failure_reason:
            self.env["customer.notification"]._on_delivery_failure(self.mail_message_id, failure_type, failure_reason)
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )
