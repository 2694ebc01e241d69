"""Keep crawls off private networks: a downloader middleware refusing requests to private,
loopback, link-local and other non-public addresses, unless an operator asked for the URL.

A crawler that follows links found in pages can be steered by those pages: a listing or a
search result pointing at ``http://169.254.169.254/`` or ``http://10.0.0.5/admin`` must not be
fetched. Requests the operator named are trusted (``meta["manba_trusted"] = True``: the URLs of
``scrapy crawl urls`` and the registry's listing pages, feeds, sitemaps and origin search pages);
everything found in a page, and every redirect target, is checked.

Checked are IP literals and host names (resolved once per host, in a thread, cached for the
crawl). A name that does not resolve is let through: the download fails on its own.

Only globally routable addresses pass: ``ipaddress``'s ``is_global``, which misses multicast and,
depending on the Python version, some special-purpose ranges (hence :data:`NOT_GLOBAL`). An IPv6
address that carries an IPv4 one (IPv4-mapped ``::ffff:a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4
``2002::/16``) is judged by the IPv4 address: ``::ffff:169.254.169.254`` is the metadata service.

Settings: ``MANBA_ALLOW_LOOPBACK`` (default off; the fixture web on 127.0.0.x turns it on —
private and link-local addresses stay refused). Stats: ``manba/blocked/<kind>`` with kind
``private`` (shared address space 100.64.0.0/10 included: carrier-grade NAT, and the metadata
service of some clouds at 100.100.100.200), ``loopback``, ``link_local``, ``reserved`` (every other
address that is not globally routable).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.statscollectors import StatsCollector

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddress(IgnoreRequest):
    """A request found in a page (or redirected) to a non-public address."""

    def __init__(self, url: str, kind: str) -> None:
        super().__init__(f"refused to fetch {url}: {kind.replace('_', '-')} address")
        self.kind = kind


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


class NetGuardMiddleware:
    def __init__(self, allow_loopback: bool = False, stats: StatsCollector | None = None) -> None:
        self.allow_loopback = allow_loopback
        self.stats = stats
        self._kinds: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.settings.getbool("MANBA_ALLOW_LOOPBACK", False), crawler.stats)

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
        kinds = [k for k in map(address_kind, addresses) if k is not None]
        if self.allow_loopback:
            kinds = [k for k in kinds if k != "loopback"]
        self._kinds[host] = kinds[0] if kinds else None
        return self._kinds[host]

    async def process_request(self, request: Request) -> None:
        if is_trusted(request):
            return
        host = urlsplit(request.url).hostname
        if not host:
            return
        kind = await self.host_kind(host)
        if kind is not None:
            if self.stats is not None:
                self.stats.inc_value(f"manba/blocked/{kind}")
            raise BlockedAddress(request.url, kind)
