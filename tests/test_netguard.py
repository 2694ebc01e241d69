"""The address guard refuses every address that is not globally routable, IPv6 forms that carry an
IPv4 address judged by that address, by the name a link gives, by the address a download came from,
and for what the browser loads. Names resolve through a stand-in for ``getaddrinfo``; what is sent
goes to a server on 127.0.0.1 (the downloader's and Chromium's resolvers are pointed there), so no
packet leaves for any of these addresses."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

import pytest
from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler
from twisted.internet import reactor
from twisted.internet._resolver import GAIResolver
from twisted.python.failure import Failure

from crawler.middlewares.netguard import (
    BlockedAddress,
    ConnectedAddressMiddleware,
    NetGuardMiddleware,
    address_kind,
)
from crawler.settings import DOWNLOAD_HANDLERS, DOWNLOADER_MIDDLEWARES, PLAYWRIGHT_LAUNCH_OPTIONS
from tests.loopback import QuietHandler, serving

REFUSED = [
    ("100.64.0.1", "private"),  # shared address space (carrier-grade NAT)
    ("100.100.100.200", "private"),  # a cloud's metadata service
    ("192.0.0.8", None),  # IETF protocol assignments
    ("198.18.0.1", None),  # benchmarking
    ("240.0.0.1", None),  # future use
    ("255.255.255.255", None),  # limited broadcast
    ("0.0.0.0", None),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:10.0.0.1", "private"),
    ("::ffff:169.254.169.254", "link_local"),
    ("64:ff9b::a9fe:a9fe", "link_local"),  # NAT64 of 169.254.169.254
    ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
    ("2002:a9fe:a9fe::1", "link_local"),  # 6to4 of 169.254.169.254
    ("2002:6464:64c8::1", "private"),  # 6to4 of 100.100.100.200
    ("fc00::1", "private"),
    ("fe80::1", "link_local"),
    ("2001:db8::1", None),
    ("3fff::1", None),
]
"""Address, and the kind reported when it does not depend on the Python version."""

PUBLIC = [
    "8.8.8.8",
    "2001:4860:4860::8888",
    "185.143.232.1",  # a typical Iranian host
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",  # NAT64 of a public address reaches a public address
]


@pytest.mark.parametrize(("address", "kind"), REFUSED)
def test_not_globally_routable_addresses_are_refused(address: str, kind: str | None) -> None:
    found = address_kind(ipaddress.ip_address(address))
    assert found is not None
    assert kind is None or found == kind


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_stay_allowed(address: str) -> None:
    assert address_kind(ipaddress.ip_address(address)) is None


def check(guard: NetGuardMiddleware, url: str) -> str | None:
    """The middleware's decision, on its own event loop (the test session's reactor owns this thread's)."""
    with ThreadPoolExecutor(1) as pool:
        try:
            pool.submit(asyncio.run, guard.process_request(Request(url))).result()
        except BlockedAddress as exc:
            return exc.kind
    return None


