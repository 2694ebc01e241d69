"""Arabic credit lines: «وفقا لـ X», «ذکرت X», «نقلا عن X», «فی حوار مع X», «طهران/ … / ارنا-»."""

from __future__ import annotations

import re

from core.attribution import lexicon as lx
from core.attribution.scanner import AR_HOP, DIRECT, QUOTED, WORD_START, Hop, Name, Scanner

# The text is normalised: «ي/ى» → «ی», «ك» → «ک», hamza forms → «ا».
_AR_FORWARD = re.compile(
    WORD_START + r"(?:(?:و|ف)?(?:وفقا|طبقا)\sل(?:ما\s\S+\s(?:به\s)?)?\s?"
    r"|(?:و|ف)?(?:ب)?حسب\s?(?:ما\s?\S+\s(?:به\s)?)?|(?:و|ف)?حسبما\s\S+\s(?:به\s)?|وفق\s)(?=\S)"
)
_AR_VERB = re.compile(
    WORD_START + r"(?:و|ف)?(?:افادت|ذکرت|اوردت|نقلت|اعلنت|نشرت|قالت|اکدت|کشفت|بثت|نفت|فندت|اشارت|اضافت|حذرت"
    r"|افاد|ذکر|نقل|اورد|اعلن|نشر|اکد|کشف|بث|نفی|فند|اشار|اضاف)(?:ته|تها|ه|ها)?\s(?=\S)"
)
_AR_QUOTING = re.compile(WORD_START + r"نقلا\sعن\s(?=\S)")
_AR_DEFINITE = re.compile(r"(?:و|ب|ل)?ال|لل")
_AR_INTERVIEW = re.compile(
    WORD_START + r"(?:(?:فی|خلال)\s(?:حدیث|تصریح(?:ات)?|مقابلة|حوار|لقاء)"
    r"(?:\s(?:مباشر|مباشرة|خاص|خاصة|متلفز|متلفزة|صحفی|هاتفی))?\s(?:ل\s?|مع\s)|لقاء\sمتلفزا\sمع\s|(?:قال|قالت|صرح|صرحت|اکد|اکدت|اوضح|اوضحت)\sل\s?)(?=\S)"
)
_AR_DATELINE = re.compile(  # «طهران/ 14 اب/ اغسطس/ ارنا-», «ایران/نبا –», «انقرة/ الاناضول»
    r"(?:^|(?<=\n))[^\W\d_]+(?:\s?/\s?[^/\n\-]{1,15}?){0,3}\s?/\s?(?P<name>[^/\n\-:]{2,30}?)\s?(?:-|:|(?=\n)|$)"
)


def find(sc: Scanner) -> None:
    """«وفقا لـ X», «ذکرت X (نقلا عن Y)», «نقلا عن X», «فی حوار مع X», and a dateline «طهران/ … / X»."""
    s = sc.s
    for pattern, rank, verb in ((_AR_FORWARD, DIRECT, False), (_AR_VERB, DIRECT, True),
                                (_AR_QUOTING, QUOTED, False), (_AR_INTERVIEW, DIRECT, False)):
        for m in pattern.finditer(s):
            name = _scan(sc, m.end())
            if name is None or name.end == name.start:
                continue
            first = name.words[0] if name.words else ""
            if not name.hit and name.end_phrase is None and (verb or rank == DIRECT) and \
                    not lx.arabic_head(first):
                continue
            if not sc.accept(name, strict=False):
                continue
            hops = [Hop(name, m.start())]
            hop = AR_HOP.match(s, sc.skip(name.end_phrase or name.end))
            if hop:
                nxt = sc.scan(hop.end())
                if nxt is not None and nxt.end > nxt.start and sc.accept(nxt, strict=False):
                    hops.append(Hop(nxt, hop.start() + (1 if s[hop.start()] == " " else 0)))
            sc.add(m.start(), rank, hops)
    for m in _AR_DATELINE.finditer(s):
        name = sc.scan(m.start("name"))
        if name is not None and name.end >= m.end("name") - 1 and (
                name.hit or (m.start() == 0 and (sc.brand(name) or sc.label_name(name, "-")))):
            sc.add(m.start(), DIRECT, [Hop(name, m.start(), m.end("name"))])


def _scan(sc: Scanner, p: int) -> Name | None:
    """An Arabic name: a head and the words that belong to it — adjectives and genitives with the
    article («التلفزیون السوری», «وزارة الخارجیة الایرانیة», «مکتب وزیر الخارجیة»), not the clause
    after it («… لقاءات علی الهواء»)."""
    name = sc.scan(p)
    if name is None or name.hit or name.end_phrase is not None or len(name.words) < 2:
        return name
    s = sc.s
    spans = [w.span() for w in lx.WORD.finditer(s, name.start, name.end)]
    keep = 2 if lx.arabic_head(s[spans[0][0]:spans[0][1]]) else 1  # «وکالة اسنا»: the head's own name
    for i in range(keep, len(spans)):
        word = s[spans[i][0]:spans[i][1]]
        nxt = s[spans[i + 1][0]:spans[i + 1][1]] if i + 1 < len(spans) else ""
        if _AR_DEFINITE.match(word) or (_AR_DEFINITE.match(nxt) and i + 1 < len(spans)):
            keep = i + 1
        else:
            break
    if keep < len(spans):
        return sc.make(name.start, spans[keep - 1][1], name.outer, name.prefixed, False)
    return name
