"""Shared fixtures: the generated fixture web served on loopback, the attribution tables' name index, and
running `scrapy` as a user does."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from core.attribution import NameIndex
from core.registry import _source, load_registry
from fixtureweb import FixtureServer, FixtureWeb, build, free_port
from storage.db import make_engine, make_sessionmaker
from storage.migrate import current_revision, head_revision, upgrade_to_head
from storage.testing import (
    copy_sqlite,
    postgres_admin_url,
    postgres_available,
    postgres_schema_url,
    temporary_postgres_database,
    url_string,
    write_registry,
)
from storage.write import sync_sources

REPO = Path(__file__).resolve().parents[1]
SCRAPY = str(Path(sys.executable).with_name("scrapy"))
ATTRIBUTION_FIXTURES = REPO / "tests" / "fixtures" / "attribution"
REQUIRE_SERVICES_ENV = "MANBA_TEST_REQUIRE_SERVICES"


def skip_without(service: str, why: str) -> NoReturn:
    """Skip a test whose service (PostgreSQL, Redis, Chromium …) cannot be reached: on a laptop the
    rest of the suite still runs. With ``MANBA_TEST_REQUIRE_SERVICES=1`` (``.ci/run``) the test fails
    instead, so a CI run that lost a service does not pass with part of the matrix unrun."""
    if os.environ.get(REQUIRE_SERVICES_ENV, "") not in {"", "0"}:
        pytest.fail(f"{service} is required ({REQUIRE_SERVICES_ENV} is set): {why}", pytrace=False)
    pytest.skip(f"{service}: {why}")


@pytest.fixture(autouse=True)
def _no_user_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's MANBA_* / SCRAPY_* environment must not steer tests at their own store."""
    for name in list(os.environ):
        if name.startswith(("MANBA_", "SCRAPY_")) and not name.startswith("MANBA_TEST_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def fixture_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureWeb]:
    port = free_port()
    web = build(tmp_path_factory.mktemp("fixtureweb"), port=port)
    with FixtureServer(web.root, port):
        yield web


ServeWeb = Callable[..., tuple[FixtureWeb, FixtureServer]]


@pytest.fixture
def served_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeWeb]:
    """A factory for a private fixture web (built and served for one test): for tests that change the
    web's files or count the requests it answers (``server.requests``)."""
    servers: list[FixtureServer] = []

    def serve(**build_kwargs: Any) -> tuple[FixtureWeb, FixtureServer]:
        port = free_port()
        web = build(tmp_path_factory.mktemp("web"), port=port, **build_kwargs)
        server = FixtureServer(web.root, port).start()
        servers.append(server)
        return web, server

    yield serve
    for server in servers:
        server.stop()


# --- attribution ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def names() -> NameIndex:
    """The shipped registry plus two outlets (93z «تجهیزات جانبی», digiato) from the attribution
    fixtures: the name index of the attribution tables (tests/attribution/, tests/test_attribution.py)."""
    registry = load_registry(REPO / "core" / "sources.toml")
    extra = tomllib.loads((ATTRIBUTION_FIXTURES / "extra_sources.toml").read_text(encoding="utf-8"))
    for key, entry in extra["sources"].items():
        registry.sources[key] = _source(key, entry)
    return NameIndex.from_registry(registry)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The files that run crawls or a browser first. ``make test`` hands whole files to its two
    workers in the order collected (``--dist loadfile``): a long crawl file collected last kept one
    worker busy while the other had nothing left to do."""
    heavy = {item.path for item in items if any(item.get_closest_marker(m) for m in ("crawl", "browser"))}
    items.sort(key=lambda item: item.path not in heavy)


# --- stores: one per test, on every available backend -----------------------------------------


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[URL]:
    """A PostgreSQL database for the session, dropped at the end (each test gets its own schema)."""
    if not postgres_available():
        skip_without("PostgreSQL", f"not reachable at {postgres_admin_url()!r} (set MANBA_TEST_POSTGRES_URL)")
    with temporary_postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store migrated once per session: a test's migrated store is a copy of it."""
    path = tmp_path_factory.mktemp("template") / "manba.sqlite3"
    upgrade_to_head(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def migrated_postgres(postgres_database: URL) -> Iterator[URL]:
    """A PostgreSQL database migrated once per session and then left without connections: the
    template of every test's migrated store (``CREATE DATABASE … TEMPLATE`` copies it in a tenth of
    the time the migrations take)."""
    with temporary_postgres_database() as url:
        upgrade_to_head(url)
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty store: a new SQLite file (in a directory of its own, which exists: the store creates
    no directory but the default ``data/``), or a new schema.

    A test that uses ``engine`` (or ``sessions``) gets a migrated store instead: a copy of the
    session's template, made before the test as the migrations would have (``engine``)."""
    migrated = "engine" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "store" / "manba.sqlite3"
        path.parent.mkdir(exist_ok=True)
        if migrated:
            copy_sqlite(request.getfixturevalue("migrated_sqlite"), path)
        yield f"sqlite:///{path}"
        return
    if not migrated:
        yield url_string(postgres_schema_url(request.getfixturevalue("postgres_database")))
        return
    template: URL = request.getfixturevalue("migrated_postgres")
    with temporary_postgres_database(template=str(template.database)) as url:
        yield url_string(url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a migrated store (``database_url`` made it from the session's template)."""
    engine = make_engine(database_url)
    assert current_revision(engine) == head_revision(), "the template store is not at head"
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine, tmp_path: Path) -> sessionmaker[Session]:
    """Sessions on a migrated store whose sources table holds a small registry (ict, isna, example)."""
    factory = make_sessionmaker(engine)
    with factory.begin() as session:
        sync_sources(session, load_registry(write_registry(tmp_path / "sources.toml")))
    return factory


# --- running scrapy -------------------------------------------------------------------------


def scrapy_env(database_url: str, sources_file: Path | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MANBA_", "SCRAPY_"))}
    env.update(
        MANBA_DATABASE_URL=database_url,
        SCRAPY_SETTINGS_MODULE="crawler.settings_fixture",
        PYTHONPATH=str(REPO),
    )
    if sources_file is not None:
        env["MANBA_SOURCES_FILE"] = str(sources_file)
    env.update(extra)
    return env


def run_scrapy(*args: str, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``scrapy ARGS`` in the project directory, the way a user would."""
    return subprocess.run(
        [SCRAPY, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
