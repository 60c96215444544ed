"""Benchmark of the customer notification job on 10,000 work orders, beside Odoo's own template mailing.

Prints, in one run on one machine:
- e-mail: messages per second and SQL queries per message of the job (`_cron_send_due`, batches of
  200) sending 10,000 due e-mails, beside Odoo's own `mail.template.send_mail_batch` on the same
  work orders with the same template (calls of 200 ids, each committed, as the job commits each
  batch), and their ratio (target >= 1.0);
- SMS: messages per second and SQL queries per message of the job sending 10,000 due SMS;
- workers: wall time of the job for 4,000 due e-mails in one OS process, then in two at once, the
  speed-up, and the check that no message was sent twice;
- links: 2,000 overviews sent by reception (queued as reception's send queues them, then sent by the
  job) and 2,000 check-in invitations of the built-in rule (the job makes each link as it sends it),
  each beside Odoo's own `send_mail_batch` of the same template on the same links.

10,000 customers, work orders and notifications per rule are in the tables; each measure sends from
them (the sizes are the constants below). Odoo's own rendering compiles the template's QWeb body
again for each e-mail; the job compiles it once per batch (see models/ir_qweb.py), which is where
its lead comes from.

The two e-mail paths run in this one process, alternately, slice by slice of 2,500 work orders (the
job, then Odoo on the same slice; the next slice in the other order), after an unmeasured warm-up
of both, so that both meet the same machine: a burst of load elsewhere weighs on both. The ratio of
each slice is printed too, as a measure of that noise. The worker runs alternate likewise (1, 2, 2,
1 processes) and the best of each is kept; the processes load the registry before the clock starts.
The machine has 2 cores and runs PostgreSQL too, so a speed-up below 2 is expected; any other
process busy meanwhile lowers it more (the load average of the machine is printed beside it).

Before every run the messages of the previous one are deleted (with their e-mails and SMS), only
the notifications of the run are left queued, and the tables are vacuumed, so that every run meets
tables of the same size. Every run is checked: one e-mail or SMS per work order, each notification
sent once, else the script fails.

`--without-compile-cache` runs everything with the job's one speed-up turned off (each mail body compiled
for each e-mail, as Odoo does), to show what it is worth.

Run by `make bench` (ODOO_CONF and ODOO_DB name a throwaway database with the module installed).
The customers and work orders are copied in SQL from one made by the ORM, and the notifications
inserted in SQL, so that the data is ready in seconds. `--worker` is the hidden mode of the workers.
"""

import contextlib
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.sql_db import connection_info_for
from odoo.tools import SQL, config, split_every

CONF = os.environ["ODOO_CONF"]
DB = os.environ["ODOO_DB"]
N_ORDERS = 10_000
BATCH_SIZE = 200
EMAIL_MESSAGES = 10_000
SLICE = 2_500  # e-mails of one alternation of the job and Odoo's own path
SMS_MESSAGES = 10_000
WORKER_MESSAGES = 4_000
LINK_MESSAGES = 2_000  # overviews sent by reception, and check-in invitations
WITHOUT_COMPILE_CACHE = "--without-compile-cache" in sys.argv[1:]
MAIL_TEMPLATE = "repair_customer_communication.mail_template_notification_status"
SMS_TEMPLATE = "repair_customer_communication.sms_template_notification_status"
VACUUMED_TABLES = (
    "customer_notification",
    "mail_message",
    "mail_mail",
    "mail_mail_res_partner_rel",
    "sms_sms",
    "ir_cron_trigger",
    "repair_customer_communication",
    "repair_customer_event",
)
OVERVIEW_TEMPLATE = "repair_customer_communication.mail_template_overview"
CHECKIN_TEMPLATE = "repair_customer_communication.mail_template_checkin"


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------


def copy_rows(env, model, template, count, values):
    """Insert `count` SQL copies of the record `template`, with `values` (SQL expressions of n, 1..count)
    for the columns that differ; returns the new ids in the order of n."""
    columns = [
        name
        for name, field in env[model]._fields.items()
        if field.store and field.column_type and name != "id" and name not in values
    ]
    column_sql = SQL(", ").join(SQL.identifier(name) for name in columns)
    env.cr.execute(
        SQL(
            """
            INSERT INTO %(table)s (%(changed)s, %(columns)s)
            SELECT %(expressions)s, %(columns)s
              FROM %(table)s, generate_series(1, %(count)s) AS n
             WHERE %(table)s.id = %(template)s
             ORDER BY n
         RETURNING id
            """,
            table=SQL.identifier(env[model]._table),
            changed=SQL(", ").join(SQL.identifier(name) for name in values),
            expressions=SQL(", ").join(values.values()),
            columns=column_sql,
            count=count,
            template=template.id,
        )
    )
    return [row[0] for row in env.cr.fetchall()]


