"""What every component shares about a fetched page, spiders and origin following alike: the
request meta that sends a page through Chromium, the kinds of page a request fetches, why a fetch
failed (a ``manba/drop/`` reason), and a response settled into HTML a page object can read (its
charset from the bytes, ``core/text/charset.py``; no control characters, ``core/text/controls.py``).
"""

from __future__ import annotations

import codecs
import ipaddress
import re
from collections.abc import Iterator
from typing import Any

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

from core.registry import Source
from core.text.charset import body_problem, decode
from core.text.controls import strip_controls
from crawler.middlewares.netguard import BlockedAddress
from crawler.middlewares.retryafter import HostGivenUp
from crawler.pages import page_class


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
    if isinstance(exc, HostGivenUp):
        return "host_given_up"
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
    in (``core/text/charset.py``), without NUL, bidi or other control characters; the same
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
