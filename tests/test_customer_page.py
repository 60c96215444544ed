import base64
import io
import re
from datetime import timedelta
from unittest.mock import patch

from PIL import Image

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestCustomerPage(HttpCase, WorkshopCommon):
    """The customer's overview page: links, answers, confirmation and every bad input."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.emile
        cls.page_order = cls._create_order(
            cls.company_a,
            partner_id=cls.customer.id,
            driver_id=cls.customer.id,
            work_item_ids=[
                Command.create({"name": "Oil service", "category": "scheduled", "price_unit": 100.0}),
                Command.create({"name": "Brake pads", "category": "necessary", "price_unit": 200.0}),
                Command.create({"name": "Wiper blades", "category": "recommended", "price_unit": 30.0}),
                Command.create({"name": "Tyres checked", "category": "ok", "price_unit": 0.0}),
                Command.create(
                    {
                        "name": "Hidden internal check",
                        "category": "necessary",
                        "price_unit": 10.0,
                        "visible_to_customer": False,
                    }
                ),
            ],
        )
        cls.items = {item.name: item for item in cls.page_order.work_item_ids}

    def _send(self, order=None, channel="email", note="Your car is on the lift."):
        return self._send_overview(order or self.page_order, channel=channel, note=note)

    @staticmethod
    def _without_csrf(html):
        return re.sub(r'name="csrf_token" value="[^"]*"|csrf_token: "[^"]*"', "", html)

    def _line(self, communication, name):
        return communication.line_ids.filtered(lambda line: line.name == name)

    def _decide(self, communication, line_id, decision, **extra):
        return self.make_jsonrpc_request(
            f"/workshop/c/{communication._get_token()}/decide",
            {"line_id": line_id, "decision": decision, **extra},
        )

    def _confirm(self, communication):
        return self.make_jsonrpc_request(f"/workshop/c/{communication._get_token()}/confirm", {})

    # ------------------------------------------------------------------
    # Sending and links
    # ------------------------------------------------------------------

    def test_send_by_email_queues_a_mail_with_the_link(self):
        communication = self._send()
        mail = self.env["mail.mail"].search([("model", "=", communication._name), ("res_id", "=", communication.id)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.email_to, self.customer.email)
        self.assertIn(communication._get_token(), str(mail.body_html))
        self.assertEqual(communication.state, "sent")
        self.assertEqual(self.page_order.customer_progress, "sent")
        self.assertEqual(communication.event_ids.mapped("event_type"), ["sent"])
        # Only the items the customer may see, with their price snapshot.
        self.assertEqual(len(communication.line_ids), 4)
        self.assertNotIn("Hidden internal check", communication.line_ids.mapped("name"))

    def test_send_by_sms_queues_an_sms_on_the_order(self):
        communication = self._send(channel="sms")
        sms = self.env["sms.sms"].search([("number", "=", self.customer.phone)])
        self.assertEqual(len(sms), 1)
        self.assertIn(communication._get_token(), sms.body)
        self.assertEqual(sms.state, "outgoing", "queued for Odoo's SMS cron, not sent inside the transaction")
        # Issue 10.3: the chatter copy keeps no live link (mechanics read the chatter).
        self.assertNotIn(communication._get_token(), self.page_order.message_ids[0].body)
        self.assertIn("/workshop/c/link-not-kept", self.page_order.message_ids[0].body)

    def test_resend_sends_the_same_link(self):
        communication = self._send()
        token = communication._get_token()
        communication._send()
        mails = self.env["mail.mail"].search([("model", "=", communication._name), ("res_id", "=", communication.id)])
        self.assertEqual(len(mails), 2)
        self.assertTrue(all(token in str(mail.body_html) for mail in mails))
        self.assertEqual(communication.event_ids.sorted("id").mapped("event_type"), ["sent", "resent"])

    def test_blocked_customer_is_never_sent_to(self):
        self.customer.communication_blocked = True
        with self.assertRaises(UserError):
            self._send()
        self.assertFalse(
            self.env["mail.mail"].search(
                [
                    ("model", "=", "repair.customer.communication"),
                    ("res_id", "in", self.page_order.communication_ids.ids),
                ]
            )
        )

    def test_token_is_long_random_and_stored_only_as_a_hash(self):
        communication = self._send()
        token = communication._get_token()
        self.assertEqual(len(token), 64)  # 256 bits
        stored = communication.sudo().read(["token_hash", "token_nonce"])[0]
        self.assertNotIn(token, stored.values())
        self.assertEqual(stored["token_hash"], communication._hash_token(token))

    def test_page_viewed_marks_opened_and_logs_ip(self):
        communication = self._send()
        response = self._view_page(communication._get_token())
        self.assertEqual(response.status_code, 200)
        self.assertIn("Brake pads", response.text)
        self.assertNotIn("Hidden internal check", response.text)
        self.assertIn("Your car is on the lift.", response.text)
        self.assertIn("no-store", response.headers["Cache-Control"])
        self.assertEqual(response.headers["Referrer-Policy"], "no-referrer")
        self.assertEqual(communication.state, "opened")
        opened = communication.event_ids.filtered(lambda event: event.event_type == "opened")
        self.assertEqual(opened.ip_address, "127.0.0.1")
        self.assertTrue(opened.user_agent)
        self.assertTrue(opened.create_date)

    def test_a_link_scanner_fetching_the_link_opens_nothing(self):
        """Mail security gateways fetch links; they run no script, so no beacon: the overview stays unopened."""
        communication = self._send()
        response = self.url_open(
            f"/workshop/c/{communication._get_token()}", headers={"User-Agent": "Mozilla/5.0 (compatible; LinkScanner)"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Brake pads", response.text)
        self.assertEqual(communication.state, "sent")
        self.assertFalse(communication.opened_at)
        self.assertNotIn("opened", communication.event_ids.mapped("event_type"))

    def test_repeated_loads_in_one_visit_log_one_opening(self):
        communication = self._send()
        token = communication._get_token()
        phone = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) Mobile"}
        for _reload in range(3):
            self._view_page(token, headers=phone)
        openings = communication.event_ids.filtered(lambda event: event.event_type == "opened")
        self.assertEqual(len(openings), 1)
        # Another browser is another visit.
        self._view_page(token, headers={"User-Agent": "Mozilla/5.0 (Macintosh) Safari"})
        openings = communication.event_ids.filtered(lambda event: event.event_type == "opened")
        self.assertEqual(len(openings), 2)
        # The same phone, back after the visit's half hour, is a new visit.
        first = openings.filtered(lambda event: event.user_agent == phone["User-Agent"])
        self.env.cr.execute(
            "UPDATE repair_customer_event SET create_date = create_date - interval '31 minutes' WHERE id = %s",
            [first.id],
        )
        self._view_page(token, headers=phone)
        communication.invalidate_recordset(["event_ids"])
        openings = communication.event_ids.filtered(lambda event: event.event_type == "opened")
        self.assertEqual(len(openings), 3)
        self.assertEqual(communication.state, "opened")

    def test_openings_logged_per_hour_are_capped(self):
        communication = self._send()
        token = communication._get_token()
        for index in range(25):
            self.make_jsonrpc_request(f"/workshop/c/{token}/opened", {}, headers={"User-Agent": f"Browser {index}"})
        openings = communication.event_ids.filtered(lambda event: event.event_type == "opened")
        self.assertEqual(len(openings), 20)

    def test_an_answer_that_failed_on_our_side_asks_the_page_to_keep_it(self):
        """The page keeps an answer the workshop could not store (retry), but forgets one it refused."""
        communication = self._send()
        token = communication._get_token()
        line = communication.line_ids.filtered(lambda line: line.name == "Brake pads")
        Communication = type(self.env["repair.customer.communication"])
        with (
            patch.object(Communication, "_customer_decide", side_effect=RuntimeError("disk full")),
            mute_logger("odoo.addons.repair_customer_communication.controllers.customer_page"),
        ):
            failed = self.make_jsonrpc_request(
                f"/workshop/c/{token}/decide", {"line_id": line.id, "decision": "accepted"}
            )
        self.assertEqual((failed["ok"], failed.get("retry")), (False, True))
        self.assertNotIn("disk full", failed["error"])
        refused = self.make_jsonrpc_request(f"/workshop/c/{token}/decide", {"line_id": line.id, "decision": "bogus"})
        self.assertFalse(refused["ok"])
        self.assertFalse(refused.get("retry"))

    def test_a_beacon_with_a_bad_token_opens_nothing(self):
        communication = self._send()
        answer = self.make_jsonrpc_request("/workshop/c/" + "0" * 64 + "/opened", {})
        self.assertFalse(answer["ok"])
        self.assertIn("This link is not valid", answer["error"])
        self.assertEqual(communication.state, "sent")

    def test_wrong_expired_or_revoked_links_get_the_same_clear_page(self):
        communication = self._send()
        token = communication._get_token()
        unknown = self.url_open("/workshop/c/" + "0" * 64)
        malformed = self.url_open("/workshop/c/not-a-token")
        # 200, not 404: a phone's browser logs a 404 page as an error; the page itself says what is wrong.
        self.assertEqual(unknown.status_code, 200)
        self.assertEqual(malformed.status_code, 200)
        self.assertIn("This link is not valid", unknown.text)
        communication.sudo().expires_at = fields.Datetime.now() - timedelta(minutes=1)
        expired = self.url_open(f"/workshop/c/{token}")
        self.assertEqual(expired.status_code, 200)
        self.assertNotIn("Brake pads", expired.text)
        communication.sudo().write({"expires_at": fields.Datetime.now() + timedelta(days=1), "state": "revoked"})
        revoked = self.url_open(f"/workshop/c/{token}")
        self.assertEqual(revoked.status_code, 200)
        # Same page whatever the reason (but for the per-request CSRF token).
        self.assertEqual(self._without_csrf(unknown.text), self._without_csrf(revoked.text))

    def test_outdated_link_shows_the_current_version_with_what_changed(self):
        first = self._send()
        self._view_page(first._get_token())  # the customer opens it
        self.assertEqual(first.state, "opened")
        self.items["Brake pads"].price_unit = 250.0  # a new version is planned, and the job sends it
        self._run_queue()
        second = self.page_order.last_overview_id
        self.assertEqual(first.state, "superseded")
        self.assertEqual(second.version, 2)
        response = self.url_open(f"/workshop/c/{first._get_token()}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("newer version", response.text)
        changed = self._line(second, "Brake pads")
        self.assertTrue(changed.is_changed)
        self.assertEqual(changed.previous_price_total, self._line(first, "Brake pads").price_total)
        self.assertIn("o_workshop_changed", response.text)

    # ------------------------------------------------------------------
    # Answers
    # ------------------------------------------------------------------

    def test_decide_and_confirm(self):
        communication = self._send()
        brakes = self._line(communication, "Brake pads")
        wipers = self._line(communication, "Wiper blades")
        result = self._decide(communication, brakes.id, "accepted")
        self.assertTrue(result["ok"])
        self.assertEqual([entry["name"] for entry in result["summary"]["chosen"]], ["Brake pads"])
        self.assertEqual(result["summary"]["open_count"], 1)
        self.assertTrue(self._decide(communication, wipers.id, "declined", reason="price")["ok"])
        self.assertEqual(wipers.decline_reason, "price")
        self.assertEqual(self.items["Wiper blades"].customer_decline_reason, "Too expensive")
        messages_before = len(self.page_order.message_ids)
        self.assertTrue(self._confirm(communication)["ok"])
        self.assertEqual(communication.state, "confirmed")
        self.assertEqual(self.items["Brake pads"].customer_decision, "accepted")
        self.assertEqual(self.items["Wiper blades"].customer_decision, "declined")
        self.assertEqual(len(self.page_order.message_ids), messages_before + 1)
        self.assertEqual(len(self.page_order.activity_ids), 1)
        self.assertEqual(self.page_order.customer_progress, "confirmed")
        # Confirming again or answering afterwards changes nothing.
        again = self._confirm(communication)
        self.assertFalse(again["ok"])
        self.assertIn("already sent", again["error"])
        late = self._decide(communication, brakes.id, "declined")
        self.assertFalse(late["ok"])
        self.assertEqual(brakes.decision, "accepted")
        self.assertEqual(len(self.page_order.message_ids), messages_before + 1)
        self.assertEqual(len(self.page_order.activity_ids), 1)
        page = self.url_open(f"/workshop/c/{communication._get_token()}")
        self.assertIn("can no longer be changed", page.text)

    def test_confirm_refused_while_items_are_undecided(self):
        communication = self._send()
        result = self._confirm(communication)
        self.assertFalse(result["ok"])
        self.assertIn("2 left", result["error"])
        self.assertEqual(communication.state, "sent")

    def test_item_of_another_order_is_refused(self):
        communication = self._send()
        other_order = self.page_order.copy()
        other = self._send(order=other_order)
        foreign_line = self._line(other, "Brake pads")
        result = self._decide(communication, foreign_line.id, "accepted")
        self.assertFalse(result["ok"])
        self.assertIn("not part of your overview", result["error"])
        self.assertFalse(foreign_line.decision)

    def test_hidden_item_cannot_be_answered(self):
        communication = self._send()
        hidden_item = self.items["Hidden internal check"]
        for line_id in (hidden_item.id, "abc", None, -1):
            result = self._decide(communication, line_id, "accepted")
            self.assertFalse(result["ok"])
        self.assertFalse(hidden_item.customer_decision)

    def test_decision_outside_the_allowed_set_is_refused(self):
        communication = self._send()
        brakes = self._line(communication, "Brake pads")
        scheduled = self._line(communication, "Oil service")
        for line, decision in ((brakes, "maybe"), (brakes, "disagree"), (scheduled, "declined"), (brakes, 42)):
            result = self._decide(communication, line.id, decision)
            self.assertFalse(result["ok"], decision)
            self.assertIn("not available", result["error"])
        self.assertFalse(brakes.decision)
        bad_reason = self._decide(communication, brakes.id, "declined", reason="<script>")
        self.assertFalse(bad_reason["ok"])
        self.assertFalse(brakes.decision)

    def test_contact_question_is_kept_and_shown_as_text(self):
        communication = self._send()
        wipers = self._line(communication, "Wiper blades")
        question = "<script>alert('x')</script> Which brand?"
        self.assertTrue(self._decide(communication, wipers.id, "contact", question=question)["ok"])
        self.assertEqual(wipers.contact_question, question)
        self.assertEqual(self.items["Wiper blades"].customer_question, question, "reception sees it on the item")
        page = self.url_open(f"/workshop/c/{communication._get_token()}")
        self.assertNotIn("<script>alert('x')</script>", page.text)
        self.assertIn("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Which brand?", page.text)
        too_long = self._decide(communication, wipers.id, "contact", question="x" * 1001)
        self.assertFalse(too_long["ok"])
        self.assertEqual(wipers.contact_question, question)

    def test_item_photos_are_served_only_for_items_of_the_overview(self):
        png = TestCustomerRemarks.PNG
        Attachment = self.env["ir.attachment"]
        shown = Attachment.create({"name": "pads.png", "raw": png, "res_model": "repair.work.item"})
        hidden = Attachment.create({"name": "internal.png", "raw": png, "res_model": "repair.work.item"})
        unrelated = Attachment.create({"name": "other.png", "raw": png})
        self.items["Brake pads"].attachment_ids = shown
        self.items["Hidden internal check"].attachment_ids = hidden
        communication = self._send()
        token = communication._get_token()
        page = self.url_open(f"/workshop/c/{token}")
        self.assertIn(f"/workshop/c/{token}/photo/{shown.id}", page.text)
        photo = self.url_open(f"/workshop/c/{token}/photo/{shown.id}")
        self.assertEqual(photo.status_code, 200)
        self.assertEqual(photo.content, png)
        for attachment in (hidden, unrelated):
            self.assertEqual(self.url_open(f"/workshop/c/{token}/photo/{attachment.id}").status_code, 404)
        self.assertEqual(self.url_open(f"/workshop/c/{'0' * 64}/photo/{shown.id}").status_code, 404)

    def test_item_photos_show_as_sized_lazy_thumbnails(self):
        """The page shows a 192 x 144 px thumbnail (sized, lazy); the full photo opens on a tap."""
        big = io.BytesIO()
        Image.new("RGB", (2400, 1800), "gray").save(big, format="JPEG")
        photo = self.env["ir.attachment"].create(
            {"name": "pads.jpg", "raw": big.getvalue(), "res_model": "repair.work.item"}
        )
        self.items["Brake pads"].attachment_ids = photo
        token = self._send()._get_token()
        page = self.url_open(f"/workshop/c/{token}").text
        tile = re.search(rf'<img[^>]*src="/workshop/c/{token}/photo/{photo.id}\?thumbnail=1"[^>]*>', page).group(0)
        for attribute in ('width="96"', 'height="72"', 'loading="lazy"', 'alt="pads.jpg"'):
            self.assertIn(attribute, tile)
        self.assertIn(f'href="/workshop/c/{token}/photo/{photo.id}"', page)
        thumbnail = self.url_open(f"/workshop/c/{token}/photo/{photo.id}?thumbnail=1")
        self.assertEqual(thumbnail.status_code, 200)
        self.assertEqual(Image.open(io.BytesIO(thumbnail.content)).size, (192, 144))
        self.assertLess(len(thumbnail.content), len(big.getvalue()) / 5)
        self.assertEqual(thumbnail.headers["Cache-Control"].count("no-store"), 1)

    def test_language_can_be_switched_on_the_page(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "en_US"
        communication = self._send()
        token = communication._get_token()
        page = self.url_open(f"/workshop/c/{token}?lang=fr_FR")
        self.assertIn(f'href="/workshop/c/{token}?lang=en_US"', page.text)
        self.assertIn('lang="fr-FR"', page.text)
        unknown = self.url_open(f"/workshop/c/{token}?lang=xx_XX")
        self.assertEqual(unknown.status_code, 200)
        self.assertIn('lang="en-US"', unknown.text)

    def test_staff_preview_is_read_only_and_logs_nothing(self):
        communication = self._send()
        self.authenticate(self.receptionist.login, self.receptionist.login)
        response = self.url_open(f"/workshop/preview/{communication.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Preview", response.text)
        self.assertIn("disabled", response.text)
        self.assertEqual(communication.state, "sent")
        self.assertEqual(communication.event_ids.mapped("event_type"), ["sent"])

    def test_staff_following_the_link_is_not_an_opening(self):
        communication = self._send()
        self.authenticate(self.receptionist.login, self.receptionist.login)
        response = self._view_page(communication._get_token())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(communication.state, "sent")
        self.assertNotIn("opened", communication.event_ids.mapped("event_type"))

    def test_preview_needs_a_logged_in_user(self):
        communication = self._send()
        response = self.url_open(f"/workshop/preview/{communication.id}", allow_redirects=False)
        self.assertIn(response.status_code, (303, 302))
        self.assertIn("/web/login", response.headers["Location"])


@tagged("post_install", "-at_install")
class TestCustomerRemarks(HttpCase, WorkshopCommon):
    """Remarks with photos: limits, disguised files, and what mechanics see."""

    PNG = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
        b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
    )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.remark_order = cls._create_customer_order([("Brake pads", "necessary", 200.0)])
        cls.communication = cls._send_overview(cls.remark_order)

    def _post_remark(self, data, files=None):
        # A session and its CSRF token (Odoo's login form shows it; a closed page has no remark form).
        csrf = self.url_open("/web/login").text.split('name="csrf_token" value="')[1].split('"')[0]
        token = self.communication._get_token()
        response = self.url_open(f"/workshop/c/{token}/remark", data=dict(data, csrf_token=csrf), files=files or [])
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response.headers["Cache-Control"])
        return response.json()

    def test_remark_with_a_photo(self):
        result = self._post_remark(
            {"subject": "Noise", "body": "<b>Rattles</b> at 80 km/h"}, files=[("files", ("noise.png", self.PNG))]
        )
        self.assertTrue(result["ok"], result)
        remark = self.remark_order.customer_remark_ids
        self.assertEqual(remark.subject, "Noise")
        self.assertEqual(remark.body, "<b>Rattles</b> at 80 km/h")
        self.assertEqual(remark.attachment_ids.mimetype, "image/png")
        page = self.url_open(f"/workshop/c/{self.communication._get_token()}")
        self.assertIn("&lt;b&gt;Rattles&lt;/b&gt;", page.text)
        self.assertNotIn("<b>Rattles</b>", page.text)

    def test_disguised_or_oversize_files_leave_nothing_behind(self):
        attachments_before = self.env["ir.attachment"].search_count([])
        disguised = self._post_remark(
            {"subject": "Photo"}, files=[("files", ("photo.jpg", b"#!/bin/sh\necho not a photo\n"))]
        )
        self.assertFalse(disguised["ok"])
        self.assertIn("photo.jpg", disguised["error"])
        too_many = self._post_remark(
            {"subject": "Photos"}, files=[("files", (f"p{i}.png", self.PNG)) for i in range(6)]
        )
        self.assertFalse(too_many["ok"])
        big = self._post_remark(
            {"subject": "Video"}, files=[("files", ("big.png", self.PNG + b"0" * (10 * 1024 * 1024)))]
        )
        self.assertFalse(big["ok"])
        self.assertIn("too large", big["error"])
        # A good file next to a bad one: the whole remark is refused.
        mixed = self._post_remark(
            {"subject": "Mixed"}, files=[("files", ("ok.png", self.PNG)), ("files", ("bad.png", b"MZ\x90\x00"))]
        )
        self.assertFalse(mixed["ok"])
        self.assertFalse(self.remark_order.customer_remark_ids)
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments_before)

    def test_remark_needs_a_subject_and_an_open_overview(self):
        self.assertFalse(self._post_remark({"subject": "  ", "body": "text"})["ok"])
        self.assertFalse(self._post_remark({"subject": "x" * 121})["ok"])
        self.communication.sudo().state = "closed"
        closed = self._post_remark({"subject": "Late"})
        self.assertFalse(closed["ok"])
        self.assertFalse(self.remark_order.customer_remark_ids)

    def test_mechanics_see_only_shared_remarks(self):
        self.assertTrue(self._post_remark({"subject": "Keys", "body": "Spare key in the glovebox"})["ok"])
        remark = self.remark_order.customer_remark_ids
        as_mechanic = self.env["repair.customer.remark"].with_user(self.mechanic)
        self.assertFalse(as_mechanic.search([("id", "=", remark.id)]))
        remark.with_user(self.receptionist).action_share_with_mechanics()
        remark.with_user(self.receptionist).action_mark_read()
        self.assertEqual(as_mechanic.search([("id", "=", remark.id)]), remark)
        self.assertTrue(remark.is_read)


@tagged("post_install", "-at_install")
class TestUpdatedPrices(WorkshopCommon):
    """A price changed after sending: the customer's page follows, and sees what changed."""

    def setUp(self):
        super().setUp()
        self.price_order = self._create_customer_order(
            [("Brake pads", "necessary", 200.0), ("Wipers", "recommended", 30.0)]
        )
        self.pads = self.price_order.work_item_ids.filtered(lambda item: item.name == "Brake pads")
        self.overview = self._send_overview(self.price_order, note="See you soon")

    def test_not_opened_yet_same_link_new_prices(self):
        self.pads.with_user(self.receptionist).price_unit = 250.0
        self.assertEqual(self.price_order.last_overview_id, self.overview)
        self.assertEqual(self.overview.line_ids.filtered(lambda line: line.name == "Brake pads").price_subtotal, 250.0)

    def test_opened_overview_gets_a_new_version_sent_automatically(self):
        self.overview.state = "opened"
        warning = self.pads.with_user(self.receptionist)._onchange_price_warn_opened_overview()
        self.assertIn("already opened", warning["warning"]["title"])
        # The order's own links only (the job also sends what the demo data planned).
        order_mails = [("model", "=", self.overview._name), ("res_id", "in", self.price_order.communication_ids.ids)]
        mails_before = self.env["mail.mail"].search_count(order_mails)
        self.pads.with_user(self.receptionist).price_unit = 250.0
        # Nothing leaves from inside write(): the new version waits in the queue, the old link still works.
        planned = self.env["customer.notification"].search(
            [("order_id", "=", self.price_order.id), ("cause", "=", "manual"), ("state", "=", "queued")]
        )
        self.assertEqual(len(planned), 1)
        self.assertEqual(planned.communication_id.state, "draft")
        self.assertEqual(self.overview.state, "opened")
        self.assertEqual(self.price_order.last_overview_id, self.overview)
        self.assertEqual(self.env["mail.mail"].search_count(order_mails), mails_before)
        self._run_queue()
        self.assertEqual(planned.state, "sent")
        new_version = self.price_order.last_overview_id
        self.assertEqual(new_version, planned.communication_id)
        self.assertNotEqual(new_version, self.overview)
        self.assertEqual(new_version.version, 2)
        self.assertEqual(new_version.state, "sent")
        self.assertEqual(new_version.note, "See you soon")
        self.assertEqual(self.overview.state, "superseded")
        self.assertEqual(self.overview._current_version(), new_version)
        changed = new_version.line_ids.filtered("is_changed")
        self.assertEqual(changed.name, "Brake pads")
        self.assertEqual(changed.previous_price_total, 242.0)  # 200 + 21% VAT
        order_mails[1] = ("res_id", "in", self.price_order.communication_ids.ids)
        self.assertEqual(self.env["mail.mail"].search_count(order_mails), mails_before + 1)

    def test_price_changed_by_an_import_behaves_as_the_form(self):
        """A server action, an import or a second change before the job ran: one new version, as from the form."""
        self.overview.state = "opened"
        server_action = self.env["ir.actions.server"].create(
            {
                "name": "Raise brake pad prices",
                "model_id": self.env["ir.model"]._get_id("repair.work.item"),
                "state": "code",
                "code": "records.write({'price_unit': 260.0})",
            }
        )
        server_action.with_context(active_model="repair.work.item", active_ids=self.pads.ids).run()
        self.env["repair.work.item"].load(["id", "price_unit"], [[self.pads.export_data(["id"])["datas"][0][0], "270"]])
        planned = self.env["customer.notification"].search(
            [("order_id", "=", self.price_order.id), ("cause", "=", "manual"), ("state", "=", "queued")]
        )
        self.assertEqual(len(planned), 1, "one pending version, kept up to date")
        self.assertEqual(planned.communication_id.version, 2)
        line = planned.communication_id.line_ids.filtered(lambda line: line.name == "Brake pads")
        self.assertEqual(line.price_subtotal, 270.0)
        self._run_queue()
        self.assertEqual(self.price_order.last_overview_id, planned.communication_id)
        self.assertEqual(self.overview.state, "superseded")

    def test_confirmed_overview_is_not_changed_behind_the_customer(self):
        self.overview.state = "confirmed"
        self.pads.with_user(self.receptionist).price_unit = 250.0
        self.assertEqual(self.price_order.last_overview_id, self.overview)
        self.assertEqual(self.overview.line_ids.filtered(lambda line: line.name == "Brake pads").price_subtotal, 200.0)

    def test_customer_blocked_since_gets_nothing_and_the_price_still_changes(self):
        self.overview.state = "opened"
        self.emile.communication_blocked = True
        self.pads.with_user(self.receptionist).price_unit = 250.0
        self.assertEqual(self.pads.price_unit, 250.0)
        self.assertEqual(self.price_order.last_overview_id, self.overview)

    def test_edits_in_the_send_dialog_do_not_send_an_extra_version(self):
        self.overview.state = "opened"
        self.pads.with_context(repair_skip_overview_update=True).price_unit = 260.0
        self.assertEqual(self.price_order.last_overview_id, self.overview)


