"""Precision and recall of attribution chains against labelled texts.

A label is a source a text credits, given as its registry key or as its name (any spelling the text
uses).  Each text has labels it *must* yield, nearest first, and may have names it *may* also yield
(an organisation whose spokesman is quoted, say): a found attribution is correct when it matches a
label of either list, recall counts the must-labels only.  A found attribution matches a label when
its key equals the label, or the label resolves in the registry to its key, or both names are the
same once spelling, head words («خبرگزاری», «روزنامه» …) and PR-office prefixes are set aside.  Each
label can be matched once.

Labelled files (``read_labelled``) are tab-separated, one text a line, ``#`` starting a comment:

* with a header line naming the columns: ``text`` and ``must`` are required, ``may``, ``id``,
  ``split``, ``lang``, ``outlet``, ``url`` and ``family`` are read when present (the real-text corpus,
  ``tests/fixtures/realtext/credit_lines.tsv``);
* without one: ``text<TAB>must`` (``tests/fixtures/attribution/credit_lines.tsv``).

Labels inside a cell are joined by ``|``; ``\\n``, ``\\t`` and ``\\\\`` in a text stand for a line
break, a tab and a backslash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.attribution.grammar import find_attributions
from core.attribution.model import Attribution, Chain
from core.attribution.names import NameIndex, bare_name, bare_name_words
from core.attribution.normalise import normalise

_ESCAPE = re.compile(r"\\([nt\\])")
_UNESCAPE = {"n": "\n", "t": "\t", "\\": "\\"}
COLUMNS = ("id", "split", "lang", "outlet", "url", "family", "must", "may", "text")


class LabelledFileError(ValueError):
    """A labelled file that cannot be read: says the file, the line and what is wrong."""


@dataclass(frozen=True)
class Labelled:
    text: str
    must: tuple[str, ...]
    """Sources the text must yield, nearest first."""
    may: tuple[str, ...] = ()
    """Names it may also yield without being wrong."""
    meta: dict[str, str] = field(default_factory=dict)
    """The other columns (id, split, lang, outlet, url, family) when the file has them."""

    def get(self, column: str) -> str:
        return self.meta.get(column, "")


def unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _UNESCAPE[m.group(1)], text)


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\r\n", "\n").replace("\n", "\\n")


def _labels(cell: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in cell.split("|") if x.strip())


def read_labelled(path: Path) -> list[Labelled]:
    """The labelled texts of ``path`` (see the module docstring for the two layouts)."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelledFileError(f"cannot read {path}: {exc}") from None
    header: list[str] | None = None
    out: list[Labelled] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None and not out and "text" in cells and "must" in cells:
            header = cells
            continue
        if header is None:
            if len(cells) > 2:
                raise LabelledFileError(f"{path}:{number}: {len(cells)} columns; without a header line "
                                        "a line is TEXT<TAB>LABELS")
            out.append(Labelled(unescape(cells[0]), _labels(cells[1] if len(cells) > 1 else "")))
            continue
        if len(cells) != len(header):
            raise LabelledFileError(f"{path}:{number}: {len(cells)} columns, the header has {len(header)}")
        row = dict(zip(header, cells, strict=True))
        meta = {k: v for k, v in row.items() if k not in ("text", "must", "may")}
        out.append(Labelled(unescape(row["text"]), _labels(row["must"]), _labels(row.get("may", "")), meta))
    return out


@dataclass(frozen=True)
class Scores:
    texts: int
    expected: int
    """Must-labels in all texts."""
    found: int
    """Attributions returned for all texts."""
    correct: int
    """Attributions that match a label (must or may)."""
    recalled: int
    """Must-labels matched."""
    exact: int
    """Texts whose chain matches their must-labels exactly, in order."""

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.recalled / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return (f"texts={self.texts} labels={self.expected} found={self.found} correct={self.correct} "
                f"recalled={self.recalled} precision={self.precision:.3f} recall={self.recall:.3f} "
                f"f1={self.f1:.3f} "
                f"exact_chains={self.exact}/{self.texts}")


QUALIFIER_WORDS = 2
"""Words a name may carry beyond the other and still be the same organisation: «شبکه الجزیره قطر» is
«شبکه الجزیره», «سفارت ایران در لندن» is «سفارت ایران» (a country, a city, «در X»)."""


def _same_name(a: str, b: str) -> bool:
    x, y = normalise(bare_name_words(a)).text.split(), normalise(bare_name_words(b)).text.split()
    if not x or not y:
        return False
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    return len(short) >= 2 and long[:len(short)] == short and len(long) - len(short) <= QUALIFIER_WORDS


def matches(found: Attribution, label: str, names: NameIndex | None = None) -> bool:
    if found.source is not None and found.source == label:
        return True
    if names is not None and found.source is not None:
        hit = names.resolve(label)
        if hit is not None and hit[0] == found.source:
            return True
        words = label.split()
        for cut in range(1, min(QUALIFIER_WORDS, len(words) - 1) + 1):
            hit = names.resolve(" ".join(words[:-cut]))
            if hit is not None and hit[0] == found.source:
                return True
    return bare_name(found.name) == bare_name(label) or _same_name(found.name, label)


