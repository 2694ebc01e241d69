"""`scrapy export` and `scrapy summary`, run as a user runs them (subprocess in the project)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from core.attribution.model import Attribution
from core.registry import load_registry
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade_to_head
from storage.runs import finish_run, start_run
from storage.testing import article, sqlite_store, write_registry
from storage.write import store_document, sync_sources

REPO = Path(__file__).resolve().parents[1]
SCRAPY = str(Path(sys.executable).with_name("scrapy"))

ITEMS = [
    (article(1, site="ict", canonical_url="https://www.ict.gov.ir/fa/news/1/"), "ict", "origin"),
    (article(2, site="isna", canonical_url="https://www.isna.ir/news/2/"), "isna", "own"),
    (article(3, site="isna", canonical_url="https://www.isna.ir/news/3/"), "isna", "own"),
]


def scrapy(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MANBA_", "SCRAPY_"))}
    env.update(MANBA_DATABASE_URL=database_url, PYTHONPATH=str(REPO), PYTHONIOENCODING="ascii")
    return subprocess.run(
        [SCRAPY, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url, engine, sessions = sqlite_store(tmp_path_factory.mktemp("commands"))
    with sessions.begin() as session:
        run_id = start_run(session, "sources")
        for item, key, role in ITEMS:
            store_document(session, item, run_id=run_id, source_key=key, role=role)
        stats = {
            "start_time": datetime(2024, 9, 4, tzinfo=UTC),
            "downloader/response_count": 17,
            "item_scraped_count": 3,
            "item_dropped_count": 2,
            "manba/drop/no_body": 2,
            "manba/store/created": 3,
            "log_count/ERROR": 0,
        }
        finish_run(session, run_id, "finished", stats)
    engine.dispose()
    return url


def labels_file(tmp_path: Path, articles: list[dict[str, Any]]) -> str:
    path = tmp_path / "labels.json"
    path.write_text(json.dumps({"articles": articles}, ensure_ascii=False), encoding="utf-8")
    return str(path)


def label(item_index: int, **overrides: Any) -> dict[str, Any]:
    item = ITEMS[item_index][0]
    value = {
        "url": item.canonical_url,
        "site": item.site,
        "title": item.title,
        "published_at": item.published_at.isoformat() if item.published_at else None,
    }
    value.update(overrides)
    return value


def test_commands_are_listed(store_url: str) -> None:
    result = scrapy(store_url)
    assert "export" in result.stdout and "summary" in result.stdout and "recluster" in result.stdout


def test_export_writes_json_lines_to_stdout(store_url: str) -> None:
    result = scrapy(store_url, "export")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == len(ITEMS)
    assert "افتتاح" in result.stdout  # UTF-8, not \u escapes, even with an ASCII locale
    urls = {doc["url"] for line in lines for doc in line["documents"]}
    assert urls == {item.canonical_url for item, _, _ in ITEMS}
    ict = next(line for line in lines if line["source"] == "ict")
    assert ict["origin"]["url"] == "https://www.ict.gov.ir/fa/news/1/"


@pytest.mark.parametrize("args", [("-o", "{dir}/docs.csv"), ("--format", "csv", "-o", "{dir}/out/docs.txt")])
def test_export_csv_to_a_file(store_url: str, tmp_path: Path, args: tuple[str, ...]) -> None:
    args = tuple(a.format(dir=tmp_path) for a in args)
    result = scrapy(store_url, "export", *args)
    assert result.returncode == 0, result.stderr
    out = Path(args[-1])
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == len(ITEMS)
    assert {r["url"] for r in rows} == {item.canonical_url for item, _, _ in ITEMS}
    assert "exported 3 documents" in result.stderr
    assert not list(out.parent.glob("*.partial"))


def test_export_jsonl_to_a_file(store_url: str, tmp_path: Path) -> None:
    out = tmp_path / "releases.jsonl"
    result = scrapy(store_url, "export", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(ITEMS)


def test_commands_refuse_a_missing_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nowhere' / 'manba.sqlite3'}"
    for command in ("export", "summary"):
        result = scrapy(url, command)
        assert result.returncode == 2
        assert "no store at" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "nowhere").exists()


def test_commands_refuse_a_store_without_schema(tmp_path: Path) -> None:
    (tmp_path / "empty.sqlite3").touch()
    result = scrapy(f"sqlite:///{tmp_path / 'empty.sqlite3'}", "export")
    assert result.returncode == 2
    assert "no Manba schema" in result.stderr


def test_summary_describes_the_last_run(store_url: str) -> None:
    result = scrapy(store_url, "summary")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "spider sources" in out
    assert "finish reason    finished" in out
    assert "pages fetched    17" in out
    assert "items scraped    3" in out
    assert "items dropped    2 (no_body: 2)" in out
    assert "errors           0" in out
    sites = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.startswith("  i")}
    assert sites["ict"] == ["1", "1"] and sites["isna"] == ["2", "2"]


def test_summary_with_matching_labels_succeeds(store_url: str, tmp_path: Path) -> None:
    result = scrapy(store_url, "summary", "--labels", labels_file(tmp_path, [label(0), label(1), label(2)]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 labelled, 3 stored, 0 missing, 0 with a wrong date" in result.stdout


def test_summary_reports_missing_and_misdated_articles(store_url: str, tmp_path: Path) -> None:
    articles = [
        label(0),
        label(1, published_at="2024-09-03T10:00:00+03:30"),
        {"url": "https://www.isna.ir/news/404/", "site": "isna", "title": "گم‌شده", "published_at": None},
    ]
    result = scrapy(store_url, "summary", "--labels", labels_file(tmp_path, articles))
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "3 labelled, 2 stored, 1 missing, 1 with a wrong date" in out
    assert "isna  https://www.isna.ir/news/404/" in out
    assert "https://www.isna.ir/news/2/  labelled 2024-09-03T10:00:00+03:30" in out


def test_summary_rejects_a_bad_labels_file(store_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "labels.json"
    bad.write_text('{"pages": []}', encoding="utf-8")
    result = scrapy(store_url, "summary", "--labels", str(bad))
    assert result.returncode == 2
    assert result.stderr.startswith(f"scrapy summary: --labels {bad}: cannot read it (")


@pytest.fixture(scope="module")
def linked_store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An origin, a copy linked to it, and a copy whose origin was not found."""
    root = tmp_path_factory.mktemp("linked")
    url = f"sqlite:///{root / 'manba.sqlite3'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    ict = Attribution(name="وزارت ارتباطات", source="ict", kind="ministry", phrase="به نقل از وزارت ارتباطات")
    origin = ITEMS[0][0]
    with make_sessionmaker(engine).begin() as session:
        sync_sources(session, load_registry(write_registry(root / "sources.toml")))
        for n, found in ((2, origin), (3, None)):
            copy = article(n, site="isna", canonical_url=f"https://www.isna.ir/news/{n}/", role="copy")
            copy.attributions, copy.origin, copy.similarity = [ict], found, 0.9
            store_document(session, copy, run_id=None, source_key="isna")
    engine.dispose()
    return url


