"""Datelines (core/attribution/families/datelines.py): «تهران - ایرنا -», "TEHRAN (MNA) –", desks."""

from __future__ import annotations

import pytest

from core.attribution import NameIndex
from tests.attribution.table import Case, Expected, case_ids, check

# (text, expected chain nearest-first as (key or None, name as written), own reporting)
CASES: list[Case] = [
    # --- datelines -------------------------------------------------------------------------
    ("تهران - ایرنا - وزیر ارتباطات امروز در جمع خبرنگاران گفت.", [("irna", "ایرنا")], False),
    ("تهران- ایرنا- وزیر ارتباطات امروز گفت.", [("irna", "ایرنا")], False),
    ("زنجان – ایرنا – مدیرکل ارتباطات استان گفت.", [("irna", "ایرنا")], False),
    ("تهران (ایرنا) - وزیر ارتباطات گفت.", [("irna", "ایرنا")], False),
    ("اصفهان - پانا - رئیس دانشگاه گفت.", [("pana", "پانا")], False),
    ("ایسنا - گروه اقتصادی: قیمت دلار بالا رفت.", [("isna", "ایسنا")], False),
    ("خبرگزاری مهر - گروه استانها: استاندار یزد گفت.", [("mehr", "خبرگزاری مهر")], False),
    ("تهران - مهر - وزیر ارتباطات گفت.", [("mehr", "مهر")], False),
    ("TEHRAN (MNA) – Iran's ICT minister met his Kazakh counterpart.", [("mehr", "MNA")], False),
    ("TEHRAN, Sep. 3 (IRNA) - The minister arrived in Astana.", [("irna", "IRNA")], False),
    ("تهران - ۱۵ مهر ۱۴۰۳ - وزیر ارتباطات در نشست خبری شرکت کرد.", [], False),
    ("تهران - دوشنبه ۱۵ مهر - نشست اپراتورها برگزار شد.", [], False),
]


@pytest.mark.parametrize(("text", "expected", "own"), CASES, ids=case_ids(CASES))
def test_credit_lines(names: NameIndex, text: str, expected: Expected, own: bool) -> None:
    check(names, text, expected, own)
