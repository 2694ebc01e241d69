"""Following an attribution back to the original release: the decisions, without Scrapy.

What to search for on the origin site, which candidates are plausible by date, and
which candidate (if any) is the original. The Scrapy side (``pipelines/origin.py``)
only fetches what these functions ask for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from core.syndication.decide import copy_score, fingerprint
from core.syndication.similarity import COPY_THRESHOLD
from core.text.persian import words

QUERY_WORDS = 4
MIN_WORD = 4
STOPWORDS = frozenset(
    [
        "برای", "اینکه", "این", "آن", "است", "بود", "شده", "شود", "کرد", "کرده",
        "کند", "خواهد", "دارد", "داشت", "هستند", "باشد", "گفت", "گزارش", "نقل", "همچنین",
        "اطلاعات", "ارتباطات", "وزارت", "فناوری", "the", "and", "that", "with", "from", "said",
    ]
)


def search_queries(body: str, credit_phrases: Iterable[str] = (), limit: int = 2) -> list[str]:
    """Queries for a site search: a few long, distinctive words from early sentences of the copy.

    Credit phrases are removed first (the origin does not contain «به نقل از …»); words
    come from single sentences so that an AND search matches even when the copy
    reordered or cut paragraphs.
    """
    text = body
    for phrase in credit_phrases:
        text = text.replace(phrase, " ")
    sentences = [
        _without_credit_clause(s) for line in text.split("\n") for s in line.replace("؛", ".").split(".")
    ]
    queries: list[str] = []
    for sentence in sentences:
        candidates = [w for w in dict.fromkeys(words(sentence)) if len(w) >= MIN_WORD and w not in STOPWORDS]
        if len(candidates) < QUERY_WORDS:
            continue
        chosen = sorted(candidates, key=len, reverse=True)[:QUERY_WORDS]
        query = " ".join(w for w in candidates if w in chosen)
        if query not in queries:
            queries.append(query)
        if len(queries) >= limit:
            break
    return queries


CREDIT_WORDS = ("گزارش", "نقل", "اعلام", "منبع", "according", "reported")


def _without_credit_clause(sentence: str) -> str:
    """Drop a leading «به گزارش X،» style clause: the outlet's name is not in the release."""
    head, comma, rest = sentence.partition("،")
    if comma and any(word in head for word in CREDIT_WORDS):
        return rest
    return sentence


def search_url(template: str, query: str) -> str:
    return template.replace("{query}", quote(query))


def plausible_date(copy_date: datetime | None, origin_date: datetime | None, window_days: int) -> bool:
    """An origin is published before its copy (a day of clock skew allowed), within the window."""
    if copy_date is None or origin_date is None:
        return True
    return copy_date - timedelta(days=window_days) <= origin_date <= copy_date + timedelta(days=1)


@dataclass(frozen=True)
class Match:
    index: int
    similarity: float


def best_match(
    copy_text: str, candidates: Sequence[str], threshold: float = COPY_THRESHOLD, phrases: Iterable[str] = ()
) -> Match | None:
    """The candidate most similar to the copy, when it reaches the copy threshold: the copy
    decision itself (``core.syndication.decide.copy_score``, on the texts without their
    credit lines; ``phrases`` are the copy's), so a copy placed here and one placed by the store
    are scored alike."""
    copy = fingerprint(copy_text, phrases)
    best: Match | None = None
    for index, text in enumerate(candidates):
        score = copy_score(copy, fingerprint(text), threshold)
        if score is not None and (best is None or score > best.similarity):
            best = Match(index, score)
    return best
