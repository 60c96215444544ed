import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import polib

from odoo.tests import HttpCase, tagged

from .common import WorkshopCommon

I18N = Path(__file__).resolve().parent.parent / "i18n"
# Placeholders and template expressions inside a message: what is left between them is the text.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|<[^>]+>")
# Attributes whose text a person reads or hears (screen readers) as much as the page's text.
READ_ATTRIBUTES = {"placeholder", "aria-label", "title", "alt", "value"}


class _PageText(HTMLParser):
    """The text of a page as a person reads or hears it: its text and its readable attributes, no script or style."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            # An input's value is the customer's own data; a button's is a label.
            if name in READ_ATTRIBUTES and value and not (tag in ("input", "option") and name == "value"):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())

    @classmethod
    def of(cls, html):
        parser = cls()
        parser.feed(html)
        return " | ".join(parser.parts)


def _english_fragments(lang):
    """{English fragment: msgid} of the module's own strings that `lang` translates differently, or not at all.

    Read from the module's .pot (every string it shows, templates, code and selection
    values alike) and the language's .po: a fragment is the text between placeholders,
    long enough to mean something on its own.
    """
    translations = {entry.msgid: entry.msgstr for entry in polib.pofile(str(I18N / f"{lang}.po"))}
    fragments = {}
    for entry in polib.pofile(str(I18N / "repair_customer_communication.pot")):
        # An untranslated string counts: it would show in English.
        translated = translations.get(entry.msgid) or ""
        if translated == entry.msgid:
            continue  # the same word in both languages ("SMS", "Total")
        for piece in PLACEHOLDER.split(entry.msgid):
            fragment = " ".join(piece.split()).strip(" .,:;()-\u2013\u2014")
            if len(fragment) >= 4 and fragment not in translated:
                fragments[fragment] = entry.msgid
    return fragments


@tagged("post_install", "-at_install")
class TestCustomerPageLanguage(HttpCase, WorkshopCommon):
    """Every customer page in French and in Dutch holds none of the module's own English strings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in ("fr_FR", "nl_BE"):
            cls.env["res.lang"]._activate_lang(lang)
        # Odoo's own strings of the page (its layout's skip link) come with Odoo's modules.
        cls.env["ir.module.module"].search(
            [("name", "in", ("base", "web", "portal", "repair_customer_communication"))]
        )._update_translations(["fr_FR", "nl_BE"], overwrite=True)
        cls.company_a.repair_require_signature = False
        # Item texts are the shop's own words, in neutral codes here: only the page's own strings are checked.
        cls.lang_order = cls._create_customer_order(
            [("Item-101", "scheduled", 100.0), ("Item-102", "necessary", 200.0), ("Item-103", "recommended", 30.0)],
            schedule_date=datetime.now() + timedelta(days=2),
            vehicle_id=cls.env["fleet.vehicle"]
            .create(
                {
                    "model_id": cls.env["fleet.vehicle.model"]
                    .create(
                        {"name": "M-5", "brand_id": cls.env["fleet.vehicle.model.brand"].create({"name": "B-5"}).id}
                    )
                    .id,
                    "license_plate": "1-XYZ-555",
                    "driver_id": cls.emile.id,
                }
            )
            .id,
        )
        cls.lang_order.work_item_ids.filtered(lambda item: item.name == "Item-103").write({"customer_note": "Z-9"})
        cls.env["repair.checkin.service"].create(
            {"name": "Service-7", "price_unit": 20.0, "company_id": cls.company_a.id}
        )
        cls.first = cls._send_overview(cls.lang_order)
        cls.lang_order.work_item_ids.filtered(lambda item: item.name == "Item-102").price_unit = 210.0
        cls.overview = cls._send_overview(cls.lang_order)  # the first link now leads to this version
        cls.checkin = cls.lang_order._prepare_customer_communication(
            {"role": "driver", "partner": cls.emile, "channel": "email", "address": cls.emile.email}, kind="checkin"
        )
        cls.checkin._send()
        cls.report = cls.lang_order._prepare_customer_communication(
            {"role": "driver", "partner": cls.emile, "channel": "email", "address": cls.emile.email}, kind="report"
        )
        cls.report._send()

    def _pages(self):
        return {
            "overview": self.overview._get_token(),
            "replaced version": self.first._get_token(),
            "check-in": self.checkin._get_token(),
            "repair report": self.report._get_token(),
            "invalid link": "0" * 64,
        }

    def _assert_no_english(self, lang, query_lang):
        fragments = _english_fragments(lang)
        self.assertGreater(len(fragments), 100, "the module's strings were read")
        for page, token in self._pages().items():
            with self.subTest(page=page, lang=query_lang):
                response = self.url_open(f"/workshop/c/{token}?lang={query_lang}")
                self.assertEqual(response.status_code, 200)
                text = _PageText.of(response.text)
                left = sorted(
                    f"{fragment!r} (from {msgid!r})"
                    for fragment, msgid in fragments.items()
                    if re.search(rf"(?<![\w-]){re.escape(fragment)}(?![\w-])", text)
                )
                self.assertFalse(left, f"English left on the {page} page in {query_lang}: {left}")

    def test_french_pages_hold_no_english(self):
        self._assert_no_english("fr", "fr_FR")
        # Categories, the customer's answers and decline reasons are there, in French.
        text = _PageText.of(self.url_open(f"/workshop/c/{self.overview._get_token()}?lang=fr_FR").text)
        for french in ("Nécessaire", "Oui, faites-le", "Trop cher"):
            self.assertIn(french, text)

    def test_dutch_pages_hold_no_english(self):
        self._assert_no_english("nl", "nl_BE")

    def test_the_switch_takes_a_bare_language(self):
        token = self.overview._get_token()
        page = self.url_open(f"/workshop/c/{token}?lang=nl")
        self.assertIn('lang="nl-BE"', page.text)
        self._assert_no_english("nl", "nl")

    def test_answers_of_the_routes_follow_the_page_language(self):
        line = self.overview.line_ids.filtered(lambda line: line.name == "Item-102")
        answer = self.make_jsonrpc_request(
            f"/workshop/c/{self.overview._get_token()}/decide?lang=fr_FR", {"line_id": line.id, "decision": "bogus"}
        )
        self.assertFalse(answer["ok"])
        french = self.env["repair.customer.communication"].with_context(lang="fr_FR")
        self.assertEqual(answer["error"], french.env._("This choice is not available for this item."))
        self.assertNotEqual(answer["error"], "This choice is not available for this item.")
        bad_link = self.make_jsonrpc_request("/workshop/c/" + "0" * 64 + "/confirm?lang=nl", {})
        self.assertEqual(bad_link["error"], french.with_context(lang="nl_BE")._invalid_link_message())
        self.assertNotIn("This link is not valid", bad_link["error"])
