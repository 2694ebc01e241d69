"""Attribution on the fixture web: every labelled page's chain, as the crawler would store it.

Each article goes through its site's page object (as a crawl would) and then through
``find_attributions`` with the demo registry; the chain must equal the label exactly.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from core.attribution import Chain, NameIndex, find_attributions
from core.attribution.evaluate import score
from core.registry import load_registry
from fixtureweb import FixtureWeb
from fixtureweb.credits import NAME_ONLY_SOURCES, ORIGIN_SHAPE, SHAPES
from fixtureweb.sites import file_for
from fixtureweb.translations import CREDITS
from tests.test_fixtureweb import extract, fetch

Triple = tuple[str | None, str, str | None]


@pytest.fixture(scope="module")
def names(fixture_web: FixtureWeb) -> NameIndex:
    return NameIndex.from_registry(load_registry(fixture_web.registry_path))


@pytest.fixture(scope="module")
def chains(fixture_web: FixtureWeb, names: NameIndex) -> dict[str, Chain]:
    """URL → the chain found in the body the page object extracts."""
    out = {}
    for label in fixture_web.labels["articles"]:
        body = extract(fixture_web, label).body
        out[label["url"]] = find_attributions(body, names, publisher=label["site"])
    return out


def found(chain: Chain) -> list[Triple]:
    return [(a.source, a.name, a.kind) for a in chain.attributions]


def wanted(label: dict[str, Any]) -> list[Triple]:
    return [(a["source"], a["name"], a["kind"]) for a in label["attribution"]]


def test_every_chain_matches_its_label(fixture_web: FixtureWeb, chains: dict[str, Chain]) -> None:
    articles = fixture_web.labels["articles"]
    scores = score(
        [chains[a["url"]] for a in articles],
        [[x["source"] or x["name"] for x in a["attribution"]] for a in articles],
    )
    per_shape: Counter[str] = Counter()
    wrong = []
    for label in articles:
        if found(chains[label["url"]]) != wanted(label):
            per_shape[label["credit_shape"]] += 1
            wrong.append((label["url"], label["credit_shape"], found(chains[label["url"]]), wanted(label)))
    print(f"\nfixture-web attribution: {scores}")
    if per_shape:
        print("wrong chains by credit shape:", dict(per_shape))
    assert not wrong, wrong[:5]
    assert scores.precision == scores.recall == 1.0


def test_roles_follow_the_chain(fixture_web: FixtureWeb, chains: dict[str, Chain]) -> None:
    """Origins and own stories credit nobody; own reporting is flagged; every copy credits someone
    (in Persian: an English or Arabic retelling may credit no one, a hard negative may credit ISNA)."""
    for label in fixture_web.labels["articles"]:
        chain = chains[label["url"]]
        if label["lang"] != "fa":
            assert found(chain) == wanted(label), label["url"]
        elif label["role"] == "copy":
            assert chain.attributions, label["url"]
        else:
            assert not chain.attributions and label["attribution"] == [], label["url"]
        if label["credit_shape"].startswith("own_reporter"):
            assert chain.own_reporting, label["url"]
    origins = [a for a in fixture_web.labels["articles"] if a["role"] == "origin"]
    assert {a["credit_shape"] for a in origins} == {ORIGIN_SHAPE}


def test_at_least_forty_credit_shapes(fixture_web: FixtureWeb) -> None:
    articles = [a for a in fixture_web.labels["articles"] if a["site"] != "ict"]
    shapes = Counter(a["credit_shape"] for a in articles if a["lang"] == "fa")
    assert len(shapes) >= 40, sorted(shapes)
    # The default web shows every Persian shape; English and Arabic pages use the credits of
    # fixtureweb.translations (the old "en"/"ar" shapes only keep the generator's draws as they were).
    assert set(shapes) == {s.key for s in SHAPES if s.upstream not in ("en", "ar")}
    foreign = {a["credit_shape"] for a in articles if a["lang"] != "fa"}
    assert foreign == {c.key for c in CREDITS[("en", "dev")] + CREDITS[("ar", "dev")] if c} | {"none"}


def test_copies_of_a_ministry_without_a_site(fixture_web: FixtureWeb) -> None:
    registry = load_registry(fixture_web.registry_path)
    for key, (host, _kind, _names) in NAME_ONLY_SOURCES.items():
        source = registry.get(key)
        assert source.hosts == (host,) and not source.start_urls()
        assert host not in fixture_web.labels["sites"].values()
    cra = [a for a in fixture_web.labels["articles"] if any(x["source"] == "cra" for x in a["attribution"])]
    assert len(cra) >= 4
    assert all(a["copy_of"] is None and a["role"] == "copy" and a["release"] for a in cra)


def test_mehr_the_month_is_not_mehr_the_agency(
    fixture_web: FixtureWeb, chains: dict[str, Chain], names: NameIndex
) -> None:
    assert names.resolve("مهر") == ("mehr", "agency")
    month = re.compile(r"^تهران - [۰-۹0-9٠-٩]{1,2} مهر [۰-۹0-9٠-٩]{4} - ")
    dated = [a for a in fixture_web.labels["articles"] if month.match(extract(fixture_web, a).body)]
    assert dated and all(a["credit_shape"] == "dateline_date" for a in dated)
    for label in dated:
        assert "mehr" not in [a.source for a in chains[label["url"]].attributions]
    agency = [a for a in fixture_web.labels["articles"] if a["credit_shape"] == "mehr_dateline"]
    assert agency and all(chains[a["url"]].attributions[0].source == "mehr" for a in agency)


def test_fars_the_province_is_not_fars_the_agency(fixture_web: FixtureWeb, chains: dict[str, Chain]) -> None:
    stories = [
        a
        for a in fixture_web.labels["articles"]
        if a["role"] == "own" and "استان فارس" in extract(fixture_web, a).body
    ]
    assert len(stories) >= 3
    assert all(not chains[a["url"]].attributions for a in stories)


def test_foreign_language_copies(fixture_web: FixtureWeb, chains: dict[str, Chain]) -> None:
    """English pages on shahr, Arabic on akharin (tests/test_fixture_translations.py has the rest)."""
    foreign = [a for a in fixture_web.labels["articles"] if a["lang"] != "fa"]
    assert {(a["lang"], a["site"]) for a in foreign} == {("en", "shahr"), ("ar", "akharin")}
    english = next(a for a in foreign if a["credit_shape"] == "en_according_ict")
    assert extract(fixture_web, english).body.startswith("According to the ICT ministry, ")
    page = (fixture_web.root / english["site"] / file_for(urlsplit(english["url"]).path)).read_text("utf-8")
    assert '<html lang="en" dir="ltr">' in page
    assert english["copy_of"] and english["attribution"][0]["source"] == "ict"
    assert found(chains[english["url"]]) == wanted(english)


def test_unlisted_releases_are_found_by_search_only(fixture_web: FixtureWeb) -> None:
    articles = fixture_web.labels["articles"]
    unlisted = [a for a in articles if not a["listed"]]
    assert len(unlisted) >= 5
    assert all(a["site"] == "ict" and a["role"] == "origin" for a in unlisted)
    assert all(a["listed"] for a in articles if a["site"] != "ict")
    copied = {a["copy_of"] for a in articles if a["role"] == "copy"}
    assert all(a["url"] in copied for a in unlisted)
    # Linked from nowhere: no page, feed or sitemap on any site names their paths.
    paths = {urlsplit(a["url"]).path for a in unlisted}
    served = [page for site in fixture_web.labels["sites"] for page in (fixture_web.root / site).rglob("*")]
    for page in served:
        if page.is_file() and page.name != "_search.json":
            text = page.read_text(encoding="utf-8")
            own = {p for p in paths if page == fixture_web.root / "ict" / file_for(p)}
            assert not {p for p in paths - own if f'{p}"' in text or f"{p}<" in text}, page
    bodies = {a["url"]: extract(fixture_web, a).body for a in articles if a["site"] == "ict"}
    search = fixture_web.base_url("ict") + "/fa/search?q="
    for label in unlisted:
        assert fetch(label["url"])[0] == 200
        phrase = distinctive(bodies[label["url"]], [b for u, b in bodies.items() if u != label["url"]])
        status, _, body = fetch(search + quote(phrase))
        assert status == 200
        hits = re.findall(r'class="news-link" href="([^"]+)"', html.unescape(body.decode("utf-8")))
        assert urlsplit(label["url"]).path in hits, phrase


def distinctive(body: str, others: list[str]) -> str:
    """Six consecutive words of ``body`` that no other release contains."""
    words = body.split()
    for i in range(len(words) - 6):
        phrase = " ".join(words[i : i + 6])
        if not any(phrase in other for other in others):
            return phrase
    raise AssertionError("no distinctive phrase")
