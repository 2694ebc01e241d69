"""Progress of a long crawl in the log: a line per stage every few minutes, a table at the end.

Every ``MANBA_PROGRESS_INTERVAL`` seconds (60; 0: no periodic line) one INFO line counts what
each stage has done so far, with the rates over the last interval::

    progress 0:05:00 | pages 1412 (281/min) | articles requested 1210, known 35, extracted 1102
    (219/min) | dropped 9 (fetch/page 4, pipelines 5) | origin found 210, not found 12
    | stored 1040 new, 3 updated, 2 unchanged (208/min) | errors 0

(one line in the log). When the spider closes, an aligned table repeats the counts, adds the
origin outcomes and every drop reason (``manba/drop/<reason>``). Both read only the crawl's
stats, which the spiders and pipelines keep (README "Drop reasons", "How an article flows").
``MANBA_PROGRESS_ENABLED = False`` turns both off.

The line stands in for Scrapy's LogStats (``Crawled N pages (at N pages/min), scraped N items
(at N items/min)``), which the project settings remove (``EXTENSIONS``) so that a minute logs
one progress line: pages/min is there, and items/min where items are made
(extracted) and where they end (stored).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import AsyncioLoopingCall, create_looping_call
from twisted.internet.task import LoopingCall

from core.runstats import RunCounts
from crawler.settings_check import read_bool, read_float

logger = logging.getLogger(__name__)

LISTING_PREFIXES = ("manba/listing/pages/", "manba/feed/fetched/", "manba/sitemap/fetched/")
ORIGIN_OUTCOMES = ("found", "not_found", "no_candidates", "no_origin_site", "unresolved_source",
                   "already_linked", "other_language")
"""What following a copy to its origin ended with (``manba/origin/<outcome>``, pipelines/origin.py)."""


def _int(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return value if isinstance(value, int) else 0


def _sum(stats: Mapping[str, Any], *prefixes: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(prefixes) and isinstance(v, int))


@dataclass(frozen=True)
class StageCounts:
    """What each stage of the flow has done, read from a crawl's stats."""

    pages: int = 0
    """Responses downloaded (article pages, listings, feeds, sitemaps, origin candidates, robots.txt)."""
    listings: int = 0
    """Listing pages, feeds and sitemaps read."""
    requested: int = 0
    known: int = 0
    """Article requests not sent: stored, and no re-check due (``manba/incremental/skipped``)."""
    extracted: int = 0
    dropped: int = 0
    dropped_in_pipelines: int = 0
    origins: dict[str, int] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    drops: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_stats(cls, stats: Mapping[str, Any]) -> Self:
        counts = RunCounts.from_stats(stats)  # the rule scrapy runs and scrapy summary count by
        return cls(
            pages=_int(stats, "downloader/response_count"),
            listings=_sum(stats, *LISTING_PREFIXES),
            requested=_int(stats, "manba/article/requested"),
            known=_int(stats, "manba/incremental/skipped"),
            extracted=_sum(stats, "manba/article/extracted/"),
            dropped=counts.dropped,
            dropped_in_pipelines=counts.dropped_in_pipelines,
            origins={o: _int(stats, f"manba/origin/{o}") for o in ORIGIN_OUTCOMES},
            created=_int(stats, "manba/store/created"),
            updated=_int(stats, "manba/store/updated"),
            unchanged=_int(stats, "manba/store/unchanged"),
            errors=counts.errors,
            drops=counts.drops,
        )

    @property
    def stored(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def dropped_before_pipelines(self) -> int:
        """Failed fetches and responses that were no article page, before any item existed."""
        return max(0, self.dropped - self.dropped_in_pipelines)

    @property
    def origin_not_found(self) -> int:
        return self.origins.get("not_found", 0) + self.origins.get("no_candidates", 0)


def _duration(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds)))


def _per_minute(count: int, seconds: float) -> float:
    return count * 60.0 / seconds if seconds > 0 else 0.0


