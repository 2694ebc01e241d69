"""Helpers for tests that need a store: throw-away SQLite files and PostgreSQL databases.

PostgreSQL is used when ``MANBA_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``) accepts connections; each test
session gets its own database (dropped at the end) and each test its own schema.
"""

from __future__ import annotations

import functools
import os
import random
import sqlite3
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.items import ArticleItem
from storage.db import make_engine, normalise_url

POSTGRES_ENV = "MANBA_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
TEHRAN = timezone(timedelta(hours=3, minutes=30))


def postgres_admin_url() -> URL:
    return normalise_url(os.environ.get(POSTGRES_ENV) or DEFAULT_POSTGRES_URL)


def postgres_available(url: URL | None = None) -> bool:
    engine = make_engine(url or postgres_admin_url(), connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


@contextmanager
def temporary_postgres_database(admin_url: URL | None = None, template: str | None = None) -> Iterator[URL]:
    """A new database on the server of ``admin_url``, dropped afterwards: empty, or a copy of the
    database ``template`` (which must have no open connection)."""
    admin_url = admin_url or postgres_admin_url()
    name = f"manba_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        yield admin_url.set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_schema_url(database_url: URL) -> URL:
    """A new schema in ``database_url``'s database, and a URL whose connections use it."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = make_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        engine.dispose()
    return database_url.update_query_dict({"options": f"-csearch_path={schema}"})


def url_string(url: URL | str) -> str:
    return url if isinstance(url, str) else url.render_as_string(hide_password=False)


_VOCABULARY = (  # noqa: SIM905
    "شبکه ملی اطلاعات فیبر نوری روستا استان پهنای باند اینترنت سامانه دولت هوشمند مشترکان اپراتور "
    "همراه ثابت پستی ماهواره داده مرکز امنیت سایبری بودجه پیمانکار نمایشگاه دانشگاه پژوهش نوآوری "
    "استارتاپ صادرات نرم‌افزار سخت‌افزار تعرفه پوشش دکل نسل پنجم قرارداد آموزش مهارت کارآفرینی"
).split()


def story(n: int) -> str:
    """A body of two paragraphs whose words depend on ``n``: two values of ``n`` are different
    stories for the syndication stage, not copies."""
    rng = random.Random(n)
    first = " ".join(rng.sample(_VOCABULARY, 14))
    second = " ".join(rng.sample(_VOCABULARY, 16))
    return (
        f"به گزارش خبرنگار ما، طرح شمارهٔ {n} توسعهٔ {first} امروز افتتاح شد.\n"
        f"وزیر ارتباطات در این مراسم گفت {second} را بهبود می‌دهد."
    )


def article(n: int = 1, **overrides: Any) -> ArticleItem:
    """A plausible ArticleItem; ``n`` varies the URL, title and body (a different story per ``n``)."""
    values: dict[str, Any] = {
        "url": f"https://www.example-news.ir/fa/news/{n}/?utm_source=feed",
        "canonical_url": f"https://www.example-news.ir/fa/news/{n}/",
        "site": "example.ir",
        "title": f"خبر شمارهٔ {n}: افتتاح طرح‌های ارتباطی",
        "body": story(n),
        "published_at": datetime(2024, 9, 3, 10, 20, tzinfo=TEHRAN) + timedelta(minutes=n),
        "raw_hash": f"{n:064x}",
        "fetched_at": datetime(2024, 9, 4, 8, 0, tzinfo=UTC),
        "extractor": "generic",
        "author": None,
        "lang": "fa",
    }
    values.update(overrides)
    return ArticleItem(**values)


REGISTRY_TOML = """
[sources.ict]
kind = "ministry"
names = ["وزارت ارتباطات و فناوری اطلاعات", "وزارت ارتباطات"]
hosts = ["ict.gov.ir"]

[sources.isna]
kind = "agency"
names = ["ایسنا", "خبرگزاری دانشجویان ایران"]
hosts = ["isna.ir"]

[sources.example]
kind = "outlet"
names = ["نمونه"]
hosts = ["example-news.ir"]
"""


def write_registry(path: os.PathLike[str] | str) -> str:
    """A small registry (ict: ministry, isna: agency, example: outlet) written to ``path``."""
    with open(path, "w", encoding="utf-8") as out:
        out.write(REGISTRY_TOML)
    return str(path)


def store_items(sessions: sessionmaker[Session], items: Iterable[tuple[ArticleItem, str | None]]) -> None:
    """Store ``(item, source key)`` pairs in one transaction, as a crawl without a run would."""
    from storage.write import store_document

    with sessions.begin() as session:
        for item, key in items:
            store_document(session, item, run_id=None, source_key=key)


_TEMPLATES: list[tempfile.TemporaryDirectory[str]] = []


@functools.cache
def _migrated_sqlite() -> Path:
    """A SQLite store migrated once per process (removed at exit): :func:`sqlite_store` copies it."""
    from storage.migrate import upgrade_to_head

    directory = tempfile.TemporaryDirectory(prefix="manba-template-")
    _TEMPLATES.append(directory)
    path = Path(directory.name) / "manba.sqlite3"
    upgrade_to_head(f"sqlite:///{path}")
    return path


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy the SQLite store ``source`` to ``target`` (its directory is created)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as reader, closing(sqlite3.connect(target)) as writer:
        reader.backup(writer)


def sqlite_store(root: Path) -> tuple[str, Engine, sessionmaker[Session]]:
    """A migrated SQLite store in ``root`` whose sources table holds the small registry of
    :func:`write_registry`: its URL, engine (the caller disposes of it) and sessions. The schema is
    a copy of one migrated once per process."""
    from core.registry import load_registry
    from storage.db import make_sessionmaker
    from storage.write import sync_sources

    path = root / "manba.sqlite3"
    copy_sqlite(_migrated_sqlite(), path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        sync_sources(session, load_registry(write_registry(root / "sources.toml")))
    return url, engine, sessions
