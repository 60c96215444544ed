"""Four real processes run the notification job at once on 5,000 due rule messages, 250 overviews
sent by reception and 250 check-in invitations (each makes its link as it goes out).

A single-transaction test cannot show concurrency: here each run is its own
OS process with its own database connection, on the database named by
``RCC_CONCURRENCY_DB`` (`make test` gives it a throwaway one; elsewhere the test
is skipped). A fifth run is killed in the middle of a batch, after rendering
and before committing, as a server stopping would: what it held goes out on
the next run. Every message must be sent exactly once.
"""

import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import SQL

DB = os.environ.get("RCC_CONCURRENCY_DB")
CONF = os.environ.get("RCC_ODOO_CONF")
MESSAGES = 5_000
ORDERS = 250
LINKS = 250  # overviews reception sends, and check-in invitations
WORKERS = 4

pytestmark = pytest.mark.skipif(not (DB and CONF), reason="needs RCC_CONCURRENCY_DB and RCC_ODOO_CONF (make test)")

# One run of the job in a process of its own. The "victim" stops in its first
# batch, with the messages rendered but not committed, until it is killed.
WORKER = """
import sys, time
from odoo.tools import config
config.parse_config(["-c", sys.argv[1], "-d", sys.argv[2], "--log-level=error"])
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
Notification = Registry(sys.argv[2])["customer.notification"]
if sys.argv[3] == "victim":
    original = Notification._mark_sent
    def stall(self, message_by_res_id):
        original(self, message_by_res_id)
        self.env.flush_all()
        print("mid-batch", flush=True)
        time.sleep(600)
    Notification._mark_sent = stall
processed = []
original_process = Notification._process
def counting(self):
    if not processed and sys.argv[3] == "worker":
        print("batch", flush=True)
    processed.append(len(self))
    return original_process(self)
Notification._process = counting
with Registry(sys.argv[2]).cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["customer.notification"]._cron_send_due(batch_size=100)
print("done", sum(processed), flush=True)
"""


def _with_env(func):
    with Registry(DB).cursor() as cr:
        return func(api.Environment(cr, SUPERUSER_ID, {}))


def _prepare(env):
    """250 finished work orders and 5,000 due messages on them, half by SMS, half by e-mail."""
    partners = env["res.partner"].create(
        [
            {
                "name": f"Concurrent Customer {index}",
                "email": f"concurrent{index}@example.com",
                "phone": f"+3247000{index:04d}",
                "accepts_automated_email": True,
                "accepts_automated_sms": True,
            }
            for index in range(10)
        ]
    )
    orders = env["repair.order"].create(
        [{"partner_id": partners[index % 10].id, "driver_id": partners[index % 10].id} for index in range(ORDERS)]
    )
    orders.write({"state": "done"})
    ref = env.ref
    rules = env["customer.notification.rule"].create(
        [
            {
                "trigger": "order_state_to",
                "state_to": "done",
                "channel": channel,
                "sms_template_id": ref("repair_customer_communication.sms_template_notification_status").id,
                "mail_template_id": ref("repair_customer_communication.mail_template_notification_status").id,
            }
            for channel in ("sms", "email")
        ]
    )
    now = datetime.now()
    vals_list = []
    for index in range(MESSAGES):
        rule = rules[index % 2]
        order = orders[index % ORDERS]
        vals_list.append(
            {
                "rule_id": rule.id,
                "rule_name": rule.name,
                "trigger": rule.trigger,
                "company_id": order.company_id.id,
                "res_model": "repair.order",
                "res_id": order.id,
                "order_id": order.id,
                "occurrence": f"concurrency:{index}",
                "event_at": now,
                "due_at": now - timedelta(seconds=index % 97),
                "channel": rule.channel,
            }
        )
    Notification = env["customer.notification"]
    rule_messages = Notification.create(vals_list)
    # Reception sends an overview on each finished order (queued as the send dialog queues it).
    overviews = env["repair.customer.communication"].create(
        [
            {
                "order_id": order.id,
                "partner_id": order.partner_id.id,
                "channel": "email",
                "address": order.partner_id.email,
            }
            for order in orders[:LINKS]
        ]
    )
    overviews._issue_token()
    manual = Notification._queue_links(overviews, log=False)
    # Appointments tomorrow: the built-in rule plans their check-in invitations, due at once.
    checkin_rules = (
        env["customer.notification.rule"]
        .with_context(active_test=False)
        .search([("builtin", "=", True), ("trigger", "=", "checkin_invitation")])
    )
    checkin_rules.write({"active": True})
    booked = env["repair.order"].create(
        [
            {
                "partner_id": partners[index % 10].id,
                "driver_id": partners[index % 10].id,
                "schedule_date": now + timedelta(days=1, minutes=index),
            }
            for index in range(LINKS)
        ]
    )
    invitations = Notification.search([("order_id", "in", booked.ids), ("trigger", "=", "checkin_invitation")])
    assert len(invitations) == LINKS and set(invitations.mapped("state")) == {"queued"}
    return (rule_messages | manual | invitations).ids


