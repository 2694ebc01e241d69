"""«به نقل از X» and its kin on their own (core/attribution/families/quoting.py)."""

from __future__ import annotations

import pytest

from core.attribution import NameIndex
from tests.attribution.table import Case, Expected, case_ids, check

# (text, expected chain nearest-first as (key or None, name as written), own reporting)
CASES: list[Case] = [
    # --- «به نقل از X» on its own -------------------------------------------------------------
    ("به نقل از ایسنا، وزیر ارتباطات گفت که طرح اجرا می‌شود.", [("isna", "ایسنا")], False),
    ("وزیر ارتباطات به نقل از ایرنا گفت که طرح اجرا می‌شود.", [("irna", "ایرنا")], False),
    # --- «به نقل از» a portal: the organisation -----------------------------------------------
    ("به نقل از پایگاه اطلاع رسانی دولت، مصوبه ابلاغ شد.", [(None, "دولت")], False),
    # --- negatives: «به نقل از» a person ------------------------------------------------------
    ("به نقل از سید ستار هاشمی، طرح اجرا می‌شود.", [], False),
    ("وزیر به نقل از رهبر انقلاب گفت که باید کار کرد.", [], False),
]


@pytest.mark.parametrize(("text", "expected", "own"), CASES, ids=case_ids(CASES))
def test_credit_lines(names: NameIndex, text: str, expected: Expected, own: bool) -> None:
    check(names, text, expected, own)
