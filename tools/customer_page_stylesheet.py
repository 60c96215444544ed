"""The customer pages' stylesheet, read once per process and inlined in each page.

Why by hand: Odoo links a bundle's CSS with <link rel="stylesheet">, a request that
blocks the first paint; on a phone on mobile data that request costs about a second.
The pages' CSS is small (every rule they use, no framework), so it travels inside
the HTML instead.
"""

import functools

from markupsafe import Markup

from odoo.tools import file_open

STYLESHEET = "repair_customer_communication/static/src/customer_page/customer_page.css"


@functools.cache
def customer_page_stylesheet():
    """The CSS as markup for a <style> element (comments and line breaks left out)."""
    with file_open(STYLESHEET) as css:
        text = css.read()
    lines = []
    in_comment = False
    for line in text.splitlines():
        stripped = line.strip()
        if in_comment or stripped.startswith("/*"):
            in_comment = not stripped.endswith("*/")
            continue
        if stripped:
            lines.append(stripped)
    return Markup("".join(lines))
