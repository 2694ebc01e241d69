"""Counting what a process sends its store (``storage.sqlcount``, for the benchmarks): off by default;
with ``MANBA_SQL_COUNTS_DIR`` every engine counts statements by kind and transactions, into a file per
process."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import sqlcount
from storage.db import make_engine


@pytest.fixture
def counting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    directory = tmp_path / "counts"
    directory.mkdir()
    monkeypatch.setenv(sqlcount.ENV_VAR, str(directory))
    monkeypatch.setattr(sqlcount, "_counts", None)
    yield directory
    monkeypatch.setattr(sqlcount, "_counts", None)


@pytest.mark.parametrize(
    ("statement", "kind"),
    [
        ("SELECT 1", "select"),
        ("  select documents.id FROM documents", "select"),
        ("\n(SELECT a FROM x) UNION (SELECT b FROM y)", "select"),
        ("WITH t AS (SELECT 1) SELECT * FROM t", "select"),
        ("INSERT INTO documents (url) VALUES (%(url)s)", "insert"),
        ("UPDATE documents SET title = 'x'", "update"),
        ("DELETE FROM bands WHERE id = 1", "delete"),
        ("SAVEPOINT sa_savepoint_1", "savepoint"),
        ("RELEASE SAVEPOINT sa_savepoint_1", "savepoint"),
        ("ROLLBACK TO SAVEPOINT sa_savepoint_1", "savepoint"),
        ("SELECT pg_advisory_xact_lock(1)", "select"),
        ("PRAGMA foreign_keys = ON", "other"),
        ("", "other"),
    ],
)
def test_statement_kind(statement: str, kind: str) -> None:
    assert sqlcount.statement_kind(statement) == kind


def test_off_without_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(sqlcount.ENV_VAR, raising=False)
    monkeypatch.setattr(sqlcount, "_counts", None)
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("SELECT 1"))
    engine.dispose()
    assert sqlcount._counts is None
    assert sqlcount.process_counts() is None


def test_an_engine_counts_into_its_process_file(counting: Path, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (a INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
        connection.execute(text("INSERT INTO t VALUES (2)"))
    with engine.connect() as connection:
        connection.execute(text("SELECT a FROM t"))
    engine.dispose()
    counts = sqlcount.process_counts()
    assert counts is not None
    counts.write()  # as at exit
    written = json.loads((counting / f"{os.getpid()}.json").read_text(encoding="utf-8"))
    # SQLite's own set-up statements (PRAGMA, BEGIN IMMEDIATE) are sent through the cursor too.
    assert written["insert"] == 2
    assert written["select"] == 1
    assert written["commits"] == 1
    assert written["rollbacks"] == 1  # the second connection closed without committing
    assert written["begins"] == 2
    assert written["checkouts"] == 2
    assert written["connects"] == 1
    assert sqlcount.read_counts(counting) == {os.getpid(): written}


def test_counts_from_every_engine_of_the_process_add_up(counting: Path, tmp_path: Path) -> None:
    engines = [make_engine(f"sqlite:///{tmp_path / f'store-{n}.sqlite3'}") for n in range(2)]
    for engine in engines:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    counts = sqlcount.process_counts()
    assert counts is not None
    assert counts.counts["select"] == 2
    assert counts.counts["connects"] == 2


def test_read_counts_skips_files_not_its_own(counting: Path) -> None:
    (counting / "123.json").write_text('{"select": 3}', encoding="utf-8")
    (counting / "124.json").write_text('{"sel', encoding="utf-8")  # being replaced
    (counting / "notes.json").write_text("{}", encoding="utf-8")
    assert sqlcount.read_counts(counting) == {123: {"select": 3}}
