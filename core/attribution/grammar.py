"""Who a text credits: every credit family run over one normalised text, merged into one chain.

The scanner and the chain are in ``scanner``; each family is a module of ``families`` whose ``find``
adds that family's credits to the scanner.  The order below is the order credits are added in, which
breaks ties between credits at the same place.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from core.attribution.families import (
    arabic,
    code_lines,
    data_sources,
    datelines,
    english,
    interviews,
    line_labels,
    opening,
    other_languages,
    pr_office,
    quoting,
    signoffs,
    source_labels,
    wrote,
)
from core.attribution.model import Chain
from core.attribution.names import NameIndex
from core.attribution.normalise import normalise
from core.attribution.scanner import Scanner, guess_kind

__all__ = ["find_attributions", "guess_kind"]

_LATIN_WORDS = re.compile(r"[A-Za-z]{2}")
# Cheap tests that let a text skip a language's families altogether.
_EN_WORDS = ("accord", " by ", "quot", "citing", "report", "wrote", "said", "says", "announc", "stated",
             "told", "interview", "speaking", "talk", "denied", "confirm", "posted", "claim", "by ", ",")
# Arabic rather than Persian: letters Persian does not use, or the article «ال» on several words.
_ARABIC = re.compile(r"[ةأإىؤ]")
_ARTICLE_WORDS = re.compile(r"(?<!\S)(?:و|ب|ل|ف)?ال\w{2,}")
_PERSIAN_SCRIPT = re.compile(r"[\u0600-\u06FF]")

_EVERY_TEXT: tuple[Callable[[Scanner], None], ...] = (
    opening.find, quoting.find, pr_office.find, datelines.find, wrote.find, source_labels.find,
    interviews.find, data_sources.find, line_labels.find, signoffs.find,
)
"""The families every text goes through, before the ones a language test can skip."""


def find_attributions(text: str, names: NameIndex, *, publisher: str | None = None) -> Chain:
    """Every credit in ``text``, as one chain nearest first.

    ``publisher`` is the registry key of the site the text was published on: its own name in a credit
    («به گزارش تجهیزات جانبی» on that outlet's page) is not a source.  Without it every credited name
    counts, except an outlet's own reporter («به گزارش خبرنگار X»), which only sets ``own_reporting``.
    """
    scanner = Scanner(normalise(text), names, publisher)
    for family in _EVERY_TEXT:
        family(scanner)
    low = scanner.s.lower()
    if _LATIN_WORDS.search(scanner.s) and any(w in low for w in _EN_WORDS):
        english.find(scanner)
    code_lines.find(scanner)
    if _ARABIC.search(text) or len(_ARTICLE_WORDS.findall(scanner.s)) >= 3:
        arabic.find(scanner)
    if not _PERSIAN_SCRIPT.search(scanner.s):
        other_languages.find(scanner)
    return scanner.chain()