def _start(role):
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, CONF, DB, role],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_four_concurrent_runs_send_every_message_exactly_once():
    notification_ids = _with_env(_prepare)

    victim = _start("victim")
    try:
        assert victim.stdout.readline().strip() == "mid-batch", victim.stderr.read()  # rendered, not committed
        workers = [_start("worker") for _index in range(WORKERS)]
        # Once the others are at work (skipping the batch it holds), the server of the first run stops.
        assert workers[0].stdout.readline().strip() == "batch", workers[0].stderr.read()
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=60)
    counts = []
    for worker in workers:
        out, err = worker.communicate(timeout=900)
        assert worker.returncode == 0, err
        counts.append(int(out.split()[-1]))
    # The next run picks up whatever the killed one held, if the others had finished before it died.
    out, err = _start("worker").communicate(timeout=900)
    counts.append(int(out.split()[-1]))
    assert sum(counts) == MESSAGES + 2 * LINKS, counts
    assert sum(1 for count in counts[:WORKERS] if count) >= 2, f"the runs did share the work: {counts}"

    def check(env):
        notifications = env["customer.notification"].browse(notification_ids)
        states = dict(
            env.execute_query(
                SQL(
                    "SELECT state, count(*) FROM customer_notification WHERE id IN %s GROUP BY state",
                    tuple(notification_ids),
                )
            )
        )
        assert states == {"sent": MESSAGES + 2 * LINKS}, states
        assert set(notifications.mapped("attempt_count")) == {1}
        messages = notifications.message_id
        assert len(messages) == MESSAGES + 2 * LINKS, "one message each, none shared"
        sms = env["sms.sms"].sudo().search_count([("mail_message_id", "in", messages.ids)])
        mails = env["mail.mail"].sudo().search_count([("mail_message_id", "in", messages.ids)])
        assert (sms, mails) == (MESSAGES // 2, MESSAGES // 2 + 2 * LINKS)
        # Each overview went out once, and each appointment got exactly one check-in link.
        links = notifications.communication_id
        assert len(links) == 2 * LINKS and set(links.mapped("state")) == {"sent"}, links.mapped("state")
        checkins = links.filtered(lambda c: c.kind == "checkin")
        assert len(checkins) == LINKS and len(checkins.order_id) == LINKS
        assert not env["repair.customer.communication"].search_count(
            [("order_id", "in", checkins.order_id.ids), ("kind", "=", "checkin"), ("id", "not in", checkins.ids)]
        ), "a killed run's link did not survive it"
        # Nothing the killed run rendered survived it: no message without its notification.
        orphans = env["mail.message"].search_count(
            [
                ("model", "=", "repair.order"),
                ("res_id", "in", notifications.order_id.ids),
                ("message_type", "in", ("sms", "email_outgoing")),
                ("id", "not in", messages.ids),
            ]
        )
        assert orphans == 0

    _with_env(check)
