"""Precision and recall of attribution chains against labelled texts.

A label is the list of sources a text credits, nearest first, each given as its registry key or, for a
source the registry does not know, its name.  A found attribution is correct when its key equals a
label or its name is the labelled name (compared on normalised spelling, with head words such as
«خبرگزاری» / «روزنامه» and PR-office prefixes set aside).  Each label can be matched once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crawler.attribution.grammar import find_attributions
from crawler.attribution.model import Attribution, Chain
from crawler.attribution.names import NameIndex, bare_name


@dataclass(frozen=True)
class Scores:
    texts: int
    expected: int
    """Labels in all texts."""
    found: int
    """Attributions returned for all texts."""
    correct: int
    """Attributions that match a label."""
    exact: int
    """Texts whose chain matches their labels exactly, in order."""

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return (f"texts={self.texts} labels={self.expected} found={self.found} correct={self.correct} "
                f"precision={self.precision:.3f} recall={self.recall:.3f} f1={self.f1:.3f} "
                f"exact_chains={self.exact}/{self.texts}")


def matches(found: Attribution, label: str) -> bool:
    return found.source == label or (found.source is None and bare_name(found.name) == bare_name(label))


def score(chains: Sequence[Chain], labels: Sequence[Sequence[str]]) -> Scores:
    if len(chains) != len(labels):
        raise ValueError(f"{len(chains)} chains but {len(labels)} labels")
    expected = found = correct = exact = 0
    for chain, wanted in zip(chains, labels, strict=True):
        expected += len(wanted)
        found += len(chain.attributions)
        open_labels = list(wanted)
        for attribution in chain.attributions:
            for i, label in enumerate(open_labels):
                if matches(attribution, label):
                    correct += 1
                    del open_labels[i]
                    break
        if len(chain.attributions) == len(wanted) and all(
                matches(a, label) for a, label in zip(chain.attributions, wanted, strict=True)):
            exact += 1
    return Scores(len(chains), expected, found, correct, exact)


def evaluate(texts: Sequence[str], labels: Sequence[Sequence[str]], names: NameIndex,
             publishers: Sequence[str | None] | None = None) -> Scores:
    """Run ``find_attributions`` on every text and score the chains against ``labels``."""
    pubs: Sequence[str | None] = publishers if publishers is not None else [None] * len(texts)
    chains = [find_attributions(t, names, publisher=p) for t, p in zip(texts, pubs, strict=True)]
    return score(chains, labels)
