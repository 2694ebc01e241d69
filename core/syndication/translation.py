"""Is this English or Arabic article a retelling of that Persian release? The cross-lingual half of
the copy decision (pure logic: no Scrapy, no store).

No measure on words carries across languages, and a retelling condenses and reorders anyway. What
survives translation is what the decision reads, each part on its own:

1. **figures** — the numbers a text states, in any digit script, with thousands separators and
   decimal marks of either convention, and with their scale words («۴۵ هزار میلیارد ریال» is
   45 trillion rials; «۱۲ هزار و ۵۰۰» is 12,500). Small numbers (up to ``SMALL``) and years say
   nothing and are left out; numbers inside dates are dates;
2. **dates** written in the text (Jalali or Gregorian, month names in Persian, English or Arabic),
   as Gregorian days, and the weekdays it names («released on Saturday») against the day the
   release came out;
3. **names** — of the name table (``core.text.transliterate``), and for English capitalised words
   that the table does not hold, their consonant skeleton found among the Persian text's words;
4. **the credited source** — a retelling that credits an issuer other than the release's does not
   retell it;
5. **time** — the release is published at most ``WINDOW_DAYS`` before the retelling (a day of
   clock skew allowed after).

:func:`judge` links only when these agree — at least ``MIN_FIGURES`` of the retelling's figures
are the release's and the rest do not outnumber them, a name agrees (or a third figure, or — when
all its figures are the release's — a figure rarely shared by chance or a day), two numbers under a
hundred are never all there is against a weekday that differs or for an outlet's own story, the
source fits, the time fits — and says why in a :class:`Verdict` that the store keeps with the link.
:func:`choose` keeps a link only when one release is clearly the best: two releases of one template
that share the retelling's figures equally are no link at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import jdatetime

from core.text.dates import GREGORIAN_MONTHS, JALALI_MONTHS, TEHRAN
from core.text.transliterate import NameTable, default_table, fold, skeleton

RULES = 1
"""Version of these rules, stored with each link's evidence."""

WINDOW_DAYS = 7
"""How long before a retelling its release may have been published."""
SKEW_DAYS = 1
"""How long after (clocks and time zones of two sites disagree)."""
SMALL = 10
"""Numbers up to this are too common to be evidence («two provinces», «5G»)."""
MIN_FIGURES = 2
"""Figures of the retelling the release must state."""
MANY_FIGURES = 3
"""Figures enough without a name in common."""
DISAGREE = 3
"""A retelling with more than this many figures the release does not state per figure it does
(plus one), or more than this many rarely-shared figures it does not state per one it does, tells
another story: real retellings add figures (cumulative totals, context, the parts of a release an
excerpt cut), but not several to one."""
MIN_NAME_SKELETON = 3
"""Consonants a skeleton needs to count as a name (shorter ones collide by chance)."""
UBIQUITOUS = frozenset({"country:iran"})
"""Table names every text of Manba's web holds: no evidence either way."""
ISSUERS = ("ministry:",)
"""Table kinds every release of one issuer names: evidence of the issuer, not of the release."""
NARROW = ("person:", "city:", "company:", "event:", "~")
"""Names narrower than a province or a country (``~``: a skeleton match, a name no table holds)."""
TOPIC = "topic:"
"""Table keys of what a text is about (5G, fibre optic, inflation): reported, never decisive."""
STRONG_FIGURE = 100
"""A figure from here up (not a round hundred), with decimals, or more than ``SMALL`` with a scale
word («45 trillion», not "4 million") is rarely shared by chance."""

# --- figures ----------------------------------------------------------------------------------

