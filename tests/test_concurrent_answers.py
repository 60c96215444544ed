"""Real parallel requests against a real server on its own database.

A single-transaction test cannot show what two tabs confirming at the same
moment do, so this test starts an Odoo server (threaded, one cursor per
request) on the database named by ``RCC_CONCURRENCY_DB``, commits its own data
there and fires the requests at once. `make test` runs it on a throwaway
database of its own; elsewhere it is skipped.
"""

import json
import os
import threading
import urllib.request

import psycopg2.errors
import pytest

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import Registry

from .odoo_server import odoo_server

DB = os.environ.get("RCC_CONCURRENCY_DB")
CONF = os.environ.get("RCC_ODOO_CONF")
PARALLEL_REQUESTS = 8

pytestmark = pytest.mark.skipif(not (DB and CONF), reason="needs RCC_CONCURRENCY_DB and RCC_ODOO_CONF (make test)")


@pytest.fixture(scope="module")
def server():
    with odoo_server(CONF, DB) as base:
        yield base


def _with_env(func):
    """Run func in its own transaction, committed on exit for the server process to see."""
    with Registry(DB).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        result = func(env)
        return result


def _prepare_overview(env, decide=True):
    partner = env["res.partner"].create({"name": "Parallel Customer", "email": "parallel@example.com"})
    order = env["repair.order"].create(
        {
            "partner_id": partner.id,
            "driver_id": partner.id,
            "work_item_ids": [
                Command.create({"name": "Brake pads", "category": "necessary", "price_unit": 200.0}),
                Command.create({"name": "Wipers", "category": "recommended", "price_unit": 30.0}),
            ],
        }
    )
    point = {"role": "driver", "partner": partner, "channel": "email", "address": partner.email}
    communication = order._prepare_customer_communication(point)
    communication._send()
    if decide:
        communication.line_ids.write({"decision": "accepted"})
    return communication.id, communication._get_token()


def _post_json(url, params):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["result"]


def _in_parallel(func, count=PARALLEL_REQUESTS):
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        barrier.wait()
        results[index] = func(index)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_confirming_from_many_tabs_at_once_records_one_answer(server):
    communication_id, token = _with_env(_prepare_overview)
    results = _in_parallel(lambda index: _post_json(f"{server}/workshop/c/{token}/confirm", {}))
    assert sum(1 for result in results if result["ok"]) == 1, results
    assert all(result["error"] for result in results if not result["ok"])

    def check(env):
        communication = env["repair.customer.communication"].browse(communication_id)
        order = communication.order_id
        assert communication.state == "confirmed"
        assert communication.event_ids.mapped("event_type").count("confirmed") == 1
        notes = order.message_ids.filtered(lambda message: "confirmed the overview" in (message.body or ""))
        assert len(notes) == 1
        assert len(order.activity_ids) == 1
        assert set(order.work_item_ids.mapped("customer_decision")) == {"accepted"}

    _with_env(check)


def test_parallel_decisions_on_one_item_leave_one_consistent_answer(server):
    communication_id, token = _with_env(lambda env: _prepare_overview(env, decide=False))
    line_id = _with_env(
        lambda env: (
            env["repair.customer.communication"]
            .browse(communication_id)
            .line_ids.filtered(lambda line: line.name == "Brake pads")
            .id
        )
    )
    decisions = ["accepted", "declined", "contact", "accepted"] * (PARALLEL_REQUESTS // 4)
    results = _in_parallel(
        lambda index: _post_json(
            f"{server}/workshop/c/{token}/decide", {"line_id": line_id, "decision": decisions[index]}
        )
    )
    assert all(result["ok"] for result in results), results

    def check(env):
        line = env["repair.customer.communication.line"].browse(line_id)
        assert line.decision in decisions

    _with_env(check)


def test_two_workers_running_the_invitation_job_never_invite_twice():
    """Two job runs at once, each with its own transaction: every appointment is invited exactly once."""
    from datetime import datetime, timedelta

    def prepare(env):
        partner = env["res.partner"].create(
            {"name": "Due Customer", "email": "due@example.com", "accepts_automated_email": True}
        )
        orders = env["repair.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "driver_id": partner.id,
                    "schedule_date": datetime.now() + timedelta(days=1, minutes=index),
                }
                for index in range(60)
            ]
        )
        return orders.ids

    order_ids = _with_env(prepare)
    errors = []

    def run_job(index):
        try:
            _with_env(lambda env: env["customer.notification"]._cron_send_due(batch_size=7))
        except psycopg2.errors.SerializationFailure as error:
            errors.append(error)  # a worker losing a race gives up; its next run goes on

    _in_parallel(run_job, count=2)
    assert len(errors) < 2, "at most the worker that lost a race gives up"
    # What a worker may have left (it gives up on a serialization conflict) goes on the next run.
    _with_env(lambda env: env["customer.notification"]._cron_send_due())

    def check(env):
        invitations = env["repair.customer.communication"].search(
            [("order_id", "in", order_ids), ("kind", "=", "checkin")]
        )
        per_order = dict.fromkeys(order_ids, 0)
        for invitation in invitations:
            per_order[invitation.order_id.id] += 1
        assert set(per_order.values()) == {1}, per_order
        messages = env["customer.notification"].search(
            [("order_id", "in", order_ids), ("trigger", "=", "checkin_invitation")]
        )
        assert len(messages) == len(order_ids) and set(messages.mapped("state")) == {"sent"}, messages.mapped("state")

    _with_env(check)
