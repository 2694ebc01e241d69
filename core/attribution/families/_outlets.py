"""Not a family: the reporter and desk words, the outlet behind them («به گزارش خبرنگار اقتصادی X»,
«گروه فناوری X»), and an outlet named where a statement was given or a story continues («در گفت‌وگو با
X», «ادامه خبر در X»). Opening credits, interviews, sign-offs and line labels share them."""

from __future__ import annotations

import re

from core.attribution import lexicon as lx
from core.attribution.scanner import LATIN, Name, Scanner

REPORTER = re.compile(r"خبرنگار(?:ان)?(?!\w)")
DESK = re.compile(r"(?:گروه|سرویس|بخش|میز)\s")


def desk_name(sc: Scanner, p: int, reporter: bool) -> tuple[Name | None, int]:
    """The outlet after a reporter or desk («خبرنگار [اقتصادی] X», «گروه سیاسی «X»»), and where the
    search stopped. Desk words come first; the outlet is a known, headed or quoted name, or the last
    words before the clause ends when they read as a brand («… سیرجان خبر،»)."""
    s = sc.s
    q = p
    words: list[tuple[int, int]] = []
    for _ in range(8):
        q = sc.skip(q)
        if sc.stop_at(q) in ("hard", "end", "connector") and s[q:q + 1] not in "«\"":
            break
        if s[q:q + 1] in "«\"":
            name = sc.scan(q)
            return (name, q) if name is not None and sc.brand(name) else (None, q)
        word = lx.WORD.match(s, q)
        if word is None:
            break
        nxt = lx.WORD.match(s, sc.skip(word.end()))
        if sc.index.match_at(s, q) is not None or lx.PR_PREFIX.match(s, q) or \
                lx.head_kind(word.group(), nxt.group() if nxt else "")[0]:
            name = sc.scan(q)
            return (name, q) if name is not None and sc.accept(name, strict=True) else (None, q)
        if reporter and word.group() == "ما":
            return None, word.end()
        if sc.stop_at(q) == "soft":
            break
        words.append(word.span())
        q = word.end()
    stop = sc.stop_at(sc.skip(q)) if words else None
    if stop in ("hard", "end", "connector"):
        for k in range(1, min(3, len(words)) + 1):
            name = sc.make(words[-k][0], words[-1][1], words[-k][0], False, False)
            if sc.brand(name):
                return name, q
    return None, q


def outlet_at(sc: Scanner, p: int) -> Name | None:
    """An outlet named at ``p``, perhaps through its reporter («خبرنگار [پارلمانی] مهر»)."""
    s = sc.s
    p = sc.skip(p)
    reporter = REPORTER.match(s, p)
    if reporter is not None:
        name, _ = desk_name(sc, reporter.end(), True)
        return name
    name = sc.any_scan(p)
    if name is None or name.end <= name.start:
        return None
    if LATIN.match(s, name.start):
        return name if name.hit or sc.en_accept(name) else None
    return name if sc.brand(name) else None
