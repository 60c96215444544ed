from odoo.tests import HttpCase, tagged

from .notification_common import NotificationCommon


@tagged("post_install", "-at_install")
class TestSmsDeliveryReports(NotificationCommon, HttpCase):
    """The SMS provider reports whether each SMS reached the phone (here Odoo's IAP, through Odoo's own
    /sms/status route): the queue, the communication log and the chatter show it; a not delivered SMS is
    settled as a failure."""

    def setUp(self):
        super().setUp()
        self.report_order = self._create_customer_order([("Brake pads", "necessary", 200.0)])

    def _sent_sms(self, **rule_values):
        """A status SMS of the queue, handed to the (mocked) provider: (queue record, its SMS)."""
        self._rule(**rule_values)
        self.report_order.write({"state": "done"})
        notification = self._notifications(self.report_order)
        with self.mockSMSGateway():
            self._run_job()
            sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", notification.message_id.id)])
            sms._send(unlink_sent=False)
        self.assertEqual(notification.state, "sent")
        return notification, sms

    def _report(self, status, uuids):
        return self.make_jsonrpc_request("/sms/status", {"message_statuses": [{"sms_status": status, "uuids": uuids}]})

    def test_delivered_shows_in_the_queue_and_the_chatter(self):
        notification, sms = self._sent_sms()
        chatter = notification.message_id.notification_ids
        self.assertEqual(chatter.notification_type, "sms", "the chatter's SMS has Odoo's own notification")
        self.assertEqual(chatter.notification_status, "pending", "handed to the provider")
        self.assertEqual(self._report("delivered", [sms.uuid]), "OK")
        self.assertEqual(notification.state, "delivered")
        self.assertIn("provider", notification.reason)
        self.assertEqual(chatter.notification_status, "sent", "Odoo's chatter shows it delivered")
        # A report sent twice changes nothing more.
        self.assertEqual(self._report("delivered", [sms.uuid]), "OK")
        self.assertEqual(notification.state, "delivered")

    def _sent_link(self):
        communication = self.report_order._prepare_customer_communication(
            {"role": "driver", "partner": self.emile, "channel": "sms", "address": self.emile.phone}
        )
        with self.mockSMSGateway():
            communication._send()
            sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", communication.sms_message_id.id)])
            sms._send(unlink_sent=False)
        return communication, sms

    def test_a_link_not_delivered_is_noted_by_the_system_in_the_work_order(self):
        communication, sms = self._sent_link()
        self._report("rejected", [sms.uuid])
        self.assertIn("failed", communication.event_ids.mapped("event_type"))
        note = self.report_order.message_ids.filtered(lambda message: "could not be delivered" in (message.body or ""))
        # Done by the system, not by the public user of the report's route.
        self.assertEqual(note.author_id, self.env.ref("base.partner_root"))

    def test_a_link_sent_by_sms_logs_that_it_reached_the_phone(self):
        communication, sms = self._sent_link()
        self._report("delivered", [sms.uuid])
        self._report("delivered", [sms.uuid])  # a provider may report twice
        self.assertEqual(communication.event_ids.mapped("event_type").count("reached"), 1)

    def test_not_delivered_is_tried_again_with_the_providers_reason(self):
        notification, sms = self._sent_sms(fallback_channel="email")
        self._report("expired", [sms.uuid])
        self.assertEqual(notification.state, "queued", "a failure: tried again")
        self.assertEqual(notification.channel, "sms")
        self.assertIn("expired", notification.reason.lower())
        self.assertEqual(notification.message_id.notification_ids.notification_status, "exception")
        # The provider's last word stands: a late "delivered" for the same SMS changes nothing.
        self._report("delivered", [sms.uuid])
        self.assertEqual(notification.state, "queued")

    def test_a_number_the_network_does_not_know_moves_to_the_fallback_channel_at_once(self):
        notification, sms = self._sent_sms(fallback_channel="email")
        self._report("invalid_destination", [sms.uuid])
        self.assertEqual(notification.channel, "email", "a wrong number is not tried again")
        self.assertTrue(notification.fallback_used)

    def test_not_delivered_at_the_last_attempt_moves_to_the_fallback_channel(self):
        notification, sms = self._sent_sms(fallback_channel="email")
        notification.attempt_count = self.Notification._max_attempts()
        self._report("not_delivered", [sms.uuid])
        self.assertEqual(notification.state, "queued")
        self.assertEqual(notification.channel, "email")
        self.assertTrue(notification.fallback_used)
        self.assertIn("not delivered", notification.reason.lower())

    def test_reports_of_unknown_sms_or_only_handed_on_change_nothing(self):
        notification, sms = self._sent_sms()
        self.assertEqual(self._report("delivered", ["f" * 32]), "OK")
        self.assertEqual(self._report("sent", [sms.uuid]), "OK")
        self.assertEqual(notification.state, "sent")
