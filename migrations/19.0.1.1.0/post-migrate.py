"""19.0.1.0.0 -> 19.0.1.1.0: the check-in invitation becomes a notification rule.

Before, each location had two settings (on/off, days before the appointment) and a
job of its own, with the appointment each order was last invited for stored on the
order. Now every location has the built-in rule "Check-in invitation before the
appointment" in the one message queue. This creates each location's rule with its
former days and on/off (so that it plans each appointment once), records the
appointments the former job had already handled (invited: sent; nobody reachable:
skipped), so that nobody is invited twice, and removes the former job.
"""

import logging

from odoo import SUPERUSER_ID, api, fields
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    values_by_company = {}
    if column_exists(cr, "res_company", "repair_checkin_enabled"):
        cr.execute("SELECT id, repair_checkin_enabled, repair_checkin_lead_days FROM res_company")
        values_by_company = {
            company_id: {
                "checkin_invitation": {
                    "active": bool(enabled),
                    "interval_nbr": max(lead_days or 0, 0),
                    "interval_unit": "days",
                }
            }
            for company_id, enabled, lead_days in cr.fetchall()
        }
    env["customer.notification.rule"]._create_builtin_rules(values_by_company=values_by_company)

    if column_exists(cr, "repair_order", "checkin_invited_for"):
        cr.execute(
            "SELECT id FROM repair_order WHERE checkin_invited_for IS NOT NULL AND checkin_invited_for = schedule_date"
        )
        handled = env["repair.order"].browse([row[0] for row in cr.fetchall()])
        planned = env["customer.notification"].search(
            [("order_id", "in", handled.ids), ("trigger", "=", "checkin_invitation"), ("state", "=", "queued")]
        )
        for notification in planned:
            checkin = notification.order_id._current_communication("checkin")
            if checkin:
                values = {
                    "state": "sent",
                    "sent_at": checkin.sent_at or fields.Datetime.now(),
                    "communication_id": checkin.id,
                    "partner_id": checkin.partner_id.id,
                    "address": checkin.address,
                    "channel": checkin.channel,
                    "reason": env._("Sent before the upgrade, by the former check-in job."),
                }
            else:
                # The former job found nobody to invite for this appointment.
                values = {
                    "state": "skipped",
                    "reason": env._("Nobody could be reached for this appointment before the upgrade."),
                }
            notification.write(values)
        _logger.info("Check-in invitations handled before the upgrade: %s kept as they were.", len(planned))

    cron = env.ref("repair_customer_communication.ir_cron_send_checkin_invitations", raise_if_not_found=False)
    if cron:
        cron.unlink()
