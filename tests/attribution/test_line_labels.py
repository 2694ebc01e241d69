"""An outlet's name heading a line (core/attribution/families/line_labels.py)."""

from __future__ import annotations

import pytest

from core.attribution import NameIndex
from tests.attribution.table import Case, Expected, case_ids, check

# (text, expected chain nearest-first as (key or None, name as written), own reporting)
CASES: list[Case] = [
    # --- real lines from tests/fixtures/realtext/credit_lines.tsv (dev split), by id ----------
    ("دیدارنیوز: این محصول صادراتی نقش مهمی در این شهرستان دارد. شهرستان پردیسکان اولین مرکز تولید "
     "پسته در خراسان رضوی است.",
     [(None, "دیدارنیوز")], False),  # r849
    ("اختصاصی پارس؛\nبراساس آمار فوق و بدهی سنگین دولت به شبکه بانکی کشور عملاً در تراز واقعی، بانک ها "
     "ورشکسته محسوب می شوند.",
     [(None, "پارس")], False),  # r086
    ("سایت روزنامه آگاه / ۱۴۰۳/۱۱/۲۸\nباید به دولت فرصت «کار و تلاش» داد",
     [(None, "روزنامه آگاه")], False),  # r260
]


@pytest.mark.parametrize(("text", "expected", "own"), CASES, ids=case_ids(CASES))
def test_credit_lines(names: NameIndex, text: str, expected: Expected, own: bool) -> None:
    check(names, text, expected, own)
