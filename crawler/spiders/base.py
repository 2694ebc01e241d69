"""What every Manba spider shares: the registry, and turning an article page into an item.

Spiders only decide what to request next; fields come from page objects.

Every article request ends as an item or as a drop counted under ``manba/drop/<reason>`` (the
reasons are listed in the README): a fetch that fails (an HTTP error status after retries, a
time-out, a reset connection, a redirect loop, a body over ``DOWNLOAD_MAXSIZE`` …) reaches
:meth:`ManbaSpider.article_failed`; a page that is no page (empty, binary, PDF), or one a redirect
took off the site, is dropped in :meth:`ManbaSpider.parse_article`; the pipelines drop the rest
(``pipelines/validate.py``). Before a page object sees a response, its charset is settled from
the bytes (``crawler/text/charset.py``) and characters no page means are removed
(``crawler/text/controls.py``).
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import ipaddress
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy_playwright.page import PageMethod
from twisted.internet import error as tx_error
from twisted.python.failure import Failure
from twisted.web._newclient import ParseError, ResponseFailed
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

from crawler.items import ArticleItem
from crawler.netguard import BlockedAddress
from crawler.pages import page_class
from crawler.registry import Registry, Source, load_registry
from crawler.text.charset import body_problem, decode
from crawler.text.controls import strip_controls
from crawler.text.urls import canonical_url

DEFAULT_FUTURE_TOLERANCE_HOURS = 12.0
"""A publication date later than now plus this is not trusted (``MANBA_DATE_FUTURE_TOLERANCE_HOURS``):
wide enough for a site that writes Tehran time with a UTC offset, far short of a wrong year."""


def render_meta(source: Source | None, *, article: bool = False) -> dict[str, Any]:
    """Request meta sending a page through Chromium, for sources that need a browser only.

    Article pages wait for the page object's ``render_wait_css`` when it names one, so the
    DOM is read after the site's script has filled it.
    """
    if source is None or not source.render:
        return {}
    meta: dict[str, Any] = {
        "playwright": True,
        "playwright_page_goto_kwargs": {"wait_until": "networkidle"},
    }
    wait_css = page_class(source.page).render_wait_css if article else None
    if wait_css:
        meta["playwright_page_methods"] = [PageMethod("wait_for_selector", wait_css, timeout=15_000)]
    return meta


PAGE_KINDS = ("article", "listing", "feed", "sitemap", "origin_candidate", "origin_listing")
"""``request.meta["manba_page"]``: what a request fetches. Middlewares decide by it (incremental
skips known articles, conditional GETs for listings, feeds and sitemaps, the fetch-once page cache)."""


# --- why an article fetch failed ---------------------------------------------------------------

_TIMEOUTS = (DownloadTimeoutError, tx_error.TimeoutError, tx_error.TCPTimedOutError, TimeoutError)
_CONNECTION = (DownloadFailedError, ResponseFailed, tx_error.ConnectionLost, tx_error.ConnectionDone,
               tx_error.ConnectError)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, what it was raised from, and the failures a Twisted ResponseFailed wraps."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if current.__cause__ is not None:
            stack.append(current.__cause__)
        for reason in getattr(current, "reasons", None) or ():
            if isinstance(reason, Failure) and isinstance(reason.value, BaseException):
                stack.append(reason.value)


def _redirect_reason(request: Request) -> str:
    chain = [*request.meta.get("redirect_urls", ()), request.url]
    return "redirect_loop" if len(set(chain)) < len(chain) else "too_many_redirects"


def fetch_failure_reason(failure: Failure) -> str | None:
    """The ``manba/drop/`` reason of an article request that ended in ``failure``; ``None`` when
    the request was not fetched on purpose (already stored and not due, and the like)."""
    exc = failure.value
    if exc is None:
        return "fetch_failed"
    request: Request | None = getattr(failure, "request", None)
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    if isinstance(exc, BlockedAddress):
        return "blocked_address"
    if isinstance(exc, IgnoreRequest):
        message = str(exc)
        if "max redirections" in message:
            return _redirect_reason(request) if request is not None else "too_many_redirects"
        if "DOWNLOAD_MAXSIZE" in message:  # HttpCompressionMiddleware: a decompression bomb
            return "too_large"
        if "robots.txt" in message:
            return "robots_txt"
        return None
    causes = list(_causes(exc))
    if isinstance(exc, DownloadCancelledError):
        return "too_large"  # the HTTP handler cancels a download only for DOWNLOAD_MAXSIZE
    if isinstance(exc, ResponseDataLossError):
        return "incomplete_body"
    if isinstance(exc, _TIMEOUTS) or type(exc).__name__ == "TimeoutError":  # also Playwright's
        return "timeout"
    if isinstance(exc, DownloadConnectionRefusedError | tx_error.ConnectionRefusedError):
        return "connection_refused"
    if isinstance(exc, CannotResolveHostError | tx_error.DNSLookupError):
        return "dns_error"
    if any(isinstance(c, ParseError) for c in causes):
        return "bad_response"
    if isinstance(exc, _CONNECTION):
        return "connection_lost"
    if isinstance(exc, ValueError) and "url" in str(exc).lower():
        # A request URL was valid when it was made, so this is a redirect to an unusable one.
        return "bad_redirect"
    return "fetch_failed"


# --- what a response is -------------------------------------------------------------------------

_MARKUP = re.compile(r"<(?:!doctype\s+html|html|head|body|title|meta|article|main|div|p|h1|h2)[\s>/]", re.I)


_LANGUAGE = re.compile(r"[a-z]{2,3}(?![a-z])")


class NotAPage(Exception):
    """A response no page object can read; ``reason`` is its ``manba/drop/`` reason."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def _same_codec(a: str, b: str) -> bool:
    try:
        return codecs.lookup(a).name == codecs.lookup(b).name
    except LookupError:
        return False


