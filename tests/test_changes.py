"""What a copy changed against its reference (core.syndication.changes), on hand-written Persian."""

from __future__ import annotations

import pytest

from core.syndication.changes import Text, compare, figure_value, figures_of, split_sentences

REFERENCE = "\n".join(
    [
        "وزیر ارتباطات و فناوری اطلاعات از اتصال ۱۸۵ روستای استان کرمان به شبکه ملی اطلاعات خبر داد.",
        "این طرح با اعتبار ۱۲٬۵۰۰ میلیارد ریال اجرا شده و تا پایان سال ۹۰ درصد پیشرفت خواهد داشت.",
        "به گفته وی، مرحله دوم طرح از ۱۶ مهر ۱۴۰۳ در استان‌های جنوبی آغاز می‌شود.",
        "معاون وزیر نیز گفت که تأخیر در تحویل تجهیزات باعث عقب افتادن برنامه در دو شهرستان شده است.",
        "کارشناسان شرکت ارتباطات زیرساخت سرعت دسترسی کاربران روستایی را اندازه‌گیری خواهند کرد.",
    ]
)
TITLE = "اتصال ۱۸۵ روستای کرمان به شبکه ملی اطلاعات"
REF = Text("http://ict.example/fa/news/1/", TITLE, REFERENCE)


def copy_of(
    body: str, title: str = TITLE, phrases: tuple[str, ...] = (), boilerplate: tuple[str, ...] = ()
) -> Text:
    return Text("http://outlet.example/1", title, body, phrases, boilerplate)


def test_a_verbatim_copy_changed_nothing() -> None:
    found = compare(REF, copy_of(REFERENCE))
    assert (found.cut, found.added, found.reworded, found.figures, found.title) == ((), (), (), (), None)
    assert found.kept == 1.0 and found.against == REF.url


def test_letters_zwnj_and_digit_scripts_are_not_changes() -> None:
    variant = (
        REFERENCE.replace("ی", "ي").replace("ک", "ك").replace("\u200c", " ")
        .translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    )  # fmt: skip
    found = compare(REF, copy_of(variant, title=TITLE.replace("ک", "ك")))
    assert (found.cut, found.added, found.reworded, found.figures, found.title) == ((), (), (), (), None)


def test_arabic_indic_digits_are_the_same_figures() -> None:
    variant = REFERENCE.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩"))
    assert compare(REF, copy_of(variant)).figures == ()


def test_a_changed_figure_is_a_figure_not_a_rewording() -> None:
    found = compare(REF, copy_of(REFERENCE.replace("۱۸۵ روستای", "۱۵۸ روستای")))
    assert [(f.before, f.after) for f in found.figures] == [("۱۸۵", "۱۵۸")]
    assert "۱۵۸" in found.figures[0].sentence
    assert found.reworded == () and found.cut == () and found.kept == 1.0


def test_a_changed_date_and_percentage() -> None:
    body = REFERENCE.replace("۱۶ مهر ۱۴۰۳", "۱۸ مهر ۱۴۰۳").replace("۹۰ درصد", "۸۰ درصد")
    found = compare(REF, copy_of(body))
    changed = {(f.before, f.after) for f in found.figures}
    assert changed == {("۱۶ مهر ۱۴۰۳", "۱۸ مهر ۱۴۰۳"), ("۹۰ درصد", "۸۰ درصد")}


def test_cut_added_and_reworded_sentences() -> None:
    lines = REFERENCE.split("\n")
    added = "این خبر در حالی منتشر می‌شود که ساکنان روستاهای کرمان سال‌ها منتظر اینترنت پرسرعت بوده‌اند."
    reworded = lines[4].replace("اندازه‌گیری خواهند کرد", "به زودی بررسی می‌کنند")
    body = "\n".join([lines[0], lines[1], added, lines[2], reworded])
    found = compare(REF, copy_of(body))
    assert found.cut == (lines[3],)
    assert found.added == (added,)
    assert found.reworded == ((lines[4], reworded),)
    assert found.kept == 0.8
    kinds = [row.kind for row in found.rows]
    assert kinds.count("cut") == 1 and kinds.count("added") == 1 and kinds.count("changed") == 1


def test_reordered_paragraphs_are_not_edits() -> None:
    lines = REFERENCE.split("\n")
    found = compare(REF, copy_of("\n".join([lines[0], lines[3], lines[1], lines[4], lines[2]])))
    assert (found.cut, found.added, found.reworded) == ((), (), ())


def test_credit_lines_and_boilerplate_are_never_added() -> None:
    opening = "به گزارش خبرگزاری نمونه به نقل از وزارت ارتباطات و فناوری اطلاعات، "
    body = "\n".join(
        [
            opening + REFERENCE.split("\n")[0],
            *REFERENCE.split("\n")[1:],
            "نظر شما درباره این خبر چیست؟ دیدگاه خود را با ما در میان بگذارید.",
            "انتهای پیام",
        ]
    )
    found = compare(
        REF,
        copy_of(
            body,
            phrases=("به نقل از وزارت ارتباطات و فناوری اطلاعات",),
            boilerplate=("نظر شما درباره این خبر چیست؟ دیدگاه خود را با ما در میان بگذارید.",),
        ),
    )
    assert (found.cut, found.added, found.reworded) == ((), (), ())


def test_a_reference_signature_found_by_attribution_is_not_cut() -> None:
    signature = "مرکز روابط عمومی و اطلاع‌رسانی وزارت ارتباطات و فناوری اطلاعات"
    reference = Text(REF.url, TITLE, REFERENCE + "\n" + signature)

    def credits(sentence: str) -> list[str]:
        return [signature] if signature in sentence else []

    assert compare(reference, copy_of(REFERENCE), credits).cut == ()
    assert compare(reference, copy_of(REFERENCE)).cut == (signature,)  # without attribution it would be


def test_a_new_title_is_reported() -> None:
    found = compare(REF, copy_of(REFERENCE, title="فوری: اینترنت به روستاهای کرمان رسید"))
    assert found.title == (TITLE, "فوری: اینترنت به روستاهای کرمان رسید")


def test_export_form() -> None:
    found = compare(REF, copy_of(REFERENCE.replace("۱۸۵ روستای", "۱۵۸ روستای")))
    out = found.as_dict()
    assert set(out) == {"against", "kept", "cut", "added", "reworded", "figures", "title"}
    assert out["figures"] == [{"from": "۱۸۵", "to": "۱۵۸", "sentence": found.figures[0].sentence}]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("اعتبار ۱۲٬۵۰۰ میلیارد ریال", ["12500"]),
        ("رشد 12.5% و ۲/۵ درصد", ["12.5%", "2.5%"]),
        ("از ۱۶ مهر ۱۴۰۳ ساعت ۱۰:۴۵", ["16 مهر 1403", "10:45"]),
        ("تاریخ 1403/07/16 و October 7, 2024", ["1403/07/16", "october 7, 2024"]),
        ("٪۳۰ کاربران", ["%30"]),
    ],
)
def test_figures_in_every_script(text: str, values: list[str]) -> None:
    assert [f.value for f in figures_of(text)] == values
    assert all(figure_value(f.text) == f.value for f in figures_of(text))


def test_sentences_split_at_persian_and_latin_stops() -> None:
    assert split_sentences("اول این است. دوم آن؟ سوم!\nچهارم") == ["اول این است.", "دوم آن؟", "سوم!", "چهارم"]