_SCALES = (
    ("هزار میلیارد", 10**12), ("الف ملیار", 10**12), ("trillion", 10**12), ("تریلیون", 10**12),
    ("billion", 10**9), ("میلیارد", 10**9), ("ملیارات", 10**9), ("ملیار", 10**9),
    ("million", 10**6), ("میلیون", 10**6), ("ملایین", 10**6), ("ملیون", 10**6),
    ("thousand", 10**3), ("هزار", 10**3), ("الاف", 10**3), ("الف", 10**3),
)  # fmt: skip
_SCALE = {name: value for name, value in _SCALES}
_WORD_NUMBERS = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "یک": 1, "دو": 2, "سه": 3, "چهار": 4, "پنج": 5, "شش": 6, "هفت": 7,
    "هشت": 8, "نه": 9, "ده": 10,
}  # fmt: skip
"""Numbers written as words, read only before a scale word («یک میلیون», "two billion")."""
_NUMBER = re.compile(
    # Not inside another number, nor glued to a word («کووید19», "F14": part of a name).
    # An Arabic proclitic may lean on it («بـ٧١٧», «و٣٠»).
    r"(?<![\d.,٫٬،/])(?:(?<![^\W\d_])|(?<=(?<![^\W\d_])[وبلف]))"
    r"(?:(?P<int>\d{1,3}(?:[,٬،]\d{3})+|\d+)(?:[.٫/](?P<frac>\d+))?(?![\d]|[.٫/,٬،]\d)"
    r"|(?P<word>" + "|".join(_WORD_NUMBERS) + r")(?=\s))"
    r"(?:\s*-?\s*(?P<scale>"
    + "|".join(re.escape(s).replace(r"\ ", r"\s+") for s, _ in _SCALES)
    + r")(?![^\W\d_]))?",
    re.IGNORECASE,
)
_AND = re.compile(r"\s*(?:و|and)\s*", re.IGNORECASE)
_TIME = re.compile(
    r"\d{1,2}\s*:\s*\d{2}|(?<!\d)(?:24|48|72)(?=\s*-?\s*(?:hours?|ساعت|ساعه|ساعات)(?![^\W\d_]))",
    re.IGNORECASE,
)
"""Clock times, and the day-long spans bulletins are framed in («in the past 24 hours», «طی ۲۴
ساعت گذشته»): not their figures."""


@dataclass(frozen=True)
class Figure:
    written: str
    """As the text writes it (digits folded to ASCII)."""
    values: frozenset[str]
    """What it may stand for: the number, and scaled when a scale word follows («45» and
    «45000000000000» for «45 trillion»)."""
    strong: bool = False
    """Rarely shared by chance: from ``STRONG_FIGURE`` up and not a round hundred, with
    decimals, or with a scale word."""


def _canonical(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _parse(match: re.Match[str]) -> tuple[Decimal, int] | None:
    scale_word = match.group("scale")
    scale = _SCALE.get(" ".join(scale_word.lower().split()), 1) if scale_word else 1
    if match.group("word"):
        return (Decimal(_WORD_NUMBERS[match.group("word").lower()]), scale) if scale > 1 else None
    digits = re.sub(r"[,٬،]", "", match.group("int"))
    try:
        value = Decimal(digits + ("." + match.group("frac") if match.group("frac") else ""))
    except InvalidOperation:
        return None
    return value, scale


def _year_like(value: Decimal, scale: int) -> bool:
    return scale == 1 and value == value.to_integral() and (1300 <= value <= 1420 or 1950 <= value <= 2050)


def figures_of(text: str) -> tuple[list[Figure], list[str]]:
    """The figures of a folded text that are evidence (not small, not years), and every value it
    states (small ones and years included: what the other side's figures are looked up in)."""
    text = _TIME.sub(" ", text)
    figures: list[Figure] = []
    every: list[str] = []
    previous: tuple[int, int, Decimal] | None = None
    """End, scale and running total of the number before: «یک میلیون و ۳۴۲ هزار و ۱۳۴» is one figure."""
    for match in _NUMBER.finditer(text):
        parsed = _parse(match)
        if parsed is None:
            previous = None
            continue
        value, scale = parsed
        values = {_canonical(value)}
        if scale > 1:
            values.add(_canonical(value * scale))
        total = value * scale
        if previous is not None and previous[1] > scale and _AND.fullmatch(text[previous[0] : match.start()]):
            total += previous[2]
            values.add(_canonical(total))
        previous = (match.end(), scale, total)
        every += values
        if _year_like(value, scale) or (scale == 1 and value <= SMALL):
            continue
        strong = value != value.to_integral() or (
            value > SMALL if scale > 1 else value >= STRONG_FIGURE and value % 100 != 0
        )
        figures.append(Figure(" ".join(match.group(0).split()), frozenset(values), strong))
    return figures, every


# --- dates ------------------------------------------------------------------------------------

_ARABIC_MONTHS = {
    "ینایر": 1, "فبرایر": 2, "مارس": 3, "ابریل": 4, "مایو": 5, "یونیو": 6, "یولیو": 7,
    "اغسطس": 8, "سبتمبر": 9, "اکتوبر": 10, "نوفمبر": 11, "دیسمبر": 12,
    "کانون الثانی": 1, "شباط": 2, "اذار": 3, "نیسان": 4, "ایار": 5, "حزیران": 6, "تموز": 7,
    "اب": 8, "ایلول": 9, "تشرین الاول": 10, "تشرین الثانی": 11, "کانون الاول": 12,
}  # fmt: skip
_GREGORIAN = {fold(k).lower(): v for k, v in GREGORIAN_MONTHS.items() if len(k) > 2} | _ARABIC_MONTHS
_JALALI = {fold(k): v for k, v in JALALI_MONTHS.items()}


def _month_pattern(names: Iterable[str]) -> str:
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(names, key=len, reverse=True))


