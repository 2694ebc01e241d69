"""Is this text a copy of that one? The one place that decides (pure logic, no Scrapy).

Two stages, both on :func:`crawler.syndication.minhash.match_text` (credit lines and
boilerplate removed, hazm-normalised):

1. **exact** — equal ``norm_hash`` (sha256 of the words of each paragraph in match form):
   a copy that changed nothing but letters, digits, ZWNJ, spacing or its credit line;
2. **near** — a candidate that shares a MinHash band (found by an indexed lookup in the
   store) is a copy when the containment of word 3-gram shingles,
   ``|A ∩ B| / min(|A|, |B|)``, reaches ``threshold``. Containment, not Jaccard, so that a
   copy keeping only the first paragraphs of a long release is still a copy.

The title never takes part: outlets rewrite headlines, and two different releases of one
ministry often share one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from crawler.syndication.minhash import band_hashes, lead_band_hashes, match_text, signature_of
from crawler.syndication.similarity import COPY_THRESHOLD, containment, shingles
from crawler.text.persian import words

Shingles = frozenset[tuple[str, ...]]


def norm_hash(text: str) -> str:
    """sha256 hex of ``text`` in match form: each paragraph's words joined by one space."""
    form = "\n".join(" ".join(words(line)) for line in text.split("\n") if words(line))
    return hashlib.sha256(form.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Fingerprint:
    """Everything matching needs of one document's text."""

    text: str
    """The match text (``minhash.match_text``)."""
    norm_hash: str
    shingles: Shingles = field(repr=False)
    signature: tuple[int, ...] = field(repr=False)
    bands: list[int] = field(repr=False)
    """Signed 64-bit band hashes, band ``i`` at index ``i``: ``BANDS`` of the whole text, then
    ``LEAD_BANDS`` of its lead (empty for a text without words)."""


def fingerprint(body: str, phrases: Iterable[str] = ()) -> Fingerprint:
    text = match_text(body, phrases)
    found = shingles(text)
    sig = signature_of(found)
    bands = band_hashes(sig)
    if bands:
        bands += lead_band_hashes(text)
    return Fingerprint(text, norm_hash(text), found, sig, bands)


def score(a: Shingles, b: Shingles) -> float:
    """The verified similarity of two match texts' shingles (containment, 0..1)."""
    return containment(a, b)


@dataclass(frozen=True, order=True)
class Match:
    score: float
    key: Hashable = field(compare=False)


def copies_among(
    text: Fingerprint,
    candidates: Iterable[tuple[Hashable, str, Shingles]],
    threshold: float = COPY_THRESHOLD,
) -> list[Match]:
    """The candidates ``text`` is a copy of (or that are copies of it), best first.

    ``candidates`` are ``(key, norm_hash, shingles)``; an equal ``norm_hash`` scores 1.0.
    Ties keep the candidates' order, so callers pass them in a stable order.
    """
    found = []
    for key, other_hash, other in candidates:
        value = 1.0 if other_hash == text.norm_hash else score(text.shingles, other)
        if value >= threshold:
            found.append(Match(round(value, 4), key))
    found.sort(key=lambda m: -m.score)
    return found


def is_copy(a: Fingerprint, b: Fingerprint, threshold: float = COPY_THRESHOLD) -> bool:
    return a.norm_hash == b.norm_hash or score(a.shingles, b.shingles) >= threshold
