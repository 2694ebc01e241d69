"""The family tables together: large enough, and scored as one labelled set."""

from __future__ import annotations

import pytest

from core.attribution import NameIndex
from core.attribution.evaluate import evaluate
from tests.attribution import (
    test_arabic,
    test_code_lines,
    test_data_sources,
    test_datelines,
    test_english,
    test_interviews,
    test_line_labels,
    test_opening,
    test_other_languages,
    test_pr_office,
    test_quoting,
    test_scanner,
    test_signoffs,
    test_source_labels,
    test_wrote,
)
from tests.attribution.table import Case

TABLES = (test_opening, test_quoting, test_pr_office, test_datelines, test_wrote, test_source_labels,
          test_interviews, test_data_sources, test_line_labels, test_signoffs, test_english,
          test_code_lines, test_arabic, test_other_languages, test_scanner)
CASES: list[Case] = [case for table in TABLES for case in table.CASES]
PUBLISHER_CASES = test_opening.PUBLISHER_CASES


def _label(key: str | None, name: str) -> str:
    return key if key is not None else name


def test_the_table_is_large_enough() -> None:
    assert len(CASES) + len(PUBLISHER_CASES) >= 100


def test_evaluation_on_the_table(names: NameIndex, capsys: pytest.CaptureFixture[str]) -> None:
    texts = [c[0] for c in CASES] + [c[0] for c in PUBLISHER_CASES]
    labels = [[_label(k, n) for k, n in c[1]] for c in CASES] + \
        [[_label(k, n) for k, n in c[2]] for c in PUBLISHER_CASES]
    publishers: list[str | None] = [None] * len(CASES) + [c[1] for c in PUBLISHER_CASES]
    scores = evaluate(texts, labels, names, publishers)
    with capsys.disabled():
        print(f"\nattribution on the test table: {scores}")
    assert scores.precision >= 0.98
    assert scores.recall >= 0.95
