"""The English and Arabic pages of the fixture web (issue 16's ground truth): retellings that keep
their release's figures, hard negatives that do not, labels that say which is which, two phrase banks."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fixtureweb import FixtureWeb, build
from fixtureweb import translations as F
from fixtureweb.generate import plan
from fixtureweb.sites import file_for
from tests.test_fixtureweb import extract

Label = dict[str, Any]
FEEDS = (("akharin", "rss.xml"), ("shahr", "sitemap.xml"))


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> FixtureWeb:
    return build(tmp_path_factory.mktemp("dev"), port=8765)


@pytest.fixture(scope="module")
def blind(tmp_path_factory: pytest.TempPathFactory) -> FixtureWeb:
    return build(tmp_path_factory.mktemp("blind"), port=8765, foreign="blind")


def foreign(web: FixtureWeb) -> list[Label]:
    return [a for a in web.labels["articles"] if a["lang"] != "fa"]


def by_url(web: FixtureWeb) -> dict[str, Label]:
    return {a["url"]: a for a in web.labels["articles"]}


def retellings(web: FixtureWeb) -> list[Label]:
    return [a for a in foreign(web) if a["link"] == "translation"]


def negatives(web: FixtureWeb) -> list[Label]:
    return [a for a in foreign(web) if a["hard_negative"]]


def body(web: FixtureWeb, label: Label) -> str:
    return extract(web, label).body


def releases(web: FixtureWeb) -> dict[str, Label]:
    return {a["release"]: a for a in web.labels["articles"] if a["role"] == "origin" and a["site"] == "ict"}


@pytest.mark.parametrize("bank", ["dev", "blind"])
def test_counts_at_size_200(bank: str, dev: FixtureWeb, blind: FixtureWeb) -> None:
    web = dev if bank == "dev" else blind
    told, neg = retellings(web), negatives(web)
    assert len(told) >= 30 and len(neg) >= 30
    assert {a["lang"] for a in told} == {"en", "ar"} == {a["lang"] for a in neg}
    assert abs(sum(a["lang"] == "en" for a in told) - len(told) / 2) <= len(told) / 4
    assert {a["hard_negative"] for a in neg} == {"other_event", "same_template"}
    assert min(sum(a["hard_negative"] == k for a in neg) for k in ("other_event", "same_template")) >= 10
    summary = web.labels["translations"]
    assert summary == {
        "retellings": len(told),
        "negatives": len(neg),
        "persian_siblings": sum(1 for a in told if a["persian_siblings"]),
        "bank": bank,
    }
    assert summary["persian_siblings"] >= 10
    assert len(foreign(web)) == len(told) + len(neg)


@pytest.mark.parametrize("size", [60, 400])
def test_counts_scale_with_size(size: int) -> None:
    docs = [d for d in plan(size, 1405) if d.foreign is not None]
    told = [d for d in docs if d.foreign is not None and d.foreign.kind == "retelling"]
    assert len(told) == max(2, round(0.16 * size)) == len(docs) - len(told)


def test_every_retelling_keeps_two_release_figures(dev: FixtureWeb, blind: FixtureWeb) -> None:
    for web in (dev, blind):
        origins = releases(web)
        for label in retellings(web):
            release = origins[label["release"]]
            in_release = F.numbers(body(web, release))
            in_copy = F.numbers(body(web, label))
            kept = [f for f in label["figures"] if F.is_figure(f)]
            assert len(kept) >= 2, label["url"]
            assert set(kept) <= in_release, (label["url"], kept)
            assert set(kept) <= in_copy, (label["url"], kept)


def test_figures_are_written_as_foreign_desks_write_them(dev: FixtureWeb) -> None:
    english = " ".join(body(dev, a) for a in foreign(dev) if a["lang"] == "en")
    arabic = " ".join(body(dev, a) for a in foreign(dev) if a["lang"] == "ar")
    assert not re.search(r"[۰-۹٠-٩]", english) and re.search(r"\d,\d{3}", english)
    assert re.search(r"[٠-٩]", arabic) and re.search(r"[0-9]", arabic)  # Arabic-Indic on most pages
    assert not re.search(r"[۰-۹]", arabic)


def test_negatives_carry_other_figures(dev: FixtureWeb, blind: FixtureWeb) -> None:
    for web in (dev, blind):
        origins = releases(web)
        for label in negatives(web):
            release = origins[label["resembles"]]
            figures = set(label["figures"])
            assert len(figures) >= 2, label["url"]
            assert not figures & F.numbers(body(web, release)), label["url"]
            assert figures <= F.numbers(body(web, label)), label["url"]


def test_labels_are_consistent(dev: FixtureWeb) -> None:
    labels = by_url(dev)
    origins = releases(dev)
    ids = [a["release"] for a in negatives(dev)]
    persian = {a["release"] for a in dev.labels["articles"] if a["lang"] == "fa"}
    assert len(set(ids)) == len(ids) and not set(ids) & persian
    for label in retellings(dev):
        origin = origins[label["release"]]
        assert label["role"] == "copy" and label["copy_of"] == label["translation_of"] == origin["url"]
        assert label["hard_negative"] is None and label["resembles"] is None
        published, released = (datetime.fromisoformat(x["published_at"]) for x in (label, origin))
        assert timedelta(hours=1) <= published - released <= timedelta(days=5), label["url"]
        for sibling in label["persian_siblings"]:
            other = origins[sibling]
            assert other["release"] != label["release"]
            assert abs(datetime.fromisoformat(other["published_at"]) - released) <= timedelta(days=7)
    for label in negatives(dev):
        assert label["role"] == "own" and label["link"] is None and label["copy_of"] is None
        assert label["translation_of"] is None and label["resembles"] in origins
        prefix = "XE-" if label["hard_negative"] == "other_event" else "XS-"
        assert label["release"].startswith(prefix + label["resembles"] + "-")
    assert all(a["link"] is None for a in labels.values() if a["lang"] == "fa")
    credited = {a["attribution"][0]["source"] for a in foreign(dev) if a["attribution"]}
    assert credited == {"ict", "isna"} and any(not a["attribution"] for a in retellings(dev))


def test_same_template_negatives_share_the_release_names(dev: FixtureWeb) -> None:
    """A retelling of an unpublished sibling release: the same templates and names, other figures."""
    told = {(a["release"], a["lang"]): a for a in retellings(dev)}
    close = 0
    for label in (a for a in negatives(dev) if a["hard_negative"] == "same_template"):
        twin = told.get((label["resembles"], label["lang"]))
        if twin is not None:
            close += 1
            words = set(re.findall(r"\w{5,}", body(dev, twin))) & set(re.findall(r"\w{5,}", body(dev, label)))
            assert len(words) >= 3, label["url"]
    assert close >= 3


def test_names_are_transliterated(dev: FixtureWeb) -> None:
    english = [body(dev, a) for a in foreign(dev) if a["lang"] == "en"]
    arabic = [body(dev, a) for a in foreign(dev) if a["lang"] == "ar"]
    assert not any(re.search(r"[\u0600-\u06ff]", text) for text in english)
    assert not any(re.search(r"[پچژگکی]", text) for text in arabic)  # Persian letters stay out of Arabic
    spelled = {
        name
        for spellings in F.NAMES.values()
        for name in spellings.en[0]
        if any(name in text for text in english)
    }
    assert len(spelled) >= 10


def test_pages_are_foreign_outlet_pages(dev: FixtureWeb) -> None:
    for label in foreign(dev):
        page = (dev.root / label["site"] / file_for(label["url"].split("/", 3)[3])).read_text("utf-8")
        expected = '<html lang="en" dir="ltr">' if label["lang"] == "en" else '<html lang="ar" dir="rtl">'
        assert expected in page, label["url"]
        assert label["site"] == F.SITE_FOR[label["lang"]]
        item = extract(dev, label)
        assert item.title == label["title"], label["url"]
        assert 3 <= len(re.split(r"(?<=\.)\s+", item.body.strip())) <= 8, label["url"]
    feeds = "".join((dev.root / site / name).read_text("utf-8") for site, name in FEEDS)
    assert all(label["url"] in feeds for label in foreign(dev))


def test_blind_bank_differs_from_dev(dev: FixtureWeb, blind: FixtureWeb) -> None:
    """Same structure (which releases, when, which kind), other words: no sentence frame, title or
    credit of one bank on the other's pages."""
    a, b = foreign(dev), foreign(blind)
    key = ("site", "lang", "release", "published_at", "role", "hard_negative", "resembles")
    assert [[x[k] for k in key] for x in a] == [[x[k] for k in key] for x in b]

    def sentences(web: FixtureWeb, labels: list[Label]) -> set[str]:
        out = set()
        for label in labels:
            text = re.sub(r"[0-9٠-٩][0-9٠-٩,.%٪]*", "#", body(web, label))
            out |= {s.strip() for s in re.split(r"(?<=[.])\s+|\n", text) if len(s.strip()) > 30}
        return out

    assert not sentences(dev, a) & sentences(blind, b)
    assert not {x["title"] for x in a} & {x["title"] for x in b}
    shapes = [{x["credit_shape"] for x in labels if x["attribution"]} for labels in (a, b)]
    assert not shapes[0] & shapes[1]
    for key_, spelled in F.NAMES.items():
        assert spelled.en[0] and spelled.en[1] and spelled.ar[0] and spelled.ar[1], key_


