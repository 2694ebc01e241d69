"""What a copy changed against its release's reference document (pure logic, no Scrapy).

The reference is the release's origin when it is stored, else its earliest published document
(``storage.clusters.current_head``). :func:`compare` aligns the two texts and says, sentence by
sentence, what the copy kept, cut, added and reworded, and which figures it changed:

1. **Units.** Each paragraph is split into sentences (after «.», «!», «؟», «?», «؛» and a space).
   The copy's credit phrases (as attribution found them) and an opening «به گزارش X،» clause are
   taken out first, so a copy's first sentence is compared without its credit; a sentence that is
   nothing but a credit line («این خبر به نقل از … منتشر شده است», a PR-office signature), an
   outlet's boilerplate line (its source's ``boilerplate`` in the registry: like boxes, follow-us
   lines) or shorter than ``MIN_WORDS`` words is never cut, added or reworded.
2. **Comparison form.** A sentence is compared on its words after hazm normalisation in match
   form (``core.text.persian.match_words``): «ي/ی», «ك/ک», ZWNJ or a space, and the three digit
   scripts make no difference, so a copy that only changed those changed nothing.
3. **Sentence alignment.** Equal sentences pair first (in order, so a repeated sentence pairs
   with its own repeat). The rest pair by their shared words, each word weighted by how rare it is
   in the two texts (a word in one sentence of each counts fully; one that every sentence holds,
   such as «این», hardly at all), so repeated phrases do not tie sentences together; a pair needs
   ``REWORDED_MATCH`` of the smaller sentence's weight, best pairs first, one to one. Order plays
   no part: reordered paragraphs are not edits.
4. **Inside a pair.** Figures — numbers, percentages, times and dates (Jalali or Gregorian, named
   or numeric) in any digit script — are read from both sentences; a pair whose words differ
   only in figures is a figure change (``figures``), one whose other words differ is ``reworded``
   (and its figure changes are listed too). Word-level differences (:func:`word_diff`) are what a
   side-by-side view marks.

``kept`` is the share of the reference's sentences the copy has, verbatim or changed.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from core.syndication.decide import SENTENCE_END
from core.syndication.minhash import OPENING_CREDIT
from core.text.digits import MATCH_FORM, ascii_digits, unify_letters
from core.text.persian import match_words, normalise_line

VERSION = 1
"""Bumped when the rules change: stored changes computed by an older version are recomputed."""
MIN_WORDS = 4
"""Shorter sentences (datelines, «وی افزود:», headings) are never cut, added or reworded."""
REWORDED_MATCH = 0.5
"""Share of the smaller sentence's word weight two sentences must share to be one sentence reworded."""
LARGER_SHARE = 0.35
"""…and at least this share of the larger one's: a short sentence is not "reworded" into a long
one that merely contains its words (that is a merge: see ``MERGED``)."""
MERGED = 0.8
"""Share of an unpaired sentence's distinct words inside one longer sentence of the other text
that makes it part of that sentence (two sentences joined into one, or one split in two): neither
cut nor added."""
REMEMBERED = 16_384
"""Sentences whose comparison form is remembered (copies share most sentences with their release)."""
CREDIT_RESIDUE = 6
"""A sentence that held a credit phrase and keeps fewer words without it is a credit line."""

_OPENING_CREDIT = re.compile(
    OPENING_CREDIT  # the copy decision's «به گزارش ایسنا،», then what a sentence-by-sentence view also drops:
    + r"|^\s*(?:بنا\s*بر\s*این|بنابراین|طبق\s+این|بر\s+اساس\s+این)\s+گزارش\s*[،,]?\s*"  # بنابر این گزارش،
    r"|^\s*[^\s،,:.!?؟\-–—]+(?:\s+[^\s،,:.!?؟\-–—]+)?\s*[-–—]\s*"  # تهران - ایسنا - (a dateline)
    r"[^،,:.!?؟\-–—]{1,40}?[-–—]\s*[،,]?\s*"
    r"|^\s*[^\s،,:.!?؟\-–—]+\s*[-–—]\s*[^،,:.!?؟\-–—]{1,30}:\s*[،,]?\s*"  # ایسنا- گروه فناوری:
    r"|^\s*[^\s،,:.!?؟\-–—]+(?:\s+[^\s،,:.!?؟\-–—]+){0,3}\s*[-–—]\s+"  # باشگاه خبرنگاران جوان -
)
_LEADING_SPACE = re.compile(r"^[\s،,]+")
_SPACES = re.compile(r"\s{2,}")
_EDGE_PUNCT = re.compile(r"^[\s،,:؛;\-–—.]+|[\s،,:؛;\-–—]+$")

