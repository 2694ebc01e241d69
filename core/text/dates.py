"""Publication dates as Iranian sites write them, to timezone-aware datetimes.

Handles Jalali dates with month names («۱۳ شهریور ۱۴۰۳ - ۱۰:۲۰») or numbers
(«۱۴۰۳/۰۶/۱۳»), Gregorian ISO 8601 and RFC 822 dates, in Persian, Arabic-Indic or
ASCII digits. A date without a zone is Tehran time: that is what the sites mean.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import jdatetime

from core.text.digits import ascii_digits, unify_letters

TEHRAN: tzinfo = ZoneInfo("Asia/Tehran")

JALALI_MONTHS = {
    "فروردین": 1, "اردیبهشت": 2, "خرداد": 3, "تیر": 4, "مرداد": 5, "امرداد": 5,
    "شهریور": 6, "مهر": 7, "آبان": 8, "آذر": 9, "دی": 10, "بهمن": 11, "اسفند": 12,
}  # fmt: skip
GREGORIAN_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [("jan", "january", "ژانویه"), ("feb", "february", "فوریه"), ("mar", "march", "مارس"),
         ("apr", "april", "آوریل"), ("may", "مه", "می"), ("jun", "june", "ژوئن"),
         ("jul", "july", "ژوئیه"), ("aug", "august", "اوت"), ("sep", "sept", "september", "سپتامبر"),
         ("oct", "october", "اکتبر"), ("nov", "november", "نوامبر"), ("dec", "december", "دسامبر")]
    )
    for name in names
}  # fmt: skip

_TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3])[:：]([0-5]\d)(?:[:：]([0-5]\d))?(?!\d)")
_NUMERIC = re.compile(r"(?<!\d)(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})(?!\d)")
_NUMERIC_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4})(?!\d)")
_NAMED = re.compile(
    r"(?<!\d)(\d{1,2})\s*[-/]?\s*(?:ام\s*)?([^\W\d_]+)\s*(?:ماه\s*)?[،,\-/]?\s*(\d{4})(?!\d)"
)
_NAMED_MDY = re.compile(r"\b([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})(?!\d)")


def _clock(text: str, before: str = "") -> tuple[int, int, int]:
    """The time after the date, else the time just before it («۰۸:۵۹ - ۳۰-۰۶-۱۳۹۰»)."""
    match = _TIME.search(text) or _TIME.search(before[-12:])
    if not match:
        return 0, 0, 0
    return int(match[1]), int(match[2]), int(match[3] or 0)


def _build(calendar: str, y: int, m: int, d: int, text: str, before: str = "") -> datetime | None:
    hh, mm, ss = _clock(text, before)
    try:
        if calendar == "jalali":
            value = jdatetime.datetime(y, m, d, hh, mm, ss).togregorian()
        else:
            value = datetime(y, m, d, hh, mm, ss)
    except ValueError:
        return None
    return value.replace(tzinfo=TEHRAN)


def _calendar_for(year: int) -> str:
    return "jalali" if year < 1700 else "gregorian"


def _structured(text: str) -> datetime | None:
    """ISO 8601 or RFC 822, as found in meta tags, <time> and feeds."""
    candidate = text.strip()
    try:
        value = datetime.fromisoformat(candidate)
    except ValueError:
        value = None
    if value is None and re.match(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}", candidate):
        try:
            value = parsedate_to_datetime(candidate)
        except (TypeError, ValueError):
            value = None
    if value is None or value.year < 1700:  # a Jalali year written the ISO way
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=TEHRAN)


def parse_published(text: str) -> datetime | None:
    """The first date in ``text`` as an aware datetime, or ``None`` when there is none.

    Dates that cannot exist (month 13, 31 Esfand) give ``None`` rather than a guess.
    """
    if not text or not text.strip():
        return None
    plain = unify_letters(ascii_digits(text)).replace("\u200c", " ")
    structured = _structured(plain)
    if structured is not None:
        return structured
    numeric = _NUMERIC.search(plain)
    if numeric:
        y, m, d = (int(g) for g in numeric.groups())
        return _build(_calendar_for(y), y, m, d, plain[numeric.end():], plain[: numeric.start()])
    for named in _NAMED.finditer(plain):
        day, month_name, year = int(named[1]), named[2].lower(), int(named[3])
        calendar = _calendar_for(year)
        months = JALALI_MONTHS if calendar == "jalali" else GREGORIAN_MONTHS
        if month_name in months:
            return _build(calendar, year, months[month_name], day, plain[named.end():])
    mdy = _NAMED_MDY.search(plain)
    if mdy and mdy[1].lower() in GREGORIAN_MONTHS:
        return _build("gregorian", int(mdy[3]), GREGORIAN_MONTHS[mdy[1].lower()], int(mdy[2]),
                      plain[mdy.end():])
    dmy = _NUMERIC_DMY.search(plain)
    if dmy:
        d, m, y = (int(g) for g in dmy.groups())
        return _build(_calendar_for(y), y, m, d, plain[dmy.end():], plain[: dmy.start()])
    return None


WEEKDAYS = frozenset(
    {"شنبه", "یکشنبه", "دوشنبه", "سه", "چهارشنبه", "پنجشنبه", "پنج", "جمعه"}
    | {"saturday", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday"}
)
PUBLISHED_LABELS = frozenset(
    {"تاریخ", "انتشار", "منتشر", "شده", "ساعت", "زمان", "در", "published", "on", "at"}
)
"""Words that may sit beside a publication date on its line («تاریخ انتشار: …», «ساعت ۱۰:۴۵»)."""
NOT_PUBLISHED = ("امروز", "برابر با", "به روز", "بروز", "ویرایش", "today", "updated", "modified")
"""A date line saying one of these is today's date or an edit time, not the publication."""
DATE_LINE_CHARS = 120
DATE_LINE_OTHER_WORDS = 3
"""Words a date line may carry besides the date, its labels and weekday (e.g. «کد خبر: ۴۵۶۷۸»)."""
_LINE_WORD = re.compile(r"[^\W\d_]+")


def date_line(text: str, now: datetime | None = None) -> datetime | None:
    """The publication date of a short line that is a date and little else: a byline such as
    «تاریخ انتشار: ۱۶ مهر ۱۴۰۳ - ۱۰:۴۵», «دوشنبه ۱۶ مهر ۱۴۰۳ ساعت ۱۰:۴۵» or «1403/07/16».

    ``None`` for a longer line (a sentence that mentions a date), a line labelled as today's date
    or an update time, and a date that cannot be a publication: before 1990 or after tomorrow.
    """
    if not text or len(text) > DATE_LINE_CHARS:
        return None
    plain = unify_letters(ascii_digits(text)).replace("\u200c", " ").lower()
    if any(label in plain for label in NOT_PUBLISHED):
        return None
    month_names = JALALI_MONTHS.keys() | GREGORIAN_MONTHS.keys()
    other = [w for w in _LINE_WORD.findall(plain) if w not in month_names | WEEKDAYS | PUBLISHED_LABELS]
    if len(other) > DATE_LINE_OTHER_WORDS:
        return None
    found = parse_published(text)
    if found is None:
        return None
    now = now or datetime.now(TEHRAN)
    if found.year < 1990 or (found - now).days >= 1:
        return None
    return found
