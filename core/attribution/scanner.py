"""The name-boundary scanner every credit family uses, and the merged chain.

A family (a module of ``families``) finds a trigger that says where a name starts (or ends); the scanner
reads the name: a known registry name is taken whole (longest match, any spelling); an unknown one runs
word by word until «،» «:» «؛» a newline, a hop connector («به نقل از», «از») or a word that starts a new
clause (a verb, «در», «که» …).  How much of an unknown name a family accepts depends on how reliable its
position is: «به گزارش X،» needs the comma, «X نوشت» a head word such as «روزنامه».  Credits are then
ordered nearest first and merged into one chain.
"""

from __future__ import annotations

import re
from copy import copy
from dataclasses import dataclass, field

from core.attribution import lexicon as lx
from core.attribution.model import Attribution, Chain
from core.attribution.names import NameIndex, bare_name
from core.attribution.normalise import Normalised, normalise

MAX_WORDS = 10
"""Longest unknown name, in words, that a credit can carry."""
MAX_BARE_WORDS = 3
"""Longest unknown name without a head word («روزنامه», «سازمان» …): outlet brand names are short."""

# Ranks order credits in the chain: the outlet's own credit line first, quoted sources after.
DIRECT, QUOTED = 0, 1

WORD_START = r"(?<![^\s«\"(\[])"  # a word starts here
_QUOTED_NAME = re.compile(r"[«\"](?P<name>[^«»\"\n]{1,60}?)[»\"]")
_ABBREV = re.compile(r"\s?\((?P<inner>[^()\n]{1,40})\)")
_SPACE_DIGIT = re.compile(r"\s?\d")
_LATIN_START = re.compile(r"[A-Za-z]")
_APPOSITION = re.compile(
    r"\s?[,–—-]\s(?:an?|the|two|three|several)\s(?:[\w-]+\s){0,4}?"
    r"(?:company|firm|firms|agency|agencies|group|website|newspaper|daily|broadcaster|channel|outlet"
    r"|organi[sz]ation|institute|monitor|observatory|watchdog|think\stank|news\ssite)\b"
)
_EN_FILLER = re.compile(
    r"(?:(?:a|an|the)\s)?(?:(?:press\s)?statements?|reports?|website|(?:press\s)?release|data|figures|post"
    r"|statistics|announcement)\s(?:published\s|issued\s|released\s)?(?:by|from|of|on)\s",
    re.I,
)
_EN_ARTICLE = re.compile(r"(?:the|a|an)\s")  # lower case only: "The Verge" keeps its article
_EN_GLUE = frozenset({"of", "and", "for", "&", "on", "de", "del", "la", "des", "du", "der", "d'"})
_EN_STOP = frozenset({
    "said", "says", "announced", "reported", "wrote", "stated", "told", "on", "in", "at", "which", "that",
    "who", "as", "quoting", "citing", "via", "and", "website", "statement", "report", "the", "a", "an",
    "is", "was", "has", "have", "had", "will", "would", "are", "were", "be", "been", "also", "first",
    "denied", "confirmed", "posted", "claimed", "published",
})
LATIN = re.compile(r"[A-Za-z]")
_SLUG = re.compile(r"[a-z][a-z0-9.-]+")
POSSESSIVE = re.compile(r"['’]s$", re.I)
_ABBREVIATION = re.compile(r"(?:[A-Z]\.){2,}|[A-Z][a-z]?\.")
_NOT_AFTER_HEAD = frozenset({"در", "که", "با", "به", "از", "را", "و", "این", "آن", "نیز", "هم", "برای"})
AR_HOP = re.compile(r"\s?(?:،\s?)?(?:نقلا\s)?عن\s")
_NEWLINE = re.compile(r"\n")


@dataclass
class Name:
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
class Hop:
    name: Name
    phrase_start: int
    phrase_end: int | None = None
    """Where the phrase ends when it runs past the name («تهران - ایرنا -», «… نوشت:»)."""


@dataclass
class Credit:
    pos: int
    rank: int
    hops: list[Hop] = field(default_factory=list)
    own: bool = False


