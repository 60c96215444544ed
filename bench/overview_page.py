"""Benchmark of the customer's overview page, beside Odoo's own quotation portal page.

Prints, in one run on one machine:
- SQL queries and median server time of the customer page for 10, 100 and 300 items,
  loaded again (each item's HTML is kept once rendered, see
  repair.customer.communication.line._customer_page_html; target: 300 items in at
  most 1.3x the time of 10), and on a first view (nothing kept yet: every item rendered);
- requests per second of the customer page with 50 items under concurrent load,
  beside Odoo's quotation page (/my/orders/<id>?access_token=...) for a
  quotation with 50 lines, and their ratio (target >= 1.5), with the SQL
  queries of each page.

Run by `make bench` (ODOO_CONF and ODOO_DB name a throwaway database with the
module installed). The data is committed in that database; an Odoo server with
two workers serves the pages, as in production.
"""

import os
import re
import statistics
import tempfile
import threading
import time
import urllib.request

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import config

CONF = os.environ["ODOO_CONF"]
DB = os.environ["ODOO_DB"]
SIZES = (10, 100, 300)
FIRST_VIEWS = 5  # pages of each size opened once, for the first-view figures
LOAD_ITEMS = 50
SEQUENTIAL_REQUESTS = 15
LOAD_SECONDS = 10
LOAD_THREADS = 8
LOG_LINE = re.compile(r'"GET (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+) ([\d.]+) ([\d.]+)')


def overview_url(env, partner, size):
    """The link of an overview sent for a new work order of `size` items."""
    categories = ["scheduled", "necessary", "recommended", "ok"]
    order = env["repair.order"].create(
        {
            "partner_id": partner.id,
            "driver_id": partner.id,
            "work_item_ids": [
                Command.create(
                    {
                        "name": f"Item {index}",
                        "category": categories[index % 4],
                        "price_unit": 20.0 + index,
                        "customer_note": f"What we found on item {index}.",
                    }
                )
                for index in range(size)
            ],
        }
    )
    point = {"role": "driver", "partner": partner, "channel": "email", "address": partner.email}
    communication = order._prepare_customer_communication(point)
    communication._send()
    return f"/workshop/c/{communication._get_token()}"


def prepare(env):
    """Work orders with N items (overview sent) and a quotation with 50 lines."""
    partner = env["res.partner"].create({"name": "Bench Customer", "email": "bench@example.com"})
    urls = {size: overview_url(env, partner, size) for size in (*SIZES, LOAD_ITEMS)}
    urls["first views"] = {size: [overview_url(env, partner, size) for _ in range(FIRST_VIEWS)] for size in SIZES}
    product = env["product.product"].create({"name": "Bench part", "list_price": 25.0})
    quotation = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "order_line": [
                Command.create({"product_id": product.id, "name": f"Line {index}", "product_uom_qty": 1})
                for index in range(LOAD_ITEMS)
            ],
        }
    )
    quotation._portal_ensure_token()
    urls["quotation"] = f"/my/orders/{quotation.id}?access_token={quotation.access_token}"
    return urls


def fetch(base, path):
    with urllib.request.urlopen(base + path, timeout=60) as response:
        response.read()
        return response.status


def server_figures(logfile, path):
    """(query counts, server seconds) of the logged requests for that path."""
    queries, seconds = [], []
    with open(logfile, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = LOG_LINE.search(line)
            if match and match.group(1) == path and match.group(2) == "200":
                queries.append(int(match.group(3)))
                seconds.append(float(match.group(4)) + float(match.group(5)))
    return queries, seconds


def throughput(base, path):
    stop = time.monotonic() + LOAD_SECONDS
    counts = [0] * LOAD_THREADS

    def worker(index):
        while time.monotonic() < stop:
            if fetch(base, path) == 200:
                counts[index] += 1

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(LOAD_THREADS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def main():
    config.parse_config(["-c", CONF, "-d", DB, "--log-level=warn"])
    with Registry(DB).cursor() as cr:  # committed on exit, for the server process to see
        urls = prepare(api.Environment(cr, SUPERUSER_ID, {}))
    from odoo.addons.repair_customer_communication.tests.odoo_server import odoo_server  # after the registry

    with tempfile.TemporaryDirectory() as folder:
        logfile = os.path.join(folder, "odoo.log")
        server = odoo_server(CONF, DB, workers=2, extra_args=("--log-handler=werkzeug:INFO", f"--logfile={logfile}"))
        with server as base:
            for key in (*SIZES, LOAD_ITEMS, "quotation"):  # warm both workers' caches
                for _ in range(4):
                    fetch(base, urls[key])
            for size in SIZES:  # first views: pages opened once, each of their items rendered
                for path in urls["first views"][size]:
                    fetch(base, path)
            time.sleep(0.5)
            first_view_ms = {}
            for size in SIZES:
                seconds = [server_figures(logfile, path)[1][0] for path in urls["first views"][size]]
                first_view_ms[size] = statistics.median(seconds) * 1000
            print(
                f"{'customer page':<28}{'SQL queries':>12}{'median server ms':>18}{'median client ms':>18}"
                f"{'first view ms':>16}"
            )
            medians = {}
            client = {size: [] for size in SIZES}
            for _ in range(SEQUENTIAL_REQUESTS):  # sizes taken in turn: a noisy moment weighs on each alike
                for size in SIZES:
                    started = time.perf_counter()
                    fetch(base, urls[size])
                    client[size].append((time.perf_counter() - started) * 1000)
            time.sleep(0.5)
            for size in SIZES:
                queries, seconds = server_figures(logfile, urls[size])
                recent = queries[-SEQUENTIAL_REQUESTS:]
                medians[size] = statistics.median(seconds[-SEQUENTIAL_REQUESTS:])
                print(
                    f"{f'{size} items':<28}{statistics.median(recent):>12.0f}"
                    f"{statistics.median(seconds[-SEQUENTIAL_REQUESTS:]) * 1000:>18.1f}"
                    f"{statistics.median(client[size]):>18.1f}{first_view_ms[size]:>16.1f}"
                )
            ratio = medians[SIZES[-1]] / medians[SIZES[0]]
            print(f"{SIZES[-1]} items / {SIZES[0]} items, loaded again: {ratio:.2f}x (target <= 1.3x)")
            ours = throughput(base, urls[LOAD_ITEMS])
            theirs = throughput(base, urls["quotation"])
            time.sleep(0.5)
            our_queries = statistics.median(server_figures(logfile, urls[LOAD_ITEMS])[0])
            their_queries = statistics.median(server_figures(logfile, urls["quotation"])[0])
    print()
    print(f"Under load ({LOAD_THREADS} concurrent clients, {LOAD_SECONDS}s each, 2 workers):")
    print(f"  customer page, {LOAD_ITEMS} items       {ours:8.1f} req/s   {our_queries:4.0f} SQL queries")
    print(f"  Odoo quotation page, {LOAD_ITEMS} lines {theirs:8.1f} req/s   {their_queries:4.0f} SQL queries")
    print(f"  ratio (ours / Odoo's)             {ours / theirs:8.2f}x  (target >= 1.5)")


if __name__ == "__main__":
    main()
