"""PR offices: «روابط عمومی X اعلام کرد …», and a «روابط عمومی X» signature on a line of its own."""

from __future__ import annotations

from core.attribution import lexicon as lx
from core.attribution.scanner import QUOTED, Scanner

_SAYS = frozenset({"اعلام", "اطلاع", "با", "طی", "در", "ضمن", "گزارش", "نوشت", "خبر", "اعلامیه"})
_PORTAL_HEADS = frozenset({"پایگاه", "درگاه", "سامانه", "شبکه", "مرکز", "سایت", "وبسایت", "و"})
_POINTS_BACK = frozenset({"از", "گزارش", "نوشته", "نقل", "عن"})


def find(sc: Scanner) -> None:
    """«روابط عمومی X اعلام کرد …» and a «روابط عمومی X» signature on its own line."""
    s = sc.s
    for m in lx.PR_OFFICE.finditer(s):
        start = m.start()
        if start > 0 and not s[start - 1].isspace():
            continue
        before = lx.WORD.findall(s[max(0, start - 30):start])
        if before and (before[-1] in lx.PERSON_TITLES or before[-1] in _POINTS_BACK
                       or before[-1] in _PORTAL_HEADS):
            continue
        name = sc.scan(start)
        if name is None or name.end == name.start or not sc.accept(name, strict=False):
            continue
        line_start = start == 0 or s[start - 1] == "\n"
        after = lx.WORD.match(s, sc.skip(name.end))
        if (name.stop == "soft" and after and after.group() in _SAYS) or (
                line_start and (name.end >= len(s) or s[sc.skip(name.end)] in "\n.")):
            sc.add(start, QUOTED, sc.hops(name, start, name.end))