_DAY_MONTH = re.compile(
    r"(?<!\d)(?P<day>\d{1,2})(?:st|nd|rd|th|ام|م)?\s+(?:of\s+)?(?P<month>"
    + _month_pattern([*_GREGORIAN, *_JALALI])
    + r")(?![^\W\d_])(?:\s*,?\s*(?P<year>\d{4})(?!\d))?",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(
    r"(?<![^\W\d_])(?P<month>"
    + _month_pattern(k for k in _GREGORIAN if k.isascii())
    + r")\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?!\d)(?:\s*,?\s*(?P<year>\d{4})(?!\d))?",
    re.IGNORECASE,
)


def _resolve(day: int, month: int, year: int | None, jalali: bool, near: datetime | None) -> date | None:
    """A day of a written date, the year missing taken as the one that puts it nearest ``near``."""
    if year is None:
        if near is None:
            return None
        base = jdatetime.date.fromgregorian(date=near.date()).year if jalali else near.year
        options = [_resolve(day, month, y, jalali, None) for y in (base - 1, base, base + 1)]
        found = [o for o in options if o is not None]
        return min(found, key=lambda d: abs((d - near.date()).days)) if found else None
    try:
        return jdatetime.date(year, month, day).togregorian() if jalali else date(year, month, day)
    except ValueError:
        return None


def dates_of(text: str, near: datetime | None = None) -> tuple[set[str], list[tuple[int, int]]]:
    """The days a folded text names (ISO), and the spans they cover (their numbers are no figures)."""
    found: set[str] = set()
    spans: list[tuple[int, int]] = []
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for match in pattern.finditer(text):
            name = " ".join(match.group("month").lower().split())
            jalali = name in _JALALI
            month = _JALALI[name] if jalali else _GREGORIAN.get(name)
            if month is None:
                continue
            year = int(match.group("year")) if match.group("year") else None
            if year is not None and jalali != (year < 1700):
                continue
            day = _resolve(int(match.group("day")), month, year, jalali, near)
            if day is not None:
                found.add(day.isoformat())
                spans.append(match.span())
    return found, spans


_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "الاثنین": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخمیس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6,
    "دوشنبه": 0, "سه شنبه": 1, "سهشنبه": 1, "چهارشنبه": 2, "پنجشنبه": 3, "پنج شنبه": 3, "جمعه": 4,
    "شنبه": 5, "یکشنبه": 6, "یک شنبه": 6,
}  # fmt: skip
_WEEKDAY = re.compile(r"(?<![^\W\d_])(?P<day>" + _month_pattern(_WEEKDAYS) + r")(?![^\W\d_])", re.IGNORECASE)


def weekdays_of(text: str) -> frozenset[int]:
    """The days of the week a folded text names."""
    return frozenset(_WEEKDAYS[" ".join(m.group("day").lower().split())] for m in _WEEKDAY.finditer(text))


