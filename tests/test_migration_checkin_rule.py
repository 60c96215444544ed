import importlib.util
from datetime import datetime, timedelta
from pathlib import Path

from freezegun import freeze_time

from odoo.tests import tagged

from .common import WorkshopCommon

NOW = datetime(2027, 3, 1, 8, 0, 0)
SCRIPT = Path(__file__).parent.parent / "migrations" / "19.0.1.1.0" / "post-migrate.py"


def _load_migration():
    spec = importlib.util.spec_from_file_location("rcc_migrate_19_0_1_1_0", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestCheckinRuleMigration(WorkshopCommon):
    """19.0.1.0.0 kept the check-in settings on the company and the last invited appointment on the order.

    The database is given that shape (the columns 19.0.1.0.0 had), then the migration script runs on it.
    """

    def setUp(self):
        super().setUp()
        cr = self.env.cr
        cr.execute("ALTER TABLE res_company ADD COLUMN repair_checkin_enabled boolean")
        cr.execute("ALTER TABLE res_company ADD COLUMN repair_checkin_lead_days integer")
        cr.execute("ALTER TABLE repair_order ADD COLUMN checkin_invited_for timestamp")
        cr.execute("UPDATE res_company SET repair_checkin_enabled = true, repair_checkin_lead_days = 3")
        cr.execute(
            "UPDATE res_company SET repair_checkin_enabled = true, repair_checkin_lead_days = 5 WHERE id = %s",
            [self.company_a.id],
        )
        cr.execute("UPDATE res_company SET repair_checkin_enabled = false WHERE id = %s", [self.company_b.id])
        # 19.0.1.0.0 had no built-in rules, and a job of its own.
        rules = self._checkin_rule(self.company_a) | self._checkin_rule(self.company_b)
        rules.write({"builtin": False})
        rules.unlink()
        self.old_job = self.env["ir.cron"].create(
            {
                "name": "Workshop: send online check-in invitations",
                "model_id": self.env["ir.model"]._get_id("repair.order"),
                "state": "code",
                "code": "model.browse()",
            }
        )
        self.env["ir.model.data"].create(
            {
                "module": "repair_customer_communication",
                "name": "ir_cron_send_checkin_invitations",
                "model": "ir.cron",
                "res_id": self.old_job.id,
                "noupdate": True,
            }
        )
        self.emile.accepts_automated_email = True

    def test_days_on_off_and_sent_invitations_are_kept(self):
        with freeze_time(NOW):
            invited = self._create_customer_order([("Oil", "scheduled", 10.0)], schedule_date=NOW + timedelta(days=2))
            not_yet = self._create_customer_order([("Oil", "scheduled", 10.0)], schedule_date=NOW + timedelta(days=9))
            # The former job had invited this appointment already.
            checkin = invited._prepare_customer_communication(
                {"role": "driver", "partner": self.emile, "channel": "email", "address": self.emile.email},
                kind="checkin",
            )
            checkin.write({"state": "sent", "sent_at": NOW})
            # ... and had found nobody to invite for this one.
            unreachable = self._create_customer_order(
                [("Oil", "scheduled", 10.0)], customer=self.owner, schedule_date=NOW + timedelta(days=1)
            )
            elsewhere = self._create_order(
                self.company_b, partner_id=self.emile.id, driver_id=self.emile.id, schedule_date=NOW + timedelta(days=1)
            )
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE repair_order SET checkin_invited_for = schedule_date WHERE id IN %s",
                [(invited.id, unreachable.id)],
            )
            self.env.invalidate_all()
            _load_migration().migrate(self.env.cr, "19.0.1.0.0")

        rule_a, rule_b = self._checkin_rule(self.company_a), self._checkin_rule(self.company_b)
        self.assertEqual((rule_a.active, rule_a.interval_nbr, rule_a.interval_unit), (True, 5, "days"))
        self.assertFalse(rule_b.active, "a location that had check-in off keeps it off")
        messages = self.env["customer.notification"].search([("rule_id", "=", rule_a.id)])
        sent = messages.filtered(lambda n: n.order_id == invited)
        self.assertEqual((sent.state, sent.communication_id), ("sent", checkin), "not invited twice")
        skipped = messages.filtered(lambda n: n.order_id == unreachable)
        self.assertEqual(skipped.state, "skipped", "nobody reachable then: not sent now either")
        planned = messages.filtered(lambda n: n.order_id == not_yet)
        self.assertEqual((planned.state, planned.due_at), ("queued", NOW + timedelta(days=4)))
        notes = planned.order_id.message_ids.filtered(lambda m: "Check-in" in (m.body or ""))
        self.assertEqual(len(notes), 1, "planned once: no second note for the migrated lead time")
        self.assertFalse(
            self.env["customer.notification"].search([("order_id", "=", elsewhere.id)]),
            "a location that had check-in off plans nothing",
        )
        self.assertFalse(self.old_job.exists(), "the former job is gone")
