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
