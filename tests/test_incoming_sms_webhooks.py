import json
from unittest.mock import patch

from werkzeug.urls import url_join

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.repair_customer_communication.controllers.incoming_sms import (
    INBOUND_PATH,
    INBOUND_SECRET_PARAM,
    TWILIO_PATH,
    twilio_signature,
    webhook_signature,
)
from odoo.addons.sms_twilio.tests.common import MockSmsTwilioApi
from odoo.addons.sms_twilio.tools import sms_twilio as twilio_tools

from .test_incoming_sms import IncomingSmsCommon

CONTROLLER_LOGGER = "odoo.addons.repair_customer_communication.controllers.incoming_sms"


@tagged("post_install", "-at_install")
class TestSignedWebhook(IncomingSmsCommon, HttpCase):
    """The JSON webhook an SMS bridge (the demo's local gateway) posts customers' SMS to."""

    def setUp(self):
        super().setUp()
        self.secret = "s3cret-for-tests"
        self.env["ir.config_parameter"].sudo().set_param(INBOUND_SECRET_PARAM, self.secret)

    def _post(self, payload, signature=None, raw=None):
        body = raw if raw is not None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signature is not False:
            headers["X-Signature"] = signature or webhook_signature(self.secret, body)
        return self.url_open(INBOUND_PATH, data=body, headers=headers)

    def test_a_signed_sms_is_received(self):
        response = self._post({"id": "gw-1", "from": self.number, "to": "+3225550000", "text": "On my way"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"ok": True, "outcome": "reply"})
        incoming = self.Incoming.search([("provider_message_id", "=", "gw-1")])
        self.assertEqual(incoming.order_id, self.open_order)
        self.assertEqual(incoming.company_id, self.company_a)
        # The bridge sends it again: the same answer, nothing more.
        self.assertEqual(
            self._post({"id": "gw-1", "from": self.number, "text": "On my way"}).json()["outcome"], "reply"
        )
        self.assertEqual(self.Incoming.search_count([("provider_message_id", "=", "gw-1")]), 1)

    @mute_logger(CONTROLLER_LOGGER)
    def test_forged_unsigned_or_unconfigured_webhooks_are_refused(self):
        payload = {"id": "gw-2", "from": self.number, "text": "STOP"}
        self.assertEqual(self._post(payload, signature="sha256=" + "0" * 64).status_code, 403)
        self.assertEqual(self._post(payload, signature=False).status_code, 403)
        self.env["ir.config_parameter"].sudo().set_param(INBOUND_SECRET_PARAM, "")
        response = self._post(payload)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["ok"], False)
        self.assertFalse(self.Incoming.search([("provider_message_id", "=", "gw-2")]))
        self.assertTrue(self.emile.accepts_automated_sms)

    @mute_logger(CONTROLLER_LOGGER)
    def test_a_signature_header_of_any_characters_is_refused_plainly(self):
        response = self._post({"id": "gw-6", "from": self.number, "text": "STOP"}, signature="sha256=é")
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.Incoming.search([("provider_message_id", "=", "gw-6")]))

    def test_a_form_post_is_refused_as_not_json(self):
        response = self.url_open(INBOUND_PATH, data={"id": "gw-7", "from": self.number, "text": "Hi"})
        self.assertEqual(response.status_code, 415)
        self.assertFalse(response.json()["ok"])

    def test_bad_bodies_get_a_plain_answer(self):
        for raw in (
            b"not json",
            b"[1, 2]",
            json.dumps({"from": self.number}).encode(),
            json.dumps({"id": 5, "from": self.number, "text": "x"}).encode(),
            json.dumps({"id": "gw-3", "from": self.number, "text": ["x"]}).encode(),
        ):
            with self.subTest(raw=raw):
                response = self._post(None, raw=raw)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.headers["Content-Type"].split(";")[0], "application/json")
                self.assertFalse(response.json()["ok"])
        self.assertEqual(self.Incoming.search_count([("provider", "=", "webhook")]), 0)

    def test_a_body_too_large_is_refused_before_reading(self):
        raw = json.dumps({"id": "gw-4", "from": self.number, "text": "x" * 70000}).encode()
        response = self._post(None, raw=raw)
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self.Incoming.search([("provider_message_id", "=", "gw-4")]))

    def test_a_failure_inside_is_logged_not_sent_back(self):
        with (
            patch.object(type(self.Incoming), "_handle", side_effect=RuntimeError("boom")),
            mute_logger("odoo.addons.repair_customer_communication.models.customer_incoming_sms"),
        ):
            response = self._post({"id": "gw-5", "from": self.number, "text": "Hello"})
        self.assertEqual(response.status_code, 200)
        incoming = self.Incoming.search([("provider_message_id", "=", "gw-5")])
        self.assertEqual(incoming.outcome, "refused", "kept, marked not applied")
        self.assertNotIn("boom", response.text)


