from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestCompanySettings(WorkshopCommon):
    def test_company_defaults(self):
        company = self.env["res.company"].create({"name": "Fresh Garage"})
        self.assertTrue(company.repair_show_prices)
        self.assertEqual(company.repair_link_validity_days, 14)
        # Online check-in is the location's built-in rule, on and 3 days ahead by default.
        checkin = self._checkin_rule(company)
        self.assertEqual((checkin.active, checkin.interval_nbr, checkin.interval_unit), (True, 3, "days"))

    def test_settings_write_company_values(self):
        settings = self.env["res.config.settings"].with_company(self.company_a).create({})
        self.assertEqual(settings.company_id, self.company_a)
        self.assertTrue(settings.repair_show_prices)
        self.assertEqual(settings.repair_link_validity_days, 14)
        settings.write({"repair_show_prices": False, "repair_link_validity_days": 30})
        settings.execute()
        self.assertFalse(self.company_a.repair_show_prices)
        self.assertEqual(self.company_a.repair_link_validity_days, 30)
        # The other company keeps its own values.
        self.assertTrue(self.company_b.repair_show_prices)
        self.assertEqual(self.company_b.repair_link_validity_days, 14)

    def test_link_validity_must_be_positive(self):
        for days in (0, -1):
            with (
                self.subTest(days=days),
                mute_logger("odoo.sql_db"),
                self.assertRaises(IntegrityError),
                self.env.cr.savepoint(),
            ):
                self.company_a.repair_link_validity_days = days
                self.company_a.flush_recordset()
        self.company_a.invalidate_recordset()
        self.assertEqual(self.company_a.repair_link_validity_days, 14)

    def test_checkin_lead_days_not_negative(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.checkin_rule_a.interval_nbr = -1
            self.checkin_rule_a.flush_recordset()
        self.checkin_rule_a.invalidate_recordset()
        self.checkin_rule_a.interval_nbr = 0
        self.checkin_rule_a.flush_recordset()
        self.assertEqual(self.checkin_rule_a.interval_nbr, 0, "0 days: invited the day of the appointment")

    def test_someone_without_a_workshop_role_creates_a_location_with_its_rules(self):
        """Odoo's accountants and settings managers create companies too (Odoo's own tests do)."""
        manager = new_test_user(
            self.env,
            login="rcc_settings_manager",
            groups="base.group_user,base.group_erp_manager,base.group_partner_manager",
        )
        company = self.env["res.company"].with_user(manager).create({"name": "Garage C"})
        self.assertTrue(self._checkin_rule(company), "the location's built-in check-in rule")

    def test_the_payment_policy_needs_a_deposit_amount(self):
        with self.assertRaisesRegex(ValidationError, "Give the deposit"):
            self.company_a.write({"repair_payment_policy": "deposit_fixed", "repair_deposit_amount": 0.0})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.company_a.repair_deposit_percent = 120.0
