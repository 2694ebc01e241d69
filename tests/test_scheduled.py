"""The scheduled job: `scrapy crawlall` exits non-zero with a clear message when a check fails,
the crawl run says why, `scrapy runs` shows it; and the pure check and re-poll logic."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.checks import CheckLimits, evaluate
from core.recrawl import RecrawlPolicy, next_interval, recheck_due
from fixtureweb import FixtureWeb, free_port
from storage.db import make_engine, make_sessionmaker
from storage.models import CrawlRun, SourcePoll
from tests.conftest import run_scrapy, scrapy_env
from tests.loopback import QuietHandler, serving

BROKEN_IP = "127.0.0.12"


class _Failing(QuietHandler):
    """Answers every request with 500, as a site whose application server is down."""

    def do_GET(self) -> None:
        self.send_page(500, "<h1>500 Internal Server Error</h1>", "text/html")


@pytest.fixture
def broken_site() -> Iterator[str]:
    with serving(_Failing, BROKEN_IP, free_port()) as base:
        yield base


def broken_registry(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(
        f"""
[sources.broken]
kind = "outlet"
names = ["خبرگزاری خراب"]
hosts = ["{BROKEN_IP}"]
listings = ["{base}/news"]
feeds = ["{base}/rss"]
""",
        encoding="utf-8",
    )
    return path


@pytest.mark.crawl
def test_crawlall_fails_loudly_when_a_source_answers_only_errors(broken_site: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'manba.sqlite3'}"
    env = scrapy_env(url, broken_registry(tmp_path, broken_site))
    result = run_scrapy("crawlall", env=env)
    assert "Traceback" not in result.stderr, result.stderr[-4000:]
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    message = "source broken: none of its 2 listing/feed/sitemap pages could be fetched (HTTP 500 ×2)"
    assert f"scrapy crawlall: crawl run 1 FAILED 1 check(s):\n  - {message}" in result.stderr

    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            run = session.scalars(select(CrawlRun)).one()
            assert run.status == "failed" and run.finish_reason == "finished"
            assert run.checks == [{"check": "source_unreachable", "source": "broken", "message": message}]
            assert run.sources == ["broken"]
            assert run.stats is not None and run.stats["manba/source/broken/pages_failed"] == 2
            poll = session.get(SourcePoll, "broken")
            assert poll is not None and poll.next_poll_at > datetime.now(UTC)
    finally:
        engine.dispose()

    shown = run_scrapy("runs", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "failed" in shown.stdout and message in shown.stdout
    detail = json.loads(run_scrapy("runs", "--show", "1", "--json", env=env).stdout)
    assert detail["checks"][0]["check"] == "source_unreachable"
    assert detail["stats"]["manba/source/broken/failure/HTTP 500"] == 2

    # The source is not due again yet: the next scheduled run has nothing to do and succeeds.
    again = run_scrapy("crawlall", env=env)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "nothing is due" in again.stdout


@pytest.mark.crawl
def test_crawlall_passes_on_the_fixture_web_and_polls_by_schedule(
    fixture_web: FixtureWeb, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'manba.sqlite3'}"
    env = scrapy_env(url, fixture_web.registry_path)
    result = run_scrapy("crawlall", env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "all checks passed" in result.stdout
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            run = session.scalars(select(CrawlRun)).one()
            assert run.status == "finished" and run.checks is None and run.documents_created > 150
            polls = {p.source_key: p for p in session.scalars(select(SourcePoll))}
    finally:
        engine.dispose()
    assert set(polls) == {"ict", "isna", "93z", "fanavaran", "akharin", "shahr"}
    # Everything seen was new: the sources publish faster than the first hour, so polls come sooner.
    assert all(p.interval_seconds == int(timedelta(minutes=40).total_seconds()) for p in polls.values())
    later = run_scrapy("crawlall", env=env)
    assert later.returncode == 0 and "nothing is due" in later.stdout


def test_unknown_store_arguments_are_usage_errors(tmp_path: Path) -> None:
    env = scrapy_env(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    result = run_scrapy("crawlall", "-a", "source=ict", env=env)
    assert result.returncode == 2 and "takes no spider arguments" in result.stderr
    missing = run_scrapy("runs", env=scrapy_env(f"sqlite:///{tmp_path / 'none' / 'm.sqlite3'}"))
    assert missing.returncode == 2 and "no store at" in missing.stderr


# --- the pure logic ---------------------------------------------------------------------------

POLICY = RecrawlPolicy()


@pytest.mark.parametrize(
    ("seen", "known", "expected"),
    [
        (30, 25, timedelta(minutes=90)),  # > 2/3 known: poll less often
        (30, 5, timedelta(minutes=40)),  # < 1/3 known: poll more often
        (30, 15, timedelta(hours=1)),  # in between: keep
        (0, 0, timedelta(hours=1)),  # saw nothing: says nothing about the pace
    ],
)
def test_next_interval_adapts_to_the_share_of_known_urls(seen: int, known: int, expected: timedelta) -> None:
    assert next_interval(timedelta(hours=1), seen, known, POLICY) == expected


def test_next_interval_stays_between_ten_minutes_and_a_day() -> None:
    interval = None
    for _ in range(30):
        interval = next_interval(interval, 10, 10, POLICY)
    assert interval == timedelta(hours=24)
    for _ in range(30):
        interval = next_interval(interval, 10, 0, POLICY)
    assert interval == timedelta(minutes=10)
    assert next_interval(None, 10, 10, POLICY) == timedelta(minutes=90)


def test_recheck_waits_longer_for_older_pages() -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    fresh = dict(published_at=now - timedelta(hours=2), now=now, policy=POLICY)
    assert not recheck_due(checked_at=now - timedelta(hours=2), **fresh)
    assert recheck_due(checked_at=now - timedelta(hours=3), **fresh)
    old = dict(published_at=now - timedelta(days=400), now=now, policy=POLICY)
    assert not recheck_due(checked_at=now - timedelta(days=29), **old)
    assert recheck_due(checked_at=now - timedelta(days=30), **old)
    # A sitemap or feed saying the page changed after the last check makes it due at once.
    assert recheck_due(checked_at=now - timedelta(minutes=5), changed_hint=now, **old)
    assert not recheck_due(
        checked_at=now - timedelta(minutes=5), changed_hint=now - timedelta(hours=1), **old
    )


def test_a_policy_with_impossible_bounds_is_refused() -> None:
    with pytest.raises(ValueError, match="0 < min <= start <= max"):
        RecrawlPolicy(poll_min=timedelta(hours=2), poll_start=timedelta(hours=1))


def _stats(**per_source: dict[str, int]) -> dict[str, Any]:
    stats: dict[str, Any] = {}
    for key, counts in per_source.items():
        for name, value in counts.items():
            stats[f"manba/source/{key}/{name}"] = value
    return stats


def test_checks_pass_a_healthy_run() -> None:
    stats = _stats(a={"pages_ok": 3, "parsed": 3, "seen": 20}, b={"pages_ok": 1, "not_modified": 1})
    assert evaluate(stats, "finished", ["a", "b"], {"a": [20, 21], "b": [5, 6]}) == []


def test_checks_name_each_failure() -> None:
    stats = {
        **_stats(
            down={"pages_failed": 2, "failure/HTTP 503": 1, "failure/TimeoutError": 1},
            blank={"pages_ok": 2, "parsed": 2, "seen": 0},
            new={"pages_ok": 1, "parsed": 1, "seen": 0},
        ),
        "log_count/ERROR": 12,
    }
    failures = evaluate(stats, "shutdown", ["down", "blank", "new"], {"blank": [30, 10, 20], "new": [4]})
    assert [(f.check, f.source) for f in failures] == [
        ("finish_reason", None),
        ("errors", None),
        ("source_unreachable", "down"),
        ("source_empty", "blank"),
    ]
    assert failures[0].message == "the crawl ended with 'shutdown' (expected finished)"
    assert failures[1].message == "12 errors were logged (limit 10)"
    assert "(HTTP 503 ×1, TimeoutError ×1)" in failures[2].message
    assert "showed 20 (median)" in failures[3].message
    # One earlier poll is not enough history to call a source empty.
    limits = CheckLimits(max_errors=20, finish_reasons=frozenset({"finished", "shutdown"}))
    assert [f.check for f in evaluate(stats, "shutdown", ["new"], {"new": [4]}, limits)] == []
