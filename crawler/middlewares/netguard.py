"""Keep crawls off private networks: private, loopback, link-local and other non-public addresses
are refused, unless an operator asked for the URL — by the name a link gives, by the address a
download actually connected to, and for everything the browser loads.

A crawler that follows links found in pages can be steered by those pages: a listing or a
search result pointing at ``http://169.254.169.254/`` or ``http://10.0.0.5/admin`` must not be
fetched. Requests the operator named are trusted (``meta["manba_trusted"] = True``: the URLs of
``scrapy crawl urls`` and the registry's listing pages, feeds, sitemaps and origin search pages);
everything found in a page, and every redirect target, is checked. Three places apply one rule:

- :class:`NetGuardMiddleware` (``DOWNLOADER_MIDDLEWARES``, 90) refuses a request before it is sent:
  its IP literal, or every address its host name resolves to (once per host, in a thread, cached
  for the crawl). A name that does not resolve is let through: the download fails on its own.
- :class:`ConnectedAddressMiddleware` (950, nearest the downloader) judges the address the download
  connected to (``Response.ip_address``) before retries, redirects, decompression or the page cache
  see the response. The downloader resolves a name again, on its own, so a name that resolved to a
  public address for the check and to 127.0.0.1 for the connection (DNS rebinding) is caught
  here, after one request reached that address and before anything read its answer. Preventing
  the connection instead, with a resolver (``TWISTED_DNS_RESOLVER``) that refuses non-public
  answers, was not taken: Scrapy builds the resolver once per process, not per crawler, and
  installs it only under ``CrawlerProcess``; it cannot tell a trusted request from a found link,
  nor one crawl's loopback allowance from another's; and a refused lookup would read as a DNS
  failure. A response without an address is not judged: no connection was made for it (a page
  replayed by the page cache, judged when it was downloaded) or the handler does not report one
  (``file:``, ``data:``). Through a proxy (``meta["proxy"]``) the address connected to is the
  proxy's, and the proxy resolves the name: such responses are not judged either.
- :class:`GuardedPlaywrightHandler` (``DOWNLOAD_HANDLERS``) runs scrapy-playwright's abort hook on
  every request Chromium makes — the page, its scripts, images, frames, XHRs — and aborts those
  whose host is refused, before any packet leaves. Trust does not reach into the browser: the page
  named by the operator is checked like the rest. Service workers are blocked in every browser
  context, because what they fetch bypasses the hook. Chromium resolves names
  itself, so a rebinding name can still get a sub-resource through; the page's own address is
  judged by :class:`ConnectedAddressMiddleware` (scrapy-playwright reports it). Redirects Chromium
  follows, WebSocket connections and ``<link rel="preconnect">`` are not seen by the hook.

Only globally routable addresses pass: ``ipaddress``'s ``is_global``, which misses multicast and,
depending on the Python version, some special-purpose ranges (hence :data:`NOT_GLOBAL`). An IPv6
address that carries an IPv4 one (IPv4-mapped ``::ffff:a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4
``2002::/16``) is judged by the IPv4 address: ``::ffff:169.254.169.254`` is the metadata service.

Settings: ``MANBA_ALLOW_LOOPBACK`` (default off; the fixture web on 127.0.0.x turns it on —
private and link-local addresses stay refused). Stats, with kind ``private`` (shared address space
100.64.0.0/10 included: carrier-grade NAT, and the metadata service of some clouds at
100.100.100.200), ``loopback``, ``link_local`` or ``reserved`` (every other address that is not
globally routable): ``manba/blocked/<kind>`` (a request refused by its name or address),
``manba/blocked/connected/<kind>`` (a response refused by the address it came from),
``manba/blocked/browser/<kind>`` (a request of Chromium's aborted).
"""

from __future__ import annotations

import asyncio
import inspect
import ipaddress
import logging
import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Self
from urllib.parse import urlsplit

from playwright.async_api import Request as PlaywrightRequest
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from scrapy_playwright.handler import BrowserContextWrapper, ScrapyPlaywrightDownloadHandler

logger = logging.getLogger(__name__)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddress(IgnoreRequest):
    """A request found in a page (or redirected) to a non-public address, or a response from one."""

    def __init__(self, url: str, kind: str) -> None:
        super().__init__(f"refused to fetch {url}: {kind.replace('_', '-')} address ({allowed_by(kind)})")
        self.kind = kind


def allowed_by(kind: str) -> str:
    """What would let a refused address through, for the refusal's message."""
    if kind == "loopback":
        return "-s MANBA_ALLOW_LOOPBACK=1 allows loopback addresses"
    return (
        "no setting allows it; only URLs given to scrapy crawl urls and the registry's own pages are "
        "trusted without the check"
    )


