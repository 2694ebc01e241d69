"""PostgreSQL stopped for ten seconds in the middle of a crawl: items wait, and every one is stored
once the database is back — none lost, none twice."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from storage.db import make_engine, make_sessionmaker
from storage.models import Document
from storage.testing import postgres_schema_url, url_string
from tests.conftest import REPO, SCRAPY, ServeWeb, scrapy_env, skip_without

pytestmark = pytest.mark.crawl

OUTAGE_SECONDS = 10


def cluster() -> list[str]:
    """``pg_ctlcluster`` arguments of the local cluster (skip when it is not ours to stop)."""
    if shutil.which("pg_ctlcluster") is None or not Path("/etc/postgresql").is_dir():
        skip_without("A local PostgreSQL cluster", "no pg_ctlcluster or /etc/postgresql to stop it with")
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir())
    if not versions:
        skip_without("A local PostgreSQL cluster", "none is configured in /etc/postgresql")
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main"]


def pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"], check=False).returncode == 0


@pytest.fixture
def restartable_postgres(postgres_database: URL) -> Iterator[list[str]]:
    command = cluster()
    yield command
    if not pg_ready():  # never leave the suite without its database
        subprocess.run([*command, "start"], check=False)


def document_count(url: str) -> int:
    try:
        engine = make_engine(url)
        try:
            with make_sessionmaker(engine)() as session:
                return session.scalar(select(func.count()).select_from(Document)) or 0
        finally:
            engine.dispose()
    except Exception:  # schema not created yet, or the database is down
        return -1


@pytest.mark.serial  # stops the PostgreSQL every other test uses: runs alone (Makefile)
def test_items_wait_out_a_database_outage_and_are_all_stored(
    served_web: ServeWeb, postgres_database: URL, restartable_postgres: list[str], tmp_path: Path
) -> None:
    web, _ = served_web()
    url = url_string(postgres_schema_url(postgres_database))
    env = scrapy_env(url, web.registry_path)
    log = tmp_path / "crawl.log"
    with log.open("w") as out:
        crawl = subprocess.Popen(
            [SCRAPY, "crawl", "sources", "-s", "LOG_LEVEL=INFO"], cwd=REPO, env=env, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 120
        while document_count(url) < 40 and crawl.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert crawl.poll() is None, "the crawl ended before the outage"
        before = document_count(url)
        subprocess.run([*restartable_postgres, "stop", "-m", "fast"], check=True)
        assert not pg_ready()
        time.sleep(OUTAGE_SECONDS)
        during = crawl.poll()
        subprocess.run([*restartable_postgres, "start"], check=True)
        assert crawl.wait(timeout=300) == 0
    finally:
        if crawl.poll() is None:
            crawl.kill()
    text = log.read_text(encoding="utf-8")
    print(f"outage after {before} documents; crawl still running during it: {during is None}")
    assert during is None, "the crawl gave up during the outage"
    assert "Traceback" not in text, text[-4000:]
    assert "database unreachable" in text

    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            stored = list(session.scalars(select(Document.canonical_url)))
    finally:
        engine.dispose()
    assert len(stored) == len(set(stored))
    assert set(stored) == {a["url"] for a in web.labels["articles"]}


def test_only_unreachable_databases_are_waited_for() -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError, ProgrammingError

    from storage.outage import is_outage

    missing_table = OperationalError("SELECT 1", {}, sqlite3.OperationalError("no such table: documents"))
    unopenable = OperationalError("SELECT 1", {}, sqlite3.OperationalError("unable to open database file"))
    assert not is_outage(missing_table)
    assert is_outage(unopenable)
    assert is_outage(OperationalError("SELECT 1", {}, Exception("connection refused")))
    assert not is_outage(ProgrammingError("SELECT 1", {}, Exception("relation does not exist")))
