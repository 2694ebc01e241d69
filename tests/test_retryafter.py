"""A host answering 503 with ``Retry-After`` is paused, not waited for in the downloader, and given up
after refusing requests in a row; the healthy hosts beside it go on (``crawler/middlewares/retryafter.py``).

The speed goal (a healthy host's pages within 10 s, the whole crawl within 90 s, beside a host answering
``Retry-After: 20``) is measured by ``bench/throttled.py``; these tests assert the order of things."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.core.downloader import Slot
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from core.checks import evaluate
from crawler.fetch import fetch_failure_reason
from crawler.middlewares.retryafter import HostGivenUp, RetryAfterMiddleware
from fixtureweb.throttled import HEALTHY_HOST, THROTTLED_HOST, ThrottledServer
from tests.conftest import run_scrapy, scrapy_env

THROTTLED = f"http://{THROTTLED_HOST}/fa/news/1"
HEALTHY = f"http://{HEALTHY_HOST}/fa/news/1"


class Downloader:
    """The part of Scrapy's downloader the middleware touches: its slots by key."""

    def __init__(self) -> None:
        self.slots: dict[str, Slot] = {}
        self.woken: list[Slot] = []

    def get_slot_key(self, request: Request) -> str:
        return request.url.split("/")[2]

    def _latercall(self, slot: Slot) -> None:
        slot.latercall = None
        self.woken.append(slot)


def refusal(url: str, status: int = 503, retry_after: str | None = "20") -> tuple[Request, Response]:
    request = Request(url)
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return request, Response(url, status=status, headers=headers, request=request)


def answer(mw: RetryAfterMiddleware, request: Request, response: Response) -> Response:
    """What the downloader does with a response: the signal first, then the middleware chain."""
    mw.response_downloaded(response, request)
    return mw.process_response(request, response)


def ok(url: str) -> tuple[Request, Response]:
    request = Request(url)
    return request, Response(url, status=200, request=request)


@pytest.fixture
def middleware() -> Iterator[tuple[RetryAfterMiddleware, Downloader]]:
    crawler = get_crawler(settings_dict={"RETRY_TIMES": 1})
    downloader = Downloader()
    mw = RetryAfterMiddleware(
        max_wait=60, retry_times=1, give_up=3, stats=crawler.stats, downloader=downloader
    )  # type: ignore[arg-type]
    yield mw, downloader
    for slot in downloader.slots.values():
        slot.close()


def stats_of(mw: RetryAfterMiddleware) -> dict[str, Any]:
    assert mw.stats is not None
    return mw.stats.get_stats()


def test_retry_after_pauses_the_hosts_slot_without_waiting(
    middleware: tuple[RetryAfterMiddleware, Downloader],
) -> None:
    mw, downloader = middleware
    slot = downloader.slots[THROTTLED_HOST] = Slot(2, 0.0, 0.0)
    request, response = refusal(THROTTLED)
    # Paused on the response_downloaded signal, before the slot would send its next request.
    mw.response_downloaded(response, request)
    assert slot.latercall is not None  # the slot sends nothing until the pause ends
    assert mw.process_response(request, response) is response  # at once: RetryMiddleware retries it
    assert not request.meta.get("dont_retry")
    paused = mw.paused_until[THROTTLED_HOST]
    assert slot.lastseen >= paused  # nor is it collected as idle meanwhile
    first = slot.latercall
    request, response = refusal(THROTTLED, retry_after="5")  # a shorter pause does not cut it short
    answer(mw, request, response)
    assert slot.latercall is first and mw.paused_until[THROTTLED_HOST] == paused
    assert stats_of(mw)["manba/retry_after/waited"] == 2
    assert stats_of(mw)["manba/retry_after/waited_seconds"] == 25


def test_a_host_refusing_requests_in_a_row_is_given_up(
    middleware: tuple[RetryAfterMiddleware, Downloader],
) -> None:
    mw, downloader = middleware
    slot = downloader.slots[THROTTLED_HOST] = Slot(2, 0.0, 0.0)
    for _ in range(2):
        answer(mw, *refusal(THROTTLED, retry_after=None))
    # An answer in between: the count starts again.
    answer(mw, *ok(f"http://{THROTTLED_HOST}/fa/news/2"))
    answer(mw, *refusal(THROTTLED, status=429))
    answer(mw, *refusal(THROTTLED))
    assert THROTTLED_HOST not in mw.given_up
    waiting: list[Deferred[Response]] = [Deferred(), Deferred()]
    failures: list[Failure] = []
    for n, deferred in enumerate(waiting):
        deferred.addErrback(failures.append)
        slot.queue.append((Request(f"{THROTTLED}{n}"), deferred))

    request, response = refusal(THROTTLED)
    assert answer(mw, request, response) is response
    assert request.meta["dont_retry"] is True  # the third refusal in a row is not retried
    assert mw.given_up == {THROTTLED_HOST}
    assert not slot.queue and [f.type for f in failures] == [HostGivenUp, HostGivenUp]

    late, reply = refusal(THROTTLED)  # sent before the host was given up, answered after
    answer(mw, late, reply)
    assert late.meta["dont_retry"] is True
    with pytest.raises(HostGivenUp, match=THROTTLED_HOST):
        mw.process_request(Request(f"http://{THROTTLED_HOST}/fa/news/3"))
    assert mw.process_request(Request(HEALTHY)) is None
    stats = stats_of(mw)
    assert stats["manba/retry_after/gave_up_host"] == 1
    assert stats[f"manba/retry_after/gave_up/{THROTTLED_HOST}"] == 3  # two waiting, one later


