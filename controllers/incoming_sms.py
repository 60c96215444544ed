import base64
import hashlib
import hmac
import json
import logging

from odoo import http
from odoo.exceptions import ConcurrencyError
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools.urls import urljoin

_logger = logging.getLogger(__name__)

INBOUND_SECRET_PARAM = "repair_customer_communication.sms_inbound_secret"
TWILIO_PATH = "/repair_customer_communication/sms/twilio"
INBOUND_PATH = "/repair_customer_communication/sms/inbound"
# A webhook body larger than this is no SMS (a concatenated SMS is 1,600 characters at most).
MAX_WEBHOOK_BODY = 64 * 1024
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
# Raised to let Odoo replay the request in a new transaction (another one held the same rows).
RETRIED = (ConcurrencyError, *PG_CONCURRENCY_EXCEPTIONS_TO_RETRY)


def same_signature(expected, received):
    """Constant-time comparison of two signatures, whatever characters a forged header holds."""
    return hmac.compare_digest(expected.encode(), (received or "").encode("utf-8", "surrogateescape"))


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

    @http.route(
        TWILIO_PATH,
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
        max_content_length=MAX_WEBHOOK_BODY,
    )
    def twilio_incoming(self, **kwargs):
        params = request.httprequest.form.to_dict()
        company, receiving = self._twilio_company(params)
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
                company=receiving,
            )
        except RETRIED:
            raise
        except Exception:  # pylint: disable=broad-exception-caught  # Twilio gets its answer, the log the error
            _logger.exception("Incoming SMS %s from Twilio could not be kept", params.get("MessageSid"))
        return self._twiml()

    @http.route(
        INBOUND_PATH,
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
        max_content_length=MAX_WEBHOOK_BODY,
    )
    def webhook_incoming(self, **kwargs):
        payload, refusal = self._signed_json()
        if refusal:
            return refusal
        try:
            incoming = request.env["customer.incoming.sms"]._receive(
                "webhook", payload["id"], payload["from"], payload.get("text") or "", to_number=payload.get("to")
            )
        except RETRIED:
            raise
        except Exception:  # pylint: disable=broad-exception-caught  # the bridge gets its answer, the log the error
            _logger.exception("Incoming SMS %s from the webhook could not be kept", payload.get("id"))
            return self._json({"ok": False, "error": "not kept"})
        return self._json({"ok": True, "outcome": incoming.outcome})

    # ------------------------------------------------------------------
    # Tooling
    # ------------------------------------------------------------------

    def _signed_json(self):
        """(the webhook's JSON object, None), or (None, the plain answer refusing it)."""
        secret = request.env["ir.config_parameter"].sudo().get_param(INBOUND_SECRET_PARAM)
        if request.httprequest.mimetype != "application/json":
            return None, self._json({"ok": False, "error": "JSON only (Content-Type: application/json)"}, status=415)
        length = request.httprequest.content_length
        too_large = self._json({"ok": False, "error": "too large"}, status=413)
        if length is not None and length > MAX_WEBHOOK_BODY:
            return None, too_large  # refused before reading it
        body = request.httprequest.get_data(cache=False)[: MAX_WEBHOOK_BODY + 1]
        if len(body) > MAX_WEBHOOK_BODY:
            return None, too_large
        signature = request.httprequest.headers.get("X-Signature", "")
        if not secret or not same_signature(webhook_signature(secret, body), signature):
            _logger.warning("Incoming SMS webhook refused: no secret set, or a wrong signature")
            return None, self._json({"ok": False, "error": "forbidden"}, status=403)
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        readable = (
            isinstance(payload, dict)
            and all(isinstance(payload.get(key), str) and payload.get(key) for key in ("id", "from"))
            and isinstance(payload.get("text", ""), str)
        )
        if not readable:
            return None, self._json({"ok": False, "error": "expected {id, from, text[, to]} as strings"}, status=400)
        return payload, None

    def _twilio_company(self, params):
        """(a location of the Twilio account the message came to, the location that owns the number it came to).

        The first signs (locations sharing an account share its token); the second, if
        known, is where the message belongs: several locations on one account without
        the number among their own leave it unknown, as a bridge's messages are.
        """
        account = params.get("AccountSid")
        if not account:
            return None, None
        companies = (
            request.env["res.company"]
            .sudo()
            .search([("sms_provider", "=", "twilio"), ("sms_twilio_account_sid", "=", account)])
        )
        to_number = (params.get("To") or "").strip()
        owning = companies.filtered(lambda c: to_number in c.sms_twilio_number_ids.mapped("number"))
        receiving = owning[:1] if owning else companies if len(companies) == 1 else None
        return companies[:1], receiving

    def _twilio_signed(self, company, params):
        """Checked as `sms_twilio` checks its status callbacks: the URL on the company's base URL, its auth token."""
        token = company.sms_twilio_auth_token
        if not token:
            return False
        url = urljoin(company.get_base_url(), TWILIO_PATH)
        received = request.httprequest.headers.get("X-Twilio-Signature", "")
        return same_signature(twilio_signature(token, url, params), received)

    def _twiml(self):
        return request.make_response(EMPTY_TWIML, headers=[("Content-Type", "text/xml; charset=utf-8")])

    def _json(self, value, status=200):
        return request.make_json_response(value, status=status)
