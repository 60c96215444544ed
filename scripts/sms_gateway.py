"""A local SMS gateway for the demo and the tests: Odoo's own SMS module sends to it.

It answers the API Odoo's IAP SMS service offers (JSON-RPC on ``/api/sms/3/send``, the
address Odoo reads from the ``sms.endpoint`` system parameter), keeps each SMS as a
text file (number, sender, time, text) in the folder given, and a moment later reports
it delivered to the database through Odoo's own delivery-report route (the
``webhook_url`` Odoo sends along, ``/sms/status``). Nothing leaves the machine.

It also plays a customer answering: ``sms_gateway.py reply --from +32470123456 "1 3"``
posts that SMS to the database the way an SMS bridge does (the module's incoming-SMS
webhook, JSON signed with HMAC-SHA256 under the secret ``make demo`` keeps in
``.local/sms/inbound.secret``), keeps it in the folder too and prints what the
database made of it.

Tooling only: the add-on knows nothing of it. ``make demo`` starts it and points the
demo database's ``sms.endpoint`` at it.
"""

import argparse
import hashlib
import hmac
import json
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SEND_PATH = "/api/sms/3/send"
# What Odoo's IAP service answers for a number it cannot read.
NUMBER = re.compile(r"^\+?[0-9]{6,15}$")
# A request larger than this is refused (Odoo sends its SMS in batches far smaller).
MAX_BODY = 1024 * 1024
# Delivery reports go to a database on this machine only: the gateway is no relay.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class BadRequestError(ValueError):
    """A request that is not what Odoo sends."""


class SmsGateway:
    """Keeps the SMS it is given and reports them delivered after `delay` seconds."""

    def __init__(self, folder, delay=2.0):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.delay = delay
        self.count = 0
        self.lock = threading.Lock()

    def send(self, params):
        """The result Odoo expects for `params` of /api/sms/3/send: one {uuid, state} per number."""
        messages = params.get("messages") if isinstance(params, dict) else None
        if not isinstance(messages, list) or not all(
            isinstance(message, dict)
            and isinstance(message.get("numbers"), list)
            and all(isinstance(recipient, dict) for recipient in message["numbers"])
            for message in messages
        ):
            raise BadRequestError("params.messages: a list of {content, numbers: [{uuid, number}]}")
        results, delivered = [], []
        sender = params.get("dbuuid") or "unknown database"
        for message in messages:
            for recipient in message["numbers"]:
                number = (recipient.get("number") or "").replace(" ", "")
                if not NUMBER.match(number):
                    results.append({"uuid": recipient.get("uuid"), "state": "wrong_number_format"})
                    continue
                self.keep(number, sender, message.get("content") or "", recipient.get("uuid"))
                results.append({"uuid": recipient.get("uuid"), "state": "success", "credit": 1})
                delivered.append(recipient.get("uuid"))
        webhook_url = params.get("webhook_url")
        if delivered and isinstance(webhook_url, str) and urllib.parse.urlsplit(webhook_url).hostname in LOCAL_HOSTS:
            timer = threading.Timer(self.delay, self.report, args=(webhook_url, delivered))
            timer.daemon = True
            timer.start()
        return results

    def keep(self, number, sender, text, uuid):
        with self.lock:
            self.count += 1
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{self.count:04d}.txt"
        (self.folder / name).write_text(
            f"To: {number}\nFrom: {sender}\nTime: {time.strftime('%Y-%m-%d %H:%M:%S')}\nUUID: {uuid}\n\n{text}\n",
            encoding="utf-8",
        )

    def report(self, webhook_url, uuids):
        """Tell the database the SMS reached the phones, as Odoo's IAP service does."""
        params = {"message_statuses": [{"sms_status": "delivered", "uuids": uuids}]}
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}).encode()
        request = urllib.request.Request(webhook_url, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
        except OSError as error:  # the database is down or gone: the SMS stays "sent"
            print(f"sms_gateway: the delivery report to {webhook_url} failed: {error}", flush=True)


def handler_for(gateway):
    class Handler(BaseHTTPRequestHandler):
        timeout = 30  # a client that stops sending does not hold a thread

        def do_POST(self):
            if self.path != SEND_PATH:
                self.send_error(404)
                return
            # JSON only: a web page in the demo user's browser cannot post it without asking first.
            if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
                self.send_error(415)
                return
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if not 0 <= length <= MAX_BODY:
                self.send_error(413 if length > MAX_BODY else 400)
                return
            try:
                payload = json.loads(self.rfile.read(length))
                if not isinstance(payload, dict):
                    raise BadRequestError("a JSON-RPC object")
                result = gateway.send(payload.get("params"))
            except ValueError:  # bad JSON, or not what Odoo sends (BadRequestError)
                self.send_error(400)
                return
            answer = {"jsonrpc": "2.0", "id": payload.get("id"), "result": result}
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


INBOUND_PATH = "/repair_customer_communication/sms/inbound"


def reply(odoo_url, secret, from_number, text, *, to_number="", folder=None):
    """Post one customer's SMS to the database's incoming-SMS webhook; returns (HTTP status, its JSON answer)."""
    payload = {"id": f"gateway-{uuid.uuid4().hex}", "from": from_number, "to": to_number, "text": text}
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        odoo_url.rstrip("/") + INBOUND_PATH,
        data=body,
        headers={"Content-Type": "application/json", "X-Signature": signature},
    )
    if folder:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-in-{payload['id'][-6:]}.txt"
        (folder / name).write_text(
            f"From: {from_number}\nTo: {to_number or 'the workshop'}\nTime: {time.strftime('%Y-%m-%d %H:%M:%S')}\n"
            f"Id: {payload['id']}\n\n{text}\n",
            encoding="utf-8",
        )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read() or b"{}")
        except ValueError:
            return error.code, {}


