import re
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.repair_customer_communication import LINK_TOKEN_PATTERN, MASKED_LINK


class CustomerNotificationSmsComposer(models.TransientModel):
    """Odoo's SMS composer in mass mode, for the customer message queue.

    The queue hands its SMS to Odoo the way `event_sms` does: one mass composer per
    template and batch, so Odoo renders the bodies, applies its phone blacklist and
    number checks, and creates the `sms.sms` its SMS queue sends. Three steps differ,
    which is why this is a composer of its own rather than `sms.composer` itself
    (whose behaviour elsewhere stays Odoo's):

    - the number of each record is the one the contact policy chose for its message
      (a driver's professional mobile, say), not the record's own phone field;
    - Odoo's duplicate rule is meant for a campaign (one SMS per number); here two
      messages to one number are distinct (two cars, two reminders), so only the
      same text to the same number within one rendering is a duplicate;
    - the chatter copy goes on the document the message is about (the work order),
      also when the template renders a customer link, which has no chatter: Odoo's
      own copy (`mass_keep_log`) is always off here.

    Only the queue uses it, through `_action_send_sms`: its buttons are refused, since
    an SMS sent past the queue would be sent again by it.
    """

    _name = "customer.notification.sms.composer"
    _inherit = "sms.composer"
    _description = "Customer message queue: SMS in batch"

    notification_ids = fields.Many2many("customer.notification", string="Messages")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["mass_keep_log"] = False  # the chatter copy is this composer's own (see `_prepare_mass_sms`)
        return super().create(vals_list)

    def action_send_sms(self):
        raise UserError(self.env._("The customer message queue sends these SMS itself."))

    def action_send_sms_mass_now(self):
        raise UserError(self.env._("The customer message queue sends these SMS itself."))

    def _notification_by_record(self):
        """{rendered record id: its message}: a record is rendered once per send (see `_unique_record_groups`)."""
        notifications = self.notification_ids
        return {notification._render_record_id(self.res_model): notification for notification in notifications}

    def _prepare_recipient_values(self, records):
        by_record = self._notification_by_record()
        recipients = {}
        for record in records:
            notification = by_record[record.id]
            partner = notification.partner_id
            recipients[record.id] = {
                "partner": partner,
                "number": notification.address,
                "sanitized": partner._phone_format(number=notification.address, force_format="E164") or False,
                "partner_store": False,
                "field_store": False,
            }
        return recipients

    def _get_done_record_ids(self, records, recipients_info):
        # Duplicates are found on (number, text) in `_prepare_mass_sms_values`, where the texts are known.
        return []

    def _prepare_mass_sms_values(self, records):
        values_by_record = super()._prepare_mass_sms_values(records)
        sent = set()
        for record in records:
            values = values_by_record[record.id]
            if values["state"] != "outgoing":
                continue
            key = (values["number"], values["body"])
            if key in sent:
                values.update(state="canceled", failure_type="sms_duplicate")
            sent.add(key)
        return values_by_record

    def _prepare_log_body_values(self, sms_records_values):
        """The chatter copy keeps no live customer link: staff use the preview, not the customer's link."""
        masked = {
            res_id: dict(values, body=re.sub(LINK_TOKEN_PATTERN, MASKED_LINK, values["body"] or ""))
            for res_id, values in sms_records_values.items()
        }
        return super()._prepare_log_body_values(masked)

    def _prepare_mass_sms(self, records, sms_record_values):
        by_record = self._notification_by_record()
        pairs_by_model = defaultdict(list)
        for record in records:
            notification = by_record[record.id]
            pairs_by_model[notification.res_model].append((notification, record))
        for model, pairs in pairs_by_model.items():
            documents = self.env[model].browse([notification.res_id for notification, _record in pairs])
            bodies = self._prepare_log_body_values({n.res_id: sms_record_values[record.id] for n, record in pairs})
            messages = documents._message_log_batch(bodies=bodies, message_type="sms")
            message_by_document = {message.res_id: message for message in messages}
            for notification, record in pairs:
                sms_record_values[record.id]["mail_message_id"] = message_by_document[notification.res_id].id
        return super()._prepare_mass_sms(records, sms_record_values)
