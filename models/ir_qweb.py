from lxml import etree

from odoo import models

# Context key holding a dict: set by the notification job around one batch.
COMPILED_TEMPLATES_KEY = "customer_notification_qweb_cache"


class IrQweb(models.AbstractModel):
    """Compile a mail template's body once per batch of the notification job.

    Odoo renders a mail template's QWeb body from a freshly parsed tree for each
    record, and a tree is never found in Odoo's compilation cache: each e-mail
    compiles the same body again. Within one batch the job keeps what was
    compiled, keyed on the body's source and on everything Odoo's own cache keys
    on, and renders each record with it exactly as Odoo would.
    """

    _inherit = "ir.qweb"

    def _compile(self, template):
        cache = self.env.context.get(COMPILED_TEMPLATES_KEY)
        if cache is None or not isinstance(template, etree._Element):
            return super()._compile(template)
        context = self.env.context
        key = (
            etree.tostring(template),
            tuple(context.get(name) or False for name in self._get_template_cache_keys()),
            context.get("raise_on_forbidden_code_for_model") or False,
        )
        if key not in cache:
            cache[key] = super()._compile(template)
        return cache[key]
