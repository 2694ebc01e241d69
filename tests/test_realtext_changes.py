"""What copies changed, on labelled copies of real Persian texts (fixtureweb.realchanges): the
issue 15 goals on the dev split (tuned on) and the blind split (only scored)."""

from __future__ import annotations

import pytest

from fixtureweb.realchanges import cases, score


@pytest.mark.parametrize("split", ["dev", "blind"])
def test_changes_of_real_texts_meet_the_goals(split: str) -> None:
    result = score(split)
    assert result.copies >= 100
    for name in ("cut", "added", "reworded"):
        kind = result.kinds[name]
        assert kind.precision is not None and kind.recall is not None, name
        assert kind.precision >= 0.97 and kind.recall >= 0.97, (split, name, kind)
    assert result.kinds["figures"].recall == 1.0, (split, result.kinds["figures"])
    assert result.variants_flagged == 0


def test_the_cases_are_deterministic_and_split_by_story() -> None:
    first = [(c.reference_id, c.body) for c in cases("dev")]
    assert first == [(c.reference_id, c.body) for c in cases("dev")]
    assert not {c.reference_id for c in cases("dev")} & {c.reference_id for c in cases("blind")}