_JALALI = "فروردین|اردیبهشت|خرداد|تیر|مرداد|امرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند"
_GREGORIAN_FA = "ژانویه|فوریه|مارس|آوریل|ژوئن|ژوئیه|اوت|سپتامبر|اکتبر|نوامبر|دسامبر"
_GREGORIAN_EN = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_MONTH = rf"(?:{_JALALI}|{_GREGORIAN_FA}|{_GREGORIAN_EN})"
_FIGURE = re.compile(
    rf"(?<![\w/])\d{{1,2}}\s*(?:ام\s+)?{_MONTH}(?:\s+(?:ماه\s+)?(?:سال\s+)?\d{{4}})?(?![^\W\d_])"  # ۱۶ مهر
    rf"|(?<![\w/])(?:{_GREGORIAN_EN})\.?\s+\d{{1,2}}(?:,?\s+\d{{4}})?(?!\d)"  # October 7, 2024
    r"|(?<![\w/])\d{4}\s*[/\-.]\s*\d{1,2}\s*[/\-.]\s*\d{1,2}(?![\d/])"  # 1403/07/16
    r"|(?<![\w/])\d{1,2}\s*[/\-.]\s*\d{1,2}\s*[/\-.]\s*\d{4}(?![\d/])"  # 16/07/1403
    r"|(?<![\w:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])"  # ۱۰:۴۵
    r"|[%٪]\s*\d+(?:[.,٫٬/]\d+)*"  # ٪۱۲
    r"|\d+(?:[.,٫٬/]\d+)*(?:\s*(?:[%٪]|درصد))?",  # ۱۲٬۵۰۰ ، ۲/۵ ، ۱۲ درصد
    re.IGNORECASE,
)
_MONTH_WORDS = frozenset(
    w for name in f"{_JALALI}|{_GREGORIAN_FA}|{_GREGORIAN_EN}".split("|") for w in match_words(name)
)
_FIGURE_WORD = "#"
_COMPARISON_FORM = {**MATCH_FORM, ord("\u0640"): None}
"""Letters, digits and ZWNJ unified, the kashida («ـ», a stretch of a letter) dropped."""


# --- figures ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    text: str
    """As written."""
    value: str
    """Comparison form: ASCII digits, thousands separators dropped, «٫» and «/» between digits as
    a decimal point, «درصد» and «٪» as «%», month names as written in Persian letters."""


def figures_of(sentence: str) -> list[Figure]:
    """The figures of a sentence, in order (Persian, Arabic-Indic or Latin digits)."""
    probe = unify_letters(ascii_digits(sentence))  # one character for one: spans stay valid
    return [Figure(sentence[m.start() : m.end()], _value(m.group())) for m in _FIGURE.finditer(probe)]


_THOUSANDS = re.compile(r"(?<=\d)[,٬](?=\d{3}(?!\d))")
_PERCENT = re.compile(r"\s*(?:درصد|٪|%)\s*")
_WHITE = re.compile(r"\s+")


def _value(text: str) -> str:
    value = _THOUSANDS.sub("", text).replace("٫", ".")
    if value.count("/") == 1:  # «۲/۵»: a decimal point, as Persian writes it (a date has two)
        value = value.replace("/", ".")
    value = _PERCENT.sub("%", value)
    return _WHITE.sub(" ", value.lower()).strip()


# --- sentences --------------------------------------------------------------------------------
@dataclass(eq=False)
class Unit:
    """One sentence of a text, as written and in comparison form."""

    text: str
    index: int
    """Position in its text (sentences counted from 0)."""
    words: tuple[str, ...]
    """Match-form words, figures included (equal sentences have equal words)."""
    masked: tuple[str, ...]
    """The words with every figure word as ``#`` (a figure change leaves these equal)."""
    wordset: frozenset[str]
    """The distinct masked words (what pairs changed sentences)."""
    figures: tuple[Figure, ...] = ()
    content: bool = True
    """False for credit lines, boilerplate and short fragments: never cut, added or reworded."""


