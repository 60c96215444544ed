from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestCustomerPageQueries(HttpCase, WorkshopCommon):
    """The customer's page and the confirmation cost the same SQL for 5 or 100 items."""

    def _order_with_items(self, count):
        categories = ["scheduled", "necessary", "recommended", "ok"]
        return self._create_order(
            self.company_a,
            partner_id=self.emile.id,
            driver_id=self.emile.id,
            work_item_ids=[
                Command.create(
                    {
                        "name": f"Item {index}",
                        "category": categories[index % 4],
                        "price_unit": 10.0 + index,
                        "customer_note": f"Note {index}",
                    }
                )
                for index in range(count)
            ],
        )

    def _with_photos(self, order):
        """Every item gets a photo: the page shows them without a query per item."""
        png = (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
            b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
            b"\x00\x00IEND\xaeB`\x82"
        )
        for item in order.work_item_ids:
            item.attachment_ids = self.env["ir.attachment"].create(
                {"name": f"{item.name}.png", "raw": png, "res_model": item._name, "res_id": item.id}
            )
        return order

    def _queries(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        func()
        return self.cr.sql_log_count - before

    def _page_queries(self, communication):
        url = f"/workshop/c/{communication._get_token()}"
        self.url_open(url)  # first open: state change, warm caches

        def open_page():
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200)

        return self._queries(open_page)

    def _confirm_queries(self, communication):
        token = communication._get_token()
        for line in communication.line_ids.filtered(lambda line: line._needs_decision()):
            self.make_jsonrpc_request(f"/workshop/c/{token}/decide", {"line_id": line.id, "decision": "accepted"})

        def confirm():
            result = self.make_jsonrpc_request(f"/workshop/c/{token}/confirm", {})
            self.assertTrue(result["ok"], result)

        return self._queries(confirm)

    def test_page_queries_do_not_grow_with_items(self):
        small = self._send_overview(self._with_photos(self._order_with_items(5)))
        large = self._send_overview(self._with_photos(self._order_with_items(100)))
        self._page_queries(small)  # warm the templates and assets
        small_count = self._page_queries(small)
        large_count = self._page_queries(large)
        self.assertGreater(small_count, 0)
        self.assertEqual(small_count, large_count)

    def test_confirm_queries_do_not_grow_with_items(self):
        self._confirm_queries(self._send_overview(self._order_with_items(5)))  # warm the caches
        small = self._send_overview(self._order_with_items(5))
        large = self._send_overview(self._order_with_items(100))
        small_count = self._confirm_queries(small)
        large_count = self._confirm_queries(large)
        self.assertGreater(small_count, 0)
        self.assertEqual(small_count, large_count)
        self.assertEqual(large.state, "confirmed")