def copy_label(n: int, chain: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "url": f"https://www.isna.ir/news/{n}/",
        "site": "isna",
        "role": "copy",
        "copy_of": ITEMS[0][0].canonical_url,
        "attribution": chain,
    }


@pytest.mark.parametrize(("minimum", "status"), [(None, 0), ("0.5", 0), ("0.95", 1)])
def test_summary_scores_attribution_and_origin_links(
    linked_store_url: str, tmp_path: Path, minimum: str | None, status: int
) -> None:
    ict = {"source": "ict", "name": "وزارت ارتباطات و فناوری اطلاعات", "kind": "ministry"}
    isna = {"source": "isna", "name": "ایسنا", "kind": "agency"}
    articles = [
        {**label(0), "role": "origin", "copy_of": None, "attribution": []},
        copy_label(2, [ict]),
        copy_label(3, [isna, ict]),
    ]
    args = ["summary", "--labels", labels_file(tmp_path, articles)]
    if minimum is not None:
        args += ["--min-origin-links", minimum]
    result = scrapy(linked_store_url, *args)
    assert result.returncode == status, result.stdout + result.stderr
    assert (
        "attribution   precision 2/2 = 100.0%  recall 2/3 = 66.7%  exact chains 2/3 = 66.7%" in result.stdout
    )
    assert "origin links  1/2 = 50.0%" in result.stdout
    assert ("below --min-origin-links" in result.stdout) is (status == 1)


def test_summary_min_origin_links_needs_labels(store_url: str) -> None:
    result = scrapy(store_url, "summary", "--min-origin-links", "0.9")
    assert result.returncode == 2
    assert "needs --labels" in result.stderr


def test_summary_scores_releases_pairwise(store_url: str, tmp_path: Path) -> None:
    articles = [
        {"url": ITEMS[0][0].canonical_url, "release": "R1"},
        {"url": ITEMS[1][0].canonical_url, "release": "R1"},  # stored apart: a missed pair
        {"url": ITEMS[2][0].canonical_url, "release": None},
    ]
    result = scrapy(store_url, "summary", "--labels", labels_file(tmp_path, articles))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "releases      pairwise precision 0/0 = n/a  recall 0/1 = 0.0%  F1 n/a" in result.stdout


def test_recluster_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'manba.sqlite3'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    release = "\n".join(ITEMS[0][0].body.split("\n") * 1)
    with make_sessionmaker(engine).begin() as session:
        sync_sources(session, load_registry(write_registry(tmp_path / "sources.toml")))
        for item, key, role in ITEMS:
            store_document(session, item, run_id=None, source_key=key, role=role)
        half = article(4, site="isna", canonical_url="https://www.isna.ir/news/4/")
        half.body = release.split("\n")[0] + "\n" + article(5).body
        store_document(session, half, run_id=None, source_key="isna", role="own")
    engine.dispose()
    result = scrapy(url, "recluster")
    assert result.returncode == 0, result.stderr
    assert (
        "reclustered 4 documents at threshold 0.65: 4 releases before, 4 after, 0 documents moved"
        in result.stdout
    )
    # The half copy keeps 0.59 of the release's shingles; the other stories, written from one
    # template over a 45-word vocabulary, align at about 0.55 with each other.
    result = scrapy(url, "recluster", "--threshold", "0.57")
    assert result.returncode == 0, result.stderr
    assert "4 releases before, 3 after, 1 documents moved" in result.stdout
    assert scrapy(url, "recluster", "--threshold", "1.5").returncode == 2
    assert scrapy(f"sqlite:///{tmp_path / 'none.sqlite3'}", "recluster").returncode == 2
