"""Serve a built fixture web: one threaded HTTP server per site address, one port.

Static files come from ``root/<site>/`` through :func:`fixtureweb.sites.file_for`;
the ministry's ``/fa/search?q=`` is answered from a pre-built index. Responses
carry ETag and Last-Modified and honour conditional requests (304).
"""

from __future__ import annotations

import hashlib
import json
import socket
import sys
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar
from urllib.parse import parse_qs, unquote, urlsplit

from fixtureweb import templates as T
from fixtureweb.sites import SITE_IPS, file_for

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".js": "application/javascript",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".css": "text/css",
}


def content_type(path: Path, data: bytes) -> str:
    if data.startswith(b"<?xml"):  # feeds may live at extensionless URLs such as /fa/news/rss
        return "application/rss+xml; charset=utf-8" if b"<rss" in data[:400] else "application/xml"
    return CONTENT_TYPES.get(path.suffix, "application/octet-stream")


def free_port(addresses: Iterable[str] | None = None) -> int:
    """A TCP port that can be bound right now on every one of ``addresses`` (the fixture web's
    site addresses unless given)."""
    ips = list(SITE_IPS.values() if addresses is None else addresses)
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind((ips[0], 0))
            port = int(probe.getsockname()[1])
        try:
            for ip in ips:
                with socket.socket() as s:
                    s.bind((ip, port))
        except OSError:
            continue
        return port
    raise RuntimeError("no TCP port is free on all fixture addresses")


_FOLD = str.maketrans("يك\u200c۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "یک 01234567890123456789")


def _fold(text: str) -> str:
    """Loose form for search: Arabic letters, ZWNJ and digits don't stop a match."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return " ".join(text.split())


class RequestLog:
    """Every request the fixture web answered: (site, method, path with query, status), in order.

    Tests use it to count fetches (an incremental re-crawl, two crawler processes sharing a frontier)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[tuple[str, str, str, int]] = []

    def add(self, site: str, method: str, path: str, status: int) -> None:
        with self._lock:
            self._entries.append((site, method, path, int(status)))

    def entries(self) -> list[tuple[str, str, str, int]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def gets(self, *, status: int | None = 200) -> Counter[tuple[str, str]]:
        """How many GETs each (site, path) received, counting only ``status`` (None: any)."""
        return Counter(
            (site, path)
            for site, method, path, st in self.entries()
            if method == "GET" and (status is None or st == status)
        )


class _Handler(BaseHTTPRequestHandler):
    site_root: ClassVar[Path]
    base_url: ClassVar[str]
    site: ClassVar[str]
    request_log: ClassVar[RequestLog]
    server_version = "ManbaFixture/1.0"
    protocol_version = "HTTP/1.1"
    _search_index: ClassVar[list[dict[str, str]] | None] = None

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_HEAD(self) -> None:
        self._respond(head_only=True)

    def do_GET(self) -> None:
        self._respond(head_only=False)

    # ------------------------------------------------------------------
    def _resolve(self, raw_path: str) -> Path | None:
        rel = file_for(raw_path)
        if ".." in Path(rel).parts:
            return None
        target = self.site_root / rel
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def _search(self, path: str, query: str) -> bytes | None:
        index_file = self.site_root / file_for(path.rstrip("/") + "/")
        index_file = index_file.parent / "_search.json"
        if not index_file.is_file():
            return None
        cls = type(self)
        if cls._search_index is None:
            cls._search_index = json.loads(index_file.read_text(encoding="utf-8"))
        q = _fold(parse_qs(query).get("q", [""])[0])
        hits = []
        if q:
            terms = q.split()
            for entry in cls._search_index or []:
                hay = _fold(entry["title"] + " " + entry["text"])
                if q in hay or all(t in hay for t in terms):
                    hits.append(entry)
        pages = [
            T.Page(
                site="ict",
                path=h["path"],
                title=h["title"],
                paragraphs=h["text"].split("\n"),
                published=datetime.fromisoformat(h["date"]),
                topic="",
            )
            for h in hits[:20]
        ]
        html = T.ict_listing(
            pages,
            1,
            1,
            ["/fa/search"],
            self.base_url,
            heading="جستجو",
            query=parse_qs(query).get("q", [""])[0],
        )
        return html.encode("utf-8")

    def _respond(self, head_only: bool) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if parts.query and path.rstrip("/").endswith("/search"):
            data = self._search(path, parts.query)
            if data is not None:
                self._send(HTTPStatus.OK, data, "text/html; charset=utf-8", None, head_only)
                return
        target = self._resolve(self.path)
        if target is None:
            self._send(
                HTTPStatus.NOT_FOUND,
                "<h1>۴۰۴ - صفحه پیدا نشد</h1>\n".encode(),
                "text/html; charset=utf-8",
                None,
                head_only,
            )
            return
        data = target.read_bytes()
        self._send(HTTPStatus.OK, data, content_type(target, data), target, head_only)

    def _send(
        self, status: HTTPStatus, data: bytes, ctype: str, target: Path | None, head_only: bool
    ) -> None:
        etag = last_modified = None
        if target is not None:
            etag = '"' + hashlib.sha1(data).hexdigest()[:20] + '"'
            mtime = int(target.stat().st_mtime)
            last_modified = formatdate(mtime, usegmt=True)
            if self._not_modified(etag, mtime):
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", last_modified)
                self.send_header("Content-Length", "0")
                self.end_headers()
                self._log(HTTPStatus.NOT_MODIFIED)
                return
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if etag and last_modified:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", last_modified)
        self.end_headers()
        if not head_only:
            self.wfile.write(data)
        self._log(status)

    def _log(self, status: int) -> None:
        self.request_log.add(self.site, self.command, self.path, status)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                return int(parsedate_to_datetime(ims).timestamp()) >= mtime
            except (TypeError, ValueError):
                return False
        return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a crawler killed mid-request) is not the server's error."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FixtureServer:
    """Serves ``root/<site>/`` on each site's address at ``port`` (``sites``: site → address,
    the fixture web's :data:`~fixtureweb.sites.SITE_IPS` unless given); a context manager."""

    def __init__(self, root: Path, port: int, sites: dict[str, str] | None = None) -> None:
        self.root = Path(root)
        self.port = port
        self.sites = dict(SITE_IPS if sites is None else sites)
        self.requests = RequestLog()
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []

    def base_url(self, site: str) -> str:
        return f"http://{self.sites[site]}:{self.port}"

    def start(self) -> FixtureServer:
        try:
            for site, ip in self.sites.items():
                handler = type(
                    f"Handler_{site}",
                    (_Handler,),
                    {
                        "site_root": self.root / site,
                        "base_url": self.base_url(site),
                        "_search_index": None,
                        "site": site,
                        "request_log": self.requests,
                    },
                )
                server = _Server((ip, self.port), handler)
                thread = threading.Thread(
                    target=server.serve_forever,
                    kwargs={"poll_interval": 0.1},
                    name=f"fixtureweb-{site}",
                    daemon=True,
                )
                thread.start()
                self._servers.append(server)
                self._threads.append(thread)
        except Exception:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
