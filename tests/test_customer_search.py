from odoo.tests import tagged

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestCustomerSearch(WorkshopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accented = cls.env["res.partner"].create({"name": "Francois Lefevre"})
        # Searches are limited to the fixtures, so that demo customers never interfere.
        cls.fixtures = cls.emile | cls.owner | cls.leasing | cls.other_customer | cls.accented

    def _find(self, term, operator="ilike"):
        return self.env["res.partner"].search([("id", "in", self.fixtures.ids), ("customer_search", operator, term)])

    def _assert_finds(self, term, partner):
        found = self._find(term)
        self.assertIn(partner, found, f"{term!r} should find {partner.name}")
        return found

    def test_name_ignores_case_and_accents(self):
        for term in ("emile dupre", "EMILE DUPRE", "Émile Dupré", "dupre", "émile  dupré", "  Emile "):
            found = self._assert_finds(term, self.emile)
            self.assertNotIn(self.owner, found, term)
        self._assert_finds("zoe", self.other_customer)

    def test_accented_search_term_finds_plain_name(self):
        self.assertEqual(self._find("François Lefèvre"), self.accented)

    def test_email_and_professional_email(self):
        self.assertEqual(self._find("emile.dupre@example.com"), self.emile)
        self.assertEqual(self._find("E.Dupre@ACME-works.example"), self.emile)
        self._assert_finds("acme-works", self.emile)
        self.assertEqual(self._find("marie.owner@"), self.owner)

    def test_phone_in_every_format(self):
        for term in (
            "0470 12 34 56",
            "0470123456",
            "0470/12.34.56",
            "+32 470 12 34 56",
            "+32470123456",
            "0032470123456",
            "0032 470 12 34 56",
            "12 34 56",
            "470 12",
        ):
            found = self._assert_finds(term, self.emile)
            self.assertNotIn(self.owner, found, term)

    def test_professional_mobile(self):
        self.assertEqual(self._find("0491 65 43 21"), self.emile)
        self.assertEqual(self._find("+32 491 65 43 21"), self.emile)
        self.assertEqual(self._find("0032491654321"), self.emile)

    def test_landline_number(self):
        self.assertEqual(self._find("02 345 67 89"), self.leasing)
        self.assertEqual(self._find("+32 2 345 67 89"), self.leasing)

    def test_dms_number_with_and_without_dashes(self):
        for term in ("DMS-00123", "dms-00123", "DMS00123", "dms00123", "Dms 00123", "00123"):
            self.assertEqual(self._find(term), self.emile, term)
        self.assertEqual(self._find("dms00456"), self.owner)

    def test_licence_plate_finds_driver_and_owner(self):
        for term in ("1abc234", "1-ABC-234", "1 abc 234", "ABC234"):
            found = self._find(term)
            self.assertIn(self.emile, found, term)
            self.assertIn(self.owner, found, term)
            self.assertNotIn(self.other_customer, found, term)
        self.assertEqual(self._find("2xyz987"), self.other_customer)

    def test_plate_follows_vehicle_changes(self):
        self.vehicle_private.license_plate = "3-NEW-001"
        self.assertEqual(self._find("3new001"), self.other_customer)
        self.assertFalse(self._find("2xyz987"))

    def test_search_key_follows_partner_changes(self):
        self.other_customer.write({"email": "zoe.new@example.com", "phone": "0499 88 77 66", "dms_number": "X-42"})
        self.assertEqual(self._find("zoe.new@example.com"), self.other_customer)
        self.assertEqual(self._find("+32 499 88 77 66"), self.other_customer)
        self.assertEqual(self._find("x42"), self.other_customer)

    def test_no_match_finds_nothing(self):
        self.assertFalse(self.env["res.partner"].search([("customer_search", "ilike", "qwxzy-nothing-like-this")]))
        self.assertFalse(self._find("0470 99 99 99"))
        self.assertFalse(self._find("9zzz999"))

    def test_negative_search_excludes_the_match(self):
        found = self._find("dupre", operator="not ilike")
        self.assertEqual(found, self.fixtures - self.emile)
