"""Engines and sessions for a store URL (SQLite or PostgreSQL).

SQLite gets what a crawler writing from several processes needs: WAL, foreign keys,
a busy timeout, and real transactions. pysqlite's own transaction handling is
switched off and ``BEGIN IMMEDIATE`` is emitted instead, so SAVEPOINTs work and a
writer takes the write lock up front (waiting up to the busy timeout) rather than
failing half-way when it upgrades a read lock.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_DATABASE_URL = "sqlite:///data/manba.sqlite3"
ENV_VAR = "MANBA_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 30_000


class StoreNotReady(RuntimeError):
    """The store does not exist or has no (current) schema."""


def normalise_url(url: str | URL) -> URL:
    """Parse ``url``; plain ``postgresql://`` (and ``postgres://``) use psycopg 3."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def sqlite_path(url: str | URL) -> Path | None:
    """The file behind a SQLite URL (``None`` for other backends and in-memory databases)."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def database_url_from_env(default: str = DEFAULT_DATABASE_URL) -> str:
    return os.environ.get(ENV_VAR) or default


def make_engine(
    url: str | URL = DEFAULT_DATABASE_URL, *, create_dir: bool = True, reader: bool = False, **kwargs: Any
) -> Engine:
    """An engine for ``url``. With ``create_dir`` the directory of a SQLite file is created.

    A ``reader`` engine is for long read-only work (export): on SQLite its
    transactions are plain deferred ``BEGIN`` (a WAL snapshot that never blocks the
    crawler's writes); on PostgreSQL they run at REPEATABLE READ, also one snapshot.
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(parsed)
        if path is not None and create_dir:
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        engine = create_engine(parsed, **kwargs)
        _configure_sqlite(engine, begin="BEGIN" if reader else "BEGIN IMMEDIATE")
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if reader:
        kwargs.setdefault("isolation_level", "REPEATABLE READ")
    return create_engine(parsed, **kwargs)


def _configure_sqlite(engine: Engine, begin: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite (see module docstring).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if sqlite_path(engine.url) is not None:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
