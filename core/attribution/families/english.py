"""English credit lines: "according to X", "X reported", "ISNA, quoting the ICT ministry, …", "told X",
"With reporting by X", datelines with a date, "By X" for an agency the registry knows."""

from __future__ import annotations

import re

from core.attribution import lexicon as lx
from core.attribution.scanner import DIRECT, POSSESSIVE, QUOTED, Hop, Name, Scanner

_EN_FORWARD = re.compile(
    r"\b(?P<w>according\sto|(?:quoted|cited|carried|published)\sby|(?:as\s)?reported\sby|told"
    r"|(?:in\s(?:an?\s)?(?:exclusive\s|televised\s|phone\s)?)?(?:interview|talk|conversation)s?\swith"
    r"|speaking\s(?:live\s)?(?:to|on|with)|talking\sto|in\s(?:remarks|comments)\sto|(?:stated|said|spoke)\sto"
    r"|quoted\sas\ssaying\sby|(?:an?|the)\s(?:new\s)?(?:report|survey|statement|study|poll)\s(?:by|from)"
    r"|data\sfrom)\s",
    re.I,
)
_EN_QUOTING = re.compile(r"(?P<lead>,?\s)?\b(?:quoting|citing)\s", re.I)
_EN_BACKWARD = re.compile(
    r"(?<=\S)\s(?:(?:has|have|had|also|first|earlier|previously|reportedly)\s){0,2}"
    r"(?P<w>reported|reports|wrote|quoted|said|says|say|announced|stated|denied|confirmed|posted|claimed|told"
    r"|added|warned|noted|revealed|tweeted)\b"
    r"(?:\s(?:in|on)\s(?:a|an|its)\s(?:(?:press\s)?statement|release|report|website|post))?",
    re.I,
)
_EN_HOP = re.compile(r",?\s(?:quoting|citing|via)\s", re.I)
_EN_GLUE = frozenset({"of", "and", "for", "&", "on"})
_EN_DIRECT = frozenset({"reported", "reports", "wrote", "quoted", "posted"})
_EN_WEAK = frozenset({"added", "warned", "noted", "revealed", "tweeted", "say"})
"""Verbs that credit only the name right before them ("the Foreign Ministry added"), never one an
apposition away ("…, the report added" names no one)."""
_EN_AUX_TAIL = re.compile(r"(?:\s(?:has|have|had|also|first|earlier|previously|reportedly))+\s?$")
_EN_ADVERBIAL = re.compile(
    r"(?:\s(?:in\s(?:a|an|its)\s(?:\w+\s)?(?:statement|report|post|message|release)|on\s[A-Z]\w+|late\son\s\w+"
    r"|on\sits\swebsite|today|yesterday|last\s\w+))+\s?$"
)
_ANY_ARTICLE = re.compile(r"(?:the|a|an)\s", re.I)
_EN_LIST = re.compile(r"(?:^|(?<=\n))(?:with\s)?(?:additional\s)?reporting\sby\s", re.I)
_EN_DATE_DATELINE = re.compile(  # "Tehran, Dec 15, IRNA -- "
    r"(?:^|(?<=\n))[A-Z][A-Za-z]+,\s[A-Z][a-z]{2,}\.?\s\d{1,2},\s(?P<name>[A-Z][\w ]{1,30}?)\s?--?"
)
_EN_PAREN_DATELINE = re.compile(  # "TEHRAN, 2 Oct. (IPS) Iran …", "Teherán, 19 abr (SANA) Las …"
    r"(?:^|(?<=\n))[A-ZÀ-Ý][\w'’é]+,\s[^()\n]{1,20}\((?P<name>[A-Z][A-Za-z-]{1,12})\)\s(?=[A-ZÀ-Ý])"
)
_BY_LINE = re.compile(r"(?:^|(?<=\n))By\s", re.I)


