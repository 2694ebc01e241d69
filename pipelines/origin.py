"""Follow a copy's attribution to the origin site and attach the original release.

For a copy whose chain ends at a registry source with an ``origin`` entry, search the
origin site (or scan its listing pages), fetch a bounded number of candidates near
the copy's date, and keep the one whose text contains the copy's
(``core.origin.best_match``). The copy leaves this stage with ``origin`` set, or
with a counted reason in ``origin_status`` (``manba/origin/<status>``).

Fetches go through Scrapy's downloader (robots.txt, per-domain politeness, retries,
browser rendering for ``render = true`` sources) but stay on the origin source's hosts,
and each page is fetched once per crawl however many copies point at it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Generic, Self, TypeVar

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response, TextResponse
from scrapy.statscollectors import StatsCollector
from scrapy.utils.misc import load_object
from sqlalchemy import Engine

from core.attribution import NameIndex
from core.items import ArticleItem
from core.origin import best_match, plausible_date, search_queries, search_url
from core.registry import Registry, Source
from core.syndication.similarity import COPY_THRESHOLD
from core.text.urls import canonical_url
from crawler import shared
from crawler.config import database_url
from crawler.fetch import NotAPage, page_response, render_meta
from crawler.pages import listing_class, page_class
from crawler.settings_check import read_bool, read_float, read_int
from pipelines.attribution import attribute_item
from pipelines.normalise import normalise_item
from storage.crawlstate import linked_to_origin
from storage.db import make_engine, make_sessionmaker
from storage.outage import log_wait, through_outage_async

Fetch = Callable[[scrapy.Request], Awaitable[Response]]
logger = logging.getLogger(__name__)


def why(item: ArticleItem, status: str) -> str:
    """The outcome of following ``item``'s credit, for people (what ``origin_status`` counts)."""
    key = item.attributed_source
    if status == "found" and item.origin is not None:
        return f"found {item.origin.canonical_url} (similarity {item.similarity or 0:.2f})"
    return {
        "unresolved_source": "not followed: its credit names no source the registry knows",
        "other_language": f"not followed: the page is in {item.lang!r}; the store links translations",
        "no_origin_site": f"not followed: the registry gives source {key!r} no origin search or listings",
        "self": f"not followed: the page is on {key!r}'s own site",
        "no_candidates": f"stopped: {key!r}'s origin search and listings gave no candidate page",
        "not_found": f"stopped: no candidate page of {key!r} was near its date and similar enough",
        "already_linked": "not followed again: the stored copy is already linked to its origin",
    }.get(status, status)


T = TypeVar("T")


