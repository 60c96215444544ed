import email
import re
import socket
from email import policy
from unittest.mock import patch

from aiosmtpd.controller import Controller

from odoo.tests import HttpCase, tagged

from odoo.addons.base.models.ir_mail_server import IrMail_Server

from .common import WorkshopCommon


class _Inbox:
    """aiosmtpd handler keeping every received message."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"


@tagged("post_install", "-at_install")
class TestOverviewThroughRealSmtp(HttpCase, WorkshopCommon):
    """End to end: a real SMTP server receives the e-mail; its link opens the page; the customer answers."""

    def setUp(self):
        super().setUp()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.inbox = _Inbox()
        self.smtp = Controller(self.inbox, hostname="127.0.0.1", port=port)
        self.smtp.start()
        self.addCleanup(self.smtp.stop)
        self.env["ir.mail_server"].create(
            {"name": "Local test SMTP", "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_encryption": "none"}
        )
        self.smtp_order = self._create_customer_order(
            [("Brake pads", "necessary", 200.0), ("Wiper blades", "recommended", 30.0)]
        )

    def test_email_link_opens_the_page_and_the_answer_lands_on_the_order(self):
        communications = self.smtp_order._send_overview_to_preferred_contact(note="Hello from the workshop")
        self.assertEqual(communications.channel, "email")
        with patch.object(IrMail_Server, "_disable_send", return_value=False):
            self.env["mail.mail"].sudo().search(
                [("model", "=", communications._name), ("res_id", "=", communications.id)]
            ).send(raise_exception=True)

        self.assertEqual(len(self.inbox.messages), 1)
        message = self.inbox.messages[0]
        self.assertEqual(message["To"], self.emile.email)
        html = message.get_body(preferencelist=("html",)).get_content()
        link = re.search(r'href="[^"]*(/workshop/c/[0-9a-f]{64})"', html).group(1)
        self.assertEqual(communications.state, "delivered")

        page = self.url_open(link)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Hello from the workshop", page.text)
        token = link.rsplit("/", 1)[1]
        for line, decision in zip(
            communications.line_ids.sorted("category_sequence"), ("accepted", "declined"), strict=True
        ):
            result = self.make_jsonrpc_request(f"{link}/decide", {"line_id": line.id, "decision": decision})
            self.assertTrue(result["ok"], result)
        self.assertTrue(self.make_jsonrpc_request(f"/workshop/c/{token}/confirm", {})["ok"])
        decisions = {item.name: item.customer_decision for item in self.smtp_order.work_item_ids}
        self.assertEqual(decisions, {"Brake pads": "accepted", "Wiper blades": "declined"})
        self.assertEqual(self.smtp_order.customer_progress, "confirmed")
