"""Honour ``Retry-After`` on 503 and 429 by pausing the host, and give up on a host that keeps refusing.

A server that answers 503 or 429 with ``Retry-After`` speaks for the whole host, so the host's
download slot is paused that long: its queued requests, and RetryMiddleware's retry of the refused
one, wait in the slot while other hosts' requests go on. Waiting inside this middleware instead
(an ``asyncio.sleep`` in ``process_response``) would keep a request in the downloader for the
whole wait, and a few throttled pages would hold every one of ``CONCURRENT_REQUESTS``; the
scheduler's ``DownloaderAwarePriorityQueue`` (``crawler/settings.py``) then hands the downloader
the hosts with the fewest requests in their slots first, so a paused host's queue does not crowd
the others out either.

A ``Retry-After`` longer than ``MANBA_RETRY_AFTER_MAX`` seconds is not waited for: the request is
not retried and the response goes on as the failure it is (``manba/drop/http_503`` for an article
page).

A host that refuses ``MANBA_RETRY_AFTER_GIVE_UP`` requests in a row (429 or 503, with or without
``Retry-After``; any other answer in between starts the count again) is given up for the run: the
refusal that tips it is not retried, the requests waiting in its slot and every later one are
dropped with :class:`HostGivenUp` (``manba/drop/host_given_up`` for an article page), and the
close-time checks (``core.checks``) report the host.

Refusals are counted, and hosts paused or given up, on Scrapy's ``response_downloaded`` signal,
which comes before the slot sends its next request; ``process_response`` comes later, after a
fast host has answered several more. The pause leans on the downloader of Scrapy 2.19
(``scrapy/core/downloader/__init__.py``): a slot whose ``latercall`` is set sends nothing until it
fires, and a slot seen recently is not collected.

Registered in ``DOWNLOADER_MIDDLEWARES`` at 560: its ``process_response`` must run before
RetryMiddleware's (550), and responses travel from higher numbers to lower.

Settings: ``MANBA_RETRY_AFTER_ENABLED`` (default on), ``MANBA_RETRY_AFTER_MAX`` (seconds, default
60), ``MANBA_RETRY_AFTER_GIVE_UP`` (refusals in a row, default 3; 0 never gives up). Stats:
``manba/retry_after/waited`` (retries put off, and ``…/waited_seconds``),
``manba/retry_after/too_long``, ``manba/retry_after/gave_up_host`` (hosts given up) and
``manba/retry_after/gave_up/<host>`` (requests to that host not sent).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from time import monotonic
from typing import TYPE_CHECKING, Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import call_later
from scrapy.utils.httpobj import urlparse_cached
from twisted.python.failure import Failure

from crawler.settings_check import read_bool, read_float, read_int

if TYPE_CHECKING:
    from scrapy.core.downloader import Downloader

logger = logging.getLogger(__name__)

STATUSES = frozenset({429, 503})
DEFAULT_MAX_WAIT = 60.0
DEFAULT_GIVE_UP = 3
GAVE_UP_PREFIX = "manba/retry_after/gave_up/"


class HostGivenUp(IgnoreRequest):
    """A request not sent: its host refused too many requests in a row this run."""

    def __init__(self, host: str) -> None:
        super().__init__(f"host {host} was given up for this run after refusing requests in a row (429/503)")
        self.host = host


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP-date (``None`` when
    absent or unreadable; a date in the past means no wait)."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    def __init__(
        self,
        max_wait: float = DEFAULT_MAX_WAIT,
        retry_times: int = 2,
        give_up: int = DEFAULT_GIVE_UP,
        stats: StatsCollector | None = None,
        downloader: Downloader | None = None,
    ) -> None:
        self.max_wait = max_wait
        self.retry_times = retry_times
        self.give_up = give_up
        self.stats = stats
        self.downloader = downloader
        """Whose slots are paused; from_crawler leaves it to the engine, which exists only later."""
        self.crawler: Crawler | None = None
        self.refusals: dict[str, int] = {}
        """Refusals in a row, per download slot (the host)."""
        self.given_up: set[str] = set()
        self.paused_until: dict[str, float] = {}
        """Per slot: the ``time.monotonic()`` before which nothing is sent to the host."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not read_bool(settings, "MANBA_RETRY_AFTER_ENABLED", True):
            raise NotConfigured("MANBA_RETRY_AFTER_ENABLED is off")
        if not settings.getbool("RETRY_ENABLED", True):
            raise NotConfigured("RETRY_ENABLED is off: nothing would be retried")
        max_wait = read_float(settings, "MANBA_RETRY_AFTER_MAX", DEFAULT_MAX_WAIT)
        give_up = read_int(settings, "MANBA_RETRY_AFTER_GIVE_UP", DEFAULT_GIVE_UP)
        middleware = cls(max_wait, settings.getint("RETRY_TIMES"), give_up, crawler.stats)
        middleware.crawler = crawler
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        return middleware

    def _downloader(self) -> Downloader | None:
        if self.downloader is None and self.crawler is not None and self.crawler.engine is not None:
            self.downloader = self.crawler.engine.downloader
        return self.downloader

    def _slot_key(self, request: Request) -> str:
        downloader = self._downloader()
        if downloader is not None:
            return downloader.get_slot_key(request)
        return request.meta.get("download_slot") or urlparse_cached(request).hostname or ""

    def _will_retry(self, request: Request) -> bool:
        limit = request.meta.get("max_retry_times", self.retry_times)
        return not request.meta.get("dont_retry") and request.meta.get("retry_times", 0) < limit

    def process_request(self, request: Request) -> None:
        key = self._slot_key(request)
        if key in self.given_up:
            self._inc(GAVE_UP_PREFIX + key)
            raise HostGivenUp(key)

    def response_downloaded(self, response: Response, request: Request) -> None:
        """Count a refusal, pause or give up on its host: on Scrapy's ``response_downloaded``
        signal, sent before the slot sends its next request (``process_response`` comes later,
        when a fast host has had several more requests)."""
        key = self._slot_key(request)
        if response.status not in STATUSES:
            self.refusals.pop(key, None)
            return
        if key in self.given_up:
            return
        self.refusals[key] = self.refusals.get(key, 0) + 1
        if self.give_up and self.refusals[key] >= self.give_up:
            self._give_up_on(key)
            return
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is not None and 0 < wait <= self.max_wait:
            # The host asked for a pause, whether or not this request is retried.
            self.pause(key, wait)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in STATUSES:
            return response
        if self._slot_key(request) in self.given_up:  # the refusal that tipped it, or one sent before
            request.meta["dont_retry"] = True
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is None or not self._will_retry(request):
            return response
        if wait > self.max_wait:
            # RetryMiddleware reads the same request's meta next: it lets the response through.
            request.meta["dont_retry"] = True
            self._inc("manba/retry_after/too_long")
        elif wait > 0:
            self._inc("manba/retry_after/waited")
            self._inc("manba/retry_after/waited_seconds", round(wait))
        return response

    def pause(self, key: str, seconds: float) -> None:
        """Send nothing to the host of download slot ``key`` for ``seconds`` (a pause that ends
        later stays)."""
        until = monotonic() + seconds
        if until <= self.paused_until.get(key, 0.0):
            return
        self.paused_until[key] = until
        downloader = self._downloader()
        slot = downloader.slots.get(key) if downloader is not None else None
        if downloader is None or slot is None:
            return
        if slot.latercall is not None:
            slot.latercall.cancel()
        # What the downloader itself does to wait out DOWNLOAD_DELAY; lastseen in the future
        # also keeps the slot from being collected as idle while it waits.
        slot.latercall = call_later(seconds, downloader._latercall, slot)
        slot.lastseen = max(slot.lastseen, until)

    def _give_up_on(self, key: str) -> None:
        self.given_up.add(key)
        self._inc("manba/retry_after/gave_up_host")
        self._inc(GAVE_UP_PREFIX + key, 0)
        logger.warning(
            "giving up on host %s for this run: %d refusals (429/503) in a row", key, self.refusals[key]
        )
        downloader = self._downloader()
        slot = downloader.slots.get(key) if downloader is not None else None
        if slot is None:
            return
        waiting = list(slot.queue)
        slot.queue.clear()
        for _request, deferred in waiting:
            self._inc(GAVE_UP_PREFIX + key)
            deferred.errback(Failure(HostGivenUp(key)))

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)
