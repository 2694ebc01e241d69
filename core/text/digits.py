"""Persian and Arabic-Indic digits to ASCII, and the letter variants that hide a match."""

from __future__ import annotations

_DIGITS = {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")})
_LETTERS = {ord("ي"): "ی", ord("ك"): "ک", ord("ى"): "ی", ord("ە"): "ه"}


def ascii_digits(text: str) -> str:
    return text.translate(_DIGITS)


def unify_letters(text: str) -> str:
    """Arabic yeh/kaf to their Persian forms (a cheap, hazm-free subset for matching)."""
    return text.translate(_LETTERS)


MATCH_FORM = {**_DIGITS, **_LETTERS, ord("\u200c"): " "}
"""One translation for ``core.text.persian.match_form``: ASCII digits, Persian letters, ZWNJ as
a space (the three maps touch disjoint characters, so one pass equals the three)."""
