"""Pure decisions of origin following and copy similarity (no Scrapy, no network)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.origin import best_match, plausible_date, search_queries, search_url
from core.syndication.decide import copy_score, copy_similarity, fingerprint
from core.syndication.similarity import COPY_THRESHOLD, containment, shingles
from core.text.persian import match_form, normalise, words

TEHRAN = timezone(timedelta(hours=3, minutes=30))
RELEASE = (
    "وزیر ارتباطات و فناوری اطلاعات از افزایش ظرفیت انتقال داده در لایه زیرساخت شبکه ملی اطلاعات خبر داد.\n"
    "به گفته وی مسیرهای جدید فیبر نوری در استان‌های مرزی تا پایان سال به بهره‌برداری می‌رسد.\n"
    "اعتبار این طرح‌ها در لایحه بودجه سال آینده پیش‌بینی شده است و پیمانکاران داخلی آن را اجرا می‌کنند.\n"
    "مرکز روابط عمومی و اطلاع‌رسانی وزارت ارتباطات و فناوری اطلاعات"
)
OTHER = (
    "معاون وزیر ارتباطات از آغاز ثبت‌نام مرحله تازه طرح حمایت از استارتاپ‌های حوزه هوش مصنوعی خبر داد.\n"
    "متقاضیان می‌توانند تا پایان ماه آینده مدارک خود را در سامانه این طرح بارگذاری کنند.\n"
    "داوری طرح‌ها را گروهی از استادان دانشگاه و فعالان بخش خصوصی انجام می‌دهند."
)


def as_copy(text: str) -> str:
    """A copy as outlets make them: credit line added, Arabic letters, no ZWNJ, last paragraph cut."""
    lines = text.split("\n")[:-1]
    body = "\n".join(lines).replace("ی", "ي").replace("ک", "ك").replace("\u200c", " ")
    return "به گزارش تجهیزات جانبی به نقل از وزارت ارتباطات و فناوری اطلاعات، " + body


def test_a_copy_with_edits_is_contained_in_its_release() -> None:
    copy, release = fingerprint(as_copy(RELEASE)), fingerprint(RELEASE)
    assert copy_similarity(copy, release) >= 0.85
    assert copy_score(copy, release) == copy_similarity(copy, release)


def test_reordered_paragraphs_are_still_a_copy() -> None:
    reordered = "\n".join(reversed(RELEASE.split("\n")))
    assert copy_similarity(fingerprint(reordered), fingerprint(RELEASE)) == pytest.approx(1.0)


def test_different_stories_of_one_ministry_are_not_copies() -> None:
    assert copy_similarity(fingerprint(OTHER), fingerprint(RELEASE)) < COPY_THRESHOLD
    assert copy_score(fingerprint(OTHER), fingerprint(RELEASE)) is None


def test_containment_edge_cases() -> None:
    assert containment(frozenset(), shingles(RELEASE)) == 0.0
    assert shingles("") == frozenset()
    assert shingles("دو کلمه") == frozenset({("دو", "کلمه")})


def test_match_form_folds_letters_zwnj_and_digits() -> None:
    assert match_form("مي‌شود ۱۲ ١٣ ك") == "می شود 12 13 ک"
    assert words("«سلام»، دنیا!") == ["سلام", "دنیا"]


def test_hazm_normalises_the_seed_spellings() -> None:
    assert normalise("اجلاس اسكاپ") == "اجلاس اسکاپ"
    assert normalise("احساس می شود") == "احساس می\u200cشود"
    assert normalise("یک\nدو") == "یک\nدو"


def test_search_queries_skip_credit_lines_and_use_long_words() -> None:
    copy = as_copy(RELEASE)
    queries = search_queries(copy, ["به نقل از وزارت ارتباطات و فناوری اطلاعات"])
    assert 1 <= len(queries) <= 2
    for query in queries:
        assert len(query.split()) == 4
        assert "تجهیزات" not in query
        assert all(w in match_form(RELEASE) for w in query.split())


def test_search_url_quotes_the_query() -> None:
    assert search_url("http://x.test/fa/search?q={query}", "شبکه ملی") == (
        "http://x.test/fa/search?q=%D8%B4%D8%A8%DA%A9%D9%87%20%D9%85%D9%84%DB%8C"
    )


@pytest.mark.parametrize(
    ("origin_days_before", "plausible"),
    [(0, True), (3, True), (14, True), (15, False), (-1, True), (-2, False)],
)
def test_origin_date_window(origin_days_before: int, plausible: bool) -> None:
    copy = datetime(2024, 9, 3, 12, tzinfo=TEHRAN)
    origin = copy - timedelta(days=origin_days_before)
    assert plausible_date(copy, origin, 14) is plausible
    assert plausible_date(None, origin, 14) and plausible_date(copy, None, 14)


def test_best_match_picks_the_release_above_the_threshold() -> None:
    match = best_match(as_copy(RELEASE), [OTHER, RELEASE])
    assert match is not None and match.index == 1 and match.similarity >= 0.85
    assert best_match(as_copy(RELEASE), [OTHER]) is None
