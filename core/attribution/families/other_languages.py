"""Credit clauses in Spanish, French, German, Russian and Turkish ("según X", "selon X", "laut X",
"по данным X", "X ajansının haberine göre"), and in a text of a language without a grammar here, any
news medium the registry knows."""

from __future__ import annotations

import re

from core.attribution import lexicon as lx
from core.attribution.scanner import DIRECT, Hop, Name, Scanner

_EN_FUNCTION = re.compile(r"\b(?:the|and|of|to|in|said|was|that|with)\b")
"""English function words: in a text with none of them (and no Persian script), any news medium
the registry knows is a credit."""
# A trigger, then the name (after articles and descriptive words).
_OTHER_FORWARD = re.compile(
    r"\b(?:según(?:\s(?:informó|informa|reportó|publicó|indicó|señaló|difundió|recoge))?|de\sacuerdo\scon"
    r"|citad[oa]\spor|informó|reportó|en\sdeclaraciones\sa|en\suna\sentrevista\scon|selon|d['’]après|cité[e]?\spar"
    r"|a\srapporté|rapporte|a\sindiqué|a\sannoncé|dans\sun\sentretien(?:\saccordé)?\sà|laut|nach\sAngaben"
    r"|berichtete[n]?|meldete[n]?|schrieb(?:en)?|gegenüber|по\sданным|по\sсообщению|как\sсообщает|как\sпередает"
    r"|сообщает|передает|сообщил[оа]?|со\sссылкой\sна)\s",
    re.I,
)
_OTHER_SKIP = re.compile(
    r"(?:(?:la|el|los|las|l['’]|le|les|die|der|das|den|dem|des|du|de|del|d['’]|unter\sanderem|агентство|телеканал"
    r"|agencia|agence|Nachrichtenagentur(?:en)?|Agentur|Zeitung|Sender|diario|journal|cadena|chaîne|presse"
    r"|de\snoticias|d['’]informations|de\sprensa|oficial|officielle|iraní|iraníes|iranien(?:ne)?s?"
    r"|iranische[n]?|staatliche[n]?|semioficial|semi-officielle|halboffizielle[n]?)\s?)+"
)
# "IRNA ajansının haberine göre", "ICANA'ya konuşan", "der Agentur Irna zufolge"
_OTHER_BACKWARD = re.compile(
    r"(?P<name>[A-ZÀ-ÝİÇŞĞÖÜ][\w.-]{1,30}(?:\s[A-ZÀ-ÝİÇŞĞÖÜ][\w.-]{1,30}){0,3})(?:['’]\w{1,5})?"
    r"\s(?:ajansının\shaberine\sgöre|haberine\sgöre|göre|konuşan|konuştu|bildirdi|zufolge)\b"
)


def find(sc: Scanner) -> None:
    """Spanish, French, German, Russian, Turkish credit clauses, and in a text of a language without
    a grammar here, any news medium the registry knows."""
    s = sc.s
    for m in _OTHER_FORWARD.finditer(s):
        p = m.end()
        skip = _OTHER_SKIP.match(s, p)
        if skip:
            p = skip.end()
        if s[p:p + 1] == '"':
            p += 1
        name = sc.en_scan(p) if re.match(r"[^\W\d_]", s[p:p + 1]) else None
        if name is None or not (name.hit or sc.en_accept(name) or _capitalised(name)):
            continue
        hops = [Hop(name, m.start())]
        more = re.match(r"\s(?:und|y|et|и|and)\s", s[name.end:name.end + 5])
        if more:
            second = sc.en_scan(name.end + len(more.group()))
            if second is not None and (second.hit or sc.en_accept(second) or _capitalised(second)):
                hops.append(Hop(second, name.end))
        for hop in hops:
            sc.add(m.start(), DIRECT, [hop])
    for m in _OTHER_BACKWARD.finditer(s):
        inside = list(sc.index.search(s, m.start("name"), m.end("name")))
        start, end = inside[-1] if inside else m.span("name")
        name = sc.make(start, end, start, False, bool(inside))
        if name.hit or sc.en_accept(name):
            sc.add(m.start(), DIRECT, [Hop(name, m.start(), m.end())])
    if not _EN_FUNCTION.search(s):
        for start, end in sc.index.search(s, 0, len(s)):
            hit = sc.index.resolve(s[start:end])
            if hit is not None and hit[1] in ("agency", "outlet", "newspaper") and \
                    not sc.index.is_ambiguous(s[start:end]):
                name = sc.make(start, end, start, False, True)
                sc.add(start, DIRECT, [Hop(name, start)])


def _capitalised(name: Name) -> bool:
    """One to three capitalised words, none a title: a name after a strong credit verb ("сообщил
    телеканал Al Hadath")."""
    words = name.words
    return 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and \
        not any(w.lower() in lx.PERSON_TITLES or w.lower() in lx.NOT_A_SOURCE for w in words)
