from odoo.tests import tagged

from odoo.addons.mail.tests.common import MockEmail
from odoo.addons.sms.tests.common import MockSMS

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestCommunicationDelivery(MockEmail, MockSMS, WorkshopCommon):
    """Sent, then delivered or failed: through Odoo's mail and SMS queues, with their mocks."""

    def setUp(self):
        super().setUp()
        self.delivery_order = self._create_customer_order([("Brake pads", "necessary", 200.0)])

    def _prepare(self, channel):
        address = self.emile.email if channel == "email" else self.emile.phone
        point = {"role": "driver", "partner": self.emile, "channel": channel, "address": address}
        return self.delivery_order._prepare_customer_communication(point)

    def test_email_delivered(self):
        communication = self._prepare("email")
        with self.mock_mail_gateway():
            communication._send()
            self.env["mail.mail"].sudo().search(
                [("model", "=", communication._name), ("res_id", "=", communication.id)]
            ).send()
        self.assertEqual(len(self._mails), 1)
        self.assertEqual(self._mails[0]["email_to"], [self.emile.email])
        self.assertIn(communication._get_token(), self._mails[0]["body"])
        self.assertEqual(communication.state, "delivered")
        self.assertEqual(self.delivery_order.customer_progress, "delivered")
        self.assertEqual(communication.event_ids.sorted("id").mapped("event_type"), ["sent", "delivered"])

    def test_email_failure_is_logged_with_its_reason(self):
        communication = self._prepare("email")
        with self.mock_mail_gateway():
            communication._send()
            mail = (
                self.env["mail.mail"]
                .sudo()
                .search([("model", "=", communication._name), ("res_id", "=", communication.id)])
            )
            mail._postprocess_sent_message(success_pids=[], success_emails=[], failure_reason="Mailbox full")
        failed = communication.event_ids.filtered(lambda event: event.event_type == "failed")
        self.assertEqual(failed.details, "Mailbox full")
        self.assertEqual(communication.state, "sent")
        self.assertIn("Mailbox full", self.delivery_order.message_ids[0].body)

    def test_sms_delivered_through_the_queue(self):
        communication = self._prepare("sms")
        with self.mockSMSGateway():
            communication._send()
            self.assertEqual(communication.state, "sent")  # queued, not sent in the transaction
            self.env["sms.sms"].sudo().search([("mail_message_id", "=", communication.sms_message_id.id)])._send()
        self.assertEqual(self._sms[0]["number"], self.emile.phone)
        self.assertIn(communication._get_token(), self._sms[0]["body"])
        self.assertEqual(communication.state, "delivered")

    def test_sms_provider_error_is_logged(self):
        communication = self._prepare("sms")
        with self.mockSMSGateway(sim_error="wrong_number_format"):
            communication._send()
            self.env["sms.sms"].sudo().search([("mail_message_id", "=", communication.sms_message_id.id)])._send()
        self.assertEqual(communication.state, "sent")
        self.assertIn("failed", communication.event_ids.mapped("event_type"))


@tagged("post_install", "-at_install")
class TestMessagesInTheCustomersLanguage(WorkshopCommon):
    """A French-speaking customer gets the e-mail and the SMS in French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["repair_customer_communication"], ["fr_FR"], overwrite=True)
        cls.emile.lang = "fr_FR"
        cls.french_order = cls._create_customer_order([("Plaquettes de frein", "necessary", 200.0)])

    def test_email_in_french(self):
        communication = self._send_overview(self.french_order)
        mail = self.env["mail.mail"].search([("model", "=", communication._name), ("res_id", "=", communication.id)])
        self.assertIn("votre véhicule", mail.subject)
        self.assertIn("Bonjour", str(mail.body_html))

    def test_sms_in_french(self):
        communication = self._send_overview(self.french_order, channel="sms")
        sms = self.env["sms.sms"].search([("mail_message_id", "=", communication.sms_message_id.id)])
        self.assertIn("véhicule", sms.body)
