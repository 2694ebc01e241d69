"""Two hosts on loopback, one healthy and one that answers every article page 503 with
``Retry-After``: what a crawl of several sites meets when one of them throttles it. The server keeps
the time of every request, so a test or a benchmark can tell whether the throttled host held the
healthy one back (``tests/test_retryafter.py``, ``bench/throttled.py``)."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar, Self
from urllib.parse import urlsplit

from fixtureweb.hostile import article, html_page

HEALTHY_HOST = "127.0.0.31"
THROTTLED_HOST = "127.0.0.32"


@dataclass(frozen=True)
class Hit:
    at: float
    """``time.monotonic()`` when the request came in."""
    host: str
    path: str
    status: int


class ThrottledServer:
    """Serves ``/fa/news/<n>`` on both hosts, on one port: an article on :data:`HEALTHY_HOST`, a 503
    with ``Retry-After: <retry_after>`` on :data:`THROTTLED_HOST`. ``robots.txt`` is missing on both."""

    def __init__(self, retry_after: int = 20) -> None:
        self.retry_after = retry_after
        self.port = 0
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._servers: list[ThreadingHTTPServer] = []

    def url(self, host: str, n: int) -> str:
        return f"http://{host}:{self.port}/fa/news/{n}"

    def urls(self, host: str, count: int) -> list[str]:
        return [self.url(host, n) for n in range(1, count + 1)]

    def pages(self, host: str) -> list[Hit]:
        """Requests for article pages of ``host``, in the order they came."""
        with self._lock:
            return [h for h in self.hits if h.host == host and h.path.startswith("/fa/news/")]

    def answer(self, host: str, path: str) -> tuple[int, dict[str, str], bytes]:
        if not path.startswith("/fa/news/"):
            return 404, {}, "<h1>پیدا نشد</h1>".encode()
        if host == THROTTLED_HOST:
            return 503, {"Retry-After": str(self.retry_after)}, "<h1>لطفا بعدا مراجعه کنید</h1>".encode()
        n = int(path.rsplit("/", 1)[-1] or 0)
        return 200, {}, html_page(article(n)).encode()

    def record(self, host: str, path: str, status: int) -> None:
        with self._lock:
            self.hits.append(Hit(time.monotonic(), host, path, status))

    def start(self) -> Self:
        handler = type("ThrottledHandler", (_Handler,), {"web": self})
        for attempt in range(20):  # port 0 on one address may be taken on the other
            first = _Server((HEALTHY_HOST, 0), handler)
            try:
                second = _Server((THROTTLED_HOST, int(first.server_address[1])), handler)
            except OSError:
                first.server_close()
                if attempt == 19:
                    raise
                continue
            break
        self.port = int(first.server_address[1])
        self._servers = [first, second]
        for server in self._servers:
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    web: ClassVar[ThrottledServer]
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        host = self.connection.getsockname()[0]
        path = urlsplit(self.path).path
        status, headers, body = self.web.answer(host, path)
        self.web.record(host, path, status)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(OSError):  # the crawler may have gone
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
