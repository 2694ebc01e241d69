"""The fixture web served from memory by aiohttp, for the throughput benchmark (P1).

    .venv/bin/python -m bench.webserver --root DIR

``fixtureweb.server`` (threaded stdlib server, shared with the tests) writes a response's headers
and body in two ``send`` calls; on loopback the second waits for the client's delayed ACK, so a
crawler with 16 connections per site tops out near 16 / 40 ms. That would make the server, not
the crawler, what P1 measures. This server answers the same URLs with the same bytes (files
through :func:`fixtureweb.sites.file_for`, the ministry's ``/fa/search?q=`` from the same index
with the same matching, ETag / Last-Modified and 304), but from memory, with aiohttp's HTTP/1.1
keep-alive server writing each response at once. It runs in its own process, so it does not
share a GIL with the crawler it serves.

With ``--counts FILE`` it also counts the responses it sends — ``responses`` (any), ``ok`` (200),
``not_modified`` (304) and ``article_pages`` (200s of the labelled article pages, ``labels.json``)
— and replaces FILE with them as JSON four times a second (``bench.distributed`` reads them: the
crawl's cost per article page downloaded).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import signal
import sys
from dataclasses import dataclass
from datetime import datetime
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from aiohttp import web

from fixtureweb import templates as T
from fixtureweb.server import _fold, content_type
from fixtureweb.sites import SITE_IPS, file_for

NOT_FOUND = "<h1>۴۰۴ - صفحه پیدا نشد</h1>\n".encode()


@dataclass(frozen=True)
class Entry:
    data: bytes
    ctype: str
    etag: str
    mtime: int


@dataclass(frozen=True)
class SearchEntry:
    path: str
    title: str
    text: str
    date: str
    folded: str


class Site:
    """One site's files in memory (relative path → response), and its search index if it has one."""

    def __init__(self, key: str, root: Path, base_url: str) -> None:
        self.key = key
        self.base_url = base_url
        self.files: dict[str, Entry] = {}
        self.search: dict[str, list[SearchEntry]] = {}
        for path in root.rglob("*"):
            if not path.is_file():
                continue
            rel = path.relative_to(root).as_posix()
            data = path.read_bytes()
            etag = '"' + hashlib.sha1(data).hexdigest()[:20] + '"'
            self.files[rel] = Entry(data, content_type(path, data), etag, int(path.stat().st_mtime))
            if path.name == "_search.json":
                entries = json.loads(data.decode("utf-8"))
                self.search[rel] = [
                    SearchEntry(
                        e["path"], e["title"], e["text"], e["date"], _fold(e["title"] + " " + e["text"])
                    )
                    for e in entries
                ]

    def resolve(self, raw_path: str) -> Entry | None:
        rel = file_for(raw_path)
        if ".." in rel.split("/"):
            return None
        return self.files.get(rel) or self.files.get(rel.rstrip("/") + "/index.html")

    def answer_search(self, path: str, query: str) -> bytes | None:
        index = file_for(path.rstrip("/") + "/").rsplit("/", 1)[0] + "/_search.json"
        entries = self.search.get(index)
        if entries is None:
            return None
        raw_q = parse_qs(query).get("q", [""])[0]
        q = _fold(raw_q)
        hits = []
        if q:
            terms = q.split()
            hits = [e for e in entries if q in e.folded or all(t in e.folded for t in terms)]
        pages = [
            T.Page(
                site=self.key,
                path=h.path,
                title=h.title,
                paragraphs=h.text.split("\n"),
                published=datetime.fromisoformat(h.date),
                topic="",
            )
            for h in hits[:20]
        ]
        html = T.ict_listing(pages, 1, 1, ["/fa/search"], self.base_url, heading="جستجو", query=raw_q)
        return html.encode("utf-8")


def _not_modified(request: web.Request, entry: Entry) -> bool:
    inm = request.headers.get("If-None-Match")
    if inm is not None:
        return entry.etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
    ims = request.headers.get("If-Modified-Since")
    if ims:
        try:
            return int(parsedate_to_datetime(ims).timestamp()) >= entry.mtime
        except (TypeError, ValueError):
            return False
    return False


class Counts:
    """Responses sent, by kind (see the module docstring)."""

    def __init__(self, articles: set[str]) -> None:
        self.articles = articles
        self.counts = {"responses": 0, "ok": 0, "not_modified": 0, "article_pages": 0}

    def add(self, site: Site, request: web.Request, status: int) -> None:
        self.counts["responses"] += 1
        if status == 304:
            self.counts["not_modified"] += 1
        elif status == 200:
            self.counts["ok"] += 1
            if site.base_url + urlsplit(request.raw_path).path in self.articles:
                self.counts["article_pages"] += 1

    async def keep_writing(self, path: Path) -> None:
        spare = path.with_name(path.name + ".tmp")
        while True:
            spare.write_text(json.dumps(self.counts), encoding="utf-8")
            spare.replace(path)
            await asyncio.sleep(0.25)


def make_app(site: Site, counts: Counts | None = None) -> web.Application:
    async def handle(request: web.Request) -> web.StreamResponse:
        response = await answer(request)
        if counts is not None:
            counts.add(site, request, response.status)
        return response

    async def answer(request: web.Request) -> web.StreamResponse:
        parts = urlsplit(request.raw_path)
        path = unquote(parts.path)
        if parts.query and path.rstrip("/").endswith("/search"):
            found = site.answer_search(path, parts.query)
            if found is not None:
                return web.Response(body=found, headers={"Content-Type": "text/html; charset=utf-8"})
        entry = site.resolve(request.raw_path)
        if entry is None:
            return web.Response(
                status=404, body=NOT_FOUND, headers={"Content-Type": "text/html; charset=utf-8"}
            )
        validators = {"ETag": entry.etag, "Last-Modified": formatdate(entry.mtime, usegmt=True)}
        if _not_modified(request, entry):
            return web.Response(status=304, headers=validators)
        # aiohttp leaves the body out of a HEAD response itself.
        return web.Response(body=entry.data, headers={"Content-Type": entry.ctype, **validators})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


async def serve(root: Path, port: int, stop: asyncio.Event, counts: Counts | None = None) -> None:
    runners = []
    try:
        for key, ip in SITE_IPS.items():
            site_root = root / key
            if not site_root.is_dir():
                continue
            app = make_app(Site(key, site_root, f"http://{ip}:{port}"), counts)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, ip, port, reuse_address=True, backlog=512).start()
            runners.append(runner)
        print(f"bench.webserver serving {root} on port {port}", flush=True)
        await stop.wait()
    finally:
        for runner in runners:
            await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.webserver", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--root", type=Path, required=True, help="a web built by `python -m fixtureweb build`"
    )
    parser.add_argument("--counts", type=Path, help="keep the responses sent, counted, in this JSON file")
    args = parser.parse_args(argv)
    labels = json.loads((args.root / "labels.json").read_text(encoding="utf-8"))
    port = int(labels["generator"]["port"])
    counts = Counts({a["url"] for a in labels["articles"]}) if args.counts else None

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        writing = asyncio.create_task(counts.keep_writing(args.counts)) if counts and args.counts else None
        await serve(args.root, port, stop, counts)
        if writing is not None:
            writing.cancel()

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
