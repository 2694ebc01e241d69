"""Crawl registry sources from their listing pages, feeds and sitemaps.

    scrapy crawl sources                    # every enabled source
    scrapy crawl sources -a source=ict,isna # some of them
    scrapy crawl sources -s JOBDIR=data/job # resumable: after a crash, the same command goes on

Listing pages, feeds and sitemaps are asked for in every run (conditionally: see
``crawler.middlewares.incremental``) and article URLs are deduplicated within the run, by the
scheduler's duplicate filter (shared by the workers of a distributed crawl), and against the
store. A one-process run with a ``JOBDIR`` keeps its article requests out of that filter, which
would outlive a crash: resumed, it asks again for whatever was in flight when it died and ends with
the rows an uninterrupted run leaves (``ManbaSpider.article_request``).

Per source ``K`` it counts what the close-time checks (``core.checks``) and the re-poll
schedule (``core.recrawl``) read: ``manba/source/K/start_pages``, ``…/pages_ok``,
``…/parsed`` (fetched and read; ``pages_ok`` also counts pages answered 304 Not Modified),
``…/pages_failed`` with ``…/failure/<reason>``, and ``…/seen`` (distinct article URLs shown).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from core.registry import RegistryError, Source
from crawler.fetch import render_meta
from crawler.pages import LISTINGS
from crawler.pages.base import ListingPage
from crawler.spiders.base import ManbaSpider


def feed_date(value: str | None) -> str | None:
    """An RSS date (RFC 822) as ISO 8601, or ``None`` when it is missing or unreadable."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value.strip()).isoformat()
    except (TypeError, ValueError):
        return None


