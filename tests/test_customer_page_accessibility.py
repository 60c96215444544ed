import os
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

from odoo.tests import HttpCase, TransactionCase, tagged

from ..tools.brand_color import contrast_ratio, parse_hex, readable_on_white_text
from .common import WorkshopCommon


def _axe_core_path():
    """axe-core's browser build from npm (AXE_CORE_JS, a global install, or the one Lighthouse brings)."""
    candidates = [os.environ.get("AXE_CORE_JS")]
    if shutil.which("npm"):
        root = subprocess.run(["npm", "root", "-g"], capture_output=True, text=True, check=False).stdout.strip()
        candidates += [f"{root}/axe-core/axe.min.js", f"{root}/lighthouse/node_modules/axe-core/axe.min.js"]
    return next((Path(path) for path in candidates if path and Path(path).is_file()), None)


# axe-core run in the page: every WCAG 2.0-2.2 A and AA rule; a violation fails the test with its rule and elements.
AXE_RUN = """
;(async () => {
    const result = await axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
    const violations = result.violations.map(
        (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`
    );
    if (violations.length) {
        console.error(`axe-core found ${violations.length} violation(s): ${violations.join(" | ")}`);
    } else {
        console.log("test successful");
    }
})();
"""


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
        self.assertEqual(page.count('id="wrap"'), 1)
        self.assertEqual(page.count("<main"), 1, "one main landmark")

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
            icon = r'<svg class="o_workshop_icon me-1" aria-hidden="true"><use href="#workshop-icon-[a-z]+">'
            self.assertRegex(label, icon)
            self.assertTrue(re.sub(r"<[^>]+>", "", label).strip(), "each answer has its word")

    def test_the_shops_number_is_one_tap_away_and_readable(self):
        self.company_a.phone = "023541870"  # typed the Belgian way
        page = self._page()
        self.assertRegex(page, r'<a class="small o_workshop_phone" href="tel:\+32-2-354-18-70">\+32 2 354 18 70</a>')

    def test_the_page_declares_its_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        page = self.url_open(f"/workshop/c/{self.overview._get_token()}?lang=fr_FR").text
        self.assertRegex(page, r'<html[^>]* lang="fr-FR"')


@tagged("post_install", "-at_install")
class TestCustomerPagesWithAxe(HttpCase, WorkshopCommon):
    """axe-core (npm) finds no WCAG 2.2 A/AA violation on the overview and the check-in page, on a phone."""

    browser_size = "375x667"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.axe_path = _axe_core_path()
        cls.axe_order = cls._create_customer_order(
            [
                ("Oil service", "scheduled", 100.0),
                ("Brake pads", "necessary", 200.0),
                ("Wipers", "recommended", 30.0),
                ("Lights", "ok", 0.0),
            ],
            schedule_date=datetime.now() + timedelta(days=2),
        )
        cls.axe_order.work_item_ids.filtered(lambda item: item.name == "Brake pads").customer_note = "Worn to 3 mm."
        cls.env["repair.checkin.service"].create(
            {
                "name": "Car wash",
                "description": "Outside and inside.",
                "price_unit": 20.0,
                "company_id": cls.company_a.id,
            }
        )
        cls.overview = cls._send_overview(cls.axe_order, note="Your car is on the lift.")
        cls.checkin = cls.axe_order._prepare_customer_communication(
            {"role": "driver", "partner": cls.emile, "channel": "email", "address": cls.emile.email}, kind="checkin"
        )
        cls.checkin._send()

    def _check_with_axe(self, token):
        if not self.axe_path:
            self.skipTest("axe-core is not installed (npm install -g axe-core)")
        code = self.axe_path.read_text(encoding="utf-8") + AXE_RUN
        try:
            self.browser_js(f"/workshop/c/{token}", code, ready="document.readyState === 'complete'", timeout=90)
        except AssertionError as error:
            # Odoo's message quotes the whole code (axe-core included): keep what axe-core said.
            said = str(error)
            raise AssertionError(said[said.rfind("axe-core found") :][:3000]) from None

    def test_the_overview_has_no_violation(self):
        self._check_with_axe(self.overview._get_token())

    def test_the_check_in_page_has_no_violation(self):
        self._check_with_axe(self.checkin._get_token())

    def test_zoom_to_200_percent_needs_no_horizontal_scrolling(self):
        """A 640 px phone screen at 200 % zoom is 320 CSS px wide (WCAG 1.4.10 reflow): nothing overflows."""
        self.browser_size = "320x640"
        for token in (self.overview._get_token(), self.checkin._get_token()):
            with self.subTest(token=token[:6]):
                self.browser_js(
                    f"/workshop/c/{token}",
                    """
                    const page = document.documentElement;
                    if (window.innerWidth !== 320) {
                        console.error(`The window is ${window.innerWidth} px wide, not 320`);
                    }
                    const wide = [...document.querySelectorAll("main *")].filter(
                        (element) => element.getBoundingClientRect().right > page.clientWidth + 1
                    );
                    if (page.scrollWidth > page.clientWidth + 1 || wide.length) {
                        console.error(`Scrolls sideways at 320 px: ${page.scrollWidth} px wide; `
                            + wide.slice(0, 5).map((element) => element.outerHTML.slice(0, 80)).join(" | "));
                    } else {
                        console.log("test successful");
                    }
                    """,
                    ready="document.readyState === 'complete'",
                )

    def test_the_header_with_its_language_links_has_no_violation(self):
        """With French and Dutch active the header shows the language links: checked too, wide and narrow."""
        for lang in ("fr_FR", "nl_BE"):
            self.env["res.lang"]._activate_lang(lang)
        self.browser_size = "1280x800"
        self._check_with_axe(self.overview._get_token())
