"""The store: schema, migrations, idempotent writes, crawl runs (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.registry import load_registry
from storage import write
from storage.db import DEFAULT_DATABASE_URL, make_engine, make_sessionmaker, normalise_url, sqlite_path
from storage.migrate import check_ready, current_revision, head_revision, upgrade_to_head
from storage.models import CrawlRun, Document, Release, Source
from storage.runs import finish_run, start_run
from storage.testing import (
    TEHRAN,
    article,
    write_registry,
)
from storage.write import StoreResult, store_document, sync_sources

REPO = Path(__file__).resolve().parents[1]
ALEMBIC = str(Path(sys.executable).with_name("alembic"))


# Stores: the database_url / engine / sessions fixtures in conftest.py (SQLite and PostgreSQL).


def count(sessions: sessionmaker[Session], model: type[Document] | type[Release]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def store(sessions: sessionmaker[Session], item=None, **kwargs) -> StoreResult:  # type: ignore[no-untyped-def]
    options = {"run_id": None, "source_key": None, "role": "own", **kwargs}
    with sessions.begin() as session:
        return store_document(session, item or article(), **options).result


# --- engine and URLs ------------------------------------------------------------------------


def test_postgresql_urls_use_psycopg() -> None:
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("sqlite:///data/manba.sqlite3").drivername == "sqlite"


def test_sqlite_engine_refuses_a_missing_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A mistyped path is not a new directory tree; only the default store's data/ is created."""
    from storage.db import StoreNotReady

    url = f"sqlite:///{tmp_path / 'a' / 'b' / 'manba.sqlite3'}"
    with pytest.raises(StoreNotReady, match=r"the directory .*a/b does not exist"):
        make_engine(url)
    assert not (tmp_path / "a").exists()
    monkeypatch.chdir(tmp_path)
    make_engine(DEFAULT_DATABASE_URL).dispose()
    assert (tmp_path / "data").is_dir()


def test_sqlite_engine_sets_pragmas(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a' / 'b' / 'manba.sqlite3'}"
    (tmp_path / "a" / "b").mkdir(parents=True)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    finally:
        engine.dispose()
    assert (tmp_path / "a" / "b").is_dir()
    assert sqlite_path(url) == tmp_path / "a" / "b" / "manba.sqlite3"
    assert sqlite_path("sqlite://") is None


# --- migrations -----------------------------------------------------------------------------


def test_upgrade_to_head_creates_the_schema_and_is_repeatable(database_url: str) -> None:
    upgrade_to_head(database_url)
    upgrade_to_head(database_url)
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) == head_revision()
        tables = set(inspect(engine).get_table_names())
        assert {"sources", "releases", "documents", "attributions", "crawl_runs", "alembic_version"} <= tables
        check_ready(engine)
    finally:
        engine.dispose()


