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

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from storage import sqlcount

DEFAULT_DATABASE_URL = "sqlite:///data/manba.sqlite3"
ENV_VAR = "MANBA_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 30_000
REACH_TIMEOUT_SECONDS = 5
"""How long :func:`check_reachable` waits for a PostgreSQL server before saying it cannot reach it."""


class StoreNotReady(RuntimeError):
    """The store does not exist (nor the directory a SQLite store would go in) or has no (current)
    schema."""


class StoreUnreachable(RuntimeError):
    """No connection to the store's server; the message says which store and why."""


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


def shown(url: str | URL) -> str:
    """The URL as the user may see it: without its password."""
    return (make_url(url) if isinstance(url, str) else url).render_as_string(hide_password=True)


def _is_default_directory(directory: Path) -> bool:
    default = sqlite_path(DEFAULT_DATABASE_URL)
    assert default is not None
    return directory.resolve() == default.parent.resolve()


def check_sqlite_directory(url: str | URL) -> None:
    """Raise :class:`StoreNotReady` when the directory of a SQLite store is missing.

    A mistyped path must not become a new directory tree holding a new, empty store: only the
    default store's ``data/`` directory (under where scrapy runs) is created for the user."""
    path = sqlite_path(url)
    if path is None or path.parent.is_dir() or _is_default_directory(path.parent):
        return
    raise StoreNotReady(
        f"MANBA_DATABASE_URL={shown(url)}: the directory {path.parent} does not exist; "
        f"create it (mkdir -p {path.parent}) or point MANBA_DATABASE_URL at an existing directory"
    )


def check_reachable(url: str | URL, timeout: float = REACH_TIMEOUT_SECONDS) -> None:
    """Connect to the store's server once, waiting at most ``timeout`` seconds.

    Raises :class:`StoreUnreachable` (no server, refused, wrong credentials, no such database) or,
    for SQLite, :class:`StoreNotReady` when the file's directory is missing; a SQLite file itself
    is not created here."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        check_sqlite_directory(url)
        return
    engine = create_engine(parsed, poolclass=NullPool, connect_args={"connect_timeout": max(1, int(timeout))})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        said = str(exc.orig or exc).strip()
        reason = said.splitlines()[0] if said else "no answer"
        raise StoreUnreachable(
            f"cannot connect to the store MANBA_DATABASE_URL={shown(url)} ({reason}): start the "
            "database server, or point MANBA_DATABASE_URL at a reachable one"
        ) from exc
    finally:
        engine.dispose()


def database_url_from_env(default: str = DEFAULT_DATABASE_URL) -> str:
    return os.environ.get(ENV_VAR) or default


def make_engine(
    url: str | URL = DEFAULT_DATABASE_URL, *, create_dir: bool = True, reader: bool = False, **kwargs: Any
) -> Engine:
    """An engine for ``url``. With ``create_dir`` a SQLite file's directory is checked: the
    default store's ``data/`` directory is created, any other missing one raises
    :class:`StoreNotReady` (:func:`check_sqlite_directory`); readers pass ``False`` and check the
    file itself.

    A ``reader`` engine is for long read-only work (export): on SQLite its
    transactions are plain deferred ``BEGIN`` (a WAL snapshot that never blocks the
    crawler's writes); on PostgreSQL they run at REPEATABLE READ, also one snapshot.
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(parsed)
        if path is not None and create_dir:
            check_sqlite_directory(url)
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        engine = create_engine(parsed, **kwargs)
        _configure_sqlite(engine, begin="BEGIN" if reader else "BEGIN IMMEDIATE")
    else:
        kwargs.setdefault("pool_pre_ping", True)
        if reader:
            kwargs.setdefault("isolation_level", "REPEATABLE READ")
        engine = create_engine(parsed, **kwargs)
    sqlcount.count(engine)  # only with MANBA_SQL_COUNTS_DIR set (the benchmarks)
    return engine


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
