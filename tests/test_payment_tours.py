from odoo.tests import tagged

from .payment_common import PaymentCommon


@tagged("post_install", "-at_install")
class TestPaymentTours(PaymentCommon):
    """Paying when approving, in a real browser on a phone."""

    def test_the_customer_approves_two_items_and_pays_the_deposit_on_a_phone(self):
        order = self._order_with_findings()
        overview = self._send(order)
        self.browser_size = "375x667"
        self.touch_enabled = True
        self.start_tour(f"/workshop/c/{overview._get_token()}", "repair_customer_communication_customer_pays_deposit")
        self.assertEqual(overview.state, "confirmed")
        transactions = self.env["payment.transaction"].search([("repair_communication_id", "=", overview.id)])
        self.assertEqual(len(transactions), 1)
        self.assertEqual((transactions.state, transactions.amount), ("done", 115.29))
        self.assertEqual(transactions.sale_order_ids, order.sale_order_id)
        self.assertEqual(order.sale_order_id.state, "sale")
        order.invalidate_recordset()
        self.assertEqual(order.payment_status, "deposit")
        self.assertEqual(
            {item.name: item.authorization for item in order.work_item_ids},
            {
                "Annual service": "pending",
                "Front brake pads": "approved",
                "Wiper blades": "approved",
                "Rust treatment": "refused",
            },
        )
