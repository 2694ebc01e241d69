"""What every Manba spider shares: the registry, and turning an article page into an item.

Spiders only decide what to request next; fields come from page objects.

Every article request ends as an item or as a drop counted under ``manba/drop/<reason>`` (the
reasons are listed in the README): a fetch that fails (an HTTP error status after retries, a
time-out, a reset connection, a redirect loop, a body over ``DOWNLOAD_MAXSIZE`` …) reaches
:meth:`ManbaSpider.article_failed`; a page that is no page (empty, binary, PDF), or one a redirect
took off the site, is dropped in :meth:`ManbaSpider.parse_article`; the pipelines drop the rest
(``pipelines/validate.py``). Before a page object sees a response, its charset is settled from
the bytes (``core/text/charset.py``) and characters no page means are removed
(``core/text/controls.py``).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from core.items import ArticleItem
from core.registry import Registry, Source
from core.text.language import language_of
from core.text.urls import canonical_url
from crawler import shared
from crawler.fetch import NotAPage, fetch_failure_reason, language_code, page_response, render_meta, same_site
from crawler.pages import page_class
from crawler.settings_check import read_float

DEFAULT_FUTURE_TOLERANCE_HOURS = 12.0
"""A publication date later than now plus this is not trusted (``MANBA_DATE_FUTURE_TOLERANCE_HOURS``):
wide enough for a site that writes Tehran time with a UTC offset, far short of a wrong year."""


FRAMEWORK_ARGUMENTS = {"_job": "scrapyd's job id, which scrapyd passes to every crawl it schedules"}
"""``-a`` arguments a crawl may get from what runs it rather than from the user."""


class ManbaSpider(scrapy.Spider):
    arguments: ClassVar[dict[str, str]] = {}
    """The ``-a NAME=VALUE`` arguments the spider takes, with what each means: ``scrapy crawl``
    refuses any other (``commands/preflight.py``), where Scrapy would make it a spider attribute."""
    registry: Registry
    future_tolerance: timedelta = timedelta(hours=DEFAULT_FUTURE_TOLERANCE_HOURS)
    url_length_limit: int = 2083
    filter_articles: bool = True
    """Whether article requests meet the scheduler's duplicate filter (see :meth:`article_request`)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ManbaSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.registry = shared.registry(crawler)
        settings = crawler.settings
        hours = read_float(settings, "MANBA_DATE_FUTURE_TOLERANCE_HOURS", DEFAULT_FUTURE_TOLERANCE_HOURS)
        spider.future_tolerance = timedelta(hours=hours)
        spider.url_length_limit = settings.getint("URLLENGTH_LIMIT", 2083)
        spider.filter_articles = bool(settings.get("MANBA_REDIS_URL")) or not settings.get("JOBDIR")
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        spider.check_arguments()
        return spider

    def check_arguments(self) -> None:
        """Validate ``-a`` arguments once the registry is known; raise ValueError with one line that
        names the argument. ``scrapy crawl`` calls it before the crawler starts, too."""

    def check_crawl(self) -> None:
        """What ``scrapy crawl`` alone refuses, after :meth:`check_arguments`: a crawl that could do
        nothing. ``scrapy shell``, ``parse`` and ``check`` build the spider without ``-a`` and are
        not refused. Raise ValueError with one line."""

    def article_request(self, url: str, source: Source | None) -> scrapy.Request:
        """The request for an article page, on its canonical URL.

        The scheduler's duplicate filter sees it, so an article is requested once per crawl: in
        distributed mode that filter is the one the workers share (``crawler/distributed.py``), and
        it is what keeps two workers that both read a listing from both fetching its articles. The
        one exception is a one-process crawl with a ``JOBDIR``: its filter outlives a crash, and
        would refuse, on resuming, the articles that were in flight when the crawl died; there the
        spider's own bookkeeping and the store (``crawler.middlewares.incremental``) deduplicate."""
        self.crawler.stats.inc_value("manba/article/requested")
        with contextlib.suppress(ValueError):  # an unparsable port or IPv6 literal: the request says so
            url = canonical_url(url)
        request = scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            meta={**render_meta(source, article=True), "manba_page": "article"},
            cb_kwargs={"source_key": source.key if source else None},
            dont_filter=not self.filter_articles,
        )
        if self.url_length_limit and len(request.url) > self.url_length_limit:
            # UrlLengthMiddleware will not send it (the escaped URL is what it measures); count it
            # here, where the reason is known.
            self.drop("url_too_long", request.url, f"{len(request.url)} characters")
        return request

    def drop(self, reason: str, url: str, detail: str = "") -> None:
        """Count an article page that will not be stored, and say why."""
        self.crawler.stats.inc_value(f"manba/drop/{reason}")
        shown = url if len(url) <= 200 else f"{url[:200]}… ({len(url)} characters)"
        self.logger.warning("dropped %s (%s%s)", shown, reason, f": {detail[:300]}" if detail else "")

    def article_failed(self, failure: Failure) -> None:
        """Errback of article requests: count the failure under its reason."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        reason = fetch_failure_reason(failure)
        if reason is None:
            self.logger.debug("not fetched: %s (%s)", url, failure.value)
            return
        self.drop(reason, url, f"{type(failure.value).__name__}: {failure.value}".strip().rstrip(":"))

    def request_dropped(self, request: Request, spider: scrapy.Spider | None = None) -> None:
        """The scheduler's duplicate filter ending a redirect loop (requests that may be filtered)."""
        if request.meta.get("manba_page") != "article":
            return
        if request.url not in request.meta.get("redirect_urls", ()):
            return  # a duplicate, not a loop
        self.drop("redirect_loop", request.url, "redirected back to a URL already fetched")

    def left_site(self, response: Response, source: Source | None) -> str | None:
        """The host a redirect took this article page to when it is off the page's site (not the
        requested host's site, nor one of the source's registry hosts); else ``None``."""
        request = response.request
        chain = request.meta.get("redirect_urls") if request is not None else None
        first = chain[0] if chain else (request.url if request is not None else response.url)
        start, final = urlsplit(first).hostname or "", urlsplit(response.url).hostname or ""
        if not final or same_site(start, final):
            return None
        if source is not None and self.registry.for_url(response.url) is source:
            return None
        return final

    def parse_article(self, response: Response, source_key: str | None = None) -> Iterator[ArticleItem]:
        source = self.registry.get(source_key) if source_key else self.registry.for_url(response.url)
        elsewhere = self.left_site(response, source)
        if elsewhere is not None:
            self.drop("offsite_redirect", response.url, f"redirected to {elsewhere}")
            return
        try:
            readable = page_response(response)
        except NotAPage as exc:
            self.drop(exc.reason, response.url, exc.detail)
            return
        site = source.key if source else (urlsplit(response.url).hostname or "unknown")
        page = page_class(source.page if source else None)(readable, site)
        try:
            item = page.to_item()
        except Exception as exc:
            # A page object (or the extractor under it) that chokes on one hostile page loses
            # that page, counted and logged with its error, not the crawl's attention.
            self.crawler.stats.inc_value("manba/drop/extract_failed")
            self.crawler.stats.inc_value(f"manba/extract_error/{type(exc).__name__}")
            self.logger.error("dropped %s (extract_failed: %s: %s)", response.url, type(exc).__name__, exc)
            self.logger.debug("extraction failed on %s", response.url, exc_info=True)
            return
        if readable is not response:
            item.raw_hash = hashlib.sha256(response.body).hexdigest()
        self.check_canonical(item, source)
        self.check_date(item)
        # The template's <html lang> is checked against the text's script (language_of).
        item.lang = language_of(f"{item.title}\n{item.body}", language_code(item.lang))
        self.crawler.stats.inc_value(f"manba/article/extracted/{page.name}")
        yield item

    def check_canonical(self, item: ArticleItem, source: Source | None) -> None:
        """A rel=canonical that is not an http(s) URL on the page's own site (or its source's
        hosts) is not the page's identity: a copy pointing at its original, a ``javascript:``
        link. The page's own URL identifies it then."""
        target = urlsplit(item.canonical_url)
        own = urlsplit(item.url).hostname or ""
        if target.scheme in {"http", "https"} and target.hostname and (
            same_site(own, target.hostname)
            or (source is not None and self.registry.for_url(item.canonical_url) is source)
        ):
            return
        self.crawler.stats.inc_value("manba/canonical/ignored")
        self.logger.info("rel=canonical %s of %s ignored", item.canonical_url[:200], item.url)
        item.canonical_url = canonical_url(item.url)

    def check_date(self, item: ArticleItem) -> None:
        """Count pages without a date; a date in the future is not trusted (stored as none)."""
        if item.published_at is None:
            self.crawler.stats.inc_value("manba/date/missing")
        elif item.published_at > datetime.now(UTC) + self.future_tolerance:
            self.crawler.stats.inc_value("manba/date/future")
            self.logger.warning("date in the future ignored: %s (%s)", item.url, item.published_at)
            item.published_at = None