def test_persian_pages_do_not_depend_on_the_bank(dev: FixtureWeb, blind: FixtureWeb) -> None:
    persian = [a for a in dev.labels["articles"] if a["lang"] == "fa"]
    assert persian == [a for a in blind.labels["articles"] if a["lang"] == "fa"]
    for label in persian[::7]:
        path = file_for(label["url"].split("/", 3)[3])
        pages = [(web.root / label["site"] / path).read_bytes() for web in (dev, blind)]
        assert pages[0] == pages[1], label["url"]


def test_deterministic_per_seed(dev: FixtureWeb, tmp_path: Path) -> None:
    again = build(tmp_path / "again", port=8765)
    assert json.dumps(foreign(again), ensure_ascii=False) == json.dumps(foreign(dev), ensure_ascii=False)
    other = build(tmp_path / "other", port=8765, seed=7)
    assert [a["title"] for a in foreign(other)] != [a["title"] for a in foreign(dev)]


def test_an_unknown_bank_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="foreign"):
        build(tmp_path / "w", port=8765, foreign="test")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Some 520,000 homes and 12,500 km", {520000, 520, 12500}),
        ("٧٣٪ و ٣٤ مشروعا", {73, 34}),
        ("۴۵ درصد", {45}),
        ("45.3 percent", set()),
    ],
)
def test_numbers(text: str, found: set[int]) -> None:
    assert F.numbers(text) == found