class _TaskCache(Generic[T]):
    """Tasks by key, at most ``size`` of them (the least recently used go first), each for at most
    ``ttl`` seconds (``None``: while there is room). An evicted task still finishes for whoever
    awaits it; the next request for its key starts a new one."""

    def __init__(
        self, size: int, ttl: float | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.size, self.ttl, self.clock = size, ttl, clock
        self._items: OrderedDict[str, tuple[float, asyncio.Task[T]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: str, start: Callable[[], Awaitable[T]]) -> asyncio.Task[T]:
        found = self._items.get(key)
        now = self.clock()
        if found is not None and (self.ttl is None or now - found[0] < self.ttl):
            self._items.move_to_end(key)
            return found[1]
        task = asyncio.ensure_future(start())
        self._items[key] = (now, task)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return task


class OriginFollower:
    """The fetching half of origin following, with bounded caches of candidate pages and of
    listings (a listing is read again after ``listing_ttl`` seconds: a long crawl sees the
    releases published since)."""

    def __init__(
        self,
        registry: Registry,
        fetch: Fetch,
        *,
        fetch_errors: tuple[type[BaseException], ...] = (IgnoreRequest,),
        max_candidates: int = 8,
        max_queries: int = 2,
        listing_pages: int = 3,
        window_days: int = 14,
        threshold: float = COPY_THRESHOLD,
        stats: StatsCollector | None = None,
        names: NameIndex | None = None,
        pages_remembered: int = 2048,
        listing_ttl: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.registry = registry
        self.names = names or NameIndex.from_registry(registry)
        self.fetch = fetch
        self.fetch_errors = fetch_errors
        self.max_candidates = max_candidates
        self.max_queries = max_queries
        self.listing_pages = listing_pages
        self.window_days = window_days
        self.threshold = threshold
        self.stats = stats
        self._pages: _TaskCache[ArticleItem | None] = _TaskCache(pages_remembered, clock=clock)
        self._lists: _TaskCache[list[str]] = _TaskCache(pages_remembered, listing_ttl, clock)

    # -- decisions -------------------------------------------------------
    async def follow(self, item: ArticleItem) -> str:
        """Attach ``item.origin`` when found; return the status to count."""
        key = item.attributed_source
        if key is None:
            return "unresolved_source"
        if item.lang != "fa":
            # No text measure finds a Persian release from an English or Arabic text: the store
            # links such a copy by what survives translation (storage.translations).
            return "other_language"
        source = self.registry.sources.get(key)
        if source is None or source.origin is None:
            return "no_origin_site"
        if source.key == item.site:
            return "self"
        urls = await self._candidate_urls(item, source)
        if not urls:
            return "no_candidates"
        pages = await asyncio.gather(*(self._page(url, source) for url in urls))
        candidates = [
            page
            for page in pages
            if page is not None and plausible_date(item.published_at, page.published_at, self.window_days)
        ]
        match = best_match(
            item.body, [c.body for c in candidates], self.threshold, [a.phrase for a in item.attributions]
        )
        if match is None:
            return "not_found"
        item.origin = candidates[match.index]
        item.similarity = match.similarity
        return "found"

    async def _candidate_urls(self, item: ArticleItem, source: Source) -> list[str]:
        assert source.origin is not None
        found: dict[str, None] = {}
        if source.origin.search:
            phrases = [a.phrase for a in item.attributions]
            for query in search_queries(item.body, phrases, limit=self.max_queries):
                for url in await self._listing(search_url(source.origin.search, query), source, pages=1):
                    found.setdefault(url, None)
                if found:
                    break
        for listing in source.origin.listings:
            if len(found) >= self.max_candidates:
                break
            for url in await self._listing(listing, source, pages=self.listing_pages):
                found.setdefault(url, None)
        return list(found)[: self.max_candidates]

    # -- fetching (bounded caches) ----------------------------------------
    def _listing(self, url: str, source: Source, pages: int) -> asyncio.Task[list[str]]:
        return self._lists.get(f"{pages} {url}", lambda: self._read_listing(url, source, pages))

    def _page(self, url: str, source: Source) -> asyncio.Task[ArticleItem | None]:
        url = canonical_url(url)
        return self._pages.get(url, lambda: self._read_page(url, source))

    async def _read_listing(self, url: str, source: Source, pages: int) -> list[str]:
        urls: list[str] = []
        next_url: str | None = url
        for _ in range(pages):
            if next_url is None:
                break
            # The registry's listing or search page is trusted; its pagination was found in a page.
            response = await self._get(next_url, source, article=False, trusted=next_url == url)
            if response is None:
                break
            listing = listing_class(source.page)(response, source.article_pattern)
            urls += [u for u in listing.article_urls() if self.registry.for_url(u) is source]
            next_url = listing.next_page()
        return urls

    async def _read_page(self, url: str, source: Source) -> ArticleItem | None:
        response = await self._get(url, source, article=True)
        if response is None:
            return None
        try:  # decoded and cleaned as the spider's own article pages are
            readable = page_response(response)
        except NotAPage as exc:
            self._inc(f"manba/origin/not_a_page/{exc.reason}")
            return None
        page = page_class(source.page)(readable, source.key).to_item()
        if not page.body.strip():
            return None
        normalise_item(page)
        return attribute_item(page, self.names, self.registry)

    async def _get(
        self, url: str, source: Source, *, article: bool, trusted: bool = False
    ) -> TextResponse | None:
        if self.registry.for_url(url) is not source:
            self._inc("manba/origin/offsite_skipped")
            return None
        kind = "origin_candidate" if article else "origin_listing"
        meta = {**render_meta(source, article=article), "manba_page": kind, "manba_trusted": trusted}
        # engine.download_async does not pass the scheduler, so no duplicate filter applies: the page
        # cache (crawler/middlewares/pagecache.py) and self._pages keep each page to one download.
        request = scrapy.Request(url, meta=meta)
        self._inc("manba/origin/requests")
        try:
            response = await self.fetch(request)
        except self.fetch_errors as exc:
            self._inc(f"manba/origin/fetch_error/{type(exc).__name__}")
            return None
        if response.status != 200 or not isinstance(response, TextResponse):
            self._inc(f"manba/origin/http_{response.status}")
            return None
        return response

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)


class StoredLinks:
    """``linked(canonical_url)``: is that copy already stored in a release with an origin?"""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._engine: Engine | None = None

    def __call__(self, canonical_url: str) -> bool:
        if self._engine is None:
            self._engine = make_engine(self.database_url, reader=True)
        with make_sessionmaker(self._engine).begin() as session:
            return linked_to_origin(session, canonical_url)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


class OriginPipeline:
    """Scrapy side of :class:`OriginFollower`.

    Settings: ``MANBA_FOLLOW_ORIGINS`` (default on; off → this stage is not installed),
    ``MANBA_ORIGIN_MAX_CANDIDATES`` (8), ``MANBA_ORIGIN_MAX_QUERIES`` (2),
    ``MANBA_ORIGIN_LISTING_PAGES`` (3), ``MANBA_ORIGIN_WINDOW_DAYS`` (14), ``MANBA_ORIGIN_EXPLAIN``
    (off: each copy's outcome and why is logged at DEBUG; on, as ``scrapy parse`` sets it, at INFO).

    A copy already stored with its origin (a re-check of a known page) is not followed again:
    its status is ``already_linked`` and the store keeps the link.
    """

    def __init__(
        self,
        follower: OriginFollower,
        stats: StatsCollector | None = None,
        linked: Callable[[str], bool] | None = None,
        explain: bool = False,
    ) -> None:
        self.follower = follower
        self.stats = stats
        self.linked = linked
        self.explain_level = logging.INFO if explain else logging.DEBUG

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not read_bool(settings, "MANBA_FOLLOW_ORIGINS", True):
            raise NotConfigured("MANBA_FOLLOW_ORIGINS is off")
        retried = settings.getlist("RETRY_EXCEPTIONS")
        errors = tuple(load_object(e) if isinstance(e, str) else e for e in retried)

        async def fetch(request: scrapy.Request) -> Response:
            assert crawler.engine is not None
            return await crawler.engine.download_async(request)

        follower = OriginFollower(
            shared.registry(crawler),
            fetch,
            fetch_errors=(IgnoreRequest, *errors),
            max_candidates=read_int(settings, "MANBA_ORIGIN_MAX_CANDIDATES", 8),
            max_queries=read_int(settings, "MANBA_ORIGIN_MAX_QUERIES", 2),
            listing_pages=read_int(settings, "MANBA_ORIGIN_LISTING_PAGES", 3),
            window_days=read_int(settings, "MANBA_ORIGIN_WINDOW_DAYS", 14),
            pages_remembered=read_int(settings, "MANBA_ORIGIN_PAGES_REMEMBERED", 2048),
            listing_ttl=read_float(settings, "MANBA_ORIGIN_LISTING_TTL", 600.0),
            stats=crawler.stats,
            names=shared.names(crawler),
        )
        linked = None
        store = read_bool(settings, "MANBA_STORE_ENABLED", True)
        if store and read_bool(settings, "MANBA_INCREMENTAL", True):
            linked = StoredLinks(database_url(settings))
            crawler.signals.connect(linked.close, signal=signals.spider_closed)
        return cls(follower, crawler.stats, linked, read_bool(settings, "MANBA_ORIGIN_EXPLAIN", False))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem) or item.role != "copy":
            return item
        linked = self.linked
        if linked is not None and await through_outage_async(
            lambda: linked(item.canonical_url), on_wait=log_wait("looking up a stored copy")
        ):
            # A re-check of a copy already placed with its origin: the store keeps the link
            # (absence never unlinks), so the origin site is not searched again.
            item.origin_status = "already_linked"
        else:
            item.origin_status = await self.follower.follow(item)
        if self.stats is not None:
            self.stats.inc_value(f"manba/origin/{item.origin_status}")
        logger.log(self.explain_level, "origin of %s: %s", item.canonical_url, why(item, item.origin_status))
        return item
