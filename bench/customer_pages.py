"""Lighthouse on every customer page, beside Odoo's own quotation portal page, in one run.

Prints, for the overview, the page of a replaced version, an answered overview with a
deposit to pay (before the customer taps "Pay", which loads Odoo's payment form), the
check-in page, the repair report page and the invalid-link page, and for Odoo's quotation page
(/my/orders/<id>?access_token=...) of the same database: Lighthouse's mobile
preset scores (performance, accessibility, best practices), first contentful
paint, time to interactive and the bytes of the first view.

The targets of the customer pages (issue 11): performance >= 90, accessibility 100,
best practices 100, first contentful paint < 1.8 s, at most 150 KB.

Needs npm's `lighthouse` and Debian's `chromium` (CHROME_PATH); run by `make bench`
(ODOO_CONF and ODOO_DB name a throwaway database with the module installed). The data
is committed in that database; an Odoo server with two workers serves the pages.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from datetime import datetime, timedelta

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import config

CONF = os.environ["ODOO_CONF"]
DB = os.environ["ODOO_DB"]
CHROME = os.environ.get("CHROME_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
CATEGORIES = ("performance", "accessibility", "best-practices")
ITEMS = [
    ("Annual service: engine oil and filter", "scheduled", 169.0, "Oil and filter as the maker's service plan asks."),
    ("Cabin filter", "scheduled", 42.5, "Keeps dust and pollen out of the car."),
    ("Front brake pads", "necessary", 196.0, "Worn down to 3 mm: the squeak you noticed is the wear indicator."),
    ("Two rear tyres 205/55 R16", "necessary", 249.0, "Almost at the legal limit: they will not last the winter."),
    ("Wiper blades", "recommended", 39.9, "They leave streaks; new blades give a clear view in the rain."),
    ("Brake fluid", "recommended", 69.0, "Brake fluid absorbs moisture over time."),
    ("Air-conditioning service", "recommended", 129.0, "Cooling is weaker than it should be."),
    ("Lights and horn", "ok", 0.0, ""),
    ("Suspension", "ok", 0.0, ""),
]


def prepare(env):
    """One work order with a sent overview, its replaced version, a check-in, a report; and a quotation."""
    partner = env["res.partner"].create({"name": "Claire Bench", "email": "claire.bench@example.com"})
    company = env.company
    env["repair.checkin.service"].create(
        [
            {"name": "Car wash", "description": "Outside and inside.", "price_unit": 20.0, "company_id": company.id},
            {"name": "Courtesy car", "price_unit": 0.0, "convert_to_work_item": False, "company_id": company.id},
        ]
    )
    order = env["repair.order"].create(
        {
            "partner_id": partner.id,
            "driver_id": partner.id,
            "schedule_date": datetime.now() + timedelta(days=2),
            "work_item_ids": [
                Command.create({"name": name, "category": category, "price_unit": price, "customer_note": note})
                for name, category, price, note in ITEMS
            ],
        }
    )
    point = {"role": "driver", "partner": partner, "channel": "email", "address": partner.email}

    def sent(kind="overview"):
        communication = order._prepare_customer_communication(point, kind=kind)
        communication._send()
        return communication

    replaced = sent()
    overview = sent()
    urls = {
        "overview": overview,
        "replaced version": replaced,
        "check-in": sent("checkin"),
        "repair report": sent("report"),
    }
    # Answered where the location asks a 30 % deposit: the page then offers to pay it.
    company.write({"repair_payment_policy": "deposit_percent", "repair_deposit_percent": 30.0})
    deposit = order.copy({"work_item_ids": [Command.create(vals) for vals in order.work_item_ids.copy_data()]})
    deposit_overview = deposit._prepare_customer_communication(point)
    deposit_overview._send()
    for line in deposit_overview.line_ids:
        if line._needs_decision():
            deposit_overview._customer_decide(line.id, "accepted")
    deposit_overview._customer_confirm()
    urls["deposit to pay"] = deposit_overview
    urls = {name: f"/workshop/c/{communication._get_token()}" for name, communication in urls.items()}
    urls["invalid link"] = "/workshop/c/" + "0" * 64
    product = env["product.product"].create({"name": "Bench part", "list_price": 25.0})
    quotation = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "order_line": [
                Command.create({"product_id": product.id, "name": name, "product_uom_qty": 1, "price_unit": price})
                for name, _category, price, _note in ITEMS
            ],
        }
    )
    quotation._portal_ensure_token()
    urls["Odoo's quotation page"] = f"/my/orders/{quotation.id}?access_token={quotation.access_token}"
    return urls


def warm(base, path):
    """Load a page and the asset bundles it names, as a first visitor would (Odoo builds bundles on demand)."""
    with urllib.request.urlopen(base + path, timeout=120) as response:
        html = response.read().decode("utf-8", "replace")
    for asset in set(re.findall(r'(?:href|src)="(/web/assets/[^"]+)"', html)):
        with urllib.request.urlopen(base + asset, timeout=120) as response:
            response.read()


def lighthouse(url, folder):
    """Lighthouse's mobile preset on `url`: its JSON report."""
    report = os.path.join(folder, "report.json")
    subprocess.run(
        [
            "lighthouse",
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        check=True,
        env=dict(os.environ, CHROME_PATH=CHROME),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=300,
    )
    with open(report, encoding="utf-8") as handle:
        return json.load(handle)


def figures(report):
    audits = report["audits"]
    scores = [round((report["categories"][name]["score"] or 0) * 100) for name in CATEGORIES]
    return (
        *scores,
        audits["first-contentful-paint"]["numericValue"] / 1000,
        audits["interactive"]["numericValue"] / 1000,
        audits["total-byte-weight"]["numericValue"] / 1024,
    )


def main():
    if not shutil.which("lighthouse") or not CHROME:
        sys.exit(
            "customer_pages: needs npm's lighthouse (npm install -g lighthouse) "
            "and chromium (apt-get install chromium)."
        )
    config.parse_config(["-c", CONF, "-d", DB, "--log-level=warn"])
    with Registry(DB).cursor() as cr:  # committed on exit, for the server process to see
        urls = prepare(api.Environment(cr, SUPERUSER_ID, {}))
    from odoo.addons.repair_customer_communication.tests.odoo_server import odoo_server  # after the registry

    rows = []
    with tempfile.TemporaryDirectory() as folder, odoo_server(CONF, DB, workers=2) as base:
        for path in urls.values():  # warm the workers' caches and build the pages' asset bundles
            warm(base, path)
        for name, path in urls.items():
            rows.append((name, figures(lighthouse(base + path, folder))))
    print("Lighthouse, mobile preset (slow 4G, mid-range phone); one run each on this machine")
    print(f"{'page':<24}{'perf':>6}{'a11y':>6}{'b.p.':>6}{'FCP s':>8}{'TTI s':>8}{'KB':>8}")
    for name, (perf, a11y, best, fcp, tti, kb) in rows:
        print(f"{name:<24}{perf:>6}{a11y:>6}{best:>6}{fcp:>8.1f}{tti:>8.1f}{kb:>8.0f}")
    print("targets of the customer pages: perf >= 90, a11y 100, best practices 100, FCP < 1.8 s, <= 150 KB")


if __name__ == "__main__":
    main()
