"""What every family leans on (core/attribution/scanner.py, names.py): short names that are common
words, where an unknown name ends, spelling variants, and several credits merged into one chain."""

from __future__ import annotations

import pytest

from core.attribution import NameIndex
from tests.attribution.table import Case, Expected, case_ids, check

ZWNJ = "\u200c"

# (text, expected chain nearest-first as (key or None, name as written), own reporting)
CASES: list[Case] = [
    # --- short names that are common words -----------------------------------------------
    ("به گزارش مهر، ۱۵ مهر ۱۴۰۳ جلسه برگزار شد.", [("mehr", "مهر")], False),
    ("مهر ماه امسال جلسه شورا برگزار شد.", [], False),
    ("این جلسه در ۱۵ مهر برگزار شد و به گزارش‌های رسیده رسیدگی کرد.", [], False),
    ("طبق گزارش مهر ماه بانک مرکزی، تورم کاهش یافت.", [], False),
    ("در استان فارس بارندگی شدید بود.", [], False),
    ("این کتاب به زبان فارسی ترجمه شد.", [], False),
    ("به گزارش فارس، این طرح از امروز اجرا می‌شود.", [("fars", "فارس")], False),
    ("به گزارش خبرگزاری فارس از شیراز، استاندار فارس گفت.", [("fars", "خبرگزاری فارس")], False),
    ("به گزارش ایرنا از استان فارس، باران آمد.", [("irna", "ایرنا")], False),
    ("به گزارش ایرنا از فارس، باران آمد.", [("irna", "ایرنا")], False),
    ("به گزارش ایسنا به نقل از فارس، طرح اجرا شد.", [("isna", "ایسنا"), ("fars", "فارس")], False),
    ("منبع: مهر", [("mehr", "مهر")], False),
    # --- unknown organisations: where does the name end? ------------------------------------
    ("به گزارش سازمان حمایت از مصرف کنندگان و تولیدکنندگان، قیمت‌ها ثابت ماند.",
     [(None, "سازمان حمایت از مصرف کنندگان و تولیدکنندگان")], False),
    ("به نقل از روابط عمومی شرکت ارتباطات سیار ایران در این اطلاعیه آمده است که بسته‌ها ارزان شد.",
     [(None, "شرکت ارتباطات سیار ایران")], False),
    ("به گزارش روابط عمومی اداره کل ارتباطات و فناوری اطلاعات استان یزد، نشست برگزار شد.",
     [(None, "اداره کل ارتباطات و فناوری اطلاعات استان یزد")], False),
    ("به گزارش ایسنا به نقل از پژوهشگاه ارتباطات و فناوری اطلاعات، آزمایشگاه افتتاح شد.",
     [("isna", "ایسنا"), (None, "پژوهشگاه ارتباطات و فناوری اطلاعات")], False),
    ("به گزارش ایرنا از سازمان فناوری اطلاعات ایران، دولت الکترونیک گسترش یافت.",
     [("irna", "ایرنا"), (None, "سازمان فناوری اطلاعات ایران")], False),
    ("به گزارش پانا از تهران، مدارس باز شد.", [("pana", "پانا")], False),
    # --- an empty text ------------------------------------------------------------------------
    ("", [], False),
    # --- several credits in one text merge without duplicates -----------------------------
    ("به گزارش تجهیزات جانبی، وزیر به آستانه رفت.\nبه گزارش تجهیزات جانبی به نقل از وزارت ارتباطات و "
     "فناوری اطلاعات، او با همتای خود دیدار کرد.",
     [("93z", "تجهیزات جانبی"), ("ict", "وزارت ارتباطات و فناوری اطلاعات")], False),
    ("به نقل از وزارت ارتباطات، طرح اجرا شد.\nمنبع: ایسنا",
     [("isna", "ایسنا"), ("ict", "وزارت ارتباطات")], False),
    ("به گزارش ایسنا به نقل از وزارت ارتباطات و فناوری اطلاعات، طرح اجرا شد. "
     "به نقل از روابط عمومی وزارت ارتباطات و فناوری اطلاعات، فاز دوم هم آغاز می‌شود.\nمنبع: ایسنا",
     [("isna", "ایسنا"), ("ict", "وزارت ارتباطات و فناوری اطلاعات")], False),
    ("به گزارش روزنامه شرق، قیمت‌ها بالا رفت. روزنامه شرق نوشت: دولت پاسخ داد.",
     [("shargh", "روزنامه شرق")], False),
    ("به گزارش ایتنا به نقل از خبرگزاری رویترز، نفت گران شد. رویترز افزود که … \nمنبع: رویترز",
     [("itna", "ایتنا"), ("reuters", "خبرگزاری رویترز")], False),
    # --- spelling variants --------------------------------------------------------------------
    (f"به گزارش پایگاه اطلاع{ZWNJ}رسانی وزارت ارتباطات و فناوری اطلاعات، سامانه افتتاح شد.",
     [("ict", "وزارت ارتباطات و فناوری اطلاعات")], False),
    ("به گزارش آی سی تی نا، اپراتورها تعرفه را افزایش دادند.", [("ictna", "آی سی تی نا")], False),
    ("به گزارش ICTNA به نقل از رویترز، اپل گوشی ساخت.", [("ictna", "ICTNA"), ("reuters", "رویترز")], False),
    ("به گزارش ایسنا به نقل از وزارت فناوری اطلاعات و ارتباطات، طرح اجرا شد.",
     [("isna", "ایسنا"), ("ict", "وزارت فناوری اطلاعات و ارتباطات")], False),
    ("به گزارش ايرنا به نقل از وزارت ارتباطات و فناوري اطلاعات، طرح اجرا شد.",
     [("irna", "ايرنا"), ("ict", "وزارت ارتباطات و فناوري اطلاعات")], False),
    ("به گزارش ایسنا به نقل از سازمان تنظیم مقررات و ارتباطات رادیویی (رگولاتوری)، بسته‌ها ارزان شد.",
     [("isna", "ایسنا"), ("cra", "سازمان تنظیم مقررات و ارتباطات رادیویی (رگولاتوری)")], False),
    ("به گزارش خبرگزاری ایرنا، قیمت اینترنت ثابت ماند.", [("irna", "خبرگزاری ایرنا")], False),
]


@pytest.mark.parametrize(("text", "expected", "own"), CASES, ids=case_ids(CASES))
def test_credit_lines(names: NameIndex, text: str, expected: Expected, own: bool) -> None:
    check(names, text, expected, own)


def test_a_scanned_name_is_a_fresh_object(names: NameIndex) -> None:
    """The scanner remembers what it read at each place of a text; a family that changes the name it
    got (english.py sets ``hit``) must not change what the next family reads there."""
    from core.attribution.normalise import normalise
    from core.attribution.scanner import Scanner

    scanner = Scanner(normalise("به گزارش ایسنا، طرح اجرا شد."), names, None)
    first = scanner.scan(9)
    assert first is not None and (first.hit, first.stop) == (("isna", "agency"), "hard")
    first.hit = None
    first.stop = "changed"
    again = scanner.scan(9)
    assert again is not None and again is not first
    assert (again.start, again.end, again.hit, again.stop) == (9, 14, ("isna", "agency"), "hard")


def test_remembered_names_are_bounded(names: NameIndex) -> None:
    from core.attribution.normalise import compact

    assert 0 < (compact.cache_info().maxsize or 0) <= 100_000
    assert 0 < (names._resolved.cache_info().maxsize or 0) <= 100_000
