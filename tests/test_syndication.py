"""MinHash signatures, band hashes and the copy decision (pure functions, no store)."""

from __future__ import annotations

import pytest

from crawler.syndication.decide import copies_among, fingerprint, is_copy, norm_hash
from crawler.syndication.minhash import (
    BANDS,
    PERMUTATIONS,
    band_hashes,
    estimated_jaccard,
    match_text,
    signature,
)
from crawler.syndication.similarity import shingles

RELEASE = (
    "وزیر ارتباطات از افزایش ظرفیت انتقال داده در لایه زیرساخت شبکه ملی اطلاعات خبر داد.\n"
    "به گفته وی مسیرهای جدید فیبر نوری در استان‌های مرزی تا پایان سال ۱۴۰۳ به بهره‌برداری می‌رسد.\n"
    "اعتبار این طرح‌ها در لایحه بودجه سال آینده پیش‌بینی شده و پیمانکاران داخلی آن را اجرا می‌کنند.\n"
    "معاون وزیر نیز گفت که ۴۵ درصد روستاهای کشور تا پایان برنامه به شبکه متصل خواهند شد."
)
OTHER = (
    "وزیر ارتباطات از آغاز ثبت‌نام مرحله تازه طرح حمایت از استارتاپ‌های حوزه هوش مصنوعی خبر داد.\n"
    "متقاضیان تا پایان ماه آینده مدارک خود را در سامانه طرح بارگذاری می‌کنند و داوران بررسی می‌کنند.\n"
    "به گفته وی اعتبار این طرح در لایحه بودجه سال آینده پیش‌بینی شده است."
)
CREDIT = "به نقل از وزارت ارتباطات و فناوری اطلاعات"


def arabic_variant(text: str) -> str:
    """Arabic yeh/kaf, a space for ZWNJ, Arabic-Indic digits: what outlets do to a release."""
    table = str.maketrans(
        {"ی": "ي", "ک": "ك", "\u200c": " ", "۱": "١", "۴": "٤", "۰": "٠", "۳": "٣", "۵": "٥"}
    )
    return text.translate(table)


def test_signature_is_deterministic_and_has_the_documented_shape() -> None:
    sig = signature(match_text(RELEASE))
    assert len(sig) == PERMUTATIONS
    assert sig == signature(match_text(RELEASE))
    bands = band_hashes(sig)
    assert len(bands) == BANDS
    assert all(-(2**63) <= b < 2**63 for b in bands)  # fits BIGINT
    assert bands == band_hashes(list(sig))


def test_empty_text_has_no_bands() -> None:
    assert band_hashes(signature("")) == []
    with pytest.raises(ValueError, match="128"):
        band_hashes((1, 2, 3))


def test_credit_lines_and_opening_clause_are_not_part_of_the_text() -> None:
    body = f"به گزارش خبرگزاری نمونه {CREDIT}، " + RELEASE + "\nانتهای پیام"
    text = match_text(body, [CREDIT])
    assert "نقل" not in text and "گزارش" not in text.split("\n")[0][:10]
    assert "انتهای پیام" not in text
    assert norm_hash(text) == norm_hash(match_text(RELEASE))


def test_letter_digit_and_zwnj_variants_have_the_same_norm_hash() -> None:
    assert fingerprint(arabic_variant(RELEASE)).norm_hash == fingerprint(RELEASE).norm_hash


@pytest.mark.parametrize(
    ("copy", "expected"),
    [
        pytest.param(f"به گزارش ایسنا {CREDIT}، " + RELEASE, True, id="credit line added"),
        pytest.param("\n".join(RELEASE.split("\n")[:3]), True, id="last paragraph cut"),
        pytest.param("\n".join(reversed(RELEASE.split("\n"))), True, id="paragraphs reordered"),
        pytest.param(arabic_variant(RELEASE), True, id="arabic letters, digits, no zwnj"),
        pytest.param(RELEASE + "\nاخبار مرتبط: افتتاح سه طرح ارتباطی در استان", True, id="boilerplate"),
        pytest.param(OTHER, False, id="same ministry and topic, another story"),
    ],
)
def test_is_copy(copy: str, expected: bool) -> None:
    assert is_copy(fingerprint(RELEASE), fingerprint(copy, [CREDIT])) is expected


def test_copies_share_a_band_and_other_stories_do_not() -> None:
    release, copy, other = (
        fingerprint(RELEASE),
        fingerprint(arabic_variant(RELEASE) + "\nانتهای پیام"),
        fingerprint(OTHER),
    )
    assert set(enumerate(release.bands)) & set(enumerate(copy.bands))
    assert not set(enumerate(release.bands)) & set(enumerate(other.bands))
    assert estimated_jaccard(release.signature, copy.signature) > 0.8


def test_estimated_jaccard_tracks_the_real_one() -> None:
    a = shingles(match_text(RELEASE))
    b = shingles(match_text("\n".join(RELEASE.split("\n")[:2])))
    real = len(a & b) / len(a | b)
    estimate = estimated_jaccard(
        fingerprint(RELEASE).signature, fingerprint("\n".join(RELEASE.split("\n")[:2])).signature
    )
    assert abs(real - estimate) < 0.15


def test_copies_among_ranks_candidates_and_scores_exact_hashes_one() -> None:
    text = fingerprint(RELEASE)
    twin = fingerprint(arabic_variant(RELEASE))
    cut = fingerprint("\n".join(RELEASE.split("\n")[:2]))
    other = fingerprint(OTHER)
    found = copies_among(
        text,
        [
            ("other", other.norm_hash, other.shingles),
            ("cut", cut.norm_hash, cut.shingles),
            ("twin", twin.norm_hash, twin.shingles),
        ],
    )
    assert {m.key: m.score for m in found} == {"twin": 1.0, "cut": 1.0}  # contained: a copy too
