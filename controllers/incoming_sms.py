import base64
import hashlib
import hmac
import json
import logging

from werkzeug.urls import url_join

from odoo import http
from odoo.http import request

_logger = logging.getLogger(__name__)

INBOUND_SECRET_PARAM = "repair_customer_communication.sms_inbound_secret"
TWILIO_PATH = "/repair_customer_communication/sms/twilio"
INBOUND_PATH = "/repair_customer_communication/sms/inbound"
# A webhook body larger than this is no SMS (a concatenated SMS is 1,600 characters at most).
MAX_WEBHOOK_BODY = 64 * 1024
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def twilio_signature(auth_token, url, params):
    """Twilio's request signature: HMAC-SHA1 of the URL and the sorted POST parameters, in base64.

    The computation of `sms_twilio.tools.sms_twilio.generate_twilio_sms_callback_signature`,
    which builds the URL of its status callback itself and so cannot sign another route.
    """
    data = url + "".join(f"{key}{value}" for key, value in sorted(params.items()))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def webhook_signature(secret, body):
    """The signature an SMS bridge sends with its webhook: ``sha256=`` and the HMAC-SHA256 of the body, in hex."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WorkshopIncomingSms(http.Controller):
    """Where customers' SMS reach the workshop: Twilio's incoming-message webhook, and a signed JSON one.

    Both check who is calling, then hand the message to `customer.incoming.sms._receive`,
    which decides what it does. A provider always gets a plain answer, never an error
    page: a request that is not signed gets 403, one that cannot be read 400, and
    anything the message cannot do is logged on the message, not sent back.
    """

    @http.route(TWILIO_PATH, type="http", auth="public", methods=["POST"], csrf=False, save_session=False)
    def twilio_incoming(self, **kwargs):
        params = request.httprequest.form.to_dict()
        company = self._twilio_company(params)
        if not company or not self._twilio_signed(company, params):
            _logger.warning("Incoming SMS from Twilio refused: no company for it, or a wrong signature")
            return request.make_response("Forbidden", status=403, headers=[("Content-Type", "text/plain")])
        if not params.get("MessageSid") or not params.get("From"):
            _logger.warning("Incoming SMS from Twilio without MessageSid or From: ignored")
            return self._twiml()
        try:
            request.env["customer.incoming.sms"]._receive(
                "twilio",
                params["MessageSid"],
                params["From"],
                params.get("Body") or "",
                to_number=params.get("To"),
                company=company,
            )
        except Exception:  # pylint: disable=broad-exception-caught  # Twilio gets its answer, the log the error
            _logger.exception("Incoming SMS %s from Twilio could not be kept", params.get("MessageSid"))
        return self._twiml()

    @http.route(INBOUND_PATH, type="http", auth="public", methods=["POST"], csrf=False, save_session=False)
    def webhook_incoming(self, **kwargs):
        secret = request.env["ir.config_parameter"].sudo().get_param(INBOUND_SECRET_PARAM)
        length = request.httprequest.content_length
        if length is not None and length > MAX_WEBHOOK_BODY:
            return self._json({"ok": False, "error": "too large"}, status=413)
        body = request.httprequest.get_data(cache=False)[: MAX_WEBHOOK_BODY + 1]
        if len(body) > MAX_WEBHOOK_BODY:
            return self._json({"ok": False, "error": "too large"}, status=413)
        signature = request.httprequest.headers.get("X-Signature", "")
        if not secret or not hmac.compare_digest(webhook_signature(secret, body), signature):
            _logger.warning("Incoming SMS webhook refused: no secret set, or a wrong signature")
            return self._json({"ok": False, "error": "forbidden"}, status=403)
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if (
            not isinstance(payload, dict)
            or not all(isinstance(payload.get(key), str) and payload.get(key) for key in ("id", "from"))
            or not isinstance(payload.get("text", ""), str)
        ):
            return self._json({"ok": False, "error": "expected {id, from, text[, to]} as strings"}, status=400)
        try:
            incoming = request.env["customer.incoming.sms"]._receive(
                "webhook", payload["id"], payload["from"], payload.get("text") or "", to_number=payload.get("to")
            )
        except Exception:  # pylint: disable=broad-exception-caught  # the bridge gets its answer, the log the error
            _logger.exception("Incoming SMS %s from the webhook could not be kept", payload.get("id"))
            return self._json({"ok": False, "error": "not kept"})
        return self._json({"ok": True, "outcome": incoming.outcome})

    # ------------------------------------------------------------------
    # Tooling
    # ------------------------------------------------------------------

    def _twilio_company(self, params):
        """The location of the Twilio account the message came to (the one owning its number, if several)."""
        account = params.get("AccountSid")
        if not account:
            return None
        companies = (
            request.env["res.company"]
            .sudo()
            .search([("sms_provider", "=", "twilio"), ("sms_twilio_account_sid", "=", account)])
        )
        to_number = (params.get("To") or "").strip()
        owning = companies.filtered(lambda c: to_number in c.sms_twilio_number_ids.mapped("number"))
        return (owning or companies)[:1]

    def _twilio_signed(self, company, params):
        """Checked as `sms_twilio` checks its status callbacks: the URL on the company's base URL, its auth token."""
        token = company.sms_twilio_auth_token
        if not token:
            return False
        url = url_join(company.get_base_url(), TWILIO_PATH)
        received = request.httprequest.headers.get("X-Twilio-Signature", "")
        return hmac.compare_digest(twilio_signature(token, url, params), received)

    def _twiml(self):
        return request.make_response(EMPTY_TWIML, headers=[("Content-Type", "text/xml; charset=utf-8")])

    def _json(self, value, status=200):
        return request.make_response(json.dumps(value), status=status, headers=[("Content-Type", "application/json")])
