"""Fetch each article page once per crawl, however many requests and workers ask for it.

An article page can be requested more than once in a crawl: by the spider (a listing, feed or
sitemap links it) and by origin following (it is a candidate release on the origin site, fetched with
``engine.download_async``, outside the scheduler and its dupefilter) — and, with several workers
(``crawler/distributed.py``), by each of them. This downloader middleware handles GET requests whose
``meta["manba_page"]`` is ``article`` or ``origin_candidate`` (not ``meta["dont_cache"]``), keyed by
the canonical URL the store keys documents by (``core.text.urls.canonical_url``) and by whether the
browser renders the page:

- **In one process** the first request downloads. Requests for the same page arriving meanwhile wait
  for that download; later ones get its response from a bounded LRU of compressed pages
  (``MANBA_PAGECACHE_MEMORY_MB``), emptied when the spider closes.
- **With ``MANBA_REDIS_URL``** a worker first looks in Redis, then claims the page (``SET NX`` with
  an expiry). The winner downloads and publishes status, headers and the zlib-compressed body under a
  key in the crawl job's namespace that expires after ``MANBA_PAGECACHE_TTL`` seconds; the others
  poll for it for up to ``MANBA_PAGECACHE_WAIT`` seconds (also the claim's expiry), then download
  themselves (``manba/pagecache/fallback/timeout``).

Only final 2xx responses are shared. A failure, a drop or any other status releases the claim, and
whoever was waiting downloads for itself (``manba/pagecache/fallback/released``).

**Where it sits** (``DOWNLOADER_MIDDLEWARES``, 540): after OffsiteMiddleware and RobotsTxtMiddleware
(50, 100) and the incremental middleware, so a page that is not going to be fetched never claims
anything; before RetryMiddleware (550), MetaRefreshMiddleware (580), HttpCompressionMiddleware (590)
and RedirectMiddleware (600), whose ``process_response`` therefore runs before ours: what we cache is
the final response — decompressed, redirects followed, retries spent — and ``process_exception``
reaches us only once retries are exhausted. A retry or a redirect is a new request carrying the
original's meta, including our owner mark, so it downloads without a new claim and its final response
is published under the original page's key. A cached response returned from ``process_request`` still
passes through every middleware's ``process_response`` (Scrapy's rule), which leaves a 2xx page
without ``Content-Encoding`` as it is; DownloaderStats (850) counts it as a response but not as a
request, so ``downloader/request_count`` stays the number of real downloads.

**Browser-rendered pages** (``meta["playwright"]``): the scrapy-playwright download handler sits below
every middleware, so a rendered page is cached like any other — its final ``HtmlResponse``, the DOM
after the site's script ran — and replayed to later requests for the same rendered page; the key keeps
rendered and raw fetches of one URL apart. Requests that ask for the live browser page
(``playwright_include_page``) are not cached: a replay cannot hand them a page.

Settings: ``MANBA_PAGECACHE_ENABLED`` (default on), ``MANBA_PAGECACHE_MEMORY_MB`` (64),
``MANBA_PAGECACHE_WAIT`` (default ``DOWNLOAD_TIMEOUT × (RETRY_TIMES + 1) + 10`` seconds),
``MANBA_PAGECACHE_TTL`` (3600 s, Redis only). Stats under ``manba/pagecache/``: ``downloads``
(requests sent on to the downloader as the page's owner), ``stored``, ``hit/memory``, ``hit/redis``,
``waited/memory``, ``waited/redis``, ``fallback/timeout``, ``fallback/released``,
``not_stored/http_<status>``, ``released``, ``evicted``, ``redis_error/<Error>`` (Redis trouble
costs a duplicate download, never the page).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
import zlib
from collections import OrderedDict
from typing import Self

import redis
import redis.asyncio as aioredis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, JsonResponse, Response, TextResponse, XmlResponse
from scrapy.statscollectors import StatsCollector

from core.text.urls import canonical_url
from crawler.distributed import job_for
from crawler.settings_check import read_bool, read_float

logger = logging.getLogger(__name__)

KINDS = frozenset({"article", "origin_candidate"})
OWNER = "manba_pagecache_key"
"""Request meta: this request (or the retry/redirect it became) downloads the page under this key."""
FLAG = "pagecache"
"""Response flag of a replayed page."""

_RESPONSE_CLASSES: dict[str, type[Response]] = {
    cls.__name__: cls for cls in (Response, TextResponse, HtmlResponse, XmlResponse, JsonResponse)
}


def page_key(request: Request) -> str | None:
    """The cache key of a request the cache handles, else None."""
    meta = request.meta
    if (request.method != "GET" or meta.get("manba_page") not in KINDS or meta.get("dont_cache")
            or meta.get("playwright_include_page")):
        return None
    rendered = "rendered" if meta.get("playwright") else "raw"
    try:
        url = canonical_url(request.url)
    except ValueError:  # an unreadable port: the download will say so
        url = request.url
    return hashlib.sha1(f"{rendered} {url}".encode()).hexdigest()


def encode(response: Response) -> bytes:
    """Status, headers and body of a response, zlib-compressed."""
    head = {
        "class": type(response).__name__ if type(response).__name__ in _RESPONSE_CLASSES else "Response",
        "url": response.url,
        "status": response.status,
        "headers": [[k.decode("latin-1"), [v.decode("latin-1") for v in vs]]
                    for k, vs in response.headers.items()],
        "flags": list(response.flags),
        "protocol": response.protocol,
    }
    head_bytes = json.dumps(head).encode()
    return zlib.compress(len(head_bytes).to_bytes(4, "big") + head_bytes + response.body, 1)  # fastest


def decode(blob: bytes, request: Request) -> Response:
    """The response :func:`encode` stored, now answering ``request``."""
    data = zlib.decompress(blob)
    size = int.from_bytes(data[:4], "big")
    head = json.loads(data[4 : 4 + size])
    cls = _RESPONSE_CLASSES.get(head["class"], Response)  # never an arbitrary class from Redis
    return cls(
        url=head["url"],
        status=head["status"],
        headers={k: vs for k, vs in head["headers"]},
        body=data[4 + size :],
        flags=[*head["flags"], FLAG],
        request=request,
        protocol=head["protocol"],
    )


class MemoryPages:
    """A least-recently-used map of key → encoded page, bounded by the bytes it holds."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.evicted = 0
        self._pages: OrderedDict[str, bytes] = OrderedDict()

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, key: str) -> bytes | None:
        blob = self._pages.get(key)
        if blob is not None:
            self._pages.move_to_end(key)
        return blob

    def put(self, key: str, blob: bytes) -> None:
        old = self._pages.pop(key, None)
        if old is not None:
            self.size -= len(old)
        if len(blob) > self.max_bytes:
            return
        self._pages[key] = blob
        self.size += len(blob)
        while self.size > self.max_bytes:
            _, dropped = self._pages.popitem(last=False)
            self.size -= len(dropped)
            self.evicted += 1

    def clear(self) -> None:
        self._pages.clear()
        self.size = 0