def prepare(env):
    """10,000 work orders in status "done", each for its own consenting customer, and a rule per channel.

    Returns the ids of the orders and the two rules (e-mail, SMS) sending the starter templates,
    with one notification of each rule per order, not queued yet (see `reset`).
    """
    partner = env["res.partner"].create(
        {
            "name": "Bench Customer 0",
            "email": "bench.customer.0@example.com",
            "phone": "+32470000000",
            "lang": "en_US",
            "accepts_automated_email": True,
            "accepts_automated_sms": True,
        }
    )
    order = env["repair.order"].create(
        {"partner_id": partner.id, "driver_id": partner.id, "schedule_date": datetime.now() - timedelta(days=1)}
    )
    env.flush_all()
    # A status message is only sent while the order still has that status.
    env.cr.execute(SQL("UPDATE repair_order SET state = 'done' WHERE id = %s", order.id))
    email = SQL("'bench.customer.' || n || '@example.com'")
    phone = SQL("'+32470' || lpad(n::text, 6, '0')")
    partner_ids = copy_rows(
        env,
        "res.partner",
        partner,
        N_ORDERS - 1,
        {
            "name": SQL("'Bench Customer ' || n"),
            "complete_name": SQL("'Bench Customer ' || n"),
            "email": email,
            "email_normalized": email,
            "phone": phone,
            "phone_sanitized": phone,
        },
    )
    env.cr.execute(SQL("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", partner_ids))
    customer = SQL("(%s::int[])[n]", partner_ids)
    copies = copy_rows(
        env,
        "repair.order",
        order,
        N_ORDERS - 1,
        {"name": SQL("'BENCH/' || n"), "partner_id": customer, "driver_id": customer},
    )
    order_ids = [order.id, *copies]
    env.invalidate_all()
    rules = env["customer.notification.rule"].create(
        [
            {
                "company_id": env.company.id,
                "trigger": "order_state_to",
                "state_to": "done",
                "channel": channel,
                "mail_template_id": env.ref(MAIL_TEMPLATE).id,
                "sms_template_id": env.ref(SMS_TEMPLATE).id,
            }
            for channel in ("email", "sms")
        ]
    )
    for rule in rules:
        insert_notifications(env, rule, order_ids, f"bench:{rule.channel}")
    env.cr.execute("ANALYZE res_partner, repair_order, customer_notification")
    return order_ids, rules[0], rules[1]


def insert_notifications(env, rule, order_ids, occurrence):
    """One notification of `rule` per work order, due 5 minutes ago, as `_queue` makes them (but cancelled)."""
    due = datetime.now() - timedelta(minutes=5)
    env.cr.execute(
        SQL(
            """
            INSERT INTO customer_notification
                   (rule_id, rule_name, kind, cause, trigger, company_id, res_model, res_id, order_id, occurrence,
                    event_at, due_at, state, channel, attempt_count, create_uid, create_date, write_uid, write_date)
            SELECT %(rule)s, %(name)s, %(kind)s, 'automated', %(trigger)s, %(company)s, 'repair.order',
                   order_id, order_id, %(occurrence)s, %(due)s, %(due)s, 'cancelled', %(channel)s, 0,
                   %(uid)s, %(due)s, %(uid)s, %(due)s
              FROM unnest(%(orders)s::int[]) AS order_id
            """,
            rule=rule.id,
            name=rule.name,
            kind=rule.kind,
            trigger=rule.trigger,
            company=rule.company_id.id,
            occurrence=occurrence,
            due=due,
            channel=rule.channel,
            uid=env.uid,
            orders=order_ids,
        )
    )


