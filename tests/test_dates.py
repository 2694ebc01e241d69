from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.text.dates import parse_published

TEHRAN = timezone(timedelta(hours=3, minutes=30))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۱۳ شهریور ۱۴۰۳ - ۱۰:۲۰", datetime(2024, 9, 3, 10, 20, tzinfo=TEHRAN)),
        ("سه‌شنبه ١٣ شهريور ١٤٠٣ ساعت ١٠:٢٠", datetime(2024, 9, 3, 10, 20, tzinfo=TEHRAN)),
        ("۱۴۰۳/۰۶/۱۳ - ۱۰:۲۰", datetime(2024, 9, 3, 10, 20, tzinfo=TEHRAN)),
        ("1403-06-13", datetime(2024, 9, 3, tzinfo=TEHRAN)),
        ("تاریخ انتشار: ۱۵ مهر ۱۴۰۳", datetime(2024, 10, 6, tzinfo=TEHRAN)),
        ("۳۰ اسفند ۱۴۰۳", datetime(2025, 3, 20, tzinfo=TEHRAN)),
        ("2024-09-03T10:20:00+03:30", datetime(2024, 9, 3, 10, 20, tzinfo=TEHRAN)),
        ("2024-09-03T06:50:00Z", datetime(2024, 9, 3, 10, 20, tzinfo=TEHRAN)),
        ("2024-09-03 10:20", datetime(2024, 9, 3, 10, 20, tzinfo=TEHRAN)),
        ("Tue, 03 Sep 2024 06:50:00 GMT", datetime(2024, 9, 3, 10, 20, tzinfo=TEHRAN)),
        ("Tue, 03 Sep 2024 10:20:00 +0330", datetime(2024, 9, 3, 10, 20, tzinfo=TEHRAN)),
        ("September 3, 2024 10:20", datetime(2024, 9, 3, 10, 20, tzinfo=TEHRAN)),
        ("۳ سپتامبر ۲۰۲۴", datetime(2024, 9, 3, tzinfo=TEHRAN)),
    ],
)
def test_dates_parse_to_aware_datetimes(text: str, expected: datetime) -> None:
    parsed = parse_published(text)
    assert parsed == expected
    assert parsed is not None and parsed.tzinfo is not None


@pytest.mark.parametrize("text", ["", "   ", "بدون تاریخ", "1403/13/01", "۳۱ اسفند ۱۴۰۲", "۳۲ مهر ۱۴۰۳"])
def test_impossible_or_missing_dates_give_none(text: str) -> None:
    assert parse_published(text) is None