def test_concurrent_upgrades_of_a_fresh_store(database_url: str) -> None:
    """Several crawler processes opening the same new store at once."""
    code = "import sys; from storage.migrate import upgrade_to_head; upgrade_to_head(sys.argv[1])"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, database_url],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_alembic_command_line_upgrade_and_check(database_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MANBA_")}
    env["MANBA_DATABASE_URL"] = database_url
    for args in (["upgrade", "head"], ["check"], ["downgrade", "base"], ["upgrade", "head"], ["check"]):
        result = subprocess.run(
            [ALEMBIC, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert result.returncode == 0, (args, result.stdout, result.stderr)
    assert "No new upgrade operations detected" in result.stdout


def test_check_ready_refuses_missing_and_empty_stores(tmp_path: Path) -> None:
    from storage.db import StoreNotReady

    missing = make_engine(f"sqlite:///{tmp_path / 'nope' / 'x.sqlite3'}", create_dir=False)
    with pytest.raises(StoreNotReady, match="no store"):
        check_ready(missing)
    assert not (tmp_path / "nope").exists()
    (tmp_path / "empty.sqlite3").touch()
    empty = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with pytest.raises(StoreNotReady, match="no Manba schema"):
        check_ready(empty)
    missing.dispose()
    empty.dispose()


# --- store_document -------------------------------------------------------------------------


def test_same_item_twice_is_one_row(sessions: sessionmaker[Session]) -> None:
    assert store(sessions) is StoreResult.CREATED
    with sessions() as session:
        before = session.scalars(select(Document)).one()
        snapshot = {c.key: getattr(before, c.key) for c in inspect(Document).column_attrs}
    assert store(sessions, run_id=None) is StoreResult.UNCHANGED
    with sessions() as session:
        after = session.scalars(select(Document)).one()
        assert {c.key: getattr(after, c.key) for c in inspect(Document).column_attrs} == snapshot
    assert count(sessions, Document) == 1
    assert count(sessions, Release) == 1


def test_a_new_raw_page_with_the_same_content_is_unchanged(sessions: sessionmaker[Session]) -> None:
    store(sessions)
    later = article(raw_hash="f" * 64, fetched_at=datetime(2024, 9, 5, tzinfo=UTC), url="https://x.ir/a")
    assert store(sessions, later) is StoreResult.UNCHANGED


@pytest.mark.parametrize(
    "change",
    [
        {"body": article().body + "\nبند تازه‌ای که بعداً به خبر افزوده شد."},
        {"title": "عنوان اصلاح‌شده"},
        {"published_at": datetime(2024, 9, 3, 11, 0, tzinfo=TEHRAN)},
        {"published_at": None},
    ],
)
def test_changed_content_is_updated(sessions: sessionmaker[Session], change: dict[str, Any]) -> None:
    store(sessions)
    with sessions.begin() as session:
        run_id = start_run(session, "test")
    changed = article(**change, raw_hash="e" * 64)
    assert store(sessions, changed, run_id=run_id) is StoreResult.UPDATED
    with sessions() as session:
        doc = session.scalars(select(Document)).one()
        assert (doc.title, doc.body, doc.published_at) == (
            changed.title,
            changed.body,
            changed.published_at,
        )
        assert doc.raw_hash == "e" * 64
        assert doc.crawl_run_id == run_id
        assert doc.updated_at >= doc.created_at
        release = session.get(Release, doc.release_id)
        assert release is not None
        assert (release.title, release.text) == (changed.title, changed.body)
    assert count(sessions, Document) == 1
    assert count(sessions, Release) == 1
    assert store(sessions, changed, run_id=run_id) is StoreResult.UNCHANGED


def test_each_new_document_gets_its_own_release(sessions: sessionmaker[Session]) -> None:
    for n in range(1, 4):
        assert store(sessions, article(n)) is StoreResult.CREATED
    with sessions() as session:
        release_ids = session.scalars(select(Document.release_id)).all()
    assert len(set(release_ids)) == 3
    assert count(sessions, Release) == 3


def test_an_origin_document_is_its_release_origin(sessions: sessionmaker[Session]) -> None:
    item = article(7, site="ict", canonical_url="https://www.ict.gov.ir/fa/news/7/")
    assert store(sessions, item, source_key="ict", role="origin") is StoreResult.CREATED
    with sessions() as session:
        doc = session.scalars(select(Document)).one()
        release = session.get(Release, doc.release_id)
        source = session.scalars(select(Source).where(Source.key == "ict")).one()
        assert release is not None
        assert release.origin_document_id == doc.id
        assert release.source_id == source.id == doc.source_id
        assert doc.role == "origin"


def test_dates_come_back_aware_in_utc_and_in_the_pages_offset(sessions: sessionmaker[Session]) -> None:
    item = article()
    store(sessions, item)
    with sessions() as session:
        doc = session.scalars(select(Document)).one()
        assert doc.published_at is not None and doc.published_at.utcoffset() == timedelta(0)
        assert doc.published_at == item.published_at
        local = doc.published_local()
        assert local is not None and local.utcoffset() == timedelta(hours=3, minutes=30)
        assert item.published_at is not None
        assert local.isoformat() == item.published_at.isoformat()
        assert doc.fetched_at.tzinfo is not None and doc.first_seen_at.tzinfo is not None


def test_naive_dates_are_refused(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(ValueError, match="naive"):
        store(sessions, article(published_at=datetime(2024, 9, 3, 10, 20)))
    assert count(sessions, Document) == 0


def test_unknown_source_key_and_role_are_errors(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(LookupError, match="nosuch"):
        store(sessions, source_key="nosuch")
    with pytest.raises(ValueError, match="role"):
        store(sessions, role="mirror")


def test_insert_race_is_answered_by_rereading(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer stored the URL between our lookup and our insert (simulated)."""
    store(sessions)
    real_find = write.find_document
    calls = {"n": 0}

    def stale_find(session: Session, canonical_url: str) -> Document | None:
        calls["n"] += 1
        return None if calls["n"] == 1 else real_find(session, canonical_url)

    monkeypatch.setattr(write, "find_document", stale_find)
    with sessions.begin() as session:
        assert store_document(session, article(), role="own").result == "unchanged"
        # The outer transaction survived the failed SAVEPOINT and can go on writing.
        assert store_document(session, article(2), role="own").result == "created"
    assert calls["n"] == 3
    assert count(sessions, Document) == 2
    assert count(sessions, Release) == 2  # the losing insert's release was rolled back with it


def test_other_integrity_errors_propagate(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write, "source_id_for", lambda session, key: 10_000)  # no such source row
    with pytest.raises(IntegrityError):
        store(sessions, source_key="ict")
    assert count(sessions, Document) == 0


def test_concurrent_writers_on_postgresql(database_url: str, engine: Engine) -> None:
    """A real race: session B commits the URL after session A looked it up."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): the race cannot happen there")
    factory = make_sessionmaker(engine)
    with factory.begin() as a:
        assert write.find_document(a, article().canonical_url) is None
        with factory.begin() as b:
            assert store_document(b, article(), role="own").result == "created"
        # A now inserts and hits the unique constraint; it re-reads B's committed row.
        assert store_document(a, article(), role="own").result == "unchanged"
    assert count(factory, Document) == 1


# --- sources and crawl runs -----------------------------------------------------------------


def test_sync_sources_is_idempotent_and_follows_the_registry(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "sources.toml"
    registry = load_registry(write_registry(path))
    with sessions.begin() as session:
        sync_sources(session, registry)
    with sessions() as session:
        rows = {s.key: s for s in session.scalars(select(Source))}
    assert set(rows) == {"ict", "isna", "example"}
    assert rows["ict"].kind == "ministry"
    assert rows["isna"].names == ["ایسنا", "خبرگزاری دانشجویان ایران"]
    assert rows["ict"].hosts == ["ict.gov.ir"]
    path.write_text(path.read_text(encoding="utf-8").replace('"isna.ir"', '"isna.ir", "isna.news"'), "utf-8")
    with sessions.begin() as session:
        sync_sources(session, load_registry(path))
    with sessions() as session:
        isna = session.scalars(select(Source).where(Source.key == "isna")).one()
        assert isna.hosts == ["isna.ir", "isna.news"]
        assert session.scalar(select(func.count()).select_from(Source)) == 3


def test_crawl_run_records_json_safe_stats(sessions: sessionmaker[Session]) -> None:
    started = datetime(2024, 9, 3, 7, 0, tzinfo=UTC)
    with sessions.begin() as session:
        run_id = start_run(session, "sources")
    with sessions() as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None and run.status == "running" and run.finished_at is None
    stats = {
        "start_time": started,
        "downloader/response_count": 12,
        "item_scraped_count": 9,
        "item_dropped_count": 2,
        "manba/store/created": 7,
        "manba/store/updated": 1,
        "manba/store/unchanged": 1,
        "log_count/ERROR": 1,
        "odd": {1, 2},
        "tz": UTC,
    }
    with sessions.begin() as session:
        finish_run(session, run_id, "finished", stats)
    with sessions() as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None
        assert (run.status, run.finish_reason) == ("finished", "finished")
        assert run.finished_at is not None and run.finished_at.tzinfo is not None
        assert run.stats is not None and run.stats["start_time"] == started.isoformat()
        assert sorted(run.stats["odd"]) == [1, 2]
        assert (run.items_scraped, run.items_dropped, run.errors) == (9, 2, 1)
        assert (run.documents_created, run.documents_updated, run.documents_unchanged) == (7, 1, 1)


def test_documents_block_deleting_their_release(sessions: sessionmaker[Session]) -> None:
    store(sessions)
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.execute(text("DELETE FROM releases"))


def test_remembered_source_ids_do_not_outlive_a_rolled_back_insert(sessions: sessionmaker[Session]) -> None:
    """Source ids are remembered on the connection across transactions, except what a
    transaction that rolled back (or its savepoint) found: it may have found its own insert."""
    with sessions() as session, session.begin():
        session.add(Source(key="ephemeral", kind="outlet", names=["گذرا"], hosts=["ephemeral.test"]))
        session.flush()
        assert write.source_id_for(session, "ephemeral") is not None
        session.rollback()
    with sessions() as session, session.begin(), pytest.raises(LookupError, match="ephemeral"):
        write.source_id_for(session, "ephemeral")
    with sessions() as session, session.begin():
        with session.begin_nested() as savepoint:
            session.add(Source(key="nested", kind="outlet", names=["تو"], hosts=["nested.test"]))
            session.flush()
            assert write.source_id_for(session, "nested") is not None
            savepoint.rollback()
        with pytest.raises(LookupError, match="nested"):
            write.source_id_for(session, "nested")
    with sessions() as session, session.begin():
        known = write.source_id_for(session, "ict")
    with sessions() as session, session.begin():
        assert write.source_id_for(session, "ict") == known
