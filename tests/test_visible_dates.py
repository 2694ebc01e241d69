"""Generic extraction reads a publication date the page shows only as text (issue 18, item 6).

Each page below is built the way Iranian news sites lay out an article without a date in meta tags
or ``<time>``: a masthead that often shows today's date, the headline, a byline line with the date
written out («۱۶ مهر ۱۴۰۳ ساعت ۱۰:۴۵», «1403/07/16», «تاریخ انتشار: ۰۸:۵۹ - ۳۰-۰۶-۱۳۹۰»), the body,
then related stories and comments that carry dates of their own. The byline shapes follow real pages
(see the search corpus's pages of ISNA-, IRNA- and Tasnim-style sites); ``BLIND`` was written before
the rule was tried and is not tuned on.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from scrapy.http import HtmlResponse

from core.text.dates import TEHRAN, date_line
from crawler.pages import GenericPage

BODY = "".join(
    f"<p>{sentence}</p>"
    for sentence in (
        "وزیر ارتباطات و فناوری اطلاعات از راه‌اندازی سامانه تازه‌ای برای ثبت شکایت کاربران خبر داد و گفت"
        " این سامانه از هفته آینده در همه استان‌ها در دسترس خواهد بود.",
        "به گفته وی، کاربران می‌توانند شکایت‌های خود درباره کیفیت اینترنت همراه و ثابت را در این سامانه ثبت"
        " کنند و پاسخ را ظرف هفت روز کاری دریافت خواهند کرد.",
        "این طرح از ۱ آبان ۱۴۰۲ به صورت آزمایشی در سه استان اجرا شده بود و نتایج آن رضایت‌بخش ارزیابی شد.",
    )
)
RELATED = (
    "<div class='related'><h3>اخبار مرتبط</h3><ul>"
    "<li><a href='/n/1'>خبر دیگری درباره اینترنت</a> <span class='date'>۱۴۰۳/۰۷/۱۰</span></li>"
    "<li><a href='/n/2'>خبر دیگری درباره سامانه</a> <span class='date'>۹ مهر ۱۴۰۳</span></li></ul></div>"
)
COMMENTS = (
    "<div id='comments'><div class='cm'><b>ناشناس</b><span>۱۰:۱۷ - ۱۴۰۳/۰۷/۲۰</span>"
    "<p>خیلی خوب است</p></div></div>"
)


def page(
    masthead: str, byline: str, *, before_title: bool = False, tail: str = RELATED + COMMENTS
) -> GenericPage:
    title = "<h1>راه‌اندازی سامانه ثبت شکایت کاربران اینترنت</h1>"
    head = f"{byline}{title}" if before_title else f"{title}{byline}"
    html = (
        "<html lang='fa'><head><title>سامانه ثبت شکایت</title></head><body>"
        f"<div class='top'>{masthead}</div>"
        "<div class='menu'><a href='/'>خانه</a> <a href='/s'>سیاسی</a></div>"
        f"<div class='news'>{head}<div class='body'>{BODY}</div></div>{tail}</body></html>"
    )
    response = HtmlResponse(url="http://127.0.0.9/news/123", body=html.encode("utf-8"), encoding="utf-8")
    return GenericPage(response, "127.0.0.9")


def tehran(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TEHRAN)


TODAY = "<span>امروز: پنج‌شنبه ۱۵ آذر ۱۴۰۵</span>"
DEV = [
    (
        "named with clock",
        TODAY,
        "<div class='info'>۱۶ مهر ۱۴۰۳ ساعت ۱۰:۴۵</div>",
        tehran(2024, 10, 7, 10, 45),
    ),
    ("numeric only", TODAY, "<span>1403/07/16</span>", tehran(2024, 10, 7)),
    (
        "labelled, clock first, day-month-year",
        "",
        "<div>تاریخ انتشار: ۰۸:۵۹ - ۳۰-۰۶-۱۳۹۰</div>",
        tehran(2011, 9, 21, 8, 59),
    ),
    (
        "news code beside it",
        TODAY,
        "<div class='meta'>کد خبر: ۳۹۸۰۵۰ تاریخ انتشار : ۱۴۰۴/۰۲/۲۵</div>",
        tehran(2025, 5, 15),
    ),
    ("weekday and slashes", "", "<p class='sub'>چهارشنبه / ۲۰ اسفند / ۱۴۰۴</p>", tehran(2026, 3, 11)),
    (
        "split into spans",
        TODAY,
        "<div><span>۱۶ مهر ۱۴۰۳</span> - <span>۱۰:۴۵</span></div>",
        tehran(2024, 10, 7, 10, 45),
    ),
]
BLIND = [
    (
        "comma and clock",
        TODAY,
        "<div class='dt'>دوشنبه ۱۶ مهر ۱۴۰۳، ۱۰:۴۵</div>",
        tehran(2024, 10, 7, 10, 45),
    ),
    (
        "byline above the headline",
        "<span>امروز ۱۵ آذر ۱۴۰۵</span>",
        "<div>۱۴۰۳/۰۷/۱۶ - ۱۰:۴۵</div>",
        tehran(2024, 10, 7, 10, 45),
    ),
    (
        "Gregorian in English",
        "",
        "<div class='byline'>Published on October 7, 2024 at 10:45</div>",
        tehran(2024, 10, 7, 10, 45),
    ),
    ("Arabic-Indic digits", TODAY, "<div>١٦ مهر ١٤٠٣</div>", tehran(2024, 10, 7)),
]


@pytest.mark.parametrize(
    ("shape", "masthead", "byline", "expected"), DEV + BLIND, ids=lambda v: v if isinstance(v, str) else None
)
def test_the_byline_date_is_read(shape: str, masthead: str, byline: str, expected: datetime) -> None:
    before = shape == "byline above the headline"
    assert page(masthead, byline, before_title=before).published_at() == expected


def test_a_date_in_the_masthead_related_stories_or_comments_is_not_the_articles() -> None:
    # Only today's date above, related stories' and comments' dates below, a date in the body.
    assert (
        page("<span>پنج‌شنبه ۱۵ آذر ۱۴۰۵</span>", "<div class='share'>اشتراک گذاری</div>").published_at()
        is None
    )


def test_an_update_time_is_not_the_publication() -> None:
    assert page(TODAY, "<div>به روز شده در: ۱۳ دی ۱۴۰۴ - ۰۲:۰۴</div>").published_at() is None


@pytest.mark.parametrize(
    "line",
    [
        "وزیر گفت این طرح از ۱۶ مهر ۱۴۰۳ در همه استان‌ها و شهرهای کشور اجرا خواهد شد",  # a sentence
        "۱۶ مهر ۱۳۲۰",  # before any news site
        "۱۶ مهر ۱۴۹۰",  # the future
        "۳۱ اسفند ۱۴۰۳",  # a day that did not exist
    ],
)
def test_a_line_that_is_not_a_publication_date(line: str) -> None:
    assert date_line(line) is None
