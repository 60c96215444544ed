"""Benchmark of the customer notification job: 10,000 due messages, beside Odoo's own template mailing.

Prints, in one run on one machine:
- e-mail: messages per second and SQL queries per message of the job (`_cron_send_due`, batches of
  200) sending 10,000 due e-mails, beside Odoo's own `mail.template.send_mail_batch` on the same
  10,000 work orders with the same template (chunks of 200, each committed, as the job commits each
  batch), and their ratio (target >= 1.0);
- SMS: messages per second and SQL queries per message of the job sending 10,000 due SMS;
- workers: wall time of the job for 10,000 due e-mails in one OS process, then in two started at
  once, the speed-up, and the check that no message was sent twice.

The two e-mail paths run in this one process, alternately, twice each (job, Odoo, job, Odoo): the
best run of each is kept, the one least disturbed by the machine. Before every run the messages of
the previous one are deleted (with their e-mails and SMS), the notifications queued again and the
tables vacuumed, so that every run meets tables of the same size. The worker processes load the
registry before the clock starts and report when done; the machine has 2 cores and runs PostgreSQL
too, so a speed-up below 2 is expected.

Run by `make bench` (ODOO_CONF and ODOO_DB name a throwaway database with the module installed).
The customers and work orders are copied in SQL from one made by the ORM, and the due notifications
inserted in SQL, so that the data is ready in seconds. `--worker` is the hidden mode of the workers.
"""

import os
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
ROUNDS = 2
MAIL_TEMPLATE = "repair_customer_communication.mail_template_notification_status"
SMS_TEMPLATE = "repair_customer_communication.sms_template_notification_status"
VACUUMED_TABLES = (
    "customer_notification",
    "mail_message",
    "mail_mail",
    "mail_mail_res_partner_rel",
    "sms_sms",
    "ir_cron_trigger",
)


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------


def copy_rows(env, model, template, count, values):
    """Insert `count` SQL copies of the `template` record; `values` are SQL expressions of n (1..count)
    for the columns that differ. Returns the new ids, in the order of n."""
    table = env[model]._table
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
            table=SQL.identifier(table),
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

    Returns the ids of the orders and the two rules (e-mail, SMS) sending the starter templates.
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
    partners = SQL("(%s::int[])[n]", partner_ids)
    order_ids = [order.id] + copy_rows(
        env,
        "repair.order",
        order,
        N_ORDERS - 1,
        {"name": SQL("'BENCH/' || n"), "partner_id": partners, "driver_id": partners},
    )
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
    # Both sets wait, cancelled, for their runs: `reset` queues one again.
    for rule in rules:
        queue(env, rule, order_ids, f"bench:{rule.channel}", state="cancelled")
    env.cr.execute("ANALYZE res_partner, repair_order, customer_notification")
    return order_ids, rules[0], rules[1]


def queue(env, rule, order_ids, occurrence, state="queued"):
    """One due notification of `rule` per work order, inserted in SQL (as `_queue` would make them)."""
    due = datetime.now() - timedelta(minutes=5)
    env.cr.execute(
        SQL(
            """
            INSERT INTO customer_notification
                   (rule_id, rule_name, kind, trigger, company_id, res_model, res_id, order_id, occurrence,
                    event_at, due_at, state, channel, attempt_count, create_uid, create_date, write_uid, write_date)
            SELECT %(rule)s, %(name)s, %(kind)s, %(trigger)s, %(company)s, 'repair.order', order_id, order_id,
                   %(occurrence)s, %(due)s, %(due)s, %(state)s, %(channel)s, 0, %(uid)s, %(due)s, %(uid)s, %(due)s
              FROM unnest(%(orders)s::int[]) AS order_id
            """,
            rule=rule.id,
            name=rule.name,
            kind=rule.kind,
            trigger=rule.trigger,
            company=rule.company_id.id,
            occurrence=occurrence,
            due=due,
            state=state,
            channel=rule.channel,
            uid=env.uid,
            orders=order_ids,
        )
    )


