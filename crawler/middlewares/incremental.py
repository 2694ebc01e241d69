"""Incremental crawling: a downloader middleware that keeps a re-crawl from fetching what it has.

- **Article pages** (``meta["manba_page"] == "article"``) already in the store are not fetched
  again until a re-check is due (``core.recrawl.recheck_due``: the wait grows with the
  page's age; a sitemap ``<lastmod>`` or feed date newer than the last check, passed by the
  spider as ``meta["manba_changed"]``, makes it due at once). The skipped request ends with
  :class:`AlreadyStored` (an ``IgnoreRequest``). URLs an operator names (``scrapy crawl urls``)
  carry ``meta["manba_incremental"] = False`` and are always fetched.
- **Due re-checks**: a listing page that did not change (304) shows no links, so a spider
  middleware, :class:`RecheckMiddleware`, adds to the start of a ``sources`` crawl the stored
  articles of its sources whose re-check is due (at most ``MANBA_RECHECK_MAX_PER_RUN``, 200,
  least recently checked first). A re-check that finds the same text only moves
  ``documents.checked_at``; a changed text is stored with the old one kept as a version.
- **Listing pages, feeds and sitemaps** are fetched with ``If-None-Match`` / ``If-Modified-Since``
  from their last 200 (table ``page_checks``); a ``304 Not Modified`` ends the request with
  :class:`NotModified`, so nothing below an unchanged page is crawled again. A page's validators
  are written when the crawl closes, and only when every article link it showed is stored: a
  page whose articles were not all stored (a crash, a failed fetch, another worker still busy)
  is fetched in full next time. Pages rendered in
  the browser (``render = true`` sources) are always fetched in full: Chromium never finishes
  a navigation answered with 304.

Settings: ``MANBA_INCREMENTAL`` (default on; off → every page is fetched),
``MANBA_RECHECK_YOUNG_MINUTES`` (180), ``MANBA_RECHECK_WEEK_MINUTES`` (1440),
``MANBA_RECHECK_OLD_MINUTES`` (43200). Stats: ``manba/incremental/skipped``,
``manba/incremental/rechecked``, ``manba/incremental/new``, ``manba/conditional/sent``,
``manba/conditional/not_modified``, and per source ``manba/source/<key>/known`` and
``…/pages_ok`` for a 304.

The store is read through a reader engine (never blocks the store's writers) and written
(``page_checks``) in short transactions of their own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self, TypeVar

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.recrawl import RecrawlPolicy, recheck_due
from crawler.config import database_url
from crawler.settings_check import read_bool, read_int, recrawl_policy
from storage.crawlstate import (
    due_articles,
    known_article,
    missing_articles,
    page_check,
    record_page_check,
)
from storage.db import make_engine, make_sessionmaker
from storage.outage import DEFAULT_MAX_WAIT, log_wait, through_outage, through_outage_async

T = TypeVar("T")

CONDITIONAL_KINDS = frozenset({"listing", "feed", "sitemap"})


@dataclass(frozen=True)
class PendingCheck:
    kind: str
    source_key: str | None
    status: int
    etag: str | None
    last_modified: str | None
    at: datetime


class AlreadyStored(IgnoreRequest):
    """An article page in the store whose re-check is not due yet."""


class NotModified(IgnoreRequest):
    """A listing page, feed or sitemap answered 304: nothing new below it."""


def parse_changed(value: Any) -> datetime | None:
    """``meta["manba_changed"]`` (an aware datetime or an ISO 8601 string) as an aware datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else None
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


class _StoreAccess:
    """Lazy engines on the store: a reader (never blocks the store's writers) and a writer."""

    def __init__(self, database_url: str, max_wait: float = DEFAULT_MAX_WAIT) -> None:
        self.database_url = database_url
        self.max_wait = max_wait
        self._engines: list[Engine] = []
        self._readers: sessionmaker[Session] | None = None
        self._writers: sessionmaker[Session] | None = None

    def sessions(self, *, reader: bool) -> sessionmaker[Session]:
        if self._readers is None or self._writers is None:
            read_engine = make_engine(self.database_url, reader=True)
            write_engine = make_engine(self.database_url)
            self._engines = [read_engine, write_engine]
            self._readers, self._writers = make_sessionmaker(read_engine), make_sessionmaker(write_engine)
        return self._readers if reader else self._writers

    async def read(self, query: Callable[[Session], T]) -> T:
        """``query`` in a short read transaction, in a thread, waiting out a database outage
        (``storage.outage``) so that requests wait rather than fail."""

        def run() -> T:
            with self.sessions(reader=True).begin() as session:
                return query(session)

        return await through_outage_async(run, max_wait=self.max_wait, on_wait=log_wait("checking the store"))

    def close(self) -> None:
        for engine in self._engines:
            engine.dispose()
        self._engines, self._readers, self._writers = [], None, None


def _configured(crawler: Crawler) -> None:
    settings = crawler.settings
    if not read_bool(settings, "MANBA_INCREMENTAL", True):
        raise NotConfigured("MANBA_INCREMENTAL is off")
    if not read_bool(settings, "MANBA_STORE_ENABLED", True):
        raise NotConfigured("no store to remember earlier crawls (MANBA_STORE_ENABLED is off)")


