"""Arabic credit lines (core/attribution/families/arabic.py)."""

from __future__ import annotations

import pytest

from core.attribution import NameIndex
from tests.attribution.table import Case, Expected, case_ids, check

# (text, expected chain nearest-first as (key or None, name as written), own reporting)
CASES: list[Case] = [
    # --- Arabic credit lines --------------------------------------------------------------
    ("وفقا لوزارة الاتصالات وتقنية المعلومات، بدأ المشروع.",
     [("ict", "وزارة الاتصالات وتقنية المعلومات")], False),
    ("نقلا عن وكالة الأنباء الإيرانية (إرنا)، قال الوزير إن المشروع بدأ.",
     [("irna", "وكالة الأنباء الإيرانية (إرنا)")], False),
    ("أفادت وكالة تسنيم للأنباء بأن الوزير وصل إلى أستانا.", [("tasnim", "وكالة تسنيم للأنباء")], False),
    ("ذكرت وكالة إرنا نقلا عن وزارة الاتصالات وتقنية المعلومات أن المشروع بدأ.",
     [("irna", "وكالة إرنا"), ("ict", "وزارة الاتصالات وتقنية المعلومات")], False),
    ("نقلت وكالة إسنا عن وزارة الاتصالات وتقنية المعلومات أن المشروع بدأ.",
     [("isna", "وكالة إسنا"), ("ict", "وزارة الاتصالات وتقنية المعلومات")], False),
    ("حسب وكالة مهر للأنباء، وصل الوزير.", [("mehr", "وكالة مهر للأنباء")], False),
    ("قالت وزارة الاتصالات في بيان إن المشروع بدأ.", [("ict", "وزارة الاتصالات")], False),
    ("قالت وزارة الصحة في بيان إن الإصابات تراجعت.", [("behdasht", "وزارة الصحة")], False),
    ("قال الوزير في مؤتمر صحفي إن المشروع بدأ.", [], False),
    ("جاء ذلك في تصريحات نقلتها وكالة مهر للأنباء عن الوزير.", [("mehr", "وكالة مهر للأنباء")], False),
    ("وفي سياق متصل، أفادت الوكالة ذاتها بوقوع انفجار شرق طهران.", [], False),
    ("وأضاف: المشروع سيكتمل العام المقبل.", [], False),
    ("اندلع حريق في مصنع قرب طهران، بحسب ما أفاد التلفزيون الرسمي الإيراني.", [], False),
]


@pytest.mark.parametrize(("text", "expected", "own"), CASES, ids=case_ids(CASES))
def test_credit_lines(names: NameIndex, text: str, expected: Expected, own: bool) -> None:
    check(names, text, expected, own)