def page_response(response: Response) -> HtmlResponse:
    """``response`` as HTML a page object can read: decoded by the charset its bytes are really
    in (``crawler/text/charset.py``), without NUL, bidi or other control characters; the same
    object when nothing needed changing. Raises :class:`NotAPage` for empty and binary bodies,
    non-text content types and text that is not HTML."""
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
    problem = body_problem(response.body)
    if problem == "empty":
        raise NotAPage("empty_page", content_type)
    if problem == "binary" or not isinstance(response, TextResponse):
        raise NotAPage("not_html", content_type or "binary body")
    declared = (http_content_type_encoding(content_type), html_body_declared_encoding(response.body))
    text, codec = decode(response.body, declared)
    if not isinstance(response, HtmlResponse) and not _MARKUP.search(text[:65536]):
        raise NotAPage("not_html", content_type)
    cleaned = strip_controls(text)
    if not cleaned.strip():
        raise NotAPage("empty_page", content_type)
    if isinstance(response, HtmlResponse) and cleaned is text and _same_codec(codec, response.encoding):
        return response
    return response.replace(cls=HtmlResponse, body=cleaned.encode("utf-8"), encoding="utf-8")


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def same_site(host: str, other: str) -> bool:
    """Whether two host names belong to one site: equal, or one a subdomain of the other
    (``example.com``, ``www.example.com``, ``m.example.com``); IP addresses only when equal."""
    host, other = host.lower().rstrip("."), other.lower().rstrip(".")
    if host == other:
        return True
    if _is_address(host) or _is_address(other):
        return False
    host, other = host.removeprefix("www."), other.removeprefix("www.")
    return host == other or host.endswith("." + other) or other.endswith("." + host)


def language_code(value: str | None, default: str = "fa") -> str:
    """The two- or three-letter language of an ``<html lang>`` value (``fa-IR``, ``fa_IR.UTF-8``),
    or ``default`` for one that names none (``persian``, garbage)."""
    found = _LANGUAGE.match((value or "").strip().lower())
    return found[0] if found else default


class ManbaSpider(scrapy.Spider):
    registry: Registry
    future_tolerance: timedelta = timedelta(hours=DEFAULT_FUTURE_TOLERANCE_HOURS)
    url_length_limit: int = 2083

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ManbaSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.registry = load_registry(crawler.settings.get("MANBA_SOURCES_FILE"))
        hours = crawler.settings.getfloat("MANBA_DATE_FUTURE_TOLERANCE_HOURS", DEFAULT_FUTURE_TOLERANCE_HOURS)
        spider.future_tolerance = timedelta(hours=max(0.0, hours))
        spider.url_length_limit = crawler.settings.getint("URLLENGTH_LIMIT", 2083)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        spider.check_arguments()
        return spider

    def check_arguments(self) -> None:
        """Validate ``-a`` arguments once the registry is known; raise ValueError with the reason."""

    def article_request(self, url: str, source: Source | None) -> scrapy.Request:
        self.crawler.stats.inc_value("manba/article/requested")
        with contextlib.suppress(ValueError):  # an unparsable port or IPv6 literal: the request says so
            url = canonical_url(url)
        request = scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            meta={**render_meta(source, article=True), "manba_page": "article"},
            cb_kwargs={"source_key": source.key if source else None},
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
        item.lang = language_code(item.lang)
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
