"""Honour ``Retry-After`` on 503 and 429 before Scrapy's RetryMiddleware asks again.

RetryMiddleware retries a 503 or 429 at once; a server that said when to come back gets the retry
that long later instead — if that is within ``MANBA_RETRY_AFTER_MAX`` seconds. A longer wait is
not held (it would occupy a download slot for minutes): the request is not retried, and the
response goes on as the failure it is (``manba/drop/http_503`` for an article page). No wait is
spent on a request whose retries are used up.

Registered in ``DOWNLOADER_MIDDLEWARES`` at 560: its ``process_response`` must run before
RetryMiddleware's (550), and responses travel from higher numbers to lower.

Settings: ``MANBA_RETRY_AFTER_ENABLED`` (default on), ``MANBA_RETRY_AFTER_MAX`` (seconds, default
60). Stats: ``manba/retry_after/waited`` (and ``…/waited_seconds``), ``manba/retry_after/too_long``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

STATUSES = frozenset({429, 503})
DEFAULT_MAX_WAIT = 60.0


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
    def __init__(self, max_wait: float = DEFAULT_MAX_WAIT, retry_times: int = 2,
                 stats: StatsCollector | None = None) -> None:
        self.max_wait = max_wait
        self.retry_times = retry_times
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("MANBA_RETRY_AFTER_ENABLED", True):
            raise NotConfigured("MANBA_RETRY_AFTER_ENABLED is off")
        if not settings.getbool("RETRY_ENABLED", True):
            raise NotConfigured("RETRY_ENABLED is off: nothing would be retried")
        max_wait = settings.getfloat("MANBA_RETRY_AFTER_MAX", DEFAULT_MAX_WAIT)
        if max_wait < 0:
            raise NotConfigured(f"MANBA_RETRY_AFTER_MAX must not be negative, not {max_wait}")
        return cls(max_wait, settings.getint("RETRY_TIMES"), crawler.stats)

    def _will_retry(self, request: Request) -> bool:
        limit = request.meta.get("max_retry_times", self.retry_times)
        return not request.meta.get("dont_retry") and request.meta.get("retry_times", 0) < limit

    async def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in STATUSES or not self._will_retry(request):
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is None:
            return response
        if wait > self.max_wait:
            # RetryMiddleware reads the same request's meta next: it lets the response through.
            request.meta["dont_retry"] = True
            self._inc("manba/retry_after/too_long")
            return response
        if wait > 0:
            self._inc("manba/retry_after/waited")
            self._inc("manba/retry_after/waited_seconds", round(wait))
            await asyncio.sleep(wait)
        return response

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)
