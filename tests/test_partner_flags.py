from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestPartnerFlags(WorkshopCommon):
    """The contact policy, through its one method `_workshop_contact_refusal`."""

    @staticmethod
    def _automated_ok(partner, channel):
        return not partner._workshop_contact_refusal(channel, automated=True)

    @staticmethod
    def _manual_ok(partner):
        return all(not partner._workshop_contact_refusal(channel, automated=False) for channel in ("email", "sms"))

    def test_consent_defaults(self):
        partner = self.env["res.partner"].create({"name": "New Customer"})
        self.assertFalse(partner.accepts_automated_email)
        self.assertFalse(partner.accepts_automated_sms)
        self.assertEqual(partner.preferred_channel, "email")
        self.assertFalse(partner.communication_blocked)
        self.assertFalse(self._automated_ok(partner, "email"))
        self.assertFalse(self._automated_ok(partner, "sms"))
        self.assertTrue(self._manual_ok(partner))

    def test_automated_needs_consent_per_channel(self):
        partner = self.env["res.partner"].create({"name": "Consenting", "accepts_automated_email": True})
        self.assertTrue(self._automated_ok(partner, "email"))
        self.assertFalse(self._automated_ok(partner, "sms"))
        partner.write({"accepts_automated_email": False, "accepts_automated_sms": True})
        self.assertFalse(self._automated_ok(partner, "email"))
        self.assertTrue(self._automated_ok(partner, "sms"))

    def test_block_overrides_consent(self):
        partner = self.env["res.partner"].create(
            {"name": "Blocked", "accepts_automated_email": True, "accepts_automated_sms": True}
        )
        self.assertTrue(self._automated_ok(partner, "email"))
        partner.communication_blocked = True
        self.assertFalse(self._automated_ok(partner, "email"))
        self.assertFalse(self._automated_ok(partner, "sms"))
        self.assertFalse(self._manual_ok(partner))

    def test_can_be_contacted_follows_block_flag_only(self):
        partner = self.env["res.partner"].create({"name": "No consent"})
        self.assertTrue(self._manual_ok(partner))
        partner.communication_blocked = True
        self.assertFalse(self._manual_ok(partner))
        partner.write({"communication_blocked": False, "accepts_automated_email": False})
        self.assertTrue(self._manual_ok(partner))

    def test_policy_says_why(self):
        partner = self.env["res.partner"].create({"name": "Ann Peeters", "email": "ann@example.com"})
        self.assertEqual(partner._workshop_reachable("email", automated=False), ("ann@example.com", None))
        address, reason = partner._workshop_reachable("email", automated=True)
        self.assertFalse(address)
        self.assertIn("has not agreed to automated e-mails", reason)
        address, reason = partner._workshop_reachable("sms", automated=False)
        self.assertFalse(address)
        self.assertIn("has no mobile number", reason)
        partner.communication_blocked = True
        self.assertIn("has blocked communication", partner._workshop_reachable("email", automated=False)[1])

    def test_addresses_are_role_labelled_and_judged(self):
        self.owner.write({"email_professional": "owner@work.example", "communication_blocked": False})
        labels = {"driver": "Driver", "owner": "Owner"}
        people = [("driver", labels["driver"], self.emile), ("owner", labels["owner"], self.owner)]
        points = self.env["res.partner"]._workshop_contact_points(people, automated=True)
        by_address = {point["address"]: point for point in points}
        professional = by_address["owner@work.example"]
        self.assertEqual((professional["role"], professional["kind"]), ("owner", "professional"))
        self.assertEqual(professional["allowed"], not professional["refusal"])
        for point in points:
            expected = point["partner"]._workshop_contact_refusal(point["channel"], automated=True)
            self.assertEqual(point["refusal"], expected)

    def test_leasing_filter_domain(self):
        partners = self.emile | self.owner | self.leasing | self.other_customer
        found = self.env["res.partner"].search([("id", "in", partners.ids), ("is_leasing_company", "=", True)])
        self.assertEqual(found, self.leasing)

    def test_customers_action_has_leasing_filter(self):
        action = self.env.ref("repair_customer_communication.action_workshop_customers", raise_if_not_found=False)
        self.assertTrue(action, "the workshop customers action is missing")
        self.assertEqual(action.res_model, "res.partner")
        search_view = self.env.ref("repair_customer_communication.view_workshop_customer_search")
        self.assertEqual(action.search_view_id, search_view)
        arch = etree.fromstring(search_view.arch)
        leasing_filters = arch.xpath("//filter[@name='leasing']")
        self.assertEqual(len(leasing_filters), 1)
        domain = safe_eval(leasing_filters[0].get("domain"))
        self.assertEqual(domain, [("is_leasing_company", "=", True)])
        partners = self.emile | self.owner | self.leasing | self.other_customer
        self.assertEqual(self.env["res.partner"].search([("id", "in", partners.ids), *domain]), self.leasing)
        # The filter of the processed view (what the web client receives) is the same.
        processed = self.env["res.partner"].get_views([(search_view.id, "search")])["views"]["search"]["arch"]
        self.assertTrue(etree.fromstring(processed).xpath("//filter[@name='leasing']"))

    def test_workshop_customers_filter(self):
        """The customers list opens on the people with a vehicle or a work order of the current location."""
        action = self.env.ref("repair_customer_communication.action_workshop_customers")
        self.assertTrue(safe_eval(action.context).get("search_default_workshop_customers"))
        arch = etree.fromstring(action.search_view_id.arch)
        (workshop_filter,) = arch.xpath("//filter[@name='workshop_customers']")
        domain = safe_eval(workshop_filter.get("domain"))
        only_order = self.env["res.partner"].create({"name": "Walk-in With Order"})
        self._create_order(self.company_a, partner_id=only_order.id)
        location_b = self.env["res.partner"].create({"name": "Customer Of Garage B"})
        self._create_order(self.company_b, partner_id=location_b.id)
        contact = self.env["res.partner"].create({"name": "Supplier Contact"})
        everyone = self.emile | self.owner | self.leasing | self.other_customer | only_order | location_b | contact
        partners_a = self.env["res.partner"].with_context(allowed_company_ids=self.company_a.ids)
        self.env.flush_all()
        self.assertEqual(partners_a.env.companies, self.company_a)  # read once, as any request does
        with self.assertQueryCount(1):
            found = partners_a.search([("id", "in", everyone.ids), *domain])
        # Driver, owner and leasing company of a vehicle, a vehicle's only driver, an order's customer.
        self.assertEqual(found, self.emile | self.owner | self.leasing | self.other_customer | only_order)
        partners_b = self.env["res.partner"].with_context(allowed_company_ids=self.company_b.ids)
        self.assertEqual(partners_b.search([("id", "in", everyone.ids), *domain]), location_b)
        # The filter can be removed, or turned around.
        self.assertEqual(
            partners_a.search([("id", "in", everyone.ids), ("is_workshop_customer", "=", False)]), location_b | contact
        )
        self.assertEqual(partners_a.browse(everyone.ids).filtered("is_workshop_customer"), found)
        # A vehicle that leaves the workshop (archived) no longer makes its driver a customer.
        self.vehicle_private.active = False
        self.assertNotIn(self.other_customer, partners_a.search([("id", "in", everyone.ids), *domain]))
