"""Datelines: «تهران - ایرنا -», «تهران (ایرنا) -», "TEHRAN (MNA) –", «ایسنا - گروه اقتصادی:»."""

from __future__ import annotations

import re

from core.attribution import lexicon as lx
from core.attribution.scanner import DIRECT, Hop, Scanner

_LINE_START = r"(?:^|(?<=\n)|(?<=[.!?؟:»]\s))"
_DATELINE = re.compile(
    _LINE_START + r"(?P<city>[^\W\d_]+(?:\s[^\W\d_]+){0,2})\s?-\s?(?P<mid>[^\n\-]{1,40}?)\s?--?(?!-)"
)
_PAREN_DATELINE = re.compile(r"\((?P<mid>[^()\n]{1,40})\)\s?--?(?!-)")
_INNER_DATELINE = re.compile(r"(?<!\S)(?P<city>[^\W\d_]+)\s?-\s?(?P<mid>[^\n\-]{1,30}?)\s?--?(?!-)")
_DESK_TAIL = re.compile(r"\s?[-،/]\s?(?:گروه|سرویس|بخش)\s[^:\n\-]{1,30}?\s?[:\-]")


def find(sc: Scanner) -> None:
    """«تهران - ایرنا -», «تهران (ایرنا) -», «TEHRAN (MNA) –», «ایسنا - گروه اقتصادی:»."""
    s = sc.s
    for m in _DATELINE.finditer(s):
        if any(w in lx.STOP_WORDS or w in lx.NOT_A_SOURCE for w in m.group("city").split()):
            continue
        name = sc.scan(m.start("mid"))
        if name is None or name.end != m.end("mid") or name.end == name.start:
            continue
        at_start = m.start() == 0 or s[m.start() - 1] == "\n"
        if (name.hit or (at_start and len(name.words) <= 3)) and sc.accept(name, strict=True):
            sc.add(m.start(), DIRECT, [Hop(name, m.start(), m.end())])
    for m in _INNER_DATELINE.finditer(s):  # «روز ۱۵ مهر تهران - ایرنا - …»: a known agency only
        name = sc.scan(m.start("mid"))
        if name is not None and name.hit and name.end == m.end("mid") and sc.accept(name, strict=True):
            sc.add(m.start(), DIRECT, [Hop(name, m.start(), m.end())])
    for m in _PAREN_DATELINE.finditer(s):
        mid = m.group("mid").strip()
        line = max(s.rfind("\n", 0, m.start()) + 1, 0)
        head = s[line:m.start()]
        at_start = len(head) <= 40 and not re.search(r"[.!?؟]\s", head)
        hit = sc.index.resolve(mid)
        if hit is None and mid.split()[0].lower() in lx.NOT_A_SOURCE:
            continue  # «TEHRAN (Dispatches) –»: Kayhan's wires, no one in particular
        latin = re.fullmatch(r"[A-Z][A-Za-z0-9&. ]{1,30}", mid) is not None
        if hit is None and not (latin and (mid.isupper() or at_start)) and \
                not (at_start and head.strip() and len(mid.split()) <= 2):
            continue
        name = sc.make(m.start("mid"), m.end("mid"), m.start("mid"), False, hit is not None)
        capital_city = latin and at_start and head.strip()[:1].isupper()
        if hit is None and not capital_city and \
                not (sc.en_accept(name) if latin else sc.accept(name, strict=True)):
            continue
        phrase = line if at_start and head.strip() else m.start()
        sc.add(phrase, DIRECT, [Hop(name, phrase, m.end())])
    for line in sc.line_starts():
        name = sc.scan(line)
        if name is None or name.end == name.start:
            continue
        tail = _DESK_TAIL.match(s, name.end)
        if tail and (name.hit or sc.headed(name) or len(name.words) <= 2) and \
                sc.accept(name, strict=True):
            sc.add(line, DIRECT, [Hop(name, line, tail.end())])
