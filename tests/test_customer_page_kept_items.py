import re
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from .common import WorkshopCommon

ITEMS_TEMPLATE = "repair_customer_communication.customer_overview_items"


@tagged("post_install", "-at_install")
class TestCustomerPageKeptItems(HttpCase, WorkshopCommon):
    """The overview's items and summary are rendered once per state of the overview and kept: a page
    loaded again renders no item, and anything an item shows, once changed, shows at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.kept_order = cls._create_customer_order(
            [("Brake pads", "necessary", 200.0), ("Wipers", "recommended", 30.0), ("Lights", "ok", 0.0)]
        )
        cls.overview = cls._send_overview(cls.kept_order)
        cls.token = cls.overview._get_token()
        cls.pads = cls.overview.line_ids.filtered(lambda line: line.name == "Brake pads")

    def setUp(self):
        super().setUp()
        self.env.registry.clear_cache("templates")  # nothing kept from another test

    def _open(self, path=None):
        """(page HTML, whether its items were rendered for it)."""
        rendered = []
        QWeb = type(self.env["ir.qweb"])
        original = QWeb._render

        def render(qweb, template, values=None, **options):
            if template == ITEMS_TEMPLATE:
                rendered.append(template)
            return original(qweb, template, values, **options)

        with patch.object(QWeb, "_render", render):
            response = self.url_open(path or f"/workshop/c/{self.token}")
        self.assertEqual(response.status_code, 200)
        return response.text, bool(rendered)

    def _item(self, page, line):
        start = page.index(f'data-line-id="{line.id}"')
        return page[start : page.index("</article>", start)]

    def test_a_page_loaded_again_renders_no_item(self):
        first, rendered = self._open()
        self.assertTrue(rendered)
        again, rendered = self._open()
        self.assertFalse(rendered)
        self.assertEqual(self._item(first, self.pads), self._item(again, self.pads))
        self.assertIn("o_workshop_summary_scheduled", again)

    def test_an_answer_shows_at_once_in_its_item_and_the_summary(self):
        self._open()
        result = self.make_jsonrpc_request(
            f"/workshop/c/{self.token}/decide", {"line_id": self.pads.id, "decision": "declined", "reason": "price"}
        )
        self.assertTrue(result["ok"])
        page, rendered = self._open()
        self.assertTrue(rendered)
        item = self._item(page, self.pads)
        self.assertRegex(item, r'value="declined"[^>]*checked')
        self.assertRegex(item, r'<option value="price" selected')
        # Two answers in one transaction (as in this test) still show: each writes a new row version.
        self.make_jsonrpc_request(f"/workshop/c/{self.token}/decide", {"line_id": self.pads.id, "decision": "accepted"})
        page, rendered = self._open()
        self.assertTrue(rendered)
        self.assertRegex(self._item(page, self.pads), r'value="accepted"[^>]*checked')
        chosen = re.search(r'o_workshop_summary_chosen">(.*?)</ul>', page, re.S).group(1)
        self.assertIn("Brake pads", chosen)

    def test_a_new_photo_a_changed_price_or_text_shows_at_once(self):
        """Photos are linked to the work item, not to the overview: they still show at once."""
        self._open()
        work_item = self.pads.work_item_id
        work_item.attachment_ids = self.env["ir.attachment"].create(
            {"name": "pads.mp4", "raw": b"a video", "res_model": work_item._name, "res_id": work_item.id}
        )
        self.pads.sudo().write({"customer_note": "Worn to 2 mm.", "price_total": 250.0})
        page, rendered = self._open()
        self.assertTrue(rendered)
        item = self._item(page, self.pads)
        self.assertIn("pads.mp4", item)
        self.assertIn("Worn to 2 mm.", item)
        self.assertIn("250.00", item)

    def test_each_language_and_each_reader_has_its_own_rendering(self):
        english, __ = self._open()
        french, rendered = self._open(f"/workshop/c/{self.token}?lang=fr_FR")
        self.assertTrue(rendered, "French is rendered in French")
        self.assertIn("Yes, do it", self._item(english, self.pads))
        self.assertNotIn("Yes, do it", self._item(french, self.pads))
        # Staff following the link read the page read-only: the kept customer rendering is not theirs.
        self.authenticate("rcc_mechanic", "rcc_mechanic")
        staff, rendered = self._open()
        self.assertTrue(rendered)
        self.assertTrue(all("disabled" in tag for tag in re.findall(r"<input[^>]*o_workshop_decision[^>]*>", staff)))
        self.assertFalse(re.findall(r"<input[^>]*o_workshop_decision[^>]*disabled", english))

    def test_what_the_customer_typed_is_shown_as_typed(self):
        """The kept HTML loses the templates' indentation, never the customer's own spacing."""
        question = "Which brand?\n    And how long do they last?"
        self.make_jsonrpc_request(
            f"/workshop/c/{self.token}/decide", {"line_id": self.pads.id, "decision": "contact", "question": question}
        )
        page, __ = self._open()
        self.assertIn(question, self._item(page, self.pads))
        self.assertNotRegex(self._item(page, self.pads), r">\n {8,}<", "no template indentation left")
