from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .payment_common import PaymentCommon

# 100 € at 6 % + 200 € and 30 € at 21 %: what the customer approves below.
APPROVED_TOTAL = 106.0 + 242.0 + 36.3
DEPOSIT = 115.29  # 30 % of 384.30


@tagged("post_install", "-at_install")
class TestPaymentAtApproval(PaymentCommon):
    """Paying when approving: asked per location, paid with Odoo's payment form on the quotation."""

    def setUp(self):
        super().setUp()
        self.order = self._order_with_findings()
        self.overview = self._send(self.order)

    def _approve(self, overview=None):
        return self._answer(
            overview or self.overview,
            {"Front brake pads": "accepted", "Wiper blades": "accepted", "Rust treatment": "declined"},
        )

    def test_confirming_asks_the_deposit_on_a_quotation_that_follows_the_answers(self):
        overview = self._approve()
        quotation = self.order.sale_order_id
        self.assertTrue(quotation, "the quotation is made when the customer approves")
        self.assertEqual(
            set(quotation.order_line.filtered(lambda line: not line.display_type).mapped("name")),
            {"Annual service", "Front brake pads", "Wiper blades"},
            "the approved work and the planned service, not the declined rust treatment",
        )
        self.assertAlmostEqual(quotation.amount_total, APPROVED_TOTAL, places=2)
        self.assertAlmostEqual(overview._customer_summary()["amount_total"], quotation.amount_total, places=2)
        rust = self.order.work_item_ids.filtered(lambda item: item.name == "Rust treatment")
        self.assertEqual(rust.authorization, "refused")
        self.assertTrue(self.order.payment_requested)
        self.assertEqual(self.order.payment_status, "pending")
        self.assertAlmostEqual(self.order.payment_amount_due, DEPOSIT, places=2)
        self.assertEqual(quotation.state, "draft", "confirmed by Odoo once paid, as its portal does")

    def test_a_location_asking_nothing_changes_nothing(self):
        self.shop.repair_payment_policy = "none"
        self._approve()
        self.assertFalse(self.order.sale_order_id, "reception makes the quotation, as before")
        self.assertFalse(self.order.payment_requested)
        self.assertFalse(self.order.payment_status)
        self.assertIsNone(self.overview._customer_payment())
        page = self.url_open(f"/workshop/c/{self.overview._get_token()}")
        self.assertNotIn("o_payment_form", page.text)
        self.assertNotIn("web.assets_frontend.min.css", page.text, "the light page: no Odoo frontend styles")

    def test_a_fixed_deposit_never_exceeds_the_approved_work_and_full_payment_is_the_total(self):
        self._approve()
        amounts = self.order._payment_amounts()
        currency = amounts["currency"]
        self.shop.write({"repair_payment_policy": "deposit_fixed", "repair_deposit_amount": 50.0})
        self.assertEqual(self.order._payment_required(APPROVED_TOTAL, currency), 50.0)
        self.shop.repair_deposit_amount = 500.0
        self.assertAlmostEqual(self.order._payment_required(APPROVED_TOTAL, currency), APPROVED_TOTAL, places=2)
        self.shop.repair_payment_policy = "full"
        self.assertAlmostEqual(self.order._payment_amounts()["due"], APPROVED_TOTAL, places=2)

    def test_the_page_shows_odoos_payment_form_for_the_deposit(self):
        self._approve()
        page = self.url_open(f"/workshop/c/{self.overview._get_token()}")
        self.assertIn('id="o_payment_form"', page.text)
        self.assertIn('data-amount="115.29"', page.text)
        self.assertIn(f'data-transaction-route="/workshop/c/{self.overview._get_token()}/transaction"', page.text)
        self.assertIn("30 % of the approved work", page.text)
        self.assertIn(self.provider.name, page.text)

    def test_paying_the_deposit_records_it_on_the_quotation_as_odoos_portal_does(self):
        self._approve()
        tx = self._pay(self.overview, DEPOSIT)
        quotation = self.order.sale_order_id
        self.assertEqual(tx.state, "done")
        self.assertEqual((tx.sale_order_ids, tx.repair_communication_id), (quotation, self.overview))
        self.assertAlmostEqual(tx.amount, DEPOSIT, places=2)
        self.assertEqual(quotation.state, "sale", "Odoo confirms a quotation once paid")
        self.assertTrue(tx.payment_id, "Odoo records the payment in accounting")
        self.assertAlmostEqual(tx.payment_id.amount, DEPOSIT, places=2)
        self.order.invalidate_recordset()
        self.assertEqual(self.order.payment_status, "deposit")
        self.assertEqual(self.order.payment_amount_due, 0.0)
        self.assertAlmostEqual(self.order.payment_amount_paid, DEPOSIT, places=2)
        self.assertTrue(
            any(tx.reference in (message.body or "") for message in self.order.message_ids),
            "the work order hears of the payment",
        )
        # Back from Odoo's status page: the customer's page, which thanks them and asks nothing more.
        landing = self.url_open(tx.landing_route, allow_redirects=False)
        self.assertEqual(landing.status_code, 303)
        self.assertIn(f"/workshop/c/{self.overview._get_token()}", landing.headers["Location"])
        self.assertNotIn(self.overview._get_token(), tx.landing_route, "a link's token is never stored")
        page = self.url_open(f"/workshop/c/{self.overview._get_token()}")
        self.assertNotIn('id="o_payment_form"', page.text)
        self.assertIn("your payment was received", page.text)
        self.assertFalse(self.overview._can_reopen(), "paid: the answer stays, the customer calls the shop")

    def test_paying_twice_from_two_tabs_records_one_payment(self):
        self._approve()
        token = self.overview._get_token()
        first_tab = self.url_open(f"/workshop/c/{token}")
        second_tab = self.url_open(f"/workshop/c/{token}")
        self.assertIn('data-amount="115.29"', first_tab.text)
        self.assertIn('data-amount="115.29"', second_tab.text)
        self._pay(self.overview, DEPOSIT)
        refused = self._start_payment(self.overview, DEPOSIT)  # the second tab's form
        self.assertEqual(refused["state"], "error")
        self.assertIn("Nothing is left to pay", refused["state_message"])
        transactions = self.env["payment.transaction"].search([("sale_order_ids", "=", self.order.sale_order_id.id)])
        self.assertEqual(len(transactions), 1)

    def test_a_tampered_amount_is_refused_and_nothing_is_created(self):
        self._approve()
        Transaction = self.env["payment.transaction"]
        before = Transaction.search_count([])
        for amount in (1.0, 115.28, 1e9, "115.29", None, True):
            refused = self._start_payment(self.overview, amount)
            self.assertEqual(refused["state"], "error", amount)
            self.assertIn("The amount to pay is now", refused["state_message"])
            self.assertIn("115.29", refused["state_message"])
        # Nor can a payment become a card check at the provider's own amount.
        values = self._start_payment(self.overview, DEPOSIT, is_validation=True)
        tx = Transaction.search([("reference", "=", values["reference"])])
        self.assertEqual((tx.operation, tx.amount), ("online_direct", DEPOSIT))
        self.assertEqual(Transaction.search_count([]), before + 1)

    def test_an_unknown_field_is_refused(self):
        self._approve()
        refused = self._start_payment(self.overview, DEPOSIT, reference="MINE", partner_id=1)
        self.assertEqual(refused["state"], "error")
        self.assertFalse(self.env["payment.transaction"].search([("reference", "=", "MINE")]))

    def test_an_expired_or_unanswered_link_pays_nothing(self):
        refused = self._start_payment(self.overview, DEPOSIT)
        self.assertEqual(refused["state"], "error")
        self.assertIn("nothing to pay", refused["state_message"])
        self._approve()
        self.overview.sudo().expires_at = fields.Datetime.now() - timedelta(minutes=1)
        refused = self._start_payment(self.overview, DEPOSIT)
        self.assertEqual(refused["state"], "error")
        self.assertEqual(refused["state_message"], self.overview._invalid_link_message())
        self.assertFalse(self.env["payment.transaction"].search([("sale_order_ids", "=", self.order.sale_order_id.id)]))

    def test_a_failed_payment_leaves_the_answer_confirmed_and_payable_later(self):
        self._approve()
        tx = self._pay(self.overview, DEPOSIT, simulated_state="error")
        self.assertEqual(tx.state, "error")
        self.assertEqual(self.overview.state, "confirmed")
        self.order.invalidate_recordset()
        self.assertEqual(self.order.payment_status, "pending")
        self.assertAlmostEqual(self.order.payment_amount_due, DEPOSIT, places=2)
        self.assertIn('data-amount="115.29"', self.url_open(f"/workshop/c/{self.overview._get_token()}").text)
        self.assertEqual(self._pay(self.overview, DEPOSIT).state, "done")

    def test_a_payment_being_processed_is_not_asked_twice(self):
        self._approve()
        self._pay(self.overview, DEPOSIT, simulated_state="pending")
        self.order.invalidate_recordset()
        self.assertEqual(self.order.payment_status, "pending")
        self.assertEqual(self.order.payment_amount_due, 0.0)
        page = self.url_open(f"/workshop/c/{self.overview._get_token()}").text
        self.assertIn("is being processed", page)
        self.assertNotIn('id="o_payment_form"', page)
        refused = self._start_payment(self.overview, DEPOSIT)
        self.assertIn("being processed", refused["state_message"])

    def test_a_replaced_version_carries_its_payment_over(self):
        self._approve()
        self._pay(self.overview, DEPOSIT)
        # Found during the repair: a new version of the overview.
        self._create_item(
            self.order,
            name="Exhaust clamp",
            category="necessary",
            price_unit=50.0,
            tax_ids=[Command.set(self.vat_21.ids)],
        )
        new_version = self._send(self.order)
        self.assertEqual(self.overview.state, "superseded")
        refused = self._start_payment(self.overview, DEPOSIT)
        self.assertIn("newer version", refused["state_message"])
        self._answer(new_version, {"Exhaust clamp": "accepted"})
        quotation = self.order.sale_order_id
        new_total = APPROVED_TOTAL + 60.5
        self.assertAlmostEqual(quotation.amount_total, new_total, places=2, msg="the confirmed order follows")
        self.assertIn(
            "The customer's confirmation changed the confirmed order",
            self.order.message_ids[:5].mapped("body").__str__(),
            "what reception's change dialog would have said, logged",
        )
        self.order.invalidate_recordset()
        deposit = round(new_total * 0.3, 2)
        self.assertAlmostEqual(
            self.order.payment_amount_due, deposit - DEPOSIT, places=2, msg="paid once, carried over"
        )
        tx = self._pay(new_version, round(deposit - DEPOSIT, 2))
        self.assertEqual(tx.state, "done")
        self.order.invalidate_recordset()
        self.assertAlmostEqual(self.order.payment_amount_paid, deposit, places=2)
        self.assertEqual(self.order.payment_status, "deposit")

    def test_paying_everything_shows_paid(self):
        self.shop.repair_payment_policy = "full"
        self._approve()
        self._pay(self.overview, APPROVED_TOTAL)
        self.order.invalidate_recordset()
        self.assertEqual(self.order.payment_status, "paid")

    def test_before_paying_the_customer_may_still_change_their_mind(self):
        self._approve()
        self.assertTrue(self.overview._can_reopen())

    def test_only_the_ways_of_paying_the_page_offers(self):
        self._approve()
        other_company = self.env["payment.provider"].search(
            [("code", "=", "demo"), ("company_id", "!=", self.shop.id)], limit=1
        )
        self.assertTrue(other_company)
        token = self.env["payment.token"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.payment_method.id,
                "partner_id": self.emile.id,  # someone else's saved card
                "payment_details": "4242",
                "provider_ref": "someone else",
            }
        )
        for kwargs in (
            {"provider_id": other_company.id},
            {"payment_method_id": self.env.ref("payment.payment_method_card").id},
            {"flow": "token", "token_id": token.id},
            {"flow": "offline"},
            {"provider_id": "x"},
        ):
            refused = self._start_payment(self.overview, DEPOSIT, **kwargs)
            self.assertEqual(refused["state"], "error", kwargs)
            self.assertIn("not offered here", refused["state_message"])
        self.assertFalse(self.env["payment.transaction"].search([("sale_order_ids", "=", self.order.sale_order_id.id)]))

    def test_the_invoice_address_pays(self):
        self._approve()
        tx = self._pay(self.overview, DEPOSIT)
        self.assertEqual(tx.partner_id, self.order.sale_order_id.partner_invoice_id)

    def test_a_payment_left_at_the_provider_holds_off_a_second_one_for_a_while(self):
        self._approve()
        first = self._start_payment(self.overview, DEPOSIT)  # the customer went to the provider's page
        refused = self._start_payment(self.overview, DEPOSIT)  # ... and pays again from another tab
        self.assertEqual(refused["state"], "error")
        self.assertIn("started a moment ago is not finished", refused["state_message"])
        started = self.env["payment.transaction"].search([("reference", "=", first["reference"])])
        # Left there: payable again after a while.
        self.env.cr.execute(
            "UPDATE payment_transaction SET create_date = create_date - interval '11 minutes' WHERE id = %s",
            [started.id],
        )
        started.invalidate_recordset(["create_date"])
        second = self._start_payment(self.overview, DEPOSIT)
        self.assertNotEqual(second.get("state"), "error", second.get("state_message"))
        # Both end up paid at the provider: reception is told to refund one.
        for values in (first, second):
            self.make_jsonrpc_request(
                "/payment/demo/simulate_payment",
                {"reference": values["reference"], "payment_details": "4242", "simulated_state": "done"},
            )
        self.env["payment.transaction"].search(
            [("reference", "in", (first["reference"], second["reference"]))]
        )._post_process()
        todo = self.order.activity_ids.filtered(lambda activity: activity.summary == "Payment received twice")
        self.assertEqual(len(todo), 1)
        self.assertIn("115.29", todo.note)

    def test_the_return_address_leads_only_the_paying_browser_to_the_page(self):
        self._approve()
        tx = self._pay(self.overview, DEPOSIT)
        self.opener.cookies.clear()  # another browser: no payment of its own
        page = self.url_open(tx.landing_route)
        self.assertIn("Your payment reached the workshop", page.text)
        self.assertNotIn(self.overview._get_token(), page.text + page.url)

    def test_a_quotation_in_another_currency_asks_no_payment(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        pricelist = self.env["product.pricelist"].create(
            {"name": "Dollars", "currency_id": usd.id, "company_id": self.shop.id}
        )
        self.payer.with_company(self.shop).property_product_pricelist = pricelist
        self._approve()
        self.assertEqual(self.order.sale_order_id.currency_id, usd)
        self.assertFalse(self.order.payment_requested)
        self.assertIsNone(self.overview._customer_payment())
        self.assertIn("No payment was asked", self.order.message_ids[0].body)

    def test_with_global_tax_rounding_the_approved_total_is_the_quotations_to_the_cent(self):
        self.shop.tax_calculation_rounding_method = "round_globally"
        order = self._create_order(self.shop, partner_id=self.payer.id, driver_id=self.payer.id)
        for name in ("Bulb left", "Bulb right", "Bulb rear"):
            self._create_item(order, name=name, category="necessary", price_unit=10.01)  # 2.1021 € VAT each
        overview = self._answer(self._send(order), dict.fromkeys(("Bulb left", "Bulb right", "Bulb rear"), "accepted"))
        summary = overview._customer_summary()
        self.assertAlmostEqual(order.sale_order_id.amount_total, 36.34, places=2, msg="6.3063 € VAT rounded once")
        self.assertAlmostEqual(summary["amount_total"], order.sale_order_id.amount_total, places=2)
        self.assertAlmostEqual(order._payment_amounts()["due"], 10.90, places=2)

    def test_a_refunded_deposit_is_due_again(self):
        self._approve()
        tx = self._pay(self.overview, DEPOSIT)
        refund = tx._create_child_transaction(DEPOSIT, is_refund=True)
        refund._set_done()
        self.env.invalidate_all()
        self.assertEqual(self.order.payment_status, "pending")
        self.assertAlmostEqual(self.order.payment_amount_due, DEPOSIT, places=2)

    def test_odoos_status_page_speaks_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.payer.lang = "fr_FR"
        self.overview.sudo().lang = "fr_FR"  # sent in French
        self.shop._workshop_demo_enable_payments()  # the demo provider's messages in every language
        self._approve()
        values = self._start_payment(self.overview, DEPOSIT)
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {"reference": values["reference"], "payment_details": "4242", "simulated_state": "done"},
        )
        page = self.url_open("/payment/status").text
        self.assertIn("Votre paiement a été traité", page)
        self.assertIn("Montant", page)