SHARED = ipaddress.ip_network("100.64.0.0/10")
NOT_GLOBAL = tuple(
    ipaddress.ip_network(n)
    for n in (
        "192.0.0.0/24",  # IETF protocol assignments (Python 3.11 calls most of it global)
        "198.18.0.0/15",  # benchmarking
        "64:ff9b:1::/48",  # local-use NAT64
        "2001::/23",  # IETF protocol assignments (Teredo, ORCHID, …)
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing
    )
)
"""Special-purpose ranges that are not globally reachable, whatever the Python version says."""
NAT64 = ipaddress.ip_network("64:ff9b::/96")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address reaches (IPv4-mapped, NAT64, 6to4), if it carries one."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def address_kind(address: Address) -> str | None:
    """Why ``address`` is not a public address (``None`` when it is)."""
    if isinstance(address, ipaddress.IPv6Address):
        address = embedded_ipv4(address) or address
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link_local"
    if address.is_private or address in SHARED:
        return "private"
    if (
        address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
        or any(address in network for network in NOT_GLOBAL)
    ):
        return "reserved"
    return None


def literal_address(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolve(host: str) -> list[Address]:
    """Every address ``host`` resolves to (empty when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        return []
    found: list[Address] = []
    for info in infos:
        address = literal_address(str(info[4][0]).split("%")[0])
        if address is not None:
            found.append(address)
    return found


def is_trusted(request: Request) -> bool:
    """Named by the operator, and not a redirect's target."""
    return bool(request.meta.get("manba_trusted")) and not request.meta.get("redirect_urls")


class AddressRule:
    """The rule and its per-crawl cache of host decisions, shared by the three places that apply it."""

    def __init__(self, allow_loopback: bool = False, stats: StatsCollector | None = None) -> None:
        self.allow_loopback = allow_loopback
        self.stats = stats
        self._kinds: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.settings.getbool("MANBA_ALLOW_LOOPBACK", False), crawler.stats)

    def refusal(self, addresses: Iterable[Address]) -> str | None:
        """Why one of ``addresses`` must not be reached (``None``: none of them)."""
        for kind in map(address_kind, addresses):
            if kind is not None and not (kind == "loopback" and self.allow_loopback):
                return kind
        return None

    async def host_kind(self, host: str) -> str | None:
        """Why ``host`` must not be fetched (``None``: it may be)."""
        host = host.lower().rstrip(".")
        if host in self._kinds:
            return self._kinds[host]
        literal = literal_address(host)
        if literal is not None:
            addresses = [literal]
        elif host == "localhost" or host.endswith(".localhost"):
            addresses = [ipaddress.IPv4Address("127.0.0.1")]
        else:
            addresses = await asyncio.to_thread(resolve, host)
        self._kinds[host] = self.refusal(addresses)
        return self._kinds[host]

    def count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)


class NetGuardMiddleware(AddressRule):
    """Refuses a request whose host is not public, before it is sent."""

    async def process_request(self, request: Request) -> None:
        if is_trusted(request):
            return
        host = urlsplit(request.url).hostname
        if not host:
            return
        kind = await self.host_kind(host)
        if kind is not None:
            self.count(f"manba/blocked/{kind}")
            raise BlockedAddress(request.url, kind)


class ConnectedAddressMiddleware(AddressRule):
    """Refuses a response that came from an address that is not public, whatever its name said."""

    def process_response(self, request: Request, response: Response) -> Response:
        address = response.ip_address
        if address is None or is_trusted(request) or request.meta.get("proxy"):
            return response
        kind = self.refusal([address])
        if kind is None:
            return response
        self.count(f"manba/blocked/connected/{kind}")
        logger.warning("%s came from %s, a %s address: refused", response.url, address, kind)
        raise BlockedAddress(response.url, kind)


class GuardedPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, aborting every browser request whose host the rule refuses
    (after ``PLAYWRIGHT_ABORT_REQUEST``, when one is set)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.rule = AddressRule.from_crawler(crawler)
        self.configured_abort: Callable[[PlaywrightRequest], Awaitable[Any] | bool] | None = (
            self.abort_request  # type: ignore[has-type]
        )
        self.abort_request = self.refuses

    async def _create_browser_context(
        self, name: str, context_kwargs: dict | None, spider: Spider | None = None
    ) -> BrowserContextWrapper:
        # Not PLAYWRIGHT_CONTEXTS: a context named there is opened, with the browser, when the crawl
        # starts, whether or not any page needs rendering.
        context_kwargs = {"service_workers": "block", **(context_kwargs or {})}
        return await super()._create_browser_context(name, context_kwargs, spider)

    async def refuses(self, request: PlaywrightRequest) -> bool:
        if self.configured_abort is not None:
            configured = self.configured_abort(request)
            if await configured if inspect.isawaitable(configured) else configured:
                return True
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False  # data:, blob:, about: — nothing leaves the browser
        kind = await self.rule.host_kind(parts.hostname)
        if kind is None:
            return False
        self.rule.count(f"manba/blocked/browser/{kind}")
        logger.info("the browser was kept from %s (%s): %s address", request.url, request.resource_type, kind)
        return True
