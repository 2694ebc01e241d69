"""PR offices (core/attribution/families/pr_office.py): «روابط عمومی X اعلام کرد», a signature line."""

from __future__ import annotations

import pytest

from core.attribution import NameIndex
from tests.attribution.table import Case, Expected, case_ids, check

# (text, expected chain nearest-first as (key or None, name as written), own reporting)
CASES: list[Case] = [
    # --- PR offices: credited as the organisation ---------------------------------------------
    ("روابط عمومی شرکت ارتباطات زیرساخت با صدور اطلاعیه‌ای اعلام کرد که اختلال رفع شد.",
     [(None, "شرکت ارتباطات زیرساخت")], False),
    ("متن اطلاعیه در ادامه آمده است.\nروابط عمومی سازمان فناوری اطلاعات ایران",
     [(None, "سازمان فناوری اطلاعات ایران")], False),
    ("مدیر روابط عمومی وزارت ارتباطات گفت که این خبر صحت ندارد.", [], False),
]


@pytest.mark.parametrize(("text", "expected", "own"), CASES, ids=case_ids(CASES))
def test_credit_lines(names: NameIndex, text: str, expected: Expected, own: bool) -> None:
    check(names, text, expected, own)
