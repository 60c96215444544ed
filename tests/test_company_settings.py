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
        self.assertEqual(company.repair_checkin_lead_days, 3)

    def test_settings_write_company_values(self):
        settings = self.env["res.config.settings"].with_company(self.company_a).create({})
        self.assertEqual(settings.company_id, self.company_a)
        self.assertTrue(settings.repair_show_prices)
        self.assertEqual(settings.repair_link_validity_days, 14)
        self.assertEqual(settings.repair_checkin_lead_days, 3)
        settings.write({"repair_show_prices": False, "repair_link_validity_days": 30, "repair_checkin_lead_days": 0})
        settings.execute()
        self.assertFalse(self.company_a.repair_show_prices)
        self.assertEqual(self.company_a.repair_link_validity_days, 30)
        self.assertEqual(self.company_a.repair_checkin_lead_days, 0)
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
            self.company_a.repair_checkin_lead_days = -1
            self.company_a.flush_recordset()
        self.company_a.invalidate_recordset()
        self.company_a.repair_checkin_lead_days = 0
        self.company_a.flush_recordset()
        self.assertEqual(self.company_a.repair_checkin_lead_days, 0)