# --- names ------------------------------------------------------------------------------------

_LATIN_WORD = re.compile(r"(?<![\w'])[A-Z][a-zA-Z]+(?:-[a-zA-Z]+)*")
_SCRIPT_WORD = re.compile(r"[^\W\d_a-zA-Z]+")
_COMMON = (
    "the a an and in on at of for to by with from as it its this that these those he she they we",
    "his her their our there here but or if while after before since during under over between",
    "iran iranian iranians islamic republic tehran persian minister ministry deputy president",
    "vice head director chief general managing officer spokesman spokesperson official officials",
    "organization organisation company agency news office department national international",
    "government state plan program programme project report according said says also however",
    "monday tuesday wednesday thursday friday saturday sunday today yesterday",
    "january february march april may june july august september october november december",
    "mr mrs ms dr eng engineer meanwhile moreover furthermore besides",
)
COMMON_CAPITALISED = frozenset(" ".join(_COMMON).split())
"""Capitalised English words that are no name (sentence starts, titles, days, months)."""


@dataclass(frozen=True)
class Evidence:
    """What of a text survives translation (:func:`evidence_of`)."""

    lang: str
    figures: tuple[Figure, ...]
    """Its figures that are evidence, one per distinct value."""
    values: frozenset[str]
    """Every value it states (what another text's figures are looked up in)."""
    dates: frozenset[str]
    names: dict[str, str]
    """Name-table key → the form written."""
    name_skeletons: dict[str, str]
    """For a foreign text: skeleton → word of its capitalised words the table does not hold."""
    skeletons: frozenset[str]
    """For a Persian text: the skeletons of all its words."""
    topics: frozenset[str] = frozenset()
    """Name-table topics (``topic:…``) it is about."""
    lead_names: frozenset[str] = frozenset()
    """Name-table keys in its title and first sentence: what the text is about, not named in passing."""
    weekdays: frozenset[int] = frozenset()
    """Days of the week it names («on Saturday», «يوم السبت», «روز شنبه»; Monday is 0)."""
    weekday: int | None = None
    """The day of the week it was published on, in Tehran."""

    def index_keys(self) -> set[str]:
        """Keys a store indexes the text under (its figures' values): two texts to compare share two."""
        return _index_keys(self.figures)


_LEAD_END = re.compile(r"[.!?؟]\s|\n")


def _lead_end(text: str) -> int:
    """Where a text's lead ends: after its title line and its first sentence."""
    title_end = text.find("\n")
    if title_end < 0:
        return len(text)
    found = _LEAD_END.search(text, title_end + 1)
    return found.end() if found else len(text)


@dataclass(frozen=True)
class _Read:
    """What :func:`evidence_of` and :func:`index_keys_of` share: a folded text's names and dates,
    and its figures once names and dates are blanked out."""

    folded: str
    text: str
    """Folded, names and dates blanked."""
    matches: list[tuple[str, str, int, int]]
    dates: set[str]
    figures: tuple[Figure, ...]
    """One per distinct value."""
    every: list[str]


def _read(title: str, body: str, published: datetime | None, table: NameTable) -> _Read:
    folded = text = fold(f"{title}\n{body}")
    matches = table.matches(text)
    dates, spans = dates_of(text, published)
    # Numbers inside dates are the date; inside names («COVID-19», «کووید ۱۹») the name.
    for start, end in sorted([*spans, *((m[2], m[3]) for m in matches)], reverse=True):
        text = text[:start] + " " * (end - start) + text[end:]
    figures, every = figures_of(text)
    distinct: dict[frozenset[str], Figure] = {}
    for figure in figures:
        if not any(figure.values & known for known in distinct):
            distinct[figure.values] = figure
    return _Read(folded, text, matches, dates, tuple(distinct.values()), every)


def _index_keys(figures: Iterable[Figure]) -> set[str]:
    return {value for figure in figures for value in figure.values if len(value) <= 40}


def index_keys_of(
    title: str, body: str, published: datetime | None = None, table: NameTable | None = None
) -> set[str]:
    """``evidence_of(title, body, …).index_keys()`` without the rest of the evidence (what a text
    is indexed under, asked for every Persian document that starts a release; the skeletons of all
    its words are needed only when a retelling is judged against it)."""
    read = _read(title, body, published, table or default_table())
    return _index_keys(read.figures)