def guess_kind(name: str) -> str | None:
    """The kind an unknown name suggests by its head word («وزارت …» a ministry, "… Times" a newspaper)."""
    words = lx.WORD.findall(normalise(name).text)
    if not words:
        return None
    found, kind = lx.head_of(words)
    if found:
        return kind
    if re.match(r"[A-Za-z]", words[0]):
        for word in reversed(words):
            found, kind = lx.head_kind(word)
            if found and kind:
                return kind
    return None


class Scanner:
    def __init__(self, norm: Normalised, index: NameIndex, publisher: str | None) -> None:
        self.norm = norm
        self.s = norm.text
        self.index = index
        self.publisher = publisher
        self.credits: list[Credit] = []
        # The families ask about the same places of one text again and again; the answers depend on
        # the text and the index alone, so each is worked out once per text.
        self._stops: dict[int, str | None] = {}
        self._names: dict[int, Name | None] = {}

    # --- the name-boundary scanner ---------------------------------------------------------
    def line_starts(self) -> list[int]:
        """Where each line of the text starts."""
        return [0, *(m.end() for m in _NEWLINE.finditer(self.s))]

    def skip(self, p: int) -> int:
        return p + 1 if p < len(self.s) and self.s[p] == " " else p

    def stop_at(self, q: int) -> str | None:
        """What kind of boundary starts at ``q``, if any."""
        try:
            return self._stops[q]
        except KeyError:
            stop = self._stops[q] = self._stop_at(q)
            return stop

    def _stop_at(self, q: int) -> str | None:
        s = self.s
        if q >= len(s):
            return "end"
        if s[q] in lx.HARD or lx.END_MARKER.match(s, q):
            return "hard"
        if lx.CONNECTOR.match(s, q) or AR_HOP.match(s, q):
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

    def make(self, start: int, end: int, outer: int, prefixed: bool, known: bool) -> Name:
        q = self.skip(end)
        stop = self.stop_at(q) or "soft"
        surface = self.s[start:end]
        return Name(start, end, outer, stop, self.index.resolve(surface) if end > start else None,
                     known, prefixed, tuple(lx.WORD.findall(surface)))

    def scan(self, p: int) -> Name | None:
        """The name starting at ``p`` (Persian or Arabic script, or a Latin name in Persian text).
        A fresh object every time: callers may change the one they get."""
        try:
            found = self._names[p]
        except KeyError:
            found = self._names[p] = self._scan(p)
        return copy(found) if found is not None else None

    def _scan(self, p: int) -> Name | None:
        s = self.s
        p = self.skip(p)
        outer = p
        prefix = lx.PR_PREFIX.match(s, p)
        if prefix:
            p = self.skip(prefix.end())
        head = lx.MEDIA_HEAD.match(s, p) if self.index.match_at(s, p) is None else None
        quoted = _QUOTED_NAME.match(s, head.end() if head else p)
        if quoted:  # «به گزارش «تجهیزات جانبی»», «وکالة انباء "فارس"»: the quotes bound the name
            if head:
                prefix = head
            name = self.make(quoted.start("name"), quoted.end("name"), outer, prefix is not None, False)
            name.stop = self.stop_at(self.skip(quoted.end())) or "soft"
            name.end_phrase = quoted.end()
            return name
        known = self.index.match_at(s, p)
        lead = lx.MEDIA_LEAD.match(s, p) if known is None else None
        if lead is not None and self.index.match_at(s, lead.end()) is not None:
            known = self.index.match_at(s, lead.end())  # «وبگاه دنیای اقتصاد», «خبرگزاری حکومتی مهر»
        if known is not None:
            tail = lx.ARABIC_NAME_TAIL.match(s, known)
            return self.make(p, self.abbrev(tail.end() if tail else known), outer, prefix is not None, True)
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
            glued = word is not None and ((last, word.group()) in lx.NAME_GLUE or (
                count == 1 and lx.head_kind(last)[0] and word.group() not in _NOT_AFTER_HEAD
                and self.stop_at(q) == "soft"))
            if not glued and self.stop_at(q) is not None:
                break
            if word is None or (count and _SLUG.fullmatch(word.group()) and not _SLUG.fullmatch(last)):
                break  # «برق نیوز tabarestantablo»: the site's own slug is not part of the name
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

    def any_scan(self, p: int) -> Name | None:
        """A name in whichever script starts at ``p``."""
        return self.en_scan(p) if LATIN.match(self.s, self.skip(p)) else self.scan(p)

    def en_scan(self, p: int) -> Name | None:
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
        capital = False
        while True:
            q = self.skip(end) if end > p else p
            word = lx.LATIN_WORD.match(s, q)
            if word is None:
                break
            text = word.group()
            low = text.lower().rstrip(".")
            if count and (low in _EN_STOP or (capital and not text[:1].isupper() and low not in _EN_GLUE
                                              and low not in lx.LATIN_CUES)):
                break  # "the US Navy are …": a lower-case word after the name ends it
            following = lx.LATIN_WORD.match(s, self.skip(word.end()))
            then_capital = following is not None and following.group()[:1].isupper()
            if not capital and count < 4 and (not text[:1].isupper() or low in lx.DESCRIPTORS
                                              or POSSESSIVE.search(text)) and \
                    (low not in lx.LATIN_CUES or then_capital):
                p, end = self.skip(word.end()), self.skip(word.end())  # "data company Vortexa", "Iran's X"
                count += 1
                continue
            count += 1
            if count > 14:
                break
            capital = capital or text[:1].isupper()
            end = word.end()
            if text.endswith(".") and not _ABBREVIATION.fullmatch(text):
                end -= 1  # "… Vortexa." ends the sentence
                break
            if cut is None and (text.lower().endswith("'s") or text.endswith("'")):
                cut = end - (2 if text.lower().endswith("'s") else 1)
        # "Iran's state news agency IRNA", "the ICT ministry's website": the known name inside wins
        inside = [span for span in self.index.search(s, p, end) if span[0] > p]
        if inside:
            return self.make(inside[-1][0], self.abbrev(inside[-1][1]), p, False, True)
        if self.index.match_at(s, p) is not None:
            return self.make(p, self.abbrev(self.index.match_at(s, p) or p), p, False, True)
        if cut is not None:
            end = cut
        if end <= p or len(lx.LATIN_WORD.findall(s, p, end)) > 12:
            return None
        return self.make(p, self.abbrev(end), p, False, False)

    # --- accepting a name --------------------------------------------------------------------
    def is_date(self, name: Name) -> bool:
        """«۱۵ مهر ۱۴۰۳», «مهر ماه»: a month, not Mehr News."""
        s = self.s
        before = s[max(0, name.start - 6): name.start].rstrip()
        after = s[name.end: name.end + 6]
        return (bool(before) and before[-1].isdigit()) or bool(_SPACE_DIGIT.match(after)) or \
            after.lstrip().startswith("ماه")

    def accept(self, name: Name | None, *, strict: bool, soft_ok: bool = False) -> bool:
        if name is None:
            return False
        if name.hit:
            return not (self.index.is_ambiguous(self.s[name.start:name.end]) and self.is_date(name))
        words = name.words
        if not words:
            return False
        first = words[0].lower()
        if first in lx.NOT_A_SOURCE or first in lx.PERSON_TITLES or first in lx.STOP_WORDS or \
                tuple(words[:2]) in lx.TITLE_PHRASES or any(w in lx.POINTER_WORDS for w in words):
            return False
        if all(w in lx.HEAD_WORDS for w in words) and not name.prefixed and not _LATIN_START.match(words[0]):
            return False  # «به گزارش خبرگزاری به نقل از …»: a head word alone names no one
        if any(w.isdigit() for w in words) and (first.isdigit() or any(w in lx.MONTHS for w in words)):
            return False
        if all(w in lx.AMBIGUOUS_WORDS for w in words):
            return False
        headed = name.prefixed or lx.head_of(words)[0] or \
            first.removeprefix("ال") in lx.ARABIC_CUES or first in lx.ARABIC_CUES
        if not headed and len(words) > MAX_BARE_WORDS:
            return False
        if name.stop in ("hard", "connector", "end") or name.end_phrase is not None:
            return True
        return (not strict and headed) or (soft_ok and len(words) <= 4)

    def cued(self, name: Name) -> bool:
        """The name carries a media word («سیرجان خبر», «افق نیوز», «شهرآرانیوز», "Iran Press")."""
        return any(lx.is_cue(w) for w in name.words)

    def brand(self, name: Name | None) -> bool:
        """Whether a name read where no head word or comma vouches for it is an organisation by itself:
        a known name, a headed or quoted one, or a short one with a media word; never a person, a
        pointer («این …») or a place."""
        if name is None or name.end <= name.start:
            return False
        if name.hit:
            return not (self.index.is_ambiguous(self.s[name.start:name.end]) and self.is_date(name))
        words = name.words
        if not words:
            return False
        first = words[0].lower()
        if first in lx.NOT_A_SOURCE or first in lx.PERSON_TITLES or first in lx.STOP_WORDS or \
                tuple(words[:2]) in lx.TITLE_PHRASES:
            return False
        if all(w in lx.AMBIGUOUS_WORDS for w in words) or all(w.lower() in lx.OUTLET_CUES for w in words):
            return False
        if name.end_phrase is not None:
            return True
        if self.headed(name):
            return len(words) > 1 or name.prefixed  # «دولت», «سازمان» alone name nobody
        return len(words) <= MAX_BARE_WORDS and self.cued(name)

    def label_name(self, name: Name, sep: str) -> bool:
        """An unknown name heading a line: a brand, or (before «-» or «|», which kickers do not use) one or
        two words that do not start like a person's name."""
        if self.brand(name):
            return True
        words = name.words
        return sep in ("-", "|") and 1 <= len(words) <= 2 and words[0] not in lx.GIVEN_NAMES and \
            self.accept(name, strict=True) and not any(w in lx.PLACES for w in words)

    def apposed(self, name: Name) -> bool:
        """A Latin name followed by an apposition that says what it is: "Cloudflare, an internet
        services company,", "Kentinc and Netblocks – two connectivity tracking firms –"."""
        found = _APPOSITION.match(self.s, name.end)
        return found is not None and len(name.words) <= 4 and name.words[0][:1].isupper() and \
            name.words[0].lower() not in lx.NOT_A_SOURCE and \
            not any(w.lower() in lx.PERSON_TITLES for w in name.words)

    def accept_any(self, name: Name) -> bool:
        """A name after a Persian connector: a Latin one («به نقل از ZDNet») needs a boundary, not a cue."""
        if re.match(r"[A-Za-z]", self.s[name.start:name.start + 1]):
            return self.en_accept(name) or (
                name.stop in ("hard", "connector", "end") and len(name.words) <= 4
                and name.words[0][:1].isupper() and name.words[0].lower() not in lx.NOT_A_SOURCE)
        return self.accept(name, strict=False)

    def en_accept(self, name: Name | None) -> bool:
        if name is None:
            return False
        if name.hit or self.apposed(name):
            return True
        words = name.words
        if not words or words[0].lower() in lx.NOT_A_SOURCE or \
                any(w.lower() in lx.PERSON_TITLES for w in words):  # "Health Ministry Spokesman X"
            return False
        if not any(w[:1].isupper() for w in words):
            return False
        return any(w.lower().rstrip(".") in lx.LATIN_CUES for w in words) or \
            any(re.fullmatch(r"[A-Z][A-Z0-9&.]{1,7}", w) for w in words)

    # --- hops ---------------------------------------------------------------------------------
    def headed(self, name: Name) -> bool:
        words = name.words
        return name.prefixed or lx.head_of(words)[0]

    def hops(self, first: Name | None, phrase_start: int, end: int) -> list[Hop]:
        """The first name and every source it is credited to in turn: «X به نقل از Y از Z»."""
        s = self.s
        hops = [Hop(first, phrase_start)] if first else []
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
                        hops[-1] = Hop(cur, hops[-1].phrase_start)
                        continue
                    break
            elif not self.accept_any(nxt):
                break
            start = m.start("hop")
            if nxt.end == nxt.start:  # a bare «روابط عمومی»: nobody new
                break
            hops.append(Hop(nxt, start))
            cur = nxt
        return hops

    def add(self, pos: int, rank: int, hops: list[Hop], own: bool = False) -> None:
        if hops or own:
            self.credits.append(Credit(pos, rank, hops, own))

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
                if key is None and lx.generic_media(self.s[name.start:name.end]):
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

