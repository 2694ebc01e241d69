"""A copy's changes as terminal text: what ``scrapy changes URL`` and the shell's ``changes()`` print.

Pure rendering of a :class:`~core.syndication.changes.Comparison`, so the command (``commands/``) and
the shell helper (``crawler/``) print the same lines without either importing the other. Every row of
the side-by-side view becomes one line after a marker, in the copy's order::

    - a sentence of the reference the copy cut
    + a sentence the copy added
    ~ the reference's sentence with the [words] the copy changed
      → the copy's sentence with its [words] in their place
    = an unchanged sentence (only with ``every_row``)

Stored text has its control characters removed when it is crawled, but a store written otherwise
could still hold some; an escape sequence or a bidi override must not steer the terminal, so each is
shown as ``<U+XXXX>`` instead.
"""

from __future__ import annotations

import re

from core.syndication.changes import Comparison, Row, comparison_words, word_diff
from core.text.controls import CONTROLS

MARKS = {"cut": "-", "added": "+", "changed": "~", "same": "="}
_CONTROL = re.compile(f"[{re.escape(CONTROLS)}]")
_LINE_BREAK = re.compile(r"[\t\r\n]+")
_LABEL = 11
"""Width of the header labels (``reference``, ``kept`` …)."""


def shown(text: str) -> str:
    """``text`` as one terminal line: line breaks as spaces, control characters as ``<U+XXXX>``."""
    text = _LINE_BREAK.sub(" ", text)
    return _CONTROL.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def word_changes(before: str, after: str) -> list[tuple[str, str, str]]:
    """:func:`~core.syndication.changes.word_diff`, except that a replaced run holding the same
    words once spelling is set aside is equal: ``word_diff`` compares word by word, so «بسته‌های»
    (with ZWNJ) and «بسته های» (with a space), one word and two, would be marked as changed."""
    out: list[tuple[str, str, str]] = []
    for op, was, now in word_diff(before, after):
        if op == "replace" and comparison_words(was) == comparison_words(now):
            op = "equal"
        out.append((op, was, now))
    return out


def bracketed(before: str, after: str) -> tuple[str, str]:
    """The two sentences with the words that differ between them in brackets (``[…]``)."""
    old: list[str] = []
    new: list[str] = []
    for op, was, now in word_changes(before, after):
        if op == "equal":
            old.append(was)
            new.append(now)
            continue
        if was:
            old.append(f"[{was}]")
        if now:
            new.append(f"[{now}]")
    return " ".join(old), " ".join(new)


def _row_lines(row: Row) -> list[str]:
    if row.kind == "cut":
        return [f"- {shown(row.reference or '')}"]
    if row.kind == "added":
        return [f"+ {shown(row.copy or '')}"]
    if row.kind == "changed":
        before, after = bracketed(row.reference or "", row.copy or "")
        return [f"~ {shown(before)}", f"  → {shown(after)}"]
    return [f"= {shown(row.copy if row.copy is not None else row.reference or '')}"]


def _header(comparison: Comparison, url: str | None) -> list[str]:
    def line(label: str, value: str) -> str:
        return f"{label:<{_LABEL}}{value}"

    c = comparison
    lines = [line("copy", shown(url))] if url else []
    lines.append(line("reference", shown(c.against)))
    lines.append(line("kept", f"{c.kept:.0%} of the reference's sentences"))
    counts = (
        f"{len(c.cut)} cut, {len(c.added)} added, {len(c.reworded)} reworded, "
        f"{len(c.figures)} figure{'' if len(c.figures) == 1 else 's'} changed"
    )
    lines.append(line("changes", counts))
    if c.title is None:
        lines.append(line("title", "unchanged"))
    else:
        before, after = bracketed(*c.title)
        lines += [line("title", f"~ {shown(before)}"), line("", f"→ {shown(after)}")]
    for figure in c.figures:
        lines.append(
            line("figure", f"{shown(figure.before)} → {shown(figure.after)}   in: {shown(figure.sentence)}")
        )
    return lines


def format_text(comparison: Comparison, url: str | None = None, *, every_row: bool = False) -> str:
    """The comparison as terminal lines (see the module docstring); ``url`` names the copy.

    Only the rows that changed are shown unless ``every_row``; a count says how many were left out.
    """
    lines = _header(comparison, url)
    lines.append("")
    hidden = 0
    for row in comparison.rows:
        if row.kind == "same" and not every_row:
            hidden += 1
            continue
        lines += _row_lines(row)
    if not any(row.kind != "same" for row in comparison.rows):
        lines.append("no sentence changed")
    if hidden:
        lines.append(f"({hidden} unchanged sentence{'' if hidden == 1 else 's'} not shown)")
    return "\n".join(lines) + "\n"
