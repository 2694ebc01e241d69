"""Sign-offs (core/attribution/families/signoffs.py): «./تسنیم», «(بی بی سی)», «ادامه خبر در X»."""

from __future__ import annotations

import pytest

from core.attribution import NameIndex
from tests.attribution.table import Case, Expected, case_ids, check

# (text, expected chain nearest-first as (key or None, name as written), own reporting)
CASES: list[Case] = [
    # --- real lines from tests/fixtures/realtext/credit_lines.tsv (dev split), by id ----------
    ("وی افزود: در مورد ۳ نفر از وزرا بحثهای وجود دارد که هنوز به نتیجه نهایی نرسیدهایم؛ همچنین برای "
     "وزارت علوم، تحقیقات و فناوری نیز سرپرست منصوب خواهد شد./تسنیم",
     [("tasnim", "تسنیم")], False),  # r210
    ("مراسم آغاز رياست جمهوري آقاي مکرون تحت تدابير شديد امنيتي برگزار شد. (بي بي سي)",
     [("bbc", "بي بي سي")], False),  # r131
    ("به گفته جوادی قرار است از ۵.۷ میلیون بشکه تولیدی چهار میلیون و ۷۰۰ بشکه به نفت خام و یک میلیون "
     "بشکه به مایعات اختصاص پیدا کند.\nادامه خبر در ایسنا",
     [("isna", "ایسنا")], False),  # r096
]


@pytest.mark.parametrize(("text", "expected", "own"), CASES, ids=case_ids(CASES))
def test_credit_lines(names: NameIndex, text: str, expected: Expected, own: bool) -> None:
    check(names, text, expected, own)
