"""How stored attribution chains, origin links and releases compare with ground-truth labels.

Pure functions over plain data (no database, no Scrapy): ``summary`` feeds them what
the store holds for each labelled article.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class AttributionScore:
    chains: int = 0
    """Labelled articles compared (those with an ``attribution`` label that are stored)."""
    exact: int = 0
    """Chains equal to the label, element by element in order."""
    stored: int = 0
    labelled: int = 0
    matched: int = 0

    @property
    def precision(self) -> float | None:
        return self.matched / self.stored if self.stored else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.labelled if self.labelled else None


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
