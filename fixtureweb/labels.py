"""Ground truth for clustering, from ``labels.json``: which pairs of documents are copies.

Definition: two documents form a **positive pair** iff both carry the same non-null
``release`` (the origin, its copies and copies of copies all carry their release's id;
the release of a ministry without a site, ``CRA-…``, groups its copies alone). An own story
(``release`` null) is a singleton: it forms no positive pair. Every other pair is negative;
``negative_pairs`` lists only the **hard** ones — every pair across the two release groups of a
``same_topic_week`` hard negative, and the two pages of a ``same_template`` one — because all
negatives would be quadratic in the size of the web.

Pairs are ``frozenset({url_a, url_b})``. Pure: no Scrapy, no file access.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Mapping
from typing import Any, NamedTuple

Pair = frozenset[str]

HARD_NEGATIVE_KINDS = ("same_topic_week", "same_template")


class Scores(NamedTuple):
    precision: float
    recall: float
    f1: float


def documents(labels: Mapping[str, Any], langs: Collection[str] | None = None) -> list[dict[str, Any]]:
    """Labelled articles, registered and not, optionally only those in ``langs`` (e.g. ``{"fa"}``).

    Translations carry their release but are not near-duplicates of it; a text-only clustering
    test passes ``langs={"fa"}`` to leave them out of the ground truth.
    """
    docs = [*labels["articles"], *labels.get("unregistered", [])]
    return [d for d in docs if langs is None or d.get("lang", "fa") in langs]


def groups(labels: Mapping[str, Any], langs: Collection[str] | None = None) -> dict[str, list[str]]:
    """Release id → URLs of the documents in that release (own stories left out)."""
    out: dict[str, list[str]] = {}
    for d in documents(labels, langs):
        if d["release"] is not None:
            out.setdefault(d["release"], []).append(d["url"])
    return out


def positive_pairs(labels: Mapping[str, Any], langs: Collection[str] | None = None) -> set[Pair]:
    return {
        frozenset(p)
        for urls in groups(labels, langs).values()
        for p in itertools.combinations(sorted(urls), 2)
    }


def negative_pairs(labels: Mapping[str, Any], langs: Collection[str] | None = None) -> set[Pair]:
    """The hard negatives, expanded from the labelled pages to their whole release groups."""
    release = {d["url"]: d["release"] for d in documents(labels, langs)}
    by_release = groups(labels, langs)
    out: set[Pair] = set()
    for url_a, url_b, _kind in labels.get("hard_negatives", []):
        if url_a not in release or url_b not in release:
            continue
        side_a = by_release.get(release[url_a], [url_a]) if release[url_a] else [url_a]
        side_b = by_release.get(release[url_b], [url_b]) if release[url_b] else [url_b]
        out.update(frozenset((a, b)) for a in side_a for b in side_b if a != b)
    return out


def pairs(labels: Mapping[str, Any], langs: Collection[str] | None = None) -> tuple[set[Pair], set[Pair]]:
    """``(positive_pairs, negative_pairs)``; see the module docstring for the definition."""
    return positive_pairs(labels, langs), negative_pairs(labels, langs)


def predicted_pairs(clusters: Iterable[Iterable[str]]) -> set[Pair]:
    """Pairs a clustering puts together (each cluster an iterable of URLs; singletons allowed)."""
    return {frozenset(p) for c in clusters for p in itertools.combinations(sorted(set(c)), 2)}


def score(predicted: set[Pair], positive: set[Pair]) -> Scores:
    """Pairwise precision, recall and F1 (an empty prediction of an empty truth scores 1)."""
    hit = len(predicted & positive)
    precision = hit / len(predicted) if predicted else 1.0
    recall = hit / len(positive) if positive else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1)