def reset(env, order_ids, rule=None, queued_ids=()):
    """Delete the messages of the work orders (with their e-mails and SMS); queue again the notifications
    of `rule` for the orders `queued_ids`, the others cancelled; commit and vacuum."""
    messages = SQL(
        """SELECT id FROM mail_message WHERE (model = 'repair.order' AND res_id = ANY(%s))
               OR (model = 'repair.customer.communication'
                   AND res_id IN (SELECT id FROM repair_customer_communication WHERE order_id = ANY(%s)))""",
        order_ids,
        order_ids,
    )
    env.cr.execute(SQL("DELETE FROM sms_sms WHERE mail_message_id IN (%s)", messages))
    env.cr.execute(SQL("DELETE FROM mail_message WHERE id IN (%s)", messages))  # and their mail.mail
    env.cr.execute(
        SQL(
            """
            UPDATE customer_notification
               SET state = CASE WHEN rule_id = %s AND res_id = ANY(%s) THEN 'queued' ELSE 'cancelled' END,
                   message_id = NULL, partner_id = NULL, address = NULL, sent_at = NULL, attempt_count = 0,
                   reason = NULL
             WHERE res_model = 'repair.order' AND res_id = ANY(%s)
            """,
            rule.id if rule else None,
            list(queued_ids),
            order_ids,
        )
    )
    env.cr.commit()
    env.invalidate_all()
    vacuum()


def vacuum():
    """VACUUM ANALYZE the tables a run writes (outside any transaction, hence its own connection)."""
    connection = psycopg2.connect(**connection_info_for(DB)[1])
    try:
        connection.autocommit = True
        with connection.cursor() as cr:
            cr.execute(f"VACUUM ANALYZE {', '.join(VACUUMED_TABLES)}")
    finally:
        connection.close()


# ----------------------------------------------------------------------
# Runs, measures and checks
# ----------------------------------------------------------------------


def measure(env, run):
    """(seconds, SQL queries) of `run()` on this cursor."""
    env.invalidate_all()
    before = env.cr.sql_log_count
    started = time.perf_counter()
    run()
    return time.perf_counter() - started, env.cr.sql_log_count - before


def run_job(env):
    env["customer.notification"]._cron_send_due(batch_size=BATCH_SIZE)


def run_odoo(env, order_ids):
    """Odoo's own path: the template rendered and queued in calls as large as the job's batches."""
    template = env.ref(MAIL_TEMPLATE)
    for chunk in split_every(BATCH_SIZE, order_ids):
        template.send_mail_batch(list(chunk))
        env.cr.commit()


def check(env, order_ids, sent_ids, table, rule=None):
    """Fail loudly unless the work orders `sent_ids`, and no other, got one row each in `table` ("mail_mail"
    or "sms_sms"), and, for the job, unless each of their notifications of `rule` was sent once."""
    expected = (len(sent_ids),) * 3
    env.cr.execute(
        SQL(
            """
            SELECT count(*), count(DISTINCT message.res_id), count(*) FILTER (WHERE message.res_id = ANY(%s))
              FROM %s queued JOIN mail_message message ON message.id = queued.mail_message_id
             WHERE message.model = 'repair.order' AND message.res_id = ANY(%s)
            """,
            list(sent_ids),
            SQL.identifier(table),
            order_ids,
        )
    )
    found = env.cr.fetchone()
    if found != expected:
        raise AssertionError(f"{table}: {found} (rows, orders, expected orders), {expected} expected")
    if rule:
        env.cr.execute(
            SQL(
                """
                SELECT count(*) FILTER (WHERE notification.state = 'sent'),
                       count(*) FILTER (WHERE notification.attempt_count = 1),
                       count(DISTINCT message.id) FILTER (WHERE message.res_id = notification.res_id)
                  FROM customer_notification notification
                  LEFT JOIN mail_message message ON message.id = notification.message_id
                 WHERE notification.rule_id = %s AND notification.res_id = ANY(%s)
                """,
                rule.id,
                list(sent_ids),
            )
        )
        found = env.cr.fetchone()
        if found != expected:
            raise AssertionError(f"notifications: {found} (sent, sent once, own messages), {expected} expected")


def compare_email(env, order_ids, rule):
    """The job and Odoo's own path on the same orders, alternately slice by slice: (job, Odoo, slice ratios)."""
    totals = {"job": [0.0, 0], "odoo": [0.0, 0]}
    ratios = []
    for index, chunk in enumerate(split_every(SLICE, order_ids[:EMAIL_MESSAGES])):
        figures = {}
        for path in ("job", "odoo") if index % 2 == 0 else ("odoo", "job"):
            if path == "job":
                reset(env, order_ids, rule, chunk)
                figures[path] = measure(env, lambda: run_job(env))
                check(env, order_ids, chunk, "mail_mail", rule)
            else:
                reset(env, order_ids)
                figures[path] = measure(env, lambda chunk=chunk: run_odoo(env, chunk))
                check(env, order_ids, chunk, "mail_mail")
            totals[path][0] += figures[path][0]
            totals[path][1] += figures[path][1]
        ratios.append(figures["odoo"][0] / figures["job"][0])
    return tuple(totals["job"]), tuple(totals["odoo"]), ratios


