"""MinHash signatures, band hashes and the copy decision (pure functions, no store)."""

from __future__ import annotations

import pytest

from core.syndication.decide import copy_score, fingerprint, norm_hash
from core.syndication.minhash import (
    BANDS,
    PERMUTATIONS,
    band_hashes,
    estimated_jaccard,
    match_text,
    signature,
)
from core.syndication.similarity import shingles

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
def test_the_copy_decision(copy: str, expected: bool) -> None:
    assert (copy_score(fingerprint(RELEASE), fingerprint(copy, [CREDIT])) is not None) is expected


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


def test_copy_score_scores_equal_texts_and_contained_ones_one() -> None:
    text = fingerprint(RELEASE)
    twin = fingerprint(arabic_variant(RELEASE))
    cut = fingerprint("\n".join(RELEASE.split("\n")[:2]))
    assert twin.norm_hash == text.norm_hash and copy_score(text, twin) == 1.0
    assert copy_score(text, cut) == copy_score(cut, text) == 1.0  # contained: a copy too
    assert copy_score(text, fingerprint(OTHER)) is None
    assert copy_score(text, cut, threshold=1.01) is None


def test_match_words_join_verb_prefixes_and_suffixes_however_written() -> None:
    from core.text.persian import match_words

    joined, spaced, zwnj = "این طرح اجرا میشود", "این طرح اجرا می شود", "این طرح اجرا می\u200cشود"
    assert match_words(joined) == match_words(spaced) == match_words(zwnj) == ["این", "طرح", "اجرا", "میشود"]
    assert match_words("باشگاه های لیگ") == match_words("باشگاههای لیگ") == ["باشگاههای", "لیگ"]
    assert match_words("بزرگ ترین طرح") == ["بزرگترین", "طرح"]
    assert norm_hash("تمام مراحل به صورت الکترونیکی انجام می شود") == norm_hash(
        "تمام مراحل به صورت الکترونیکی انجام میشود"
    )


# A release and an outlet's retelling of it: every sentence kept, but reworded (synonyms, a clause
# moved), so few word 3-grams survive; and next month's release of the same template.
INFLATION = (
    "مرکز آمار ایران نرخ تورم نقطه به نقطه مهرماه را ۴۲ درصد اعلام کرد.\n"
    "بر اساس این گزارش نرخ تورم ماهانه در این ماه به ۳ درصد رسید و نسبت به ماه قبل افزایش یافت.\n"
    "تورم گروه خوراکی‌ها و آشامیدنی‌ها در مهرماه ۵۱ درصد و تورم گروه کالاهای غیرخوراکی ۳۸ درصد بوده است.\n"
    "بیشترین افزایش قیمت در این ماه مربوط به گروه نان و غلات و لبنیات گزارش شده است."
)
REWORDED = (
    "نرخ تورم نقطه به نقطه کشور در مهرماه به اعلام مرکز آمار ایران ۴۲ درصد بود.\n"
    "طبق گزارش این مرکز تورم ماهانه در مهرماه ۳ درصد بوده که نسبت به ماه گذشته افزایش داشته است.\n"
    "در مهرماه تورم گروه کالاهای غیرخوراکی ۳۸ درصد و تورم گروه خوراکی‌ها و آشامیدنی‌ها ۵۱ درصد بود.\n"
    "گروه نان و غلات و لبنیات بیشترین افزایش قیمت را در این ماه داشته‌اند."
)
NEXT_MONTH = (
    "مرکز آمار ایران نرخ تورم نقطه به نقطه آبان‌ماه را ۴۵ درصد اعلام کرد.\n"
    "بر اساس این گزارش نرخ تورم ماهانه در این ماه به ۴ درصد رسید و نسبت به ماه قبل افزایش یافت.\n"
    "تورم گروه خوراکی‌ها و آشامیدنی‌ها در آبان‌ماه ۵۴ درصد و تورم گروه کالاهای غیرخوراکی ۴۰ درصد بوده است.\n"
    "بیشترین افزایش قیمت در این ماه مربوط به گروه نان و غلات و لبنیات گزارش شده است."
)


def test_a_reworded_copy_is_a_copy_by_its_aligned_sentences() -> None:
    from core.syndication.decide import align, compare
    from core.syndication.similarity import COPY_THRESHOLD, containment

    a, b = fingerprint(INFLATION), fingerprint(REWORDED)
    assert containment(a.shingles, b.shingles) < 0.5
    alignment = align(a.sentences, b.sentences)
    assert alignment.share >= COPY_THRESHOLD and alignment.agreeing >= 2 and not alignment.figures_changed
    assert compare(a, b) >= COPY_THRESHOLD and copy_score(a, b) is not None


def test_another_release_of_the_template_is_not_a_copy() -> None:
    """Its sentences match, but their figures differ: another month's release."""
    from core.syndication.decide import align, compare
    from core.syndication.similarity import COPY_THRESHOLD, containment

    a, b = fingerprint(INFLATION), fingerprint(NEXT_MONTH)
    assert containment(a.shingles, b.shingles) >= 0.5  # the template's phrases
    alignment = align(a.sentences, b.sentences)
    assert alignment.disagreeing >= 2 and alignment.figures_changed
    assert compare(a, b) == alignment.share < COPY_THRESHOLD
    assert copy_score(a, b) is None


def test_one_changed_figure_does_not_make_another_release() -> None:
    from core.syndication.decide import align, compare

    typo = INFLATION.replace("۳۸ درصد", "۳۹ درصد")  # a copy that got one figure wrong
    a, b = fingerprint(INFLATION), fingerprint(typo)
    assert align(a.sentences, b.sentences).disagreeing == 1
    assert copy_score(a, b) == round(compare(a, b), 4) < 1.0


def test_bands_are_shingle_word_and_lead_bands() -> None:
    from core.syndication.minhash import LEAD_BANDS, WORD_BANDS

    fp = fingerprint(RELEASE)
    assert len(fp.bands) == BANDS + WORD_BANDS + LEAD_BANDS
    # A reworded copy keeps most of its words: it shares a word band when it shares no other.
    a, b = fingerprint(INFLATION), fingerprint(REWORDED)
    assert set(a.bands[BANDS : BANDS + WORD_BANDS]) & set(b.bands[BANDS : BANDS + WORD_BANDS])


def test_the_aligned_share_by_matrices_is_the_one_word_by_word() -> None:
    """The copy decision aligns sentences with a product of 0/1 matrices (speed); on real copy pairs
    and hard negatives, and across them, it finds what the word-by-word count finds."""
    import itertools
    import json
    from pathlib import Path

    from core.syndication.decide import Alignment, SentenceSet, _align, _align_into_by_words, sentences_of
    from core.syndication.minhash import match_text

    root = Path(__file__).parent / "fixtures" / "realtext" / "pairs"
    docs = [json.loads(line) for line in (root / "documents.jsonl").read_text("utf-8").splitlines() if line]
    sets = [SentenceSet.of(sentences_of(match_text(d["body"]))) for d in docs]
    compared = 0
    for a, b in itertools.combinations(sets[:60], 2):
        one, other = _align_into_by_words(a, b), _align_into_by_words(b, a)
        want = Alignment(
            max(one.share, other.share),
            max(one.agreeing, other.agreeing),
            max(one.disagreeing, other.disagreeing),
        )
        assert _align(a, b) == want
        compared += want.share > 0
    assert compared > 50