def find(sc: Scanner) -> None:
    """"according to X", "X reported", "X, quoting Y", "With reporting by X", English datelines, "By X"."""
    s = sc.s
    for m in _EN_FORWARD.finditer(s):
        name = sc.en_scan(m.end())
        if name is None or not sc.en_accept(name):
            continue
        hops = [Hop(name, m.start())]
        while True:
            hop = _EN_HOP.match(s, name.end)
            nxt = sc.en_scan(hop.end()) if hop else None
            if hop is None or nxt is None or not sc.en_accept(nxt):
                break
            hops.append(Hop(nxt, hop.start() + (1 if s[hop.start()] in ", " else 0)))
            name = nxt
        sc.add(m.start(), DIRECT, hops)
    for m in _EN_QUOTING.finditer(s):
        name = sc.en_scan(m.end())
        if name is None or not sc.en_accept(name):
            continue
        start = m.end("lead") if m.group("lead") else m.start()
        first = _before(sc, m.start()) if m.group("lead") else None
        if first is not None:  # "ISNA, quoting the ICT ministry, …"
            sc.add(first.start, DIRECT, [Hop(first, first.start), Hop(name, start)])
        else:
            sc.add(start, QUOTED, [Hop(name, start)])
    for m in _EN_BACKWARD.finditer(s):
        weak = m.group("w").lower() in _EN_WEAK
        for name in _subjects(sc, m.start(), apposition=not weak):
            rank = DIRECT if m.group("w").lower() in _EN_DIRECT else QUOTED
            article = _ANY_ARTICLE.match(s, max(0, name.start - 4))
            start = article.start() if article and article.end() == name.start else name.start
            sc.add(start, rank, [Hop(name, start, m.end())])
    for m in _EN_LIST.finditer(s):  # "With reporting by IRNA, Mehr, and Reuters"
        line_end = s.find("\n", m.end())
        for part in re.finditer(r"[^,\n]+", s[m.end():line_end if line_end >= 0 else len(s)]):
            lead = 4 if part.group().lstrip().startswith("and ") else 0
            name = sc.en_scan(m.end() + part.start() + lead)
            if name is not None and (name.hit or sc.en_accept(name)):
                sc.add(m.start(), DIRECT, [Hop(name, m.start())])
    for pattern in (_EN_DATE_DATELINE, _EN_PAREN_DATELINE):
        for m in pattern.finditer(s):
            name = sc.en_scan(m.start("name"))
            if name is not None and (name.hit or sc.en_accept(name)):
                sc.add(m.start(), DIRECT, [Hop(name, m.start(), m.end("name"))])
    for m in _BY_LINE.finditer(s):  # "By Trend" signs the agency; "By John Smith" is a person
        name = sc.en_scan(m.end())
        if name is not None and name.hit:
            sc.add(m.start(), DIRECT, [Hop(name, m.start())])


def _subjects(sc: Scanner, verb: int, *, apposition: bool = True) -> list[Name]:
    """The organisation(s) that are the subject of an English reporting verb at ``verb``: the words
    just before it ("the semi-official Tasnim news agency reported"), an apposition away ("Nournews,
    the website close to …, first reported"), and one joined by "and" ("IRIB and the Mehr news agency
    reported")."""
    s = sc.s
    name = _before(sc, verb)
    if name is None and apposition:
        clause = max(s.rfind(c, 0, verb) for c in ";:\n(\"") + 1
        commas = [i for i in range(clause, verb) if s[i] == ","]
        if len(commas) >= 2 and len(s[commas[-1] + 1:verb].split()) <= 2:
            head = max(clause, s.rfind(",", 0, commas[-2]) + 1)
            name = _before(sc, commas[-2]) if s[head:commas[-2]].strip() else None
    if name is None:
        return []
    found = [name]
    before = s[max(0, name.start - 40):name.start]
    joined = re.search(r"\sand\s(?:(?:the|a|[a-z][\w-]*)\s){0,3}$", before)
    if joined:
        other = _before(sc, name.start - len(joined.group()))
        if other is not None:
            found.insert(0, other)
    return found


def _before(sc: Scanner, end: int) -> Name | None:
    """The English name just before ``end``: "the Ministry of ICT [said]", "… (ILNA) [said]"."""
    s = sc.s
    abbrev = re.search(r"\s?\([A-Z][A-Za-z]{1,8}\)\s?$", s[max(0, end - 14):end])
    if abbrev:
        end -= len(abbrev.group())
    for tail in (_EN_ADVERBIAL, _EN_AUX_TAIL):
        found = tail.search(s[max(0, end - 60):end])
        if found:
            end -= len(found.group())
    clause = max(s.rfind(c, 0, end) for c in ",;:\n()\"") + 1
    tokens = list(lx.LATIN_WORD.finditer(s, clause, end))
    seq: list[re.Match[str]] = []
    for token in reversed(tokens):
        word = token.group()
        nxt = seq[0].start() if seq else end
        if s[token.end():nxt].strip(" ") not in ("",):
            break
        if not (word[:1].isupper() or word.lower() in lx.LATIN_CUES or word.lower() in _EN_GLUE):
            break
        seq.insert(0, token)
    while seq and (seq[0].group().lower() in _EN_GLUE or seq[0].group() in ("The", "A", "An")
                   or POSSESSIVE.search(seq[0].group()) or not seq[0].group()[:1].isupper()):
        seq.pop(0)
    if not seq:
        return None
    for i in range(len(seq)):
        start = seq[i].start()
        surface = s[start:seq[-1].end()]
        hit = sc.index.resolve(surface)
        if hit:
            return sc.make(start, seq[-1].end(), start, False, True)
    name = sc.make(seq[0].start(), seq[-1].end(), seq[0].start(), False, False)
    if abbrev and name.hit is None:
        name.hit = sc.index.resolve(abbrev.group().strip(" ()"))
    return name if name.hit or sc.en_accept(name) else None
