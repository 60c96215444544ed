from contextlib import contextmanager

from lxml import etree

from odoo import api, models

# Key of the cursor's cache (`cr.cache`) holding the compiled bodies, inside `_compiling_bodies_once` only.
_COMPILED_BODIES = "repair_customer_communication.compiled_bodies"


class IrQweb(models.AbstractModel):
    """Compile a mail body once per hand-over of the customer message queue, not once per e-mail.

    Why: Odoo renders a mail template's QWeb body from a freshly parsed tree for each
    record, and a tree is never found in Odoo's compilation cache (which keys on view
    ids): each e-mail compiles the same body again. `bench/notifications.py` measures
    the queue with and without this (`--without-compile-cache`).

    The one way in is the `_compiling_bodies_once()` block; outside it, rendering is
    Odoo's, untouched. Inside, the compiled code is kept per body source and per
    everything Odoo's own cache keys on (language, branding...), so each record renders
    exactly as Odoo would render it. It is kept on the cursor for the block only (not in
    the context, where it would follow every record made inside and could be set by
    anyone), and dropped when the block ends, even on an error.
    """

    _inherit = "ir.qweb"

    @api.model
    @contextmanager
    def _compiling_bodies_once(self):
        """Within the block, each QWeb mail body rendered on this cursor is compiled once per distinct source."""
        cache = self.env.cr.cache
        if _COMPILED_BODIES in cache:  # nested: the outer block keeps them
            yield
            return
        cache[_COMPILED_BODIES] = {}
        try:
            yield
        finally:
            cache.pop(_COMPILED_BODIES, None)

    def _compile(self, template):
        compiled = self.env.cr.cache.get(_COMPILED_BODIES)
        if compiled is None or not isinstance(template, etree._Element):
            return super()._compile(template)
        context = self.env.context
        key = (
            etree.tostring(template),
            tuple(context.get(name) or False for name in self._get_template_cache_keys()),
            context.get("raise_on_forbidden_code_for_model") or False,
        )
        if key not in compiled:
            compiled[key] = super()._compile(template)
        return compiled[key]
