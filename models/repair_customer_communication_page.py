import re

from markupsafe import Markup

from odoo import models, tools
from odoo.tools import SQL

from .repair_customer_communication_answer import DECODED_IMAGE_TYPES

# The templates' indentation (a quarter of an overview's HTML), but never what a customer typed in a textarea.
INDENTATION = re.compile(r"(<textarea\b.*?</textarea>)|\n\s+", re.S)


def _without_indentation(html):
    return Markup(INDENTATION.sub(lambda match: match.group(1) or "\n", html))


class RepairCustomerCommunication(models.Model):
    """The overview page's items and summary, rendered once per state of the overview and kept."""

    _inherit = "repair.customer.communication"

    def _customer_page_sections(self, token, readonly):
        """The items by category and the summary's lists (HTML), and `_customer_summary()`, of this overview
        as `token`'s page shows it in the current language: ``{"items", "summary_lists", "summary"}``.

        Why by hand: Odoo 19 has no ``t-cache``, and a page loaded again spends nearly all
        its time rendering items that did not change: an overview of 300 items took four
        times as long as one of 10. Each reader of an overview (language, link, read-only)
        has one place in Odoo's ``templates.cached_values`` registry cache, where Odoo keeps
        its rendered website pages (cleared whenever templates, translations or access rules
        change); it holds the rendering of the overview's latest state only
        (`_customer_page_state`), replaced when that state changes.
        """
        self.ensure_one()
        state = (self._customer_page_state(), self.show_prices, self.currency_id.id)
        kept = self._customer_page_kept(self.id, self.env.lang, token, readonly)
        rendering = kept.get("rendering")
        if not rendering or rendering[0] != state:
            rendering = (state, self._render_customer_page_sections(token, readonly))
            kept["rendering"] = rendering  # one assignment: a concurrent request reads the old or the new one
        return rendering[1]

    @tools.ormcache("communication_id", "lang", "token", "readonly", cache="templates.cached_values")
    def _customer_page_kept(self, communication_id, lang, token, readonly):
        """The place where one reader's rendering of an overview is kept (see `_customer_page_sections`)."""
        return {}

    def _render_customer_page_sections(self, token, readonly):
        qweb = self.env["ir.qweb"]
        summary = self._customer_summary()
        values = {
            "token": token,
            "readonly": readonly,
            "show_prices": self.show_prices,
            "currency": self.currency_id,
            "groups": self._lines_by_category(),
            # The numbers the SMS gave the items, when it offered to answer by reply.
            "sms_numbers": {line.id: n for n, line in enumerate(self._sms_reply_lines(), 1)}
            if self.sms_reply_offered
            else {},
            **self._customer_page_labels(),
        }
        return {
            "items": _without_indentation(
                qweb._render("repair_customer_communication.customer_overview_items", values)
            ),
            "summary_lists": _without_indentation(
                qweb._render("repair_customer_communication.customer_overview_summary_lists", {"summary": summary})
            ),
            "summary": summary,
        }

    def _customer_page_labels(self):
        """Categories, answers and decline reasons, in the language the overview is read in."""
        fields_ = self.env["repair.customer.communication.line"]._fields
        env = self.env
        return {
            "categories": dict(fields_["category"]._description_selection(env)),
            # The customer answers in the first person; the selection's labels describe them to staff.
            "decisions": {
                "accepted": env._("Yes, do it"),
                "declined": env._("No, thanks"),
                "contact": env._("Call me about it"),
                "disagree": env._("I don't agree"),
            },
            "decline_reasons": fields_["decline_reason"]._description_selection(env),
            # Photos Odoo can shrink to a thumbnail (the others, HEIC, show as a link).
            "thumbnail_types": DECODED_IMAGE_TYPES,
        }

    def _customer_page_state(self):
        """A stamp of every row the items and the summary show, new whenever one of them changes.

        Each row version's place and transaction (PostgreSQL's ``ctid`` and ``xmin``): any
        UPDATE, even two in one transaction, writes a new version elsewhere, and no other
        version takes that place while this one may still be read. So the overview, its
        lines, and its items' photos (links and attachments) are read in one small query,
        without loading the lines themselves.
        """
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT md5(concat_ws(';',
                    (SELECT concat_ws(':', c.ctid, c.xmin) FROM repair_customer_communication c WHERE c.id = %(id)s),
                    (SELECT string_agg(concat_ws(':', l.id, l.ctid, l.xmin), ',' ORDER BY l.id)
                       FROM repair_customer_communication_line l WHERE l.communication_id = %(id)s),
                    (SELECT string_agg(concat_ws(':', r.item_id, a.id, r.ctid, r.xmin, a.ctid, a.xmin), ','
                                       ORDER BY r.item_id, a.id)
                       FROM repair_work_item_attachment_rel r
                       JOIN ir_attachment a ON a.id = r.attachment_id
                      WHERE r.item_id IN (SELECT l.work_item_id FROM repair_customer_communication_line l
                                           WHERE l.communication_id = %(id)s))
                ))
                """,
                id=self.id,
            )
        )
        return self.env.cr.fetchone()[0]