@pytest.fixture
def resolves_to(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Host name → the one address it resolves to, in place of the resolver."""
    table: dict[str, str] = {}

    def getaddrinfo(host: str, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        address = ipaddress.ip_address(table[host])
        if address.version == 4:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (str(address), 0))]
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (str(address), 0, 0, 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table


def url_of(address: str) -> str:
    return f"http://[{address}]/latest/" if ":" in address else f"http://{address}/latest/"


@pytest.mark.parametrize(("address", "kind"), REFUSED)
@pytest.mark.parametrize("allow_loopback", [False, True])
def test_a_link_to_such_an_address_is_refused(
    resolves_to: dict[str, str], address: str, kind: str | None, allow_loopback: bool
) -> None:
    resolves_to["news.example"] = address
    for url in (url_of(address), "http://news.example/fa/1"):
        found = check(NetGuardMiddleware(allow_loopback=allow_loopback), url)
        if allow_loopback and kind == "loopback":
            assert found is None, url  # the fixture web's allowance, and nothing more
        else:
            assert found is not None, url
            assert kind is None or found == kind, url


def refusal(url: str) -> str:
    with ThreadPoolExecutor(1) as pool:
        try:
            pool.submit(asyncio.run, NetGuardMiddleware().process_request(Request(url))).result()
        except BlockedAddress as exc:
            return str(exc)
    raise AssertionError(f"{url} was not refused")


def test_a_refusal_names_the_setting_that_allows_it() -> None:
    """The drop's log line is the refusal's message: it says how to let the address through."""
    assert "-s MANBA_ALLOW_LOOPBACK=1 allows loopback addresses" in refusal("http://127.0.0.1/fa/1")
    private = refusal("http://10.0.0.5/admin")
    assert "private address" in private and "no setting allows it" in private
    assert "scrapy crawl urls" in private


@pytest.mark.parametrize("address", PUBLIC)
def test_a_link_to_a_public_address_is_followed(resolves_to: dict[str, str], address: str) -> None:
    resolves_to["news.example"] = address
    for url in (url_of(address), "http://news.example/fa/1"):
        assert check(NetGuardMiddleware(), url) is None, url


# --- the address connected to -------------------------------------------------------------------

LOOPBACK = ipaddress.ip_address("127.0.0.1")


def connected(guard: ConnectedAddressMiddleware, request: Request, address: str | None) -> str | None:
    """The decision on a response to ``request`` that came from ``address``."""
    ip = None if address is None else ipaddress.ip_address(address)
    try:
        guard.process_response(request, Response(request.url, ip_address=ip))
    except BlockedAddress as exc:
        return exc.kind
    return None


def test_a_name_cleared_as_public_that_answers_from_loopback_is_refused(resolves_to: dict[str, str]) -> None:
    """DNS rebinding: the name resolves to a public address for the check, and the connection goes
    to 127.0.0.1."""
    resolves_to["rebind.example"] = "93.184.216.34"
    request = Request("http://rebind.example/latest/")
    assert check(NetGuardMiddleware(), request.url) is None
    assert connected(ConnectedAddressMiddleware(), request, "127.0.0.1") == "loopback"
    assert connected(ConnectedAddressMiddleware(), request, "::ffff:169.254.169.254") == "link_local"
    assert connected(ConnectedAddressMiddleware(), request, "93.184.216.34") is None


def test_the_connected_address_follows_the_same_rule() -> None:
    found = Request("http://news.example/fa/1")
    allowing = ConnectedAddressMiddleware(allow_loopback=True)
    assert connected(allowing, found, "127.0.0.3") is None
    assert connected(allowing, found, "10.0.0.5") == "private"
    assert connected(allowing, found, "169.254.169.254") == "link_local"
    # What the operator named is fetched wherever it is; a redirect from it is not.
    named = Request("http://intranet.example/", meta={"manba_trusted": True})
    redirected = Request("http://a.example/", meta={"manba_trusted": True, "redirect_urls": [named.url]})
    assert connected(ConnectedAddressMiddleware(), named, "10.0.0.5") is None
    assert connected(ConnectedAddressMiddleware(), redirected, "10.0.0.5") == "private"


def test_responses_without_a_connection_of_their_own_are_not_judged() -> None:
    """A page replayed by the page cache has no address (it was judged when downloaded); through a
    proxy the address is the proxy's."""
    assert connected(ConnectedAddressMiddleware(), Request("http://news.example/"), None) is None
    proxied = Request("http://news.example/", meta={"proxy": "http://127.0.0.1:3128"})
    assert connected(ConnectedAddressMiddleware(), proxied, "127.0.0.1") is None


class _Recorder(QuietHandler):
    """A loopback server that answers every path with a small page and remembers what was asked."""

    paths: ClassVar[list[str]] = []
    pages: ClassVar[dict[str, str]] = {}

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
        self.send_page(200, type(self).pages.get(self.path, "<html><body><p>ok</p></body></html>"))


@pytest.fixture
def loopback_server() -> Iterator[int]:
    _Recorder.paths, _Recorder.pages = [], {}
    with serving(_Recorder) as base:
        yield int(base.rsplit(":", 1)[1])


@pytest.fixture
def downloader_resolves_to_loopback() -> Iterator[None]:
    """The downloader (Twisted's resolver) finds every ``.example`` name on 127.0.0.1, and no other."""

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        if not host.endswith(".example"):
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", int(port or 0)))]

    previous = reactor.installNameResolver(GAIResolver(reactor, getaddrinfo=getaddrinfo))
    yield
    reactor.installNameResolver(previous)


class OnePageSpider(Spider):
    name = "one_page"
    meta: ClassVar[dict[str, Any]] = {}

    def __init__(self, url: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.pages: list[Response] = []
        self.refused: list[str] = []

    async def start(self) -> Any:
        yield Request(self.url, callback=self.parse_page, errback=self.failed, meta=dict(self.meta))

    def parse_page(self, response: Response) -> None:
        self.pages.append(response)

    def failed(self, failure: Failure) -> None:
        if isinstance(failure.value, BlockedAddress):
            self.refused.append(failure.value.kind)


GUARDS = {k: v for k, v in DOWNLOADER_MIDDLEWARES.items() if k.startswith("crawler.middlewares.netguard.")}
"""The project's address guards, where the project places them."""


@pytest.mark.crawl
@pytest.mark.parametrize("allow_loopback", [False, True])
@deferred_f_from_coro_f
async def test_a_rebound_name_gets_no_page_through_a_real_download(
    resolves_to: dict[str, str], downloader_resolves_to_loopback: None, loopback_server: int,
    allow_loopback: bool,
) -> None:
    resolves_to["rebind.example"] = "93.184.216.34"  # what the guard is told
    crawler = get_crawler(OnePageSpider, {
        "DOWNLOAD_HANDLERS": {"http": "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"},
        "DOWNLOADER_MIDDLEWARES": GUARDS,
        "MANBA_ALLOW_LOOPBACK": allow_loopback,
        "ROBOTSTXT_OBEY": False,
        "RETRY_ENABLED": False,
    })
    await crawler.crawl_async(url=f"http://rebind.example:{loopback_server}/latest/meta-data/")
    spider = crawler.spider
    assert isinstance(spider, OnePageSpider)
    assert _Recorder.paths == ["/latest/meta-data/"]  # the name was cleared, the download went to loopback
    stats = crawler.stats.get_stats()
    if allow_loopback:
        assert [p.ip_address for p in spider.pages] == [LOOPBACK] and spider.refused == []
    else:
        assert spider.pages == [] and spider.refused == ["loopback"]
        assert stats["manba/blocked/connected/loopback"] == 1


# --- what the browser loads ---------------------------------------------------------------------


class RenderedPageSpider(OnePageSpider):
    name = "rendered_page"
    meta: ClassVar[dict[str, Any]] = {
        "playwright": True,
        "playwright_page_goto_kwargs": {"wait_until": "load"},
    }


@pytest.mark.browser
@deferred_f_from_coro_f
async def test_the_browser_never_reaches_what_the_rule_refuses(
    resolves_to: dict[str, str], loopback_server: int
) -> None:
    """A rendered page on loopback loads an image from a name the guard finds on the metadata
    address, a script from one it finds on a private address, and an image from its own server.
    Chromium's resolver sends all three to the loopback server, which sees only what was allowed."""
    port = loopback_server
    resolves_to["metadata.example"] = "169.254.169.254"
    resolves_to["internal.example"] = "10.0.0.5"
    _Recorder.pages["/page"] = (
        f'<html><body><p>rendered</p><img src="http://metadata.example:{port}/latest/meta-data/">'
        f'<script src="http://internal.example:{port}/admin.js"></script>'
        f'<img src="http://127.0.0.1:{port}/logo.png"></body></html>'
    )
    rules = "MAP *.example 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"  # Chromium resolves nothing else
    launch = {**PLAYWRIGHT_LAUNCH_OPTIONS}
    launch["args"] = [*launch["args"], f"--host-resolver-rules={rules}"]
    crawler = get_crawler(RenderedPageSpider, {
        "DOWNLOAD_HANDLERS": DOWNLOAD_HANDLERS,
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
        "DOWNLOADER_MIDDLEWARES": GUARDS,
        "MANBA_ALLOW_LOOPBACK": True,
        "ROBOTSTXT_OBEY": False,
    })
    await crawler.crawl_async(url=f"http://127.0.0.1:{port}/page")
    spider = crawler.spider
    assert isinstance(spider, RenderedPageSpider)
    assert [b"rendered" in p.body for p in spider.pages] == [True]  # the browser did render the page
    assert sorted(set(_Recorder.paths) - {"/favicon.ico"}) == ["/logo.png", "/page"]
    stats = crawler.stats.get_stats()
    assert stats["manba/blocked/browser/link_local"] == 1
    assert stats["manba/blocked/browser/private"] == 1
