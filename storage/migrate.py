"""Bring a store's schema to the latest Alembic revision from Python.

The crawl calls :func:`upgrade_to_head` when it opens, so a fresh database just
works. The migrations run in one transaction that takes SQLite's write lock
(PostgreSQL: an advisory lock) before reading the current revision, so processes
starting together queue up and the later ones find nothing left to do.
"""

from __future__ import annotations

import functools
import tempfile
import threading
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL

from storage.db import StoreNotReady, make_engine, shown, sqlite_path

# Alembic's ``context``/``op`` are process-wide proxies: one migration at a time per process.
_LOCK = threading.Lock()
# Kept for the life of the process; each removes its directory at exit.
_EXTRACTED: list[tempfile.TemporaryDirectory[str]] = []


def _copy_tree(source: Traversable, target: Path) -> None:
    target.mkdir(exist_ok=True)
    for entry in source.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                _copy_tree(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())


@functools.cache
def migrations_dir() -> Path:
    """The directory of Alembic scripts, which Alembic can only read from the file system.

    Under scrapyd the package runs from a zipped egg: the scripts are then copied out once per
    process into a temporary directory.
    """
    scripts = resources.files("migrations")
    if isinstance(scripts, Path):
        return scripts
    extracted = tempfile.TemporaryDirectory(prefix="manba-migrations-")
    _EXTRACTED.append(extracted)
    _copy_tree(scripts, Path(extracted.name))
    return Path(extracted.name)


def alembic_config() -> Config:
    """An Alembic config for Manba's migrations that does not touch logging."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["configure_logger"] = False
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_engine(engine: Engine) -> None:
    config = alembic_config()
    with _LOCK, engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def upgrade_to_head(url: str | URL) -> None:
    """Create or upgrade the schema at ``url``; a no-op when it is already current."""
    engine = make_engine(url)
    try:
        upgrade_engine(engine)
    finally:
        engine.dispose()


def check_ready(engine: Engine) -> None:
    """Raise :class:`StoreNotReady` unless the store exists and its schema is current.

    For readers (export, summary), which must neither create a database nor
    migrate one behind the crawler's back.
    """
    path = sqlite_path(engine.url)
    if path is not None and not path.exists():
        raise StoreNotReady(
            f"no store at {path}: run a crawl first, or point MANBA_DATABASE_URL at an existing store"
        )
    url = shown(engine.url)
    with engine.connect() as connection:
        if not inspect(connection).has_table("documents"):
            raise StoreNotReady(
                f"the store at {url} has no Manba schema: run a crawl or `.venv/bin/alembic upgrade head`"
            )
        current = MigrationContext.configure(connection).get_current_revision()
    head = head_revision()
    if current != head:
        raise StoreNotReady(
            f"the store at {url} is at schema revision {current}, this code expects {head}: "
            "run `.venv/bin/alembic upgrade head`"
        )
