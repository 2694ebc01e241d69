"""Credit families of foreign-language text: English, Arabic, and the other languages that retell
Iranian agencies (Spanish, French, German, Turkish, Russian …)."""

from __future__ import annotations

import re

from core.attribution import lexicon as lx
from core.attribution.scanner import AR_HOP, DIRECT, QUOTED, WORD_START, Hop, Name, Scanner

# --- English -------------------------------------------------------------------------------------
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
_POSSESSIVE = re.compile(r"['’]s$", re.I)
_ANY_ARTICLE = re.compile(r"(?:the|a|an)\s", re.I)
_EN_LIST = re.compile(r"(?:^|(?<=\n))(?:with\s)?(?:additional\s)?reporting\sby\s", re.I)
_EN_DATE_DATELINE = re.compile(  # "Tehran, Dec 15, IRNA -- "
    r"(?:^|(?<=\n))[A-Z][A-Za-z]+,\s[A-Z][a-z]{2,}\.?\s\d{1,2},\s(?P<name>[A-Z][\w ]{1,30}?)\s?--?"
)
_EN_PAREN_DATELINE = re.compile(  # "TEHRAN, 2 Oct. (IPS) Iran …", "Teherán, 19 abr (SANA) Las …"
    r"(?:^|(?<=\n))[A-ZÀ-Ý][\w'’é]+,\s[^()\n]{1,20}\((?P<name>[A-Z][A-Za-z-]{1,12})\)\s(?=[A-ZÀ-Ý])"
)
_CODE_LINE = re.compile(r"(?:^|(?<=\n))[A-Za-z .*/:\d-]{2,80}(?=\n|$)")
_CODE_TOKEN = re.compile(r"(?<![A-Za-z])[A-Z]{2,6}(?=\d{5,}|/|\s|$|:)")
_BY_LINE = re.compile(r"(?:^|(?<=\n))By\s", re.I)
_EN_FUNCTION = re.compile(r"\b(?:the|and|of|to|in|said|was|that|with)\b")

# --- Arabic (normalised: «ي/ى» → «ی», «ك» → «ک», hamza forms → «ا») -----------------------------------
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

# --- other languages: a trigger, then the name (after articles and descriptive words) ---------------
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


