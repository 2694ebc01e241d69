"""What the crawler refuses: links off a source's hosts, private and link-local addresses, SQL built
from text, the browser for sources that do not need it."""

from __future__ import annotations

import ast
import asyncio
import ipaddress
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

import pytest
from scrapy import Request

from core.registry import load_registry
from crawler.fetch import render_meta
from crawler.middlewares.netguard import BlockedAddress, NetGuardMiddleware, address_kind
from fixtureweb import free_port
from tests.conftest import REPO, run_scrapy, scrapy_env
from tests.loopback import QuietHandler, serving

EVIL_IP = "127.0.0.14"


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("172.16.5.4", "private"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "link_local"),
        ("fe80::1", "link_local"),
        ("::ffff:10.0.0.1", "private"),
        ("0.0.0.0", "private"),
        ("224.0.0.1", "reserved"),
        ("185.143.232.1", None),
        ("2a01:4f8::1", None),
    ],
)
def test_address_kinds(address: str, kind: str | None) -> None:
    assert address_kind(ipaddress.ip_address(address)) == kind


def check(guard: NetGuardMiddleware, url: str, **meta: Any) -> str | None:
    """Run the middleware on its own event loop (the test session's reactor owns this thread's)."""
    with ThreadPoolExecutor(1) as pool:
        try:
            pool.submit(asyncio.run, guard.process_request(Request(url, meta=meta))).result()
        except BlockedAddress as exc:
            return exc.kind
    return None


def test_links_found_in_pages_never_reach_private_addresses() -> None:
    guard = NetGuardMiddleware(allow_loopback=False)
    assert check(guard, "http://10.0.0.5/admin") == "private"
    assert check(guard, "http://169.254.169.254/latest/meta-data/") == "link_local"
    assert check(guard, "http://localhost:8080/") == "loopback"
    assert check(guard, "http://[::1]/") == "loopback"
    assert check(guard, "http://185.143.232.1/fa/news/1") is None
    # What the operator named is fetched; a redirect from it is a new, untrusted URL.
    assert check(guard, "http://10.0.0.5/", manba_trusted=True) is None
    assert (
        check(guard, "http://10.0.0.5/", manba_trusted=True, redirect_urls=["http://a.example/"]) == "private"
    )


def test_loopback_allowance_keeps_private_and_link_local_refused() -> None:
    guard = NetGuardMiddleware(allow_loopback=True)
    assert check(guard, "http://127.0.0.3:8765/news/1/") is None
    assert check(guard, "http://10.0.0.5/") == "private"
    assert check(guard, "http://169.254.169.254/") == "link_local"


def test_browser_only_for_sources_that_render() -> None:
    registry = load_registry()
    assert all(not s.render for s in registry), "the shipped registry renders nothing yet"
    assert all(render_meta(s) == {} and render_meta(s, article=True) == {} for s in registry)


def test_text_never_becomes_sql() -> None:
    """No f-string or concatenation reaches ``text()``, ``execute()`` or ``exec_driver_sql()`` in the
    crawler and the store, except three reviewed ones that interpolate no data: the test helpers'
    generated identifiers (CREATE SCHEMA t_<hex>), the SQLite PRAGMA with a constant, and the band
    lookup whose shape (``band = :b0 AND hash = :h0 OR …``) depends only on the number of bands."""
    allowed = {
        ("storage/testing.py", "text"),
        ("storage/db.py", "execute"),
        ("storage/clusters.py", "text"),
    }
    offenders = []
    for path in [*REPO.glob("crawler/**/*.py"), *REPO.glob("pipelines/**/*.py")]:
        rel = path.relative_to(REPO).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            built = isinstance(node.args[0], ast.JoinedStr | ast.BinOp)
            if name in {"text", "execute", "exec_driver_sql"} and built and (rel, name) not in allowed:
                offenders.append(f"{rel}:{node.lineno}")
    assert offenders == []


# --- through a crawl -------------------------------------------------------------------------


class _Evil(QuietHandler):
    """A source whose listing links off its host and to private addresses, and whose article
    redirects to the cloud metadata address."""

    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        base = f"http://{EVIL_IP}:{self.server.server_address[1]}"
        if self.path == "/news":
            links = [
                f"{base}/a/1",
                f"{base}/a/2",
                "http://10.1.2.3/a/3",
                "http://169.254.169.254/a/5",
                "http://127.0.0.2:9/a/6",
                "http://evil.example/a/4",
            ]
            page = "".join(f'<li><a href="{u}">خبر</a></li>' for u in links)
            self.send_page(
                200,
                f'<html><body><ul>{page}</ul><a rel="next" href="http://10.0.0.9/news?page=2">بعدی</a>'
                "</body></html>",
            )
        elif self.path == "/a/1":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/a/2":
            body = "<p>" + "متن خبر آزمایشی درباره شبکه ملی اطلاعات. " * 5 + "</p>"
            self.send_page(
                200,
                f"<html><head><title>خبر دوم</title></head><body><article><h1>خبر دوم</h1>{body}"
                "</article></body></html>",
            )
        else:
            self.send_page(404, "<h1>404</h1>")


@pytest.fixture
def evil_site() -> Iterator[str]:
    _Evil.requests = []
    with serving(_Evil, EVIL_IP, free_port()) as base:
        yield base


@pytest.mark.crawl
def test_a_crawl_stays_on_the_source_and_off_private_addresses(
    evil_site: str, database_url: str, tmp_path: Path
) -> None:
    registry = tmp_path / "sources.toml"
    registry.write_text(
        f'[sources.evil]\nkind = "outlet"\nnames = ["سایت بدخواه"]\nhosts = ["{EVIL_IP}"]\n'
        f'listings = ["{evil_site}/news"]\narticle_pattern = "/a/\\\\d+$"\n',
        encoding="utf-8",
    )
    env = scrapy_env(database_url, registry)
    result = run_scrapy("crawl", "sources", "-s", "MANBA_FOLLOW_ORIGINS=0", env=env)
    assert "Traceback" not in result.stderr, result.stderr[-4000:]
    assert sorted(set(_Evil.requests)) == ["/a/1", "/a/2", "/news", "/robots.txt"]
    assert "'manba/offsite/skipped': 5" in result.stderr  # four links and the pagination
    assert "'manba/blocked/link_local': 1" in result.stderr  # the redirect from /a/1
    assert "'manba/store/created': 1" in result.stderr
