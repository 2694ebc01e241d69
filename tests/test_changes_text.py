"""The terminal view of a copy's changes (``core.syndication.changes_text``): markers, brackets
around the words that differ, spelling that is no change, and text that cannot steer a terminal."""

from __future__ import annotations

import pytest

from core.syndication.changes import Comparison, FigureChange, Row
from core.syndication.changes_text import bracketed, format_text, shown, word_changes

REFERENCE = "سرعت اینترنت در ۱۲۰ روستا تا ۴۰ درصد افزایش یافت."
COPY = "سرعت اینترنت در ۱۲۰ روستا تا ۴۵ درصد بیشتر شد."


def comparison(rows: tuple[Row, ...], **overrides: object) -> Comparison:
    values: dict[str, object] = {
        "against": "https://www.ict.gov.ir/fa/news/1/",
        "kept": 0.75,
        "cut": tuple(r.reference for r in rows if r.kind == "cut"),
        "added": tuple(r.copy for r in rows if r.kind == "added"),
        "reworded": (),
        "figures": (),
        "title": None,
        "rows": rows,
    }
    values.update(overrides)
    return Comparison(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (REFERENCE, COPY, ("سرعت اینترنت در ۱۲۰ روستا تا [۴۰] درصد [افزایش یافت.]",
                           "سرعت اینترنت در ۱۲۰ روستا تا [۴۵] درصد [بیشتر شد.]")),
        # ZWNJ or a space, Arabic or Persian letters: the same words, nothing in brackets.
        ("بسته‌های حمایتی کاهش می‌یابد.", "بسته های حمايتي کاهش می یابد.",
         ("بسته‌های حمایتی کاهش می‌یابد.", "بسته های حمايتي کاهش می یابد.")),
        ("طرح امروز افتتاح شد.", "طرح امروز به‌طور رسمی افتتاح شد.",
         ("طرح امروز افتتاح شد.", "طرح امروز [به‌طور رسمی] افتتاح شد.")),
    ],
)  # fmt: skip
def test_words_that_differ_are_bracketed(before: str, after: str, expected: tuple[str, str]) -> None:
    assert bracketed(before, after) == expected


def test_spelling_alone_is_no_word_change() -> None:
    ops = word_changes("در قالب بسته‌های حمایتی", "در قالب بسته های حمایتی")
    assert {op for op, _, _ in ops} == {"equal"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("عادی", "عادی"),
        ("سطر\nدوم\tو\r\nسوم", "سطر دوم و سوم"),
        ("\x1b[2J پاک", "<U+001B>[2J پاک"),
        ("بر\u202eعکس", "بر<U+202E>عکس"),
    ],
)
def test_control_characters_are_shown_not_obeyed(text: str, expected: str) -> None:
    assert shown(text) == expected


def test_rows_in_order_with_their_markers() -> None:
    rows = (
        Row("same", "یک جملهٔ بی‌تغییر در متن.", "یک جملهٔ بی‌تغییر در متن."),
        Row("changed", REFERENCE, COPY),
        Row("cut", "جمله‌ای که نسخه نیاورده است.", None),
        Row("added", None, "جمله‌ای که نسخه افزوده است."),
        Row("same", None, "سطر\u202eپایانی رسانه"),
    )
    figure = FigureChange("۴۰ درصد", "۴۵ درصد", COPY)
    text = format_text(
        comparison(rows, figures=(figure,), title=("عنوان اول", "عنوان دوم")), "https://x.ir/1"
    )
    assert text.splitlines() == [
        "copy       https://x.ir/1",
        "reference  https://www.ict.gov.ir/fa/news/1/",
        "kept       75% of the reference's sentences",
        "changes    1 cut, 1 added, 0 reworded, 1 figure changed",
        "title      ~ عنوان [اول]",
        "           → عنوان [دوم]",
        f"figure     ۴۰ درصد → ۴۵ درصد   in: {COPY}",
        "",
        "~ سرعت اینترنت در ۱۲۰ روستا تا [۴۰] درصد [افزایش یافت.]",
        "  → سرعت اینترنت در ۱۲۰ روستا تا [۴۵] درصد [بیشتر شد.]",
        "- جمله‌ای که نسخه نیاورده است.",
        "+ جمله‌ای که نسخه افزوده است.",
        "(2 unchanged sentences not shown)",
    ]
    every = format_text(comparison(rows), every_row=True).splitlines()
    assert every[0].startswith("reference  ")
    assert every[-6:] == [
        "= یک جملهٔ بی‌تغییر در متن.",
        "~ سرعت اینترنت در ۱۲۰ روستا تا [۴۰] درصد [افزایش یافت.]",
        "  → سرعت اینترنت در ۱۲۰ روستا تا [۴۵] درصد [بیشتر شد.]",
        "- جمله‌ای که نسخه نیاورده است.",
        "+ جمله‌ای که نسخه افزوده است.",
        "= سطر<U+202E>پایانی رسانه",
    ]
