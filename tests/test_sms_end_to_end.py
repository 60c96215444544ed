"""SMS end to end: Odoo's own SMS module, the local SMS gateway, a real server for the delivery reports.

Odoo refuses to reach an SMS provider inside its test runner, so this test runs as
the concurrency tests do: plain pytest on the database named by
``RCC_CONCURRENCY_DB``, with an Odoo server process that receives the gateway's
delivery reports and serves the link the SMS carries. `make test` runs it;
elsewhere it is skipped.
"""

import os
import re
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import Registry

from .odoo_server import free_port, odoo_server
from .tooling_scripts import load_tooling_script

DB = os.environ.get("RCC_CONCURRENCY_DB")
CONF = os.environ.get("RCC_ODOO_CONF")
GATEWAY = load_tooling_script("sms_gateway")
PHONE = "+32470998877"

pytestmark = pytest.mark.skipif(
    not (DB and CONF and GATEWAY), reason="needs RCC_CONCURRENCY_DB, RCC_ODOO_CONF and scripts/ (make test)"
)


def _with_env(func):
    """Run func in its own transaction, committed on exit for the server process to see."""
    with Registry(DB).cursor() as cr:
        return func(api.Environment(cr, SUPERUSER_ID, {}))


@pytest.fixture(scope="module")
def gateway():
    folder = Path(tempfile.mkdtemp())
    # Reported a second later, as a provider does: after the sending transaction committed.
    server, __ = GATEWAY.serve(folder, free_port(), delay=1.0)
    yield f"http://127.0.0.1:{server.server_address[1]}", folder
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def server():
    with odoo_server(CONF, DB) as base:
        yield base


def _prepare(env, base, gateway_url):
    """A customer with a mobile, an overview sent by SMS and a reminder due now; the database's SMS to the gateway.

    The appointment is in two days and the reminder one day before it: the reminder is
    then made due now, as if a day had passed.
    """
    params = env["ir.config_parameter"]
    params.set_param("sms.endpoint", gateway_url)
    params.set_param("web.base.url", base)  # the link in the SMS, and where the gateway reports
    company = env.company
    env["customer.notification"].search([("state", "=", "queued")]).write({"state": "cancelled"})
    partner = env["res.partner"].create(
        {"name": "Sms End-to-end", "phone": PHONE, "accepts_automated_sms": True, "lang": "en_US"}
    )
    env["customer.notification.rule"].create(
        {
            "company_id": company.id,
            "trigger": "order_reminder",
            "interval_nbr": 1,
            "interval_unit": "days",
            "channel": "sms",
            "sms_template_id": env.ref("repair_customer_communication.sms_template_notification_reminder").id,
            "mail_template_id": env.ref("repair_customer_communication.mail_template_notification_reminder").id,
        }
    )
    order = env["repair.order"].create(
        {
            "partner_id": partner.id,
            "driver_id": partner.id,
            "schedule_date": datetime.now() + timedelta(days=2),
            "work_item_ids": [Command.create({"name": "Brake pads", "category": "necessary", "price_unit": 200.0})],
        }
    )
    overview = order._prepare_customer_communication(
        {"role": "driver", "partner": partner, "channel": "sms", "address": partner.phone}
    )
    overview._send()
    reminder = env["customer.notification"].search(
        [("res_model", "=", "repair.order"), ("res_id", "=", order.id), ("kind", "=", "reminder")]
    )
    assert reminder.state == "queued", reminder.reason
    reminder.due_at = datetime.now() - timedelta(minutes=1)
    return order.id, overview.id


def _send_due(env):
    """What Odoo's jobs do: the queue hands the due messages to Odoo's SMS queue, which sends them.

    Only this test's SMS: the database holds other tests' unsent SMS.
    """
    env["customer.notification"]._cron_send_due()
    env["sms.sms"].search([("state", "=", "outgoing"), ("number", "=", PHONE)])._send()


def _states(env, order_id):
    """{kind: state} of the order's messages in the queue."""
    notifications = env["customer.notification"].search([("res_model", "=", "repair.order"), ("res_id", "=", order_id)])
    return {notification.kind: notification.state for notification in notifications}


