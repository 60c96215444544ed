from odoo import models

# Set while Odoo's SMS queue hands SMS to the provider: what the trackers learn then is the send's result.
SENDING_CONTEXT = "workshop_sms_sending"


class SmsSms(models.Model):
    """Tell the customer message queue whether its SMS were accepted by the provider."""

    _inherit = "sms.sms"

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        """Each SMS through the provider of its own location, in that provider's batches, as `send()` does.

        Odoo's SMS job (`_process_queue`) calls this on its whole batch, which then must
        belong to one company (`ensure_one`), and the provider it builds works for the
        job user's company: with `sms_twilio` on one location only, or SMS of two
        locations in one batch, the batch fails (odoo/odoo#263947). The workshop's queue
        hands the SMS of every location to that job, so they are grouped here per
        provider and account (`_split_by_api`, `sms_twilio`'s grouping) and cut into
        that provider's batches (`_split_batch`). With one location on Odoo's IAP, this
        is exactly Odoo's send.
        """
        if self.env.context.get("sms_api") or not self:
            return super()._send(unlink_failed=unlink_failed, unlink_sent=unlink_sent, raise_exception=raise_exception)
        for sms_api, group in self._split_by_api():
            for batch_ids in group._split_batch():
                super(SmsSms, self.browse(batch_ids).with_context(sms_api=sms_api))._send(
                    unlink_failed=unlink_failed, unlink_sent=unlink_sent, raise_exception=raise_exception
                )
        return None

    def _get_send_batch_size(self):
        """The job's batch: Twilio's (10 by default) as soon as one location sends through Twilio.

        The job sizes its batch before it knows whose SMS it takes (an empty recordset:
        the job user's company). A batch of 500 sent one by one to Twilio, in one
        transaction, may outlast the job's time limit: rolled back after Twilio took
        them, they would go out again at the next run.
        """
        size = super()._get_send_batch_size()
        if not self and self.env["res.company"].sudo().search_count([("sms_provider", "=", "twilio")], limit=1):
            twilio = int(self.env["ir.config_parameter"].sudo().get_param("sms_twilio.session.batch.size", 10))
            return min(size, twilio)
        return size

    def _send_with_api(self, sms_api, *args, **kwargs):
        """Mark the send, so that `sms.tracker` tells its result apart from a delivery report.

        Twilio may call back before the send's transaction ends, while the SMS notification
        still reads "ready": the state alone cannot say which is which.
        """
        return super(SmsSms, self.with_context(**{SENDING_CONTEXT: True}))._send_with_api(sms_api, *args, **kwargs)

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