_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_GET_OR_CLAIM = """
local page = redis.call('GET', KEYS[1])
if page then return {1, page} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {2, ''} end
return {0, ''}
"""
"""KEYS: page, claim. ARGV: owner, claim expiry ms. One atomic step, so a page published between a
look and a claim cannot be claimed (and downloaded) again."""


class RedisPages:
    """Claims and published pages in Redis, under one crawl job's namespace."""

    def __init__(self, client: aioredis.Redis, namespace: str, owner: str, *, ttl: float = 3600.0,
                 claim_ttl: float = 60.0) -> None:
        self.client = client
        self.namespace = namespace
        self.owner = owner
        self.ttl_ms = max(1, int(ttl * 1000))
        self.claim_ttl_ms = max(1, int(claim_ttl * 1000))
        self._release = client.register_script(_RELEASE)
        self._get_or_claim = client.register_script(_GET_OR_CLAIM)

    def _page(self, key: str) -> str:
        return f"{self.namespace}:page:{key}"

    def _claim(self, key: str) -> str:
        return f"{self.namespace}:claim:{key}"

    async def get_or_claim(self, key: str) -> tuple[bytes | None, bool]:
        """The published page if there is one; else whether we now hold the claim to download it."""
        outcome, blob = await self._get_or_claim(keys=[self._page(key), self._claim(key)],
                                                 args=[self.owner, self.claim_ttl_ms])
        if int(outcome) == 1:
            return (blob.encode() if isinstance(blob, str) else blob), False
        return None, int(outcome) == 2

    async def publish(self, key: str, blob: bytes) -> None:
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.set(self._page(key), blob, px=self.ttl_ms)
            pipe.delete(self._claim(key))
            await pipe.execute()

    async def release(self, key: str) -> None:
        """Give up our claim (not one another worker took after ours expired)."""
        await self._release(keys=[self._claim(key)], args=[self.owner])

    async def close(self) -> None:
        await self.client.aclose()