def test_an_overview_and_a_reminder_reach_the_phone_and_the_link_opens(server, gateway):
    gateway_url, folder = gateway
    order_id, overview_id = _with_env(lambda env: _prepare(env, server, gateway_url))
    _with_env(_send_due)

    received = {path.read_text(encoding="utf-8") for path in folder.glob("*.txt")}
    assert all(f"To: {PHONE}" in sms for sms in received), received
    [overview_sms] = [sms for sms in received if "See what we found" in sms]
    assert any("your appointment" in sms for sms in received), received

    # The gateway reports both delivered to the server: the queue and the log show it.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        states = _with_env(lambda env: _states(env, order_id))
        if states.get("overview") == states.get("reminder") == "delivered":
            break
        time.sleep(0.3)
    assert states.get("overview") == states.get("reminder") == "delivered", states
    events = _with_env(
        lambda env: env["repair.customer.communication"].browse(overview_id).event_ids.mapped("event_type")
    )
    assert "reached" in events, events

    # The customer follows the link in the SMS.
    link = re.search(r"(http://\S+/workshop/c/\S+)", overview_sms).group(1)
    with urllib.request.urlopen(link, timeout=60) as response:
        page = response.read().decode()
    assert response.status == 200
    assert "Brake pads" in page


def _prepare_reply(env, base, gateway_url):
    """An overview by SMS offering to answer by reply, and the secret of the incoming-SMS webhook."""
    params = env["ir.config_parameter"]
    params.set_param("sms.endpoint", gateway_url)
    params.set_param("web.base.url", base)
    params.set_param("repair_customer_communication.sms_inbound_secret", "end-to-end-secret")
    env.company.repair_sms_reply_answers = True
    env["customer.notification"].search([("state", "=", "queued")]).write({"state": "cancelled"})
    partner = env["res.partner"].create({"name": "Sms Reply End-to-end", "phone": REPLY_PHONE, "lang": "en_US"})
    order = env["repair.order"].create(
        {
            "partner_id": partner.id,
            "driver_id": partner.id,
            "work_item_ids": [
                Command.create({"name": "Brake discs", "category": "necessary", "price_unit": 300.0}),
                Command.create({"name": "Cabin filter", "category": "recommended", "price_unit": 30.0}),
            ],
        }
    )
    overview = order._prepare_customer_communication(
        {"role": "driver", "partner": partner, "channel": "sms", "address": partner.phone}
    )
    overview._send()
    return overview.id


REPLY_PHONE = "+32470998866"


def test_the_customer_answers_the_overview_by_sms_reply(server, gateway):
    gateway_url, folder = gateway
    overview_id = _with_env(lambda env: _prepare_reply(env, server, gateway_url))
    _with_env(lambda env: env["sms.sms"].search([("state", "=", "outgoing"), ("number", "=", REPLY_PHONE)])._send())
    [offer] = [p.read_text(encoding="utf-8") for p in folder.glob("*.txt") if f"To: {REPLY_PHONE}" in p.read_text()]
    assert "1. Brake discs" in offer and "2. Cabin filter" in offer, offer

    # The customer texts back "1" through the gateway, as `make sms-reply` does.
    status, answer = GATEWAY.reply(server, "end-to-end-secret", REPLY_PHONE, "1", folder=folder)
    assert (status, answer) == (200, {"ok": True, "outcome": "answer"}), answer
    state = _with_env(lambda env: env["repair.customer.communication"].browse(overview_id).state)
    assert state == "confirmed"

    # Its confirmation, with the total, comes back to the phone.
    def send_confirmation(env):
        env["customer.notification"]._cron_send_due()
        env["sms.sms"].search([("state", "=", "outgoing"), ("number", "=", REPLY_PHONE)])._send()

    _with_env(send_confirmation)
    texts = [p.read_text(encoding="utf-8") for p in folder.glob("*.txt")]
    assert any(f"To: {REPLY_PHONE}" in text and "we recorded your answer" in text for text in texts), texts
    # A forged reply is refused by the server.
    status, answer = GATEWAY.reply(server, "wrong-secret", REPLY_PHONE, "STOP")
    assert status == 403, answer
