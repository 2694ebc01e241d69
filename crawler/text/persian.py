"""Persian text normalisation with hazm, built once per process.

hazm's Normalizer takes about a second to build, so every caller shares one; its
output (Persian yeh/kaf, ZWNJ in «می‌شود», Persian digits, fixed spacing) is what
matching and hashing see, while the raw text is kept for display and export.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import Any

from crawler.text.digits import ascii_digits, unify_letters

_LOCK = threading.Lock()


@cache
def _normalizer() -> Any:
    with _LOCK:
        from hazm import Normalizer  # imported lazily: hazm takes a second to import

        return Normalizer()


def normalise(text: str) -> str:
    """hazm-normalised text, line structure kept (each paragraph normalised on its own)."""
    normalizer = _normalizer()
    return "\n".join(normalizer.normalize(line).strip() for line in text.split("\n"))


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def match_form(text: str) -> str:
    """A form for comparing texts: Persian letters, ZWNJ as space, ASCII digits, lower case."""
    return unify_letters(ascii_digits(text)).replace("\u200c", " ").lower()


def words(text: str) -> list[str]:
    """The words of ``text`` in match form (punctuation dropped)."""
    return _WORD.findall(match_form(text))
