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
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from crawler.syndication.minhash import band_hashes, lead_band_hashes, match_text, signature_of
from crawler.syndication.similarity import (
    COPY_THRESHOLD,
    PackedShingles,
    containment,
    pack_shingles,
    packed_containment,
    shingles_of,
    vocabulary,
)
from crawler.text.persian import words

Shingles = frozenset[tuple[str, ...]]
V = TypeVar("V")


def norm_hash(text: str) -> str:
    """sha256 hex of ``text`` in match form: each paragraph's words joined by one space."""
    return _norm_hash([words(line) for line in text.split("\n")])


def _norm_hash(paragraphs: list[list[str]]) -> str:
    form = "\n".join(" ".join(tokens) for tokens in paragraphs if tokens)
    return hashlib.sha256(form.encode("utf-8")).hexdigest()


class Fingerprint:
    """Everything matching needs of one document's text, each part computed when first asked for:
    verifying a stored candidate needs only its packed shingles (often remembered, see
    :data:`PACKED_REMEMBERED`), never its signature or bands."""

    __slots__ = (
        "_bands",
        "_body",
        "_body_hash",
        "_key",
        "_load_body",
        "_norm_hash",
        "_packed",
        "_paragraphs",
        "_shingles",
        "_signature",
        "_text",
        "phrases",
    )

    def __init__(self, body: str, phrases: Iterable[str] = ()) -> None:
        self._body: str | None = body
        self._load_body: Callable[[], str] | None = None
        self._body_hash: str | None = None
        self.phrases = tuple(phrases)
        self._key: bytes | None = None
        self._text: str | None = None
        self._paragraphs: list[list[str]] | None = None
        self._norm_hash: str | None = None
        self._shingles: Shingles | None = None
        self._packed: PackedShingles | None = None
        self._signature: tuple[int, ...] | None = None
        self._bands: list[int] | None = None
        prepared = _PREPARED.get(self.key) if _PREPARED else None
        if prepared is not None:
            self._text = prepared.text

    @classmethod
    def stored(cls, body_hash: str, phrases: Iterable[str], load_body: Callable[[], str]) -> Fingerprint:
        """A stored document's fingerprint, known by the sha256 of its body (``documents.body_hash``):
        the body is read (``load_body``) only when a part that is not remembered is needed."""
        fp = cls.__new__(cls)
        fp._body, fp._load_body, fp._body_hash, fp.phrases = None, load_body, body_hash, tuple(phrases)
        fp._key = fp._text = fp._paragraphs = fp._norm_hash = fp._shingles = None
        fp._packed = fp._signature = fp._bands = None
        return fp

    @property
    def body(self) -> str:
        if self._body is None:
            assert self._load_body is not None
            self._body = self._load_body()
        return self._body

    @body.setter
    def body(self, value: str) -> None:
        self._body = value

    @property
    def key(self) -> bytes:
        """Identifies body and phrases (what every part is computed from)."""
        if self._key is None:
            if self._body_hash is None:
                self._body_hash = hashlib.sha256(self.body.encode("utf-8")).hexdigest()
            self._key = _text_key(self._body_hash, self.phrases)
        return self._key

    @property
    def packed_remembered(self) -> bool:
        """Whether :attr:`packed` is at hand without the body."""
        found = self._packed or _PACKED.get(self.key)
        return found is not None and found.vocabulary is vocabulary()

    def __repr__(self) -> str:
        shown = self._body[:40] if self._body is not None else f"<stored {self._body_hash}>"
        return f"Fingerprint(body={shown!r}…)"

    @property
    def text(self) -> str:
        """The match text (``minhash.match_text``)."""
        if self._text is None:
            self._text = match_text(self.body, self.phrases)
        return self._text

    @property
    def paragraphs(self) -> list[list[str]]:
        """The words of each line of the match text."""
        if self._paragraphs is None:
            self._paragraphs = [words(line) for line in self.text.split("\n")]
        return self._paragraphs

    @property
    def norm_hash(self) -> str:
        if self._norm_hash is None:
            self._norm_hash = _norm_hash(self.paragraphs)
        return self._norm_hash

    @property
    def shingles(self) -> Shingles:
        if self._shingles is None:
            self._shingles = shingles_of(self.paragraphs)
        return self._shingles

    @property
    def packed(self) -> PackedShingles:
        """The shingles packed (``similarity.pack_shingles``), remembered by body and phrases."""
        if self._packed is None:
            found = _PACKED.get(self.key)
            if found is None or found.vocabulary is not vocabulary():
                found = pack_shingles(self.paragraphs)
                _PACKED.put(self.key, found)
            self._packed = found
        return self._packed

    @property
    def signature(self) -> tuple[int, ...]:
        if self._signature is None:
            self._signature = signature_of(self.shingles)
        return self._signature

    @property
    def bands(self) -> list[int]:
        """Signed 64-bit band hashes, band ``i`` at index ``i``: ``BANDS`` of the whole text, then
        ``LEAD_BANDS`` of its lead (empty for a text without words)."""
        if self._bands is None:
            bands = band_hashes(self.signature)
            if bands:
                bands += lead_band_hashes(self.text)
            self._bands = bands
        return self._bands


def fingerprint(body: str, phrases: Iterable[str] = ()) -> Fingerprint:
    return Fingerprint(body, phrases)


PACKED_REMEMBERED = 20_000
"""Packed shingle sets kept per process, most recently used first (a few kilobytes each): a
document stored lately is verified again without its text being normalised and split again."""


class _Remembered(Generic[V]):
    """A small thread-safe LRU map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[bytes, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: bytes, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


_PACKED: _Remembered[PackedShingles] = _Remembered(PACKED_REMEMBERED)


@dataclass(frozen=True)
class Prepared:
    """A fingerprint's match text, computed by one process for another: the crawler, which has
    just normalised the item (its lines are remembered there), prepares it, so that the store's
    writer process does not run hazm over the same text again (``pipelines.store``)."""

    key: bytes
    text: str


def prepare(body: str, phrases: Iterable[str] = ()) -> Prepared:
    fp = Fingerprint(body, phrases)
    return Prepared(fp.key, fp.text)


_PREPARED: _Remembered[Prepared] = _Remembered(256)


def remember(prepared: Prepared) -> None:
    """Let fingerprints of the same body and phrases made in this process use ``prepared``."""
    _PREPARED.put(prepared.key, prepared)


def _text_key(body_hash: str, phrases: tuple[str, ...]) -> bytes:
    digest = hashlib.blake2b(body_hash.encode("ascii"), digest_size=16)
    for phrase in phrases:
        digest.update(b"\x00" + phrase.encode("utf-8"))
    return digest.digest()


def score(a: Shingles, b: Shingles) -> float:
    """The verified similarity of two match texts' shingles (containment, 0..1)."""
    return containment(a, b)


def compare(a: Fingerprint, b: Fingerprint) -> float:
    """:func:`score` of two fingerprints' shingles, computed on their packed forms."""
    found = packed_containment(a.packed, b.packed)
    return score(a.shingles, b.shingles) if found is None else found


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