def test_giving_up_can_be_turned_off(middleware: tuple[RetryAfterMiddleware, Downloader]) -> None:
    mw, _ = middleware
    mw.give_up = 0
    for _ in range(10):
        answer(mw, *refusal(THROTTLED, retry_after="1"))
    assert not mw.given_up


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MANBA_RETRY_AFTER_GIVE_UP", "-1"),
        ("MANBA_RETRY_AFTER_GIVE_UP", "three"),
        ("MANBA_RETRY_AFTER_GIVE_UP", "2.5"),
        ("MANBA_RETRY_AFTER_MAX", "-5"),
        ("MANBA_RETRY_AFTER_MAX", "soon"),
        ("MANBA_RETRY_AFTER_MAX", "nan"),
    ],
)
def test_invalid_settings_are_named(name: str, value: str) -> None:
    crawler = get_crawler(settings_dict={name: value})
    with pytest.raises(ValueError, match=rf"{name}.*{value}"):
        RetryAfterMiddleware.from_crawler(crawler)


def test_a_page_not_sent_to_a_given_up_host_has_its_drop_reason() -> None:
    request = Request(THROTTLED)
    failure = Failure(HostGivenUp(THROTTLED_HOST))
    failure.request = request  # type: ignore[attr-defined]
    assert fetch_failure_reason(failure) == "host_given_up"


def test_the_close_time_checks_report_a_host_given_up() -> None:
    stats = {"manba/retry_after/gave_up_host": 1, f"manba/retry_after/gave_up/{THROTTLED_HOST}": 37}
    [failure] = evaluate(stats, "finished", [], {})
    assert failure.check == "host_given_up"
    assert THROTTLED_HOST in failure.message and "37 requests" in failure.message


# --- crawls --------------------------------------------------------------------------------------

# Few downloads at once, so that requests held in the downloader would show; Retry-After short
# enough for a test, long enough to tell a paused host from a healthy one.
RETRY_AFTER = 2
CRAWL_SETTINGS = {
    "CONCURRENT_REQUESTS": "4",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "2",
    "RETRY_TIMES": "1",
    "MANBA_FOLLOW_ORIGINS": "0",
}


def crawl(
    server: ThrottledServer, tmp: Path, throttled: int, healthy: int, **settings: str
) -> dict[str, Any]:
    """``scrapy crawl urls`` of the throttled host's pages, then the healthy host's; the run's stats."""
    urls = tmp / "urls.txt"
    listed = server.urls(THROTTLED_HOST, throttled) + server.urls(HEALTHY_HOST, healthy)
    urls.write_text("\n".join(listed) + "\n", encoding="utf-8")
    env = scrapy_env(f"sqlite:///{tmp / 'manba.sqlite3'}")
    args = ["crawl", "urls", "-a", f"urls_file={urls}"]
    for name, value in {**CRAWL_SETTINGS, **settings}.items():
        args += ["-s", f"{name}={value}"]
    result = run_scrapy(*args, env=env, timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-3000:]
    runs = run_scrapy("runs", "--show", "1", "--json", env=env)
    assert runs.returncode == 0, runs.stderr[-3000:]
    record: dict[str, Any] = json.loads(runs.stdout)
    return record


@pytest.mark.crawl
def test_a_paused_host_does_not_hold_back_a_healthy_one(tmp_path: Path) -> None:
    with ThrottledServer(retry_after=RETRY_AFTER) as server:
        # More throttled pages than downloads at once: waits held in the downloader would fill it.
        record = crawl(server, tmp_path, throttled=5, healthy=10, MANBA_RETRY_AFTER_GIVE_UP="0")
    throttled, healthy = server.pages(THROTTLED_HOST), server.pages(HEALTHY_HOST)
    assert len(healthy) == 10 and all(h.status == 200 for h in healthy)
    # Every healthy page came in before the throttled host could be asked again.
    assert max(h.at for h in healthy) < throttled[0].at + RETRY_AFTER
    assert len(throttled) == 10  # each page and its one retry
    stats = record["stats"]
    assert stats["item_scraped_count"] == 10
    assert stats["manba/drop/http_503"] == 5
    assert stats["manba/retry_after/waited"] == 5


@pytest.mark.crawl
def test_a_host_that_refuses_everything_is_given_up_and_reported(tmp_path: Path) -> None:
    with ThrottledServer(retry_after=RETRY_AFTER) as server:
        record = crawl(server, tmp_path, throttled=20, healthy=5)
    throttled, healthy = server.pages(THROTTLED_HOST), server.pages(HEALTHY_HOST)
    assert len(healthy) == 5
    # Three refusals in a row (default), and at most one more sent at each of the two answers
    # that came before the pause.
    assert 3 <= len(throttled) <= 5
    stats = record["stats"]
    assert stats["manba/retry_after/gave_up_host"] == 1
    # Every throttled page is dropped with a reason: refused, or not sent at all.
    assert stats["manba/drop/http_503"] + stats["manba/drop/host_given_up"] == 20
    assert stats[f"manba/retry_after/gave_up/{THROTTLED_HOST}"] >= stats["manba/drop/host_given_up"]
    assert [c["check"] for c in record["checks"]] == ["host_given_up"]
    assert THROTTLED_HOST in record["checks"][0]["message"]
    assert stats["item_scraped_count"] == 5