def split_sentences(body: str) -> list[str]:
    """The sentences of a body, paragraph by paragraph (the copy decision's ``SENTENCE_END``)."""
    return [s.strip() for s in SENTENCE_END.split(body) if s.strip()]


def _masked(words: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    for word in words:
        if not word.isalpha() or (word in _MONTH_WORDS and out and out[-1] == _FIGURE_WORD):
            if not out or out[-1] != _FIGURE_WORD:
                out.append(_FIGURE_WORD)
        else:
            out.append(word)
    return tuple(out)


def _words(text: str) -> tuple[str, ...]:
    """Match-form words after hazm; letter, digit and ZWNJ variants of one sentence share one
    normalisation (they are unified first, which changes none of the words)."""
    return _unified_words(text.translate(_COMPARISON_FORM))


@lru_cache(maxsize=REMEMBERED)
def _unified_words(text: str) -> tuple[str, ...]:
    return tuple(match_words(normalise_line(text)))


@lru_cache(maxsize=REMEMBERED)
def _parts(text: str) -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str], tuple[Figure, ...]]:
    """A sentence's words, masked words and figures: copies repeat their release's sentences, so
    most are worked out once per process."""
    words = _words(text)
    masked = _masked(words)
    return words, masked, frozenset(masked), tuple(figures_of(text))


def _strip_phrases(text: str, phrases: Sequence[str]) -> tuple[str, bool]:
    """``text`` without the credit phrases and any opening credit clause or dateline, and whether
    a credit phrase was in it (what is left of such a sentence may be a credit line's remnant)."""
    found = False
    for phrase in phrases:
        if phrase in text:
            text, found = text.replace(phrase, " "), True
    return _without_opening(text), found


@lru_cache(maxsize=REMEMBERED)
def _without_opening(text: str) -> str:
    """``text`` without an opening credit clause or dateline, found on the letter-unified text
    («بنابر اين گزارش» too) and cut from the text as written (unifying keeps every position)."""
    for _ in range(3):  # a dateline, then «به گزارش X،», then «بنابر این گزارش،»
        text = _LEADING_SPACE.sub("", text)
        found = _OPENING_CREDIT.match(unify_letters(text))
        if found is None or not found.end():
            break
        text = text[found.end() :]
    return _EDGE_PUNCT.sub("", _SPACES.sub(" ", text)).strip()


CreditFinder = Callable[[str], Sequence[str]]
"""Credit phrases (as written) that attribution finds in one sentence."""


def units(body: str, phrases: Iterable[str] = (), boilerplate: Iterable[str] = ()) -> list[Unit]:
    """A text's sentences with its credit phrases taken out, and sentences that are not content
    (credit remnants, boilerplate, short fragments) marked."""
    known = sorted({p for p in phrases if p}, key=len, reverse=True)
    furniture = {_words(s) for line in boilerplate for s in split_sentences(line)} - {()}
    out: list[Unit] = []
    for index, raw in enumerate(split_sentences(body)):
        text, credited = _strip_phrases(raw, known)
        words, masked, wordset, figures = _parts(text) if text else ((), (), frozenset(), ())
        unit = Unit(text or raw, index, words, masked, wordset, figures)
        short = len(words) < MIN_WORDS or (credited and len(words) < CREDIT_RESIDUE)
        unit.content = not short and not any(words[: len(f)] == f for f in furniture)
        out.append(unit)
    return out


def is_credit_line(unit: Unit, credits: CreditFinder) -> bool:
    """A short sentence that is all credit once attribution's phrases are taken out (a PR-office
    signature, «منبع: …»)."""
    if len(unit.words) >= 2 * CREDIT_RESIDUE:
        return False
    found = sorted((p for p in credits(unit.text) if p), key=len, reverse=True)
    if not found:
        return False
    rest, _ = _strip_phrases(unit.text, found)
    return len(_words(rest)) < CREDIT_RESIDUE


# --- alignment --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pair:
    reference: Unit
    copy: Unit

    @property
    def verbatim(self) -> bool:
        return self.reference.words == self.copy.words

    @property
    def reworded(self) -> bool:
        return self.reference.masked != self.copy.masked


