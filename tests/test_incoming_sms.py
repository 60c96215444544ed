from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import ConcurrencyError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .notification_common import NotificationCommon


@tagged("post_install", "-at_install")
class IncomingSmsCommon(NotificationCommon):
    """A customer (Émile, +32470123456) with an open work order, and a helper to receive SMS."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Incoming = cls.env["customer.incoming.sms"]
        cls.number = "+32470123456"
        cls.open_order = cls._create_customer_order(
            [("Brake pads", "necessary", 200.0), ("Wiper blades", "recommended", 25.0), ("Oil", "scheduled", 60.0)],
            user_id=cls.receptionist.id,
        )
        cls.counter = 0

    def _receive(self, text, number=None, message_id=None):
        type(self).counter += 1
        return self.Incoming._receive("webhook", message_id or f"m{self.counter}", number or self.number, text)

    def _queued(self, kind, partner=None):
        return self.Notification.search(
            [("kind", "=", kind), ("partner_id", "=", (partner or self.emile).id)], order="id"
        )

    def _send_overview_by_sms(self, order=None):
        """The order's overview sent by SMS to Émile's mobile; returns (communication, the SMS's text)."""
        order = order or self.open_order
        communication = order._prepare_customer_communication(
            {"role": "driver", "partner": self.emile, "channel": "sms", "address": self.number}
        )
        with self.mockSMSGateway():
            communication._send()
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", communication.sms_message_id.id)])
        return communication, sms.body


@tagged("post_install", "-at_install")
class TestStopAndStart(IncomingSmsCommon):
    def test_each_stop_keyword_withdraws_automated_sms(self):
        for text in ("STOP", "  stop sms ", "Arrêt", "ARRET", "Stoppen", "stop."):
            with self.subTest(text=text):
                self.emile.accepts_automated_sms = True
                incoming = self._receive(text)
                self.assertEqual(incoming.outcome, "stop")
                self.assertFalse(self.emile.accepts_automated_sms)
                self.assertIn(self.number, incoming.note)

    def test_stop_is_logged_confirmed_once_and_start_gives_it_back(self):
        self.emile.lang = "fr_FR" if self.env["res.lang"]._lang_get("fr_FR") else "en_US"
        incoming = self._receive("STOP")
        note = self.emile.message_ids.filtered(lambda m: "withdrawn" in (m.body or "") or "retir" in (m.body or ""))
        self.assertTrue(note, "the customer's chatter tells when and from which number")
        self.assertIn(self.number, note[0].body)
        confirmation = self._queued("sms_stop")
        self.assertEqual(len(confirmation), 1)
        self.assertEqual(confirmation.incoming_sms_id, incoming)
        self.assertEqual(confirmation.address, self.number)
        with self.mockSMSGateway():
            self._run_job()
        self.assertEqual(confirmation.state, "sent", "a STOP is confirmed although automated SMS are off now")
        self.assertIn("START", confirmation.message_id.body)
        # A second STOP changes nothing and is not answered again.
        again = self._receive("stop")
        self.assertEqual(again.outcome, "stop")
        self.assertIn("nothing changed", again.note)
        self.assertEqual(len(self._queued("sms_stop")), 1)
        # START gives the consent back, and says so.
        start = self._receive("Start")
        self.assertEqual(start.outcome, "start")
        self.assertTrue(self.emile.accepts_automated_sms)
        self.assertEqual(len(self._queued("sms_start")), 1)

    def test_after_stop_automated_sms_are_skipped_and_manual_ones_still_go(self):
        self._receive("STOP")
        self._rule()
        self.open_order.write({"state": "done"})
        automated = self._notifications(self.open_order)
        with self.mockSMSGateway():
            self._run_job()
        self.assertEqual(automated.state, "skipped")
        self.assertIn("automated SMS", automated.reason)
        communication, body = self._send_overview_by_sms()
        self.assertEqual(communication.state, "sent", "reception's own send follows the block flag only")
        self.assertTrue(body)

    def test_a_blocked_customer_gets_no_confirmation(self):
        self.emile.communication_blocked = True
        self._receive("STOP")
        confirmation = self._queued("sms_stop")
        with self.mockSMSGateway():
            self._run_job()
        self.assertEqual(confirmation.state, "skipped")

    def test_stop_from_an_unknown_number_changes_nothing(self):
        incoming = self._receive("STOP", number="+32499000000")
        self.assertEqual(incoming.outcome, "unknown")
        self.assertTrue(self.emile.accepts_automated_sms)
        self.assertFalse(self.Notification.search([("kind", "=", "sms_stop")]))


@tagged("post_install", "-at_install")
class TestRepliesReachTheShop(IncomingSmsCommon):
    def test_a_reply_lands_on_the_current_work_order_with_a_todo(self):
        incoming = self._receive("Can I pick the car up at 5?")
        self.assertEqual(incoming.outcome, "reply")
        self.assertEqual(incoming.order_id, self.open_order)
        self.assertEqual(incoming.partner_id, self.emile)
        message = incoming.message_id
        self.assertEqual(message.model, "repair.order")
        self.assertEqual(message.res_id, self.open_order.id)
        self.assertEqual(message.author_id, self.emile)
        self.assertIn("pick the car up", message.body)
        self.assertIn(self.receptionist.partner_id, message.partner_ids, "the person in charge is notified")
        self.assertTrue(message.subtype_id.internal, "an internal note: no copy to the customer's side")
        todo = self.open_order.activity_ids.filtered(lambda a: "SMS from" in (a.summary or ""))
        self.assertEqual(todo.user_id, self.receptionist)

    def test_without_an_open_order_it_lands_on_the_customer(self):
        Order = self.env["repair.order"]
        domain = [
            "|",
            "|",
            ("partner_id", "=", self.emile.id),
            ("driver_id", "=", self.emile.id),
            ("owner_id", "=", self.emile.id),
        ]
        Order.search(domain).write({"state": "cancel"})
        incoming = self._receive("Thanks for the service")
        self.assertFalse(incoming.order_id)
        self.assertEqual(incoming.message_id.model, "res.partner")
        self.assertEqual(incoming.message_id.res_id, self.emile.id)
        self.assertTrue(self.emile.activity_ids.filtered(lambda a: "SMS from" in (a.summary or "")))

    def test_an_unknown_number_is_kept_and_applied_nowhere(self):
        incoming = self._receive("Hello?", number="+32499000000")
        self.assertEqual(incoming.outcome, "unknown")
        self.assertFalse(incoming.message_id)
        self.assertFalse(incoming.partner_id)

    def test_the_same_provider_message_twice_is_handled_once(self):
        first = self._receive("See you tomorrow", message_id="SM-dup")
        second = self._receive("See you tomorrow", message_id="SM-dup")
        self.assertEqual(first, second)
        posted = self.open_order.message_ids.filtered(lambda m: "See you tomorrow" in (m.body or ""))
        self.assertEqual(len(posted), 1)

    def test_a_text_far_over_sms_length_is_kept_short_and_not_applied(self):
        incoming = self._receive("STOP " + "x" * 5000)
        self.assertEqual(incoming.outcome, "refused")
        self.assertEqual(len(incoming.body), 1600)
        self.assertEqual(incoming.received_length, 5005)
        self.assertFalse(incoming.message_id)
        self.assertTrue(self.emile.accepts_automated_sms)

    def test_a_chatty_customer_makes_one_todo(self):
        self._receive("Hello")
        self._receive("Are you there?")
        todos = self.open_order.activity_ids.filtered(lambda a: "SMS from" in (a.summary or ""))
        self.assertEqual(len(todos), 1, "one to-do; the chatter holds both SMS")
        self.assertEqual(len(self.open_order.message_ids.filtered(lambda m: "SMS from" in (m.body or ""))), 2)

    def test_the_same_webhook_twice_at_once_is_replayed(self):
        """Two requests insert the same provider id at once: the loser is replayed by Odoo, finding the record."""
        self._receive("First", message_id="SM-race")
        Incoming = type(self.Incoming)
        search = Incoming.search

        def not_seen_yet(records, domain, *args, **kwargs):
            if ("provider_message_id", "=", "SM-race") in domain:
                return records.browse()
            return search(records, domain, *args, **kwargs)

        with (
            patch.object(Incoming, "search", not_seen_yet),
            self.assertRaises(ConcurrencyError),
            mute_logger("odoo.sql_db"),
        ):
            self._receive("First", message_id="SM-race")

    def test_a_message_without_provider_id_is_refused(self):
        with self.assertRaises(UserError):
            self.Incoming._receive("webhook", "", self.number, "Hi")


@tagged("post_install", "-at_install")
class TestAnswerByReply(IncomingSmsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a.repair_sms_reply_answers = True

    def test_the_sms_offers_numbered_items_and_the_reply_records_the_answer(self):
        communication, body = self._send_overview_by_sms()
        self.assertTrue(communication.sms_reply_offered)
        self.assertIn("1. Brake pads", body)
        self.assertIn("2. Wiper blades", body)
        self.assertNotIn("Oil", body, "scheduled work asks for no decision")
        self.assertIn("0 to decline", body)
        incoming = self._receive("1")
        self.assertEqual(incoming.outcome, "answer")
        self.assertEqual(incoming.communication_id, communication)
        decisions = {line.name: line.decision for line in communication.line_ids}
        self.assertEqual(decisions["Brake pads"], "accepted")
        self.assertEqual(decisions["Wiper blades"], "declined")
        self.assertEqual(communication.state, "confirmed", "read-only, as after a confirmation on the page")
        work = {item.name: item.customer_decision for item in self.open_order.work_item_ids}
        self.assertEqual(work["Brake pads"], "accepted")
        event = communication.event_ids.filtered(lambda e: e.event_type == "confirmed")
        self.assertIn(self.number, event.details)
        self.assertIn("SMS reply", event.details)
        # Confirmed back by SMS with the total: brake pads and the scheduled oil, 21 % VAT.
        confirmation = self._queued("sms_answer")
        with self.mockSMSGateway():
            self._run_job()
        self.assertEqual(confirmation.state, "sent")
        text = confirmation.message_id.body
        self.assertIn(f"we recorded your answer for {self.open_order.name}. To do: 1. Brake pads.", text)
        self.assertIn("To do: 1. Brake pads.", text)
        self.assertIn("Declined: 2. Wiper blades.", text)
        self.assertIn("with the planned work", text, "the oil change was planned, not in the offer")
        self.assertIn("314.60", text)
        # A second reply no longer changes the answer: it is a message for the shop.
        again = self._receive("2")
        self.assertEqual(again.outcome, "refused")
        self.assertIn("already answered", again.note)
        self.assertEqual(again.message_id.model, "repair.order")
        self.assertEqual(communication.line_ids.filtered(lambda line: line.name == "Wiper blades").decision, "declined")

    def test_the_page_shows_the_numbers_of_the_sms(self):
        communication, _body = self._send_overview_by_sms()
        items = communication._customer_page_sections(communication._get_token(), False)["items"]
        self.assertIn('<span class="o_workshop_item_number">1</span>. Brake pads', items)
        self.assertIn('<span class="o_workshop_item_number">2</span>. Wiper blades', items)
        self.assertIn("reply to the SMS", items)
        self.company_a.repair_sms_reply_answers = False
        other, _body = self._send_overview_by_sms()
        items = other._customer_page_sections(other._get_token(), False)["items"]
        self.assertNotIn("o_workshop_item_number", items)

    def test_zero_declines_every_item(self):
        communication, _body = self._send_overview_by_sms()
        self._receive("0")
        self.assertEqual([line.decision for line in communication._sms_reply_lines()], ["declined", "declined"])
        self.assertEqual(communication.state, "confirmed")

    def test_several_numbers_in_the_usual_forms(self):
        for text in ("1 2", "1,2", "1, 2", "1 and 2", "2;1"):
            with self.subTest(text=text):
                communication, _body = self._send_overview_by_sms()
                incoming = self._receive(text)
                self.assertEqual(incoming.outcome, "answer", text)
                self.assertEqual({line.decision for line in communication._sms_reply_lines()}, {"accepted"})

    def test_numbers_that_are_not_items_are_a_reply_for_the_shop(self):
        communication, _body = self._send_overview_by_sms()
        incoming = self._receive("1 7")
        self.assertEqual(incoming.outcome, "refused")
        self.assertIn("not those of the overview", incoming.note)
        self.assertEqual(communication.state, "sent")
        self.assertFalse(any(communication.line_ids.mapped("decision")))

    def test_another_number_cannot_answer(self):
        communication, _body = self._send_overview_by_sms()
        incoming = self._receive("1", number="+32491654321")  # Émile's professional mobile: not where it went
        self.assertEqual(incoming.outcome, "reply")
        self.assertEqual(communication.state, "sent")

    def test_an_expired_link_is_not_answered(self):
        communication, _body = self._send_overview_by_sms()
        communication.expires_at = fields.Datetime.now() - timedelta(hours=1)
        incoming = self._receive("1")
        self.assertEqual(incoming.outcome, "refused")
        self.assertIn("expired", incoming.note)
        self.assertEqual(communication.state, "sent")

    def test_an_overview_closed_for_changes_is_not_answered(self):
        communication, _body = self._send_overview_by_sms()
        communication.state = "closed"
        incoming = self._receive("1 2")
        self.assertEqual(incoming.outcome, "refused")
        self.assertIn("closed for changes", incoming.note)
        self.assertFalse(any(communication.line_ids.mapped("decision")))

    def test_a_replaced_version_is_not_answered(self):
        old, _body = self._send_overview_by_sms()
        self.company_a.repair_sms_reply_answers = False
        new, body = self._send_overview_by_sms()
        self.assertFalse(new.sms_reply_offered)
        self.assertNotIn("0 to decline", body)
        incoming = self._receive("1")
        self.assertEqual(incoming.outcome, "reply", "the last SMS offered nothing: a message for the shop")
        self.assertEqual(old.state, "superseded")
        self.assertFalse(any((old | new).line_ids.mapped("decision")))

    def test_two_orders_waiting_for_an_answer_make_it_unclear(self):
        first, _body = self._send_overview_by_sms()
        other_order = self._create_customer_order([("Tyres", "necessary", 400.0)])
        second, _body = self._send_overview_by_sms(other_order)
        incoming = self._receive("1")
        self.assertEqual(incoming.outcome, "refused")
        self.assertIn("Several overviews", incoming.note)
        self.assertFalse(any((first | second).line_ids.mapped("decision")))

    def test_a_plain_overview_sent_after_the_offer_takes_the_reply(self):
        offered, _body = self._send_overview_by_sms()
        self.company_a.repair_sms_reply_answers = False
        other_order = self._create_customer_order([("Tyres", "necessary", 400.0)])
        plain, _body = self._send_overview_by_sms(other_order)
        incoming = self._receive("1")
        self.assertEqual(incoming.outcome, "reply")
        self.assertEqual(incoming.order_id, other_order, "the order of the last overview the customer got")
        self.assertFalse(any((offered | plain).line_ids.mapped("decision")))

    def test_a_reply_that_cannot_apply_goes_to_the_open_order(self):
        overview, _body = self._send_overview_by_sms()
        overview.expires_at = fields.Datetime.now() - timedelta(days=1)
        self.open_order.action_repair_cancel()
        newer = self._create_customer_order([("Tyres", "necessary", 400.0)])
        incoming = self._receive("1")
        self.assertEqual(incoming.outcome, "refused")
        self.assertEqual(incoming.order_id, newer, "not the cancelled order of the old overview")

    def test_an_sms_answers_once_even_after_a_change_of_mind(self):
        overview, _body = self._send_overview_by_sms()
        self._receive("1")
        overview._reopen_by_customer()
        self.assertEqual(overview.state, "opened")
        incoming = self._receive("2")
        self.assertEqual(incoming.outcome, "refused")
        self.assertIn("already answered", incoming.note)
        self.assertEqual(overview.line_ids.filtered(lambda line: line.name == "Brake pads").decision, "accepted")

    def test_no_offer_where_the_shop_asks_a_signature(self):
        self.company_a.repair_require_signature = True
        communication, body = self._send_overview_by_sms()
        self.assertFalse(communication.sms_reply_offered)
        self.assertNotIn("1. Brake pads", body)
        incoming = self._receive("1")
        self.assertEqual(incoming.outcome, "reply")
        self.assertEqual(communication.state, "sent")


@tagged("post_install", "-at_install")
class TestInTheCustomersLanguage(IncomingSmsCommon):
    """The offer, the confirmations and the page's numbers speak the customer's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in ("fr_FR", "nl_BE"):
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"].search([("name", "=", "repair_customer_communication")])._update_translations(
            ["fr_FR", "nl_BE"], overwrite=True
        )
        cls.company_a.repair_sms_reply_answers = True

    def test_a_french_customer_answers_and_is_confirmed_in_french(self):
        self.emile.lang = "fr_FR"
        communication, body = self._send_overview_by_sms()
        self.assertIn("Répondez avec les numéros des points à réaliser", body)
        self.assertIn("1. Brake pads", body)
        self._receive("1")
        confirmation = self._queued("sms_answer")
        with self.mockSMSGateway():
            self._run_job()
        text = confirmation.message_id.body
        self.assertIn("nous avons enregistré votre réponse", text)
        self.assertIn("À faire : 1. Brake pads.", text)
        self.assertIn("Total avec les travaux prévus", text)
        self.assertIn("TVAC", text)
        items = communication.with_context(lang="fr_FR")._customer_page_sections(communication._get_token(), True)
        self.assertIn('<span class="o_workshop_item_number">1</span>', items["items"])

    def test_a_dutch_customer_stopping_is_confirmed_in_dutch(self):
        self.emile.lang = "nl_BE"
        self._receive("Stoppen")
        confirmation = self._queued("sms_stop")
        with self.mockSMSGateway():
            self._run_job()
        self.assertIn("u ontvangt geen automatische sms'en meer", confirmation.message_id.body)
