"""A user's mistake is one line on stderr and exit status 2, from the real command: every row of the
README's "When something goes wrong" table is run here, so the table cannot drift from what the
commands print."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.db import make_engine, make_sessionmaker, sqlite_path
from storage.migrate import upgrade_to_head
from storage.models import CrawlRun
from tests.conftest import REPO, run_scrapy, scrapy_env

SECTION = "## When something goes wrong"


@dataclass(frozen=True)
class Row:
    mistake: str
    env: dict[str, str]
    args: list[str]
    line: str
    status: int


def _cell(text: str) -> str:
    text = text.strip()
    return text[1:-1] if text.startswith("`") and text.endswith("`") else text


def readme_rows() -> list[Row]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(SECTION):]
    section = section[: section.index("\n## ", len(SECTION))]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith(("| mistake", "|---")):
            continue
        mistake, tried, stderr, status = (c for c in line.strip().strip("|").split(" | "))
        words = shlex.split(_cell(tried))
        env = {}
        while "=" in words[0]:
            name, _, value = words.pop(0).partition("=")
            env[name] = value
        assert words[0] == "scrapy", line
        rows.append(Row(mistake.strip(), env, words[1:], _cell(stderr), int(status)))
    return rows


ROWS = readme_rows()


def as_pattern(line: str) -> re.Pattern[str]:
    """The README's line with each ``…`` standing for any text (a path, the server's words)."""
    return re.compile(".*".join(re.escape(part) for part in line.split("…")))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the rows' relative names point: a migrated store, a broken registry, nothing else."""
    root = tmp_path_factory.mktemp("errors")
    (root / "broken.toml").write_text("[sources.isna\nkind = 'agency'\n", encoding="utf-8")
    upgrade_to_head(f"sqlite:///{root / 'manba.sqlite3'}")
    return root


def _run(row: Row, workdir: Path) -> tuple[int, list[str], str]:
    store = f"sqlite:///{workdir / 'manba.sqlite3'}"
    env = scrapy_env(row.env.get("MANBA_DATABASE_URL", store), **row.env)
    if "MANBA_SOURCES_FILE" in env:
        env["MANBA_SOURCES_FILE"] = str(workdir / env["MANBA_SOURCES_FILE"])
    relative = {"missing.txt", "missing.json", "missing.toml", "releases.xml", "broken.toml"}
    args = [str(workdir / a) if a in relative else a.replace("=missing.txt", f"={workdir}/missing.txt")
            for a in row.args]
    result = run_scrapy(*args, env=env, timeout=120)
    return result.returncode, result.stderr.splitlines(), result.stdout + result.stderr


def test_the_table_lists_every_mistake_of_the_issue() -> None:
    mistakes = " / ".join(row.mistake for row in ROWS)
    for expected in ("not a URL", "unknown source", "missing `urls_file`", "spider argument",
                     "broken sources file", "missing sources file", "unreachable store",
                     "missing store directory", "invalid setting", "a date that is no date",
                     "unknown `--source`", "format"):
        assert expected in mistakes
    commands = {row.args[0] for row in ROWS}
    assert commands >= {"crawl", "crawlall", "export", "report", "runs", "summary", "attribute", "recluster"}


def _runs_recorded(workdir: Path) -> int:
    engine = make_engine(f"sqlite:///{workdir / 'manba.sqlite3'}")
    try:
        with make_sessionmaker(engine).begin() as session:
            return session.scalar(select(func.count()).select_from(CrawlRun)) or 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("row", ROWS, ids=[r.mistake for r in ROWS])
def test_a_mistake_is_one_line_and_exit_2(row: Row, workdir: Path) -> None:
    store = sqlite_path(row.env.get("MANBA_DATABASE_URL", "sqlite://"))
    had_directory = store is not None and store.parent.exists()
    if "does not exist" in row.line:
        assert not had_directory, f"{store} must not exist for this row (an old Manba created it?)"
    status, lines, everything = _run(row, workdir)
    assert status == row.status, everything[-3000:]
    assert "Traceback" not in everything
    assert len(lines) == 1, everything[-3000:]
    # Paths in the line are the test's own directory: compare without it.
    said = lines[0].replace(f"{workdir}/", "")
    assert as_pattern(row.line).fullmatch(said), f"README says {row.line!r}\ncommand said {said!r}"
    # Refused before anything started: no crawl run recorded, no directory tree made for the store.
    assert _runs_recorded(workdir) == 0
    assert store is None or store.parent.exists() == had_directory


@pytest.mark.parametrize("flag", [["--traceback"], ["-L", "DEBUG"]])
def test_traceback_on_request(flag: list[str], workdir: Path) -> None:
    env = scrapy_env(f"sqlite:///{workdir / 'manba.sqlite3'}")
    result = run_scrapy("crawl", "urls", "-a", "url=https://www.isna.ir/news/1/", *flag, env=env, timeout=120)
    assert result.returncode == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("scrapy crawl: spider urls takes no argument 'url'")


def test_scrapyd_job_argument_is_accepted(workdir: Path) -> None:
    """scrapyd passes -a _job=… to every crawl it runs; only a user's unknown argument is refused."""
    env = scrapy_env(f"sqlite:///{workdir / 'manba.sqlite3'}")
    result = run_scrapy("crawl", "urls", "-a", "_job=abc", "-a", "urls=not-a-url", env=env, timeout=120)
    assert result.returncode == 2
    assert "not an http(s) URL" in result.stderr and "_job" not in result.stderr
