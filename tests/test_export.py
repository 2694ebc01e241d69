"""The export format (DESIGN §2) produced from a store, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from commands.export import write_csv, write_jsonl
from core.attribution.model import Attribution
from core.items import ArticleItem
from core.registry import load_registry
from storage import export
from storage.db import make_engine, make_sessionmaker
from storage.export import CSV_FIELDS, iter_document_rows, iter_releases
from storage.migrate import upgrade_to_head
from storage.testing import (
    article,
    write_registry,
)
from storage.write import store_document, sync_sources

ROLES = {"origin", "copy", "own"}
LINE_KEYS = {"release_id", "title", "source", "origin", "documents"}
ORIGIN_KEYS = {"url", "site", "title", "published_at"}
DOCUMENT_KEYS = {
    "url", "site", "title", "published_at", "language", "role", "link", "similarity", "text", "attributions",
    "changes", "evidence",
}  # fmt: skip


def iso_or_none(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None


def assert_export_line(line: dict[str, Any]) -> None:
    """The shape of one JSON Lines export line, as DESIGN §2 gives it."""
    assert set(line) == LINE_KEYS
    assert isinstance(line["release_id"], int)
    assert isinstance(line["title"], str) and line["title"]
    assert line["source"] is None or isinstance(line["source"], str)
    origin = line["origin"]
    if origin is not None:
        assert set(origin) == ORIGIN_KEYS
        assert isinstance(origin["url"], str) and isinstance(origin["site"], str)
        assert isinstance(origin["title"], str) and iso_or_none(origin["published_at"])
    assert isinstance(line["documents"], list) and line["documents"]
    for doc in line["documents"]:
        assert set(doc) == DOCUMENT_KEYS
        assert isinstance(doc["url"], str) and isinstance(doc["site"], str)
        assert isinstance(doc["title"], str) and isinstance(doc["text"], str)
        assert iso_or_none(doc["published_at"])
        assert doc["role"] in ROLES
        assert isinstance(doc["language"], str) and len(doc["language"]) == 2
        assert doc["link"] in (("text", "translation") if doc["role"] == "copy" else (None,))
        assert (doc["evidence"] is not None) == (doc["link"] == "translation")
        assert doc["similarity"] is None or isinstance(doc["similarity"], float)
        assert isinstance(doc["attributions"], list)
        for attribution in doc["attributions"]:
            assert {"source", "name", "kind", "phrase"} <= set(attribution)
    if origin is not None:
        assert origin["url"] in {d["url"] for d in line["documents"]}




ITEMS = [
    # (item, source key, role)
    (article(1, site="ict", canonical_url="https://www.ict.gov.ir/fa/news/1/"), "ict", "origin"),
    (article(2, site="isna", canonical_url="https://www.isna.ir/news/2/"), "isna", "own"),
    (
        article(3, site="blog.example.org", canonical_url="https://blog.example.org/3", published_at=None),
        None,
        "own",
    ),
    (article(4, site="ict", canonical_url="https://www.ict.gov.ir/fa/news/4/"), "ict", "origin"),
]


@pytest.fixture
def sessions(database_url: str, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    upgrade_to_head(database_url)
    engine = make_engine(database_url)
    factory = make_sessionmaker(engine)
    with factory.begin() as session:
        sync_sources(session, load_registry(write_registry(tmp_path / "sources.toml")))
        for item, key, role in ITEMS:
            store_document(session, item, run_id=None, source_key=key, role=role)
    yield factory
    engine.dispose()


def test_every_document_is_in_exactly_one_valid_line(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        lines = list(iter_releases(session))
    for line in lines:
        assert_export_line(line)
        json.dumps(line, ensure_ascii=False)  # JSON-safe as is
    urls = [doc["url"] for line in lines for doc in line["documents"]]
    assert sorted(urls) == sorted(item.canonical_url for item, _, _ in ITEMS)
    assert len({line["release_id"] for line in lines}) == len(lines)
    assert [line["release_id"] for line in lines] == sorted(line["release_id"] for line in lines)


def test_values_are_as_stored(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        lines = {line["documents"][0]["url"]: line for line in iter_releases(session)}
    ict = lines["https://www.ict.gov.ir/fa/news/1/"]
    item = ITEMS[0][0]
    assert ict["source"] == "ict"
    assert ict["title"] == item.title
    assert ict["origin"] == {
        "url": item.canonical_url,
        "site": "ict",
        "title": item.title,
        "published_at": item.published_at.isoformat(),  # type: ignore[union-attr]
    }
    doc = ict["documents"][0]
    assert doc["published_at"].endswith("+03:30")
    assert doc["text"] == item.body
    assert (doc["role"], doc["similarity"], doc["attributions"]) == ("origin", None, [])
    isna = lines["https://www.isna.ir/news/2/"]
    assert (isna["source"], isna["origin"], isna["documents"][0]["role"]) == (None, None, "own")
    assert lines["https://blog.example.org/3"]["documents"][0]["published_at"] is None


def test_batches_do_not_lose_or_repeat_releases(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "BATCH_SIZE", 1)
    with sessions() as session:
        lines = list(iter_releases(session))
    assert len(lines) == len(ITEMS)
    assert len({line["release_id"] for line in lines}) == len(ITEMS)


def test_document_rows_for_csv(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        rows = list(iter_document_rows(session))
        lines = list(iter_releases(session))
    assert len(rows) == len(ITEMS)
    for row in rows:
        assert tuple(row) == CSV_FIELDS
        assert json.loads(row["attributions"]) == []
    by_url = {row["url"]: row for row in rows}
    for line in lines:
        for doc in line["documents"]:
            assert by_url[doc["url"]]["release_id"] == line["release_id"]


def test_written_files_round_trip_persian_text(sessions: sessionmaker[Session], database_url: str) -> None:
    out = io.StringIO()
    assert write_jsonl(database_url, out) == len(ITEMS)
    text = out.getvalue()
    assert "افتتاح" in text  # not \u escapes
    for raw in text.splitlines():
        assert_export_line(json.loads(raw))
    out = io.StringIO()
    assert write_csv(database_url, out) == len(ITEMS)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [tuple(r) for r in rows] == [CSV_FIELDS] * len(ITEMS)
    assert {r["text"] for r in rows} == {item.body for item, _, _ in ITEMS}


ICT = Attribution(name="وزارت ارتباطات", source="ict", kind="ministry", phrase="به نقل از وزارت ارتباطات")
ISNA = Attribution(name="ایسنا", source="isna", kind="agency", phrase="به گزارش ایسنا")
UNKNOWN = Attribution(name="شرکت ناشناس", source=None, kind=None, phrase="به نقل از شرکت ناشناس")


def linked_copy(n: int, origin: ArticleItem | None, chain: list[Attribution]) -> ArticleItem:
    return article(
        n,
        site="isna",
        canonical_url=f"https://www.isna.ir/news/{n}/",
        attributions=chain,
        role="copy",
        origin=origin,
        similarity=0.9 if origin is not None else None,
        origin_status="found" if origin is not None else "not_found",
    )


def test_linked_copies_attributions_source_and_origin(sessions: sessionmaker[Session]) -> None:
    origin = ITEMS[0][0]  # already stored as an origin by the fixture
    with sessions.begin() as session:
        for item in (
            linked_copy(10, origin, [ISNA, ICT]),
            linked_copy(11, origin, [ICT]),
            linked_copy(12, None, [UNKNOWN, ICT]),  # origin not found: its own release, source known
            linked_copy(13, None, [UNKNOWN]),  # nothing resolves: source null
        ):
            store_document(session, item, run_id=None, source_key="isna")
    with sessions() as session:
        lines = list(iter_releases(session))
        rows = {row["url"]: row for row in iter_document_rows(session)}
    for line in lines:
        assert_export_line(line)
    urls = [doc["url"] for line in lines for doc in line["documents"]]
    assert len(urls) == len(set(urls)) == len(ITEMS) + 4
    by_url = {doc["url"]: line for line in lines for doc in line["documents"]}
    line = by_url[origin.canonical_url]
    assert line["source"] == "ict"
    assert line["origin"]["url"] == origin.canonical_url
    assert [(d["url"], d["role"]) for d in line["documents"]] == [
        (origin.canonical_url, "origin"),
        ("https://www.isna.ir/news/10/", "copy"),
        ("https://www.isna.ir/news/11/", "copy"),
    ]
    copy = line["documents"][1]
    assert copy["similarity"] == 0.9
    assert copy["attributions"] == [
        {"source": "isna", "name": "ایسنا", "kind": "agency", "phrase": "به گزارش ایسنا"},
        {"source": "ict", "name": "وزارت ارتباطات", "kind": "ministry", "phrase": "به نقل از وزارت ارتباطات"},
    ]
    unlinked = by_url["https://www.isna.ir/news/12/"]
    assert (unlinked["source"], unlinked["origin"], len(unlinked["documents"])) == ("ict", None, 1)
    assert unlinked["documents"][0]["attributions"][0] == UNKNOWN.as_dict()
    assert by_url["https://www.isna.ir/news/13/"]["source"] is None
    # CSV: the chain as JSON, and the release's origin URL.
    assert json.loads(rows["https://www.isna.ir/news/11/"]["attributions"]) == [ICT.as_dict()]
    assert rows["https://www.isna.ir/news/11/"]["origin_url"] == origin.canonical_url
    assert rows[origin.canonical_url]["origin_url"] == origin.canonical_url
    assert rows["https://www.isna.ir/news/12/"]["origin_url"] is None