class RecheckMiddleware:
    """Spider middleware: after a ``sources`` crawl's own start requests, the stored articles of
    its sources whose re-check is due (spiders without ``selected`` sources are left alone)."""

    def __init__(self, store: _StoreAccess, policy: RecrawlPolicy, limit: int, crawler: Crawler) -> None:
        self.store = store
        self.policy = policy
        self.limit = limit
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        _configured(crawler)
        settings = crawler.settings
        middleware = cls(
            _StoreAccess(database_url(settings)),
            recrawl_policy(settings),
            read_int(settings, "MANBA_RECHECK_MAX_PER_RUN", 200),
            crawler,
        )
        crawler.signals.connect(middleware.store.close, signal=signals.spider_closed)
        return middleware

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for request in start:
            yield request
        spider: Spider | None = self.crawler.spider
        selected = getattr(spider, "selected", None)
        article_request = getattr(spider, "article_request", None)
        if not selected or article_request is None or self.limit <= 0:
            return
        sources = {source.key: source for source in selected}
        urls = await self.store.read(
            lambda session: due_articles(session, sources, datetime.now(UTC), self.policy, self.limit)
        )
        registry = getattr(spider, "registry", None)
        for url in urls:
            source = registry.for_url(url) if registry is not None else None
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("manba/incremental/recheck_queued")
            yield article_request(url, source if source is not None and source.key in sources else None)


class IncrementalMiddleware:
    def __init__(self, database_url: str, policy: RecrawlPolicy, stats: StatsCollector | None = None) -> None:
        self.store = _StoreAccess(database_url)
        self.policy = policy
        self.stats = stats
        self.pending: dict[str, PendingCheck] = {}
        """Validators seen this run, written at close (``commit_checks``)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        _configured(crawler)
        middleware = cls(database_url(crawler.settings), recrawl_policy(crawler.settings), crawler.stats)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_closed(self, spider: Spider) -> None:
        """Remember the validators of the pages whose every article link is now stored. A page
        with a link not stored (dropped, failed, or lost with a crashed run) is asked for in full
        next time, so whatever is missing below it is found again."""
        try:
            self.commit_checks(getattr(spider, "page_links", {}))
        finally:
            self.store.close()

    def commit_checks(self, page_links: dict[str, list[str]]) -> None:
        if not self.pending:
            return

        def write() -> int:
            withheld = 0
            with self.store.sessions(reader=False).begin() as session:
                for url, check in self.pending.items():
                    links = page_links.get(url, [])
                    if check.status == 200 and links and missing_articles(session, links):
                        withheld += 1
                        continue
                    record_page_check(
                        session,
                        url,
                        kind=check.kind,
                        source_key=check.source_key,
                        status=check.status,
                        etag=check.etag,
                        last_modified=check.last_modified,
                        now=check.at,
                    )
            return withheld

        withheld = through_outage(
            write, max_wait=self.store.max_wait, on_wait=log_wait("saving page validators")
        )
        if withheld and self.stats is not None:
            self.stats.inc_value("manba/conditional/withheld", withheld)
        self.pending.clear()

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)

    # -- downloader middleware ---------------------------------------------------------------
    async def process_request(self, request: Request) -> None:
        kind = request.meta.get("manba_page")
        if kind == "article" and request.meta.get("manba_incremental", True):
            await self._check_article(request)
        elif (
            kind in CONDITIONAL_KINDS
            and request.meta.get("manba_incremental", True)
            and not request.meta.get("playwright")  # a browser navigation answered 304 never loads
        ):
            await self._add_validators(request)

    def process_response(self, request: Request, response: Response) -> Response:
        kind = request.meta.get("manba_page")
        if kind not in CONDITIONAL_KINDS or not request.meta.get("manba_incremental", True):
            return response
        if response.status not in (200, 304):
            return response
        source_key = request.cb_kwargs.get("source_key")
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        self.pending[request.url] = PendingCheck(
            kind=kind,
            source_key=source_key,
            status=response.status,
            etag=etag.decode("latin-1") if etag else None,
            last_modified=last_modified.decode("latin-1") if last_modified else None,
            at=datetime.now(UTC),
        )
        if response.status == 304:
            self._inc("manba/conditional/not_modified")
            if source_key:
                self._inc(f"manba/source/{source_key}/pages_ok")
                self._inc(f"manba/source/{source_key}/not_modified")
            raise NotModified(f"not modified since the last crawl: {request.url}")
        return response

    async def _check_article(self, request: Request) -> None:
        known = await self.store.read(lambda session: known_article(session, request.url))
        source_key = request.cb_kwargs.get("source_key")
        if known is None:
            self._inc("manba/incremental/new")
            return
        if source_key:
            self._inc(f"manba/source/{source_key}/known")
        due = recheck_due(
            checked_at=known.checked_at,
            published_at=known.published_at,
            now=datetime.now(UTC),
            policy=self.policy,
            changed_hint=parse_changed(request.meta.get("manba_changed")),
        )
        if due:
            self._inc("manba/incremental/rechecked")
            return
        self._inc("manba/incremental/skipped")
        raise AlreadyStored(f"stored and not due for a re-check: {request.url}")

    async def _add_validators(self, request: Request) -> None:
        if b"If-None-Match" in request.headers or b"If-Modified-Since" in request.headers:
            return

        def validators_of(session: Session) -> tuple[str | None, str | None] | None:
            check = page_check(session, request.url)
            if check is None or check.status not in (200, 304):
                return None
            return check.etag, check.last_modified

        validators = await self.store.read(validators_of)
        if validators is None or validators == (None, None):
            return
        etag, last_modified = validators
        if etag:
            request.headers[b"If-None-Match"] = etag
        if last_modified:
            request.headers[b"If-Modified-Since"] = last_modified
        self._inc("manba/conditional/sent")