@dataclass(frozen=True)
class Outcome:
    """One text's chain against its labels: what was right, wrong and missed."""

    chain: Chain
    wrong: tuple[Attribution, ...]
    """Found attributions that match no label."""
    missed: tuple[str, ...]
    """Must-labels nothing matched."""
    exact: bool


def compare(chain: Chain, must: Sequence[str], may: Sequence[str] = (),
            names: NameIndex | None = None) -> Outcome:
    open_must = list(must)
    open_may = list(may)
    wrong: list[Attribution] = []
    for attribution in chain.attributions:
        for labels in (open_must, open_may):
            hit = next((i for i, label in enumerate(labels) if matches(attribution, label, names)), None)
            if hit is not None:
                del labels[hit]
                break
        else:
            wrong.append(attribution)
    exact = len(chain.attributions) == len(must) and all(
        matches(a, label, names) for a, label in zip(chain.attributions, must, strict=True))
    return Outcome(chain, tuple(wrong), tuple(open_must), exact)


def tally(outcomes: Iterable[Outcome], musts: Iterable[Sequence[str]]) -> Scores:
    texts = expected = found = correct = exact = recalled = 0
    for outcome, must in zip(outcomes, musts, strict=True):
        texts += 1
        expected += len(must)
        found += len(outcome.chain.attributions)
        correct += len(outcome.chain.attributions) - len(outcome.wrong)
        recalled += len(must) - len(outcome.missed)
        exact += outcome.exact
    return Scores(texts, expected, found, correct, recalled, exact)


def score(chains: Sequence[Chain], labels: Sequence[Sequence[str]],
          may: Sequence[Sequence[str]] | None = None, names: NameIndex | None = None) -> Scores:
    if len(chains) != len(labels):
        raise ValueError(f"{len(chains)} chains but {len(labels)} labels")
    extra: Sequence[Sequence[str]] = may if may is not None else [()] * len(chains)
    outcomes = [compare(c, m, e, names) for c, m, e in zip(chains, labels, extra, strict=True)]
    return tally(outcomes, labels)


def evaluate(texts: Sequence[str], labels: Sequence[Sequence[str]], names: NameIndex,
             publishers: Sequence[str | None] | None = None) -> Scores:
    """Run ``find_attributions`` on every text and score the chains against ``labels``."""
    pubs: Sequence[str | None] = publishers if publishers is not None else [None] * len(texts)
    chains = [find_attributions(t, names, publisher=p) for t, p in zip(texts, pubs, strict=True)]
    return score(chains, labels, names=names)


def evaluate_labelled(rows: Sequence[Labelled], names: NameIndex) -> list[Outcome]:
    """Each labelled text's outcome, its chain found with no publisher (as ``scrapy attribute``)."""
    return [compare(find_attributions(r.text, names), r.must, r.may, names) for r in rows]


def _row(label: str, scores: Scores) -> str:
    return (f"{label:<14}{scores.texts:>6}{scores.expected:>8}{scores.found:>7}{scores.correct:>9}"
            f"{scores.precision:>11.3f}{scores.recall:>8.3f}{scores.f1:>7.3f}  {scores.exact}/{scores.texts}")


def report(rows: Sequence[Labelled], outcomes: Sequence[Outcome]) -> str:
    """A table of scores: every split, each split's languages, and all texts together."""
    lines = [f"{'part':<14}{'texts':>6}{'labels':>8}{'found':>7}{'correct':>9}{'precision':>11}"
             f"{'recall':>8}{'f1':>7}  exact"]

    def part(keep: list[int]) -> Scores:
        return tally([outcomes[i] for i in keep], [rows[i].must for i in keep])

    splits = sorted({r.get("split") for r in rows})
    for split in splits:
        keep = [i for i, r in enumerate(rows) if r.get("split") == split]
        if split:
            lines.append(_row(split, part(keep)))
        for lang in sorted({rows[i].get("lang") for i in keep} - {""}):
            lines.append(_row(f"  {lang}", part([i for i in keep if rows[i].get("lang") == lang])))
    lines.append(_row("all", part(list(range(len(rows))))))
    return "\n".join(lines)


def describe(row: Labelled, outcome: Outcome) -> str:
    """One text's errors, for working on the grammar: what it missed and what it found wrongly."""
    head = " ".join(x for x in (row.get("id"), row.get("outlet"), row.get("family")) if x)
    out = [f"{head}: {escape(row.text)}"]
    out += [f"    missed {label!r}" for label in outcome.missed]
    out += [f"    wrong  {a.name!r} ({a.source or 'unknown'}) from {a.phrase!r}" for a in outcome.wrong]
    return "\n".join(out)
