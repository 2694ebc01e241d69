"""Sentence edits of Persian copies, and what each copy changed against its reference.

A copy's text is kept as *slots*: one per paragraph of the text it was made from (so the
paragraph-level edits of ``generate.make_copy`` — cut_last, reorder, keep_first — index them
exactly as they index that text's paragraphs, and draw the same random numbers), each holding
the paragraphs now in its place (none when a paragraph was dropped, two when the outlet put one
of its own after it). Every sentence remembers which sentence of the release it comes from, so
the ground truth of a copy against any other text of the same release is read off, not guessed
by diffing: a reference sentence no longer there was cut, a sentence from no reference sentence
was added, and a pair from the same release sentence differs by its words (reworded) or by a
figure.

The edits here draw from their own random source (``Editor.rng``), so the rest of the web is
the same with or without them.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from fixtureweb import corpus as C

KINDS = ("cut_middle", "added", "reworded", "figures")
"""The sentence edits, in the order they are applied (a sentence is cut before any is reworded)."""
CHANGE_SHARE = 0.8
"""Copies (not kept for ``variants_only``) that get at least one sentence edit of their own."""
TWO_KINDS = 0.45
"""Of those, the share that get two kinds rather than one."""
MOST_KINDS = 2
"""Kinds of sentence edit a copy carries at most, counting a cut last paragraph as one."""
MIN_KEPT = 0.7
"""A reworded sentence keeps at least this share of its words."""


@dataclass(frozen=True)
class Sent:
    """One sentence of a text, before credit lines and spelling edits."""

    text: str
    ref: int | None
    """Index of the release sentence it comes from; None: written by the outlet (``added``)."""
    reworded: bool = False
    figure: bool = False


Para = tuple[Sent, ...]
Slot = tuple[Para, ...]


def slots_of(paragraphs: Sequence[str], split: Callable[[str], list[str]]) -> list[Slot]:
    """A release's text as slots, its sentences numbered in reading order."""
    out: list[Slot] = []
    k = 0
    for paragraph in paragraphs:
        parts = split(paragraph)
        if " ".join(parts) != paragraph:
            raise ValueError(f"paragraph does not split into sentences cleanly: {paragraph[:60]}")
        out.append(((*(Sent(text, k + i) for i, text in enumerate(parts)),),))
        k += len(parts)
    return out


def render(slots: Sequence[Slot]) -> list[str]:
    return [" ".join(s.text for s in para) for slot in slots for para in slot]


def flat(slots: Sequence[Slot]) -> list[Sent]:
    return [s for slot in slots for para in slot for s in para]


# --- figures and words ---------------------------------------------------------------------

_DIGIT_RUN = re.compile(r"\d+")
_WHOLE_FIGURE = re.compile(r"(?<![\w\u200c])\d+(?![\w\u200c])")
"""A figure standing as a word of its own («۱۸۵», not the «۵» of «۵G»)."""
_TO_ASCII = str.maketrans(C.PERSIAN_DIGITS + C.ARABIC_DIGITS, "0123456789" * 2)
_FROM_ASCII = str.maketrans("0123456789", C.PERSIAN_DIGITS)
_PLAIN = str.maketrans({"ي": "ی", "ك": "ک", C.ZWNJ: " "})


def plain(text: str) -> str:
    """Spelling variants undone: Persian letters, a space for ZWNJ, ASCII digits."""
    return " ".join(text.translate(_PLAIN).translate(_TO_ASCII).split())


def figures(text: str) -> list[str]:
    return _DIGIT_RUN.findall(text)


def words_only(text: str) -> str:
    """The text with every figure replaced by one mark: equal for two sentences that differ by figures."""
    return _DIGIT_RUN.sub("#", plain(text))


def other_figure(value: str, rng: random.Random) -> str:
    """A plausible wrong figure in place of ``value`` (Persian digits): two digits swapped, a year
    one off, or a small number a little off; never the same, never with a leading zero."""
    n = value.translate(_TO_ASCII)
    if n in ("1403", "1404"):
        return ("1404" if n == "1403" else "1403").translate(_FROM_ASCII)
    options = {
        n[:i] + n[i + 1] + n[i] + n[i + 2 :]
        for i in range(len(n) - 1)
        if n[i] != n[i + 1] and not (i == 0 and n[1] == "0")
    }
    if len(n) <= 2 or not options:
        options |= {
            str(int(n) + d) for d in (-3, -2, 2, 3) if len(str(int(n) + d)) == len(n) and int(n) + d > 0
        }
    options.discard(n)
    return rng.choice(sorted(options)).translate(_FROM_ASCII)


