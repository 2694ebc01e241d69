"""How stored attribution chains, origin links, releases and copies' changes compare with
ground-truth labels.

Pure functions over plain data (no database, no Scrapy): ``summary`` feeds them what
the store holds for each labelled article.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from core.syndication.changes import comparison_words, figure_value

_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "\u200c": " "})
_SPACES = re.compile(r"\s+")

ChainElement = Mapping[str, Any]
"""One attribution: at least ``source`` (registry key or None) and ``name``."""


def normalise_name(name: str) -> str:
    """Arabic ي/ك as Persian ی/ک, ZWNJ as a space, runs of spaces collapsed."""
    return _SPACES.sub(" ", name.translate(_LETTERS)).strip()


def same_element(a: ChainElement, b: ChainElement) -> bool:
    """By registry key when both have one, else by (lightly normalised) name."""
    if a.get("source") and b.get("source"):
        return bool(a["source"] == b["source"])
    return normalise_name(str(a.get("name") or "")) == normalise_name(str(b.get("name") or ""))


def count_matches(stored: Sequence[ChainElement], labelled: Sequence[ChainElement]) -> int:
    """Elements matched one-to-one regardless of position: pairs by key first, then by name."""
    free = list(range(len(stored)))
    matched = 0
    by_name: list[ChainElement] = []
    for want in labelled:
        key = want.get("source")
        hit = next((i for i in free if key and stored[i].get("source") == key), None)
        if hit is None:
            by_name.append(want)
        else:
            free.remove(hit)
            matched += 1
    for want in by_name:
        hit = next((i for i in free if same_element(stored[i], want)), None)
        if hit is not None:
            free.remove(hit)
            matched += 1
    return matched


def chains_equal(stored: Sequence[ChainElement], labelled: Sequence[ChainElement]) -> bool:
    return len(stored) == len(labelled) and all(map(same_element, stored, labelled))


class PrecisionRecall:
    """Precision and recall of ``matched`` items among ``stored`` and ``labelled`` ones."""

    stored: int
    labelled: int
    matched: int

    @property
    def precision(self) -> float | None:
        return self.matched / self.stored if self.stored else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.labelled if self.labelled else None


@dataclass(frozen=True)
class AttributionScore(PrecisionRecall):
    chains: int = 0
    """Labelled articles compared (those with an ``attribution`` label that are stored)."""
    exact: int = 0
    """Chains equal to the label, element by element in order."""
    stored: int = 0
    labelled: int = 0
    matched: int = 0


def score_attributions(
    pairs: Iterable[tuple[Sequence[ChainElement], Sequence[ChainElement]]],
) -> AttributionScore:
    """Score (stored chain, labelled chain) pairs: element precision/recall and exact chains."""
    chains = exact = stored = labelled = matched = 0
    for got, want in pairs:
        chains += 1
        exact += chains_equal(got, want)
        stored += len(got)
        labelled += len(want)
        matched += count_matches(got, want)
    return AttributionScore(chains=chains, exact=exact, stored=stored, labelled=labelled, matched=matched)


@dataclass(frozen=True)
class OriginLinkScore:
    copies: int = 0
    """Labelled copies with a ``copy_of``."""
    linked: int = 0
    """Of which stored in the release whose origin document is ``copy_of``."""

    @property
    def share(self) -> float | None:
        return self.linked / self.copies if self.copies else None


def score_origin_links(pairs: Iterable[tuple[str, str | None]]) -> OriginLinkScore:
    """Score (labelled ``copy_of``, stored release's origin URL or None) pairs."""
    copies = linked = 0
    for copy_of, stored_origin in pairs:
        copies += 1
        linked += stored_origin == copy_of
    return OriginLinkScore(copies=copies, linked=linked)


@dataclass(frozen=True)
class ClusterScore:
    """Pairwise agreement of stored releases with labelled ones: a pair of documents counts when
    both put them together. Documents without a labelled release (own stories) are singletons."""

    documents: int = 0
    labelled_pairs: int = 0
    stored_pairs: int = 0
    correct_pairs: int = 0

    @property
    def precision(self) -> float | None:
        return self.correct_pairs / self.stored_pairs if self.stored_pairs else None

    @property
    def recall(self) -> float | None:
        return self.correct_pairs / self.labelled_pairs if self.labelled_pairs else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def score_clusters(assignments: Iterable[tuple[Any, Any]]) -> ClusterScore:
    """Score (labelled release or None, stored release) pairs, one per document."""
    rows = list(assignments)
    labelled: Counter[Any] = Counter()
    stored: Counter[Any] = Counter()
    both: Counter[tuple[Any, Any]] = Counter()
    for n, (label, release) in enumerate(rows):
        key = label if label is not None else ("singleton", n)
        labelled[key] += 1
        stored[release] += 1
        both[(key, release)] += 1
    return ClusterScore(
        documents=len(rows),
        labelled_pairs=_pairs(labelled.values()),
        stored_pairs=_pairs(stored.values()),
        correct_pairs=_pairs(both.values()),
    )


# --- what copies changed ------------------------------------------------------------------------
CHANGE_KINDS = ("cut", "added", "reworded", "figures")
SAME_SENTENCE = 0.8
"""Word-set Jaccard at which a stored sentence and a labelled one are the same sentence (a label
may keep a few words the store leaves out, such as a credit clause, or the other way round)."""
INSIDE = 0.95
"""Share of the smaller sentence's words inside the larger one that makes them one sentence."""


def _sentence_words(text: str) -> frozenset[str]:
    return frozenset(comparison_words(text))


def _same_sentence(a: str, b: str) -> bool:
    """Equal words, or alike (``SAME_SENTENCE``), or one inside the other and at least half its
    size (a label that keeps a dateline or credit clause the store leaves out)."""
    x, y = _sentence_words(a), _sentence_words(b)
    if x == y:
        return True
    if not x or not y:
        return False
    shared = len(x & y)
    small, large = sorted((len(x), len(y)))
    return shared / len(x | y) >= SAME_SENTENCE or (shared >= INSIDE * small and small >= 0.5 * large)


def _same_figure(stored: Mapping[str, Any], labelled: Mapping[str, Any]) -> bool:
    """The stored figure change names the labelled one: each labelled figure, in comparison form,
    is the stored one or a part of it (a stored date «۱۸ مهر ۱۴۰۳» for a labelled day «۱۸»)."""
    return all(
        figure_value(str(labelled[side])) in figure_value(str(stored[side])) for side in ("from", "to")
    )


def _same_item(kind: str, stored: Any, labelled: Any) -> bool:
    if kind == "figures":
        return _same_figure(stored, labelled)
    if kind == "reworded":
        return all(_same_sentence(stored[side], labelled[side]) for side in ("from", "to"))
    return _same_sentence(str(stored), str(labelled))


def _matched(kind: str, stored: Sequence[Any], labelled: Sequence[Any]) -> int:
    """Stored items paired one to one with labelled ones, greedily in order."""
    left = list(labelled)
    found = 0
    for item in stored:
        at = next((k for k, want in enumerate(left) if _same_item(kind, item, want)), None)
        if at is not None:
            left.pop(at)
            found += 1
    return found


@dataclass
class KindScore(PrecisionRecall):
    stored: int = 0
    labelled: int = 0
    matched: int = 0


@dataclass
class ChangeScore:
    copies: int = 0
    """Labelled copies compared (those with a ``changes`` label)."""
    against: int = 0
    """Of them, stored with changes against the labelled reference."""
    kinds: dict[str, KindScore] = dataclass_field(
        default_factory=lambda: {kind: KindScore() for kind in CHANGE_KINDS}
    )
    titles: KindScore = dataclass_field(default_factory=KindScore)
    variants_only: int = 0
    """Labelled copies that changed nothing but letters, ZWNJ and digits."""
    variants_flagged: int = 0
    """Of them, stored with a figure (or any other change) flagged."""


def score_changes(pairs: Iterable[tuple[Mapping[str, Any] | None, Mapping[str, Any]]]) -> ChangeScore:
    """Stored ``changes`` against labelled ones, item by item: ``(stored or None, labelled)`` for
    every labelled copy. A copy stored without changes has found none of its labelled items."""
    score = ChangeScore()
    for stored, labelled in pairs:
        score.copies += 1
        stored = stored or {}
        score.against += stored.get("against") == labelled.get("against")
        for kind in CHANGE_KINDS:
            got, want = list(stored.get(kind) or []), list(labelled.get(kind) or [])
            k = score.kinds[kind]
            k.stored, k.labelled = k.stored + len(got), k.labelled + len(want)
            k.matched += _matched(kind, got, want)
        got_title, want_title = stored.get("title"), labelled.get("title")
        score.titles.stored += got_title is not None
        score.titles.labelled += want_title is not None
        score.titles.matched += got_title is not None and want_title is not None
        if labelled.get("variants_only"):
            score.variants_only += 1
            score.variants_flagged += any(stored.get(kind) for kind in CHANGE_KINDS)
    return score
