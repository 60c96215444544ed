"""Text folding shared by the stored search keys and the terms searched for.

Keys and terms go through the same functions, so a search ignores case,
accents, spacing and punctuation the same way whatever the database offers
(no `unaccent` extension needed).
"""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")
_PHONE_CHARS = re.compile(r"^[\d\s+()./-]+$")


def fold(text):
    """Lowercase, accent-free, single-spaced text ("Émile  DUPRÉ" -> "emile dupre")."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def compact(text):
    """Letters and digits only, folded ("1-ABC-234" -> "1abc234")."""
    return _NON_ALNUM.sub("", fold(text))


def phone_digit_variants(term):
    """Digit strings a phone-like search term may match in a stored key.

    "+32 470 12 34 56" and "0032 470..." give "32470123456"; "0470 12 34 56"
    gives "0470123456" (national form, also stored). Returns an empty list when
    the term is not phone-like or too short to be meaningful.
    """
    if not term or not _PHONE_CHARS.match(term.strip()):
        return []
    digits = re.sub(r"\D", "", term)
    if len(digits) < 4:
        return []
    variants = [digits]
    if digits.startswith("00"):
        variants.append(digits[2:])
    return variants
