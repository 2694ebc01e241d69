"""Is this text a copy of that one? The one place that decides (pure logic, no Scrapy).

Two stages, both on :func:`core.syndication.minhash.match_text` (credit lines and
boilerplate removed, hazm-normalised):

1. **exact** — equal ``norm_hash`` (sha256 of the words of each paragraph in match form):
   a copy that changed nothing but letters, digits, ZWNJ, spacing or its credit line;
2. **near** — a candidate that shares a MinHash band (found by an indexed lookup in the
   store) is a copy when its similarity reaches ``threshold``. The similarity is the larger of

   * the containment of word 3-gram shingles, ``|A ∩ B| / min(|A|, |B|)``: containment, not
     Jaccard, so that a copy keeping only the first paragraphs of a long release is still a copy;
   * the **aligned share** (:func:`align`): the share of one text's words that sit in
     sentences matched, one by one, by a sentence of the other text holding at least
     ``SENTENCE_MATCH`` of their words, *with no figure changed*. Real outlets reword releases
     sentence by sentence (measured on real copy pairs, tests/fixtures/realtext/pairs/: a third
     of them keep less than 0.7 of their shingles), which breaks shingles but not sentences;
     the releases of one template (daily bulletins, weekly warnings) share sentences too, but
     their figures and dates differ, and a sentence whose figures disagree is not matched.

The title never takes part: outlets rewrite headlines, and two different releases of one
ministry often share one.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, TypeVar

import numpy as np

from core.syndication.minhash import (
    band_hashes,
    lead_band_hashes,
    match_text,
    signature_of,
    word_band_hashes,
)
from core.syndication.similarity import (
    COPY_THRESHOLD,
    PackedShingles,
    Vocabulary,
    containment,
    pack_shingles,
    packed_containment,
    shingles_of,
    vocabulary,
)
from core.text.persian import match_words

Shingles = frozenset[tuple[str, ...]]
V = TypeVar("V")


def norm_hash(text: str) -> str:
    """sha256 hex of ``text`` in match form: each paragraph's words joined by one space."""
    return _norm_hash([match_words(line) for line in text.split("\n")])


def _norm_hash(paragraphs: list[list[str]]) -> str:
    form = "\n".join(" ".join(tokens) for tokens in paragraphs if tokens)
    return hashlib.sha256(form.encode("utf-8")).hexdigest()


