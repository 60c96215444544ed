from odoo import SUPERUSER_ID, models

from .sms_sms import SENDING_CONTEXT

# What Odoo's SMS notification says before a delivery report: waiting to be sent, or taken by the provider.
NOT_YET_REPORTED = ("ready", "process", "pending")
# What a delivery report can say: on the phone, or not.
REPORTED = {"sent", "exception", "bounce"}


class SmsTracker(models.Model):
    """Tell the customer message queue what the SMS provider reported after taking an SMS.

    Odoo's trackers are where every provider's delivery reports land (Odoo's IAP
    ``/sms/status``, Twilio's status callbacks in ``sms_twilio``). Whatever reaches
    them outside the send itself (`sms.sms._send_with_api`, whose result
    `sms.sms._handle_call_result_hook` tells) is such a report; a Twilio callback may
    even come before the send's transaction ended, while the notification still reads
    "ready".
    """

    _inherit = "sms.tracker"

    def _update_sms_notifications(self, notification_status, failure_type=False, failure_reason=False):
        if self.env.context.get(SENDING_CONTEXT):
            return super()._update_sms_notifications(notification_status, failure_type, failure_reason)
        waiting = self.mail_notification_id.filtered(lambda n: n.notification_status in NOT_YET_REPORTED)
        result = super()._update_sms_notifications(notification_status, failure_type, failure_reason)
        reported = waiting.filtered(lambda n: n.notification_status == notification_status)
        if not reported or notification_status not in REPORTED:
            return result
        # Reports come on public routes: what they change is done by the system, as the queue's job does.
        Notification = self.env["customer.notification"].with_user(SUPERUSER_ID)
        if notification_status == "sent":
            Notification._on_delivery_report(reported.mail_message_id)
        else:
            Notification._on_delivery_report(
                reported.mail_message_id, failure_type=failure_type or "unknown", reason=failure_reason
            )
        return result