def reset(env, order_ids, rule=None):
    """Delete the messages of the work orders (with their e-mails and SMS) and queue `rule`'s notifications
    again, as new; commit and vacuum, so that the next run meets the same tables."""
    messages = SQL("SELECT id FROM mail_message WHERE model = 'repair.order' AND res_id = ANY(%s)", order_ids)
    env.cr.execute(SQL("DELETE FROM sms_sms WHERE mail_message_id IN (%s)", messages))
    env.cr.execute(SQL("DELETE FROM mail_message WHERE id IN (%s)", messages))  # and their mail.mail
    if rule:
        env.cr.execute(
            SQL(
                """
                UPDATE customer_notification
                   SET state = 'queued', message_id = NULL, partner_id = NULL, address = NULL,
                       sent_at = NULL, attempt_count = 0, reason = NULL
                 WHERE rule_id = %s
                """,
                rule.id,
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
# Measures and checks
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
    """Odoo's own path: the template rendered and queued in chunks as large as the job's batches."""
    template = env.ref(MAIL_TEMPLATE)
    for chunk in split_every(BATCH_SIZE, order_ids):
        template.send_mail_batch(list(chunk))
        env.cr.commit()


def queued_per_order(env, order_ids, table):
    """(queued rows, distinct work orders) of `table` ("mail_mail" or "sms_sms") for the work orders."""
    env.cr.execute(
        SQL(
            """
            SELECT count(*), count(DISTINCT message.res_id)
              FROM %s queued JOIN mail_message message ON message.id = queued.mail_message_id
             WHERE message.model = 'repair.order' AND message.res_id = ANY(%s)
            """,
            SQL.identifier(table),
            order_ids,
        )
    )
    return env.cr.fetchone()


def sent_once(env, rule):
    """Notifications of `rule` sent exactly once: 'sent', one attempt, their own message, on their own order."""
    env.cr.execute(
        SQL(
            """
            SELECT count(*) FILTER (WHERE notification.state = 'sent' AND notification.attempt_count = 1
                                      AND message.res_id = notification.res_id),
                   count(DISTINCT notification.message_id)
              FROM customer_notification notification
              LEFT JOIN mail_message message ON message.id = notification.message_id
             WHERE notification.rule_id = %s
            """,
            rule.id,
        )
    )
    return env.cr.fetchone()


def check(env, order_ids, table, rule=None):
    """Fail loudly unless every work order got exactly one e-mail or SMS (and each notification was sent once)."""
    count = len(order_ids)
    rows, orders = queued_per_order(env, order_ids, table)
    if (rows, orders) != (count, count):
        raise AssertionError(f"{table}: {rows} rows for {orders} work orders, {count} expected for {count}")
    if rule:
        sent, messages = sent_once(env, rule)
        if (sent, messages) != (count, count):
            raise AssertionError(f"{sent} notifications sent once with {messages} messages, {count} expected")
    return rows


# ----------------------------------------------------------------------
# Worker processes
# ----------------------------------------------------------------------


def worker():
    """Hidden mode: load the registry, say "ready", wait for "go" on stdin, run the job, report its figures."""
    config.parse_config(["-c", CONF, "-d", DB, "--log-level=warn"])
    with Registry(DB).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        # Compile the template before the clock starts (each process would do it once anyway).
        order = env["customer.notification"].search([("state", "=", "queued")], limit=1).order_id
        env.ref(MAIL_TEMPLATE)._render_field("body_html", order.ids)
        cr.rollback()
        print("ready", flush=True)
        sys.stdin.readline()
        seconds, queries = measure(env, lambda: run_job(env))
        print(f"done {seconds} {queries}", flush=True)


def run_workers(count):
    """Wall time of the job shared by `count` worker processes started at once, and their SQL queries."""
    environment = {**os.environ, "ODOO_CONF": CONF, "ODOO_DB": DB}
    processes = [
        subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for _ in range(count)
    ]
    for process in processes:
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("a worker failed to start")
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
    wall = time.perf_counter() - started
    for process in processes:
        process.stdin.close()
        if process.wait() != 0:
            raise RuntimeError(f"a worker exited with {process.returncode}")
    return wall, queries


# ----------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------


def main():
    config.parse_config(["-c", CONF, "-d", DB, "--log-level=warn"])
    with Registry(DB).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        started = time.perf_counter()
        order_ids, email_rule, sms_rule = prepare(env)
        cr.commit()
        print(f"{N_ORDERS:,} work orders, customers and due notifications ready in {time.perf_counter() - started:.1f}s")

        runs = {"job": [], "odoo": []}
        for _ in range(ROUNDS):
            reset(env, order_ids, email_rule)
            runs["job"].append(measure(env, lambda: run_job(env)))
            check(env, order_ids, "mail_mail", email_rule)
            reset(env, order_ids)
            runs["odoo"].append(measure(env, lambda: run_odoo(env, order_ids)))
            check(env, order_ids, "mail_mail")
        job_seconds, job_queries = min(runs["job"])
        odoo_seconds, odoo_queries = min(runs["odoo"])

        reset(env, order_ids, sms_rule)
        sms_seconds, sms_queries = measure(env, lambda: run_job(env))
        check(env, order_ids, "sms_sms", sms_rule)

        workers = {}
        for count in (1, 2):
            reset(env, order_ids, email_rule)
            workers[count] = run_workers(count)
            check(env, order_ids, "mail_mail", email_rule)
        reset(env, order_ids)

    def rate(seconds):
        return N_ORDERS / seconds

    print()
    print(f"{'':<44}{'messages/s':>12}{'SQL queries/message':>22}{'seconds':>10}")
    for label, seconds, queries in (
        (f"e-mail, job ({BATCH_SIZE} a batch)", job_seconds, job_queries),
        (f"e-mail, Odoo send_mail_batch ({BATCH_SIZE} a call)", odoo_seconds, odoo_queries),
        ("SMS, job", sms_seconds, sms_queries),
        ("e-mail, job in 1 worker process", *workers[1]),
        ("e-mail, job in 2 worker processes", *workers[2]),
    ):
        print(f"{label:<44}{rate(seconds):>12.0f}{queries / N_ORDERS:>22.1f}{seconds:>10.1f}")
    print()
    print(f"Summary ({N_ORDERS:,} messages a run; e-mail runs: best of {ROUNDS}, alternated):")
    print(f"  e-mail, job                 {rate(job_seconds):8.0f} msg/s  {job_queries / N_ORDERS:6.1f} SQL/msg")
    print(f"  e-mail, Odoo's own          {rate(odoo_seconds):8.0f} msg/s  {odoo_queries / N_ORDERS:6.1f} SQL/msg")
    print(f"  ratio (job / Odoo's)        {odoo_seconds / job_seconds:8.2f}x  (target >= 1.0)")
    print(f"  SMS, job                    {rate(sms_seconds):8.0f} msg/s  {sms_queries / N_ORDERS:6.1f} SQL/msg")
    print(f"  1 worker                    {workers[1][0]:8.1f} s")
    print(f"  2 workers                   {workers[2][0]:8.1f} s")
    print(f"  speed-up (1 -> 2 workers)   {workers[1][0] / workers[2][0]:8.2f}x  (2 cores, PostgreSQL on the same machine)")
    print(f"  sent twice                  {'none':>8}  (one e-mail per work order, each notification sent once)")


if __name__ == "__main__":
    if "--worker" in sys.argv[1:]:
        worker()
    else:
        main()