class Fingerprint:
    """Everything matching needs of one document's text, each part computed when first asked for:
    verifying a stored candidate needs only its packed shingles (often remembered, see
    :data:`PACKED_REMEMBERED`, :data:`TEXTS_REMEMBERED`), never its signature or bands."""

    __slots__ = (
        "_bands",
        "_body",
        "_body_hash",
        "_key",
        "_load_body",
        "_norm_hash",
        "_packed",
        "_paragraphs",
        "_sentences",
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
        self._sentences: SentenceSet | None = None
        self._norm_hash: str | None = None
        self._shingles: Shingles | None = None
        self._packed: PackedShingles | None = None
        self._signature: tuple[int, ...] | None = None
        self._bands: list[int] | None = None
        prepared = _PREPARED.get(self.key) if _PREPARED else None
        if prepared is not None:
            self._text = prepared.text

    @classmethod
    def stored(
        cls,
        body_hash: str,
        phrases: Iterable[str],
        load_body: Callable[[], str],
        norm_hash: str | None = None,
    ) -> Fingerprint:
        """A stored document's fingerprint, known by the sha256 of its body (``documents.body_hash``)
        and, when given, its stored ``documents.norm_hash`` (so comparing normalised texts reads no
        body): the body is read (``load_body``) only when a part that is not remembered is needed."""
        fp = cls.__new__(cls)
        fp._body, fp._load_body, fp._body_hash, fp.phrases = None, load_body, body_hash, tuple(phrases)
        fp._key = fp._text = fp._paragraphs = fp._sentences = fp._shingles = None
        fp._norm_hash = norm_hash or None  # an empty stored value is worked out again
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
    def remembered(self) -> bool:
        """Whether :attr:`packed` and :attr:`text` (all that verifying needs) are at hand without
        the body."""
        found = self._packed or _PACKED.get(self.key)
        return (
            found is not None
            and found.vocabulary is vocabulary()
            and (self._text is not None or _TEXTS.get(self.key) is not None)
        )

    def __repr__(self) -> str:
        shown = self._body[:40] if self._body is not None else f"<stored {self._body_hash}>"
        return f"Fingerprint(body={shown!r}…)"

    @property
    def text(self) -> str:
        """The match text (``minhash.match_text``)."""
        if self._text is None:
            found = _TEXTS.get(self.key)
            if found is None:
                found = match_text(self.body, self.phrases)
                _TEXTS.put(self.key, found)
            self._text = found
        return self._text

    @property
    def paragraphs(self) -> list[list[str]]:
        """The words of each line of the match text."""
        if self._paragraphs is None:
            self._paragraphs = [match_words(line) for line in self.text.split("\n")]
        return self._paragraphs

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        """The match text's sentences of at least ``MIN_SENTENCE_WORDS`` words."""
        return self.sentence_set.sentences

    @property
    def sentence_set(self) -> SentenceSet:
        """:attr:`sentences` with their word index, remembered by body and phrases."""
        if self._sentences is None:
            found = _SENTENCES.get(self.key)
            if found is None:
                found = SentenceSet.of(sentences_of(self.text))
                _SENTENCES.put(self.key, found)
            self._sentences = found
        return self._sentences

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
        """Signed 64-bit band hashes, band ``i`` at index ``i``: ``BANDS`` of the whole text's
        shingles, ``WORD_BANDS`` of its set of words, then ``LEAD_BANDS`` of its lead (empty for a
        text without words)."""
        if self._bands is None:
            bands = band_hashes(self.signature)
            if bands:
                bands += word_band_hashes(w for paragraph in self.paragraphs for w in paragraph)
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

TEXTS_REMEMBERED = 10_000
"""Match texts kept per process, most recently used first (a few kilobytes each): the aligned
share (:func:`align`) of a stored candidate needs its sentences, and without its text a body would
be read and run through hazm again."""
_TEXTS: _Remembered[str] = _Remembered(TEXTS_REMEMBERED)

SENTENCES_REMEMBERED = 2_000
"""Sentence sets (:class:`SentenceSet`, tens of kilobytes each) kept per process: the candidates a
new document is aligned with are mostly documents stored lately."""
_SENTENCES: _Remembered[SentenceSet] = _Remembered(SENTENCES_REMEMBERED)


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
    """The containment of two match texts' shingles (0..1)."""
    return containment(a, b)


def compare(a: Fingerprint, b: Fingerprint) -> float:
    """The similarity the copy decision compares with the threshold (0..1): the larger of the
    shingle containment (on the packed forms) and the :func:`align` share; only the aligned share
    when the two texts state different figures (:attr:`Alignment.figures_changed`)."""
    found = packed_containment(a.packed, b.packed)
    value = score(a.shingles, b.shingles) if found is None else found
    if value >= 1.0 or value < ALIGN_FLOOR:
        return value
    alignment = _align(a.sentence_set, b.sentence_set)
    if alignment.figures_changed:
        return alignment.share
    return max(value, alignment.share)


# --- sentences ------------------------------------------------------------------------------

ALIGN_FLOOR = 0.3
"""Below this shingle containment two texts are not aligned at all: most candidates share a band by
chance and cost no sentence matching then (on the fixture web most do share template phrases). The
real copy pairs that reword most still keep 0.44 of their release's shingles
(tests/fixtures/realtext/pairs/, dev split)."""
MIN_SENTENCE_WORDS = 4
"""Shorter sentences (headings, datelines, «وی افزود:») take no part in the aligned share."""
SENTENCE_MATCH = 0.6
"""Share of a sentence's distinct words another sentence must hold to be its match."""
MIN_ALIGNED_WORDS = 30
"""A text with fewer words in its sentences has no aligned share (one short sentence in common
says nothing)."""

SENTENCE_END = re.compile(r"(?<=[.!?؟؛])\s+|\n")
"""Where a sentence ends: after «.», «!», «?», «؟» or «؛» and a space, and at a line break."""
_FIGURE = re.compile(r"^\d+$")


@dataclass(frozen=True)
class Sentence:
    words: frozenset[str]
    figures: frozenset[str]
    """Its numbers (digit runs in match form: figures, percentages, dates, times)."""
    size: int
    """Words, repeats included: the sentence's weight in the aligned share."""


def sentences_of(text: str) -> tuple[Sentence, ...]:
    """The sentences of a match text with at least ``MIN_SENTENCE_WORDS`` words."""
    found = []
    for part in SENTENCE_END.split(text):
        tokens = match_words(part)
        if len(tokens) >= MIN_SENTENCE_WORDS:
            words_ = frozenset(tokens)
            found.append(Sentence(words_, frozenset(w for w in words_ if _FIGURE.match(w)), len(tokens)))
    return tuple(found)


def _figures_agree(a: Sentence, b: Sentence) -> bool:
    """One sentence's figures are among the other's (a copy may drop one, never change one)."""
    return not a.figures or not b.figures or a.figures <= b.figures or b.figures <= a.figures


FIGURES_CHANGED = 2
"""Matched sentences whose figures disagree that make two texts different releases of one
template (when they outnumber the matched sentences whose figures agree): one changed figure
is an edit or a typo of a copy, two are another day's bulletin."""


@dataclass(frozen=True)
class Alignment:
    share: float
    """Share of one text's sentence words in matched sentences with figures that agree (the
    larger of the two texts' shares)."""
    agreeing: int
    """Matched sentences with figures on both sides, the same."""
    disagreeing: int
    """Matched sentences whose figures differ (not counted in ``share``)."""

    @property
    def figures_changed(self) -> bool:
        return self.disagreeing >= FIGURES_CHANGED and self.disagreeing > self.agreeing


def align(a: Sequence[Sentence], b: Sequence[Sentence]) -> Alignment:
    """Match each sentence of one text with the sentence of the other that holds most of its
    distinct words, when that is at least ``SENTENCE_MATCH`` of them, both ways round: the share
    is the larger of the two (a copy that adds its own framing is still mostly made of the
    release's sentences, and a copy that cuts is mostly the release's), the figure counts are the
    larger of the two. Order does not matter (reordered paragraphs are still a copy)."""
    return _align(SentenceSet.of(a), SentenceSet.of(b))


@dataclass(frozen=True, eq=False)
class SentenceSet:
    """A text's sentences with what aligning them needs, built once: their distinct words as ids of
    the shingles' vocabulary (``similarity.vocabulary``), ``ids`` sorted, and a 0/1 matrix of
    sentences × ``ids`` (which sentence holds which word)."""

    sentences: tuple[Sentence, ...]
    total: int
    vocabulary: Vocabulary
    ids: np.ndarray
    matrix: np.ndarray
    lengths: np.ndarray
    """Distinct words of each sentence."""

    @classmethod
    def of(cls, sentences: Sequence[Sentence]) -> SentenceSet:
        vocab = vocabulary()
        rows = [np.fromiter(map(vocab.id, s.words), dtype=np.int64, count=len(s.words)) for s in sentences]
        flat = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        ids, column = np.unique(flat, return_inverse=True)
        lengths = np.array([len(s.words) for s in sentences], dtype=np.int64)
        matrix = np.zeros((len(sentences), ids.size), dtype=np.float32)
        matrix[np.repeat(np.arange(len(sentences)), lengths), column] = 1.0
        total = sum(x.size for x in sentences)
        return cls(tuple(sentences), total, vocab, ids, matrix, lengths)

    @cached_property
    def where(self) -> dict[str, tuple[int, ...]]:
        """Word → the sentences holding it (:func:`_align_into_by_words`)."""
        where: dict[str, list[int]] = {}
        for i, sentence in enumerate(self.sentences):
            for word in sentence.words:
                where.setdefault(word, []).append(i)
        return {w: tuple(v) for w, v in where.items()}


def _align(a: SentenceSet, b: SentenceSet) -> Alignment:
    if a.vocabulary is b.vocabulary:
        # Words shared by sentence i of ``a`` and sentence j of ``b``, for every i and j at once: a
        # product of the two matrices on the words both texts hold.
        _, in_a, in_b = np.intersect1d(a.ids, b.ids, assume_unique=True, return_indices=True)
        shared = a.matrix[:, in_a] @ b.matrix[:, in_b].T
        one, other = _align_into(a, b, shared), _align_into(b, a, shared.T)
    else:  # packed with a vocabulary since replaced
        one, other = _align_into_by_words(a, b), _align_into_by_words(b, a)
    return Alignment(
        max(one.share, other.share),
        max(one.agreeing, other.agreeing),
        max(one.disagreeing, other.disagreeing),
    )


def _align_into(a: SentenceSet, b: SentenceSet, shared: np.ndarray) -> Alignment:
    """The share of ``a``'s sentence words in sentences matched by a sentence of ``b``; ``shared``:
    the words sentence i of ``a`` and sentence j of ``b`` share, at [i, j]. Each sentence's match is
    the one sharing most words (the first of those), when that is ``SENTENCE_MATCH`` of its own."""
    if a.total < MIN_ALIGNED_WORDS or not b.sentences:
        return Alignment(0.0, 0, 0)
    best, most = shared.argmax(axis=1), shared.max(axis=1)
    matches = np.flatnonzero(most >= SENTENCE_MATCH * a.lengths).tolist()
    return _tally(a, ((a.sentences[i], b.sentences[int(best[i])]) for i in matches))


def _align_into_by_words(a: SentenceSet, b: SentenceSet) -> Alignment:
    """:func:`_align_into` word by word, for sets whose ids do not compare."""
    if a.total < MIN_ALIGNED_WORDS or not b.sentences:
        return Alignment(0.0, 0, 0)
    where = b.where

    def matches() -> Iterator[tuple[Sentence, Sentence]]:
        for sentence in a.sentences:
            counts: dict[int, int] = {}
            for word in sentence.words:
                for i in where.get(word, ()):
                    counts[i] = counts.get(i, 0) + 1
            if not counts:
                continue
            best = min(counts, key=lambda i: (-counts[i], i))
            if counts[best] >= SENTENCE_MATCH * len(sentence.words):
                yield sentence, b.sentences[best]

    return _tally(a, matches())


def _tally(a: SentenceSet, matches: Iterable[tuple[Sentence, Sentence]]) -> Alignment:
    """The alignment of ``a`` from its sentences' matches: a match whose figures differ counts as
    disagreeing; one whose figures agree adds its words, and counts as agreeing when both state
    figures."""
    matched = agreeing = disagreeing = 0
    for sentence, other in matches:
        if not _figures_agree(sentence, other):
            disagreeing += 1
            continue
        matched += sentence.size
        agreeing += bool(sentence.figures and other.figures)
    return Alignment(matched / a.total, agreeing, disagreeing)


def copy_similarity(a: Fingerprint, b: Fingerprint) -> float:
    """The one similarity Manba records for a link between two texts (``documents.similarity``: a
    copy's against its release's head, or against the origin it was followed to): 1.0 for equal
    normalised texts, else :func:`compare`, rounded to 4 places."""
    return 1.0 if a.norm_hash and a.norm_hash == b.norm_hash else round(compare(a, b), 4)


def copy_score(a: Fingerprint, b: Fingerprint, threshold: float = COPY_THRESHOLD) -> float | None:
    """**The copy decision**: the :func:`copy_similarity` of two texts when one is a copy of the
    other (it reaches ``threshold``), ``None`` when it is not. The store's band lookup,
    ``scrapy recluster`` and origin following all ask this function."""
    value = 1.0 if a.norm_hash and a.norm_hash == b.norm_hash else compare(a, b)
    return round(value, 4) if value >= threshold else None
