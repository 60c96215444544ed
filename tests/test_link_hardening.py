import json
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import MockEmail
from odoo.addons.sms.tests.common import SMSCase

from . import test_customer_page
from .common import WorkshopCommon

INVALID_LINK = "This link is not valid (any more)"


@tagged("post_install", "-at_install")
class TestLinkHardening(MockEmail, SMSCase, HttpCase, WorkshopCommon):
    """Links reach only their own recipient, each route serves its own kind of link, and nothing is kept or framed.

    Black-box: requests against the routes, as an anonymous visitor (unless said otherwise).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner.write({"email": "owner@example.com"})
        cls.link_order = cls._create_order(
            cls.company_a,
            partner_id=cls.emile.id,
            driver_id=cls.emile.id,
            owner_id=cls.owner.id,
            work_item_ids=[
                Command.create({"name": "Brake pads", "category": "necessary", "price_unit": 200.0}),
                Command.create({"name": "Wipers", "category": "recommended", "price_unit": 30.0}),
            ],
        )

    def _send_to(self, partner, kind="overview", channel="email", order=None):
        point = {
            "role": "owner" if partner == self.owner else "driver",
            "partner": partner,
            "channel": channel,
            "address": partner.email if channel == "email" else partner.phone,
        }
        communication = (order or self.link_order)._prepare_customer_communication(point, kind=kind)
        communication._send()
        return communication

    def _rpc(self, communication, route, params=None):
        return self.make_jsonrpc_request(f"/workshop/c/{communication._get_token()}/{route}", params or {})

    def _assert_opens_nothing(self, token):
        page = self.url_open(f"/workshop/c/{token}")
        self.assertIn("This link is not valid", page.text)
        self.assertNotIn("o_workshop_overview", page.text)

    def _line(self, communication, name="Brake pads"):
        return communication.line_ids.filtered(lambda line: line.name == name)

    # ------------------------------------------------------------------
    # 1, 4, 6: an old link and the newer version
    # ------------------------------------------------------------------

    def test_an_old_link_opens_nothing_once_the_new_version_went_to_someone_else(self):
        first = self._send_to(self.emile)
        second = self._send_to(self.owner)
        self.assertEqual(first.state, "revoked", "sending to another person revokes the old link (logged)")
        self.assertIn("owner@example.com", first.event_ids.filtered(lambda e: e.event_type == "revoked").details)
        page = self.url_open(f"/workshop/c/{first._get_token()}")
        self.assertIn("This link is not valid", page.text)
        self.assertNotIn("Brake pads", page.text)
        answer = self._rpc(first, "decide", {"line_id": self._line(second).id, "decision": "accepted"})
        self.assertFalse(answer["ok"])
        self.assertFalse(self._line(second).decision)
        self.assertEqual(second.state, "sent", "the owner's version was not opened by the driver's old link")
        # The owner's own link works.
        self.assertEqual(self.url_open(f"/workshop/c/{second._get_token()}").status_code, 200)

    def test_an_old_link_shows_the_new_version_sent_to_the_same_address_and_opens_it(self):
        first = self._send_to(self.emile)
        second = self._send_to(self.emile)
        page = self._view_page(first._get_token())
        self.assertEqual(page.status_code, 200)
        self.assertIn("newer version", page.text)
        self.assertEqual(second.state, "opened", "a version reached through an old link counts as opened")
        self.assertIn("opened", second.event_ids.mapped("event_type"))

    def test_the_photo_route_follows_the_page_not_the_newest_version(self):
        png = test_customer_page.TestCustomerRemarks.PNG
        photo = self.env["ir.attachment"].create({"name": "pads.png", "raw": png, "res_model": "repair.work.item"})
        self.link_order.work_item_ids.filtered(lambda item: item.name == "Brake pads").attachment_ids = photo
        first = self._send_to(self.emile)
        self.assertEqual(self.url_open(f"/workshop/c/{first._get_token()}/photo/{photo.id}").status_code, 200)
        second = self._send_to(self.owner)
        self.assertEqual(self.url_open(f"/workshop/c/{first._get_token()}/photo/{photo.id}").status_code, 404)
        response = self.url_open(f"/workshop/c/{second._get_token()}/photo/{photo.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Cache-Control"], "no-store, no-cache, must-revalidate, private")

    # ------------------------------------------------------------------
    # 5: each route serves its own kind of link
    # ------------------------------------------------------------------

    def test_a_report_link_cannot_answer_an_overview(self):
        overview = self._send_to(self.emile)
        report = self._send_to(self.emile, kind="report")
        for route, params in (
            ("decide", {"line_id": self._line(overview).id, "decision": "accepted"}),
            ("confirm", {}),
            ("conditions", {"accepted": True}),
            ("reopen", {}),
        ):
            answer = self._rpc(report, route, params)
            self.assertFalse(answer["ok"], route)
            self.assertIn(INVALID_LINK, answer["error"], route)
        self.assertFalse(self._line(overview).decision)

    def test_a_checkin_link_cannot_decide_items(self):
        overview = self._send_to(self.emile)
        checkin = self._send_to(self.emile, kind="checkin")
        answer = self._rpc(checkin, "decide", {"line_id": self._line(overview).id, "decision": "accepted"})
        self.assertFalse(answer["ok"])
        self.assertIn(INVALID_LINK, answer["error"])
        self.assertFalse(self._line(overview).decision)
        answer = self._rpc(overview, "limit", {"amount": 100})
        self.assertIn(INVALID_LINK, answer["error"])

    def test_the_old_link_of_a_checkin_leads_to_the_checkin_page(self):
        first = self._send_to(self.emile, kind="checkin")
        second = self._send_to(self.emile, kind="checkin")
        self.assertEqual(first.state, "superseded")
        page = self._view_page(first._get_token())
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_workshop_checkin", page.text)
        self.assertNotIn("o_workshop_item", page.text)
        self.assertEqual(second.state, "opened")

    def test_a_decision_after_the_confirmation_is_refused_and_changes_nothing(self):
        overview = self._send_to(self.emile)
        for line in overview.line_ids:
            self.assertTrue(self._rpc(overview, "decide", {"line_id": line.id, "decision": "accepted"})["ok"])
        self.assertTrue(self._rpc(overview, "confirm")["ok"])
        answer = self._rpc(overview, "decide", {"line_id": self._line(overview).id, "decision": "declined"})
        self.assertFalse(answer["ok"])
        self.assertEqual(self._line(overview).decision, "accepted")

    # ------------------------------------------------------------------
    # 3 (in part): staff signed in answer nothing in the customer's place
    # ------------------------------------------------------------------

    def test_a_signed_in_staff_member_cannot_answer_through_the_customer_link(self):
        overview = self._send_to(self.emile)
        self.authenticate("rcc_mechanic", "rcc_mechanic")
        answer = self._rpc(overview, "decide", {"line_id": self._line(overview).id, "decision": "accepted"})
        self.assertFalse(answer["ok"])
        self.assertIn("use the preview", answer["error"])
        self.assertFalse(self._line(overview).decision)
        self.assertEqual(overview.state, "sent", "a staff member following the link is no opening")
        page = self.url_open(f"/workshop/c/{overview._get_token()}")
        self.assertEqual(page.status_code, 200)
        self.assertIn('data-readonly="1"', page.text, "the page is read-only for staff")
        self.assertNotRegex(page.text, r'class="[^"]*\bo_workshop_confirm\b', "no button to confirm")

    # ------------------------------------------------------------------
    # 10: headers
    # ------------------------------------------------------------------

    def test_customer_pages_and_answers_are_never_stored_nor_framed(self):
        overview = self._send_to(self.emile)
        responses = {
            "page": self.url_open(f"/workshop/c/{overview._get_token()}"),
            "invalid page": self.url_open(f"/workshop/c/{'0' * 64}"),
            "JSON answer": self.url_open(
                f"/workshop/c/{overview._get_token()}/decide",
                data='{"jsonrpc": "2.0", "method": "call", "params": {"line_id": 0, "decision": "accepted"}}',
                headers={"Content-Type": "application/json"},
            ),
        }
        for name, response in responses.items():
            with self.subTest(name):
                self.assertEqual(response.headers["Cache-Control"], "no-store, no-cache, must-revalidate, private")
                self.assertEqual(response.headers["X-Frame-Options"], "DENY")
                self.assertEqual(response.headers["Content-Security-Policy"], "frame-ancestors 'none'")

    # ------------------------------------------------------------------
    # 7: whatever is sent, never a traceback to an anonymous visitor
    # ------------------------------------------------------------------

    def test_an_unforeseen_error_gives_a_generic_sentence_and_saves_nothing(self):
        overview = self._send_to(self.emile)
        line = self._line(overview)
        Communication = type(self.env["repair.customer.communication"])
        original = Communication._customer_decide

        def broken(communication, *args, **kwargs):
            original(communication, *args, **kwargs)  # writes, then fails
            raise RuntimeError("secret internal detail")

        with (
            patch.object(Communication, "_customer_decide", broken),
            mute_logger("odoo.addons.repair_customer_communication.controllers.customer_page"),
        ):
            response = self.url_open(
                f"/workshop/c/{overview._get_token()}/decide",
                data=json.dumps({"jsonrpc": "2.0", "params": {"line_id": line.id, "decision": "accepted"}}),
                headers={"Content-Type": "application/json"},
            )
        self.assertNotIn("secret internal detail", response.text)
        self.assertNotIn("Traceback", response.text)
        self.assertIn("Something went wrong on our side", response.json()["result"]["error"])
        self.assertFalse(line.decision, "nothing was saved")

    def test_garbage_of_every_shape_gets_an_answer_without_debug_data(self):
        overview = self._send_to(self.emile)
        line = self._line(overview)
        url = f"/workshop/c/{overview._get_token()}/decide"
        bodies = [
            {"jsonrpc": "2.0", "params": {"line_id": [line.id], "decision": "accepted"}},
            {"jsonrpc": "2.0", "params": {"line_id": {"id": line.id}, "decision": "accepted"}},
            {"jsonrpc": "2.0", "params": {"line_id": True, "decision": "accepted"}},
            {"jsonrpc": "2.0", "params": {"line_id": str(line.id), "decision": ["accepted"]}},
            {"jsonrpc": "2.0", "params": {"line_id": line.id, "decision": "accepted", "reason": 12, "question": []}},
            {"jsonrpc": "2.0", "params": [line.id, "accepted"]},
            {"jsonrpc": "2.0", "params": "line_id"},
        ]
        with mute_logger("odoo.http", "odoo.addons.repair_customer_communication.controllers.customer_page"):
            responses = [
                self.url_open(url, data=json.dumps(body), headers={"Content-Type": "application/json"})
                for body in bodies
            ]
            responses.append(self.url_open(url, data="{not json", headers={"Content-Type": "application/json"}))
        for body, response in zip([*bodies, "{not json"], responses, strict=True):
            with self.subTest(body=body):
                self.assertNotIn("Traceback", response.text)
                self.assertNotIn('"debug"', response.text)
                self.assertNotIn("site-packages", response.text)
        self.assertFalse(line.decision)

    # ------------------------------------------------------------------
    # 2, 3: reception copies or revokes a link, logged; nobody else reads it; kept copies hold no live token
    # ------------------------------------------------------------------

    def test_no_staff_role_reads_the_customer_link(self):
        overview = self._send_to(self.emile)
        for user in (self.mechanic, self.receptionist):
            with self.subTest(user=user.login):
                self.assertFalse(overview.with_user(user).read(["customer_url"])[0]["customer_url"])
        with self.assertRaises(AccessError):
            overview.with_user(self.mechanic)._staff_copy_link()
        self.assertNotIn("link_copied", overview.event_ids.mapped("event_type"))

    def test_reception_copies_the_link_explicitly_and_it_is_logged(self):
        overview = self._send_to(self.emile)
        event = overview.event_ids[:1].with_user(self.receptionist)
        self.assertTrue(event.link_live)
        action = event.action_copy_customer_link()
        self.assertIn(overview._get_token(), action["params"]["message"])
        copied = overview.event_ids.filtered(lambda e: e.event_type == "link_copied")
        self.assertEqual(len(copied), 1)
        self.assertIn(self.receptionist.name, copied.details)

    def test_reception_revokes_a_link_and_it_opens_nothing(self):
        overview = self._send_to(self.emile)
        token = overview._get_token()
        overview.event_ids[:1].with_user(self.receptionist).action_revoke_customer_link()
        self.assertEqual(overview.state, "revoked")
        revoked = overview.event_ids.filtered(lambda e: e.event_type == "revoked")
        self.assertIn(self.receptionist.name, revoked.details)
        self._assert_opens_nothing(token)
        self.assertIn(INVALID_LINK, self._rpc(overview, "confirm")["error"])
        with self.assertRaises(UserError):
            overview.with_user(self.receptionist)._staff_copy_link()

    def test_kept_copies_of_sent_messages_hold_no_live_link(self):
        email_overview = self._send_to(self.emile)
        token = email_overview._get_token()
        message = self.env["customer.notification"].search([("communication_id", "=", email_overview.id)]).message_id
        self.assertNotIn(token, message.body, "the chatter copy of the e-mail")
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        self.assertIn(token, mail.body_html, "the e-mail itself carries it until it is sent")
        with self.mock_mail_gateway():
            mail.send()
        mail.invalidate_recordset()
        self.assertNotIn(token, mail.body_html or "", "Odoo's kept e-mail, once sent")
        sms_order = self._create_customer_order([("Wipers", "recommended", 30.0)])
        with self.mockSMSGateway():
            sms_overview = self._send_to(self.emile, channel="sms", order=sms_order)
        sms_message = self.env["customer.notification"].search([("communication_id", "=", sms_overview.id)]).message_id
        self.assertNotIn(sms_overview._get_token(), sms_message.body, "the chatter copy of the SMS")
        self.assertIn("/workshop/c/link-not-kept", sms_message.body)
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", sms_message.id)])
        self.assertIn(sms_overview._get_token(), sms.body, "the SMS itself carries it")

    # ------------------------------------------------------------------
    # Review of the above: the report link, reception's gates, answered evidence
    # ------------------------------------------------------------------

    def test_an_old_report_link_gives_no_pdf_once_a_new_one_went_elsewhere(self):
        first = self._send_to(self.emile, kind="report")
        self._send_to(self.owner, kind="report")
        self.assertEqual(first.state, "revoked", "the new version went to someone else")
        self.assertIn("revoked", first.event_ids.mapped("event_type"))
        self.assertEqual(self.url_open(f"/workshop/c/{first._get_token()}/report.pdf").status_code, 404)

    def test_only_reception_closes_an_overview_or_touches_a_link(self):
        overview = self._send_to(self.emile)
        with self.assertRaises(AccessError):
            self.link_order.with_user(self.mechanic).action_close_customer_overview()
        event = overview.event_ids[:1].with_user(self.mechanic)
        for action in (event.action_copy_customer_link, event.action_revoke_customer_link):
            with self.assertRaises(AccessError):
                action()
        self.assertEqual(overview.state, "sent")

    def test_an_answered_link_cannot_be_revoked_but_a_leaked_old_one_can(self):
        first = self._send_to(self.emile)
        second = self._send_to(self.emile)
        self.assertEqual(first.state, "superseded")
        old_event = first.event_ids.filtered(lambda e: e.event_type == "sent").with_user(self.receptionist)
        self.assertTrue(old_event.link_live, "it still leads to the current version")
        old_event.action_revoke_customer_link()
        self.assertEqual(first.state, "revoked")
        self._assert_opens_nothing(first._get_token())
        self.assertEqual(self.url_open(f"/workshop/c/{second._get_token()}").status_code, 200, "the current link works")
        for line in second.line_ids:
            self._rpc(second, "decide", {"line_id": line.id, "decision": "accepted"})
        self.assertTrue(self._rpc(second, "confirm")["ok"])
        with self.assertRaises(UserError):
            second.with_user(self.receptionist)._staff_revoke_link()
        self.assertEqual(second.state, "confirmed")
        self.assertFalse(
            second.event_ids.filtered(lambda e: e.event_type == "sent").with_user(self.receptionist).link_revocable
        )

    def test_answered_lines_are_never_remade_and_answered_items_never_deleted(self):
        overview = self._send_to(self.emile)
        pads = self._line(overview)
        # Answered straight from the link, without the page being counted as opened.
        overview._customer_decide(pads.id, "accepted")
        self.assertEqual(overview.state, "sent")
        self.link_order.work_item_ids.filtered(lambda item: item.name == "Brake pads").price_unit = 260.0
        self.assertTrue(pads.exists(), "the answered line was not deleted and re-made")
        self.assertEqual(pads.decision, "accepted")
        planned = self.env["customer.notification"].search(
            [("order_id", "=", self.link_order.id), ("state", "=", "queued"), ("cause", "=", "manual")]
        )
        self.assertEqual(len(planned), 1, "a new version is planned instead")
        item = self.link_order.work_item_ids.filtered(lambda item: item.name == "Brake pads")
        with self.assertRaises(UserError):
            item.with_user(self.receptionist).unlink()
        self.assertTrue(item.exists())

    def test_a_withdrawal_is_in_the_communication_log(self):
        self.env["repair.customer.agreement"].create(
            {"name": "Terms", "body": "<p>Terms.</p>", "company_id": self.company_a.id}
        )
        overview = self._send_to(self.emile)
        self.assertTrue(self._rpc(overview, "conditions", {"accepted": True})["ok"])
        self.assertTrue(self._rpc(overview, "conditions", {"accepted": False})["ok"])
        withdrawn = overview.event_ids.filtered(lambda e: e.event_type == "withdrawn")
        self.assertEqual(len(withdrawn), 1)
        self.assertEqual(withdrawn.ip_address, "127.0.0.1")

    def test_template_previews_by_staff_never_show_the_live_link(self):
        overview = self._send_to(self.emile)
        self.assertFalse(overview.with_user(self.receptionist).customer_url)
        self.assertFalse(overview.with_user(self.mechanic).customer_url)
        self.assertIn(overview._get_token(), overview.sudo().customer_url)

    def test_re_sending_an_expired_link_sends_a_working_one(self):
        overview = self._send_to(self.emile)
        old_token = overview._get_token()
        overview.sudo().expires_at = fields.Datetime.now() - timedelta(days=1)
        self._assert_opens_nothing(old_token)
        overview._send()
        new_token = overview._get_token()
        self.assertNotEqual(new_token, old_token)
        self.assertEqual(self.url_open(f"/workshop/c/{new_token}").status_code, 200)
        self.assertGreater(overview.expires_at, fields.Datetime.now())