class SourcesSpider(ManbaSpider):
    name = "sources"
    arguments: ClassVar[dict[str, str]] = {
        "source": "registry keys, comma-separated (default: every enabled source)",
    }

    def __init__(self, source: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source_arg = source
        self._seen: dict[str, set[str]] = {}
        self._requested: set[str] = set()
        self.page_links: dict[str, list[str]] = {}

    def check_arguments(self) -> None:
        keys = [k.strip() for k in self.source_arg.split(",") if k.strip()]
        try:
            self.selected = [self.registry.get(k) for k in keys] if keys else self.registry.enabled()
        except RegistryError as exc:
            raise ValueError(f"-a source={self.source_arg}: {exc}") from None
        if not self.selected:
            raise ValueError(
                f"no enabled source in {self.registry.path}: enable one there, or name one with -a source=KEY"
            )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        callbacks = {"listing": self.parse_listing, "feed": self.parse_feed, "sitemap": self.parse_sitemap}
        for source in self.selected:
            for kind, url in source.start_urls():
                self._count(source.key, "start_pages")
                # Registry URLs are trusted (crawler.middlewares.netguard); what pages link to is checked.
                # Not filtered: every run (and every worker joining a running job) polls its start
                # pages for news, and a run resumed from its JOBDIR reads them again.
                yield scrapy.Request(url, callback=callbacks[kind], errback=self.page_failed,
                                     meta={**render_meta(source), "manba_page": kind, "manba_trusted": True},
                                     cb_kwargs={"source_key": source.key, "page_no": 1}, dont_filter=True)

    def _source(self, key: str) -> Source:
        return self.registry.get(key)

    def _count(self, key: str, name: str) -> None:
        self.crawler.stats.inc_value(f"manba/source/{key}/{name}")

    def _on_source(self, source: Source, url: str) -> bool:
        """Links found in a source's pages are followed only onto that source's own hosts."""
        if self.registry.for_url(url) is source:
            return True
        self.crawler.stats.inc_value("manba/offsite/skipped")
        self.logger.debug("not following a link off %s's hosts: %s", source.key, url)
        return False

    def _articles(
        self,
        source: Source,
        page: Response,
        found: Iterable[tuple[str, str | None]],
        *,
        match_pattern: bool = True,
    ) -> Iterator[scrapy.Request]:
        """Requests for the article URLs (with an optional changed-at hint) that a listing, feed or
        sitemap of ``source`` showed: those matching its article pattern, on its own hosts. Each
        page's article URLs are kept in ``page_links``: the incremental middleware remembers a
        page's validators only once all of them are stored."""
        seen = self._seen.setdefault(source.key, set())
        links = self.page_links.setdefault(page.request.url if page.request else page.url, [])
        for url, changed in found:
            if match_pattern and not self._is_article(source, url):
                continue
            if not self._on_source(source, url):
                continue
            if url not in seen:
                seen.add(url)
                self._count(source.key, "seen")
            request = self.article_request(url, source)
            links.append(request.url)
            if request.url in self._requested:
                continue
            self._requested.add(request.url)
            # Within this process; across workers the scheduler's shared filter (see article_request).
            if changed:
                request.meta["manba_changed"] = changed
            yield request

    def page_failed(self, failure: Failure) -> None:
        """Errback of listing pages, feeds and sitemaps: count why, per source. A page the
        incremental middleware answered from what it knows (304) is not a failure."""
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return
        request = failure.request  # type: ignore[attr-defined]
        key = request.cb_kwargs.get("source_key", "unknown")
        if isinstance(failure.value, HttpError):
            reason = f"HTTP {failure.value.response.status}"
        else:
            reason = type(failure.value).__name__
        self._count(key, "pages_failed")
        self._count(key, f"failure/{reason}")
        self.logger.warning("source %s: could not fetch %s (%s)", key, request.url, reason)

    def _is_article(self, source: Source, url: str) -> bool:
        return source.article_pattern is None or re.search(source.article_pattern, url) is not None

    def parse_listing(self, response: Response, source_key: str, page_no: int) -> Iterator[scrapy.Request]:
        """Article links of a listing page, and its next page."""
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("manba/skip/listing_not_text")
            self._count(source_key, "pages_failed")
            self._count(source_key, "failure/not a text page")
            return
        source = self._source(source_key)
        self._count(source.key, "pages_ok")
        self._count(source.key, "parsed")
        self.crawler.stats.inc_value(f"manba/listing/pages/{source.key}")
        listing_cls = LISTINGS.get(source.page or "", ListingPage)
        listing = listing_cls(response, source.article_pattern)
        found = ((url, None) for url in listing.article_urls())  # the listing matched the pattern
        yield from self._articles(source, response, found, match_pattern=False)
        next_url = listing.next_page()
        if next_url and page_no < source.max_listing_pages and self._on_source(source, next_url):
            yield scrapy.Request(next_url, callback=self.parse_listing, errback=self.page_failed,
                                 meta={**render_meta(source), "manba_page": "listing"},
                                 cb_kwargs={"source_key": source.key, "page_no": page_no + 1},
                                 dont_filter=True)

    def parse_feed(self, response: Response, source_key: str, page_no: int) -> Iterator[scrapy.Request]:
        """Article links of an RSS or Atom feed, with their dates."""
        source = self._source(source_key)
        self._count(source.key, "pages_ok")
        self._count(source.key, "parsed")
        self.crawler.stats.inc_value(f"manba/feed/fetched/{source.key}")
        selector = scrapy.Selector(text=response.text if isinstance(response, TextResponse) else
                                   response.body.decode("utf-8", "replace"), type="xml")
        selector.remove_namespaces()
        items = [
            (response.urljoin(link.strip()), feed_date(entry.xpath("pubDate/text()").get()))
            for entry in selector.xpath("//item")
            if (link := entry.xpath("link/text()").get())
        ]
        entries = [
            (response.urljoin(link.strip()), entry.xpath("updated/text()").get())
            for entry in selector.xpath("//entry")
            if (link := entry.xpath("link[not(@rel) or @rel='alternate']/@href").get())
        ]
        yield from self._articles(source, response, items + entries)

    def parse_sitemap(self, response: Response, source_key: str, page_no: int) -> Iterator[scrapy.Request]:
        """Article links of a sitemap with their ``<lastmod>``, or the sitemaps of a sitemap index."""
        source = self._source(source_key)
        try:
            sitemap = Sitemap(response.body)
        except Exception:  # lxml raises several types on broken XML
            self.crawler.stats.inc_value("manba/skip/bad_sitemap")
            self._count(source.key, "pages_failed")
            self._count(source.key, "failure/unreadable sitemap")
            self.logger.warning("unreadable sitemap: %s", response.url)
            return
        self._count(source.key, "pages_ok")
        self._count(source.key, "parsed")
        self.crawler.stats.inc_value(f"manba/sitemap/fetched/{source.key}")
        if sitemap.type == "sitemapindex":
            for entry in sitemap:
                url = response.urljoin(entry["loc"].strip())
                if page_no < source.max_listing_pages and self._on_source(source, url):
                    yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.page_failed,
                                         meta={"manba_page": "sitemap"},
                                         cb_kwargs={"source_key": source.key, "page_no": page_no + 1})
            return
        found = ((response.urljoin(entry["loc"].strip()), entry.get("lastmod")) for entry in sitemap)
        yield from self._articles(source, response, found)
