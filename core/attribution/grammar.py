"""Who a text credits: every credit family run over one normalised text, merged into one chain.

The scanner and the chain are in ``scanner``; the families in ``persian`` and ``foreign``.
"""

from __future__ import annotations

import re

from core.attribution.foreign import ForeignFamilies
from core.attribution.model import Chain
from core.attribution.names import NameIndex
from core.attribution.normalise import normalise
from core.attribution.persian import PersianFamilies
from core.attribution.scanner import guess_kind

__all__ = ["find_attributions", "guess_kind"]

_LATIN_WORDS = re.compile(r"[A-Za-z]{2}")
# Cheap tests that let a text skip a language's families altogether.
_EN_WORDS = ("accord", " by ", "quot", "citing", "report", "wrote", "said", "says", "announc", "stated",
             "told", "interview", "speaking", "talk", "denied", "confirm", "posted", "claim", "by ", ",")
# Arabic rather than Persian: letters Persian does not use, or the article «ال» on several words.
_ARABIC = re.compile(r"[ةأإىؤ]")
_ARTICLE_WORDS = re.compile(r"(?<!\S)(?:و|ب|ل|ف)?ال\w{2,}")
_PERSIAN_SCRIPT = re.compile(r"[\u0600-\u06FF]")


class _Parser(PersianFamilies, ForeignFamilies):
    """Every family over one text."""


def find_attributions(text: str, names: NameIndex, *, publisher: str | None = None) -> Chain:
    """Every credit in ``text``, as one chain nearest first.

    ``publisher`` is the registry key of the site the text was published on: its own name in a credit
    («به گزارش تجهیزات جانبی» on that outlet's page) is not a source.  Without it every credited name
    counts, except an outlet's own reporter («به گزارش خبرنگار X»), which only sets ``own_reporting``.
    """
    parser = _Parser(normalise(text), names, publisher)
    parser.opening()
    parser.quoting()
    parser.pr_office()
    parser.datelines()
    parser.wrote()
    parser.source_labels()
    parser.interviews()
    parser.data_sources()
    parser.line_labels()
    parser.signoffs()
    low = parser.s.lower()
    if _LATIN_WORDS.search(parser.s) and any(w in low for w in _EN_WORDS):
        parser.english()
    parser.code_lines()
    if _ARABIC.search(text) or len(_ARTICLE_WORDS.findall(parser.s)) >= 3:
        parser.arabic()
    if not _PERSIAN_SCRIPT.search(parser.s):
        parser.other_languages()
    return parser.chain()
