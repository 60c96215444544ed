import smtplib
import socket
import tempfile
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

from odoo.tests import BaseCase, tagged

from .tooling_scripts import load_tooling_script


def _message(subject, objects=None, to="claire.dubois@example.be"):
    message = EmailMessage()
    message["From"] = "atelier@verstraeten.example.be"
    message["To"] = to
    message["Subject"] = subject
    if objects:
        message["X-Odoo-Objects"] = objects
    message.set_content(subject)
    return message


@tagged("post_install", "-at_install")
class TestDemoMailSink(BaseCase):
    """The demo's SMTP sink keeps the workshop's e-mails on top, Odoo's demo notifications aside."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sink = load_tooling_script("smtp_sink")
        if not cls.sink:
            raise cls.skipException("scripts/ is not shipped with this copy of the module")

    def test_which_messages_are_the_workshops(self):
        concerns = self.sink.concerns_workshop
        self.assertTrue(concerns(_message("Votre véhicule 1-KLM-472 : nos constatations")))
        self.assertTrue(concerns(_message("RO/0004 is under repair", "repair.order-4")))
        self.assertTrue(concerns(_message("A message could not be sent", "customer.notification-12")))
        self.assertTrue(concerns(_message("Meeting about a car", "calendar.event-1, repair.order-2")))
        self.assertFalse(concerns(_message("Invitation to Pricing Discussion", "calendar.event-3")))
        self.assertFalse(concerns(_message('"Quote for 12 Tables" assigned to you', "crm.lead-13")))
        self.assertFalse(concerns(_message("Task assigned", "project.project-3, ,project.task-32")))

    def test_sink_files_odoo_notifications_apart(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        folder = Path(tmp.name)
        controller = Controller(self.sink.MaildirHandler(folder), hostname="127.0.0.1", port=port)
        controller.start()
        self.addCleanup(controller.stop)
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.send_message(_message("Garage Verstraeten : votre véhicule 1-KLM-472"))
            smtp.send_message(
                _message('"S00003: Answer questions" assigned to you', "sale.order-3", "admin@example.com")
            )
            smtp.send_message(_message("RO/0001 confirmed", "repair.order-1", "reception@example.com"))
        top = sorted(p.read_text() for p in folder.glob("*.eml"))
        aside = [p.read_text() for p in (folder / "odoo").glob("*.eml")]
        self.assertEqual(len(top), 2)
        self.assertTrue(any("1-KLM-472" in text for text in top))
        self.assertTrue(any("RO/0001 confirmed" in text for text in top))
        self.assertEqual(len(aside), 1)
        self.assertIn("S00003", aside[0])
