"""Statements given to an outlet (core/attribution/families/interviews.py)."""

from __future__ import annotations

import pytest

from core.attribution import NameIndex
from tests.attribution.table import Case, Expected, case_ids, check

# (text, expected chain nearest-first as (key or None, name as written), own reporting)
CASES: list[Case] = [
    # --- real lines from tests/fixtures/realtext/credit_lines.tsv (dev split), by id ----------
    ("حسین رضایی در گفتگو با شهرآرانیوز گفت: تا پایان روز جمعه، ۲۴ شهریور ماه بیش از ۳۱۵ هزار زائر "
     "پیاده وارد مشهد شدهاند.",
     [(None, "شهرآرانیوز")], False),  # r424
    ("مهرداد سالاری امروز در گفتوگو با\nخبرنگار فارس در کرمانشاه، اظهار داشت: رئیس جمهور به همراه هیأت "
     "همراه روز\nچهارشنبه (یازدهم اردیبهشتماه جاری) به کرمانشاه سفر میکند.",
     [("fars", "فارس")], False),  # r201
    ("در حالی که اعتراضات کارگران کارخانه “هپکو” در استان مرکزی همچنان ادامه دارد، علی آقازاده، "
     "استاندار مرکزی روز سهشنبه ۲۸ مرداد/ ۱۸ اوت به خبرگزاری رسمی جمهوری اسلامی ایران گفت:",
     [(None, "خبرگزاری رسمی جمهوری اسلامی ایران")], False),  # r895
]


@pytest.mark.parametrize(("text", "expected", "own"), CASES, ids=case_ids(CASES))
def test_credit_lines(names: NameIndex, text: str, expected: Expected, own: bool) -> None:
    check(names, text, expected, own)
