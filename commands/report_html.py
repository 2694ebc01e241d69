"""The syndication report as one self-contained HTML page: right to left, Persian, no network.

Everything the page needs is inline: CSS, one SVG timeline per release, one script (the search,
filters and sortable tables: ``templates/explore.js``), no font files (a system font stack that
covers Persian). A Content-Security-Policy in the page itself forbids any fetch and runs no
script but that one, allowed by its sha256, so a page opened years later from an archive still
renders the same. Each copy's text beside its reference is a closed ``<details>``, so the page
reads without the script (its controls stay hidden) and opens only what the reader asks for.

The markup lives in Jinja templates (``commands/templates/``, shipped as package data); this
module works out what they draw (words, dates, the timeline's geometry) and renders them. The
environment escapes every value it prints (autoescape), so no value from the store is ever
markup; only http(s) URLs become links. Values from the store are also kept from reordering the
text around them: every printed string loses its bidirectional controls
(``core.text.controls``), and the templates show each store value in an isolate (``<bdi>``, or
FSI…PDI inside a tooltip, where no element can go).
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any
from urllib.parse import quote

import jdatetime
from jinja2 import Environment, PackageLoader, StrictUndefined
from jinja2.ext import Extension
from markupsafe import Markup, escape

from core.syndication.changes_text import word_changes
from core.text.controls import CONTROLS, strip_controls
from storage.models import TRANSLATION
from storage.report import TEHRAN, Entry, Outlet, ReleaseReport, Report

CREDIT_LABELS = {
    "source": "منبع اصلی را ذکر کرده",
    "other": "فقط منبع دیگری را ذکر کرده",
    "none": "بدون ذکر منبع",
}
CREDIT_COLOURS = {"source": "#2e7d32", "other": "#e0a000", "none": "#c62828"}
ZERO_COLOUR = "#1f4e79"
LANGUAGE_NAMES = {"en": "انگلیسی", "ar": "عربی", "fa": "فارسی"}
RIGHT_TO_LEFT = frozenset({"fa", "ar", "ur", "ps", "ckb", "ku", "sd", "ug", "dv", "he", "yi"})
JALALI_MONTHS = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip
_FA_DIGITS = str.maketrans("0123456789.", "۰۱۲۳۴۵۶۷۸۹٫")
FSI, PDI = "\u2068", "\u2069"

# Timeline geometry (SVG user units; the SVG scales to the page width). A lane is a band of
# delay labels above a row of markers: no label ever reaches down to a marker.
WIDTH = 1100
LABEL_WIDTH = 230
LABEL_X = WIDTH - 8
PLOT_LEFT = 28
PLOT_RIGHT = WIDTH - LABEL_WIDTH - 16
LANE_HEIGHT = 42
MARKER_Y = 30
"""A lane's markers sit this far below its top; its delay labels fill the band above them."""
MARKER_REACH = 8.5
"""Half the height of the largest marker (the origin's diamond: a 12-unit square turned 45°)."""
LABEL_SIZE = 11
LABEL_ASCENT, LABEL_DESCENT = 1.2 * LABEL_SIZE, 0.5 * LABEL_SIZE
"""Generous bounds of a label's glyphs above and below its baseline (Persian fonts reach far)."""
LABEL_GAP = 2.0
LABEL_BASELINE = MARKER_REACH + LABEL_DESCENT + LABEL_GAP
"""A delay label's baseline above its marker's centre."""
CHAR_WIDTH = 0.6 * LABEL_SIZE
"""A generous width of one character of a label, to keep two labels of a lane apart."""
LANE_LABEL_CHARS = 28
TOP = 24
AXIS_HEIGHT = 34
NICE_STEPS_MINUTES = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 4320, 10080, 20160, 43200)
MAX_TICKS = 7


# --- words and dates ------------------------------------------------------------------------


def fa(value: object) -> str:
    """``value`` as text with Persian digits (and the Persian decimal separator)."""
    return str(value).translate(_FA_DIGITS)


