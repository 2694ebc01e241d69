"""The address guard refuses every address that is not globally routable, IPv6 forms that carry an
IPv4 address judged by that address. Only decisions are tested: names resolve through a stand-in
for ``getaddrinfo`` and no request is sent, so no packet leaves for any of these addresses."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from scrapy import Request

from crawler.middlewares.netguard import BlockedAddress, NetGuardMiddleware, address_kind

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


@pytest.mark.parametrize("address", PUBLIC)
def test_a_link_to_a_public_address_is_followed(resolves_to: dict[str, str], address: str) -> None:
    resolves_to["news.example"] = address
    for url in (url_of(address), "http://news.example/fa/1"):
        assert check(NetGuardMiddleware(), url) is None, url