@tagged("post_install", "-at_install")
class TestConditionsAndSignature(HttpCase, WorkshopCommon):
    """Conditions to accept (versioned, with proof) and a signature where the company asks for one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement = cls.env["repair.customer.agreement"].create(
            {
                "name": "Workshop terms",
                "body": "<p>Parts replaced are returned on request.</p>",
                "company_id": cls.company_a.id,
            }
        )
        cls.sign_order = cls._create_customer_order([("Brake pads", "necessary", 200.0)])

    def setUp(self):
        super().setUp()
        self.communication = self._send_overview(self.sign_order)
        self.token = self.communication._get_token()
        line = self.communication.line_ids
        self.make_jsonrpc_request(f"/workshop/c/{self.token}/decide", {"line_id": line.id, "decision": "accepted"})

    def _rpc(self, route, params=None):
        return self.make_jsonrpc_request(f"/workshop/c/{self.token}/{route}", params or {})

    def test_conditions_must_be_accepted_and_the_proof_is_kept(self):
        page = self._view_page(self.token)
        self.assertIn("Parts replaced are returned on request.", page.text)
        refused = self._rpc("confirm")
        self.assertFalse(refused["ok"])
        self.assertIn("accept the conditions", refused["error"])
        self.assertEqual(self.communication.state, "opened")
        self.assertTrue(self._rpc("conditions", {"accepted": True})["ok"])
        withdrawn = self.communication.acceptance_ids
        self.assertTrue(self._rpc("conditions", {"accepted": False})["ok"])
        # Unticking records a withdrawal beside the acceptance; it never deletes it.
        self.assertEqual(self.communication.acceptance_ids, withdrawn)
        self.assertTrue(withdrawn.withdrawn_at)
        self.assertEqual(withdrawn.withdrawal_ip_address, "127.0.0.1")
        self.assertEqual(self.communication._missing_agreements(), self.agreement)
        self.assertIn("accept the conditions", self._rpc("confirm")["error"])
        self.assertTrue(self._rpc("conditions", {"accepted": False})["ok"], "unticking twice is harmless")
        for not_a_boolean in ("yes", 1, [True], {"accepted": True}, None):
            self.assertFalse(self._rpc("conditions", {"accepted": not_a_boolean})["ok"], not_a_boolean)
        self.assertEqual(self.communication.acceptance_ids, withdrawn, "a wrong value changes nothing")
        self.assertTrue(self._rpc("conditions", {"accepted": True})["ok"])
        acceptance = self.communication.acceptance_ids - withdrawn
        self.assertEqual(len(acceptance), 1, "accepting again is a new acceptance")
        self.assertFalse(acceptance.withdrawn_at)
        self.assertEqual(acceptance.agreement_id, self.agreement)
        self.assertEqual(acceptance.agreement_version, 1)
        self.assertIn("returned on request", acceptance.agreement_text)
        self.assertEqual(acceptance.ip_address, "127.0.0.1")
        self.assertTrue(self._rpc("confirm")["ok"])
        self.assertEqual(self.communication.state, "confirmed")

    def test_a_new_text_is_a_new_version_to_accept(self):
        self.assertTrue(self._rpc("conditions", {"accepted": True})["ok"])
        self.agreement.body = "<p>New terms.</p>"
        self.assertEqual(self.agreement.version, 2)
        self.assertEqual(self.communication._missing_agreements(), self.agreement)
        self.assertFalse(self._rpc("confirm")["ok"])

    def test_signature_where_the_company_asks_for_one(self):
        self.company_a.repair_require_signature = True
        self.assertTrue(self._rpc("conditions", {"accepted": True})["ok"])
        self.assertIn("Please sign", self._rpc("confirm")["error"])
        self.assertIn("name", self._rpc("sign", {"name": " ", "signature": ""})["error"])
        self.assertIn("could not be read", self._rpc("sign", {"name": "Émile", "signature": "not base64!"})["error"])
        text = base64.b64encode(b"just text, not an image").decode()
        self.assertIn("could not be read", self._rpc("sign", {"name": "Émile", "signature": text})["error"])
        self.assertEqual(self.communication.state, "sent")
        self.assertFalse(self.communication.signed_by)
        signature = base64.b64encode(TestCustomerRemarks.PNG).decode()
        self.assertEqual(self._rpc("sign", {"name": "Émile Dupré", "signature": signature})["ok"], True)
        self.assertEqual(self.communication.state, "confirmed")
        self.assertEqual(self.communication.signed_by, "Émile Dupré")
        self.assertTrue(self.communication.signature)
        self.assertIn("already sent", self._rpc("sign", {"name": "Émile Dupré", "signature": signature})["error"])


@tagged("post_install", "-at_install")
class TestRepairReport(HttpCase, WorkshopCommon):
    """After the work: the repair report (PDF, Odoo's report engine) through the same kind of link."""

    def test_report_link_gives_the_pdf(self):
        order = self._create_order(self.company_a, partner_id=self.emile.id, driver_id=self.emile.id)
        action = order.with_user(self.receptionist).action_send_repair_report()
        wizard = (
            self.env["repair.communication.send"]
            .with_user(self.receptionist)
            .with_context(**action["context"])
            .create({"order_id": order.id})
        )
        self.assertEqual(wizard.kind, "report")
        wizard.action_send()
        communication = order.communication_ids.filtered(lambda c: c.kind == "report")
        self.assertEqual(communication.state, "sent")
        mail = self.env["mail.mail"].search([("model", "=", communication._name), ("res_id", "=", communication.id)])
        self.assertIn("repair report", mail.subject + str(mail.body_html))
        token = communication._get_token()
        page = self.url_open(f"/workshop/c/{token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(f"/workshop/c/{token}/report.pdf", page.text)
        with patch.object(
            type(self.env["ir.actions.report"]),
            "_render_qweb_pdf",
            autospec=True,
            return_value=(b"%PDF-1.4 report", "pdf"),
        ) as render:
            pdf = self.url_open(f"/workshop/c/{token}/report.pdf")
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))
        self.assertEqual(render.call_args.args[1], "repair_customer_communication.report_repairorder_customer")
        # An overview link cannot download the report.
        overview = self._send_overview(order)
        self.assertEqual(self.url_open(f"/workshop/c/{overview._get_token()}/report.pdf").status_code, 404)

    def test_the_customer_report_never_prints_the_internal_notes(self):
        order = self._create_order(
            self.company_a,
            partner_id=self.emile.id,
            driver_id=self.emile.id,
            internal_notes="<p>Customer was rude, check the brakes twice</p>",
        )
        customer_copy, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "repair_customer_communication.action_report_repair_order_customer", order.ids
        )
        self.assertIn(order.name, customer_copy.decode())
        self.assertNotIn("Customer was rude", customer_copy.decode())
        self.assertNotIn("Repair Notes", customer_copy.decode())
        odoo_report, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "repair.action_report_repair_order", order.ids
        )
        self.assertIn("Customer was rude", odoo_report.decode(), "Odoo's own report is left as it was")

    def test_report_is_rendered_by_odoo_report_engine(self):
        order = self._create_order(self.company_a, partner_id=self.emile.id, driver_id=self.emile.id)
        point = {"role": "driver", "partner": self.emile, "channel": "email", "address": self.emile.email}
        communication = order._prepare_customer_communication(point, kind="report")
        content = communication.with_context(force_report_rendering=True)._render_repair_report()
        self.assertTrue(content.startswith(b"%PDF"))


