"""The credit-line grammar: family triggers, a name-boundary scanner, hops, and one merged chain.

Each family (DESIGN §4) is a trigger pattern that says where a name starts (or, for «X نوشت», ends).
The scanner then reads the name: a known registry name is taken whole (longest match, any spelling);
an unknown one runs word by word until «،» «:» «؛» a newline, a hop connector («به نقل از», «از»)
or a word that starts a new clause (a verb, «در», «که» …).  How much of an unknown name a family will
accept depends on how reliable its position is: «به گزارش X،» needs the comma, «X نوشت» a head
word such as «روزنامه».  Credits are then ordered nearest first and merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.attribution import lexicon as lx
from crawler.attribution.model import Attribution, Chain
from crawler.attribution.names import NameIndex, bare_name
from crawler.attribution.normalise import Normalised, normalise

MAX_WORDS = 10
"""Longest unknown name, in words, that a credit can carry."""
MAX_BARE_WORDS = 3
"""Longest unknown name without a head word («روزنامه», «سازمان» …): outlet brand names are short."""

# Ranks order credits in the chain: the outlet's own credit line first, quoted sources after.
DIRECT, QUOTED = 0, 1

_B = r"(?<![^\s«\"(\[])"  # a word starts here
_OPENING = re.compile(
    _B + r"(?:بنا\s?(?:به|بر)\s|به\s)(?P<verb>گزارش|نوشته)(?!\s(?:ها|های|هایی|ی|ات)(?!\w))\s(?=\S)"
)
_BARE_OPENING = re.compile(r"(?:^|(?<=\n)|(?<=[.!?؟]\s))گزارش(?!\s(?:ها|های|هایی|ی|ات)(?!\w))\s(?=\S)")
_QUOTING = re.compile(
    _B + r"(?P<rank>(?:به\s?|ب)نقل\s?(?:از|ا)?|نقل\sاز|برگرفته\sاز"
    r"|(?:بر\s?اساس|طبق|بنا\s?بر|به)\sاعلام)\s(?=\S)"
)
_REPORTER = re.compile(r"خبرنگار(?:ان)?(?!\w)")
_DESK = re.compile(r"(?:گروه|سرویس|بخش|میز)\s")
_SOURCE_LABEL = re.compile(
    r"(?:^|(?<=[\s(\[«]))(?:منبع|منابع|منبع\sخبر|مأخذ|ماخذ|source|sources|المصدر)\s?:\s?", re.I
)
_SOURCE_LINE = re.compile(
    r"(?:^|(?<=\n))منبع\s(?!(?:عکس|تصویر|خبر|این|آگاه|مطلع)(?!\w))(?=[^\n]{1,40}(?:\n|$))"
)
_WROTE = re.compile(r"(?<!\S)(?:نوشت|نوشته\sاست|گزارش\sداد|گزارش\sداده\sاست|گزارش\sکرد)(?!\w)")
_WROTE_LEAD = frozenset({"همچنین", "اما", "ولی", "و", "نیز", "اینک", "ضمنا"})
_SAYS = frozenset({"اعلام", "اطلاع", "با", "طی", "در", "ضمن", "گزارش", "نوشت", "خبر", "اعلامیه"})
_LINE_START = r"(?:^|(?<=\n)|(?<=[.!?؟:»]\s))"
_DATELINE = re.compile(
    _LINE_START + r"(?P<city>[^\W\d_]+(?:\s[^\W\d_]+){0,2})\s?-\s?(?P<mid>[^\n\-]{1,40}?)\s?--?(?!-)"
)
_PAREN_DATELINE = re.compile(r"\((?P<mid>[^()\n]{1,40})\)\s?--?(?!-)")
_INNER_DATELINE = re.compile(r"(?<!\S)(?P<city>[^\W\d_]+)\s?-\s?(?P<mid>[^\n\-]{1,30}?)\s?--?(?!-)")
_DESK_TAIL = re.compile(r"\s?[-،/]\s?(?:گروه|سرویس|بخش)\s[^:\n\-]{1,30}?\s?[:\-]")
_QUOTED_NAME = re.compile(r"[«\"](?P<name>[^«»\"\n]{1,60}?)[»\"]")
_ABBREV = re.compile(r"\s?\((?P<inner>[^()\n]{1,40})\)")
_URL = re.compile(r"(?:https?://)?(?:www\.)?(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?:/[^\s،؛]*)?")
_SPACE_DIGIT = re.compile(r"\s?\d")

# English
_EN_FORWARD = re.compile(
    r"\b(?P<w>according\sto|(?:quoted|cited|carried|published|released)\sby|(?:as\s)?reported\sby|told)\s",
    re.I,
)
_EN_QUOTING = re.compile(r"(?P<lead>,?\s)?\b(?:quoting|citing)\s", re.I)
_EN_BACKWARD = re.compile(
    r"(?<=\S)\s(?P<w>reported|reports|wrote|quoted|said|says|announced|stated|told)\b"
    r"(?:\s(?:in|on)\s(?:a|an|its)\s(?:(?:press\s)?statement|release|report|website|post))?",
    re.I,
)
_EN_FILLER = re.compile(
    r"(?:(?:a|an|the)\s)?(?:(?:press\s)?statements?|reports?|website|(?:press\s)?release|data|figures|post"
    r"|statistics|announcement)\s(?:published\s|issued\s|released\s)?(?:by|from|of|on)\s",
    re.I,
)
_EN_ARTICLE = re.compile(r"(?:the|a|an)\s")  # lower case only: "The Verge" keeps its article
_EN_HOP = re.compile(r",?\s(?:quoting|citing|via)\s", re.I)
_EN_GLUE = frozenset({"of", "and", "for", "&", "on"})
_EN_STOP = frozenset({
    "said", "says", "announced", "reported", "wrote", "stated", "told", "on", "in", "at", "which", "that",
    "who", "as", "quoting", "citing", "via", "and", "website", "statement", "report", "the", "a", "an",
    "is", "was", "has", "have", "had", "will", "would",
})
_EN_DIRECT = frozenset({"reported", "reports", "wrote", "quoted"})
_ANY_ARTICLE = re.compile(r"(?:the|a|an)\s", re.I)
_LATIN = re.compile(r"[A-Za-z]")
_LATIN_WORDS = re.compile(r"[A-Za-z]{2}")
_NEWLINE = re.compile(r"\n")
# Cheap tests that let a text skip a language's families altogether.
_EN_WORDS = ("accord", " by ", "quot", "citing", "report", "wrote", "said", "says", "announc", "stated",
             "told")
_AR_WORDS = ("وفقا", "طبقا", "حسب", "افادت", "ذکرت", "اوردت", "نقلت", "اعلنت", "نشرت", "قالت", "نقلا")
_POINTS_BACK = frozenset({"از", "گزارش", "نوشته", "نقل", "عن"})

# Arabic
_AR_FORWARD = re.compile(
    _B + r"(?:(?:وفقا|طبقا)\sل(?:ما\s\S+\s(?:به\s)?)?\s?|(?:ب)?حسب\s(?:ما\s\S+\s(?:به\s)?)?)(?=\S)"
)
_AR_VERB = re.compile(_B + r"(?:افادت|ذکرت|اوردت|نقلت|اعلنت|نشرت|قالت)\s(?=\S)")
_AR_QUOTING = re.compile(_B + r"نقلا\sعن\s(?=\S)")
_AR_HOP = re.compile(r"\s?(?:،\s?)?(?:نقلا\s)?عن\s")


@dataclass
class _Name:
    start: int
    end: int
    outer: int
    """Start of the name with its PR-office or portal prefix."""
    stop: str
    """What ended it: "hard" (punctuation, newline, end marker), "connector", "soft" (a verb …), "end"."""
    hit: tuple[str, str] | None
    known: bool = False
    prefixed: bool = False
    words: tuple[str, ...] = ()
    end_phrase: int | None = None
    """Past the name's closing quote, when it was quoted."""