def evidence_of(
    title: str, body: str, lang: str, published: datetime | None = None, table: NameTable | None = None
) -> Evidence:
    """The evidence of one text (``lang``: ISO 639-1; Persian texts keep every word's skeleton,
    foreign texts the skeletons of their capitalised words)."""
    read = _read(title, body, published, table or default_table())
    text, matches = read.text, read.matches
    found: dict[str, str] = {}
    for key, form, _, _ in matches:
        found.setdefault(key, form)
    lead_end = _lead_end(read.folded)
    lead = frozenset(key for key, _, start, _ in matches if start < lead_end)
    names = {k: v for k, v in found.items() if k not in UBIQUITOUS and not k.startswith(TOPIC)}
    topics = frozenset(k for k in found if k.startswith(TOPIC))
    name_skeletons: dict[str, str] = {}
    skeletons: frozenset[str] = frozenset()
    if lang == "fa":
        skeletons = frozenset(
            s for w in _SCRIPT_WORD.findall(text) if len(s := skeleton(w)) >= MIN_NAME_SKELETON
        )
    else:
        covered = " ".join(found.values()).lower()
        for word in _LATIN_WORD.findall(f"{title}\n{body}"):
            for part in word.split("-"):
                if part.lower() in COMMON_CAPITALISED or part.lower() in covered or len(part) < 4:
                    continue
                s = skeleton(part)
                if len(s) >= MIN_NAME_SKELETON:
                    name_skeletons.setdefault(s, part)
    return Evidence(
        lang,
        read.figures,
        frozenset(read.every),
        frozenset(read.dates),
        names,
        name_skeletons,
        skeletons,
        topics,
        lead,
        weekdays_of(text),
        published.astimezone(TEHRAN).weekday() if published is not None else None,
    )


