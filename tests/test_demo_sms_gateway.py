import http.client
import json
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from odoo.tests import BaseCase, tagged

from .odoo_server import free_port
from .tooling_scripts import load_tooling_script


class _Webhook(BaseHTTPRequestHandler):
    """Plays the database's /sms/status route: keeps what it is told."""

    received = []

    def do_POST(self):
        self.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        body = b'{"jsonrpc": "2.0", "id": 1, "result": "OK"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestDemoSmsGateway(BaseCase):
    """The demo's SMS gateway answers as Odoo's IAP SMS service does, keeps each SMS, reports it delivered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.module = load_tooling_script("sms_gateway")
        if not cls.module:
            raise cls.skipException("scripts/ is not shipped with this copy of the module")

    def setUp(self):
        super().setUp()
        self.folder = Path(tempfile.mkdtemp())
        self.server, self.gateway = self.module.serve(self.folder, free_port(), delay=0.1)
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        _Webhook.received = []
        self.webhook = ThreadingHTTPServer(("127.0.0.1", free_port()), _Webhook)
        threading.Thread(target=self.webhook.serve_forever, daemon=True).start()
        self.addCleanup(self.webhook.server_close)
        self.addCleanup(self.webhook.shutdown)

    def _send(self, params, path="/api/sms/3/send"):
        """What Odoo's iap_jsonrpc posts, and the result it reads."""
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": "abc", "params": params}).encode()
        url = f"http://127.0.0.1:{self.server.server_address[1]}{path}"
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def test_an_sms_is_kept_and_reported_delivered(self):
        webhook_url = f"http://127.0.0.1:{self.webhook.server_address[1]}/sms/status"
        answer = self._send(
            {
                "messages": [
                    {
                        "content": "Your car is ready: https://garage.example/workshop/c/abc",
                        "numbers": [{"uuid": "a" * 32, "number": "+32470123456"}, {"uuid": "b" * 32, "number": "hi"}],
                    }
                ],
                "webhook_url": webhook_url,
                "dbuuid": "db-1",
                "account_token": "token",
            }
        )
        self.assertEqual(answer["id"], "abc")
        self.assertEqual(
            answer["result"],
            [{"uuid": "a" * 32, "state": "success", "credit": 1}, {"uuid": "b" * 32, "state": "wrong_number_format"}],
        )
        [kept] = self.folder.glob("*.txt")
        text = kept.read_text(encoding="utf-8")
        self.assertIn("To: +32470123456\nFrom: db-1\n", text)
        self.assertIn("Your car is ready: https://garage.example/workshop/c/abc", text)
        deadline = time.monotonic() + 10
        while not _Webhook.received and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(
            _Webhook.received[0]["params"],
            {"message_statuses": [{"sms_status": "delivered", "uuids": ["a" * 32]}]},
            "only the SMS it kept is reported delivered, as Odoo's /sms/status reads it",
        )

    def _post(self, body, content_type="application/json", path="/api/sms/3/send"):
        url = f"http://127.0.0.1:{self.server.server_address[1]}{path}"
        request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        return refused.exception.code

    def test_anything_else_is_refused(self):
        with self.assertRaises(urllib.error.HTTPError) as refused:
            self._send({}, path="/api/sms/1/account/create")
        self.assertEqual(refused.exception.code, 404)
        self.assertEqual(self._send({"messages": []})["result"], [])
        self.assertEqual(self._post(b"not json"), 400)
        self.assertEqual(self._post(b'{"params": {"messages": "x"}}'), 400)
        self.assertEqual(self._post(b'{"params": {}}', content_type="text/plain"), 415, "no form of another site")
        too_large = http.client.HTTPConnection("127.0.0.1", self.server.server_address[1], timeout=10)
        too_large.putrequest("POST", "/api/sms/3/send")
        too_large.putheader("Content-Type", "application/json")
        too_large.putheader("Content-Length", str(2 * 1024 * 1024))
        too_large.endheaders()
        self.assertEqual(too_large.getresponse().status, 413, "refused before it is read")
        too_large.close()
        # Delivery reports go to this machine only.
        answer = self._send(
            {
                "messages": [{"content": "Hi", "numbers": [{"uuid": "c" * 32, "number": "+32470123456"}]}],
                "webhook_url": "http://example.com/sms/status",
            }
        )
        self.assertEqual(answer["result"][0]["state"], "success")
        time.sleep(0.3)
        self.assertEqual(_Webhook.received, [])