def progress_line(now: StageCounts, before: StageCounts, seconds: float, elapsed: float) -> str:
    """One log line: the counts so far, rates over the last ``seconds``."""
    pages_rate = _per_minute(now.pages - before.pages, seconds)
    extracted_rate = _per_minute(now.extracted - before.extracted, seconds)
    stored_rate = _per_minute(now.stored - before.stored, seconds)
    return (
        f"progress {_duration(elapsed)}"
        f" | pages {now.pages} ({pages_rate:.0f}/min)"
        f" | articles requested {now.requested}, known {now.known}, extracted {now.extracted}"
        f" ({extracted_rate:.0f}/min)"
        f" | dropped {now.dropped} (fetch/page {now.dropped_before_pipelines},"
        f" pipelines {now.dropped_in_pipelines})"
        f" | origin found {now.origins.get('found', 0)}, not found {now.origin_not_found}"
        f" | stored {now.created} new, {now.updated} updated, {now.unchanged} unchanged"
        f" ({stored_rate:.0f}/min)"
        f" | errors {now.errors}"
    )


def summary_table(counts: StageCounts, elapsed: float, title: str) -> str:
    """The closing table: one row per stage (indented rows break the one above down)."""
    rate = "per min"
    rows: list[tuple[str, int | None, str]] = [
        ("pages fetched", counts.pages, f"{_per_minute(counts.pages, elapsed):.1f}"),
        ("  listings, feeds, sitemaps", counts.listings, ""),
        ("articles requested", counts.requested, ""),
        ("  skipped as known", counts.known, ""),
        ("  extracted", counts.extracted, f"{_per_minute(counts.extracted, elapsed):.1f}"),
        ("items dropped", counts.dropped, ""),
        ("  fetch or page", counts.dropped_before_pipelines, ""),
        ("  pipelines", counts.dropped_in_pipelines, ""),
        ("origin following", None, ""),
        *((f"  {outcome.replace('_', ' ')}", n, "") for outcome, n in counts.origins.items()),
        ("stored", counts.stored, f"{_per_minute(counts.stored, elapsed):.1f}"),
        ("  created", counts.created, ""),
        ("  updated", counts.updated, ""),
        ("  unchanged", counts.unchanged, ""),
        ("errors", counts.errors, ""),
    ]
    if counts.drops:
        rows.append(("drop reasons", None, ""))
        rows += [(f"  {reason}", n, "") for reason, n in counts.drops.items()]
    label_width = max(len(label) for label, _, _ in rows)
    count_width = max(len("count"), *(len(str(n)) for _, n, _ in rows if n is not None))
    lines = [title, f"  {'stage':<{label_width}}  {'count':>{count_width}}  {rate:>9}"]
    for label, n, per_minute in rows:
        shown = "" if n is None else str(n)
        lines.append(f"  {label:<{label_width}}  {shown:>{count_width}}  {per_minute:>9}".rstrip())
    return "\n".join(lines)


class ProgressLog:
    """Extension: the periodic progress line and the closing summary table.

    Settings: ``MANBA_PROGRESS_ENABLED`` (default on), ``MANBA_PROGRESS_INTERVAL`` (seconds, 60;
    0: only the closing table).
    """

    def __init__(self, stats: StatsCollector, interval: float = 60.0) -> None:
        self.stats = stats
        self.interval = interval
        self.task: AsyncioLoopingCall | LoopingCall | None = None
        self.started = time.monotonic()
        self.last_at = self.started
        self.last = StageCounts()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not read_bool(settings, "MANBA_PROGRESS_ENABLED", True):
            raise NotConfigured("MANBA_PROGRESS_ENABLED is off")
        interval = read_float(settings, "MANBA_PROGRESS_INTERVAL", 60.0)
        assert crawler.stats is not None
        extension = cls(crawler.stats, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def counts(self) -> StageCounts:
        return StageCounts.from_stats(self.stats.get_stats())

    def spider_opened(self, spider: Spider) -> None:
        self.started = self.last_at = time.monotonic()
        self.last = StageCounts()
        if self.interval > 0:
            self.task = create_looping_call(self.log_progress, spider)
            self.task.start(self.interval, now=False)

    def log_progress(self, spider: Spider) -> None:
        now = time.monotonic()
        if now - self.last_at < self.interval / 2:
            return  # a tick the loop owed while it was busy: the rates would mean nothing
        counts = self.counts()
        line = progress_line(counts, self.last, now - self.last_at, now - self.started)
        logger.info("%s", line, extra={"spider": spider})
        self.last, self.last_at = counts, now

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        elapsed = time.monotonic() - self.started
        title = f"crawl summary: spider {spider.name}, {reason}, {_duration(elapsed)}"
        logger.info("%s", summary_table(self.counts(), elapsed, title), extra={"spider": spider})