def serve(folder, port, delay=2.0, host="127.0.0.1"):
    """A running server (call `shutdown()` to stop it) and its gateway."""
    gateway = SmsGateway(folder, delay=delay)
    server = ThreadingHTTPServer((host, port), handler_for(gateway))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, gateway


def main_reply(argv):
    parser = argparse.ArgumentParser(
        prog="sms_gateway.py reply", description="Send an SMS to the workshop as a customer."
    )
    parser.add_argument("text", help='what the customer writes, such as "1 3", "STOP" or "Is it ready?"')
    parser.add_argument("--from", dest="from_number", required=True, help="the customer's mobile, such as +32470123456")
    parser.add_argument("--to", default="", help="the workshop's number (optional)")
    parser.add_argument("--odoo", default="http://127.0.0.1:8069", help="the database's address")
    parser.add_argument("--secret-file", default=".local/sms/inbound.secret")
    parser.add_argument("--folder", default=".local/sms")
    args = parser.parse_args(argv)
    try:
        secret = Path(args.secret_file).read_text(encoding="utf-8").strip()
    except OSError:
        sys.exit(f"sms_gateway: no webhook secret in {args.secret_file}: start the demo with 'make demo' first.")
    try:
        status, answer = reply(args.odoo, secret, args.from_number, args.text, to_number=args.to, folder=args.folder)
    except OSError as error:
        sys.exit(f"sms_gateway: the database at {args.odoo} did not answer ({error}): is 'make demo' running?")
    if status != 200 or not answer.get("ok"):
        sys.exit(f"sms_gateway: the database refused the SMS ({status}: {answer.get('error', 'no reason given')}).")
    print(f"Received by the workshop: {answer.get('outcome')}")


def main():
    if sys.argv[1:2] == ["reply"]:
        main_reply(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8071)
    parser.add_argument("--folder", default=".local/sms")
    parser.add_argument("--delay", type=float, default=2.0, help="seconds before an SMS is reported delivered")
    args = parser.parse_args()
    server, __ = serve(args.folder, args.port, delay=args.delay)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