# ----------------------------------------------------------------------
# Links: overviews reception sends, check-in invitations
# ----------------------------------------------------------------------


def prepare_links(env, order_ids):
    """Overviews for the first LINK_MESSAGES orders, and the next LINK_MESSAGES booked for tomorrow.

    Returns (overviews, check-in order ids, check-in rule). The check-in invitations are inserted
    like the rule messages (cancelled until `reset_links` queues them).
    """
    overview_orders = env["repair.order"].browse(order_ids[:LINK_MESSAGES])
    overviews = env["repair.customer.communication"].create(
        [
            {
                "order_id": order.id,
                "kind": "overview",
                "partner_id": order.partner_id.id,
                "recipient_role": "driver",
                "channel": "email",
                "address": order.partner_id.email,
                "lang": "en_US",
            }
            for order in overview_orders
        ]
    )
    overviews._issue_token()
    # The built-in rule, on e-mail (compared with Odoo's e-mail path); switched on before the appointments
    # are booked in SQL, so that it plans nothing itself.
    rule = env["customer.notification.rule"].search(
        [("builtin", "=", True), ("trigger", "=", "checkin_invitation"), ("company_id", "=", env.company.id)]
    )
    rule.write({"active": True, "channel": "email"})
    checkin_ids = order_ids[LINK_MESSAGES : 2 * LINK_MESSAGES]
    appointment = (datetime.now() + timedelta(days=1)).replace(microsecond=0)
    env.flush_all()
    env.cr.execute(
        SQL(
            "UPDATE repair_order SET state = 'confirmed', schedule_date = %s WHERE id = ANY(%s)",
            appointment,
            checkin_ids,
        )
    )
    env.invalidate_all()
    insert_notifications(env, rule, checkin_ids, f"appointment:{appointment:%Y-%m-%d %H:%M:%S}")
    return overviews, checkin_ids, rule


def reset_links(env, order_ids, overviews, checkin_rule=None, checkin_ids=()):
    """Messages of every order deleted, the overviews back to draft, check-in links deleted; queue again
    the check-in invitations of `checkin_ids` (with `checkin_rule`)."""
    env.cr.execute(
        SQL(
            "DELETE FROM customer_notification WHERE cause = 'manual' AND order_id = ANY(%s)",
            order_ids,
        )
    )
    env.cr.execute(
        SQL(
            "DELETE FROM repair_customer_communication WHERE kind = 'checkin' AND order_id = ANY(%s)",
            order_ids,
        )
    )
    env.cr.execute(
        SQL(
            "DELETE FROM repair_customer_event WHERE communication_id = ANY(%s)",
            overviews.ids,
        )
    )
    env.cr.execute(
        SQL(
            "UPDATE repair_customer_communication SET state = 'draft', sent_at = NULL, delivered_at = NULL "
            "WHERE id = ANY(%s)",
            overviews.ids,
        )
    )
    reset(env, order_ids, checkin_rule, checkin_ids)


def send_overviews(env, overviews):
    """Reception's send, in bulk: each overview queued as the send dialog queues it, then the job sends them."""
    env["customer.notification"]._queue_links(overviews, log=False)
    run_job(env)


def run_odoo_links(env, template_xmlid, communication_ids):
    """Odoo's own path on the same links: the link's template rendered and queued in calls of BATCH_SIZE."""
    template = env.ref(template_xmlid)
    for chunk in split_every(BATCH_SIZE, communication_ids):
        template.send_mail_batch(list(chunk))
        env.cr.commit()


def check_links(env, communication_ids, with_queue=True):
    """Fail loudly unless each link got exactly one e-mail, and (for the job) its message was sent once."""
    env.cr.execute(
        SQL(
            """
            SELECT count(*), count(DISTINCT message.res_id)
              FROM mail_mail mail JOIN mail_message message ON message.id = mail.mail_message_id
             WHERE message.model = 'repair.customer.communication' AND message.res_id = ANY(%s)
            """,
            list(communication_ids),
        )
    )
    found = env.cr.fetchone()
    expected = (len(communication_ids),) * 2
    if found != expected:
        raise AssertionError(f"link e-mails: {found} (e-mails, links), {expected} expected")
    if with_queue:
        env.cr.execute(
            SQL(
                "SELECT count(*) FILTER (WHERE state = 'sent' AND attempt_count = 1) FROM customer_notification "
                "WHERE communication_id = ANY(%s)",
                list(communication_ids),
            )
        )
        sent = env.cr.fetchone()[0]
        if sent != len(communication_ids):
            raise AssertionError(f"link messages sent once: {sent}, {len(communication_ids)} expected")


