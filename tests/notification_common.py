from contextlib import contextmanager
from unittest.mock import patch

from odoo.addons.mail.tests.common import MockEmail
from odoo.addons.sms.tests.common import SMSCase

from .common import WorkshopCommon


class NotificationCommon(MockEmail, SMSCase, WorkshopCommon):
    """A workshop with working hours in Brussels and a customer who agreed to automated messages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.company_a.resource_calendar_id
        cls.calendar.tz = "Europe/Brussels"
        cls.emile.write({"accepts_automated_sms": True, "accepts_automated_email": True})
        cls.Rule = cls.env["customer.notification.rule"]
        cls.Notification = cls.env["customer.notification"]
        # Messages the demo data planned (on a demo database) are not these tests' business.
        cls.Notification.search([("state", "=", "queued")]).write({"state": "cancelled"})
        ref = cls.env.ref
        cls.sms_status = ref("repair_customer_communication.sms_template_notification_status")
        cls.mail_status = ref("repair_customer_communication.mail_template_notification_status")
        cls.sms_reminder = ref("repair_customer_communication.sms_template_notification_reminder")
        cls.mail_reminder = ref("repair_customer_communication.mail_template_notification_reminder")
        cls.sms_lead = ref("repair_customer_communication.sms_template_notification_lead")
        cls.mail_lead = ref("repair_customer_communication.mail_template_notification_lead")

    @classmethod
    def _rule(cls, **vals):
        values = {
            "company_id": cls.company_a.id,
            "trigger": "order_state_to",
            "state_to": "done",
            "channel": "sms",
            "sms_template_id": cls.sms_status.id,
            "mail_template_id": cls.mail_status.id,
            "interval_nbr": 0,
        }
        values.update(vals)
        return cls.Rule.create(values)

    @classmethod
    def _nudge_rule(cls, hours):
        """SMS when an overview is still unanswered `hours` after it was sent."""
        template = cls.env.ref("repair_customer_communication.sms_template_notification_overview_nudge")
        return cls._rule(
            trigger="overview_unanswered",
            state_to=False,
            interval_nbr=hours,
            interval_unit="hours",
            sms_template_id=template.id,
        )

    @classmethod
    def _follow_up_rule(cls, amount, unit):
        """E-mail offering the declined work again, `amount` `unit` after the customer declined it."""
        template = cls.env.ref("repair_customer_communication.mail_template_notification_declined_followup")
        return cls._rule(
            trigger="item_declined",
            state_to=False,
            interval_nbr=amount,
            interval_unit=unit,
            channel="email",
            mail_template_id=template.id,
        )

    def _notifications(self, record, cause="automated"):
        """The record's messages of that cause (reception's own sends are queue records too)."""
        return self.Notification.search(
            [("res_model", "=", record._name), ("res_id", "=", record.id), ("cause", "=", cause)], order="id"
        )

    @contextmanager
    def _without_commit(self):
        """The job commits between batches; inside a test it must not."""
        with patch.object(type(self.env["ir.cron"]), "_commit_progress", return_value=float("inf")):
            yield

    def _run_job(self):
        with self._without_commit():
            self.Notification._cron_send_due()