@dataclass
class _Hop:
    name: _Name
    phrase_start: int
    phrase_end: int | None = None
    """Where the phrase ends when it runs past the name («تهران - ایرنا -», «… نوشت:»)."""


@dataclass
class _Credit:
    pos: int
    rank: int
    hops: list[_Hop] = field(default_factory=list)
    own: bool = False


def guess_kind(name: str) -> str | None:
    """The kind an unknown name suggests by its head word («وزارت …» a ministry, "… Times" a newspaper)."""
    words = lx.WORD.findall(normalise(name).text)
    if not words:
        return None
    found, kind = lx.head_kind(words[0], words[1] if len(words) > 1 else "")
    if found:
        return kind
    if re.match(r"[A-Za-z]", words[0]):
        for word in reversed(words):
            found, kind = lx.head_kind(word)
            if found and kind:
                return kind
    return None


class _Parser:
    def __init__(self, norm: Normalised, index: NameIndex, publisher: str | None) -> None:
        self.norm = norm
        self.s = norm.text
        self.index = index
        self.publisher = publisher
        self.credits: list[_Credit] = []

    # --- the name-boundary scanner ---------------------------------------------------------
    def skip(self, p: int) -> int:
        return p + 1 if p < len(self.s) and self.s[p] == " " else p

    def stop_at(self, q: int) -> str | None:
        """What kind of boundary starts at ``q``, if any."""
        s = self.s
        if q >= len(s):
            return "end"
        if s[q] in lx.HARD or lx.END_MARKER.match(s, q):
            return "hard"
        if lx.CONNECTOR.match(s, q) or _AR_HOP.match(s, q):
            return "connector"
        word = lx.WORD.match(s, q)
        if word is None:
            return "hard"
        if self.joined(q):  # «سی‌ان‌ان»: a piece after a ZWNJ is inside a word
            return None
        if word.group().lower() in lx.STOP_WORDS or lx.STOP_PHRASE.match(s, q):
            return "soft"
        return None

    def joined(self, q: int) -> bool:
        """Whether the space before ``q`` was a ZWNJ in the original text."""
        return q > 0 and self.s[q - 1] == " " and self.norm.original[self.norm.origin(q - 1)] == "\u200c"

    def abbrev(self, end: int) -> int:
        """Extend a name over an abbreviation in parentheses: «خبرگزاری جمهوری اسلامی (ایرنا)»."""
        m = _ABBREV.match(self.s, end)
        if m and len(m.group("inner").split()) <= 4 and not m.group("inner").strip().isdigit():
            return m.end()
        return end

    def make(self, start: int, end: int, outer: int, prefixed: bool, known: bool) -> _Name:
        q = self.skip(end)
        stop = self.stop_at(q) or "soft"
        surface = self.s[start:end]
        return _Name(start, end, outer, stop, self.index.resolve(surface) if end > start else None,
                     known, prefixed, tuple(lx.WORD.findall(surface)))

    def scan(self, p: int) -> _Name | None:
        """The name starting at ``p`` (Persian or Arabic script, or a Latin name in Persian text)."""
        s = self.s
        p = self.skip(p)
        outer = p
        prefix = lx.PR_PREFIX.match(s, p)
        if prefix:
            p = self.skip(prefix.end())
        quoted = _QUOTED_NAME.match(s, p)
        if quoted:  # «به گزارش «تجهیزات جانبی»»: the quotes bound the name
            name = self.make(quoted.start("name"), quoted.end("name"), outer, prefix is not None, False)
            name.stop = self.stop_at(self.skip(quoted.end())) or "soft"
            name.end_phrase = quoted.end()
            return name
        known = self.index.match_at(s, p)
        if known is not None:
            return self.make(p, self.abbrev(known), outer, prefix is not None, True)
        end = p
        count = 0
        last = ""
        while True:
            q = self.skip(end) if end > p else p
            if s[q:q + 1] == "(":
                if count:
                    end = self.abbrev(end)
                break
            word = lx.WORD.match(s, q)
            glued = word is not None and (last, word.group()) in lx.NAME_GLUE
            if not glued and self.stop_at(q) is not None:
                break
            if word is None:
                break
            count += 1
            if count > MAX_WORDS:
                return None
            end = word.end()
            last = word.group()
        if last == "و" and count > 1:  # «خبرگزاری ایرنا و بر پایه …»: a name does not end in «و»
            end = s.rfind(" ", p, end)
        if end == p and prefix is None:
            return None
        return self.make(p, end, outer, prefix is not None, False)

    def any_scan(self, p: int) -> _Name | None:
        """A name in whichever script starts at ``p``."""
        return self.en_scan(p) if _LATIN.match(self.s, self.skip(p)) else self.scan(p)

    def en_scan(self, p: int) -> _Name | None:
        """An English name starting at ``p`` («the ICT ministry's website» gives «ICT ministry»)."""
        s = self.s
        p = self.skip(p)
        filler = _EN_FILLER.match(s, p)
        if filler:
            p = filler.end()
        article = _EN_ARTICLE.match(s, p)
        if article:
            p = article.end()
        known = self.index.match_at(s, p)
        if known is not None:
            return self.make(p, self.abbrev(known), p, False, True)
        end = p
        cut: int | None = None
        count = 0
        while True:
            q = self.skip(end) if end > p else p
            word = lx.LATIN_WORD.match(s, q)
            if word is None or (word.group().lower() in _EN_STOP and count):
                break
            count += 1
            if count > 8:
                break
            text = word.group()
            end = word.end()
            if cut is None and (text.lower().endswith("'s") or text.endswith("'")):
                cut = end - (2 if text.lower().endswith("'s") else 1)
        # "Iran's state news agency IRNA", "the ICT ministry's website": the known name inside wins
        inside = [span for span in self.index.search(s, p, end) if span[0] > p]
        if inside:
            return self.make(inside[-1][0], self.abbrev(inside[-1][1]), p, False, True)
        if cut is not None:
            end = cut
        if end == p or count > 8:
            return None
        return self.make(p, self.abbrev(end), p, False, False)

    # --- accepting a name --------------------------------------------------------------------
    def is_date(self, name: _Name) -> bool:
        """«۱۵ مهر ۱۴۰۳», «مهر ماه»: a month, not Mehr News."""
        s = self.s
        before = s[max(0, name.start - 6): name.start].rstrip()
        after = s[name.end: name.end + 6]
        return (bool(before) and before[-1].isdigit()) or bool(_SPACE_DIGIT.match(after)) or \
            after.lstrip().startswith("ماه")

    def accept(self, name: _Name | None, *, strict: bool, soft_ok: bool = False) -> bool:
        if name is None:
            return False
        if name.hit:
            return not (self.index.is_ambiguous(self.s[name.start:name.end]) and self.is_date(name))
        words = name.words
        if not words:
            return False
        first = words[0].lower()
        if first in lx.NOT_A_SOURCE or first in lx.PERSON_TITLES or first in lx.STOP_WORDS:
            return False
        if any(w.isdigit() for w in words) and (first.isdigit() or any(w in lx.MONTHS for w in words)):
            return False
        if all(w in lx.AMBIGUOUS_WORDS for w in words):
            return False
        headed = name.prefixed or lx.head_kind(words[0], words[1] if len(words) > 1 else "")[0] or \
            first.removeprefix("ال") in lx.ARABIC_CUES or first in lx.ARABIC_CUES
        if not headed and len(words) > MAX_BARE_WORDS:
            return False
        if name.stop in ("hard", "connector", "end"):
            return True
        return (not strict and headed) or (soft_ok and len(words) <= 4)

    def accept_any(self, name: _Name) -> bool:
        """A name after a Persian connector: a Latin one («به نقل از ZDNet») needs a boundary, not a cue."""
        if re.match(r"[A-Za-z]", self.s[name.start:name.start + 1]):
            return self.en_accept(name) or (
                name.stop in ("hard", "connector", "end") and len(name.words) <= 4
                and name.words[0][:1].isupper() and name.words[0].lower() not in lx.NOT_A_SOURCE)
        return self.accept(name, strict=False)

    def en_accept(self, name: _Name | None) -> bool:
        if name is None:
            return False
        if name.hit:
            return True
        words = name.words
        if not words or words[0].lower() in lx.NOT_A_SOURCE or words[0].lower() in lx.PERSON_TITLES:
            return False
        if not any(w[:1].isupper() for w in words):
            return False
        return any(w.lower().rstrip(".") in lx.LATIN_CUES for w in words) or \
            any(re.fullmatch(r"[A-Z][A-Z0-9&.]{1,7}", w) for w in words)

    # --- hops ---------------------------------------------------------------------------------
    def headed(self, name: _Name) -> bool:
        words = name.words
        return name.prefixed or bool(words and lx.head_kind(words[0], words[1] if len(words) > 1 else "")[0])

    def hops(self, first: _Name | None, phrase_start: int, end: int) -> list[_Hop]:
        """The first name and every source it is credited to in turn: «X به نقل از Y از Z»."""
        s = self.s
        hops = [_Hop(first, phrase_start)] if first else []
        cur = first
        while True:
            q = self.skip((cur.end_phrase or cur.end) if cur else end)
            m = lx.HOP.match(s, q)
            if not m:
                break
            connector = m.group("hop").strip()
            nxt = self.any_scan(m.end())
            if nxt is None:
                break
            if connector == "از":
                surface = s[nxt.start:nxt.end]
                counts = (nxt.hit is not None and not self.index.is_ambiguous(surface)) or (
                    nxt.hit is None and self.headed(nxt) and self.accept(nxt, strict=False))
                if not counts:
                    if cur is not None and not cur.known and cur.hit is None and self.headed(cur) and \
                            nxt.stop in ("hard", "end") and not all(w in lx.PLACES for w in nxt.words):
                        # «سازمان حمایت از مصرف‌کنندگان»: this «از» belongs to the name.
                        cur = self.make(cur.start, nxt.end, cur.outer, cur.prefixed, False)
                        hops[-1] = _Hop(cur, hops[-1].phrase_start)
                        continue
                    break
            elif not self.accept_any(nxt):
                break
            start = m.start("hop")
            if nxt.end == nxt.start:  # a bare «روابط عمومی»: nobody new
                break
            hops.append(_Hop(nxt, start))
            cur = nxt
        return hops

    def add(self, pos: int, rank: int, hops: list[_Hop], own: bool = False) -> None:
        if hops or own:
            self.credits.append(_Credit(pos, rank, hops, own))

    # --- the families ------------------------------------------------------------------------
    def opening(self) -> None:
        """«به گزارش X، …», «به گزارش X به نقل از Y», «به گزارش خبرنگار X», «به نوشته X», «گزارش X، …»."""
        s = self.s
        for m in _OPENING.finditer(s):
            self.opening_at(m.start(), m.end(), bare=False)
        for m in _BARE_OPENING.finditer(s):
            self.opening_at(m.start(), m.end(), bare=True)

    def opening_at(self, start: int, p: int, *, bare: bool) -> None:
        s = self.s
        if not bare:
            reporter = _REPORTER.match(s, p)
            marker = reporter or _DESK.match(s, p)
            if marker is not None:
                self.reporter_or_desk(start, marker.end(), reporter is not None)
                return
        name = self.scan(p)
        if name is None:
            return
        if name.end == name.start:  # «به گزارش روابط عمومی، …» on the organisation's own page
            if not bare and name.stop in ("hard", "end"):
                self.add(start, DIRECT, self.hops(None, start, name.end), own=True)
            return
        if bare and not (name.hit or (self.headed(name) and name.stop == "hard")):
            return
        if not self.accept(name, strict=True):
            return
        self.add(start, DIRECT, self.hops(name, start, name.end))

    def reporter_or_desk(self, start: int, p: int, reporter: bool) -> None:
        """«به گزارش خبرنگار اقتصادی X»: X's own story; «به گزارش گروه فناوری X»: X's desk."""
        s = self.s
        q = p
        found: _Name | None = None
        for _ in range(5):
            q = self.skip(q)
            if self.stop_at(q) in ("hard", "end", "connector"):
                break
            word = lx.WORD.match(s, q)
            if word is None:
                break
            nxt = lx.WORD.match(s, self.skip(word.end()))
            if self.index.match_at(s, q) is not None or lx.PR_PREFIX.match(s, q) or \
                    (not reporter and lx.head_kind(word.group(), nxt.group() if nxt else "")[0]):
                found = self.scan(q)
                break
            if reporter and word.group() == "ما":
                q = word.end()
                break
            q = word.end()
        if found is not None and not self.accept(found, strict=True):
            found = None
        if found is None:
            self.add(start, DIRECT, self.hops(None, start, q), own=True)
            return
        key = found.hit[0] if found.hit else None
        if reporter and (self.publisher is None or key is None or key == self.publisher):
            self.add(start, DIRECT, self.hops(None, start, found.end), own=True)
            return
        self.add(start, DIRECT, self.hops(found, start, found.end))

    def quoting(self) -> None:
        """«به نقل از X» wherever it stands; «برگرفته از X» as a label."""
        s = self.s
        for m in _QUOTING.finditer(s):
            rank = DIRECT if m.group("rank").startswith("برگرفته") else QUOTED
            name = self.any_scan(m.end())
            if name is not None and name.end > name.start and self.accept_any(name):
                self.add(m.start(), rank, self.hops(name, m.start(), name.end))

    def pr_office(self) -> None:
        """«روابط عمومی X اعلام کرد …» and a «روابط عمومی X» signature on its own line."""
        s = self.s
        for m in lx.PR_OFFICE.finditer(s):
            start = m.start()
            if start > 0 and not s[start - 1].isspace():
                continue
            before = lx.WORD.findall(s[max(0, start - 30):start])
            if before and (before[-1] in lx.PERSON_TITLES or before[-1] in _POINTS_BACK):
                continue
            name = self.scan(start)
            if name is None or name.end == name.start or not self.accept(name, strict=False):
                continue
            line_start = start == 0 or s[start - 1] == "\n"
            after = lx.WORD.match(s, self.skip(name.end))
            if (name.stop == "soft" and after and after.group() in _SAYS) or (
                    line_start and (name.end >= len(s) or s[self.skip(name.end)] in "\n.")):
                self.add(start, QUOTED, self.hops(name, start, name.end))

    def datelines(self) -> None:
        """«تهران - ایرنا -», «تهران (ایرنا) -», «TEHRAN (MNA) –», «ایسنا - گروه اقتصادی:»."""
        s = self.s
        for m in _DATELINE.finditer(s):
            if any(w in lx.STOP_WORDS or w in lx.NOT_A_SOURCE for w in m.group("city").split()):
                continue
            name = self.scan(m.start("mid"))
            if name is None or name.end != m.end("mid") or name.end == name.start:
                continue
            at_start = m.start() == 0 or s[m.start() - 1] == "\n"
            if (name.hit or (at_start and len(name.words) <= 3)) and self.accept(name, strict=True):
                self.add(m.start(), DIRECT, [_Hop(name, m.start(), m.end())])
        for m in _INNER_DATELINE.finditer(s):  # «روز ۱۵ مهر تهران - ایرنا - …»: a known agency only
            name = self.scan(m.start("mid"))
            if name is not None and name.hit and name.end == m.end("mid") and self.accept(name, strict=True):
                self.add(m.start(), DIRECT, [_Hop(name, m.start(), m.end())])
        for m in _PAREN_DATELINE.finditer(s):
            mid = m.group("mid").strip()
            line = max(s.rfind("\n", 0, m.start()) + 1, 0)
            head = s[line:m.start()]
            at_start = len(head) <= 40 and not re.search(r"[.!?؟]\s", head)
            hit = self.index.resolve(mid)
            latin = re.fullmatch(r"[A-Z][A-Za-z0-9&. ]{1,30}", mid) is not None
            if hit is None and not (latin and (mid.isupper() or at_start)) and \
                    not (at_start and head.strip() and len(mid.split()) <= 2):
                continue
            name = self.make(m.start("mid"), m.end("mid"), m.start("mid"), False, hit is not None)
            capital_city = latin and at_start and head.strip()[:1].isupper()
            if hit is None and not capital_city and \
                    not (self.en_accept(name) if latin else self.accept(name, strict=True)):
                continue
            phrase = line if at_start and head.strip() else m.start()
            self.add(phrase, DIRECT, [_Hop(name, phrase, m.end())])
        for line in [0, *(m.end() for m in _NEWLINE.finditer(s))]:
            name = self.scan(line)
            if name is None or name.end == name.start:
                continue
            tail = _DESK_TAIL.match(s, name.end)
            if tail and (name.hit or self.headed(name) or len(name.words) <= 2) and \
                    self.accept(name, strict=True):
                self.add(line, DIRECT, [_Hop(name, line, tail.end())])

    def wrote(self) -> None:
        """«روزنامه X نوشت:», «خبرگزاری X گزارش داد»: the subject is the source."""
        s = self.s
        for m in _WROTE.finditer(s):
            clause = max(s.rfind(c, 0, m.start()) for c in "،؛:.!?؟\n«»") + 1
            q = self.skip(clause)
            while True:
                word = lx.WORD.match(s, q)
                if word is None or word.group() not in _WROTE_LEAD:
                    break
                q = self.skip(word.end())
            word = lx.WORD.match(s, q)
            if word is None or q >= m.start():
                continue
            nxt = lx.WORD.match(s, self.skip(word.end()))
            if not (self.index.match_at(s, q) is not None or lx.PR_PREFIX.match(s, q)
                    or lx.head_kind(word.group(), nxt.group() if nxt else "")[0]):
                continue
            name = self.scan(q)
            if name is None or name.end == name.start or name.end > m.start():
                continue
            if not (name.hit or self.headed(name)) or not self.accept(name, strict=False, soft_ok=True):
                continue
            hops = [h for h in self.hops(name, q, name.end) if h.name.end <= m.start()]
            if len(lx.WORD.findall(s[hops[-1].name.end:m.start()])) > 6:
                continue
            colon = m.end() + 1 if s[m.end():m.end() + 1] == ":" else m.end()
            hops[0] = _Hop(name, q, colon if len(hops) == 1 else None)
            self.add(q, DIRECT, hops)

    def source_labels(self) -> None:
        """«منبع: X», «منبع:X», «منبع:» then X on the next line, "Source: X", «المصدر: X»."""
        s = self.s
        starts = [(m.start(), m.end(), False) for m in _SOURCE_LABEL.finditer(s)]
        starts += [(m.start(), m.end(), True) for m in _SOURCE_LINE.finditer(s)]
        for start, p, whole_line in starts:
            if p < len(s) and s[p] == "\n":
                p += 1
            url = _URL.match(s, p)
            if url and "." in url.group():
                end = url.end()
                hit = self.index.resolve(url.group())
                link = _Name(p, end, p, "hard", hit, hit is not None, False, (url.group(),))
                self.add(start, DIRECT, [_Hop(link, start)])
                continue
            latin = re.match(r"[A-Za-z]", s[p:p + 1]) is not None
            name = self.en_scan(p) if latin else self.scan(p)
            if name is None or name.end == name.start:
                continue
            if latin and not (name.hit or self.en_accept(name) or name.stop in ("hard", "end")):
                continue
            if not latin and not self.accept(name, strict=False, soft_ok=True):
                continue
            if whole_line and s[self.skip(name.end):self.skip(name.end) + 1] not in ("", "\n"):
                continue  # «منبع درآمد این شرکت …» is a sentence, not a label
            self.add(start, DIRECT, self.hops(name, start, name.end))

    def english(self) -> None:
        s = self.s
        for m in _EN_FORWARD.finditer(s):
            name = self.en_scan(m.end())
            if name is None or not self.en_accept(name):
                continue
            hops = [_Hop(name, m.start())]
            while True:
                hop = _EN_HOP.match(s, name.end)
                nxt = self.en_scan(hop.end()) if hop else None
                if hop is None or nxt is None or not self.en_accept(nxt):
                    break
                hops.append(_Hop(nxt, hop.start() + (1 if s[hop.start()] in ", " else 0)))
                name = nxt
            self.add(m.start(), DIRECT, hops)
        for m in _EN_QUOTING.finditer(s):
            name = self.en_scan(m.end())
            if name is None or not self.en_accept(name):
                continue
            start = m.end("lead") if m.group("lead") else m.start()
            first = self.en_before(m.start()) if m.group("lead") else None
            if first is not None:  # "ISNA, quoting the ICT ministry, …"
                self.add(first.start, DIRECT, [_Hop(first, first.start), _Hop(name, start)])
            else:
                self.add(start, QUOTED, [_Hop(name, start)])
        for m in _EN_BACKWARD.finditer(s):
            name = self.en_before(m.start())
            if name is not None:
                rank = DIRECT if m.group("w").lower() in _EN_DIRECT else QUOTED
                article = _ANY_ARTICLE.match(s, max(0, name.start - 4))
                start = article.start() if article and article.end() == name.start else name.start
                self.add(start, rank, [_Hop(name, start, m.end())])

    def en_before(self, end: int) -> _Name | None:
        """The English name just before ``end``: "the Ministry of ICT [said]"."""
        s = self.s
        clause = max(s.rfind(c, 0, end) for c in ",;:\n()\"") + 1
        tokens = list(lx.LATIN_WORD.finditer(s, clause, end))
        seq: list[re.Match[str]] = []
        for token in reversed(tokens):
            word = token.group()
            nxt = seq[0].start() if seq else end
            if s[token.end():nxt] not in ("", " "):
                break
            if not (word[:1].isupper() or word.lower() in lx.LATIN_CUES or word.lower() in _EN_GLUE):
                break
            seq.insert(0, token)
        while seq and (seq[0].group().lower() in _EN_GLUE or seq[0].group() in ("The", "A", "An")):
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
        return name if self.en_accept(name) and not name.words[0].lower().endswith("'s") else None

    def arabic(self) -> None:
        s = self.s
        for pattern, rank, verb in ((_AR_FORWARD, DIRECT, False), (_AR_VERB, DIRECT, True),
                                    (_AR_QUOTING, QUOTED, False)):
            for m in pattern.finditer(s):
                name = self.scan(m.end())
                if name is None or name.end == name.start:
                    continue
                first = name.words[0].removeprefix("ال") if name.words else ""
                if not name.hit and (verb or rank == DIRECT) and first not in lx.ARABIC_CUES and \
                        not lx.head_kind(first)[0]:
                    continue
                if not self.accept(name, strict=False):
                    continue
                hops = [_Hop(name, m.start())]
                hop = _AR_HOP.match(s, name.end)
                if hop:
                    nxt = self.scan(hop.end())
                    if nxt is not None and nxt.end > nxt.start and self.accept(nxt, strict=False):
                        hops.append(_Hop(nxt, hop.start() + (1 if s[hop.start()] == " " else 0)))
                self.add(m.start(), rank, hops)

    # --- the chain ----------------------------------------------------------------------------
    def chain(self) -> Chain:
        seen: set[str] = set()
        out: list[Attribution] = []
        own = False
        for credit in sorted(self.credits, key=lambda c: (c.rank, c.pos)):
            own = own or credit.own
            for hop in credit.hops:
                name = hop.name
                key, kind = name.hit if name.hit else (None, None)
                surface = self.norm.original_span(name.start, name.end)
                if not surface:
                    continue
                label = key or "~" + bare_name(surface)
                if label in seen:
                    continue
                seen.add(label)
                if key is not None and key == self.publisher:
                    continue
                end = hop.phrase_end or name.end_phrase or name.end
                phrase = self.norm.original_span(hop.phrase_start, end)
                out.append(Attribution(surface, key, kind if key else guess_kind(surface), phrase))
        return Chain(tuple(out), own)


def find_attributions(text: str, names: NameIndex, *, publisher: str | None = None) -> Chain:
    """Every credit in ``text``, as one chain nearest first.

    ``publisher`` is the registry key of the site the text was published on: its own name in a credit
    («به گزارش تجهیزات جانبی» on that outlet's page) is not a source.  Without it every credited name
    counts, except an outlet's own reporter («به گزارش خبرنگار X»), which only sets ``own_reporting``.
    """
    parser = _Parser(normalise(text), names, publisher)
    parser.opening()
    parser.quoting()
    parser.pr_office()
    parser.datelines()
    parser.wrote()
    parser.source_labels()
    low = parser.s.lower()
    if _LATIN_WORDS.search(parser.s) and any(w in low for w in _EN_WORDS):
        parser.english()
    if any(w in parser.s for w in _AR_WORDS):
        parser.arabic()
    return parser.chain()
