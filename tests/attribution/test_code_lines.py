"""Agency codes on a line of their own (core/attribution/families/code_lines.py)."""

from __future__ import annotations

import pytest

from core.attribution import NameIndex
from tests.attribution.table import Case, Expected, case_ids, check

# (text, expected chain nearest-first as (key or None, name as written), own reporting)
CASES: list[Case] = [
    # --- real lines from tests/fixtures/realtext/credit_lines.tsv (dev split), by id ----------
    ("However, the news item published with regard to the membership of Iranian ambassador to Oman in "
     "one of the political parties of the country has been dismissed.\nMA/FNA13970529000005",
     [("fars", "FNA")], False),  # r482
]


@pytest.mark.parametrize(("text", "expected", "own"), CASES, ids=case_ids(CASES))
def test_credit_lines(names: NameIndex, text: str, expected: Expected, own: bool) -> None:
    check(names, text, expected, own)
