import base64
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.base.tests.test_ir_cron import CronMixinCase

from . import test_customer_page
from .common import WorkshopCommon

NOW = datetime(2027, 3, 1, 8, 0, 0)


@tagged("post_install", "-at_install")
class TestCheckinInvitations(CronMixinCase, WorkshopCommon):
    """The check-in invitation is a rule of the one queue: N days before the appointment, once per date."""

    def setUp(self):
        super().setUp()
        # The job commits its progress between batches; a test keeps everything in its transaction.
        patcher = patch.object(type(self.env["ir.cron"]), "_commit_progress", return_value=float("inf"))
        patcher.start()
        self.addCleanup(patcher.stop)
        self.rule = self.checkin_rule_a
        self.rule.write({"active": True, "interval_nbr": 3, "interval_unit": "days"})
        # The invitation is automated: it needs the customer's consent on its channel.
        self.emile.write({"accepts_automated_email": True, "preferred_channel": "email"})

    def _order_at(self, when):
        with freeze_time(NOW):
            return self._create_customer_order([("Oil service", "scheduled", 100.0)], schedule_date=when)

    def _run_job(self, at):
        with freeze_time(at):
            self.env["customer.notification"]._cron_send_due()

    def _checkins(self, order):
        return order.communication_ids.filtered(lambda c: c.kind == "checkin")

    def _invitations(self, order):
        return self.env["customer.notification"].search([("order_id", "=", order.id), ("rule_id", "=", self.rule.id)])

    def test_every_location_has_the_builtin_rule(self):
        company = self.env["res.company"].create({"name": "Garage C"})
        rule = self._checkin_rule(company)
        self.assertEqual(len(rule), 1)
        self.assertEqual(
            (rule.active, rule.interval_nbr, rule.interval_unit, rule.channel, rule.kind),
            (True, 3, "days", "preferred", "checkin"),
        )
        self.assertEqual(rule.mail_template_id, self.env.ref("repair_customer_communication.mail_template_checkin"))
        self.assertEqual(rule.sms_template_id, self.env.ref("repair_customer_communication.sms_template_checkin"))
        with self.assertRaises(UserError):
            rule.unlink()
        with self.assertRaises(UserError):
            rule.trigger = "order_reminder"
        self.env["customer.notification.rule"]._create_builtin_rules(company)
        self.assertEqual(len(self._checkin_rule(company)), 1, "created once")

    def test_invited_n_days_before_and_only_once(self):
        order = self._order_at(NOW + timedelta(days=10))
        invitation = self._invitations(order)
        self.assertEqual((invitation.state, invitation.due_at), ("queued", NOW + timedelta(days=7)))
        self.assertEqual(invitation.kind, "checkin")
        self._run_job(NOW + timedelta(days=6))
        self.assertFalse(self._checkins(order))
        self._run_job(NOW + timedelta(days=7, minutes=1))
        checkin = self._checkins(order)
        self.assertEqual(len(checkin), 1)
        self.assertEqual(checkin.state, "sent")
        self.assertEqual((checkin.channel, checkin.address), ("email", self.emile.email))
        self.assertEqual(invitation.state, "sent")
        self.assertEqual(invitation.communication_id, checkin, "a real link to the communication it carries")
        self._run_job(NOW + timedelta(days=8))
        self.assertEqual(len(self._checkins(order)), 1, "never twice for the same appointment")
        order.write({"state": "confirmed"})
        self.assertEqual(len(self._invitations(order)), 1)

    def test_preferred_channel_and_the_other_one(self):
        self.emile.write({"preferred_channel": "sms", "accepts_automated_sms": True})
        order = self._order_at(NOW + timedelta(days=2))
        self._run_job(NOW + timedelta(minutes=5))
        self.assertEqual(self._checkins(order).channel, "sms")
        self.emile.accepts_automated_sms = False
        other = self._order_at(NOW + timedelta(days=2))
        self._run_job(NOW + timedelta(minutes=6))
        self.assertEqual(self._checkins(other).channel, "email", "no consent to SMS: the other channel")

    def test_moved_appointment_gets_a_new_invitation_and_the_old_link_leads_to_it(self):
        order = self._order_at(NOW + timedelta(days=4))
        self._run_job(NOW + timedelta(days=1, hours=1))
        first = self._checkins(order)
        with (
            freeze_time(NOW + timedelta(days=2)),
            self.capture_triggers("repair_customer_communication.ir_cron_send_customer_notifications") as capture,
        ):
            order.schedule_date = NOW + timedelta(days=3)  # less than 3 days ahead: at once
        self.assertTrue(capture.records)
        self.assertLessEqual(capture.records[0].call_at, NOW + timedelta(days=2))
        self._run_job(NOW + timedelta(days=2, minutes=1))
        second = order.communication_ids.filtered(lambda c: c.kind == "checkin" and c.state == "sent")
        self.assertEqual(len(second), 1)
        self.assertEqual(first.state, "superseded")
        self.assertEqual(first._current_version(), second)

    def test_a_planned_invitation_moves_with_the_appointment(self):
        order = self._order_at(NOW + timedelta(days=10))
        invitation = self._invitations(order)
        with freeze_time(NOW):
            order.schedule_date = NOW + timedelta(days=20)
        self.assertEqual(self._invitations(order), invitation, "moved, not a second one")
        self.assertEqual(invitation.due_at, NOW + timedelta(days=17))
        with freeze_time(NOW):
            self.rule.interval_nbr = 5
        self.assertEqual(invitation.due_at, NOW + timedelta(days=15), "the rule's new lead time applies")

    def test_a_rule_moved_to_another_location_takes_its_invitations_along(self):
        order = self._order_at(NOW + timedelta(days=10))
        invitation = self._invitations(order)
        other_rule = self._checkin_rule(self.company_b)
        with self.assertRaises(UserError):
            self.rule.company_id = self.company_b
        with freeze_time(NOW):
            # A rule of one's own (not the built-in one) may move.
            self.rule.write({"builtin": False})
            other_rule.write({"builtin": False})
            self.rule.company_id = self.company_b
        self.assertEqual(invitation.state, "cancelled")
        self.assertIn("another location", invitation.reason)

    def test_one_check_in_rule_per_location_and_copies_update_the_builtin_one(self):
        with self.assertRaises(ValidationError):
            self.env["customer.notification.rule"].create(
                {
                    "company_id": self.company_a.id,
                    "trigger": "checkin_invitation",
                    "interval_nbr": 1,
                    "interval_unit": "days",
                    "channel": "email",
                    "mail_template_id": self.rule.mail_template_id.id,
                }
            )
        self.rule.write({"interval_nbr": 2, "channel": "sms"})
        self._admin_in_both_locations()
        self.rule.with_user(self.env.ref("base.user_admin")).action_copy_to_all_locations()
        rule_b = self._checkin_rule(self.company_b)
        self.assertEqual(len(rule_b), 1, "no second check-in rule")
        self.assertEqual((rule_b.active, rule_b.interval_nbr, rule_b.channel), (True, 2, "sms"))

    def _admin_in_both_locations(self):
        admin = self.env.ref("base.user_admin")
        admin.company_ids |= self.company_a | self.company_b

    def test_a_manually_cancelled_invitation_stays_cancelled(self):
        order = self._order_at(NOW + timedelta(days=10))
        invitation = self._invitations(order)
        invitation.action_cancel()
        with freeze_time(NOW):
            order.schedule_date = NOW + timedelta(days=11)
            order.schedule_date = NOW + timedelta(days=10)
        self.assertEqual(invitation.state, "cancelled", "a person cancelled it: not planned again")

    def test_preferred_channel_is_tried_for_everyone_first(self):
        """The owner's preferred e-mail comes before the driver's second channel."""
        self.emile.write({"preferred_channel": "sms", "phone": "+32470112233", "accepts_automated_email": True})
        self.owner.write({"preferred_channel": "email", "accepts_automated_email": True})
        with freeze_time(NOW):
            order = self._create_order(
                self.company_a,
                partner_id=self.owner.id,
                driver_id=self.emile.id,
                owner_id=self.owner.id,
                schedule_date=NOW + timedelta(days=1),
            )
        self._run_job(NOW + timedelta(minutes=1))
        checkin = self._checkins(order)
        self.assertEqual((checkin.partner_id, checkin.channel), (self.owner, "email"))

    def test_a_link_that_cannot_be_made_fails_alone(self):
        good = self._order_at(NOW + timedelta(days=1))
        bad = self._order_at(NOW + timedelta(days=1))
        Communication = type(self.env["repair.customer.communication"])
        original = Communication._snapshot_values

        def snapshot(communication, items):
            if communication.order_id == bad:
                raise ValueError("item snapshot failed")
            return original(communication, items)

        with patch.object(Communication, "_snapshot_values", snapshot):
            self._run_job(NOW + timedelta(minutes=1))
        self.assertEqual(self._checkins(good).state, "sent")
        failed = self._invitations(bad)
        self.assertEqual(failed.state, "failed")
        self.assertIn("item snapshot failed", failed.reason)
        self.assertFalse(self._checkins(bad), "nothing of the failed link is kept")
        self.assertTrue(bad.activity_ids, "a to-do for the person in charge")

    def test_created_inside_the_window_is_invited_at_once(self):
        with (
            freeze_time(NOW),
            self.capture_triggers("repair_customer_communication.ir_cron_send_customer_notifications") as capture,
        ):
            order = self._create_customer_order(
                [("Oil service", "scheduled", 100.0)], schedule_date=NOW + timedelta(days=1)
            )
        self.assertEqual(capture.records.call_at, NOW)
        self.assertEqual(self._invitations(order).due_at, NOW)
        self._run_job(NOW)
        self.assertEqual(len(self._checkins(order)), 1)

    def test_blocked_customer_gets_no_invitation(self):
        self.emile.communication_blocked = True
        order = self._order_at(NOW + timedelta(days=2))
        self._run_job(NOW + timedelta(minutes=5))
        self.assertFalse(self._checkins(order))
        invitation = self._invitations(order)
        self.assertEqual(invitation.state, "skipped", "not retried for this appointment")
        self.assertIn("blocked communication", invitation.reason)
        self.assertIn("not sent", order.message_ids[0].body)

    def test_no_invitation_without_consent(self):
        self.emile.accepts_automated_email = False
        order = self._order_at(NOW + timedelta(days=2))
        self._run_job(NOW + timedelta(minutes=5))
        self.assertFalse(self._checkins(order))
        self.assertIn("has not agreed to automated", self._invitations(order).reason)

    def test_no_invitation_when_switched_off_cancelled_in_the_workshop_or_past(self):
        order = self._order_at(NOW + timedelta(days=2))
        invitation = self._invitations(order)
        with freeze_time(NOW):
            self.rule.active = False
        self.assertEqual(invitation.state, "cancelled")
        with freeze_time(NOW):
            self.rule.active = True
        self.assertEqual(invitation.state, "queued", "switched on again: planned again")
        with freeze_time(NOW):
            order.action_repair_cancel()
        self.assertEqual(invitation.state, "cancelled")
        in_workshop = self._order_at(NOW + timedelta(days=2))
        with freeze_time(NOW):
            in_workshop.write({"state": "under_repair"})
        self._run_job(NOW + timedelta(minutes=5))
        self.assertFalse(self._checkins(in_workshop), "the vehicle is already in")
        past = self._order_at(NOW - timedelta(days=1))
        self._run_job(NOW)
        self.assertFalse(self._checkins(past))
        self.assertFalse(self._invitations(past))

    def test_a_broken_template_fails_alone(self):
        """One invitation whose template cannot render fails with a to-do; the others go out in the same run."""
        broken = self.env["mail.template"].create(
            {
                "name": "Broken check-in",
                "model_id": self.env["ir.model"]._get_id("repair.customer.communication"),
                "subject": "Check in",
                "body_html": "<p>x</p>",
                "email_to": "{{ object.address }}",
            }
        )
        # Odoo checks a template when it is saved; this one broke afterwards (a field removed by an upgrade).
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_template SET body_html = jsonb_build_object('en_US', '<p t-out=\"object.no_such_field\"/>') "
            "WHERE id = %s",
            [broken.id],
        )
        self.env.invalidate_all()
        company_b_rule = self._checkin_rule(self.company_b)
        company_b_rule.write({"active": True, "channel": "email", "mail_template_id": broken.id})
        other = self.env["res.partner"].create(
            {"name": "Other", "email": "other@example.com", "accepts_automated_email": True}
        )
        with freeze_time(NOW):
            bad = self._create_order(
                self.company_b, partner_id=other.id, driver_id=other.id, schedule_date=NOW + timedelta(days=1)
            )
        good = self._order_at(NOW + timedelta(days=1))
        self._run_job(NOW + timedelta(minutes=1))
        self.assertEqual(self._checkins(good).state, "sent")
        failed = self.env["customer.notification"].search([("order_id", "=", bad.id)])
        self.assertEqual(failed.state, "failed")
        self.assertIn("could not be prepared", failed.reason)
        self.assertTrue(bad.activity_ids, "a to-do for the person in charge")


