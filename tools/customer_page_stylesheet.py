"""The customer pages' stylesheet, read once per process and inlined in each page.

Why by hand: Odoo links a bundle's CSS with <link rel="stylesheet">, a request that
blocks the first paint; on a phone on mobile data that request costs about a second.
The pages' CSS is small (every rule they use, no framework), so it travels inside
the HTML instead.
"""

import functools
import re

from markupsafe import Markup

from odoo.tools import file_open

STYLESHEET = "repair_customer_communication/static/src/customer_page/customer_page.css"


@functools.cache
def customer_page_stylesheet():
    """The CSS as markup for a <style> element: comments left out, each run of white space one space."""
    with file_open(STYLESHEET) as css:
        text = re.sub(r"/\*.*?\*/", "", css.read(), flags=re.S)
    return Markup(" ".join(text.split()))