# --- the decision -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """Whether a foreign text retells a Persian one, and the evidence either way."""

    linked: bool
    reason: str
    """``retelling``, or the first rule that failed: ``outside_window``, ``too_few_figures``,
    ``figures_disagree``, ``too_little_evidence``, ``day_differs``, ``source_differs``."""
    figures: tuple[str, ...] = ()
    """The retelling's figures the release states (as the retelling writes them)."""
    figures_missing: tuple[str, ...] = ()
    """Its figures the release does not state."""
    names: tuple[str, ...] = ()
    """Names both texts hold (table keys, or «~word» for a skeleton match)."""
    names_missing: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    """Days both texts name."""
    topics: tuple[str, ...] = ()
    """Topics both texts are about (name-table ``topic:`` keys)."""
    credited: str | None = None
    release_sources: tuple[str, ...] = ()
    days_after: float | None = None
    """How long after the release the retelling was published (days)."""
    score: float = 0.0
    """0..1: the share of the retelling's figures and names the release holds (stored as the
    copy's similarity)."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def strength(self) -> tuple[int, int, int]:
        """What :func:`choose` ranks by: figures agreeing, then names, then dates."""
        return len(self.figures), len(self.names), len(self.dates)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rules": RULES,
            "linked": self.linked,
            "reason": self.reason,
            "score": self.score,
            "figures": list(self.figures),
            "figures_missing": list(self.figures_missing),
            "names": list(self.names),
            "names_missing": list(self.names_missing),
            "dates": list(self.dates),
            "topics": list(self.topics),
            "credited": self.credited,
            "release_sources": list(self.release_sources),
            "days_after": self.days_after,
            **self.extra,
        }


def judge(
    foreign: Evidence,
    persian: Evidence,
    *,
    days_after: float | None = None,
    credited: str | None = None,
    release_sources: Iterable[str] = (),
    issuers: Iterable[str] = (),
    own_story: bool = False,
) -> Verdict:
    """Does ``foreign`` retell ``persian``? ``credited``: the registry key the foreign text
    credits (its chain's end); ``release_sources``: the release's source and its members' sites;
    ``issuers``: the keys of sources that issue releases (a retelling crediting another issuer
    than the release's is another issuer's story); ``own_story``: the Persian text is an outlet's
    own reporting, not a release (retold far more rarely: two numbers under a hundred never link to
    one, whatever else agrees)."""
    sources = tuple(sorted(set(release_sources)))
    agreeing = [f for f in foreign.figures if f.values & persian.values]
    matched = tuple(f.written for f in agreeing)
    missing = tuple(f.written for f in foreign.figures if not f.values & persian.values)
    topics = tuple(sorted(foreign.topics & persian.topics))
    names = sorted(foreign.names.keys() & persian.names.keys())
    names += [f"~{word}" for s, word in foreign.name_skeletons.items() if s in persian.skeletons]
    names_missing = sorted(foreign.names.keys() - persian.names.keys())
    dates = tuple(sorted(foreign.dates & persian.dates))
    known = len(matched) + len(names)
    score = round(known / (known + len(missing) + len(names_missing)), 4) if known else 0.0
    verdict = Verdict(
        linked=False,
        reason="",
        figures=matched,
        figures_missing=missing,
        names=tuple(names),
        names_missing=tuple(names_missing),
        dates=dates,
        topics=topics,
        credited=credited,
        release_sources=sources,
        days_after=None if days_after is None else round(days_after, 3),
        score=score,
    )

    def fail(reason: str) -> Verdict:
        return Verdict(**{**verdict.__dict__, "reason": reason})

    if days_after is not None and not -SKEW_DAYS <= days_after <= WINDOW_DAYS:
        return fail("outside_window")
    if len(matched) < MIN_FIGURES:
        return fail("too_few_figures")
    strong_missing = sum(f.strong for f in foreign.figures if not f.values & persian.values)
    strong_matched = sum(f.strong for f in agreeing)
    if len(missing) > DISAGREE * len(matched) + 1 or strong_missing > DISAGREE * max(strong_matched, 1):
        return fail("figures_disagree")
    # Two figures alone may meet by chance (two numbers under a hundred do, among the releases of a
    # busy week): something else must agree — a name more particular than the issuer's, a third
    # figure, or, when every figure of the retelling is the release's, a figure rarely shared or a
    # day. A topic is no such thing: a week holds many releases on one topic.
    particular = [n for n in names if not n.startswith(ISSUERS)]
    whole = not missing and (any(f.strong for f in agreeing) or bool(dates))
    if not particular and len(matched) < MANY_FIGURES and not whole and strong_matched < MIN_FIGURES:
        return fail("too_little_evidence")
    other_day = foreign.weekdays and persian.weekday is not None and persian.weekday not in foreign.weekdays
    if strong_matched == 0 and len(matched) < MANY_FIGURES:
        # Two numbers under a hundred do not outweigh "released on Saturday" for a release of
        # another day, nor link to an outlet's own story.
        if other_day:
            return fail("day_differs")
        if own_story:
            return fail("too_little_evidence")
        # …nor a place the release only names in passing: it must be what its lead is about.
        if not any(n.startswith(NARROW) or n in persian.lead_names for n in particular):
            return fail("too_little_evidence")
    if credited is not None and credited in set(issuers) and sources and credited not in sources:
        return fail("source_differs")
    return Verdict(**{**verdict.__dict__, "linked": True, "reason": "retelling"})


def choose(verdicts: Sequence[tuple[Any, Verdict]]) -> tuple[Any, Verdict] | None:
    """The one candidate a retelling links to: the strongest linked verdict, when no other linked
    candidate is as strong (two same-template releases that a retelling fits equally are a
    question, not a link)."""
    linked = sorted((v for v in verdicts if v[1].linked), key=lambda v: v[1].strength, reverse=True)
    if not linked:
        return None
    if len(linked) > 1 and linked[1][1].strength == linked[0][1].strength:
        return None
    return linked[0]


def days_between(foreign: datetime | None, persian: datetime | None) -> float | None:
    """Days from the release to the retelling (negative when the retelling is earlier)."""
    if foreign is None or persian is None:
        return None
    return (foreign - persian) / timedelta(days=1)
