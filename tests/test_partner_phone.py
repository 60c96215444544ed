import importlib.util
from pathlib import Path

from odoo.exceptions import ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestPartnerPhone(WorkshopCommon):
    def workshop_partners(self):
        """Partners as the workshop's customer form and work order create them."""
        return self.env["res.partner"].with_context(workshop_phone_e164=True)

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
            self.workshop_partners()
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
            self.workshop_partners()
            .with_company(self.company_a)
            .create({"name": "No Country", "phone": "0470 12 34 56"})
        )
        self.assertFalse(partner.country_id)
        self.assertEqual(partner.phone, "+32470123456")
        partner.with_company(self.company_a).mobile_professional = "0499 11 22 33"
        self.assertEqual(partner.mobile_professional, "+32499112233")

    def test_country_falls_back_to_partner_company(self):
        self.env.company.country_id = self.france
        partner = self.workshop_partners().create(
            {"name": "Company Contact", "company_id": self.company_a.id, "phone": "0470 12 34 56"}
        )
        self.assertEqual(partner.phone, "+32470123456")
        partner.write({"mobile_professional": "0499 11 22 33"})
        self.assertEqual(partner.mobile_professional, "+32499112233")

    def test_multi_write_uses_each_partners_country(self):
        french = self.workshop_partners().create({"name": "Lyon Garage", "country_id": self.france.id})
        partners = self.other_customer | french
        partners.write({"phone": "0470 12 34 56"})
        self.assertEqual(self.other_customer.phone, "+32470123456")
        self.assertEqual(french.phone, "+33470123456")

    def test_an_unreadable_phone_is_kept_as_typed_as_odoo_does(self):
        """Odoo's own forms and portal keep a number they cannot read; the add-on changes nothing there."""
        Partner = self.env["res.partner"].with_company(self.company_a)
        partner = Partner.create({"name": "Odd Phone Person", "country_id": self.belgium.id, "phone": "1234567890"})
        self.assertEqual(partner.phone, "1234567890")
        self.emile.with_context(workshop_phone_e164=False).write({"phone": "not a number"})
        self.assertEqual(self.emile.phone, "not a number")

    def test_an_unreadable_phone_is_no_sms_address_and_says_why(self):
        self.emile.with_context(workshop_phone_e164=False).write(
            {"phone": "1234", "mobile_professional": False, "accepts_automated_sms": True}
        )
        self.assertFalse(self.emile._workshop_addresses("sms"))
        address, reason = self.emile._workshop_reachable("sms", automated=False)
        self.assertFalse(address)
        self.assertIn("no mobile number that can be read", reason)
        points = self.env["res.partner"]._workshop_contact_points([("driver", "Driver", self.emile)])
        sms_point = next(point for point in points if point["channel"] == "sms")
        self.assertFalse(sms_point["allowed"])
        self.assertIn("“1234” cannot be read", sms_point["refusal"])

    def test_the_partner_form_warns_the_workshop_of_an_unreadable_phone(self):
        clerk = new_test_user(
            self.env,
            login="phone_clerk",
            groups="base.group_user,base.group_partner_manager,repair_customer_communication.group_workshop_receptionist",
            company_id=self.company_a.id,
            company_ids=[(6, 0, self.company_a.ids)],
        )
        # In Odoo's own contact form (no workshop context) the number is kept as typed, as Odoo does.
        odoo_partner = self.emile.with_context(workshop_phone_e164=False)
        with Form(odoo_partner.with_user(clerk)) as form:
            form.phone = "0470 12 34 5"
        self.assertEqual(self.emile.phone, "0470 12 34 5", "kept as typed, as Odoo does")
        partner = odoo_partner.with_user(clerk)
        partner.phone = "12"
        warning = partner._onchange_workshop_phone_warning()["warning"]["message"]
        self.assertTrue(warning.startswith("“12” cannot be read"))
        partner.phone = "0470 12 34 56"
        self.assertIsNone(partner._onchange_workshop_phone_warning())
        outsider = new_test_user(self.env, login="phone_outsider", groups="base.group_user,base.group_partner_manager")
        partner = odoo_partner.with_user(outsider)
        partner.phone = "12"
        self.assertIsNone(partner._onchange_workshop_phone_warning(), "Odoo's own users see Odoo's form as it was")

    def test_the_workshop_forms_refuse_an_unreadable_phone(self):
        """Issue 10.19: the workshop's own forms validate and normalise; nothing is saved of a refused number."""
        with self.assertRaises(ValidationError) as caught:
            self.workshop_partners().create(
                {"name": "Typo Phone", "country_id": self.belgium.id, "phone": "0470 12 34 5"}
            )
        self.assertIn("is not a valid phone number", str(caught.exception))
        with self.assertRaises(ValidationError):
            self.emile.write({"phone": "12"})  # emile was made in the workshop's form
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

    def test_odoo_keeps_a_readable_phone_as_given_outside_the_workshop(self):
        """Outside the workshop's forms Odoo's `phone` is stored as Odoo stores it; the workshop reads it."""
        partner = self.env["res.partner"].create(
            {"name": "Portal Person", "country_id": self.belgium.id, "phone": "0470 55 66 77"}
        )
        self.assertEqual(partner.phone, "0470 55 66 77")
        partner.write({"phone": "0032 470 55 66 88"})
        self.assertEqual(partner.phone, "0032 470 55 66 88")
        self.assertEqual(partner._workshop_addresses("sms"), [("sms", "personal", "+32470556688")])
        self.assertEqual(partner.search([("customer_search", "ilike", "0470556688")]), partner)
        self.assertEqual(partner.search([("customer_search", "ilike", "+32 470 55 66 88")]), partner)
        with self.assertRaises(ValidationError):
            partner.write({"mobile_professional": "12"})

    def test_a_french_number_typed_outside_the_workshop_reads_in_the_partners_country(self):
        partner = self.env["res.partner"].create(
            {"name": "Jeanne Lyon", "country_id": self.france.id, "phone": "06 12 34 56 78"}
        )
        self.assertEqual(partner.phone, "06 12 34 56 78")
        self.assertEqual(partner._workshop_addresses("sms"), [("sms", "personal", "+33612345678")])

    def test_the_search_key_follows_the_country_a_number_is_read_in(self):
        partner = self.env["res.partner"].create({"name": "No Country Yet", "phone": "06 12 34 56 78"})
        partner.country_id = self.france
        self.assertEqual(partner.search([("customer_search", "ilike", "+33 6 12 34 56 78")]), partner)

    def test_upgrade_recomputes_the_search_keys(self):
        script = Path(__file__).parent.parent / "migrations" / "19.0.1.2.0" / "post-migrate.py"
        spec = importlib.util.spec_from_file_location("rcc_migrate_19_0_1_2_0", script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        partner = self.env["res.partner"].create(
            {"name": "Jeanne Stale", "country_id": self.france.id, "phone": "06 12 34 56 78"}
        )
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_partner SET customer_search_key = 'stale' WHERE id = %s", [partner.id])
        partner.invalidate_recordset(["customer_search_key"])
        module.migrate(self.env.cr, "19.0.1.1.0")
        partner.invalidate_recordset(["customer_search_key"])
        self.assertIn("33612345678", partner.customer_search_key)