@tagged("post_install", "-at_install")
class TestChangedMyMind(HttpCase, WorkshopCommon):
    """ "I changed my mind": once, until reception closes the overview, logged and alerting reception."""

    def setUp(self):
        super().setUp()
        self.mind_order = self._create_customer_order([("Brake pads", "necessary", 200.0)])
        self.communication = self._send_overview(self.mind_order)
        self.token = self.communication._get_token()
        line = self.communication.line_ids
        self._rpc("decide", {"line_id": line.id, "decision": "accepted"})
        self.assertTrue(self._rpc("confirm")["ok"])

    def _rpc(self, route, params=None):
        return self.make_jsonrpc_request(f"/workshop/c/{self.token}/{route}", params or {})

    def test_reopen_once(self):
        page = self.url_open(f"/workshop/c/{self.token}")
        self.assertIn("I changed my mind", page.text)
        activities_before = len(self.mind_order.activity_ids)
        self.assertTrue(self._rpc("reopen")["ok"])
        self.assertEqual(self.communication.state, "opened")
        self.assertIn("reopened", self.communication.event_ids.mapped("event_type"))
        self.assertIn("changed their mind", self.mind_order.message_ids[0].body)
        self.assertEqual(len(self.mind_order.activity_ids), activities_before + 1)
        line = self.communication.line_ids
        self.assertTrue(self._rpc("decide", {"line_id": line.id, "decision": "declined"})["ok"])
        self.assertTrue(self._rpc("confirm")["ok"])
        self.assertEqual(self.mind_order.work_item_ids.customer_decision, "declined")
        self.assertNotIn("I changed my mind", self.url_open(f"/workshop/c/{self.token}").text)
        second = self._rpc("reopen")
        self.assertFalse(second["ok"])
        self.assertEqual(self.communication.state, "confirmed")

    def test_no_reopening_once_reception_closed_it(self):
        self.mind_order.with_user(self.receptionist).action_close_customer_overview()
        self.assertEqual(self.communication.state, "closed")
        self.assertEqual(self.mind_order.customer_progress, "closed")
        refused = self._rpc("reopen")
        self.assertFalse(refused["ok"])
        self.assertIn("call the workshop", refused["error"])
        self.assertEqual(self.communication.state, "closed")
        self.assertNotIn("I changed my mind", self.url_open(f"/workshop/c/{self.token}").text)