def compare_links(env, order_ids, overviews, checkin_ids, checkin_rule):
    """(label, messages, seconds, queries) rows: each kind through the job, then Odoo's own path on the same links."""
    rows = []
    # Warm-up, unmeasured: a batch of each.
    reset_links(env, order_ids, overviews)
    send_overviews(env, overviews[:BATCH_SIZE])
    run_odoo_links(env, OVERVIEW_TEMPLATE, overviews[:BATCH_SIZE].ids)

    reset_links(env, order_ids, overviews)
    job = measure(env, lambda: send_overviews(env, overviews))
    check_links(env, overviews.ids)
    reset_links(env, order_ids, overviews)
    odoo = measure(env, lambda: run_odoo_links(env, OVERVIEW_TEMPLATE, overviews.ids))
    check_links(env, overviews.ids, with_queue=False)
    rows += [
        ("overview sent by reception, queue + job", LINK_MESSAGES, *job),
        ("overview, Odoo send_mail_batch", LINK_MESSAGES, *odoo),
    ]

    reset_links(env, order_ids, overviews, checkin_rule, checkin_ids)
    job = measure(env, lambda: run_job(env))
    checkins = env["repair.customer.communication"].search([("kind", "=", "checkin"), ("order_id", "in", checkin_ids)])
    if len(checkins) != len(checkin_ids):
        raise AssertionError(f"check-in links: {len(checkins)}, {len(checkin_ids)} expected")
    check_links(env, checkins.ids)
    # Odoo's path only renders and queues the e-mails of links that exist (the job made them too).
    env.cr.execute(
        SQL(
            "DELETE FROM mail_message WHERE model = 'repair.customer.communication' AND res_id = ANY(%s)",
            checkins.ids,
        )
    )
    env.cr.commit()
    vacuum()
    odoo = measure(env, lambda: run_odoo_links(env, CHECKIN_TEMPLATE, checkins.ids))
    check_links(env, checkins.ids, with_queue=False)
    rows += [
        ("check-in invitation, job (makes each link)", LINK_MESSAGES, *job),
        ("check-in, Odoo send_mail_batch (links exist)", LINK_MESSAGES, *odoo),
    ]
    reset_links(env, order_ids, overviews)
    return rows


# ----------------------------------------------------------------------
# Worker processes
# ----------------------------------------------------------------------


def worker():
    """Hidden mode: load the registry, say "ready", then run the job for each "go" on stdin and report."""
    parse_config()
    with Registry(DB).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        # Warm the caches a long-running worker has warm (models, template) before the clock starts.
        order = env["repair.order"].search([("state", "=", "done")], limit=1)
        env.ref(MAIL_TEMPLATE)._render_field("body_html", order.ids)
        cr.rollback()
        print("ready", flush=True)
        for _go in sys.stdin:
            seconds, queries = measure(env, lambda: run_job(env))
            cr.rollback()  # a last claim that found nothing leaves a transaction open: its snapshot would be stale
            print(f"done {seconds} {queries}", flush=True)


@contextlib.contextmanager
def worker_processes(count):
    """`count` worker processes of this script, ready to run the job; stopped on exit."""
    environment = {**os.environ, "ODOO_CONF": CONF, "ODOO_DB": DB}
    processes = [
        subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--worker", *sys.argv[1:]],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for _ in range(count)
    ]
    try:
        for process in processes:
            if process.stdout.readline().strip() != "ready":
                raise RuntimeError("a worker failed to start")
        yield processes
        for process in processes:
            process.stdin.close()
            if process.wait(timeout=60) != 0:
                raise RuntimeError(f"a worker exited with {process.returncode}")
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()


def run_workers(processes):
    """(wall seconds, SQL queries) of the job shared by the worker `processes`, started at once."""
    started = time.perf_counter()
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    queries = 0
    for process in processes:
        report = process.stdout.readline().split()
        if not report or report[0] != "done":
            raise RuntimeError("a worker failed")
        queries += int(report[2])
    return time.perf_counter() - started, queries


