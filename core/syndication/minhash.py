"""MinHash signatures and LSH band hashes over the text that matters (pure, no Scrapy).

The scheme, fixed so that every process and every machine computes the same bands
(changing any constant below means running ``scrapy recluster``):

* **text** — :func:`match_text`: the body with its credit phrases removed (each
  ``Attribution.phrase`` as written, and any opening «به گزارش X،» clause, which names the
  publisher or its reporter), lines of boilerplate many outlets share dropped («انتهای پیام»,
  «اخبار مرتبط», «منبع:» …), then hazm-normalised. One outlet's own boilerplate (a like box, its
  related-posts heading) is not known here: that site's page object cuts it at extraction
  (``crawler/pages/<site>.py``).
* **shingles** — word 3-grams of each paragraph in match form
  (``core.syndication.similarity.shingles``: Persian letters, ASCII digits, ZWNJ as space,
  «می»/«نمی» and plural and personal suffixes joined to their word: ``core.text.persian.match_words``).
* **shingle hash** — the first 8 bytes of BLAKE2b of the shingle's words joined by U+001F,
  read as an unsigned little-endian 64-bit integer.
* **permutations** — ``PERMUTATIONS`` = 128 multiply-add hashes
  ``h_i(x) = (a_i·x + b_i) mod 2⁶⁴`` with ``a_i`` odd; ``a`` and ``b`` are drawn from
  ``numpy.random.default_rng(SEED)`` with ``SEED`` = 1405. The signature is, per permutation,
  the minimum over the text's shingle hashes.
* **bands** — ``BANDS`` = 32 bands of ``ROWS`` = 4 consecutive values; a band's hash is the first
  8 bytes of BLAKE2b of its four values (little-endian uint64), read as a *signed* 64-bit integer
  so that it fits a BIGINT column.
* **word bands** — an outlet that rewords a release sentence by sentence (a synonym here, a
  clause moved there) breaks most 3-word shingles while keeping most words: real reworded copies
  keep a Jaccard of 0.4–0.7 on their *sets of words*, different stories on one topic 0.1–0.3. So
  the set of the text's words (match form, each word a one-word shingle) gets a signature with the
  same permutations, and its first ``WORD_BANDS`` × ``WORD_ROWS`` = 16 × 3 values make bands
  32–47 (hashed like the bands above, three values each). They share a band with probability
  ``1 − (1 − J³)¹⁶``: 0.98 at J = 0.6, 0.65 at J = 0.4, 0.35 at J = 0.3, 0.05 at J = 0.15.
* **lead bands** — a copy that keeps only the first paragraph of a long release shares too few
  shingles with it for the bands above (Jaccard 0.25 → one chance in nine). So the lead — the
  first ``LEAD_WORDS`` = 24 words of the first paragraph with at least 8 words — gets a signature
  of its own, and its first ``LEAD_BANDS`` = 8 bands are stored as bands 48–55. Two texts that
  open alike share them whatever follows.

Two texts share at least one band with probability ``1 − (1 − J⁴)³²`` for Jaccard similarity
``J``: 0.87 at J = 0.5, 0.99 at J = 0.6, 0.9995 at J = 0.7; different stories on one topic
(J ≈ 0.05–0.15) share a band with probability 0.0002–0.015. Sharing a band only makes a
candidate: ``core.syndication.decide`` verifies it.

* **indexed bands** — the store keeps only ``INDEXED_BANDS``: the first ``INDEXED_SHINGLE`` shingle
  bands, the first ``INDEXED_WORD`` word bands and the first ``INDEXED_LEAD`` lead bands
  (``storage.bands``). ``python -m bench.bands`` measures candidate recall against fewer bands
  (BENCHMARKS.md, "The band index by month"): 12/8/4 loses no copy of the generated web, but real
  copies need more word bands — stored one at a time, the real copy pairs of
  ``tests/test_realtext_pairs.py`` join at recall 0.923 with 8 word bands and 0.942 with 12 (0.962
  with all 56 bands). Kept shingle bands meet with probability ``1 − (1 − J⁴)¹²``: 0.54 at
  J = 0.5, 0.81 at 0.6, 0.96 at 0.7; kept word bands ``1 − (1 − J³)¹²``: 0.95 at J = 0.6, 0.80 at
  0.5, with a copy usually meeting both.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import numpy as np

from core.syndication.similarity import shingles
from core.text.persian import match_words, normalise

PERMUTATIONS = 128
BANDS = 32
ROWS = 4
SEED = 1405
LEAD_WORDS = 24
LEAD_MIN_WORDS = 8
LEAD_BANDS = 8
WORD_BANDS = 16
WORD_ROWS = 3
INDEXED_SHINGLE = 12
INDEXED_WORD = 12
INDEXED_LEAD = 4
INDEXED_BANDS: tuple[int, ...] = (
    *range(INDEXED_SHINGLE),
    *range(BANDS, BANDS + INDEXED_WORD),
    *range(BANDS + WORD_BANDS, BANDS + WORD_BANDS + INDEXED_LEAD),
)
"""Band numbers the store's index keeps (see the module docstring)."""
assert BANDS * ROWS == PERMUTATIONS
assert WORD_BANDS * WORD_ROWS <= PERMUTATIONS

