"""English credit lines (core/attribution/families/english.py)."""

from __future__ import annotations

import pytest

from core.attribution import NameIndex
from tests.attribution.table import Case, Expected, case_ids, check

# (text, expected chain nearest-first as (key or None, name as written), own reporting)
CASES: list[Case] = [
    # --- English credit lines -------------------------------------------------------------
    ("Tehran Times - According to the ICT ministry's website, the new plan starts today.",
     [("tehrantimes", "Tehran Times"), ("ict", "ICT ministry")], False),
    ("according to IRNA, the minister arrived in Astana.", [("irna", "IRNA")], False),
    ("According to a statement by the Communications Regulatory Authority, prices will rise.",
     [("cra", "Communications Regulatory Authority")], False),
    ("The Ministry of ICT said in a statement that the outage was fixed.",
     [("ict", "Ministry of ICT")], False),
    ("Iran's Ministry of ICT announced the new plan on Monday.", [("ict", "Ministry of ICT")], False),
    ("The deal was signed, IRNA reported.", [("irna", "IRNA")], False),
    ("The minister's remarks were quoted by ISNA.", [("isna", "ISNA")], False),
    ("ISNA, quoting the ICT ministry, said the project began.",
     [("isna", "ISNA"), ("ict", "ICT ministry")], False),
    ("The project began, the ICT ministry told IRNA.", [("irna", "IRNA"), ("ict", "ICT ministry")], False),
    ("According to Tasnim News Agency, the talks ended.", [("tasnim", "Tasnim News Agency")], False),
    ("Hashemi said in a statement that talks went well.", [], False),
    ("Minister Hashemi said the plan would start soon.", [], False),
    ("The minister's office said the report was false.", [], False),
    ("According to the minister, the project is on schedule.", [], False),
    # --- English: appositions, "added", "stated to" -------------------------------------------
    ("Data from Cloudflare, an internet services company, showed that two providers were offline.",
     [(None, "Cloudflare")], False),
    ("\u201cSuch claims will bear no fruit,\u201d the Foreign Ministry added.",
     [("mfa", "Foreign Ministry")], False),
    ("According to Article 89 of the law of the Ministry of Economy, staff may not join parties, "
     "the report added.", [], False),
    ("A senior Iranian official stated to Reuters that there is no arrangement yet.",
     [("reuters", "Reuters")], False),
]


@pytest.mark.parametrize(("text", "expected", "own"), CASES, ids=case_ids(CASES))
def test_credit_lines(names: NameIndex, text: str, expected: Expected, own: bool) -> None:
    check(names, text, expected, own)