class ForeignFamilies(Scanner):
    # --- English ----------------------------------------------------------------------------
    def english(self) -> None:
        s = self.s
        for m in _EN_FORWARD.finditer(s):
            name = self.en_scan(m.end())
            if name is None or not self.en_accept(name):
                continue
            hops = [Hop(name, m.start())]
            while True:
                hop = _EN_HOP.match(s, name.end)
                nxt = self.en_scan(hop.end()) if hop else None
                if hop is None or nxt is None or not self.en_accept(nxt):
                    break
                hops.append(Hop(nxt, hop.start() + (1 if s[hop.start()] in ", " else 0)))
                name = nxt
            self.add(m.start(), DIRECT, hops)
        for m in _EN_QUOTING.finditer(s):
            name = self.en_scan(m.end())
            if name is None or not self.en_accept(name):
                continue
            start = m.end("lead") if m.group("lead") else m.start()
            first = self.en_before(m.start()) if m.group("lead") else None
            if first is not None:  # "ISNA, quoting the ICT ministry, …"
                self.add(first.start, DIRECT, [Hop(first, first.start), Hop(name, start)])
            else:
                self.add(start, QUOTED, [Hop(name, start)])
        for m in _EN_BACKWARD.finditer(s):
            weak = m.group("w").lower() in _EN_WEAK
            for name in self.en_subjects(m.start(), apposition=not weak):
                rank = DIRECT if m.group("w").lower() in _EN_DIRECT else QUOTED
                article = _ANY_ARTICLE.match(s, max(0, name.start - 4))
                start = article.start() if article and article.end() == name.start else name.start
                self.add(start, rank, [Hop(name, start, m.end())])
        for m in _EN_LIST.finditer(s):  # "With reporting by IRNA, Mehr, and Reuters"
            line_end = s.find("\n", m.end())
            for part in re.finditer(r"[^,\n]+", s[m.end():line_end if line_end >= 0 else len(s)]):
                lead = 4 if part.group().lstrip().startswith("and ") else 0
                name = self.en_scan(m.end() + part.start() + lead)
                if name is not None and (name.hit or self.en_accept(name)):
                    self.add(m.start(), DIRECT, [Hop(name, m.start())])
        for pattern in (_EN_DATE_DATELINE, _EN_PAREN_DATELINE):
            for m in pattern.finditer(s):
                name = self.en_scan(m.start("name"))
                if name is not None and (name.hit or self.en_accept(name)):
                    self.add(m.start(), DIRECT, [Hop(name, m.start(), m.end("name"))])
        for m in _BY_LINE.finditer(s):  # "By Trend" signs the agency; "By John Smith" is a person
            name = self.en_scan(m.end())
            if name is not None and name.hit:
                self.add(m.start(), DIRECT, [Hop(name, m.start())])

    def en_subjects(self, verb: int, *, apposition: bool = True) -> list[Name]:
        """The organisation(s) that are the subject of an English reporting verb at ``verb``: the words
        just before it ("the semi-official Tasnim news agency reported"), an apposition away ("Nournews,
        the website close to …, first reported"), and one joined by "and" ("IRIB and the Mehr news agency
        reported")."""
        s = self.s
        name = self.en_before(verb)
        if name is None and apposition:
            clause = max(s.rfind(c, 0, verb) for c in ";:\n(\"") + 1
            commas = [i for i in range(clause, verb) if s[i] == ","]
            if len(commas) >= 2 and len(s[commas[-1] + 1:verb].split()) <= 2:
                head = max(clause, s.rfind(",", 0, commas[-2]) + 1)
                name = self.en_before(commas[-2]) if s[head:commas[-2]].strip() else None
        if name is None:
            return []
        found = [name]
        before = s[max(0, name.start - 40):name.start]
        joined = re.search(r"\sand\s(?:(?:the|a|[a-z][\w-]*)\s){0,3}$", before)
        if joined:
            other = self.en_before(name.start - len(joined.group()))
            if other is not None:
                found.insert(0, other)
        return found

    def en_before(self, end: int) -> Name | None:
        """The English name just before ``end``: "the Ministry of ICT [said]", "… (ILNA) [said]"."""
        s = self.s
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
                       or _POSSESSIVE.search(seq[0].group()) or not seq[0].group()[:1].isupper()):
            seq.pop(0)
        if not seq:
            return None
        for i in range(len(seq)):
            start = seq[i].start()
            surface = s[start:seq[-1].end()]
            hit = self.index.resolve(surface)
            if hit:
                return self.make(start, seq[-1].end(), start, False, True)
        name = self.make(seq[0].start(), seq[-1].end(), seq[0].start(), False, False)
        if abbrev and name.hit is None:
            name.hit = self.index.resolve(abbrev.group().strip(" ()"))
        return name if name.hit or self.en_accept(name) else None

    def code_lines(self) -> None:
        """"MNA/ 6774159", "MA/FNA13970529000005", "Islamic Republic News Agency/IRNA NewsCode: 30714119":
        agency codes on a line of their own name the agency."""
        s = self.s
        for m in _CODE_LINE.finditer(s):
            line = m.group()
            if "/" not in line and not re.search(r"\d{5,}", line):
                continue
            for token in _CODE_TOKEN.finditer(line):
                hit = self.index.resolve(token.group())
                if hit is not None:
                    start = m.start() + token.start()
                    name = self.make(start, start + len(token.group()), start, False, True)
                    self.add(m.start(), DIRECT, [Hop(name, m.start(), m.end())])

    def capitalised(self, name: Name) -> bool:
        """One to three capitalised words, none a title: a name after a strong credit verb ("сообщил
        телеканал Al Hadath")."""
        words = name.words
        return 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and \
            not any(w.lower() in lx.PERSON_TITLES or w.lower() in lx.NOT_A_SOURCE for w in words)

    # --- Arabic -------------------------------------------------------------------------------
    def arabic(self) -> None:
        s = self.s
        for pattern, rank, verb in ((_AR_FORWARD, DIRECT, False), (_AR_VERB, DIRECT, True),
                                    (_AR_QUOTING, QUOTED, False), (_AR_INTERVIEW, DIRECT, False)):
            for m in pattern.finditer(s):
                name = self.ar_scan(m.end())
                if name is None or name.end == name.start:
                    continue
                first = name.words[0] if name.words else ""
                if not name.hit and name.end_phrase is None and (verb or rank == DIRECT) and \
                        not lx.arabic_head(first):
                    continue
                if not self.accept(name, strict=False):
                    continue
                hops = [Hop(name, m.start())]
                hop = AR_HOP.match(s, self.skip(name.end_phrase or name.end))
                if hop:
                    nxt = self.scan(hop.end())
                    if nxt is not None and nxt.end > nxt.start and self.accept(nxt, strict=False):
                        hops.append(Hop(nxt, hop.start() + (1 if s[hop.start()] == " " else 0)))
                self.add(m.start(), rank, hops)
        for m in _AR_DATELINE.finditer(s):
            name = self.scan(m.start("name"))
            if name is not None and name.end >= m.end("name") - 1 and (
                    name.hit or (m.start() == 0 and (self.brand(name) or self.label_name(name, "-")))):
                self.add(m.start(), DIRECT, [Hop(name, m.start(), m.end("name"))])

    def ar_scan(self, p: int) -> Name | None:
        """An Arabic name: a head and the words that belong to it — adjectives and genitives with the
        article («التلفزیون السوری», «وزارة الخارجیة الایرانیة», «مکتب وزیر الخارجیة»), not the clause
        after it («… لقاءات علی الهواء»)."""
        name = self.scan(p)
        if name is None or name.hit or name.end_phrase is not None or len(name.words) < 2:
            return name
        s = self.s
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
            return self.make(name.start, spans[keep - 1][1], name.outer, name.prefixed, False)
        return name

    # --- other languages ------------------------------------------------------------------------
    def other_languages(self) -> None:
        """Spanish, French, German, Russian, Turkish credit clauses, and in a text of a language without
        a grammar here, any news medium the registry knows."""
        s = self.s
        for m in _OTHER_FORWARD.finditer(s):
            p = m.end()
            skip = _OTHER_SKIP.match(s, p)
            if skip:
                p = skip.end()
            if s[p:p + 1] == '"':
                p += 1
            name = self.en_scan(p) if re.match(r"[^\W\d_]", s[p:p + 1]) else None
            if name is None or not (name.hit or self.en_accept(name) or self.capitalised(name)):
                continue
            hops = [Hop(name, m.start())]
            more = re.match(r"\s(?:und|y|et|и|and)\s", s[name.end:name.end + 5])
            if more:
                second = self.en_scan(name.end + len(more.group()))
                if second is not None and (second.hit or self.en_accept(second) or self.capitalised(second)):
                    hops.append(Hop(second, name.end))
            for hop in hops:
                self.add(m.start(), DIRECT, [hop])
        for m in _OTHER_BACKWARD.finditer(s):
            inside = list(self.index.search(s, m.start("name"), m.end("name")))
            start, end = inside[-1] if inside else m.span("name")
            name = self.make(start, end, start, False, bool(inside))
            if name.hit or self.en_accept(name):
                self.add(m.start(), DIRECT, [Hop(name, m.start(), m.end())])
        if not _EN_FUNCTION.search(s):
            for start, end in self.index.search(s, 0, len(s)):
                hit = self.index.resolve(s[start:end])
                if hit is not None and hit[1] in ("agency", "outlet", "newspaper") and \
                        not self.index.is_ambiguous(s[start:end]):
                    name = self.make(start, end, start, False, True)
                    self.add(start, DIRECT, [Hop(name, start)])
