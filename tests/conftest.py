"""Shared fixtures: the generated fixture web served on loopback, and running `scrapy` as a user does."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtureweb import FixtureServer, FixtureWeb, build, free_port

REPO = Path(__file__).resolve().parents[1]
SCRAPY = str(Path(sys.executable).with_name("scrapy"))


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
