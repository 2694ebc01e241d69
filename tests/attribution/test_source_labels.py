"""Source labels (core/attribution/families/source_labels.py): «منبع: X», "Source: X", «المصدر: X»,
and the end markers that close them."""

from __future__ import annotations

import pytest

from core.attribution import NameIndex
from tests.attribution.table import Case, Expected, case_ids, check

# (text, expected chain nearest-first as (key or None, name as written), own reporting)
CASES: list[Case] = [
    # --- «منبع: X», end markers --------------------------------------------------------------
    ("وزیر ارتباطات گفت که طرح اجرا می‌شود.\nمنبع: ایسنا", [("isna", "ایسنا")], False),
    ("وزیر ارتباطات گفت که طرح اجرا می‌شود. منبع:ایرنا", [("irna", "ایرنا")], False),
    ("متن خبر.\nمنبع:\nخبرگزاری مهر", [("mehr", "خبرگزاری مهر")], False),
    ("متن خبر.\nمنبع : خبرگزاری فارس", [("fars", "خبرگزاری فارس")], False),
    ("متن خبر.\nمنبع ایلنا", [("ilna", "ایلنا")], False),
    ("متن خبر.\nمنبع خبر: ایلنا", [("ilna", "ایلنا")], False),
    ("متن خبر.\nمنبع: www.isna.ir", [("isna", "isna.ir")], False),
    ("متن خبر.\nمنبع: https://www.irna.ir/news/85212345/",
     [("irna", "irna.ir")], False),
    ("کد خبر: ۱۲۳۴۵ منبع: ایسنا انتهای پیام", [("isna", "ایسنا")], False),
    ("متن خبر.\nمنبع عکس: ایرنا", [], False),
    ("به گزارش ایسنا، وزیر ارتباطات گفت که طرح اجرا می‌شود. /انتهای پیام/", [("isna", "ایسنا")], False),
    ("وزیر ارتباطات گفت که طرح اجرا می‌شود.\nانتهای پیام", [], False),
    # --- negatives: «منبعی» is no label -------------------------------------------------------
    ("متن خبر بدون هیچ منبعی منتشر شد.", [], False),
    # --- "Source: X", «المصدر: X» -------------------------------------------------------------
    ("The figures were published on Monday.\nSource: ISNA", [("isna", "ISNA")], False),
    ("وصل الوزير إلى أستانا.\nالمصدر: وكالة مهر للأنباء", [("mehr", "وكالة مهر للأنباء")], False),
    ("وصل الوزير إلى أستانا.\nالمصدر: وكالة الأنباء العراقية", [("ina", "وكالة الأنباء العراقية")], False),
]


@pytest.mark.parametrize(("text", "expected", "own"), CASES, ids=case_ids(CASES))
def test_credit_lines(names: NameIndex, text: str, expected: Expected, own: bool) -> None:
    check(names, text, expected, own)
