import email
import socket
from datetime import datetime, timedelta
from email import policy
from unittest.mock import patch

from aiosmtpd.controller import Controller
from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.base.models.ir_mail_server import IrMail_Server

from .notification_common import NotificationCommon

NOW = datetime(2026, 11, 23, 9, 0)


class _FlakyInbox:
    """aiosmtpd handler that refuses the first `failures` messages with a temporary error, then keeps them."""

    def __init__(self, failures=0):
        self.failures = failures
        self.refused = 0
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        if self.refused < self.failures:
            self.refused += 1
            return "451 Temporary local problem, try again later"
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"


@tagged("post_install", "-at_install")
class TestNotificationThroughRealSmtp(NotificationCommon):
    """A notification e-mail through a real SMTP server: delivered, and retried when the server refuses it."""

    def _start_smtp(self, failures):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        inbox = _FlakyInbox(failures)
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        self.addCleanup(controller.stop)
        self.env["ir.mail_server"].create(
            {"name": "Local test SMTP", "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_encryption": "none"}
        )
        return inbox

    def _send_queued_mails(self, notification):
        # Odoo logs each refused e-mail as an error: expected here.
        with (
            patch.object(IrMail_Server, "_disable_send", return_value=False),
            mute_logger("odoo.addons.mail.models.mail_mail"),
        ):
            self.env["mail.mail"].sudo().search(
                [("mail_message_id", "=", notification.message_id.id), ("state", "=", "outgoing")]
            ).send()

    def test_refused_twice_then_delivered(self):
        inbox = self._start_smtp(failures=2)
        self._rule(channel="email")
        order = self._create_customer_order([("Brake pads", "necessary", 200.0)])
        moment = NOW
        with freeze_time(moment):
            order.write({"state": "done"})
        notification = self._notifications(order)
        for attempt in range(1, 4):
            with freeze_time(moment):
                self._run_job()
                self.assertEqual(notification.state, "sent")
                self._send_queued_mails(notification)
            if attempt < 3:
                self.assertEqual(notification.state, "queued", f"attempt {attempt} is retried")
                self.assertGreater(notification.due_at, moment)
                moment = notification.due_at
        self.assertEqual(inbox.refused, 2)
        self.assertEqual(len(inbox.messages), 1)
        message = inbox.messages[0]
        self.assertIn(self.emile.email, message["To"])
        self.assertIn("Repaired", message["Subject"])
        self.assertEqual(notification.state, "sent")
        self.assertEqual(notification.attempt_count, 3)
        self.assertEqual(moment, NOW + timedelta(minutes=5 + 15))