def align(reference: Sequence[Unit], copy: Sequence[Unit], credits: CreditFinder | None = None) -> list[Pair]:
    """One-to-one pairs of the two texts' content sentences (see the module docstring); with
    ``credits``, the sentences equal pairing leaves over are checked for credit lines first; those
    still unpaired at the end that repeat their paired neighbours are marked not content."""
    ref = [u for u in reference if u.content]
    cop = [u for u in copy if u.content]
    pairs: list[Pair] = []
    waiting: dict[tuple[str, ...], list[Unit]] = {}
    for unit in ref:
        waiting.setdefault(unit.words, []).append(unit)
    left_copy: list[Unit] = []
    for unit in cop:
        same = waiting.get(unit.words)
        if same:
            pairs.append(Pair(same.pop(0), unit))
        else:
            left_copy.append(unit)
    paired = {id(p.reference) for p in pairs}
    left_ref = [u for u in ref if id(u) not in paired]
    if credits is not None:  # attribution runs only on the few short sentences left unpaired
        for unit in (*left_ref, *left_copy):
            unit.content = not is_credit_line(unit, credits)
        left_ref = [u for u in left_ref if u.content]
        left_copy = [u for u in left_copy if u.content]
    if left_ref and left_copy:
        pairs += _pair_by_words(left_ref, left_copy, [*ref, *cop])
    # What is still unpaired may only repeat what the same text says next to it.
    paired_ref, paired_copy = {id(p.reference) for p in pairs}, {id(p.copy) for p in pairs}
    _without_repeats([u for u in left_ref if id(u) not in paired_ref], ref, paired_ref)
    _without_repeats([u for u in left_copy if id(u) not in paired_copy], cop, paired_copy)
    return pairs


REPEAT_COVER = 0.9
"""Share of an unpaired sentence's words found in the paired sentences next to it (two on each side)
that makes it a repeat of them (a page that states its lead twice, or runs a teaser of its first
sentences before them)."""


def _without_repeats(left: list[Unit], every: Sequence[Unit], paired: set[int]) -> None:
    """Mark the unpaired sentences that only repeat their paired neighbours in the same text as not
    content."""
    if not left:
        return
    at = {id(u): k for k, u in enumerate(every)}
    spots = [k for k, u in enumerate(every) if id(u) in paired]
    for unit in left:
        k = bisect.bisect_left(spots, at[id(unit)])
        near = frozenset().union(*(every[i].wordset for i in spots[max(0, k - 2) : k + 2]))
        if unit.wordset and len(unit.wordset - near) <= (1 - REPEAT_COVER) * len(unit.wordset):
            unit.content = False


def _pair_by_words(ref: list[Unit], cop: list[Unit], every: Sequence[Unit]) -> list[Pair]:
    df = Counter(itertools.chain.from_iterable(u.wordset for u in every))

    def weight(word: str) -> float:  # a word in one sentence of each text weighs 1
        return min(1.0, 2.0 / df[word])

    where: dict[str, list[int]] = {}
    for i, unit in enumerate(ref):
        for word in unit.wordset:
            where.setdefault(word, []).append(i)
    ref_mass = [sum(map(weight, u.wordset)) for u in ref]
    scored: list[tuple[float, int, int]] = []
    for j, unit in enumerate(cop):
        mass = sum(map(weight, unit.wordset))
        shared: dict[int, float] = {}
        for word in unit.wordset:
            for i in where.get(word, ()):
                shared[i] = shared.get(i, 0.0) + weight(word)
        for i, value in shared.items():
            smaller, larger = sorted((mass, ref_mass[i]))
            if smaller > 0 and value >= REWORDED_MATCH * smaller and value >= LARGER_SHARE * larger:
                scored.append((value / larger, i, j))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    used_ref: set[int] = set()
    used_copy: set[int] = set()
    out: list[Pair] = []
    for _, i, j in scored:
        if i not in used_ref and j not in used_copy:
            used_ref.add(i)
            used_copy.add(j)
            out.append(Pair(ref[i], cop[j]))
    return out


# --- the comparison ---------------------------------------------------------------------------
@dataclass(frozen=True)
class FigureChange:
    before: str
    after: str
    sentence: str