@tagged("post_install", "-at_install")
class TestTwilio(MockSmsTwilioApi, IncomingSmsCommon, HttpCase):
    """With Odoo's own `sms_twilio` as the location's provider: sending, status callbacks and incoming SMS."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_sms_twilio(cls.company_a)
        cls.account = cls.company_a.sudo().sms_twilio_account_sid

    # ------------------------------------------------------------------
    # Sending, and Twilio's status callbacks
    # ------------------------------------------------------------------

    def _queue_status_sms(self, **rule_values):
        self._rule(**rule_values)
        self.open_order.write({"state": "done"})
        notification = self._notifications(self.open_order)
        self._run_job()
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", notification.message_id.id)])
        return notification, sms

    def _status_callback(self, sms, status, **extra):
        params = {**self.webhook_ok_response, "SmsStatus": status, "MessageStatus": status, **extra}
        signature = twilio_tools.generate_twilio_sms_callback_signature(self.company_a.sudo(), sms.uuid, params)
        return self.url_open(f"/sms_twilio/status/{sms.uuid}", params, headers={"X-Twilio-Signature": signature})

    def test_the_queue_sends_through_twilio_and_learns_it_was_delivered(self):
        with self.mock_sms_twilio_gateway():
            notification, sms = self._queue_status_sms()
            sms._send(unlink_sent=False)
        self.assertEqual(self._sms[-1]["number"], self.number, "sent through Twilio's API")
        self.assertEqual(sms.sms_tracker_id.sms_twilio_sid[:7], "twilio_")
        self.assertEqual(notification.state, "sent")
        self._status_callback(sms, "sent")  # handed to the carrier: not yet on the phone
        self.assertEqual(notification.state, "sent")
        self._status_callback(sms, "delivered")
        self.assertEqual(notification.state, "delivered")
        self.assertEqual(notification.message_id.notification_ids.notification_status, "sent")

    def test_one_batch_of_two_locations_goes_through_each_ones_provider(self):
        """Odoo's SMS job sends its batch with `_send`: one location on Twilio, the other on Odoo's IAP."""
        order_b = self._create_order(self.company_b, partner_id=self.owner.id)
        self.owner.accepts_automated_sms = True
        self._rule()
        self._rule(company_id=self.company_b.id)
        (self.open_order | order_b).write({"state": "done"})
        with self.mockSMSGateway(), self.mock_sms_twilio_send():
            self._run_job()
            notifications = self._notifications(self.open_order) | self._notifications(order_b)
            sms = self.env["sms.sms"].sudo().search([("mail_message_id", "in", notifications.message_id.ids)])
            self.assertEqual(len(sms), 2)
            sms._send(unlink_sent=False)
        self.assertEqual(set(sms.mapped("state")), {"pending"}, "both accepted by their provider")
        self.assertEqual(self._sms_twilio_send_mock.call_count, 1, "A's through Twilio, B's through Odoo's IAP")
        self.assertEqual({sent["number"] for sent in self._sms}, {self.number, "+32475001122"})
        self.assertTrue(sms.filtered(lambda s: s.record_company_id == self.company_b).sms_tracker_id)
        self.assertFalse(sms.filtered(lambda s: s.record_company_id == self.company_b).sms_twilio_sid)

    def test_odoos_sms_job_sends_a_batch_of_two_locations(self):
        """Odoo's own job (`_process_queue`), on SMS of a Twilio location and an IAP one, in Twilio's batch size."""
        order_b = self._create_order(self.company_b, partner_id=self.owner.id)
        self.owner.accepts_automated_sms = True
        self._rule()
        self._rule(company_id=self.company_b.id)
        (self.open_order | order_b).write({"state": "done"})
        self.env["sms.sms"].sudo().search([("state", "=", "outgoing")]).write({"state": "canceled"})
        self.assertEqual(self.env["sms.sms"]._get_send_batch_size(), 10, "Twilio's batch, as one location uses it")
        with self.mockSMSGateway(), self.mock_sms_twilio_send(), self._without_commit():
            self._run_job()
            self.env["sms.sms"].sudo()._process_queue()
        notifications = self._notifications(self.open_order) | self._notifications(order_b)
        self.assertEqual(set(notifications.mapped("state")), {"sent"})
        self.assertEqual(self._sms_twilio_send_mock.call_count, 1)
        self.assertEqual({sent["number"] for sent in self._sms}, {self.number, "+32475001122"})

    def test_undelivered_moves_to_the_fallback_with_twilios_reason(self):
        with self.mock_sms_twilio_gateway():
            notification, sms = self._queue_status_sms(fallback_channel="email")
            sms._send(unlink_sent=False)
        self._status_callback(sms, "undelivered", ErrorCode="30005", ErrorMessage="Unknown destination handset")
        self.assertEqual(notification.channel, "email", "the number is wrong: the fallback channel at once")
        self.assertIn("Unknown destination handset", notification.reason)

    def test_a_callback_before_the_send_ended_still_counts(self):
        """Twilio may call back while Odoo's send is still running: the notification still reads "ready"."""
        notification, sms = self._queue_status_sms()
        self.assertEqual(notification.message_id.notification_ids.notification_status, "ready")
        self._status_callback(sms, "delivered")
        self.assertEqual(notification.state, "delivered")

    @mute_logger("odoo.addons.sms_twilio.controllers.controllers")
    def test_a_forged_status_callback_changes_nothing(self):
        with self.mock_sms_twilio_gateway():
            notification, sms = self._queue_status_sms()
            sms._send(unlink_sent=False)
        params = {**self.webhook_ok_response}
        response = self.url_open(f"/sms_twilio/status/{sms.uuid}", params, headers={"X-Twilio-Signature": "forged"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(notification.state, "sent")

    # ------------------------------------------------------------------
    # Incoming SMS, Twilio's "a message comes in" webhook
    # ------------------------------------------------------------------

    def _incoming(self, body, sid="SM0001", signature=None, account=None, **extra):
        params = {
            "AccountSid": account or self.account,
            "MessageSid": sid,
            "SmsSid": sid,
            "From": self.number,
            "To": "+32455998877",
            "Body": body,
            "NumMedia": "0",
            **extra,
        }
        url = url_join(self.company_a.get_base_url(), TWILIO_PATH)
        token = self.company_a.sudo().sms_twilio_auth_token
        headers = {"X-Twilio-Signature": signature if signature is not None else twilio_signature(token, url, params)}
        return self.url_open(TWILIO_PATH, params, headers=headers)

    def test_a_signed_incoming_sms_lands_on_the_work_order(self):
        response = self._incoming("Is it ready?")
        self.assertEqual(response.status_code, 200)
        self.assertIn("<Response>", response.text, "Twilio gets empty TwiML: no automatic answer")
        incoming = self.Incoming.search([("provider", "=", "twilio"), ("provider_message_id", "=", "SM0001")])
        self.assertEqual(incoming.outcome, "reply")
        self.assertEqual(incoming.company_id, self.company_a)
        self.assertEqual(incoming.message_id.res_id, self.open_order.id)
        # Twilio retries: idempotent by its MessageSid.
        self.assertEqual(self._incoming("Is it ready?").status_code, 200)
        self.assertEqual(self.Incoming.search_count([("provider_message_id", "=", "SM0001")]), 1)

    def test_stop_through_twilio(self):
        self._incoming("Stop", sid="SM0002", OptOutType="STOP")
        self.assertFalse(self.emile.accepts_automated_sms)

    @mute_logger(CONTROLLER_LOGGER)
    def test_forged_unsigned_or_foreign_incoming_sms_are_refused(self):
        for kwargs in ({"signature": "forged"}, {"signature": ""}, {"account": "AC" + "9" * 32}):
            with self.subTest(**kwargs):
                response = self._incoming("STOP", sid="SM0003", **kwargs)
                self.assertEqual(response.status_code, 403)
                self.assertNotIn("Traceback", response.text)
        self.assertFalse(self.Incoming.search([("provider_message_id", "=", "SM0003")]))
        self.assertTrue(self.emile.accepts_automated_sms)

    @mute_logger(CONTROLLER_LOGGER)
    def test_a_twilio_signature_of_any_characters_is_refused_plainly(self):
        response = self._incoming("STOP", sid="SM0004", signature="é forged")
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.Incoming.search([("provider_message_id", "=", "SM0004")]))

    def test_the_number_written_to_tells_the_location(self):
        """Two locations on one Twilio account: the SMS belongs to the one whose number it was sent to."""
        self._setup_sms_twilio(self.company_b)
        self.company_b.sudo().sms_twilio_number_ids.write({"number": "+32455112233"})
        order_b = self._create_order(self.company_b, partner_id=self.emile.id)
        self._incoming("Hello B", sid="SM0005", To="+32455112233")
        incoming = self.Incoming.search([("provider_message_id", "=", "SM0005")])
        self.assertEqual(incoming.company_id, self.company_b)
        self.assertEqual(incoming.order_id, order_b, "the open order of that location, not of the other one")

    @mute_logger(CONTROLLER_LOGGER)
    def test_a_signed_request_without_message_id_is_answered_and_ignored(self):
        response = self._incoming("Hello", sid="")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.Incoming.search([("provider", "=", "twilio")]))
