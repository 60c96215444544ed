from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestPartnerPhone(WorkshopCommon):
    def test_belgian_numbers_stored_e164(self):
        self.assertEqual(self.emile.phone, "+32470123456")
        self.assertEqual(self.emile.mobile_professional, "+32491654321")
        self.assertEqual(self.owner.phone, "+32475001122")
        self.assertEqual(self.leasing.phone, "+3223456789")

    def test_write_normalises(self):
        self.other_customer.write({"phone": "0470/99.88.77", "mobile_professional": "0032 486 11 22 33"})
        self.assertEqual(self.other_customer.phone, "+32470998877")
        self.assertEqual(self.other_customer.mobile_professional, "+32486112233")

    def test_partner_country_wins_over_company_country(self):
        partner = (
            self.env["res.partner"]
            .with_company(self.company_a)
            .create({"name": "Jean Français", "country_id": self.france.id, "phone": "06 12 34 56 78"})
        )
        self.assertEqual(partner.phone, "+33612345678")

    def test_country_given_with_the_number(self):
        self.other_customer.write({"country_id": self.france.id, "phone": "06 12 34 56 78"})
        self.assertEqual(self.other_customer.phone, "+33612345678")

    def test_country_falls_back_to_current_company(self):
        self.env.company.country_id = self.france
        partner = (
            self.env["res.partner"]
            .with_company(self.company_a)
            .create({"name": "No Country", "phone": "0470 12 34 56"})
        )
        self.assertFalse(partner.country_id)
        self.assertEqual(partner.phone, "+32470123456")
        partner.with_company(self.company_a).mobile_professional = "0499 11 22 33"
        self.assertEqual(partner.mobile_professional, "+32499112233")

    def test_country_falls_back_to_partner_company(self):
        self.env.company.country_id = self.france
        partner = self.env["res.partner"].create(
            {"name": "Company Contact", "company_id": self.company_a.id, "phone": "0470 12 34 56"}
        )
        self.assertEqual(partner.phone, "+32470123456")
        partner.write({"mobile_professional": "0499 11 22 33"})
        self.assertEqual(partner.mobile_professional, "+32499112233")

    def test_multi_write_uses_each_partners_country(self):
        french = self.env["res.partner"].create({"name": "Lyon Garage", "country_id": self.france.id})
        partners = self.other_customer | french
        partners.write({"phone": "0470 12 34 56"})
        self.assertEqual(self.other_customer.phone, "+32470123456")
        self.assertEqual(french.phone, "+33470123456")

    def test_invalid_phone_on_create_creates_nothing(self):
        Partner = self.env["res.partner"].with_company(self.company_a)
        with self.assertRaises(ValidationError) as caught:
            Partner.create({"name": "Invalid Phone Person", "country_id": self.belgium.id, "phone": "123"})
        self.assertIn("Phone", str(caught.exception))
        self.assertIn("123", str(caught.exception))
        self.assertFalse(Partner.search([("name", "=", "Invalid Phone Person")]))

    def test_invalid_phone_on_write_keeps_old_value(self):
        with self.assertRaises(ValidationError) as caught:
            self.emile.write({"phone": "not a number"})
        self.assertIn("Phone", str(caught.exception))
        self.assertNotIn("Professional mobile", str(caught.exception))
        self.emile.invalidate_recordset()
        self.assertEqual(self.emile.phone, "+32470123456")

    def test_invalid_professional_mobile_names_the_field(self):
        with self.assertRaises(ValidationError) as caught:
            self.emile.write({"mobile_professional": "0470"})
        self.assertIn("Professional mobile", str(caught.exception))
        self.emile.invalidate_recordset()
        self.assertEqual(self.emile.mobile_professional, "+32491654321")
        with self.assertRaises(ValidationError) as caught:
            self.env["res.partner"].create({"name": "Bad Mobile", "mobile_professional": "12"})
        self.assertIn("Professional mobile", str(caught.exception))
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Bad Mobile")]))

    def test_clearing_a_number(self):
        self.emile.phone = False
        self.assertFalse(self.emile.phone)
