"""Syndication ground truth on the fixture web: every DESIGN §5 edit, and hard negatives.

The web must be solvable but not trivially: each copy stays close to its release by the
crawler's own measure (shingle containment) while labelled hard negatives — same ministry,
topic and week; or same outlet template and day — share vocabulary and boilerplate but stay
below 0.5. Bodies come from the sites' page objects, as a crawl would see them.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from core.syndication.similarity import containment, shingles
from fixtureweb import FixtureWeb, build
from fixtureweb.corpus import ARABIC_DIGITS, PR_OFFICE, ZWNJ
from fixtureweb.generate import EDIT_ORDER, INLINE_BOILERPLATE
from fixtureweb.labels import groups, negative_pairs, pairs, positive_pairs, predicted_pairs, score
from tests.test_fixtureweb import articles_for, extract, page_file

Label = dict[str, Any]


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> FixtureWeb:
    return build(tmp_path_factory.mktemp("synd"), port=8765)


@pytest.fixture(scope="module")
def labels(web: FixtureWeb) -> dict[str, Label]:
    return {a["url"]: a for a in web.labels["articles"] + web.labels["unregistered"]}


@pytest.fixture(scope="module")
def bodies(web: FixtureWeb, labels: dict[str, Label]) -> dict[str, str]:
    return {url: extract(web, label).body for url, label in labels.items()}


_PLAIN = str.maketrans({"ي": "ی", "ك": "ک", ZWNJ: " "})


def plain(text: str) -> str:
    """Spelling edits undone, so a check can find a sentence in any copy."""
    return text.translate(_PLAIN)


def copies(labels: dict[str, Label]) -> list[Label]:
    return [a for a in labels.values() if a["role"] == "copy" and a["lang"] == "fa"]


# -- edits ---------------------------------------------------------------------
def test_every_edit_is_on_five_copies(labels: dict[str, Label]) -> None:
    counts = Counter(e for a in copies(labels) for e in a["edits"])
    assert {name: counts[name] for name in EDIT_ORDER if counts[name] < 5} == {}
    assert set(counts) <= set(EDIT_ORDER)
    # Combinations: many copies carry several edits at once.
    spelling = {"arabic_letters", "no_zwnj", "digits"}
    structure = {"headline", "cut_last", "reorder", "keep_first"}
    mixed = [
        a for a in copies(labels) if spelling & set(a["edits"]) and len(structure & set(a["edits"])) >= 2
    ]
    assert len(mixed) >= 5
    assert sum(len(set(a["edits"]) - {"credit", "source_label"}) >= 4 for a in copies(labels)) >= 5


def test_edits_show_in_the_text(web: FixtureWeb, labels: dict[str, Label], bodies: dict[str, str]) -> None:
    """Each labelled edit is visible in what the page object extracts (or on the page)."""
    wrong: list[tuple[str, str]] = []
    digit_kinds: Counter[str] = Counter()
    for a in copies(labels):
        body, edits = bodies[a["url"]], set(a["edits"])
        origin = labels.get(a["copy_of"] or "")
        if "arabic_letters" in edits and not {"ي", "ك"} & set(body):
            wrong.append((a["url"], "arabic_letters"))
        if "no_zwnj" in edits and ZWNJ in body:
            wrong.append((a["url"], "no_zwnj"))
        if "digits" in edits:
            kind = (
                "arabic"
                if set(ARABIC_DIGITS) & set(body)
                else "latin"
                if any(c.isascii() and c.isdigit() for c in body)
                else ""
            )
            digit_kinds[kind] += 1
            if not kind:
                wrong.append((a["url"], "digits"))
        if "boilerplate" in edits:
            inline = INLINE_BOILERPLATE.get(a["site"], ())
            shown = body if inline else page_file(web, a).read_text(encoding="utf-8")
            needles = inline or ("این مطلب را می پسندید؟",)
            if not all(plain(n) in plain(shown) for n in needles):
                wrong.append((a["url"], "boilerplate"))
        if origin is None:
            continue
        release = [p for p in bodies[origin["url"]].split("\n") if p != PR_OFFICE]
        if "headline" in edits and a["title"] == origin["title"]:
            wrong.append((a["url"], "headline"))
        if "keep_first" in edits and (len(release) < 10 or plain(release[6][-40:]) in plain(body)):
            wrong.append((a["url"], "keep_first"))
        if "cut_last" in edits and plain(release[-1][-40:]) in plain(body):
            wrong.append((a["url"], "cut_last"))
    assert not wrong, wrong[:10]
    assert digit_kinds["arabic"] >= 5 and digit_kinds["latin"] >= 5, digit_kinds


# -- hard negatives ------------------------------------------------------------
def test_hard_negatives_are_labelled(labels: dict[str, Label], web: FixtureWeb) -> None:
    hard = web.labels["hard_negatives"]
    kinds = Counter(kind for _, _, kind in hard)
    assert kinds["same_topic_week"] >= 10 and kinds["same_template"] >= 10, kinds
    copied = Counter(a["copy_of"] for a in copies(labels))
    for url_a, url_b, kind in hard:
        a, b = labels[url_a], labels[url_b]
        when_a, when_b = (datetime.fromisoformat(x["published_at"]) for x in (a, b))
        assert a["release"] != b["release"] or a["release"] is None
        if kind == "same_topic_week":
            assert a["site"] == b["site"] == "ict" and a["role"] == b["role"] == "origin"
            assert abs(when_a - when_b) < timedelta(days=7)
            assert copied[url_a] >= 1 and copied[url_b] >= 1, (url_a, url_b)
        else:
            assert kind == "same_template"
            assert a["site"] == b["site"] != "ict" and when_a.date() == when_b.date()
            assert a["role"] == "copy" and b["role"] == "own" and b["release"] is None


def similarity(text_a: str, text_b: str) -> float:
    """Raw shingle containment of two bodies (credit lines, boilerplate and all): how far apart the
    generator put them, before the copy decision removes anything."""
    return containment(shingles(text_a), shingles(text_b))


def test_copies_are_near_and_hard_negatives_are_far(
    web: FixtureWeb, labels: dict[str, Label], bodies: dict[str, str]
) -> None:
    near = {
        a["url"]: similarity(bodies[a["url"]], bodies[a["copy_of"]]) for a in copies(labels) if a["copy_of"]
    }
    far: dict[str, list[float]] = {}
    for url_a, url_b, kind in web.labels["hard_negatives"]:
        far.setdefault(kind, []).append(similarity(bodies[url_a], bodies[url_b]))
    truncated = [near[a["url"]] for a in copies(labels) if "keep_first" in a["edits"]]
    print(
        f"\ncopy vs release: {min(near.values()):.3f}–{max(near.values()):.3f} over {len(near)} copies "
        f"(keep_first {min(truncated):.3f}–{max(truncated):.3f})"
    )
    for kind, values in far.items():
        print(f"{kind}: {min(values):.3f}–{max(values):.3f} over {len(values)} pairs")
    assert min(near.values()) >= 0.8, min(near.items(), key=lambda kv: kv[1])
    assert all(max(values) < 0.5 for values in far.values()), {k: max(v) for k, v in far.items()}
    # Not trivial: release siblings share a good part of their wording.
    assert max(far["same_topic_week"]) >= 0.3


# -- pairs helper --------------------------------------------------------------
def test_pairs(web: FixtureWeb, labels: dict[str, Label]) -> None:
    positive, negative = pairs(web.labels)
    sizes = [len(urls) for urls in groups(web.labels).values()]
    assert len(positive) == sum(n * (n - 1) // 2 for n in sizes)
    own = {u for u, a in labels.items() if a["release"] is None}
    assert not any(p & own for p in positive)
    assert not positive & negative
    assert all(frozenset((a, b)) in negative for a, b, _ in web.labels["hard_negatives"])
    # Expanded across groups: a release's copies are hard negatives of its sibling's copies too.
    assert len(negative) > len(web.labels["hard_negatives"])
    assert score(positive, positive).f1 == 1.0
    assert score(predicted_pairs([{u} for u in labels]), positive).recall == 0.0
    fa = positive_pairs(web.labels, langs={"fa"})
    assert fa < positive and negative_pairs(web.labels, langs={"fa"}) <= negative
    merged = predicted_pairs([list(labels)[:50]])
    assert 0 < score(merged, positive).precision < 1


# -- determinism and scale -----------------------------------------------------
def test_labels_are_deterministic(web: FixtureWeb, tmp_path: Path) -> None:
    again = build(tmp_path / "again", port=8765)
    assert json.dumps(again.labels, ensure_ascii=False) == json.dumps(web.labels, ensure_ascii=False)


def test_large_web_builds_in_seconds(tmp_path: Path) -> None:
    started = time.perf_counter()
    big = build(tmp_path / "big", port=8765, size=10000)
    elapsed = time.perf_counter() - started
    assert len(big.labels["articles"]) == articles_for(big, 10000)
    assert elapsed < 30, elapsed
    counts = Counter(e for a in big.labels["articles"] if a["role"] == "copy" for e in a["edits"])
    assert min(counts[name] for name in EDIT_ORDER) >= 100, counts
    kinds = Counter(kind for _, _, kind in big.labels["hard_negatives"])
    assert kinds["same_topic_week"] >= 500 and kinds["same_template"] >= 500, kinds
    assert len(list(itertools.islice(positive_pairs(big.labels), 10))) == 10
