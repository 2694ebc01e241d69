"""hazm's normal form of a few lines, pinned.

``documents.norm_hash``, the band index and every comparison read text after hazm's Normalizer, so
a hazm upgrade that changes its output changes stored hashes. These lines carry what copies of one
release differ in: Arabic «ي»/«ك», «می شود»/«ميشود» without a ZWNJ, spaced punctuation, doubled
spaces, ASCII digits, a compound written apart. If one of them changes after an upgrade, the
upgrade needs ``scrapy recluster`` (README, "Re-clustering") before it lands.
"""

from __future__ import annotations

import pytest

from core.text.persian import normalise, normalise_line

PINNED = [
    (
        "وزير ارتباطات و فناوري اطلاعات گفت: اين طرح اجرا مي شود",
        "وزیر ارتباطات و فناوری اطلاعات گفت: این طرح اجرا می\u200cشود",
    ),
    (
        "سامانه هاي جديد در 12 استان راه اندازي  ميشود .",
        "سامانه\u200cهای جدید در ۱۲ استان راه\u200cاندازی می\u200cشود.",
    ),
    (
        "به گزارش روابط عمومي وزارت ارتباطات ، «نرم افزار» اعلام شد",
        "به گزارش روابط عمومی وزارت ارتباطات، «نرم\u200cافزار» اعلام شد",
    ),
    ("كاربران   اينترنت ۱۴۰۳/۰۷/۱۶ بيشتر شدند!!", "کاربران اینترنت ۱۴۰۳ / ۰۷ / ۱۶ بیشتر شدند!!"),
]


@pytest.mark.parametrize(("line", "expected"), PINNED)
def test_a_line_keeps_its_normal_form(line: str, expected: str) -> None:
    assert normalise_line(line) == expected


def test_lines_are_normalised_one_by_one() -> None:
    text = "\n".join(line for line, _ in PINNED)
    assert normalise(text) == "\n".join(expected for _, expected in PINNED)


def test_the_word_list_is_parsed_once_per_process() -> None:
    """The Normalizer builds two word tokenizers; hazm's word list is read for the first only (half a
    second of every crawl's and every writer's start). The pinned forms above hold with it."""
    import hazm.word_tokenizer

    normalise("می شود")
    parsed = hazm.word_tokenizer.words_list.cache_info()  # type: ignore[attr-defined]
    assert (parsed.misses, parsed.hits) == (1, 1)
