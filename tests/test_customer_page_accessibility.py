import re

from odoo.tests import HttpCase, TransactionCase, tagged

from ..tools.brand_color import contrast_ratio, parse_hex, readable_on_white_text
from .common import WorkshopCommon


@tagged("post_install", "-at_install")
class TestBrandColour(TransactionCase):
    """White text on the shop's colour reaches WCAG AA whatever colour the shop chose."""

    def test_a_light_colour_gets_a_darker_shade_of_its_hue(self):
        for light in ("#ffd700", "#7fdbff", "#ff851b", "#f0f0f0", "#fff"):
            with self.subTest(colour=light):
                shade = readable_on_white_text(light)
                self.assertGreaterEqual(contrast_ratio(parse_hex(shade), (255, 255, 255)), 4.5)
                original, darker = parse_hex(light), parse_hex(shade)
                self.assertTrue(all(d <= o for d, o in zip(darker, original, strict=True)), "darker, never lighter")
                # The hue stays: the channels keep their order.
                self.assertEqual(sorted(range(3), key=lambda i: original[i]), sorted(range(3), key=lambda i: darker[i]))

    def test_a_colour_dark_enough_is_kept_and_no_colour_is_the_default(self):
        self.assertEqual(readable_on_white_text("#00787f"), "#00787f")
        self.assertEqual(readable_on_white_text("#1A2B3C"), "#1a2b3c")
        self.assertEqual(readable_on_white_text(False), "#00787f")
        self.assertEqual(readable_on_white_text("not a colour"), "#00787f")


@tagged("post_install", "-at_install")
class TestCustomerPageAccessibility(HttpCase, WorkshopCommon):
    """What the page's markup owes to people using a keyboard, a screen reader or a small screen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a11y_order = cls._create_customer_order(
            [("Brake pads", "necessary", 200.0), ("Wipers", "recommended", 30.0)]
        )
        cls.overview = cls._send_overview(cls.a11y_order)

    def _page(self):
        return self.url_open(f"/workshop/c/{self.overview._get_token()}").text

    def test_the_shops_light_colour_is_darkened_for_white_text(self):
        self.company_a.primary_color = "#ffd700"
        page = self._page()
        brand = re.search(r"--workshop-brand: (#[0-9a-f]{6})", page).group(1)
        self.assertNotEqual(brand, "#ffd700")
        self.assertGreaterEqual(contrast_ratio(parse_hex(brand), (255, 255, 255)), 4.5)

    def test_the_skip_link_has_its_target(self):
        page = self._page()
        self.assertIn('href="#wrap"', page)
        self.assertRegex(page, r'<main id="wrap"[^>]*tabindex="-1"')

    def test_each_items_answers_are_a_labelled_radio_group_with_icon_and_word(self):
        page = self._page()
        line = self.overview.line_ids.filtered(lambda line: line.name == "Brake pads")
        group = re.search(
            r'<fieldset class="o_workshop_decisions[^"]*">(.*?)</fieldset>',
            page[page.index(f'data-line-id="{line.id}"') :],
            re.S,
        ).group(1)
        self.assertRegex(group, r'<legend class="visually-hidden">Your answer on: Brake pads</legend>')
        radios = re.findall(rf'<input type="radio"[^>]*name="decision_{line.id}"[^>]*id="([^"]+)"', group)
        self.assertGreaterEqual(len(radios), 2)
        for radio in radios:
            label = re.search(rf'<label[^>]*for="{radio}"[^>]*>(.*?)</label>', group, re.S).group(1)
            self.assertRegex(label, r'<i aria-hidden="true" class="fa fa-[a-z-]+ me-1"')
            self.assertTrue(re.sub(r"<[^>]+>", "", label).strip(), "each answer has its word")

    def test_the_page_declares_its_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        page = self.url_open(f"/workshop/c/{self.overview._get_token()}?lang=fr_FR").text
        self.assertRegex(page, r'<html[^>]* lang="fr-FR"')
