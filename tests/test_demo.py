"""`make demo`'s script against PostgreSQL, twice: the same rows, no duplicate document."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from fixtureweb import free_port
from storage.db import make_engine, make_sessionmaker
from storage.models import Document, DocumentAttribution, MinhashBand, Release
from storage.testing import postgres_schema_url, url_string
from tests.conftest import REPO

pytestmark = pytest.mark.crawl


def demo(env: dict[str, str]) -> str:
    result = subprocess.run(
        ["bash", "scripts/demo.sh"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def rows(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            count = {
                table.__tablename__: session.scalar(select(func.count()).select_from(table)) or 0
                for table in (Document, Release, DocumentAttribution, MinhashBand)
            }
            count["distinct urls"] = session.scalar(select(func.count(func.distinct(Document.url)))) or 0
            return count
    finally:
        engine.dispose()


def test_demo_twice_on_postgresql_leaves_the_same_rows(postgres_database: URL, tmp_path: Path) -> None:
    url = url_string(postgres_schema_url(postgres_database))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MANBA_", "SCRAPY_"))}
    env.update(
        MANBA_DATABASE_URL=url, MANBA_FIXTURE_DIR=str(tmp_path / "web"), MANBA_FIXTURE_PORT=str(free_port())
    )
    first = demo(env)
    assert "postgresql" in first and "0 missing, 0 with a wrong date" in first
    after_first = rows(url)
    second = demo(env)
    assert "0 missing, 0 with a wrong date" in second
    after_second = rows(url)
    print(f"demo on PostgreSQL: {after_first} then {after_second}")
    assert after_second == after_first
    assert after_first["documents"] == after_first["distinct urls"] >= 200