def figure_changes(pair: Pair) -> list[FigureChange]:
    """Figures of the reference sentence that the copy states differently, in order: figures of one
    kind (percentage, date, time, number) that sit in the same place of the two sentences' aligned
    words (a figure word against a figure word inside a run of equal words), when each sentence has
    one figure word per figure read; else figures of one kind in the same order. A figure the copy
    spells out in words («۴۵ و سه دهم درصد») has no counterpart: that sentence is reworded."""
    a, b = pair.reference.figures, pair.copy.figures
    ma, mb = pair.reference.masked, pair.copy.masked
    if ma.count(_FIGURE_WORD) != len(a) or mb.count(_FIGURE_WORD) != len(b):
        return _figure_changes_by_kind(pair)
    rank_a = _figure_ranks(ma)
    rank_b = _figure_ranks(mb)
    out: list[FigureChange] = []
    for block in difflib.SequenceMatcher(a=ma, b=mb, autojunk=False).get_matching_blocks():
        if block.size < 2:  # a figure word matched alone has no context to say it is the same figure
            continue
        for k in range(block.size):
            i, j = block.a + k, block.b + k
            if ma[i] != _FIGURE_WORD:
                continue
            if _spelled_on(ma, i) or _spelled_on(mb, j):
                continue
            before, after = a[rank_a[i]], b[rank_b[j]]
            if before.value != after.value and _figure_kind(before.value) == _figure_kind(after.value):
                out.append(FigureChange(before.text, after.text, pair.copy.text))
    return out


_NUMBER_WORDS = frozenset(
    {"یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه", "ده", "بیست", "سی", "چهل"}
    | {"پنجاه", "شصت", "هفتاد", "هشتاد", "نود", "صد", "نیم", "ربع"}
)


def _spelled_on(masked: Sequence[str], i: int) -> bool:
    """The figure at ``i`` goes on in words («۴۵ و سه دهم»): only part of it is in digits."""
    return masked[i + 1 : i + 2] == ("و",) and masked[i + 2 : i + 3] != () and masked[i + 2] in _NUMBER_WORDS


def _figure_ranks(masked: Sequence[str]) -> dict[int, int]:
    """Position of each figure word → which figure of the sentence it is."""
    return {i: n for n, i in enumerate(i for i, w in enumerate(masked) if w == _FIGURE_WORD)}


def _figure_kind(value: str) -> str:
    if value.endswith("%") or value.startswith("%"):
        return "percent"
    if ":" in value:
        return "time"
    if any(c.isalpha() for c in value) or value.count("/") == 2 or value.count("-") == 2:
        return "date"
    return "number"


