"""Data and reports of a body (core/attribution/families/data_sources.py)."""

from __future__ import annotations

import pytest

from core.attribution import NameIndex
from tests.attribution.table import Case, Expected, case_ids, check

# (text, expected chain nearest-first as (key or None, name as written), own reporting)
CASES: list[Case] = [
    # --- real lines from tests/fixtures/realtext/credit_lines.tsv (dev split), by id ----------
    ("طبق آماری که وزارت صنعت، معدن و تجارت به صورت رسمی منتشر کرده، کل تولید خودروسازان ایرانی در "
     "سایتهای خارجی طی ۸ماه امسال، ۱۹۲ دستگاه بوده است.",
     [("mimt", "وزارت صنعت، معدن و تجارت")], False),  # r041
    ("آخرین آمار یونیسف نشان می دهد که در هر ۲ ثانیه یک کودک در جهان پدر یا مادر خود را از دست میدهد و "
     "به این ترتیب روزانه ۵۷۶۰ کودک در جهان یتیم میشوند",
     [("unicef", "یونیسف")], False),  # r889
    ("بنا به گزارشهای مرکز آمار نرخ تورم دوازده ماهه منتهی به مرداد ماه ١٣٩٧ به ٩,٧ درصد رسیده که نسبت "
     "به همین آمار در ماه قبل (٨,٧ درصد) ١.٠ واحد درصد افزایش داشته است.",
     [("amar", "مرکز آمار")], False),  # r073
]


@pytest.mark.parametrize(("text", "expected", "own"), CASES, ids=case_ids(CASES))
def test_credit_lines(names: NameIndex, text: str, expected: Expected, own: bool) -> None:
    check(names, text, expected, own)
