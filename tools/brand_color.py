"""A shop's brand colour made readable: white text on it must reach WCAG AA (4.5:1).

Shops pick their colour for their logo, not for text; a light one (yellow, sky blue)
behind white text fails. The customer pages use a darker shade of the same hue,
as dark as needed and no darker. Odoo has no such helper for its frontend.
"""

import re

HEX_COLOR = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
WHITE = (255, 255, 255)
MIN_CONTRAST = 4.5


def parse_hex(color):
    """(r, g, b) of a ``#rrggbb`` or ``#rgb`` colour, or None."""
    match = HEX_COLOR.fullmatch((color or "").strip())
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return tuple(int(digits[index : index + 2], 16) for index in (0, 2, 4))


def relative_luminance(rgb):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first, second):
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on_white_text(color, default="#00787f"):
    """`color`, darkened just enough for white text on it to reach 4.5:1 (`default` if it is no colour)."""
    rgb = parse_hex(color) or parse_hex(default)
    factor = 1.0
    shade = rgb
    while contrast_ratio(shade, WHITE) < MIN_CONTRAST and factor > 0:
        factor = round(factor - 0.02, 2)
        shade = tuple(round(value * factor) for value in rgb)
    return "#{:02x}{:02x}{:02x}".format(*shade)
