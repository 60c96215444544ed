"""A local SMS gateway for the demo and the tests: Odoo's own SMS module sends to it.

It answers the API Odoo's IAP SMS service offers (JSON-RPC on ``/api/sms/3/send``, the
address Odoo reads from the ``sms.endpoint`` system parameter), keeps each SMS as a
text file (number, sender, time, text) in the folder given, and a moment later reports
it delivered to the database through Odoo's own delivery-report route (the
``webhook_url`` Odoo sends along, ``/sms/status``). Nothing leaves the machine.

Tooling only: the add-on knows nothing of it. ``make demo`` starts it and points the
demo database's ``sms.endpoint`` at it.
"""

import argparse
import json
import re
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SEND_PATH = "/api/sms/3/send"
# What Odoo's IAP service answers for a number it cannot read.
NUMBER = re.compile(r"^\+?[0-9]{6,15}$")


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
        results, delivered = [], []
        sender = params.get("dbuuid") or "unknown database"
        for message in params.get("messages") or []:
            for recipient in message.get("numbers") or []:
                number = (recipient.get("number") or "").replace(" ", "")
                if not NUMBER.match(number):
                    results.append({"uuid": recipient.get("uuid"), "state": "wrong_number_format"})
                    continue
                self.keep(number, sender, message.get("content") or "", recipient.get("uuid"))
                results.append({"uuid": recipient.get("uuid"), "state": "success", "credit": 1})
                delivered.append(recipient.get("uuid"))
        if delivered and params.get("webhook_url"):
            timer = threading.Timer(self.delay, self.report, args=(params["webhook_url"], delivered))
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
        def do_POST(self):
            try:
                payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            except ValueError:
                payload = None
            if self.path != SEND_PATH or not isinstance(payload, dict):
                self.send_error(404 if self.path != SEND_PATH else 400)
                return
            answer = {"jsonrpc": "2.0", "id": payload.get("id"), "result": gateway.send(payload.get("params") or {})}
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


def serve(folder, port, delay=2.0, host="127.0.0.1"):
    """A running server (call `shutdown()` to stop it) and its gateway."""
    gateway = SmsGateway(folder, delay=delay)
    server = ThreadingHTTPServer((host, port), handler_for(gateway))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, gateway


def main():
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