# ----------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------


def main():
    parse_config()
    with Registry(DB).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        started = time.perf_counter()
        order_ids, email_rule, sms_rule = prepare(env)
        cr.commit()
        print(f"{N_ORDERS:,} work orders, customers and notifications ready in {time.perf_counter() - started:.1f}s")

        # Warm both e-mail paths on one batch, unmeasured, so that neither pays the first run's caches.
        warm_up = order_ids[:BATCH_SIZE]
        reset(env, order_ids, email_rule, warm_up)
        run_job(env)
        run_odoo(env, warm_up)
        job, odoo, ratios = compare_email(env, order_ids, email_rule)

        sms_ids = order_ids[:SMS_MESSAGES]
        reset(env, order_ids, sms_rule, sms_ids)
        sms = measure(env, lambda: run_job(env))
        check(env, order_ids, sms_ids, "sms_sms", sms_rule)

        worker_ids = order_ids[:WORKER_MESSAGES]
        load = os.getloadavg()[0]
        runs = {1: [], 2: []}
        with worker_processes(2) as processes:
            for count in (1, 2, 2, 1):
                reset(env, order_ids, email_rule, worker_ids)
                runs[count].append(run_workers(processes[:count]))
                check(env, order_ids, worker_ids, "mail_mail", email_rule)
        workers = {count: min(figures) for count, figures in runs.items()}
        reset(env, order_ids)

        started = time.perf_counter()
        overviews, checkin_ids, checkin_rule = prepare_links(env, order_ids)
        cr.commit()
        elapsed = time.perf_counter() - started
        print(f"{LINK_MESSAGES:,} overviews and {LINK_MESSAGES:,} appointments ready in {elapsed:.1f}s")
        link_rows = compare_links(env, order_ids, overviews, checkin_ids, checkin_rule)

    rows = (
        (f"e-mail, job (batches of {BATCH_SIZE})", EMAIL_MESSAGES, *job),
        (f"e-mail, Odoo send_mail_batch ({BATCH_SIZE} ids)", EMAIL_MESSAGES, *odoo),
        ("SMS, job", SMS_MESSAGES, *sms),
        ("e-mail, job in 1 worker process", WORKER_MESSAGES, *workers[1]),
        ("e-mail, job in 2 worker processes", WORKER_MESSAGES, *workers[2]),
        *link_rows,
    )
    print()
    print(
        "Summary" + (" (compile cache off: each mail body compiled for each e-mail)" if WITHOUT_COMPILE_CACHE else "")
    )
    print(f"  {'':<46}{'messages':>10}{'seconds':>10}{'messages/s':>12}{'SQL queries/message':>21}")
    for label, count, seconds, queries in rows:
        print(f"  {label:<46}{count:>10,}{seconds:>10.1f}{count / seconds:>12.0f}{queries / count:>21.1f}")
    print(
        f"  e-mail ratio, job / Odoo's own (messages/s): {odoo[0] / job[0]:.2f}x (target >= 1.0);"
        f" per slice of {SLICE:,} orders {min(ratios):.2f} to {max(ratios):.2f}, median {statistics.median(ratios):.2f}"
    )
    print(
        f"  speed-up from 1 to 2 worker processes: {workers[1][0] / workers[2][0]:.2f}x"
        f" (2 cores, PostgreSQL on the same machine; load average {load:.1f} before the worker runs)"
    )
    link_ratios = [
        (link_rows[index + 1][2] / link_rows[index][2], link_rows[index][0].split(",")[0])
        for index in range(0, len(link_rows), 2)
    ]
    for ratio, kind in link_ratios:
        print(f"  {kind}: job / Odoo's own (messages/s): {ratio:.2f}x")
    print("  sent twice: none (every run: one e-mail or SMS per work order or link, each message sent once)")


def parse_config():
    """Odoo's configuration; with `--without-compile-cache`, the job's compile-once block made a no-op."""
    config.parse_config(["-c", CONF, "-d", DB, "--log-level=warn"])
    if WITHOUT_COMPILE_CACHE:
        from odoo.addons.repair_customer_communication.models.ir_qweb import IrQweb

        IrQweb._compiling_bodies_once = lambda self: contextlib.nullcontext()


if __name__ == "__main__":
    if "--worker" in sys.argv[1:]:
        worker()
    else:
        main()