def _figure_changes_by_kind(pair: Pair) -> list[FigureChange]:
    out: list[FigureChange] = []
    for kind in ("percent", "time", "date", "number"):
        a = [f for f in pair.reference.figures if _figure_kind(f.value) == kind]
        b = [f for f in pair.copy.figures if _figure_kind(f.value) == kind]
        matcher = difflib.SequenceMatcher(a=[f.value for f in a], b=[f.value for f in b], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "replace" and i2 - i1 == j2 - j1:
                pairs = zip(a[i1:i2], b[j1:j2], strict=True)
                out += [FigureChange(x.text, y.text, pair.copy.text) for x, y in pairs]
    return out


@dataclass(frozen=True)
class Row:
    """One line of a side-by-side view: ``kind`` is same, changed (reworded or figures), cut or
    added; ``reference``/``copy`` the sentences (None on the side that lacks one)."""

    kind: str
    reference: str | None
    copy: str | None


@dataclass(frozen=True)
class Text:
    """One side of a comparison: what the store holds of a document."""

    url: str
    title: str
    body: str
    phrases: tuple[str, ...] = ()
    boilerplate: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    against: str
    kept: float
    cut: tuple[str, ...]
    added: tuple[str, ...]
    reworded: tuple[tuple[str, str], ...]
    figures: tuple[FigureChange, ...]
    title: tuple[str, str] | None
    rows: tuple[Row, ...]

    def as_dict(self) -> dict[str, Any]:
        """The export form (DESIGN §2 ``changes``)."""
        return {
            "against": self.against,
            "kept": self.kept,
            "cut": list(self.cut),
            "added": list(self.added),
            "reworded": [{"from": a, "to": b} for a, b in self.reworded],
            "figures": [{"from": f.before, "to": f.after, "sentence": f.sentence} for f in self.figures],
            "title": {"from": self.title[0], "to": self.title[1]} if self.title else None,
        }


def compare(reference: Text, copy: Text, credits: CreditFinder | None = None) -> Comparison:
    """What ``copy`` changed against ``reference`` (see the module docstring)."""
    ref = units(reference.body, reference.phrases, reference.boilerplate)
    cop = units(copy.body, copy.phrases, copy.boilerplate)
    pairs = align(ref, cop, credits)
    by_ref = {id(p.reference): p for p in pairs}
    by_copy = {id(p.copy): p for p in pairs}
    content = [u for u in ref if u.content]
    merged = _merged(ref, cop, by_ref) | _merged(cop, ref, by_copy)
    for unit in (*ref, *cop):
        if id(unit) in merged:
            unit.content = False
    cut = tuple(u.text for u in content if id(u) not in by_ref and id(u) not in merged)
    added = tuple(u.text for u in cop if u.content and id(u) not in by_copy)
    changed = sorted((p for p in pairs if not p.verbatim), key=lambda p: p.copy.index)
    reworded = tuple((p.reference.text, p.copy.text) for p in changed if p.reworded)
    figures = tuple(f for p in changed for f in figure_changes(p))
    title = None
    if _words(reference.title) != _words(copy.title):
        title = (reference.title, copy.title)
    present = sum(id(u) in by_ref or id(u) in merged for u in content)
    kept = round(present / len(content), 4) if content else 1.0
    return Comparison(
        against=reference.url,
        kept=kept,
        cut=cut,
        added=added,
        reworded=reworded,
        figures=figures,
        title=title,
        rows=tuple(_rows(ref, cop, by_ref, by_copy)),
    )


def _merged(units_: Sequence[Unit], other: Sequence[Unit], paired: dict[int, Pair]) -> set[int]:
    """Unpaired content sentences of one text that sit, ``MERGED`` of their words, inside one
    longer content sentence of the other text."""
    longer = [u for u in other if u.content]
    found: set[int] = set()
    for unit in units_:
        if not unit.content or id(unit) in paired or not unit.wordset:
            continue
        need = MERGED * len(unit.wordset)
        if any(len(o.wordset) > len(unit.wordset) and len(unit.wordset & o.wordset) >= need for o in longer):
            found.add(id(unit))
    return found


def _rows(ref: list[Unit], cop: list[Unit], by_ref: dict[int, Pair], by_copy: dict[int, Pair]) -> list[Row]:
    """The copy in its order, each cut reference sentence after the row of the reference
    sentence before it (or first); non-content sentences shown as unchanged on their side."""
    rows: list[tuple[float, int, Row]] = []
    ref_at: dict[int, float] = {}
    for n, unit in enumerate(cop):
        pair = by_copy.get(id(unit))
        if pair is None:
            kind = "added" if unit.content else "same"
            rows.append((n, 0, Row(kind, None, unit.text)))
            continue
        ref_at[pair.reference.index] = n
        kind = "same" if pair.verbatim else "changed"
        rows.append((n, 0, Row(kind, pair.reference.text, unit.text)))
    last = -1.0
    for k, unit in enumerate(ref):
        if unit.index in ref_at:
            last = ref_at[unit.index]
        elif unit.content:
            rows.append((last, k + 1, Row("cut", unit.text, None)))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows]


def comparison_words(sentence: str) -> tuple[str, ...]:
    """A sentence's words in comparison form (what decides that two sentences are equal)."""
    return _words(sentence)


def figure_value(text: str) -> str:
    """A figure in comparison form («۱۲٬۵۰۰» and «12,500» alike); see :class:`Figure`."""
    return _value(unify_letters(ascii_digits(text)))


def word_diff(before: str, after: str) -> list[tuple[str, str, str]]:
    """Word-level differences of two sentences: ``(op, before words, after words)`` with op one
    of equal, replace, delete, insert; words compared in match form, shown as written."""
    a, b = before.split(), after.split()
    keys_a = [" ".join(_words(w)) for w in a]
    keys_b = [" ".join(_words(w)) for w in b]
    out: list[tuple[str, str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=keys_a, b=keys_b, autojunk=False).get_opcodes():
        out.append((tag, " ".join(a[i1:i2]), " ".join(b[j1:j2])))
    return out
