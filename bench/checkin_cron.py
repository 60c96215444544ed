"""Benchmark of the online check-in invitation job among 100,000 work orders (1,000 due).

Prints, in one run: the time and SQL queries the job takes to find the due
appointments, the query plan of that search (an index scan is expected), and
the SQL queries per invitation for two batch sizes (constant is expected).

Run by `make bench` (ODOO_CONF and ODOO_DB name a throwaway database with the
module installed). The work orders are copied in SQL from one made by the ORM,
so that the table has its real size in seconds.
"""

import os
import statistics
import time
from datetime import datetime, timedelta

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

CONF = os.environ["ODOO_CONF"]
DB = os.environ["ODOO_DB"]
TOTAL_ORDERS = 100_000
DUE_ORDERS = 1_000


def prepare(env):
    """One real work order, copied to 100,000 rows: 1,000 due for check-in, the rest later or done."""
    partner = env["res.partner"].create({"name": "Bench Driver", "email": "bench.driver@example.com"})
    template = env["repair.order"].create(
        {
            "partner_id": partner.id,
            "driver_id": partner.id,
            "schedule_date": datetime.now() + timedelta(days=30),
            "work_item_ids": [Command.create({"name": "Oil service", "category": "scheduled", "price_unit": 100.0})],
        }
    )
    env.flush_all()
    columns = [
        name
        for name, field in env["repair.order"]._fields.items()
        if field.store and field.column_type and name not in ("id", "name", "schedule_date", "checkin_invitation_due")
    ]
    column_sql = SQL(", ").join(SQL.identifier(name) for name in columns)
    now = datetime.now()
    env.cr.execute(
        SQL(
            """
            INSERT INTO repair_order (name, schedule_date, checkin_invitation_due, %(columns)s)
            SELECT 'BENCH/' || n,
                   CASE WHEN n <= %(due)s THEN %(now)s + interval '1 day' ELSE %(now)s + interval '30 days' END,
                   CASE WHEN n <= %(due)s THEN %(now)s - interval '1 hour'
                        WHEN n %% 2 = 0 THEN %(now)s + interval '27 days'
                        ELSE NULL END,
                   %(columns)s
              FROM repair_order, generate_series(1, %(total)s) AS n
             WHERE repair_order.id = %(template)s
            """,
            columns=column_sql,
            due=DUE_ORDERS,
            now=now,
            total=TOTAL_ORDERS - 1,
            template=template.id,
        )
    )
    env.cr.execute("ANALYZE repair_order")


def find_due(env):
    orders = env["repair.order"]
    now = datetime.now()
    domain = [("checkin_invitation_due", "<=", now), ("schedule_date", ">", now)]
    timings, queries = [], []
    for _ in range(7):
        env.invalidate_all()
        before = env.cr.sql_log_count
        started = time.perf_counter()
        found = orders.search(domain, order="checkin_invitation_due, id")
        timings.append((time.perf_counter() - started) * 1000)
        queries.append(env.cr.sql_log_count - before)
    query = orders._search(domain, order="checkin_invitation_due, id", limit=200)
    env.cr.execute(SQL("EXPLAIN ANALYZE %s", query.select()))
    plan = "\n".join(f"    {row[0]}" for row in env.cr.fetchall())
    return len(found), statistics.median(timings), statistics.median(queries), plan


def queries_per_invitation(env, count):
    """SQL queries per invitation when the job invites `count` due orders."""
    now = datetime.now()
    due = env["repair.order"].search([("checkin_invitation_due", "<=", now)], limit=count, order="id desc")
    # Only these are due for this measure; the others wait for the next one.
    others = env["repair.order"].search([("checkin_invitation_due", "<=", now), ("id", "not in", due.ids)])
    others.flush_recordset()
    env.cr.execute(
        SQL(
            "UPDATE repair_order SET checkin_invitation_due = %s WHERE id IN %s",
            now + timedelta(days=1),
            tuple(others.ids),
        )
    )
    env.invalidate_all()
    before = env.cr.sql_log_count
    started = time.perf_counter()
    env["repair.order"]._cron_send_checkin_invitations(batch_size=200)
    elapsed = time.perf_counter() - started
    env.cr.execute(
        SQL(
            "UPDATE repair_order SET checkin_invitation_due = %s WHERE id IN %s",
            now - timedelta(hours=1),
            tuple(others.ids),
        )
    )
    env.invalidate_all()
    return (env.cr.sql_log_count - before) / count, elapsed / count * 1000


def main():
    config.parse_config(["-c", CONF, "-d", DB, "--log-level=warn"])
    with Registry(DB).cursor() as cr:  # committed on exit
        env = api.Environment(cr, SUPERUSER_ID, {})
        started = time.perf_counter()
        prepare(env)
        print(f"{TOTAL_ORDERS:,} work orders ready ({DUE_ORDERS:,} due) in {time.perf_counter() - started:.1f}s")
    with Registry(DB).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        found, millis, queries, plan = find_due(env)
        print(
            f"Finding the due appointments: {found:,} found in {millis:.1f} ms (median of 7), {queries:.0f} SQL query"
        )
        print("Query plan of one batch (200):")
        print(plan)
        for count in (50, 200):
            per_invitation, millis_each = queries_per_invitation(env, count)
            print(
                f"Inviting {count:>3} due appointments: {per_invitation:.1f} SQL queries"
                f" and {millis_each:.1f} ms per invitation"
            )


if __name__ == "__main__":
    main()
