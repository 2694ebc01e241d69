"""Credit clauses in other languages (core/attribution/families/other_languages.py)."""

from __future__ import annotations

import pytest

from core.attribution import NameIndex
from tests.attribution.table import Case, Expected, case_ids, check

# (text, expected chain nearest-first as (key or None, name as written), own reporting)
CASES: list[Case] = [
    # --- real lines from tests/fixtures/realtext/credit_lines.tsv (dev split), by id ----------
    ('"Un homme portant des explosifs sur lui les a fait exploser", selon Irna.',
     [("irna", "Irna")], False),  # r991
    ("Mehr Haber Ajansı'na konuşan, Selimi, \"Meclis olağan toplantısında bazı Avrupa ülkelerinin İran "
     "aleyhindeki açıklamaları ele alındı ve İran'ın hiçbir ülkeye balistik füze vermediği ve "
     "vermeyeceği vurgulandı.\" dedi.",
     [("mehr", "Mehr Haber Ajansı")], False),  # r674
    ('Ein Mitglied der Revolutionsgarden und zwei Angehörige der islamischen Bassidsch-Miliz seien von '
     '"Randalierern aus dem Hinterhalt" erstochen worden, schrieben die Nachrichtenagenturen Isna und '
     'Fars am Montagabend.',
     [("isna", "Isna"), ("fars", "Fars")], False),  # r694
]


@pytest.mark.parametrize(("text", "expected", "own"), CASES, ids=case_ids(CASES))
def test_credit_lines(names: NameIndex, text: str, expected: Expected, own: bool) -> None:
    check(names, text, expected, own)