_BEFORE, _AFTER = r"(?<![\w\u200c])", r"(?![\w\u200c])"
_REWORDINGS = tuple((a, re.compile(_BEFORE + re.escape(a) + _AFTER), b) for a, b in C.REWORDINGS)


def _words(text: str) -> list[str]:
    return plain(text).split()


def kept_share(before: str, after: str) -> float:
    """Share of ``before``'s words (with repeats) that ``after`` still has."""
    old, new = Counter(_words(before)), Counter(_words(after))
    return sum((old & new).values()) / max(1, sum(old.values()))


def reword(text: str, rng: random.Random) -> str | None:
    """``text`` with one or two word swaps of ``corpus.REWORDINGS``, or None when none applies
    (or the swaps would keep less than ``MIN_KEPT`` of its words)."""
    found = [
        (m.start(), m.end(), new)
        for old, pattern, new in _REWORDINGS
        if old in text
        for m in [pattern.search(text)]
        if m
    ]
    rng.shuffle(found)
    want = rng.choice((1, 2))
    chosen: list[tuple[int, int, str]] = []
    for start, end, new in found:
        if len(chosen) < want and all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, new))
    for count in (len(chosen), 1):
        spans = sorted(chosen[:count])
        out = text
        for start, end, new in reversed(spans):
            out = out[:start] + new + out[end:]
        if spans and plain(out) != plain(text) and kept_share(text, out) >= MIN_KEPT:
            return out
    return None


# --- the editor ----------------------------------------------------------------------------


@dataclass
class Editor:
    """Sentence edits of copies, from a random source of their own."""

    rng: random.Random
    figured: set[str]
    """Releases one of whose copies changed a figure already: at most one line of copies of a
    release (a copy and the copies made from it) carries a changed figure, so two copies of it
    never disagree on two figures (which would make them look like two releases of one template)."""

    def edit(
        self,
        slots: list[Slot],
        facts: dict[str, str],
        *,
        release: str,
        figures_ok: bool,
        new_paragraphs: bool,
        most: int = 2,
    ) -> tuple[list[Slot], list[str]]:
        """Zero, one or two (at most ``most``) kinds of sentence edit on ``slots``; returns the slots
        and the kinds applied.

        ``figures_ok``: the copy may change a figure (a copy of a release on the web whose line of
        copies changed none). ``new_paragraphs``: an added sentence may stand as a paragraph of its
        own (not when the credit shape puts a line before a middle paragraph, which would then
        credit the outlet's own sentence).
        """
        if most <= 0 or self.rng.random() >= CHANGE_SHARE:
            return slots, []
        kinds = self.rng.sample(KINDS, min(most, 2 if self.rng.random() < TWO_KINDS else 1))
        applied: list[str] = []
        for kind in KINDS:
            if kind not in kinds:
                continue
            if kind == "cut_middle":
                done = self._cut_middle(slots)
            elif kind == "reworded":
                done = self._reword(slots)
            elif kind == "figures":
                done = figures_ok and release not in self.figured and self._figure(slots)
                if done:
                    self.figured.add(release)
            else:
                done = self._add(slots, facts, new_paragraphs)
            if done:
                applied.append(kind)
        return slots, applied

    # Positions: (slot, paragraph) of every rendered paragraph that is story text (the PR-office
    # signature is never edited).
    @staticmethod
    def _story(slots: list[Slot]) -> list[tuple[int, int]]:
        return [
            (i, j)
            for i, slot in enumerate(slots)
            for j, para in enumerate(slot)
            if not (len(para) == 1 and para[0].text == C.PR_OFFICE)
        ]

    @staticmethod
    def _set(slots: list[Slot], at: tuple[int, int], para: Para | None) -> None:
        i, j = at
        slot = list(slots[i])
        if para is None:
            del slot[j]
        else:
            slot[j] = para
        slots[i] = tuple(slot)

    def _cut_middle(self, slots: list[Slot]) -> bool:
        story = self._story(slots)
        # Release sentences only: an outlet's own sentence that goes was never a cut of the release.
        middle = [at for at in story[1:-1] if all(s.ref is not None for s in slots[at[0]][at[1]])]
        if not middle:
            return False
        at = self.rng.choice(middle)
        para = slots[at[0]][at[1]]
        if len(para) == 1:
            self._set(slots, at, None)  # a paragraph never becomes empty: the whole paragraph goes
            return True
        cut = set(self.rng.sample(range(len(para)), min(self.rng.choice((1, 2)), len(para) - 1)))
        self._set(slots, at, tuple(s for k, s in enumerate(para) if k not in cut))
        return True

    def _sentences(self, slots: list[Slot]) -> list[tuple[tuple[int, int], int]]:
        """Release sentences that may be reworded or have a figure changed: not the lead (which
        carries the opening credit), not the outlet's own."""
        story = self._story(slots)
        return [
            (at, k)
            for n, at in enumerate(story)
            for k, s in enumerate(slots[at[0]][at[1]])
            if s.ref is not None and not (n == 0 and k == 0)
        ]

    def _reword(self, slots: list[Slot]) -> bool:
        options = [(at, k) for at, k in self._sentences(slots) if not slots[at[0]][at[1]][k].reworded]
        self.rng.shuffle(options)
        want, done = self.rng.choice((1, 1, 2)), 0
        for at, k in options:
            para = slots[at[0]][at[1]]
            new = reword(para[k].text, self.rng)
            if new is None:
                continue
            self._set(slots, at, (*para[:k], replace(para[k], text=new, reworded=True), *para[k + 1 :]))
            done += 1
            if done == want:
                break
        return done > 0

    def _figure(self, slots: list[Slot]) -> bool:
        if any(s.figure for s in flat(slots)):
            return False
        options = [
            (at, k) for at, k in self._sentences(slots) if _WHOLE_FIGURE.search(slots[at[0]][at[1]][k].text)
        ]
        if not options:
            return False
        at, k = self.rng.choice(options)
        para = slots[at[0]][at[1]]
        text = para[k].text
        m = self.rng.choice(list(_WHOLE_FIGURE.finditer(text)))
        new = text[: m.start()] + other_figure(m.group(), self.rng) + text[m.end() :]
        self._set(slots, at, (*para[:k], replace(para[k], text=new, figure=True), *para[k + 1 :]))
        return True

    def _add(self, slots: list[Slot], facts: dict[str, str], new_paragraphs: bool) -> bool:
        story = self._story(slots)
        if len(story) < 3:
            return False
        mine = {s.text for s in flat(slots) if s.ref is None}
        added = 0
        for _ in range(self.rng.choice((1, 1, 2))):
            text = C.fill(self.rng.choice(C.ADDED), facts, self.rng)
            if text in mine:
                continue
            mine.add(text)
            added += 1
            story = self._story(slots)
            # Inside a paragraph after at least one of its sentences (not the first paragraph, which
            # opens with the credit, nor the last), or as a paragraph between two others.
            inside = [(at, k) for at in story[1:-1] for k in range(1, len(slots[at[0]][at[1]]) + 1)]
            between = [(at, -1) for at in story[:-1]] if new_paragraphs else []
            at, k = self.rng.choice(inside + between)
            i, j = at
            para = slots[i][j]
            sent = Sent(text, None)
            slot = list(slots[i])
            if k < 0:
                slot.insert(j + 1, (sent,))
            else:
                slot[j] = (*para[:k], sent, *para[k:])
            slots[i] = tuple(slot)
        return added > 0


