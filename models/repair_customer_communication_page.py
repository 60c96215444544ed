import re

from markupsafe import Markup

from odoo import models, tools
from odoo.tools import SQL

# The templates' indentation (a quarter of an overview's HTML), but never what a customer typed in a textarea.
INDENTATION = re.compile(r"(<textarea\b.*?</textarea>)|\n\s+", re.S)


def _without_indentation(html):
    return Markup(INDENTATION.sub(lambda match: match.group(1) or "\n", html))


class RepairCustomerCommunication(models.Model):
    """The overview page's items and summary, rendered once per state of the overview and kept."""

    _inherit = "repair.customer.communication"

    def _customer_page_sections(self, reader_key, values):
        """The items by category and the summary's lists (HTML), and `_customer_summary()`, of this overview:
        ``{"items": ..., "summary_lists": ..., "summary": ...}``.

        Why by hand: Odoo 19 has no ``t-cache``, and a page loaded again spends nearly
        all its time rendering items that did not change: an overview of 300 items took
        four times as long as one of 10. Kept in Odoo's ``templates.cached_values``
        registry cache, where Odoo keeps its rendered website pages (cleared whenever
        templates, translations or access rules change), under the overview's state
        (`_customer_page_state`) and its reader (language, link, read-only).

        :param tuple reader_key: what, besides the overview, the rendering depends on
        :param dict values: the item templates' values (labels, link token, read-only)
        """
        self.ensure_one()
        return self._customer_page_sections_kept((self.id, self._customer_page_state(), reader_key), values)

    @tools.ormcache("key", cache="templates.cached_values")
    def _customer_page_sections_kept(self, key, values):
        qweb = self.env["ir.qweb"]
        summary = self._customer_summary()
        return {
            "items": _without_indentation(
                qweb._render(
                    "repair_customer_communication.customer_overview_items",
                    {**values, "groups": self._lines_by_category()},
                )
            ),
            "summary_lists": _without_indentation(
                qweb._render("repair_customer_communication.customer_overview_summary_lists", {"summary": summary})
            ),
            "summary": summary,
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
