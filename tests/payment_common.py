from odoo import Command
from odoo.tests import HttpCase

from .common import WorkshopCommon


class PaymentCommon(HttpCase, WorkshopCommon):
    """A location with accounts and Odoo's demo payment provider, asking a 30 % deposit when approving.

    `payment_demo` is installed with the module by `make test` (the module does not
    depend on it: a shop uses Stripe, Mollie or another of Odoo's providers).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Provider = cls.env["payment.provider"]
        assert "demo" in dict(Provider._fields["code"].selection), "payment_demo must be installed (make test does)"
        # A location with a chart of accounts (loaded before any of its taxes exist: a chart replaces them).
        cls.shop = cls.env["res.company"].create(
            {"name": "Garage Pay (BE)", "country_id": cls.belgium.id, "currency_id": cls.euro.id}
        )
        cls._checkin_rule(cls.shop).active = False
        cls.env["account.chart.template"].try_loading("generic_coa", cls.shop, install_demo=False)
        cls.shop.write(
            {"currency_id": cls.euro.id, "account_fiscal_country_id": cls.belgium.id}
        )  # the chart is American
        cls.vat_21, cls.vat_6 = (cls._shop_tax(amount) for amount in (21.0, 6.0))
        cls.shop.write(
            {
                "account_sale_tax_id": cls.vat_21.id,
                "repair_payment_policy": "deposit_percent",
                "repair_deposit_percent": 30,
            }
        )
        cls.provider = Provider.search([("code", "=", "demo"), ("company_id", "=", cls.shop.id)], limit=1) or (
            Provider.search([("code", "=", "demo")], limit=1).copy({"company_id": cls.shop.id})
        )
        cls.provider.write({"state": "test", "is_published": True})
        if not cls.provider.journal_id:
            cls.provider.journal_id = cls.env["account.journal"].search(
                [("company_id", "=", cls.shop.id), ("type", "=", "bank")], limit=1
            )
        cls.payment_method = cls.env.ref("payment_demo.payment_method_demo")
        cls.payer = cls.env["res.partner"].create(
            {"name": "Hélène Payeur", "email": "helene@example.com", "lang": "en_US", "country_id": cls.belgium.id}
        )

    @classmethod
    def _shop_tax(cls, amount):
        """A sale tax of the paying location, in its fiscal country (the chart's)."""
        country = cls.shop.account_fiscal_country_id
        group = cls.env["account.tax.group"].create(
            {"name": f"VAT {amount:g}%", "company_id": cls.shop.id, "country_id": country.id}
        )
        return cls.env["account.tax"].create(
            {
                "name": f"VAT {amount:g}% (workshop payment tests)",
                "amount": amount,
                "type_tax_use": "sale",
                "company_id": cls.shop.id,
                "country_id": country.id,
                "tax_group_id": group.id,
            }
        )

    def _order_with_findings(self):
        """A work order of the paying location: a service planned (6 % VAT) and three findings (21 %)."""
        order = self._create_order(self.shop, partner_id=self.payer.id, driver_id=self.payer.id)
        for name, category, price, tax in (
            ("Annual service", "scheduled", 100.0, self.vat_6),
            ("Front brake pads", "necessary", 200.0, self.vat_21),
            ("Wiper blades", "recommended", 30.0, self.vat_21),
            ("Rust treatment", "recommended", 220.0, self.vat_21),
        ):
            self._create_item(order, name=name, category=category, price_unit=price, tax_ids=[Command.set(tax.ids)])
        return order

    def _send(self, order):
        return self._send_overview(order, customer=self.payer)

    def _answer(self, overview, decisions):
        """The customer decides each item named in `decisions` (name -> decision) and confirms, as the page does."""
        overview = overview.sudo()
        for line in overview.line_ids:
            if line.name in decisions:
                overview._customer_decide(line.id, decisions[line.name])
        overview._customer_confirm()
        return overview

    def _start_payment(self, overview, amount, **kwargs):
        """What Odoo's payment form posts to the page's transaction route (JSON-RPC)."""
        params = {
            "provider_id": self.provider.id,
            "payment_method_id": self.payment_method.id,
            "token_id": None,
            "amount": amount,
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": "/elsewhere",
            "is_validation": False,
            "access_token": "whatever the page had",
            **kwargs,
        }
        return self.make_jsonrpc_request(f"/workshop/c/{overview._get_token()}/transaction", params)

    def _pay(self, overview, amount, simulated_state="done"):
        """Pay from the page with Odoo's demo provider, as its form does (`/payment/demo/simulate_payment`)."""
        values = self._start_payment(overview, amount)
        self.assertNotEqual(values.get("state"), "error", values.get("state_message"))
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {"reference": values["reference"], "payment_details": "4242", "simulated_state": simulated_state},
        )
        # Odoo's status page, where the provider's form leads: it post-processes the payment and says where to go.
        status = self.make_jsonrpc_request("/payment/status/poll", {})
        tx = self.env["payment.transaction"].search([("reference", "=", values["reference"])])
        self.assertEqual(status["landing_route"], tx.landing_route)
        return tx
