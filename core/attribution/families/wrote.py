"""«روزنامه X نوشت:», «خبرگزاری X گزارش داد», «آن‌طور که X گزارش داده است», «سازمان X اعلام کرد:»: the
subject of a reporting verb is the source."""

from __future__ import annotations

import re

from core.attribution import lexicon as lx
from core.attribution.scanner import DIRECT, Hop, Name, Scanner

_WROTE = re.compile(
    r"(?<!\S)(?:نوشت|نوشته(?:\sاست)?|(?:می\s?)نویسد|گزارش\s(?:داد|داده(?:\s?است)?|کرد|کرده|می\s?دهد)|(?:می\s?)گوید"
    r"|(?P<strong>اعلام\s(?:کرد|کرده|کردند|می\s?کند)|خبر\s(?:داد|داده)|مدعی\sشد|(?<!به\s)گفته(?:\sاست)?|فاش\sکرد"
    r"|منتشر\sکرد|هشدار\s(?:داد|داده)|ادعا\sکرد|ادعا\sکرده|آمده\sاست))(?!\w)"
)
_WROTE_LEAD = frozenset({"همچنین", "اما", "ولی", "و", "نیز", "اینک", "ضمنا"})
_WROTE_LEAD_PHRASE = re.compile(
    r"(?:آن\s?(?:طور|گونه|چنان)|همان\s?(?:طور|گونه)|چنان|به\sطوری|طبق\sآنچه|بر\sاساس\sآنچه)"
    r"(?:\sکه)?\s"
)


def find(sc: Scanner) -> None:
    """«روزنامه X نوشت:», «خبرگزاری X گزارش داد», «آن‌طور که X گزارش داده است», «سازمان X اعلام کرد:»:
    the subject is the source. A subject needs a head word, a known name or a media word."""
    s = sc.s
    for m in _WROTE.finditer(s):
        clause = _clause_start(sc, m.start())
        if not lx.WORD.findall(s[clause:m.start()]):  # «X در بخشی از مطلب خود …، نوشت:»
            clause = _clause_start(sc, clause - 1)
        q = sc.skip(clause)
        led = False
        while True:
            lead = _WROTE_LEAD_PHRASE.match(s, q)
            led = led or lead is not None
            word = lx.WORD.match(s, q)
            if lead is not None:
                q = sc.skip(lead.end())
            elif word is not None and word.group() in _WROTE_LEAD:
                q = sc.skip(word.end())
            else:
                break
        name = _subject(sc, q, m.start())
        if name is None or any(w in lx.PERSON_TITLES for w in lx.WORD.findall(s[q:name.start])):
            continue  # «معاون … وزارت ارتباطات اعلام کرد», «سخنگوی دولت نوشت:»: a person speaks
        q = name.outer
        hops = [h for h in sc.hops(name, q, name.end) if h.name.end <= m.start()]
        gap = len(lx.WORD.findall(s[hops[-1].name.end:m.start()]))
        if gap > (20 if name.hit or sc.headed(name) else 6):
            continue
        if m.group("strong") and not (name.hit or sc.headed(name) or sc.cued(name)):
            continue
        opening = lx.WORD.search(s, 0, q) is None
        if m.group("strong") and not led and s[m.end():m.end() + 1] != ":" and not _press(name) \
                and not opening:
            continue  # «X اعلام کرد:» credits X; «X اعلام کرده است که …» inside a story reports it,
            # unless X is a known source, the press («روزنامه تلگراف … هشدار داده است») or the
            # subject the text opens with («یونیسف در گزارشی جدید اعلام کرد …»: its lead)
        colon = m.end() + 1 if s[m.end():m.end() + 1] == ":" else m.end()
        hops[0] = Hop(name, q, colon if len(hops) == 1 else None)
        sc.add(q, DIRECT, hops)


def _press(name: Name) -> bool:
    """A known source, or a name headed as a newspaper or a news agency."""
    return name.hit is not None or lx.head_of(name.words)[1] in ("agency", "newspaper")


def _subject(sc: Scanner, q: int, verb: int) -> Name | None:
    """The organisation that is the subject of a reporting verb at ``verb``: the clause's first
    name («روزنامه X در گزارشی … نوشت»), else the name right before the verb («… در همین راستا کاخ
    سفید اعلام کرد»)."""
    s = sc.s
    if q < verb:
        name = sc.scan(q)
        if name is not None and name.end > name.start and name.end <= verb and sc.brand(name) and (
                sc.accept(name, strict=False, soft_ok=True) or sc.cued(name)):
            return name
    spans = [w.span() for w in lx.WORD.finditer(s, max(q, verb - 60), verb)][-5:]
    for start, _ in spans:
        name = sc.scan(start)
        if name is not None and name.hit is None and not sc.headed(name):
            continue
        if name is not None and sc.skip(name.end_phrase or name.end) == verb and sc.brand(name):
            return name
    return None


def _clause_start(sc: Scanner, end: int) -> int:
    s = sc.s
    return max(s.rfind(c, 0, end) for c in "،؛:.!?؟\n") + 1
