from odoo.http import request, route

from odoo.addons.sms.controllers.main import SmsController


class SmsDeliveryReports(SmsController):
    """Odoo's route for the SMS provider's delivery reports also tells the customer message queue."""

    @route()
    def update_sms_status(self, message_statuses):
        answer = super().update_sms_status(message_statuses)  # checks the report, updates Odoo's trackers
        request.env["customer.notification"].sudo()._on_sms_delivery_reports(message_statuses)
        return answer
