"""Command-line level: crawl the fixture web with `scrapy crawl`, read it back with `scrapy export`."""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from fixtureweb import FixtureWeb
from storage.label_scores import score_changes
from tests.conftest import run_scrapy, scrapy_env

pytestmark = pytest.mark.crawl

ROLES = {"origin", "copy", "own"}


@dataclass
class Crawl:
    database_url: str
    env: dict[str, str]
    log: str
    lines: list[dict[str, Any]]

    def documents(self) -> dict[str, dict[str, Any]]:
        return {doc["url"]: doc for line in self.lines for doc in line["documents"]}


def export_lines(env: dict[str, str], *extra: str) -> list[dict[str, Any]]:
    result = run_scrapy("export", *extra, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def crawl_sources(env: dict[str, str]) -> str:
    result = run_scrapy("crawl", "sources", env=env)
    assert "Traceback" not in result.stderr, result.stderr[-5000:]
    return result.stderr


@pytest.fixture(scope="module")
def crawl(fixture_web: FixtureWeb, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    url = f"sqlite:///{tmp_path_factory.mktemp('crawl') / 'manba.sqlite3'}"
    env = scrapy_env(url, fixture_web.registry_path)
    log = crawl_sources(env)
    return Crawl(url, env, log, export_lines(env))


def followed_origins_only(docs: dict[str, dict[str, Any]], given: set[str], fixture_web: FixtureWeb) -> bool:
    """Besides the given pages, only the releases they were copied from (found by origin following)."""
    labels = labelled(fixture_web)
    wanted = {labels[u]["copy_of"] for u in given if u in labels and labels[u].get("copy_of")}
    extra = set(docs) - given
    return extra <= wanted and all(docs[u]["role"] == "origin" for u in extra)


def labelled(fixture_web: FixtureWeb) -> dict[str, dict[str, Any]]:
    return {a["url"]: a for a in fixture_web.labels["articles"]}


def test_the_crawl_log_carries_no_gensim_lines(crawl: Crawl) -> None:
    """hazm imports gensim, whose import-time INFO lines opened every crawl log."""
    assert "gensim" not in crawl.log, [line for line in crawl.log.splitlines() if "gensim" in line][:3]


def test_every_labelled_article_is_stored_once(crawl: Crawl, fixture_web: FixtureWeb) -> None:
    labels = labelled(fixture_web)
    docs = crawl.documents()
    assert sum(len(line["documents"]) for line in crawl.lines) == len(docs)
    assert set(docs) == set(labels), {
        "missing": sorted(set(labels) - set(docs))[:5],
        "unexpected": sorted(set(docs) - set(labels))[:5],
    }


def test_stored_fields_match_labels(crawl: Crawl, fixture_web: FixtureWeb) -> None:
    docs = crawl.documents()
    for url, label in labelled(fixture_web).items():
        doc = docs[url]
        assert doc["site"] == label["site"], url
        assert doc["title"] == label["title"], url
        published = datetime.fromisoformat(doc["published_at"])
        assert published == datetime.fromisoformat(label["published_at"]), url
        text = doc["text"]
        assert text.startswith(label["first_sentence"]), url
        assert text.rstrip().endswith(label["last_sentence"]), url
        assert "این مطلب را می پسندید" not in text, url


def test_javascript_outlet_text_comes_from_the_browser(crawl: Crawl, fixture_web: FixtureWeb) -> None:
    docs = crawl.documents()
    rendered = [a for a in fixture_web.labels["articles"] if a.get("script_only_text")]
    assert len(rendered) >= 5
    for label in rendered:
        with urllib.request.urlopen(label["url"], timeout=10) as response:
            plain = response.read().decode("utf-8")
        assert label["script_only_text"] not in plain
        assert label["script_only_text"] in docs[label["url"]]["text"]


def test_robots_txt_is_obeyed(crawl: Crawl, fixture_web: FixtureWeb) -> None:
    assert "'robotstxt/forbidden': " in crawl.log
    disallowed = fixture_web.labels["disallowed"]
    assert disallowed
    assert not set(disallowed) & set(crawl.documents())


def test_export_lines_follow_the_design(crawl: Crawl) -> None:
    assert crawl.lines
    release_ids = [line["release_id"] for line in crawl.lines]
    assert len(release_ids) == len(set(release_ids))
    for line in crawl.lines:
        assert set(line) == {"release_id", "title", "source", "origin", "documents"}
        assert isinstance(line["release_id"], int) and line["title"]
        assert line["source"] is None or isinstance(line["source"], str)
        if line["origin"] is not None:
            assert set(line["origin"]) == {"url", "site", "title", "published_at"}
        assert line["documents"]
        for doc in line["documents"]:
            assert set(doc) == {"url", "site", "title", "published_at", "language", "role", "link",
                                "similarity", "text", "attributions", "changes", "evidence"}
            assert doc["language"] in ("fa", "en", "ar")
            assert doc["role"] in ROLES
            assert (doc["changes"] is None) or doc["role"] == "copy"
            if doc["changes"] is not None:
                keys = {"against", "kept", "cut", "added", "reworded", "figures", "title"}
                assert set(doc["changes"]) == keys
            assert doc["text"] and doc["title"]
            assert datetime.fromisoformat(doc["published_at"]).tzinfo is not None
            assert isinstance(doc["attributions"], list)


def test_ministry_releases_are_origins(crawl: Crawl, fixture_web: FixtureWeb) -> None:
    docs = crawl.documents()
    origins = [a for a in fixture_web.labels["articles"] if a["role"] == "origin"]
    assert len(origins) >= 30
    for label in origins:
        assert docs[label["url"]]["role"] == "origin"
    ministry_lines = [line for line in crawl.lines if line["origin"] is not None]
    assert len(ministry_lines) == len(origins)


def test_csv_export_has_one_row_a_document(crawl: Crawl, tmp_path: Path) -> None:
    out = tmp_path / "docs.csv"
    result = run_scrapy("export", "--format", "csv", "-o", str(out), env=crawl.env)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == len(crawl.documents())
    assert {r["url"] for r in rows} == set(crawl.documents())


def test_second_crawl_leaves_the_same_rows(crawl: Crawl) -> None:
    crawl_sources(crawl.env)
    again = export_lines(crawl.env)
    assert len(again) == len(crawl.lines)
    assert crawl.documents().keys() == {d["url"] for line in again for d in line["documents"]}
    assert [line["release_id"] for line in again] == [line["release_id"] for line in crawl.lines]


def test_summary_checks_the_labels(crawl: Crawl, fixture_web: FixtureWeb) -> None:
    result = run_scrapy("summary", "--labels", str(fixture_web.root / "labels.json"), env=crawl.env)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    for site in fixture_web.labels["sites"]:
        if fixture_web.labels["sites"][site]["in_registry"]:
            assert site in result.stdout


def test_urls_spider_stores_given_pages(fixture_web: FixtureWeb, tmp_path: Path) -> None:
    # An agency's own story: nothing to follow, so exactly the two given pages are stored.
    known = next(a for a in fixture_web.labels["articles"] if a["site"] == "isna" and a["role"] == "own")
    unknown = fixture_web.labels["unregistered"][0]
    env = scrapy_env(f"sqlite:///{tmp_path / 'urls.sqlite3'}", fixture_web.registry_path)
    result = run_scrapy("crawl", "urls", "-a", f"urls={known['url']},{unknown['url']}", env=env)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "'manba/article/extracted/generic': 1" in result.stderr
    docs = {d["url"]: d for line in export_lines(env) for d in line["documents"]}
    assert set(docs) == {known["url"], unknown["url"]}
    assert docs[known["url"]]["site"] == "isna"
    assert docs[unknown["url"]]["site"] == fixture_web.labels["sites"]["blog"]["ip"]
    assert docs[unknown["url"]]["title"] == unknown["title"]
    assert docs[unknown["url"]]["text"].startswith(unknown["first_sentence"])


def test_urls_file_argument(fixture_web: FixtureWeb, tmp_path: Path) -> None:
    urls = [a["url"] for a in fixture_web.labels["articles"] if a["site"] == "93z"][:3]
    listing = tmp_path / "urls.txt"
    listing.write_text("# three outlet pages\n" + "\n".join(urls) + "\n\n", encoding="utf-8")
    env = scrapy_env(f"sqlite:///{tmp_path / 'file.sqlite3'}", fixture_web.registry_path)
    result = run_scrapy("crawl", "urls", "-a", f"urls_file={listing}", env=env)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    docs = {d["url"]: d for line in export_lines(env) for d in line["documents"]}
    assert set(urls) <= set(docs)
    assert followed_origins_only(docs, set(urls), fixture_web)


def norm_name(name: str) -> str:
    return " ".join(name.replace("ي", "ی").replace("ك", "ک").replace("\u200c", " ").split())


def test_every_labelled_chain_is_stored(crawl: Crawl, fixture_web: FixtureWeb) -> None:
    docs = crawl.documents()
    found = correct = expected = exact = 0
    for url, label in labelled(fixture_web).items():
        want = [(a["source"], norm_name(a["name"])) for a in label["attribution"]]
        got = [(a["source"], norm_name(a["name"])) for a in docs[url]["attributions"]]
        expected += len(want)
        found += len(got)
        correct += len(set(want) & set(got))
        exact += want == got
    print(f"\nchains on the fixture web: precision={correct / found:.3f} recall={correct / expected:.3f} "
          f"exact={exact}/{len(docs)}")
    assert exact == len(docs)


def test_copies_are_linked_to_their_origin(crawl: Crawl, fixture_web: FixtureWeb) -> None:
    origin_of = {
        d["url"]: (line["origin"] or {}).get("url") for line in crawl.lines for d in line["documents"]
    }
    copies = [a for a in fixture_web.labels["articles"] if a.get("copy_of")]
    linked = [a for a in copies if origin_of[a["url"]] == a["copy_of"]]
    share = len(linked) / len(copies)
    print(f"\norigin links on the fixture web: {len(linked)}/{len(copies)} = {share:.1%}")
    assert share >= 0.95
    for line in crawl.lines:
        if line["origin"] is not None and len(line["documents"]) > 1:
            assert line["source"] == line["origin"]["site"]


def test_search_only_releases_are_found_by_following(crawl: Crawl, fixture_web: FixtureWeb) -> None:
    unlisted = [a for a in fixture_web.labels["articles"] if a.get("listed") is False]
    assert len(unlisted) >= 5
    docs = crawl.documents()
    for label in unlisted:
        assert docs[label["url"]]["role"] == "origin"
    assert "'manba/origin/found': " in crawl.log


def test_amp_variants_land_on_one_document(crawl: Crawl, fixture_web: FixtureWeb) -> None:
    variants = fixture_web.labels["variants"]
    assert variants
    docs = crawl.documents()
    assert not set(variants) & set(docs)
    assert set(variants.values()) <= set(docs)


def test_following_can_be_turned_off(fixture_web: FixtureWeb, tmp_path: Path) -> None:
    env = scrapy_env(
        f"sqlite:///{tmp_path / 'off.sqlite3'}", fixture_web.registry_path, MANBA_FOLLOW_ORIGINS="0"
    )
    log = crawl_sources(env)
    assert "Disabled pipelines.origin.OriginPipeline: MANBA_FOLLOW_ORIGINS is off" in log
    assert "manba/origin/requests" not in log
    stored = {d["url"] for line in export_lines(env) for d in line["documents"]}
    unlisted = {a["url"] for a in fixture_web.labels["articles"] if a.get("listed") is False}
    assert not unlisted & stored
    assert len(stored) == len(fixture_web.labels["articles"]) - len(unlisted)


def test_releases_match_the_labelled_groups(crawl: Crawl, fixture_web: FixtureWeb) -> None:
    """Pairwise precision/recall of the crawled store's releases against the labels.

    Foreign-language retellings share no text with their release and origin following does not
    find them either, so the target is met on the Persian pages; all pages are printed too."""
    from storage.label_scores import score_clusters

    release_of = {d["url"]: line["release_id"] for line in crawl.lines for d in line["documents"]}
    articles = fixture_web.labels["articles"]
    persian = score_clusters((a["release"], release_of[a["url"]]) for a in articles if a["lang"] == "fa")
    everything = score_clusters((a["release"], release_of[a["url"]]) for a in articles)
    print(f"\nreleases on the fixture web: Persian {persian}, F1 {persian.f1:.3f}; all {everything}, "
          f"F1 {everything.f1:.3f}")
    assert persian.precision == 1.0
    assert persian.f1 is not None and persian.f1 >= 0.99
    result = run_scrapy("summary", "--labels", str(fixture_web.root / "labels.json"), env=crawl.env)
    assert "releases      pairwise precision" in result.stdout, result.stdout


def test_copies_changes_match_the_labels(crawl: Crawl, fixture_web: FixtureWeb) -> None:
    """Issue 15's goals on the generated web, read from `scrapy export`: cut, added and reworded
    sentences P and R ≥ 0.97, changed figures R = 1.0, nothing flagged on variants-only copies."""
    docs = crawl.documents()
    labelled_copies = [a for a in fixture_web.labels["articles"] if a.get("changes")]
    assert len(labelled_copies) >= 60
    score = score_changes((docs[a["url"]]["changes"], a["changes"]) for a in labelled_copies)
    assert score.against == score.copies
    for name in ("cut", "added", "reworded"):
        kind = score.kinds[name]
        assert kind.labelled >= 15 and kind.precision is not None and kind.recall is not None, name
        assert kind.precision >= 0.97 and kind.recall >= 0.97, (name, kind)
    assert score.kinds["figures"].recall == 1.0, score.kinds["figures"]
    assert score.variants_only >= 10 and score.variants_flagged == 0


def test_english_and_arabic_retellings_join_their_release(crawl: Crawl, fixture_web: FixtureWeb) -> None:
    """Issue 16's goals on the generated web, read from `scrapy export`: every document carries its
    language; retellings sit in their Persian release as `translation` copies with their evidence
    (P = 1.0, R ≥ 0.9), no hard negative is linked, and the summary prints the score."""
    release_of = {d["url"]: line["release_id"] for line in crawl.lines for d in line["documents"]}
    docs = crawl.documents()
    articles = fixture_web.labels["articles"]
    retellings = [a for a in articles if a.get("link") == "translation"]
    negatives = [a for a in articles if a.get("hard_negative")]
    assert len(retellings) >= 30 and len(negatives) >= 30
    assert {docs[a["url"]]["language"] for a in retellings + negatives} == {"en", "ar"}
    linked = [a for a in articles if docs[a["url"]]["link"] == "translation"]
    right = [a for a in linked if release_of[a["url"]] == release_of[a.get("translation_of", "")]]
    assert len(right) == len(linked), [a["url"] for a in linked if a not in right]
    assert len(right) >= 0.9 * len(retellings)
    for a in linked:
        evidence = docs[a["url"]]["evidence"]
        assert evidence["reason"] == "retelling" and len(evidence["figures"]) >= 2
    assert not any(docs[a["url"]]["link"] == "translation" for a in negatives)
    result = run_scrapy("summary", "--labels", str(fixture_web.root / "labels.json"), env=crawl.env)
    assert "translations  precision" in result.stdout and "hard negatives linked 0/" in result.stdout
