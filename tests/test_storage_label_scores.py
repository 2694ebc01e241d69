"""Scoring stored attribution chains and origin links against labels (pure functions)."""

from __future__ import annotations

from typing import Any

import pytest

from storage.label_scores import (
    chains_equal,
    count_matches,
    normalise_name,
    same_element,
    score_attributions,
    score_clusters,
    score_origin_links,
)


def el(source: str | None, name: str = "") -> dict[str, Any]:
    return {"source": source, "name": name}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("وزارت ارتباطات", "وزارت ارتباطات"),
        ("علي كريمي", "علی کریمی"),
        ("روابط\u200cعمومی", "روابط عمومی"),
        ("  روابط \u200c  عمومی\n", "روابط عمومی"),
    ],
)
def test_normalise_name(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (el("ict", "وزارت ارتباطات"), el("ict", "وزارت ارتباطات و فناوری اطلاعات"), True),  # keys win
        (el("ict", "ایسنا"), el("isna", "ایسنا"), False),  # both keyed: names do not rescue
        (el(None, "شركت ناشناس"), el("x", "شرکت ناشناس"), True),  # one unkeyed: by name
        (el(None, "شرکت الف"), el(None, "شرکت ب"), False),
    ],
)
def test_same_element(a: dict[str, Any], b: dict[str, Any], same: bool) -> None:
    assert same_element(a, b) is same
    assert same_element(b, a) is same


def test_matches_ignore_position_and_count_once() -> None:
    stored = [el("ict"), el("isna")]
    assert count_matches(stored, [el("isna"), el("ict")]) == 2
    assert not chains_equal(stored, [el("isna"), el("ict")])
    assert chains_equal(stored, [el("ict", "other"), el("isna")])
    assert count_matches([el("ict")], [el("ict"), el("ict")]) == 1
    # A keyed label takes its keyed match first, so a name-only label still finds the other.
    assert count_matches([el(None, "ایسنا"), el("isna", "ایسنا")], [el(None, "ایسنا"), el("isna")]) == 2
    assert count_matches([], [el("ict")]) == 0


def test_score_attributions() -> None:
    score = score_attributions(
        [
            ([el("isna"), el("ict")], [el("isna"), el("ict")]),  # exact
            ([el("ict")], [el("isna"), el("ict")]),  # missed the agency
            ([el(None, "شرکت")], []),  # spurious
            ([], []),  # exact (nothing to find)
        ]
    )
    assert (score.chains, score.exact) == (4, 2)
    assert (score.matched, score.stored, score.labelled) == (3, 4, 4)
    assert score.precision == score.recall == 0.75
    empty = score_attributions([])
    assert (empty.precision, empty.recall, empty.chains) == (None, None, 0)


def test_score_origin_links() -> None:
    score = score_origin_links(
        [("https://o/1", "https://o/1"), ("https://o/1", None), ("https://o/2", "https://o/1")]
    )
    assert (score.linked, score.copies) == (1, 3)
    assert score.share == pytest.approx(1 / 3)
    assert score_origin_links([]).share is None


def test_score_clusters_counts_pairs() -> None:
    # Labels: {a, b, c} one release, d and e own stories. Stored: {a, b}, {c, d}, {e}.
    score = score_clusters([("R1", 1), ("R1", 1), ("R1", 2), (None, 2), (None, 3)])
    assert (score.documents, score.labelled_pairs, score.stored_pairs, score.correct_pairs) == (5, 3, 2, 1)
    assert score.precision == 0.5 and score.recall == 1 / 3
    assert score.f1 == pytest.approx(0.4)


def test_score_clusters_perfect_and_empty() -> None:
    assert score_clusters([("R1", 7), ("R1", 7), (None, 8)]).f1 == 1.0
    nothing = score_clusters([(None, 1), (None, 2)])
    assert (nothing.precision, nothing.recall, nothing.f1) == (None, None, None)
    own_stories_merged = score_clusters([(None, 1), (None, 1)])
    assert (own_stories_merged.precision, own_stories_merged.recall) == (0.0, None)
