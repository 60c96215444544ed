from psycopg2 import IntegrityError

from odoo.tests import tagged
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
