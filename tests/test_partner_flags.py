from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestPartnerFlags(WorkshopCommon):
    def test_consent_defaults(self):
        partner = self.env["res.partner"].create({"name": "New Customer"})
        self.assertFalse(partner.accepts_automated_email)
        self.assertFalse(partner.accepts_automated_sms)
        self.assertEqual(partner.preferred_channel, "email")
        self.assertFalse(partner.communication_blocked)
        self.assertFalse(partner._workshop_accepts_automated("email"))
        self.assertFalse(partner._workshop_accepts_automated("sms"))
        self.assertTrue(partner._workshop_can_be_contacted())

    def test_automated_needs_consent_per_channel(self):
        partner = self.env["res.partner"].create({"name": "Consenting", "accepts_automated_email": True})
        self.assertTrue(partner._workshop_accepts_automated("email"))
        self.assertFalse(partner._workshop_accepts_automated("sms"))
        partner.write({"accepts_automated_email": False, "accepts_automated_sms": True})
        self.assertFalse(partner._workshop_accepts_automated("email"))
        self.assertTrue(partner._workshop_accepts_automated("sms"))

    def test_block_overrides_consent(self):
        partner = self.env["res.partner"].create(
            {"name": "Blocked", "accepts_automated_email": True, "accepts_automated_sms": True}
        )
        self.assertTrue(partner._workshop_accepts_automated("email"))
        partner.communication_blocked = True
        self.assertFalse(partner._workshop_accepts_automated("email"))
        self.assertFalse(partner._workshop_accepts_automated("sms"))
        self.assertFalse(partner._workshop_can_be_contacted())

    def test_can_be_contacted_follows_block_flag_only(self):
        partner = self.env["res.partner"].create({"name": "No consent"})
        self.assertTrue(partner._workshop_can_be_contacted())
        partner.communication_blocked = True
        self.assertFalse(partner._workshop_can_be_contacted())
        partner.write({"communication_blocked": False, "accepts_automated_email": False})
        self.assertTrue(partner._workshop_can_be_contacted())

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