# --- ground truth ---------------------------------------------------------------------------


def _key(s: Sent) -> tuple[str, int | str]:
    """What makes two sentences of one release the same sentence: the release sentence they come
    from, or for an outlet's own sentence its words (a reference that is itself a copy, the first
    copy of a CRA release, may have sentences of its own)."""
    return ("release", s.ref) if s.ref is not None else ("own", plain(s.text))


def truth(
    reference: Sequence[Slot],
    copy: Sequence[Slot],
    ref_spell: Callable[[str], str],
    copy_spell: Callable[[str], str],
    skip: Callable[[str], bool],
) -> dict[str, Any]:
    """cut, added, reworded and figures of ``copy`` against ``reference`` (two texts of one release),
    each as written on its page (``*_spell``: that page's spelling edits), in that page's order.
    Sentences ``skip`` says are not content (the PR-office signature) take no part."""
    ref = {_key(s): s for s in flat(reference) if not skip(s.text)}
    mine = [s for s in flat(copy) if not skip(s.text)]
    present = {_key(s) for s in mine}
    out: dict[str, Any] = {
        "cut": [ref_spell(s.text) for k, s in ref.items() if k not in present],
        "added": [copy_spell(s.text) for s in mine if _key(s) not in ref],
        "reworded": [],
        "figures": [],
    }
    for s in mine:
        r = ref.get(_key(s))
        if r is None or r.text == s.text or plain(r.text) == plain(s.text):
            continue
        if words_only(r.text) != words_only(s.text):
            out["reworded"].append({"from": ref_spell(r.text), "to": copy_spell(s.text)})
        before, after = figures(r.text), figures(s.text)
        if len(before) != len(after):
            raise ValueError(f"a sentence edit added or removed a figure: {s.text}")
        out["figures"] += [
            {"from": ref_spell(a), "to": copy_spell(b), "sentence": copy_spell(s.text)}
            for a, b in zip(before, after, strict=True)
            if a.translate(_TO_ASCII) != b.translate(_TO_ASCII)
        ]
    return out
