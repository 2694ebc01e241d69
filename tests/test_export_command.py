"""`scrapy export` with Scrapy's feed options and the report's filters, run as a user runs it."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.text.dates import TEHRAN
from storage.models import Document
from storage.testing import article, sqlite_store
from storage.write import store_document
from tests.test_commands import scrapy

ITEMS = [  # three releases: an ICT release and two ISNA stories, a month apart
    (article(1, site="ict", published_at=datetime(2024, 9, 3, 10, tzinfo=TEHRAN)), "ict", "origin"),
    (article(2, site="isna", published_at=datetime(2024, 10, 7, 10, 45, tzinfo=TEHRAN)), "isna", "own"),
    (article(3, site="isna", published_at=datetime(2024, 11, 1, 9, tzinfo=TEHRAN)), "isna", "own"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, int]]:
    """The store's URL and each document's release id by URL."""
    url, engine, sessions = sqlite_store(tmp_path_factory.mktemp("export"))
    with sessions.begin() as session:
        for item, key, role in ITEMS:
            store_document(session, item, run_id=None, source_key=key, role=role)
        releases = dict(session.execute(select(Document.url, Document.release_id)).tuples().all())
    engine.dispose()
    return url, releases


def urls_in(lines: list[dict[str, Any]]) -> list[str]:
    return [doc["url"] for line in lines for doc in line["documents"]]


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def refused(result: object, *words: str) -> None:
    assert result.returncode == 2, result.stderr  # type: ignore[attr-defined]
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith("scrapy export: "), lines
    assert all(word in lines[0] for word in words), lines[0]


def test_lowercase_o_appends_and_capital_o_overwrites_json_lines(
    store: tuple[str, dict[str, int]], tmp_path: Path
) -> None:
    url, _ = store
    out = tmp_path / "releases.jsonl"
    assert scrapy(url, "export", "-o", str(out)).returncode == 0
    result = scrapy(url, "export", "-o", str(out))
    assert result.returncode == 0 and "appended 3 releases" in result.stderr
    assert len(jsonl(out)) == 6
    assert scrapy(url, "export", "-O", str(out)).returncode == 0
    assert len(jsonl(out)) == 3


def test_appending_csv_keeps_one_header(store: tuple[str, dict[str, int]], tmp_path: Path) -> None:
    url, _ = store
    out = tmp_path / "documents.csv"
    assert scrapy(url, "export", "-O", str(out), "--bom").returncode == 0
    assert scrapy(url, "export", "-o", str(out), "--bom").returncode == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("\ufeff") == 1 and text.count("release_id,") == 1
    assert len(list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))) == 6


def test_appending_to_a_csv_of_other_columns_is_refused(
    store: tuple[str, dict[str, int]], tmp_path: Path
) -> None:
    out = tmp_path / "other.csv"
    out.write_bytes(b"name,score\r\nx,1\r\n")
    refused(scrapy(store[0], "export", "-o", str(out)), "other columns", "-O")
    assert out.read_bytes() == b"name,score\r\nx,1\r\n"


def test_json_is_one_array_and_is_never_appended_to(
    store: tuple[str, dict[str, int]], tmp_path: Path
) -> None:
    url, _ = store
    out = tmp_path / "releases.json"
    assert scrapy(url, "export", "-o", str(out)).returncode == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 3
    refused(scrapy(url, "export", "-o", str(out)), "invalid JSON", "-O", ".jsonl")
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 3
    assert scrapy(url, "export", "-O", str(out)).returncode == 0
    stdout = scrapy(url, "export", "--format", "json").stdout
    assert len(json.loads(stdout)) == 3


def test_the_format_comes_from_the_name_or_is_refused(
    store: tuple[str, dict[str, int]], tmp_path: Path
) -> None:
    url, _ = store
    refused(scrapy(url, "export", "-O", str(tmp_path / "out.txt")), "cannot tell the format", ":jsonl")
    assert not (tmp_path / "out.txt").exists()
    assert scrapy(url, "export", "-O", f"{tmp_path / 'out.txt'}:csv").returncode == 0
    assert (tmp_path / "out.txt").read_text(encoding="utf-8").startswith("release_id,")
    refused(
        scrapy(url, "export", "-o", str(tmp_path / "a.jsonl"), "-O", str(tmp_path / "b.jsonl")), "not both"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--source", "ict"), [1]),
        (("--source", "isna"), []),  # the release's source: ISNA's own stories have none
        (("--since", "1403-07-16"), [2, 3]),  # Jalali: 7 October 2024
        (("--since", "2024-10-01", "--until", "2024-10-31"), [2]),
        (("--until", "2024-09-03"), [1]),
        (("--since", "2024-10-08", "--until", "۱۴۰۳-۰۸-۱۵"), [3]),  # Persian digits: 5 November
    ],
)
def test_filters_choose_releases_as_the_report_does(
    store: tuple[str, dict[str, int]], args: tuple[str, ...], expected: list[int]
) -> None:
    url, _ = store
    result = scrapy(url, "export", *args)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert urls_in(lines) == [ITEMS[n - 1][0].canonical_url for n in expected]


def test_release_filter_in_both_formats(store: tuple[str, dict[str, int]], tmp_path: Path) -> None:
    url, releases = store
    wanted = releases[ITEMS[1][0].url]
    result = scrapy(url, "export", "--release", str(wanted))
    assert [json.loads(line)["release_id"] for line in result.stdout.splitlines()] == [wanted]
    out = tmp_path / "one.csv"
    assert scrapy(url, "export", "-O", str(out), "--release", str(wanted)).returncode == 0
    assert [row["release_id"] for row in csv.DictReader(out.open(encoding="utf-8"))] == [str(wanted)]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--source", "nope"), ("--source nope: no such source", "registry key")),
        (("--release", "999999"), ("--release 999999: no such release", "release id")),
        (("--since", "2024-10-02", "--until", "2024-10-01"), ("--since is after --until",)),
        (("--format", "jsonl", "--bom"), ("--bom is for CSV",)),
    ],
)
def test_mistakes_get_one_line_and_exit_2(
    store: tuple[str, dict[str, int]], args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    refused(scrapy(store[0], "export", *args), *words)
