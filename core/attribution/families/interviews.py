"""Statements given to an outlet: «در گفت‌وگو با ایسنا», «در پاسخ به ایسنا گفت», «به خبرنگار مهر گفت»,
«گفت‌وگوی X با …»: the outlet that took the statement is its source."""

from __future__ import annotations

import re

from core.attribution.families._outlets import outlet_at
from core.attribution.scanner import DIRECT, WORD_START, Hop, Scanner

_GOFTOGOO = r"گفت\s?و?\s?گو"
_INTERVIEW = re.compile(
    WORD_START + r"(?:(?:در|طی|ضمن)\s(?:" + _GOFTOGOO + r"(?:یی|ی)?|مصاحبه(?:\s?ای)?|گفت\s?و\s?شنود)"
    r"(?:\s(?:اختصاصی|تلفنی|ویژه|مفصل|کوتاه|زنده|رسانه\s?ای))?\s(?:با|به)|در\sپاسخ\sبه|با\sحضور\sدر)\s(?=\S)"
)
_INTERVIEW_OF = re.compile(WORD_START + r"(?:" + _GOFTOGOO + r"ی|مصاحبه\s?ی)\s(?=\S)")  # «گفت‌وگوی X با …»
_TOLD = re.compile(r"(?<!\S)(?:گفت|گفته|گفتند|اظهار\s(?:داشت|کرد)|توضیح\sداد|اعلام\sکرد)(?!\w)")


def find(sc: Scanner) -> None:
    """«در گفت‌وگو با ایسنا», «در پاسخ به ایسنا گفت», «به خبرنگار مهر گفت», «گفت‌وگوی X با …»: the
    outlet that took the statement is its source."""
    s = sc.s
    for m in _INTERVIEW.finditer(s):
        name = outlet_at(sc, m.end())
        if name is not None:
            sc.add(m.start(), DIRECT, [Hop(name, m.start())])
    for m in _INTERVIEW_OF.finditer(s):
        name = outlet_at(sc, m.end())
        after = sc.skip(name.end_phrase or name.end) if name is not None else 0
        if name is not None and s.startswith("با ", after):
            sc.add(m.start(), DIRECT, [Hop(name, m.start())])
    for m in _TOLD.finditer(s):
        sentence = max(s.rfind(c, 0, m.start()) for c in ".!?؟\n:") + 1
        at = s.rfind("به ", max(sentence, m.start() - 80), m.start())
        if at < 0 or (at > 0 and not s[at - 1].isspace()) or len(s[at:m.start()].split()) > 7:
            continue
        name = outlet_at(sc, at + 3)
        after = sc.skip(name.end_phrase or name.end) if name is not None else -1
        if s[after:after + 1] == "،":
            after = sc.skip(after + 1)
        if name is not None and after == m.start():
            sc.add(at, DIRECT, [Hop(name, at, m.end())])