_RNG = np.random.default_rng(SEED)
_A = (_RNG.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
_B = _RNG.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64) << np.uint64(1)
_EMPTY = np.uint64(2**64 - 1)

Shingle = tuple[str, ...]

OPENING_CREDIT = r"^\s*(?:به\s+)?گزارش\s+(?:[^\s،,:\n]+\s+){0,11}?[^\s،,:\n]+\s*[،,:]\s*"
"""An opening credit clause: «به گزارش X،» / «به گزارش X به نقل از Y،» (at most a dozen words)."""
_OPENING_CREDIT = re.compile(OPENING_CREDIT)
_LEADING_PUNCT = re.compile(r"^[\s،,:؛;\-–—.]+")
_BOILERPLATE = re.compile(
    r"^\s*(?:انتهای پیام|اخبار مرتبط|خبرهای مرتبط|منبع\s*:"
    r"|برچسب[\s\u200c]?ها\s*:|کد خبر\s*:)"
)


def match_text(body: str, phrases: Iterable[str] = ()) -> str:
    """The part of ``body`` two copies of one release share, hazm-normalised, one paragraph a line.

    ``phrases`` are the credit phrases attribution found (as written in ``body``); they, an
    opening «به گزارش X،» clause and boilerplate lines many outlets share are removed.
    """
    text = body
    for phrase in sorted({p for p in phrases if p}, key=len, reverse=True):
        text = text.replace(phrase, " ")
    lines = []
    for line in normalise(text).split("\n"):
        if _BOILERPLATE.match(line):
            continue
        line = _LEADING_PUNCT.sub("", _OPENING_CREDIT.sub("", line)).strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


def shingle_hashes(items: Iterable[Shingle]) -> np.ndarray:
    """Unsigned 64-bit hashes of shingles (sorted, so the array does not depend on set order)."""
    values = sorted(
        int.from_bytes(hashlib.blake2b("\x1f".join(s).encode("utf-8"), digest_size=8).digest(), "little")
        for s in items
    )
    return np.array(values, dtype=np.uint64)


def signature_of(items: Iterable[Shingle]) -> tuple[int, ...]:
    """The MinHash signature of a set of shingles (all 2⁶⁴−1 for an empty set)."""
    blake2b = hashlib.blake2b
    hashes = np.fromiter(  # unsorted: the minimum does not depend on the order
        (
            int.from_bytes(blake2b("\x1f".join(s).encode("utf-8"), digest_size=8).digest(), "little")
            for s in items
        ),
        dtype=np.uint64,
    )
    if hashes.size == 0:
        return tuple([int(_EMPTY)] * PERMUTATIONS)
    with np.errstate(over="ignore"):
        permuted = hashes[:, None] * _A[None, :] + _B[None, :]  # wraps modulo 2⁶⁴
    return tuple(permuted.min(axis=0).tolist())


def signature(text: str) -> tuple[int, ...]:
    """The MinHash signature of ``text`` (already :func:`match_text`)."""
    return signature_of(shingles(text))


def band_hashes(sig: tuple[int, ...] | list[int]) -> list[int]:
    """``BANDS`` signed 64-bit band hashes, band ``i`` at index ``i``; none for an empty text."""
    if len(sig) != PERMUTATIONS:
        raise ValueError(f"a signature has {PERMUTATIONS} values, not {len(sig)}")
    if all(v == int(_EMPTY) for v in sig):
        return []
    raw = np.array(sig, dtype=np.uint64).astype("<u8").tobytes()
    width = ROWS * 8
    return [
        int.from_bytes(
            hashlib.blake2b(raw[i * width : (i + 1) * width], digest_size=8).digest(), "little", signed=True
        )
        for i in range(BANDS)
    ]


def word_band_hashes(words: Iterable[str]) -> list[int]:
    """``WORD_BANDS`` band hashes of the set of ``words`` (see the module docstring), for band
    numbers ``BANDS``…; none for no words."""
    found = {(w,) for w in words}
    if not found:
        return []
    raw = np.array(signature_of(found)[: WORD_BANDS * WORD_ROWS], dtype=np.uint64).astype("<u8").tobytes()
    width = WORD_ROWS * 8
    return [
        int.from_bytes(
            hashlib.blake2b(raw[i * width : (i + 1) * width], digest_size=8).digest(), "little", signed=True
        )
        for i in range(WORD_BANDS)
    ]


def lead(text: str) -> str:
    """The opening words of a match text (see the module docstring); empty for a short text."""
    for line in text.split("\n"):
        found = match_words(line)
        if len(found) >= LEAD_MIN_WORDS:
            return " ".join(found[:LEAD_WORDS])
    return ""


def lead_band_hashes(text: str) -> list[int]:
    """``LEAD_BANDS`` band hashes of the lead of ``text``, for band numbers ``BANDS``…; none when
    the text has no lead."""
    opening = lead(text)
    if not opening:
        return []
    return band_hashes(signature(opening))[:LEAD_BANDS]


def estimated_jaccard(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    return sum(x == y for x, y in zip(a, b, strict=True)) / PERMUTATIONS
