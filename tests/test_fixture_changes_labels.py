"""Ground truth of what each copy changed against its release (``changes`` in labels.json).

Every labelled sentence is checked against the pages as a crawl sees them (through the sites'
page objects): a cut sentence is on the reference and not on the copy, an added or reworded one
is on the copy, a changed figure sits in its copy sentence. The sentence edits draw from a random
source of their own, so a build without them (``changes=False``) is the web as it was before
them, and every page they do not touch is the same in both.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from fixtureweb import FixtureWeb, build
from fixtureweb.changes import KINDS, MIN_KEPT, figures, kept_share, plain, words_only
from fixtureweb.corpus import PR_OFFICE
from fixtureweb.credits import SHAPE_BY_KEY
from fixtureweb.generate import INLINE_BOILERPLATE, sentences
from tests.test_fixtureweb import extract, page_file

Label = dict[str, Any]
SPELLING = {"arabic_letters", "no_zwnj", "digits"}
STRUCTURAL = {"headline", "cut_last", "reorder", "keep_first", *KINDS}
CHANGE_KEYS = {"against", "cut", "added", "reworded", "figures", "title", "variants_only"}


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> FixtureWeb:
    return build(tmp_path_factory.mktemp("changes"), port=8765)


@pytest.fixture(scope="module")
def without(tmp_path_factory: pytest.TempPathFactory) -> FixtureWeb:
    """The same web without sentence edits: the generator as it was before them."""
    return build(tmp_path_factory.mktemp("no-changes"), port=8765, changes=False)


def everything(web: FixtureWeb) -> list[Label]:
    return [*web.labels["articles"], *web.labels["unregistered"]]


@pytest.fixture(scope="module")
def labels(web: FixtureWeb) -> dict[str, Label]:
    return {a["url"]: a for a in everything(web)}


@pytest.fixture(scope="module")
def copies(labels: dict[str, Label]) -> list[Label]:
    return [a for a in labels.values() if a["changes"] is not None]


@pytest.fixture(scope="module")
def bodies(web: FixtureWeb, labels: dict[str, Label]) -> dict[str, str]:
    return {
        url: extract(web, a).body for url, a in labels.items() if a["role"] == "copy" and a["lang"] == "fa"
    } | {url: extract(web, a).body for url, a in labels.items() if a["role"] == "origin"}


def test_enough_copies_of_each_kind(copies: list[Label]) -> None:
    edits = Counter(e for a in copies for e in a["edits"])
    listed = Counter(
        kind for a in copies for kind in ("cut", "added", "reworded", "figures") if a["changes"][kind]
    )
    print(f"\nsentence edits { ({k: edits[k] for k in KINDS}) }; non-empty lists {dict(listed)}")
    assert sum(bool(set(KINDS) & set(a["edits"])) for a in copies) >= 60
    assert all(edits[kind] >= 15 for kind in KINDS), edits
    assert all(listed[kind] >= 15 for kind in ("cut", "added", "reworded", "figures")), listed
    assert sum(a["changes"]["variants_only"] for a in copies) >= 12


def test_which_pages_have_changes(web: FixtureWeb, labels: dict[str, Label]) -> None:
    ministry = web.base_url("ict")
    cra: dict[str, list[Label]] = {}
    for a in labels.values():
        persian_copy = a["role"] == "copy" and a["lang"] == "fa"
        if not persian_copy:
            assert a["changes"] is None, a["url"]
        elif a["copy_of"] is not None:
            assert set(a["changes"]) == CHANGE_KEYS and a["changes"]["against"] == a["copy_of"]
        else:
            cra.setdefault(a["release"], []).append(a)
    # A release of a ministry without a site: the earliest Persian copy is the reference of the rest.
    assert len(cra) == 2
    for group in cra.values():
        first = min(group, key=lambda a: datetime.fromisoformat(a["published_at"]))
        assert first["changes"] is None and not first["url"].startswith(ministry)
        assert all(a["changes"]["against"] == first["url"] for a in group if a is not first)


def reference_of(labels: dict[str, Label], copy: Label) -> Label:
    return labels[copy["changes"]["against"]]


def test_cut_sentences_are_on_the_reference_and_not_on_the_copy(
    labels: dict[str, Label], copies: list[Label], bodies: dict[str, str]
) -> None:
    wrong = []
    for a in copies:
        reference, body = bodies[reference_of(labels, a)["url"]], plain(bodies[a["url"]])
        wrong += [(a["url"], s) for s in a["changes"]["cut"] if s not in reference or plain(s) in body]
    assert not wrong, wrong[:5]
    # cut_last and keep_first copies of a release lose sentences too.
    assert all(
        a["changes"]["cut"] for a in copies if {"cut_last", "cut_middle"} & set(a["edits"]) and a["copy_of"]
    )


def test_added_and_reworded_sentences_are_on_the_copy(
    labels: dict[str, Label], copies: list[Label], bodies: dict[str, str]
) -> None:
    wrong = []
    for a in copies:
        body, reference = bodies[a["url"]], plain(bodies[reference_of(labels, a)["url"]])
        changes = a["changes"]
        for s in changes["added"]:
            if s not in body or plain(s) in reference:
                wrong.append((a["url"], "added", s))
        for pair in changes["reworded"]:
            if pair["to"] not in body or pair["from"] not in bodies[reference_of(labels, a)["url"]]:
                wrong.append((a["url"], "reworded", pair["to"]))
            if plain(pair["from"]) in plain(body) or plain(pair["to"]) in reference:
                wrong.append((a["url"], "reworded, still there", pair["to"]))
        for s in changes["added"] + [p["to"] for p in changes["reworded"]]:
            if PR_OFFICE in plain(s) or re.match(r"(به )?گزارش |به نقل از |منبع", s):
                wrong.append((a["url"], "credit in a labelled sentence", s))
    assert not wrong, wrong[:5]


def content(label: Label, body: str) -> list[str]:
    """The page's sentences that are its story, in plain spelling: credit text (the shape's opening,
    middle line, suffix and tail), the PR-office signature and in-body boilerplate left out."""
    shape = SHAPE_BY_KEY.get(label["credit_shape"])
    credit = [shape.opening, shape.mid] if shape is not None else []
    leading = [
        re.compile(
            re.escape(plain(c))
            .replace(r"\{P\}", ".+?")
            .replace(r"\{city\}", ".+?")
            .replace(r"\{date\}", ".+?")
        )
        for c in credit
        if c
    ]
    skip = {
        plain(x)
        for x in (PR_OFFICE, *(shape.tail if shape else ()), *INLINE_BOILERPLATE.get(label["site"], ()))
    }
    if shape is not None and shape.suffix:
        skip.add(plain(shape.suffix))
    out = []
    for paragraph in body.split("\n"):
        if plain(paragraph) in skip:
            continue
        for s in sentences(plain(paragraph)):
            for pattern in leading:
                m = pattern.match(s)
                s = s[m.end() :].strip() if m else s
            if s not in skip and not any(s in plain(line) for line in skip):
                out.append(s)
    return out


def test_every_difference_is_labelled(
    labels: dict[str, Label], copies: list[Label], bodies: dict[str, str]
) -> None:
    """Completeness: a story sentence of the reference is on the copy or labelled (cut, reworded, or
    its figure changed); a story sentence of the copy is on the reference or labelled (added,
    reworded, or a changed figure's sentence)."""
    wrong = []
    for a in copies:
        reference = reference_of(labels, a)
        changes = a["changes"]
        ref_text, copy_text = content(reference, bodies[reference["url"]]), content(a, bodies[a["url"]])
        figured = {words_only(f["sentence"]) for f in changes["figures"]}
        gone = {plain(s) for s in changes["cut"]} | {plain(p["from"]) for p in changes["reworded"]}
        new = {plain(s) for s in changes["added"]} | {plain(p["to"]) for p in changes["reworded"]}
        new |= {plain(f["sentence"]) for f in changes["figures"]}
        wrong += [
            (a["url"], "-", s)
            for s in ref_text
            if s not in copy_text and s not in gone and words_only(s) not in figured
        ]
        wrong += [(a["url"], "+", s) for s in copy_text if s not in ref_text and s not in new]
    assert not wrong, wrong[:5]


def test_added_sentences_stand_away_from_credit_lines(copies: list[Label], bodies: dict[str, str]) -> None:
    """Never in the first paragraph (which opens with the credit), never after a credit put before a
    middle paragraph: each starts its paragraph or follows a sentence of it."""
    for a in copies:
        paragraphs = bodies[a["url"]].split("\n")
        for s in a["changes"]["added"]:
            (at,) = [k for k, p in enumerate(paragraphs) if s in p]
            before = paragraphs[at].split(s)[0].rstrip()
            assert at > 0 and (not before or before[-1] in ".!؟?»"), (a["url"], paragraphs[at])


def test_reworded_sentences_keep_most_words_and_their_figures(copies: list[Label]) -> None:
    for a in copies:
        for pair in a["changes"]["reworded"]:
            assert words_only(pair["from"]) != words_only(pair["to"]), pair
            assert kept_share(pair["from"], pair["to"]) >= MIN_KEPT, pair
        if a["copy_of"] is not None:  # the release: every reworded sentence is the copy's own wording
            changed = {f["sentence"] for f in a["changes"]["figures"]}
            for pair in a["changes"]["reworded"]:
                same = [int(x) for x in figures(plain(pair["from"]))] == [
                    int(x) for x in figures(plain(pair["to"]))
                ]
                assert same or pair["to"] in changed, pair


def test_changed_figures(labels: dict[str, Label], copies: list[Label], bodies: dict[str, str]) -> None:
    for a in copies:
        found = a["changes"]["figures"]
        if a["copy_of"] is not None:
            assert len(found) <= 1, a["url"]  # two would make the copy look like another release
            assert bool(found) == ("figures" in a["edits"]), a["url"]
        reworded = {p["to"] for p in a["changes"]["reworded"]}
        for f in found:
            assert f["sentence"] in bodies[a["url"]] and f["to"] in f["sentence"], f
            assert f["from"] in bodies[reference_of(labels, a)["url"]], f
            assert plain(f["from"]) != plain(f["to"]), f
            if f["sentence"] not in reworded:  # only the figure changed: put it back, find the reference's
                back = [
                    f["sentence"][: m.start()] + f["from"] + f["sentence"][m.end() :]
                    for m in re.finditer(re.escape(f["to"]), f["sentence"])
                ]
                reference = plain(bodies[reference_of(labels, a)["url"]])
                assert any(plain(s) in reference for s in back), f


def test_edit_names_match_the_lists(copies: list[Label]) -> None:
    for a in copies:
        if a["copy_of"] is None:
            continue
        changes, edits = a["changes"], set(a["edits"])
        assert bool(changes["added"]) == ("added" in edits), a["url"]
        assert bool(changes["reworded"]) == ("reworded" in edits), a["url"]
        assert ("cut_middle" in edits) <= bool(changes["cut"]), a["url"]
        assert (changes["title"] is not None) >= ("headline" in edits), a["url"]


def test_variants_only(labels: dict[str, Label], copies: list[Label], bodies: dict[str, str]) -> None:
    only = [a for a in copies if a["changes"]["variants_only"]]
    assert only == [a for a in copies if "variants_only" in a["edits"]]
    for a in only:
        changes = a["changes"]
        assert changes["cut"] == changes["added"] == changes["reworded"] == changes["figures"] == []
        assert changes["title"] is None and a["copy_of"] is not None
        assert SPELLING & set(a["edits"]) and not STRUCTURAL & set(a["edits"]), a["edits"]
        assert "isna" not in [x["source"] for x in a["attribution"]]  # copied from the release itself
        body = plain(bodies[a["url"]])
        release = [p for p in bodies[a["copy_of"]].split("\n") if p != PR_OFFICE]
        assert all(plain(p) in body for p in release), a["url"]


def test_titles(labels: dict[str, Label], copies: list[Label]) -> None:
    for a in copies:
        reference, title = reference_of(labels, a), a["changes"]["title"]
        if title is None:
            assert plain(a["title"]) == plain(reference["title"]), a["url"]
        else:
            assert title == {"from": reference["title"], "to": a["title"]}
            assert plain(title["from"]) != plain(title["to"])


def test_changes_are_deterministic(web: FixtureWeb, tmp_path: Path) -> None:
    again = build(tmp_path / "again", port=8765)
    assert json.dumps(again.labels, ensure_ascii=False) == json.dumps(web.labels, ensure_ascii=False)


def test_pages_without_sentence_edits_are_unchanged(
    web: FixtureWeb, without: FixtureWeb, labels: dict[str, Label]
) -> None:
    """A page gets new bytes only from a sentence edit of its own or inherited, or from a spelling
    edit ``variants_only`` forced on its body; titles, dates and credits stay as they were."""
    before = {a["url"]: a for a in everything(without)}
    assert set(before) == set(labels)
    fixed = ("site", "title", "published_at", "role", "release", "copy_of", "credit_shape", "listed", "lang")
    same = changed = 0
    for url, a in labels.items():
        old = before[url]
        assert {k: old[k] for k in fixed} == {k: a[k] for k in fixed}, url
        edits = [e for e in a["edits"] if e != "variants_only"]
        if edits == old["edits"]:
            assert {**a, "changes": None, "edits": edits} == {**old, "changes": None}, url
            assert page_file(web, a).read_bytes() == page_file(without, old).read_bytes(), url
            same += 1
        else:
            assert set(edits) - set(old["edits"]) <= set(KINDS) | SPELLING, (url, edits, old["edits"])
            changed += 1
    assert same >= 100 and changed >= 60, (same, changed)


# Pages as the generator wrote them before sentence edits existed (commit 90a1ffe), one copy per
# site, with paragraph, spelling and credit edits. ``changes=False`` must still write them byte for
# byte; with the sentence edits on, test_pages_without_sentence_edits_are_unchanged covers the rest.
PINNED = {
    "isna/news/1403050200026/index.html": "73757f65facd6386218689db72817820e866d7a477601e9366dc621cbacc9b57",
    "93z/post/5002/index.html": "3ac0774212981eb0db380ac6981c5ad6b7dbd1c84c4a10f3b58b9797909a31d9",
    "fanavaran/article/308/index.html": "df9cc0921cd25e880d541d43030d8fbd1f64031d646b99bfc7b24e01a38ca550",
    "akharin/khabar/880176.html": "0626fac649d16108f4a7add050579ac6da0936c19deae7333e311aca326464d6",
    "shahr/n/12002/index.html": "984d0e7a587022cef6230f5a005eb4bba5502404d96f189fe931400c1dcb2e77",
}


def test_pinned_pages_are_as_before(without: FixtureWeb) -> None:
    for path, digest in PINNED.items():
        assert hashlib.sha256((without.root / path).read_bytes()).hexdigest() == digest, path
