"""19.0.1.1.0 -> 19.0.1.2.0: partners' search keys read phone numbers in the partner's country.

Odoo's `phone` is no longer rewritten to E.164 outside the workshop's forms, so the
search key of a number stored as typed depends on the partner's country (else its
company's): recompute every stored key once.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    partners = env["res.partner"].with_context(active_test=False).search([])
    env.add_to_compute(partners._fields["customer_search_key"], partners)
    partners.flush_recordset(["customer_search_key"])
