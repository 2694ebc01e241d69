"""«X نوشت:» and other reporting verbs (core/attribution/families/wrote.py)."""

from __future__ import annotations

import pytest

from core.attribution import NameIndex
from tests.attribution.table import Case, Expected, case_ids, check

# (text, expected chain nearest-first as (key or None, name as written), own reporting)
CASES: list[Case] = [
    # --- «X نوشت:» ------------------------------------------------------------------------------
    ("روزنامه دنیای اقتصاد نوشت: قیمت گوشی کاهش یافت.", [("donya", "روزنامه دنیای اقتصاد")], False),
    ("روزنامه دنیای اقتصاد در شماره امروز خود نوشت که قیمت گوشی کاهش یافت.",
     [("donya", "روزنامه دنیای اقتصاد")], False),
    ("خبرگزاری رویترز گزارش داد که قیمت نفت بالا رفت.", [("reuters", "خبرگزاری رویترز")], False),
    ("همچنین روزنامه همشهری نوشت: ترافیک تهران سنگین است.", [("hamshahri", "روزنامه همشهری")], False),
    ("این روزنامه نوشت: قیمت‌ها بالا رفت.", [], False),
    ("وزیر ارتباطات در صفحه شخصی خود نوشت: اینترنت وصل است.", [], False),
]


@pytest.mark.parametrize(("text", "expected", "own"), CASES, ids=case_ids(CASES))
def test_credit_lines(names: NameIndex, text: str, expected: Expected, own: bool) -> None:
    check(names, text, expected, own)
