import re
from unittest.mock import patch

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

RECEPTIONIST_GROUPS = "base.group_user,repair_customer_communication.group_workshop_receptionist"
MECHANIC_GROUPS = "base.group_user,repair_customer_communication.group_workshop_mechanic"


class WorkshopCommon(TransactionCase):
    """Fixtures of a Belgian workshop (company A) and a second location (company B).

    Everything is created here: no test relies on demo data.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.belgium = cls.env.ref("base.be")
        cls.france = cls.env.ref("base.fr")
        cls.euro = cls.env.ref("base.EUR")
        cls.euro.active = True

        # Companies: stock creates a warehouse (with its repair operation type) for each.
        cls.company_a = cls.env["res.company"].create(
            {"name": "Garage A (BE)", "country_id": cls.belgium.id, "currency_id": cls.euro.id}
        )
        cls.company_b = cls.env["res.company"].create(
            {"name": "Garage B", "country_id": cls.belgium.id, "currency_id": cls.euro.id}
        )
        # Each location has a built-in check-in invitation rule; only the check-in tests switch it on.
        cls.checkin_rule_a = cls._checkin_rule(cls.company_a)
        (cls.checkin_rule_a | cls._checkin_rule(cls.company_b)).active = False
        cls.tax_21 = cls._create_tax(cls.company_a, 21.0)
        cls.company_a.account_sale_tax_id = cls.tax_21
        cls.warehouse_a = cls.env["stock.warehouse"].search([("company_id", "=", cls.company_a.id)], limit=1)
        cls.warehouse_b = cls.env["stock.warehouse"].search([("company_id", "=", cls.company_b.id)], limit=1)

        # Users
        cls.receptionist = new_test_user(
            cls.env,
            login="rcc_receptionist",
            groups=RECEPTIONIST_GROUPS,
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.mechanic = new_test_user(
            cls.env,
            login="rcc_mechanic",
            groups=MECHANIC_GROUPS,
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.user_b = new_test_user(
            cls.env,
            login="rcc_receptionist_b",
            groups=RECEPTIONIST_GROUPS,
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

        # Products
        cls.product_pads = cls.env["product.product"].create(
            {
                "name": "Brake pads (workshop tests)",
                "type": "consu",
                "lst_price": 80.0,
                "taxes_id": [Command.set(cls.tax_21.ids)],
                "company_id": cls.company_a.id,
            }
        )

        # Customers
        # Customers are entered in the workshop's own forms, which store their numbers in E.164.
        Partner = cls.env["res.partner"].with_context(workshop_phone_e164=True)
        cls.emile = Partner.create(
            {
                "name": "Émile Dupré",
                "country_id": cls.belgium.id,
                "email": "emile.dupre@example.com",
                "email_professional": "e.dupre@acme-works.example",
                "phone": "0470 12 34 56",
                "mobile_professional": "0491 65 43 21",
                "dms_number": "DMS-00123",
            }
        )
        cls.owner = Partner.create(
            {
                "name": "Marie Owner",
                "country_id": cls.belgium.id,
                "email": "marie.owner@example.com",
                "phone": "+32 475 00 11 22",
                "dms_number": "DMS-00456",
            }
        )
        cls.leasing = Partner.create(
            {
                "name": "LeaseCo Belgium",
                "is_company": True,
                "is_leasing_company": True,
                "country_id": cls.belgium.id,
                "email": "fleet@leaseco.example",
                "phone": "02 345 67 89",
                "preferred_channel": "sms",
            }
        )
        cls.other_customer = Partner.create({"name": "Zoë Other", "country_id": cls.belgium.id})

        # Vehicles
        cls.brand = cls.env["fleet.vehicle.model.brand"].create({"name": "Workshop Test Motors"})
        cls.car_model = cls.env["fleet.vehicle.model"].create({"name": "Roadster", "brand_id": cls.brand.id})
        cls.vehicle = cls.env["fleet.vehicle"].create(
            {
                "model_id": cls.car_model.id,
                "license_plate": "1-ABC-234",
                "driver_id": cls.emile.id,
                "owner_id": cls.owner.id,
                "leasing_company_id": cls.leasing.id,
                "company_id": cls.company_a.id,
            }
        )
        cls.vehicle_private = cls.env["fleet.vehicle"].create(
            {
                "model_id": cls.car_model.id,
                "license_plate": "2-XYZ-987",
                "driver_id": cls.other_customer.id,
                "company_id": cls.company_a.id,
            }
        )

        # Work orders and items
        cls.order = cls._create_order(cls.company_a, vehicle_id=cls.vehicle.id)
        cls.item_pads = cls.env["repair.work.item"].create(
            {
                "order_id": cls.order.id,
                "name": "Front brake pads worn",
                "category": "necessary",
                "product_id": cls.product_pads.id,
                "quantity": 2.0,
            }
        )
        cls.item_wipers = cls.env["repair.work.item"].create(
            {
                "order_id": cls.order.id,
                "name": "Wiper blades",
                "category": "recommended",
                "price_unit": 25.0,
            }
        )

    @classmethod
    def _create_tax(cls, company, amount):
        group = cls.env["account.tax.group"].create({"name": f"VAT {amount:g}%", "company_id": company.id})
        return cls.env["account.tax"].create(
            {
                "name": f"VAT {amount:g}% (workshop tests)",
                "amount": amount,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": company.id,
                "country_id": company.country_id.id,
                "tax_group_id": group.id,
            }
        )

    @classmethod
    def _checkin_rule(cls, company):
        return (
            cls.env["customer.notification.rule"]
            .with_context(active_test=False)
            .search([("company_id", "=", company.id), ("builtin", "=", True), ("trigger", "=", "checkin_invitation")])
        )

    @classmethod
    def _create_order(cls, company, **vals):
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        return (
            cls.env["repair.order"]
            .with_company(company)
            .create(dict({"company_id": company.id, "picking_type_id": warehouse.repair_type_id.id}, **vals))
        )

    @classmethod
    def _create_item(cls, order=None, **vals):
        return cls.env["repair.work.item"].create(dict({"order_id": (order or cls.order).id, "name": "Item"}, **vals))

    @classmethod
    def _create_customer_order(cls, items, customer=None, **vals):
        """A work order of company A for a customer (also its driver), with items given as (name, category, price)."""
        customer = customer or cls.emile
        return cls._create_order(
            cls.company_a,
            partner_id=customer.id,
            driver_id=customer.id,
            work_item_ids=[
                Command.create({"name": name, "category": category, "price_unit": price})
                for name, category, price in items
            ],
            **vals,
        )

    @classmethod
    def _send_overview(cls, order, channel="email", note=False, customer=None):
        """Send a new overview version to the customer's e-mail or phone, as the send dialog would."""
        customer = customer or cls.emile
        point = {
            "role": "driver",
            "partner": customer,
            "channel": channel,
            "address": customer.email if channel == "email" else customer.phone,
        }
        communication = order._prepare_customer_communication(point, note=note)
        communication._send()
        return communication

    def _view_page(self, token, headers=None):
        """Open a customer link as a person does (for `HttpCase` tests): load the page, and its script's beacon.

        Returns the page's response. A link scanner only loads the page; a person's
        browser also runs the page's script, which tells the server it is viewed.
        """
        page = self.url_open(f"/workshop/c/{token}", headers=headers)
        beacon_token = re.search(r'data-opened-token="([0-9a-f]{64})"', page.text)
        if beacon_token:
            self.make_jsonrpc_request(f"/workshop/c/{beacon_token.group(1)}/opened", {}, headers=headers)
        return page

    def _run_queue(self):
        """Run the customer message job as the scheduler would, without its commits (a test keeps its transaction)."""
        with patch.object(type(self.env["ir.cron"]), "_commit_progress", return_value=float("inf")):
            self.env["customer.notification"]._cron_send_due()
