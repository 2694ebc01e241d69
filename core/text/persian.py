"""Persian text normalisation with hazm, built once per process.

hazm's Normalizer takes seconds to import and build, so every caller shares one; its
output (Persian yeh/kaf, ZWNJ in «می‌شود», Persian digits, fixed spacing) is what
matching and hashing see, while the raw text is kept for display and export.

Normalisation works a line at a time, and recent lines are remembered: a text is normalised
several times on its way to the store (its ``body_norm``, then its match text without credit
phrases, then again as a stored candidate whenever a copy is verified against it), and copies
share most of their lines with their release.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import cache, lru_cache
from typing import Any

from core.text.digits import MATCH_FORM

_LOCK = threading.Lock()
_NORMALIZER: Any = None
NORMALISED_LINES = 32_768
"""Normal forms remembered (about 40 MB of Persian text at the fixture web's line lengths)."""
LONGEST_REMEMBERED_LINE = 4_000
"""Longer lines are normalised every time rather than kept."""


def _normalizer() -> Any:
    global _NORMALIZER
    if _NORMALIZER is None:
        with _LOCK:
            if _NORMALIZER is None:
                _quiet_gensim()
                import hazm.normalizer  # imported lazily: hazm takes seconds to import
                import hazm.utils
                import hazm.word_tokenizer

                if hazm.word_tokenizer.words_list is hazm.utils.words_list:
                    # The Normalizer builds two word tokenizers (its own and its lemmatizer's), and
                    # each parsed hazm's 2 MB word list: half a second of every process's start.
                    # The list is only read (into each tokenizer's dict), so parse it once.
                    hazm.word_tokenizer.words_list = cache(hazm.utils.words_list)

                if hazm.normalizer.maketrans is hazm.utils.maketrans:
                    # normalize() rebuilds its two translation tables from constant strings on
                    # every call (a fifth of its time); the tables are only read, so share them.
                    hazm.normalizer.maketrans = cache(hazm.utils.maketrans)
                _NORMALIZER = hazm.normalizer.Normalizer()
    return _NORMALIZER


def _quiet_gensim() -> None:
    """hazm's package imports gensim (for word embeddings Manba never uses), which logs a demo
    dictionary it builds at import time at INFO: those lines opened every crawl log. Unless someone
    set gensim's logger on purpose, it says only warnings."""
    logger = logging.getLogger("gensim")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.WARNING)


def warm_up() -> None:
    """Import hazm and build the normaliser now, not on the first page (a crawl's reactor would
    stand still for those seconds)."""
    _normalizer()


@lru_cache(maxsize=NORMALISED_LINES)
def _remembered(line: str) -> str:
    return str(_normalizer().normalize(line).strip())


def normalise_line(line: str) -> str:
    """One line (paragraph) hazm-normalised and stripped."""
    if len(line) > LONGEST_REMEMBERED_LINE:
        return str(_normalizer().normalize(line).strip())
    return _remembered(line)


def normalise(text: str) -> str:
    """hazm-normalised text, line structure kept (each paragraph normalised on its own)."""
    return "\n".join(normalise_line(line) for line in text.split("\n"))


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def match_form(text: str) -> str:
    """A form for comparing texts: Persian letters, ZWNJ as space, ASCII digits, lower case."""
    return text.translate(MATCH_FORM).lower()


def words(text: str) -> list[str]:
    """The words of ``text`` in match form (punctuation dropped)."""
    return _WORD.findall(match_form(text))


# Written joined, with a ZWNJ or with a space, these are one word: «می‌شود», «می شود» and «میشود»;
# «باشگاه‌های», «باشگاه های» and «باشگاههای». Real copies of one release mix all three (an outlet's
# editor without a ZWNJ key types a space or nothing), so comparison joins them.
_JOINED_PREFIXES = frozenset({"می", "نمی"})
_JOINED_SUFFIXES = frozenset(
    {"ها", "های", "هایی", "هایم", "هایت", "هایش", "هایمان", "هایتان", "هایشان"}
    | {"ای", "ام", "ایم", "اید", "اند", "تر", "ترین"}
)


def match_words(text: str) -> list[str]:
    """:func:`words` with a verb's «می»/«نمی» prefix and the plural, comparative and personal
    suffixes above joined to their word: what the copy decision compares."""
    out: list[str] = []
    glue = False
    for word in words(text):
        if out and (glue or word in _JOINED_SUFFIXES):
            out[-1] += word
        else:
            out.append(word)
        glue = word in _JOINED_PREFIXES
    return out
