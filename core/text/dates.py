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
_NAMED = re.compile(r"(?<!\d)(\d{1,2})\s*(?:ام\s*)?([^\W\d_]+)\s*(?:ماه\s*)?،?\s*(\d{4})(?!\d)")
_NAMED_MDY = re.compile(r"\b([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})(?!\d)")


def _clock(text: str) -> tuple[int, int, int]:
    match = _TIME.search(text)
    if not match:
        return 0, 0, 0
    return int(match[1]), int(match[2]), int(match[3] or 0)


def _build(calendar: str, y: int, m: int, d: int, text: str) -> datetime | None:
    hh, mm, ss = _clock(text)
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
        return _build(_calendar_for(y), y, m, d, plain[numeric.end():])
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
        return _build(_calendar_for(y), y, m, d, plain[dmy.end():])
    return None