@tagged("post_install", "-at_install")
class TestCheckinPage(HttpCase, WorkshopCommon):
    """The customer's check-in page and what reception does with the answers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wash = cls.env["repair.checkin.service"].create(
            {
                "name": "Car wash",
                "description": "Outside and inside",
                "price_unit": 20.0,
                "company_id": cls.company_a.id,
            }
        )
        cls.loan_car = cls.env["repair.checkin.service"].create(
            {"name": "Courtesy car", "price_unit": 0.0, "convert_to_work_item": False, "company_id": cls.company_a.id}
        )
        cls.other_company_service = cls.env["repair.checkin.service"].create(
            {"name": "Elsewhere", "price_unit": 5.0, "company_id": cls.company_b.id}
        )

    def setUp(self):
        super().setUp()
        self.emile.write({"preferred_channel": "email", "accepts_automated_email": True})
        self.checkin_order = self._create_customer_order(
            [("Oil service", "scheduled", 100.0)],
            schedule_date=datetime.now() + timedelta(days=2),
            vehicle_id=self.vehicle.id,
        )
        self.checkin_rule_a.active = True
        self.checkin_order._send_planned_checkin_invitation()
        self.invitation = self.checkin_order.checkin_communication_id
        self.token = self.invitation._get_token()

    def _rpc(self, route, params=None):
        return self.make_jsonrpc_request(f"/workshop/c/{self.token}/{route}", params or {})

    def test_page_shows_appointment_planned_work_and_services(self):
        page = self.url_open(f"/workshop/c/{self.token}")
        self.assertEqual(page.status_code, 200)
        for text in ("Oil service", "Car wash", "Outside and inside", "Courtesy car", "1-ABC-234"):
            self.assertIn(text, page.text)
        self.assertNotIn("Elsewhere", page.text)
        self.assertIn("no-store", page.headers["Cache-Control"])

    def test_contact_corrections_are_checked_saved_and_logged(self):
        result = self._rpc("contact", {"channel": "sms", "email": "new.mail@example.com", "phone": "0471 22 33 44"})
        self.assertTrue(result["ok"], result)
        self.assertEqual(self.emile.preferred_channel, "sms")
        self.assertEqual(self.emile.email, "new.mail@example.com")
        self.assertEqual(self.emile.phone, "+32471223344")
        changed = self.invitation.event_ids.filtered(lambda e: e.event_type == "contact_changed")
        self.assertIn("emile.dupre@example.com → new.mail@example.com", changed.details)
        self.assertIn("+32471223344", changed.details)

    def test_the_old_address_and_number_get_a_notice_of_the_change(self):
        """Issue 10.8: a change the customer did not make does not go unnoticed."""
        self.company_a.phone = "+32 2 123 45 67"
        result = self._rpc("contact", {"channel": "email", "email": "new.mail@example.com", "phone": "0471 22 33 44"})
        self.assertTrue(result["ok"], result)
        notices = self.env["customer.notification"].search(
            [("order_id", "=", self.checkin_order.id), ("kind", "=", "contact_change")]
        )
        self.assertEqual(
            sorted(notices.mapped(lambda n: (n.channel, n.address))),
            [("email", "emile.dupre@example.com"), ("sms", "+32470123456")],
        )
        self.assertEqual(set(notices.mapped("cause")), {"service"})
        self._run_queue()
        self.assertEqual(set(notices.mapped("state")), {"sent"}, notices.mapped("reason"))
        mail = self.env["mail.mail"].search(
            [("mail_message_id", "=", notices.filtered(lambda n: n.channel == "email").message_id.id)]
        )
        self.assertEqual(mail.email_to, "emile.dupre@example.com", "to the old address, not the new one")
        self.assertFalse(mail.recipient_ids)
        self.assertIn("your contact details were changed", mail.subject)
        self.assertIn("+32 2 123 45 67", str(mail.body_html))
        self.assertNotIn("/workshop/c/", str(mail.body_html))
        sms = self.env["sms.sms"].search(
            [("mail_message_id", "=", notices.filtered(lambda n: n.channel == "sms").message_id.id)]
        )
        self.assertEqual(sms.number, "+32470123456")
        self.assertIn("was changed at online check-in", sms.body)

    def test_a_link_cannot_make_the_workshop_text_any_number(self):
        """Only the address the customer had before the link changed it is told, once; changes are capped."""
        for number in ("0471 00 00 01", "0471 00 00 02", "0471 00 00 03"):
            self.assertTrue(self._rpc("contact", {"channel": "sms", "email": "", "phone": number})["ok"])
        notices = self.env["customer.notification"].search(
            [("order_id", "=", self.checkin_order.id), ("kind", "=", "contact_change")]
        )
        self.assertEqual(notices.mapped("address"), ["+32470123456"])
        self.assertEqual(self.invitation.contact_before_phone, "+32470123456")
        self.assertTrue(self._rpc("contact", {"channel": "sms", "email": "", "phone": "0471 00 00 04"})["ok"])
        self.assertTrue(self._rpc("contact", {"channel": "sms", "email": "", "phone": "0471 00 00 05"})["ok"])
        refused = self._rpc("contact", {"channel": "sms", "email": "", "phone": "0471 00 00 06"})
        self.assertFalse(refused["ok"])
        self.assertIn("changed several times", refused["error"])
        self.assertEqual(self.emile.phone, "+32471000005")

    def test_no_notice_when_nothing_changed_or_for_a_first_address(self):
        def notices():
            return self.env["customer.notification"].search(
                [("order_id", "=", self.checkin_order.id), ("kind", "=", "contact_change")]
            )

        same = {"channel": "email", "email": "Emile.Dupre@Example.com", "phone": "+32 470 12 34 56"}
        self.assertTrue(self._rpc("contact", same)["ok"])
        self.assertFalse(notices(), "the same details, written otherwise, change nothing")
        self.emile.phone = False
        self.assertTrue(self._rpc("contact", {"channel": "sms", "email": "", "phone": "0471 22 33 44"})["ok"])
        self.assertEqual(self.emile.phone, "+32471223344")
        self.assertFalse(notices(), "a first number has no old one to tell")

    def test_check_in_where_the_company_asks_for_conditions_and_a_signature(self):
        """Issue 10.15: the page shows what the confirm step asks for, and check-in can be completed."""
        self.env["repair.customer.agreement"].create(
            {"name": "Workshop terms", "body": "<p>Keys are kept in the safe.</p>", "company_id": self.company_a.id}
        )
        self.company_a.repair_require_signature = True
        page = self.url_open(f"/workshop/c/{self.token}")
        self.assertIn("Keys are kept in the safe.", page.text)
        self.assertIn("o_workshop_conditions_check", page.text)
        self.assertIn("o_workshop_signature_pad", page.text)
        self.assertIn("Sign and check in", page.text)
        self.assertIn("Sign and check in", page.text)
        self.assertIn("accept the conditions", self._rpc("confirm")["error"])
        self.assertTrue(self._rpc("conditions", {"accepted": True})["ok"])
        self.assertIn("Please sign", self._rpc("confirm")["error"])
        signature = base64.b64encode(test_customer_page.TestCustomerRemarks.PNG).decode()
        self.assertEqual(self._rpc("sign", {"name": "Émile Dupré", "signature": signature})["ok"], True)
        self.assertEqual(self.invitation.state, "confirmed")
        self.assertEqual(self.invitation.signed_by, "Émile Dupré")

    def test_an_address_is_stored_normalised(self):
        result = self._rpc("contact", {"channel": "email", "email": "  New.Mail@Example.COM ", "phone": ""})
        self.assertTrue(result["ok"], result)
        self.assertEqual(self.emile.email, "new.mail@example.com")

    def test_corrections_of_a_person_with_a_login_go_to_reception_instead(self):
        new_test_user(self.env, login="emile_portal", groups="base.group_portal", partner_id=self.emile.id)
        login_email = self.emile.email
        result = self._rpc("contact", {"channel": "sms", "email": "attacker@example.com", "phone": "0471 22 33 44"})
        self.assertTrue(result["ok"], result)
        self.assertEqual(self.emile.email, login_email, "a login's e-mail is never changed by a link")
        self.assertEqual(self.emile.phone, "+32470123456")
        self.assertEqual(self.emile.preferred_channel, "sms", "a preference is not an address")
        to_do = self.invitation.order_id.activity_ids.filtered(lambda a: "Check the contact details" in a.summary)
        self.assertIn("attacker@example.com", str(to_do.note))
        changed = self.invitation.event_ids.filtered(lambda e: e.event_type == "contact_changed")
        self.assertIn("not applied", changed.details)

    def test_bad_contact_input_saves_nothing(self):
        for params in (
            {"channel": "sms", "email": "not-an-email", "phone": "0471 22 33 44"},
            {"channel": "sms", "email": "ok@example.com", "phone": "12"},
            {"channel": "pigeon", "email": "ok@example.com"},
        ):
            result = self._rpc("contact", params)
            self.assertFalse(result["ok"], params)
        self.assertEqual(self.emile.preferred_channel, "email")
        self.assertEqual(self.emile.email, "emile.dupre@example.com")
        self.assertFalse(self.invitation.event_ids.filtered(lambda e: e.event_type == "contact_changed"))

    def test_services_limit_and_check_in(self):
        self.assertTrue(self._rpc("service", {"service_id": self.wash.id, "choice": "order"})["ok"])
        self.assertTrue(self._rpc("service", {"service_id": self.loan_car.id, "choice": "contact"})["ok"])
        self.assertFalse(self._rpc("service", {"service_id": self.other_company_service.id, "choice": "order"})["ok"])
        self.assertFalse(self._rpc("service", {"service_id": self.wash.id, "choice": "maybe"})["ok"])
        self.assertTrue(self._rpc("limit", {"amount": "150"})["ok"])
        for bad in ("-5", "abc", "1e9", "nan"):
            self.assertFalse(self._rpc("limit", {"amount": bad})["ok"], bad)
        self.assertEqual(self.invitation.approval_limit, 150.0)
        self.assertTrue(self._rpc("confirm")["ok"])
        order = self.checkin_order
        self.assertTrue(order.checkin_answered)
        self.assertEqual(order.checkin_open_count, 2)
        self.assertTrue(order.checkin_pinned)
        self.assertEqual(order.checkin_approval_limit, 150.0)
        self.assertIn("checked in online", order.message_ids[0].body)
        self.assertFalse(self._rpc("service", {"service_id": self.wash.id, "choice": False})["ok"], "read-only now")

        # Reception: the wash becomes a work item, the courtesy car is simply handled.
        wash_choice = order.checkin_choice_ids.filtered(lambda c: c.service_id == self.wash)
        wash_choice.with_user(self.receptionist).action_handle()
        item = wash_choice.work_item_id
        self.assertEqual((item.name, item.origin, item.price_unit), ("Car wash", "checkin", 20.0))
        self.assertEqual(item.authorization, "approved")
        self.assertTrue(order.checkin_pinned)
        self.assertEqual(order.checkin_open_choice_ids.service_id, self.loan_car)
        order.checkin_choice_ids.filtered(lambda c: c.service_id == self.loan_car).with_user(
            self.receptionist
        ).action_handle()
        self.assertFalse(order.checkin_pinned, "everything handled: back to its date")
        self.assertFalse(order.checkin_open_choice_ids, "handled choices leave the check-in section")
        self.assertEqual(len(order.work_item_ids.filtered(lambda i: i.origin == "checkin")), 1)

    def test_checkin_remark_becomes_a_work_item(self):
        remark = self.invitation._add_customer_remark("Rattle", "Front left, over bumps", [])
        self.assertTrue(self._rpc("confirm")["ok"])
        self.assertEqual(self.checkin_order.checkin_open_count, 1)
        action = remark.with_user(self.receptionist).action_make_work_item()
        self.assertTrue(remark.is_read)
        self.assertEqual(action["context"]["default_name"], "Rattle")
        self.assertEqual(action["context"]["default_origin"], "remark")
        self.assertFalse(self.checkin_order.checkin_pinned)

    def test_pinned_orders_come_first(self):
        self.assertTrue(self._rpc("service", {"service_id": self.wash.id, "choice": "order"})["ok"])
        self.assertTrue(self._rpc("confirm")["ok"])
        later = self._create_customer_order([("Other", "scheduled", 10.0)])
        orders = self.env["repair.order"].search([("id", "in", (self.checkin_order | later).ids)])
        self.assertEqual(orders[0], self.checkin_order)

    def test_overview_link_cannot_use_check_in_routes(self):
        overview = self._send_overview(self.checkin_order)
        token = overview._get_token()
        result = self.make_jsonrpc_request(f"/workshop/c/{token}/limit", {"amount": 10})
        self.assertFalse(result["ok"])
        self.assertFalse(overview.approval_limit)
