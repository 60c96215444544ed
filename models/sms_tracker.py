from odoo import SUPERUSER_ID, models

# What Odoo's SMS notification says once the provider took the SMS (IAP and Twilio alike).
ACCEPTED_BY_PROVIDER = ("process", "pending")
# What a delivery report can say afterwards: on the phone, or not.
REPORTED = {"sent", "exception", "bounce"}


class SmsTracker(models.Model):
    """Tell the customer message queue what the SMS provider reported after taking an SMS.

    Odoo's trackers are where every provider's delivery reports land (Odoo's IAP
    ``/sms/status``, Twilio's status callbacks in ``sms_twilio``): an SMS the provider
    had taken that now reads delivered, or failed, is such a report. Refusals when
    sending are told by `sms.sms._handle_call_result_hook` already.
    """

    _inherit = "sms.tracker"

    def _update_sms_notifications(self, notification_status, failure_type=False, failure_reason=False):
        taken = self.mail_notification_id.filtered(lambda n: n.notification_status in ACCEPTED_BY_PROVIDER)
        super()._update_sms_notifications(notification_status, failure_type, failure_reason)
        reported = taken.filtered(lambda n: n.notification_status == notification_status)
        if not reported or notification_status not in REPORTED:
            return
        # Reports come on public routes: what they change is done by the system, as the queue's job does.
        Notification = self.env["customer.notification"].with_user(SUPERUSER_ID)
        if notification_status == "sent":
            Notification._on_delivery_report(reported.mail_message_id)
            return
        Notification._on_delivery_report(
            reported.mail_message_id, failure_type=failure_type or "unknown", reason=failure_reason
        )
