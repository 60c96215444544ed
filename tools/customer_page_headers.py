"""The headers of every answer of the customer's routes (pages, JSON answers, files, errors)."""

# Never kept by a browser or proxy (the token is in the address), never framed by another
# site, never indexed.
CUSTOMER_PAGE_HEADERS = [
    ("Cache-Control", "no-store, no-cache, must-revalidate, private"),
    ("Pragma", "no-cache"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Robots-Tag", "noindex, nofollow"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", "frame-ancestors 'none'"),
]


def set_customer_headers(headers):
    """Set (not add: one of each) the customer routes' headers on `headers`."""
    for name, value in CUSTOMER_PAGE_HEADERS:
        headers[name] = value
