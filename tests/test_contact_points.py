from odoo.tests import tagged

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestContactPoints(WorkshopCommon):
    def test_communication_blocked_by_any_person(self):
        order = self.order
        self.assertFalse(order.communication_blocked)
        for person in (self.emile, self.owner, self.leasing):
            person.communication_blocked = True
            self.assertTrue(order.communication_blocked, person.name)
            person.communication_blocked = False
            self.assertFalse(order.communication_blocked, person.name)

    def test_communication_blocked_by_customer(self):
        blocked = self.env["res.partner"].create({"name": "Blocked Customer", "communication_blocked": True})
        order = self._create_order(self.company_a, partner_id=blocked.id)
        self.assertTrue(order.communication_blocked)
        order.partner_id = self.other_customer
        self.assertFalse(order.communication_blocked)

    def test_contact_points_of_driver_owner_contractor(self):
        self.leasing.communication_blocked = True
        points = self.order._get_customer_contact_points()
        summary = [(p["role"], p["channel"], p["kind"], p["address"]) for p in points]
        self.assertEqual(
            summary,
            [
                ("driver", "email", "personal", "emile.dupre@example.com"),
                ("driver", "email", "professional", "e.dupre@acme-works.example"),
                ("driver", "sms", "personal", "+32470123456"),
                ("driver", "sms", "professional", "+32491654321"),
                ("owner", "email", "personal", "marie.owner@example.com"),
                ("owner", "sms", "personal", "+32475001122"),
                ("contractor", "email", "personal", "fleet@leaseco.example"),
                ("contractor", "sms", "personal", "+3223456789"),
            ],
        )
        by_address = {p["address"]: p for p in points}
        driver_mail = by_address["emile.dupre@example.com"]
        self.assertEqual(driver_mail["partner"], self.emile)
        self.assertEqual(driver_mail["role_label"], "Driver")
        self.assertTrue(driver_mail["preferred"])  # e-mail is the default channel
        self.assertFalse(driver_mail["blocked"])
        self.assertFalse(by_address["+32470123456"]["preferred"])
        self.assertEqual(by_address["marie.owner@example.com"]["role_label"], "Owner")
        contractor_sms = by_address["+3223456789"]
        self.assertEqual(contractor_sms["partner"], self.leasing)
        self.assertEqual(contractor_sms["role_label"], "Contractor")
        self.assertTrue(contractor_sms["blocked"])
        self.assertTrue(contractor_sms["preferred"])
        self.assertFalse(by_address["fleet@leaseco.example"]["preferred"])
        self.assertTrue(by_address["fleet@leaseco.example"]["blocked"])

    def test_contact_points_deduplicated(self):
        # The owner shares the driver's e-mail (other case) and phone (other format).
        self.owner.write({"email": "Emile.Dupre@Example.com", "phone": "0032 470 12 34 56"})
        self.assertEqual(self.owner.phone, "+32470123456")
        points = self.order._get_customer_contact_points()
        addresses = [(p["channel"], p["address"].lower()) for p in points]
        self.assertEqual(len(addresses), len(set(addresses)))
        self.assertEqual([p["role"] for p in points if p["address"].lower() == "emile.dupre@example.com"], ["driver"])
        self.assertEqual([p["role"] for p in points if p["address"] == "+32470123456"], ["driver"])
        self.assertEqual([p for p in points if p["role"] == "owner"], [])

    def test_same_person_in_two_roles_listed_once(self):
        order = self._create_order(self.company_a, vehicle_id=self.vehicle_private.id)
        order.owner_id = self.other_customer
        self.other_customer.write({"email": "zoe@example.com", "phone": "0499 00 00 01"})
        points = order._get_customer_contact_points()
        self.assertEqual([(p["role"], p["channel"]) for p in points], [("driver", "email"), ("driver", "sms")])

    def test_no_contacts(self):
        order = self._create_order(self.company_a)
        self.assertEqual(order._get_customer_contact_points(), [])
