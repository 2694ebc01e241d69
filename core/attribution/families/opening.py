"""Opening credits: «به گزارش X، …», «به گزارش X به نقل از Y», «به گزارش خبرنگار X», «به نوشته X»,
«گزارش X، …» at the start of a sentence."""

from __future__ import annotations

import re

from core.attribution.families._outlets import DESK, REPORTER, desk_name
from core.attribution.scanner import DIRECT, WORD_START, Scanner

OPENING = re.compile(
    WORD_START + r"(?:بنا\s?(?:به|بر)\s|به\s?)(?P<verb>گزارش|نوشته)(?!\s(?:ها|های|هایی|ی|ات)(?!\w))"
    r"(?:\s(?=\S)|(?=[«\"]))"
)
_BARE_OPENING = re.compile(r"(?:^|(?<=\n)|(?<=[.!?؟]\s))گزارش(?!\s(?:ها|های|هایی|ی|ات)(?!\w))\s(?=\S)")


def find(sc: Scanner) -> None:
    """«به گزارش X، …», «به گزارش X به نقل از Y», «به گزارش خبرنگار X», «به نوشته X», «گزارش X، …»."""
    s = sc.s
    for m in OPENING.finditer(s):
        _opening_at(sc, m.start(), m.end(), bare=False)
    for m in _BARE_OPENING.finditer(s):
        _opening_at(sc, m.start(), m.end(), bare=True)


def _opening_at(sc: Scanner, start: int, p: int, *, bare: bool) -> None:
    s = sc.s
    if not bare:
        reporter = REPORTER.match(s, p)
        marker = reporter or DESK.match(s, p)
        if marker is not None:
            _reporter_or_desk(sc, start, marker.end(), reporter is not None)
            return
    name = sc.scan(p)
    if name is None:
        return
    if name.end == name.start:  # «به گزارش روابط عمومی، …» on the organisation's own page
        if not bare and name.stop in ("hard", "end"):
            sc.add(start, DIRECT, sc.hops(None, start, name.end), own=True)
        return
    if bare and not (name.hit or (sc.headed(name) and name.stop == "hard")):
        return
    if not sc.accept(name, strict=True):
        return
    sc.add(start, DIRECT, sc.hops(name, start, name.end))


def _reporter_or_desk(sc: Scanner, start: int, p: int, reporter: bool) -> None:
    """«به گزارش خبرنگار اقتصادی X»: X's story (own reporting on X's own site); «به گزارش گروه فناوری X»:
    X's desk; «به گزارش خبرنگار ما»: own reporting."""
    found, q = desk_name(sc, p, reporter)
    if found is None:
        sc.add(start, DIRECT, sc.hops(None, start, q), own=True)
        return
    key = found.hit[0] if found.hit else None
    if reporter and key is not None and key == sc.publisher:
        sc.add(start, DIRECT, sc.hops(None, start, found.end), own=True)
        return
    sc.add(start, DIRECT, sc.hops(found, start, found.end))
