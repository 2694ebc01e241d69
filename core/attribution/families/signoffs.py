"""Sign-offs: «… ./تسنیم», «… / ایرنا», a title ending «- تسنیم», «(بی بی سی)» closing a paragraph,
«ادامه خبر در ایسنا»: a known name, or one with a media word."""

from __future__ import annotations

import re

from core.attribution.families._outlets import outlet_at
from core.attribution.scanner import DIRECT, WORD_START, Hop, Scanner

_TRAIL = re.compile(r"(?:\./|/|\s-)\s?(?P<name>[^/\n\-.:]{2,40}?)\s?\.?[ \t]*$", re.M)
_TRAIL_PARENS = re.compile(r"\((?P<name>[^()\n]{2,30})\)[.\s]*$", re.M)
_MORE_AT = re.compile(
    WORD_START + r"(?:ادامه|متن\sکامل)\s(?:خبر|مطلب|گزارش|این\s(?:خبر|مطلب|گزارش))(?:\sرا)?\sدر\s"
)


def find(sc: Scanner) -> None:
    """«… ./تسنیم», «… / ایرنا», a title ending «- تسنیم», «(بی بی سی)» closing a paragraph, «ادامه خبر در
    ایسنا»: a known name, or one with a media word."""
    s = sc.s
    for m in _TRAIL.finditer(s):
        name = sc.any_scan(m.start("name"))
        if name is None or sc.skip(name.end_phrase or name.end) < m.end("name") - 1:
            continue
        if (name.hit and not sc.index.is_ambiguous(s[name.start:name.end])) or (
                not name.hit and sc.brand(name) and sc.cued(name)):
            sc.add(m.start(), DIRECT, [Hop(name, m.start(), m.end("name"))])
    for m in _TRAIL_PARENS.finditer(s):
        hit = sc.index.resolve(m.group("name"))
        if hit is not None and not sc.index.is_ambiguous(m.group("name")):
            name = sc.make(m.start("name"), m.end("name"), m.start("name"), False, True)
            sc.add(m.start(), DIRECT, [Hop(name, m.start(), m.end("name") + 1)])
    for m in _MORE_AT.finditer(s):
        name = outlet_at(sc, m.end())
        if name is not None:
            sc.add(m.start(), DIRECT, [Hop(name, m.start())])