class PageCacheMiddleware:
    """The downloader middleware of the module docstring: memory first, then Redis, then download."""

    def __init__(self, memory: MemoryPages, shared: RedisPages | None = None, *, wait: float = 60.0,
                 stats: StatsCollector | None = None) -> None:
        self.memory = memory
        self.shared = shared
        self.wait = wait
        self.stats = stats
        self._pending: dict[str, asyncio.Future[bytes | None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not read_bool(settings, "MANBA_PAGECACHE_ENABLED", True):
            raise NotConfigured("MANBA_PAGECACHE_ENABLED is off")
        default_wait = settings.getfloat("DOWNLOAD_TIMEOUT") * (settings.getint("RETRY_TIMES") + 1) + 10
        middleware = cls(
            MemoryPages(int(read_float(settings, "MANBA_PAGECACHE_MEMORY_MB", 64) * 2**20)),
            wait=read_float(settings, "MANBA_PAGECACHE_WAIT", default_wait),
            stats=crawler.stats,
        )
        if settings.get("MANBA_REDIS_URL"):
            ttl = read_float(settings, "MANBA_PAGECACHE_TTL", 3600.0)

            def attach_redis() -> None:
                job = job_for(crawler)
                client = aioredis.Redis.from_url(settings["MANBA_REDIS_URL"], socket_timeout=30)
                middleware.shared = RedisPages(client, job.key("pages"), job.worker, ttl=ttl,
                                               claim_ttl=middleware.wait)

            crawler.signals.connect(attach_redis, signal=signals.spider_opened, weak=False)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(middleware.request_dropped, signal=signals.request_dropped)
        return middleware

    # -- the downloader middleware ---------------------------------------------------------
    async def process_request(self, request: Request) -> Response | None:
        key = page_key(request)
        if key is None or OWNER in request.meta:
            return None
        blob = self.memory.get(key)
        if blob is not None:
            return self._replay(request, blob, "hit/memory")
        pending = self._pending.get(key)
        if pending is not None:
            blob = await self._wait_local(pending)
            if blob is not None:
                return self._replay(request, blob, "waited/memory")
            # The owner failed or is slow: fetch it ourselves; our response settles the page too.
            self._own(request, key)
            return None
        self._pending[key] = asyncio.get_running_loop().create_future()
        if self.shared is not None:
            try:
                blob = await self._from_shared(key)
            except redis.RedisError as exc:
                self._redis_error(exc)
                blob = None
            if blob is not None:
                self._settle(key, blob)
                return self._replay(request, blob, None)
        self._own(request, key)
        return None

    async def process_response(self, request: Request, response: Response) -> Response:
        key = request.meta.get(OWNER)
        if key is None or FLAG in response.flags:
            return response
        if 200 <= response.status < 300:
            blob = encode(response)
            self._settle(key, blob)
            self._inc("stored")
            if self.shared is not None:
                try:
                    await self.shared.publish(key, blob)
                except redis.RedisError as exc:
                    self._redis_error(exc)
        else:
            self._inc(f"not_stored/http_{response.status}")
            await self._release(key)
        return response

    async def process_exception(self, request: Request, exception: BaseException) -> None:
        key = request.meta.get(OWNER)
        if key is not None:
            await self._release(key)

    # -- signals ----------------------------------------------------------------------------
    def request_dropped(self, request: Request) -> None:
        """A retry or redirect of a page we own that the scheduler dropped: nothing will settle it."""
        key = request.meta.get(OWNER)
        if key is not None:
            task = asyncio.ensure_future(self._release(key))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def spider_closed(self) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_result(None)
        self._pending.clear()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.stats is not None and self.memory.evicted:
            self.stats.set_value("manba/pagecache/evicted", self.memory.evicted)
        self.memory.clear()
        if self.shared is not None:
            await self.shared.close()

    # -- internals --------------------------------------------------------------------------
    def _own(self, request: Request, key: str) -> None:
        request.meta[OWNER] = key
        self._inc("downloads")

    async def _wait_local(self, pending: asyncio.Future[bytes | None]) -> bytes | None:
        try:
            blob = await asyncio.wait_for(asyncio.shield(pending), self.wait)
        except TimeoutError:
            self._inc("fallback/timeout")
            return None
        if blob is None:
            self._inc("fallback/released")
        return blob

    async def _from_shared(self, key: str) -> bytes | None:
        """The page from Redis (now, or once its owner publishes it), or None when we should download:
        we won the claim, or the owner gave up or took longer than ``wait``."""
        assert self.shared is not None
        deadline = time.monotonic() + self.wait
        delay = 0.02
        waited = False
        while True:
            blob, claimed = await self.shared.get_or_claim(key)
            if blob is not None:
                self._inc("waited/redis" if waited else "hit/redis")
                return blob
            if claimed:
                if waited:
                    self._inc("fallback/released")
                return None
            if time.monotonic() >= deadline:
                self._inc("fallback/timeout")
                return None
            waited = True
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.5)

    def _settle(self, key: str, blob: bytes | None) -> None:
        """The page is known (or its owner failed: None); wake whoever waits in this process."""
        if blob is not None:
            self.memory.put(key, blob)
        future = self._pending.pop(key, None)
        if future is not None and not future.done():
            future.set_result(blob)

    async def _release(self, key: str) -> None:
        self._inc("released")
        self._settle(key, None)
        if self.shared is not None:
            try:
                await self.shared.release(key)
            except redis.RedisError as exc:
                self._redis_error(exc)

    def _redis_error(self, exc: redis.RedisError) -> None:
        """Redis trouble costs a duplicate download, not the page: count it and go on without."""
        self._inc(f"redis_error/{type(exc).__name__}")
        logger.warning("page cache: Redis error, downloading without it: %s", exc)

    def _replay(self, request: Request, blob: bytes, stat: str | None) -> Response:
        if stat is not None:
            self._inc(stat)
        return decode(blob, request)

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"manba/pagecache/{key}")
