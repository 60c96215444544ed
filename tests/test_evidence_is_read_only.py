from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .notification_common import NotificationCommon


@tagged("post_install", "-at_install")
class TestEvidenceIsReadOnly(NotificationCommon):
    """What the customer answered and the log of it are written by the module's own code only.

    No staff role can write a decision, a confirmation, a signature, an acceptance or a log
    event, through the interface or RPC; the queue's address, channel and record neither.
    Staff act through the module's buttons (send, close, retry, cancel), which still work.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workshop_admin = new_test_user(
            cls.env,
            login="rcc_workshop_admin",
            groups="base.group_user,repair_customer_communication.group_workshop_admin",
            company_id=cls.company_a.id,
            company_ids=[(6, 0, cls.company_a.ids)],
        )
        cls.agreement = cls.env["repair.customer.agreement"].create(
            {"name": "Terms", "body": "<p>Terms.</p>", "company_id": cls.company_a.id}
        )

    def setUp(self):
        super().setUp()
        self.evidence_order = self._create_customer_order([("Brake pads", "necessary", 200.0)])
        self.overview = self._send_overview(self.evidence_order)
        self.overview._customer_decide(self.overview.line_ids.id, "accepted")
        self.overview._accept_agreements(ip_address="10.0.0.1", user_agent="Phone")

    def _staff(self):
        return (self.mechanic, self.receptionist, self.workshop_admin)

    def test_no_staff_role_can_write_the_customer_s_answer(self):
        attempts = {
            "confirm the overview": lambda o: o.write({"state": "confirmed"}),
            "sign it": lambda o: o.write({"signed_by": "Someone"}),
            "change a decision": lambda o: o.line_ids.write({"decision": "declined"}),
            "add a line": lambda o: o.line_ids.create(
                {"communication_id": o.id, "work_item_id": o.line_ids.work_item_id.id, "name": "x", "category": "ok"}
            ),
            "delete the overview": lambda o: o.unlink(),
            "make up a log event": lambda o: o.event_ids.create(
                {
                    "order_id": o.order_id.id,
                    "communication_id": o.id,
                    "event_type": "confirmed",
                    "ip_address": "1.2.3.4",
                }
            ),
            "edit the log": lambda o: o.event_ids.write({"ip_address": "1.2.3.4"}),
            "delete the log": lambda o: o.event_ids.unlink(),
            "edit an acceptance": lambda o: o.acceptance_ids.write({"ip_address": "1.2.3.4"}),
            "delete an acceptance": lambda o: o.acceptance_ids.unlink(),
        }
        for user in self._staff():
            overview = self.overview.with_user(user)
            for name, attempt in attempts.items():
                with self.subTest(user=user.login, attempt=name), self.assertRaises(AccessError):
                    attempt(overview)
        self.assertEqual(self.overview.line_ids.decision, "accepted")
        self.assertEqual(self.overview.acceptance_ids.ip_address, "10.0.0.1")
        self.assertNotIn("confirmed", self.overview.event_ids.mapped("event_type"))

    def test_no_staff_role_can_rewrite_a_remark_or_a_check_in_choice(self):
        remark = self.overview._add_customer_remark("Noise", "Rattles at 80 km/h", [])
        service = self.env["repair.checkin.service"].create(
            {"name": "Car wash", "price_unit": 20.0, "company_id": self.company_a.id}
        )
        choice = self.env["repair.checkin.choice"].create(
            {"communication_id": self.overview.id, "service_id": service.id, "choice": "contact", "price_total": 20.0}
        )
        for user in self._staff():
            for name, attempt in {
                "rewrite the remark": lambda u: remark.with_user(u).write({"body": "Nothing wrong"}),
                "make up a remark": lambda u: remark.with_user(u).create(
                    {"order_id": self.evidence_order.id, "subject": "Made up"}
                ),
                "delete the remark": lambda u: remark.with_user(u).unlink(),
                "change the choice": lambda u: choice.with_user(u).write({"choice": "order", "price_total": 0.0}),
                "delete the choice": lambda u: choice.with_user(u).unlink(),
            }.items():
                with self.subTest(user=user.login, attempt=name), self.assertRaises(AccessError):
                    attempt(user)
        self.assertEqual(remark.body, "Rattles at 80 km/h")
        self.assertEqual((choice.choice, choice.price_total), ("contact", 20.0))
        # Reception handles them through the buttons; mechanics cannot.
        with self.assertRaises(AccessError):
            remark.with_user(self.mechanic).action_mark_read()
        with self.assertRaises(AccessError):
            choice.with_user(self.mechanic).action_handle()
        remark.with_user(self.receptionist).action_share_with_mechanics()
        remark.with_user(self.receptionist).action_mark_read()
        action = remark.with_user(self.receptionist).action_make_work_item()
        self.assertEqual(action["context"]["default_name"], "Noise")
        choice.with_user(self.receptionist).action_handle()
        self.assertTrue(remark.is_read and remark.visible_to_mechanic and choice.handled)

    def test_no_staff_role_can_readdress_a_queued_message(self):
        notification = self.Notification.search([("communication_id", "=", self.overview.id)], limit=1)
        self.assertTrue(notification)
        for user in self._staff():
            for values in ({"address": "attacker@example.com"}, {"channel": "sms"}, {"res_id": 1}):
                with self.subTest(user=user.login, values=values), self.assertRaises(AccessError):
                    notification.with_user(user).write(values)
        self.assertEqual(notification.address, self.emile.email)

    def test_staff_still_act_through_the_module_s_buttons(self):
        self.emile.accepts_automated_sms = False
        self._rule()
        self.evidence_order.write({"state": "done"})
        skipped = self._notifications(self.evidence_order)
        self._run_job()
        self.assertEqual(skipped.state, "skipped")
        self.emile.accepts_automated_sms = True
        skipped.with_user(self.receptionist).action_retry()
        self.assertEqual(skipped.state, "queued")
        skipped.with_user(self.receptionist).action_cancel()
        self.assertEqual(skipped.state, "cancelled")
        self.evidence_order.with_user(self.receptionist).action_close_customer_overview()
        self.assertEqual(self.overview.state, "closed")
        self.assertIn("closed", self.overview.event_ids.mapped("event_type"))

    def test_a_mechanic_editing_an_item_of_an_opened_overview_gets_no_access_error(self):
        """Issue 10.16: the new version the change needs is planned by the module, not by the mechanic's rights."""
        self.overview.sudo().state = "opened"
        item = self.evidence_order.work_item_ids.with_user(self.mechanic)
        item.write({"name": "Brake pads and discs", "mechanic_note": "Discs worn too"})
        planned = self.Notification.search(
            [("order_id", "=", self.evidence_order.id), ("state", "=", "queued"), ("cause", "=", "manual")]
        )
        self.assertEqual(len(planned), 1, "the change plans a new version for the customer")
        self.assertEqual(self.overview.state, "opened", "the old link works until the new one went out")