@tagged("post_install", "-at_install")
class TestCustomerAnswerMethods(HttpCase, WorkshopCommon):
    """The answers are model methods that raise the customer's message; the routes only pass them on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.answer_order = cls._create_customer_order(
            [("Brake pads", "necessary", 200.0), ("Wiper blades", "recommended", 30.0)]
        )

    def setUp(self):
        super().setUp()
        self.overview = self._send_overview(self.answer_order)
        self.token = self.overview._get_token()
        self.pads = self.overview.line_ids.filtered(lambda line: line.name == "Brake pads")

    def _rpc(self, route, params):
        return self.make_jsonrpc_request(f"/workshop/c/{self.token}/{route}", params)

    def test_the_model_refuses_with_the_customer_s_sentence(self):
        overview = self.env["repair.customer.communication"]._open_for_answer(self.token)
        with self.assertRaisesRegex(UserError, "not part of your overview"):
            overview._customer_decide(0, "accepted")
        with self.assertRaisesRegex(UserError, "decision on every item first"):
            overview._customer_confirm()
        with self.assertRaisesRegex(UserError, "not valid"):
            overview._open_for_answer("x" * 64)
        with self.assertRaisesRegex(UserError, "not valid"):
            overview._open_for_answer(self.token, kind="checkin")

    def test_values_of_the_wrong_type_get_the_same_clear_answer(self):
        for params in (
            {"line_id": [self.pads.id], "decision": "accepted"},
            {"line_id": {"id": self.pads.id}, "decision": "accepted"},
            {"line_id": True, "decision": "accepted"},
            {"line_id": self.pads.id, "decision": ["accepted"]},
            {"line_id": self.pads.id, "decision": "declined", "reason": ["price"]},
            {"line_id": self.pads.id, "decision": "contact", "question": {"text": "why?"}},
        ):
            with self.subTest(params=params):
                result = self._rpc("decide", params)
                self.assertFalse(result["ok"])
                self.assertIsInstance(result["error"], str)
        self.assertFalse(self.pads.decision, "nothing was saved")
        # What the page itself sends for an item without reason or question.
        params = {"line_id": self.pads.id, "decision": "accepted", "reason": False, "question": False}
        self.assertTrue(self._rpc("decide", params)["ok"])
        for signature in (None, 5, ["x"], "not base64!"):
            with self.subTest(signature=signature):
                result = self._rpc("sign", {"name": "Emile", "signature": signature})
                self.assertIn("error", result)
        self.assertFalse(self.overview.signature)

    def test_a_signature_refused_half_way_leaves_nothing(self):
        """The signature is written, then confirming fails: the answer keeps neither."""
        self.assertTrue(self._rpc("decide", {"line_id": self.pads.id, "decision": "accepted"})["ok"])
        wipers = self.overview.line_ids - self.pads
        self.assertTrue(self._rpc("decide", {"line_id": wipers.id, "decision": "declined"})["ok"])
        signature = base64.b64encode(TestCustomerRemarks.PNG).decode()
        Communication = type(self.env["repair.customer.communication"])
        with patch.object(Communication, "_confirm_by_customer", side_effect=UserError("Something went wrong")):
            result = self._rpc("sign", {"name": "Emile Dupré", "signature": signature})
        self.assertEqual(result, {"ok": False, "error": "Something went wrong"})
        self.overview.invalidate_recordset()
        self.assertFalse(self.overview.signature, "the signature written before the failure was rolled back")
        self.assertFalse(self.overview.signed_by)
        self.assertEqual(self.overview.state, "sent")

    def test_an_internal_error_text_never_reaches_the_visitor(self):
        Communication = type(self.env["repair.customer.communication"])
        with (
            patch.object(
                Communication, "_customer_confirm", side_effect=AccessError("repair.order(42,) uid 4 may not read")
            ),
            mute_logger("odoo.addons.repair_customer_communication.controllers.customer_page"),
        ):
            result = self._rpc("confirm", {})
        self.assertFalse(result["ok"])
        self.assertNotIn("repair.order", result["error"])
        self.assertIn("not valid", result["error"])

    def test_a_refused_answer_leaves_nothing_half_saved(self):
        """A remark refused after the link was opened leaves no remark and no log line."""
        self.url_open("/web/login")  # a session with its CSRF token
        page = self.opener.get(f"{self.base_url()}/workshop/c/{self.token}").text
        csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
        events_before = len(self.overview.event_ids)
        response = self.url_open(
            f"/workshop/c/{self.token}/remark", data={"subject": "Noise", "body": "x" * 5000, "csrf_token": csrf}
        )
        self.assertFalse(response.json()["ok"])
        self.assertIn("too long", response.json()["error"])
        self.assertFalse(self.overview.remark_ids)
        self.assertEqual(len(self.overview.event_ids), events_before)