def percent(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return share(part / whole)


def share(value: float) -> str:
    """A share (0.8182) as a Persian percentage («۸۱٫۸٪»)."""
    return fa(f"{100 * value:.1f}".removesuffix(".0")) + "٪"


def duration(seconds: float | None) -> str:
    """A delay in words: «۲ ساعت و ۱۵ دقیقه», «۳ روز و ۴ ساعت»; negative ones are «… زودتر»."""
    if seconds is None:
        return "—"
    minutes = round(abs(seconds) / 60)
    if minutes < 60:
        text = f"{fa(minutes)} دقیقه"
    elif minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        text = f"{fa(hours)} ساعت" + (f" و {fa(rest)} دقیقه" if rest else "")
    else:
        days, rest = divmod(minutes, 24 * 60)
        hours = rest // 60
        text = f"{fa(days)} روز" + (f" و {fa(hours)} ساعت" if hours else "")
    return f"{text} زودتر" if seconds < 0 and minutes else text


def tick_label(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes == 0:
        return "۰"
    earlier = " زودتر" if minutes < 0 else ""  # a sign would drift to the wrong side in RTL text
    minutes = abs(minutes)
    if minutes % (24 * 60) == 0:
        return f"{fa(minutes // (24 * 60))} روز{earlier}"
    if minutes % 60 == 0:
        return f"{fa(minutes // 60)} ساعت{earlier}"
    return f"{fa(minutes)} دقیقه{earlier}"


def jalali(when: datetime) -> str:
    """«۴ مهر ۱۴۰۳، ۱۰:۱۹» in Tehran time."""
    local = when.astimezone(TEHRAN)
    day = jdatetime.date.fromgregorian(date=local.date())
    return fa(f"{day.day} {JALALI_MONTHS[day.month - 1]} {day.year}، {local:%H:%M}")


def gregorian(when: datetime) -> str:
    return f"{when.astimezone(TEHRAN):%Y-%m-%d %H:%M}"


def jalali_day(day: date) -> str:
    """«۱۱ شهریور ۱۴۰۳» for a Gregorian day."""
    jday = jdatetime.date.fromgregorian(date=day)
    return fa(f"{jday.day} {JALALI_MONTHS[jday.month - 1]} {jday.year}")


def tehran_day(when: datetime) -> str:
    """The Tehran day of ``when``, ISO (the value of the page's date filters)."""
    return when.astimezone(TEHRAN).date().isoformat()


def timestamp(when: datetime) -> int:
    """Seconds since the epoch: what a date column sorts by."""
    return int(when.timestamp())


def text_direction(lang: str) -> str:
    """The direction of a text in ``lang`` (an ISO 639 code): rtl for Persian, Arabic and their kin."""
    return "rtl" if lang.split("-")[0].lower() in RIGHT_TO_LEFT else "ltr"


# --- store values in the page ---------------------------------------------------------------


def web_url(url: str) -> bool:
    """Whether ``url`` may be a link: http(s) only, never ``javascript:``, ``data:`` …"""
    return url.lower().startswith(("http://", "https://"))


_CONTROL = re.compile(f"[{re.escape(CONTROLS)}]")


def href(url: str) -> str:
    """A link target: the URL as stored, its control characters percent-encoded (not dropped, so
    the link still goes where the store says)."""
    return _CONTROL.sub(lambda m: quote(m.group()), url)


def isolate(value: object) -> Markup:
    """``value`` escaped between FSI and PDI: for text where no ``<bdi>`` can go (tooltips), so
    its direction cannot reorder the text around it."""
    return Markup(FSI) + escape(strip_controls(str(value))) + Markup(PDI)


def clip(text: str, limit: int = 32) -> str:
    text = strip_controls(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(value: Any) -> Any:
    """Every printed value passes here before it is escaped: a string loses its bidirectional and
    other control characters (markup the templates built is left alone)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return strip_controls(value)
    return value


@dataclass(frozen=True)
class Word:
    text: str
    kind: str | None = None
    """``figure`` or ``reworded`` for a word that differs, ``None`` for one both sides share."""


def marked_words(before: str, after: str) -> tuple[list[Word], list[Word]]:
    """Both sentences as runs of words, the runs that differ marked ``figure`` when they hold
    digits (a number, percentage, time or date), else ``reworded``."""
    old: list[Word] = []
    new: list[Word] = []
    for op, was, now in word_changes(before, after):
        if op == "equal":
            old.append(Word(was))
            new.append(Word(now))
            continue
        kind = "figure" if any(ch.isdigit() for ch in was + now) else "reworded"
        if was:
            old.append(Word(was, kind))
        if now:
            new.append(Word(now, kind))
    return old, new


def agreed(evidence: dict[str, Any]) -> dict[str, list[str]]:
    """A translation's evidence as the report names it: figures, names (without their kind and
    the fuzzy-match mark) and dates that agreed."""
    return {
        "figures": [str(f) for f in evidence.get("figures", [])],
        "names": [str(n).split(":", 1)[-1].lstrip("~") for n in evidence.get("names", [])],
        "dates": [str(d) for d in evidence.get("dates", [])],
    }


# --- the timeline chart ---------------------------------------------------------------------


@dataclass(frozen=True)
class Dot:
    entry: Entry
    x: float
    colour: str
    fill: str


@dataclass(frozen=True)
class Label:
    """A delay written above its marker; ``x`` is its middle."""

    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Lane:
    label: str
    y: float
    dots: list[Dot]
    labels: list[Label]


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    """What ``timeline.svg.j2`` draws: zero on the right beside the lane labels, later copies
    further left (time runs with the page's reading direction); one lane per outlet, one dot per
    copy coloured by its credit; an origin in a lane of its own above them."""

    height: float
    axis_y: float
    zero_x: float
    zero_label: str
    ticks: list[Tick]
    origin: Lane | None
    lanes: list[Lane]


def _scale(delays: Iterable[float]) -> tuple[float, float, float]:
    """``(low, high, step)`` in seconds: a range holding zero and every delay, cut in nice steps."""
    values = [0.0, *delays]
    low, high = min(values), max(values)
    span = max(high - low, 60.0)
    step = next((m * 60 for m in NICE_STEPS_MINUTES if span / (m * 60) <= MAX_TICKS - 1), None)
    if step is None:
        step = math.ceil(span / (MAX_TICKS - 1) / 86400) * 86400
    low = math.floor(low / step) * step
    high = max(math.ceil(high / step) * step, low + step)
    return low, high, step


def _by_outlet(copies: Iterable[Entry]) -> list[tuple[str, list[Entry]]]:
    """The copies grouped by outlet, outlets in the order of their first copy."""
    lanes: dict[str, tuple[str, list[Entry]]] = {}
    for copy in copies:
        lanes.setdefault(copy.outlet.site, (copy.outlet.label, []))[1].append(copy)
    return list(lanes.values())


def _ticks(low: float, high: float, step: float, x: Callable[[float], float]) -> list[Tick]:
    ticks = []
    tick = low
    while tick <= high + 1e-6:
        ticks.append(Tick(x(tick), tick_label(tick)))
        tick += step
    return ticks


def _dot(copy: Entry, x: float) -> Dot:
    colour = CREDIT_COLOURS[copy.credit]
    return Dot(copy, x, colour, colour if copy.delay_basis == "published" else "#fff")


def _labels(y: float, placed: Iterable[tuple[float, str]]) -> list[Label]:
    """Labels for ``(x, text)`` pairs in the band above the markers of the lane at ``y``, earliest
    first; a label that would run into one already placed is left out (the dot's tooltip and the
    copies table still give its delay), and none runs off the chart's left edge."""
    labels: list[Label] = []
    spans: list[tuple[float, float]] = []
    for x, text in placed:
        half = len(text) * CHAR_WIDTH / 2 + LABEL_GAP
        middle = max(x, half)
        if any(middle - half < right and left < middle + half for left, right in spans):
            continue
        spans.append((middle - half, middle + half))
        labels.append(Label(middle, round(y - LABEL_BASELINE, 1), text))
    return labels


def _lane(label: str, y: float, dots: list[Dot], texts: Iterable[str]) -> Lane:
    return Lane(label, y, dots, _labels(y, zip((d.x for d in dots), texts, strict=True)))


def timeline(release: ReleaseReport) -> Timeline:
    """The chart of one release's copies by delay (see :class:`Timeline`)."""
    low, high, step = _scale(c.delay_seconds for c in release.copies)

    def x(seconds: float) -> float:
        return round(PLOT_RIGHT - (seconds - low) / (high - low) * (PLOT_RIGHT - PLOT_LEFT), 1)

    # An origin gets its own lane; without one, zero is the first copy, already in its lane.
    first = 1 if release.zero_is_origin else 0
    zero_label = "مبدأ" if release.zero_is_origin else "نخستین نسخه"
    lanes = [
        _lane(
            label,
            TOP + LANE_HEIGHT * i + MARKER_Y,
            [_dot(c, x(c.delay_seconds)) for c in copies],
            (duration(c.delay_seconds) for c in copies),
        )
        for i, (label, copies) in enumerate(_by_outlet(release.copies), start=first)
    ]
    axis_y = TOP + (first + len(lanes)) * LANE_HEIGHT
    origin = None
    if release.zero_is_origin:
        zero = release.zero
        dot = Dot(zero, x(0), ZERO_COLOUR, ZERO_COLOUR)
        origin = _lane(zero.outlet.label, TOP + MARKER_Y, [dot], [zero_label])
    return Timeline(
        height=axis_y + AXIS_HEIGHT,
        axis_y=axis_y,
        zero_x=x(0),
        zero_label=zero_label,
        ticks=_ticks(low, high, step, x),
        origin=origin,
        lanes=lanes,
    )


# --- the page -------------------------------------------------------------------------------


def choices(report: Report) -> tuple[list[Outlet], list[Outlet]]:
    """The filters' options: every outlet the page shows a document of (a copy, an origin or
    first copy, a single story), and every release's source, each by label."""
    outlets: dict[str, Outlet] = {}
    sources: dict[str, Outlet] = {}
    for release in report.releases:
        for entry in (release.zero, *release.copies):
            outlets.setdefault(entry.outlet.site, entry.outlet)
        if release.source is not None:
            sources.setdefault(release.source.site, release.source)
    for single in report.single_stories:
        outlets.setdefault(single.outlet.site, single.outlet)

    def by_label(found: dict[str, Outlet]) -> list[Outlet]:
        return sorted(found.values(), key=lambda o: (o.label, o.site))

    return by_label(outlets), by_label(sources)


@cache
def script() -> tuple[Markup, str]:
    """The page's one script, as the templates ship it, and its CSP source (``'sha256-…'``)."""
    env = environment()
    assert env.loader is not None
    source = env.loader.get_source(env, "explore.js")[0]
    digest = base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")
    return Markup(source), f"sha256-{digest}"


class BetweenTags(Extension):
    """Lets a template be laid out on lines without the layout reaching the page: a line break
    and the indentation after it are dropped where they stand between two tags (``>`` or ``}``
    before, ``<`` or ``{`` after). Breaks inside text stay (they read as a space), and so do
    spaces on one line, so a space the page needs between two tags is written on one line."""

    _LAYOUT = re.compile(r"(?<=[>}])[ \t]*\n\s*(?=[<{])")

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return self._LAYOUT.sub("", source)


@cache
def environment() -> Environment:
    """The templates' environment, read through the package (so from a zipped egg too)."""
    env = Environment(
        loader=PackageLoader("commands", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_shown,
        extensions=[BetweenTags],
    )
    env.filters.update(
        fa=fa,
        share=share,
        duration=duration,
        jalali=jalali,
        gregorian=gregorian,
        jalali_day=jalali_day,
        direction=text_direction,
        isolate=isolate,
        clip=clip,
        href=href,
        tehran_day=tehran_day,
        timestamp=timestamp,
    )
    env.tests["web"] = web_url
    env.globals.update(
        percent=percent,
        timeline=timeline,
        marked_words=marked_words,
        agreed=agreed,
        choices=choices,
        credit_labels=CREDIT_LABELS,
        credit_colours=CREDIT_COLOURS,
        zero_colour=ZERO_COLOUR,
        language_names=LANGUAGE_NAMES,
        translation=TRANSLATION,
        chart={
            "width": WIDTH,
            "top": TOP,
            "left": PLOT_LEFT,
            "right": PLOT_RIGHT,
            "label_x": LABEL_X,
            "lane_chars": LANE_LABEL_CHARS,
        },
    )
    return env


def render(report: Report) -> str:
    """The whole page. Pure: the same report gives the same bytes."""
    code, digest = script()
    page = environment().get_template("report.html.j2")
    return page.render(report=report, script=code, script_hash=digest) + "\n"
