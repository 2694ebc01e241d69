"""Distributed crawling (crawler/distributed.py) and the fetch-once page cache
(crawler/middlewares/pagecache.py).

Unit level: the shared, expiring dupefilter; crawl jobs; the Redis scheduler's request round trip;
the page cache in one process and across two workers. Crawl level: a browser-rendered page through
the cache. Command line: two ``scrapy crawl sources`` workers sharing Redis and a PostgreSQL store.
Everything that needs Redis skips when it is unreachable (``MANBA_TEST_REDIS_URL``, default
``redis://127.0.0.1:6379/9``); each test's keys live under their own prefix and are deleted after it.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis
import redis.asyncio as aioredis
from scrapy import Request, Spider
from scrapy.http import HtmlResponse, Response
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler
from scrapy_playwright.page import PageMethod
from sqlalchemy import text
from sqlalchemy.engine import URL

from core.registry import Source, load_registry
from crawler.distributed import ExpiringDupeFilter, Heartbeat, RedisJob, RedisScheduler, job_for
from crawler.fetch import render_meta
from crawler.middlewares.pagecache import FLAG, OWNER, MemoryPages, PageCacheMiddleware, RedisPages, page_key
from crawler.settings import DOWNLOAD_HANDLERS, PLAYWRIGHT_LAUNCH_OPTIONS
from fixtureweb.sites import SITE_IPS
from storage.db import make_engine
from storage.label_scores import score_clusters
from storage.testing import postgres_schema_url, url_string
from tests.conftest import REPO, SCRAPY, ServeWeb, scrapy_env, skip_without

REDIS_ENV = "MANBA_TEST_REDIS_URL"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"


def _redis_url() -> str:
    return os.environ.get(REDIS_ENV) or DEFAULT_REDIS_URL


@pytest.fixture
def redis_url() -> str:
    url = _redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        skip_without("Redis", f"not reachable at {url} (set {REDIS_ENV})")
    return url


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own; every key under it is deleted afterwards."""
    name = f"manba-test-{uuid.uuid4().hex[:10]}"
    yield name
    server = redis.Redis.from_url(redis_url)
    keys = list(server.scan_iter(match=f"{name}:*", count=1000))
    if keys:
        server.delete(*keys)


@pytest.fixture
def server(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_url)


class UnitSpider(Spider):
    name = "unit"

    def parse_article(self, response: Response, source_key: str | None = None) -> None:
        pass


def redis_crawler(redis_url: str, prefix: str, **extra: Any) -> Any:
    return get_crawler(UnitSpider, {"MANBA_REDIS_URL": redis_url, "MANBA_REDIS_PREFIX": prefix, **extra})


# --- the expiring dupefilter and crawl jobs ---------------------------------------------------------


def test_fingerprints_are_shared_and_forgotten_after_one_to_two_ttls(redis_url: str, prefix: str,
                                                                     server: redis.Redis) -> None:
    crawler = redis_crawler(redis_url, prefix)
    first = ExpiringDupeFilter(server, f"{prefix}:seen", crawler.request_fingerprinter, ttl=60)
    second = ExpiringDupeFilter(server, f"{prefix}:seen", crawler.request_fingerprinter, ttl=60)
    first.open()
    second.open()
    page = Request("http://127.0.0.3:1/news/1/?b=2&a=1")
    assert not first.request_seen(page)
    assert second.request_seen(Request("http://127.0.0.3:1/news/1/?a=1&b=2"))  # same fingerprint
    assert not second.request_seen(Request("http://127.0.0.3:1/news/2/"))
    (key,) = [k.decode() for k in server.scan_iter(match=f"{prefix}:seen:*")]
    assert key == f"{prefix}:seen:{first.period()}"
    assert 60 < server.ttl(key) <= 121  # the set lives until the end of the next period
    # One period later the fingerprint is still known; two periods later it is forgotten.
    second._clock_offset += 60
    assert second.request_seen(page)
    second._clock_offset += 60
    assert not second.request_seen(page)


def test_a_job_is_joined_while_a_worker_lives_and_ends_with_the_last(server: redis.Redis,
                                                                     prefix: str) -> None:
    a = RedisJob(server, prefix, "sources", lease=5, worker="a")
    b = RedisJob(server, prefix, "sources", lease=5, worker="b")
    job = a.join()
    assert a.created
    assert b.join() == job and not b.created
    server.lpush(a.key("requests"), b"request")
    b.tick(busy=True)
    assert a.tick(busy=False) == Heartbeat(live_others=1, busy_others=1, queued=1)
    assert b.tick(busy=False) == Heartbeat(live_others=1, busy_others=0, queued=1)
    assert not b.leave()  # a still runs
    assert a.leave()  # the last one out ends the job and deletes its queue
    assert not server.exists(a.pointer) and not server.exists(a.key("requests"))
    c = RedisJob(server, prefix, "sources", lease=5, worker="c")
    assert c.join() != job and c.created


def test_a_silent_worker_does_not_keep_the_job(server: redis.Redis, prefix: str) -> None:
    a = RedisJob(server, prefix, "sources", lease=0.2, worker="a")
    b = RedisJob(server, prefix, "sources", lease=0.2, worker="b")
    a.join()
    b.join()
    server.pexpire(a.pointer, 60_000)  # keep the pointer alive; let b's heartbeat go stale
    time.sleep(0.4)
    assert a.tick(busy=False).live_others == 0
    assert a.leave()


def test_scheduler_round_trip_keeps_callbacks_cb_kwargs_and_playwright_meta(redis_url: str,
                                                                             prefix: str) -> None:
    """Two workers' schedulers on one job: what one enqueues, the other dequeues intact (pickled
    request dicts: callback by name, cb_kwargs, PageMethod objects); duplicates are dropped."""
    crawlers = [redis_crawler(redis_url, prefix) for _ in range(2)]
    schedulers = []
    for crawler in crawlers:
        spider = UnitSpider.from_crawler(crawler)
        crawler.spider = spider
        scheduler = RedisScheduler.from_crawler(crawler)
        scheduler.open(spider)
        schedulers.append(scheduler)
    assert job_for(crawlers[0]).id == job_for(crawlers[1]).id
    spider = crawlers[0].spider
    meta = {**render_meta_for_test(), "manba_page": "article"}
    request = Request("http://127.0.0.5:1/article/7/", callback=spider.parse_article, meta=meta,
                      cb_kwargs={"source_key": "fanavaran"}, priority=3)
    assert schedulers[0].enqueue_request(request)
    assert not schedulers[1].enqueue_request(request.replace())  # the other worker has seen it
    assert schedulers[1].has_pending_requests()
    got = schedulers[1].next_request()
    assert got is not None and schedulers[1].next_request() is None
    assert got.url == request.url and got.priority == 3
    assert got.callback == crawlers[1].spider.parse_article
    assert got.cb_kwargs == {"source_key": "fanavaran"}
    (method,) = got.meta["playwright_page_methods"]
    assert isinstance(method, PageMethod)
    assert (method.method, method.args, method.kwargs) == ("wait_for_selector", ("#x",), {"timeout": 15_000})
    assert got.meta["playwright"] is True and got.meta["manba_page"] == "article"
    for crawler in crawlers:
        job_for(crawler).leave()


def render_meta_for_test() -> dict[str, Any]:
    return {"playwright": True, "playwright_page_goto_kwargs": {"wait_until": "networkidle"},
            "playwright_page_methods": [PageMethod("wait_for_selector", "#x", timeout=15_000)]}


# --- the page cache ----------------------------------------------------------------------------------


def article(url: str = "http://127.0.0.2:1/fa/news/1/", kind: str = "article", **meta: Any) -> Request:
    return Request(url, meta={"manba_page": kind, **meta}, dont_filter=True)


def page(request: Request, status: int = 200) -> HtmlResponse:
    body = "<html><body>متن خبر</body></html>".encode()
    return HtmlResponse(request.url, status=status, body=body, encoding="utf-8", request=request,
                        headers={"Content-Type": "text/html; charset=utf-8"})


def test_only_article_pages_are_cached() -> None:
    assert page_key(article()) is not None
    assert page_key(article(kind="origin_candidate")) == page_key(article())
    assert page_key(article(playwright=True)) != page_key(article())
    assert page_key(article(kind="listing")) is None
    assert page_key(article(dont_cache=True)) is None
    post = Request("http://127.0.0.2:1/fa/news/1/", method="POST", meta={"manba_page": "article"})
    assert page_key(post) is None
    assert page_key(Request("http://127.0.0.2:1/fa/news/1/")) is None


def test_memory_pages_are_bounded() -> None:
    pages = MemoryPages(max_bytes=10)
    pages.put("a", b"12345")
    pages.put("b", b"12345")
    assert pages.get("a") == b"12345"  # a is now the most recently used
    pages.put("c", b"123")
    assert pages.get("b") is None and pages.get("a") is not None and pages.get("c") is not None
    assert pages.size <= 10 and pages.evicted == 1
    pages.put("huge", b"x" * 11)
    assert pages.get("huge") is None


@deferred_f_from_coro_f
async def test_one_process_downloads_a_page_once() -> None:
    crawler = get_crawler(UnitSpider)
    cache = PageCacheMiddleware(MemoryPages(2**20), wait=5, stats=crawler.stats)
    first, second = article(), article(kind="origin_candidate")
    assert await cache.process_request(first) is None
    assert first.meta[OWNER]
    waiting = asyncio.ensure_future(cache.process_request(second))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    response = page(first)
    assert await cache.process_response(first, response) is response
    replay = await waiting
    assert isinstance(replay, HtmlResponse) and FLAG in replay.flags
    assert replay.request is second and replay.text == response.text and replay.status == 200
    later = await cache.process_request(article())
    assert isinstance(later, HtmlResponse) and later.text == response.text
    assert await cache.process_response(second, replay) is replay  # a replay is not stored again
    stats = crawler.stats.get_stats()
    assert stats["manba/pagecache/downloads"] == 1 and stats["manba/pagecache/stored"] == 1
    assert stats["manba/pagecache/waited/memory"] == 1 and stats["manba/pagecache/hit/memory"] == 1


@deferred_f_from_coro_f
async def test_a_failed_download_lets_the_waiters_fetch_for_themselves() -> None:
    crawler = get_crawler(UnitSpider)
    cache = PageCacheMiddleware(MemoryPages(2**20), wait=5, stats=crawler.stats)
    first, second, third = article(), article(), article()
    assert await cache.process_request(first) is None
    waiting = asyncio.ensure_future(cache.process_request(second))
    await asyncio.sleep(0.01)
    await cache.process_response(first, page(first, status=503))  # after retries: not shared
    assert await waiting is None and second.meta[OWNER]
    await cache.process_exception(second, TimeoutError())
    assert await cache.process_request(third) is None and third.meta[OWNER]
    stats = crawler.stats.get_stats()
    assert stats["manba/pagecache/not_stored/http_503"] == 1
    assert stats["manba/pagecache/fallback/released"] == 1
    assert stats["manba/pagecache/downloads"] == 3


def shared_cache(redis_url: str, namespace: str, worker: str, wait: float = 5) -> PageCacheMiddleware:
    crawler = get_crawler(UnitSpider)
    client = aioredis.Redis.from_url(redis_url)
    shared = RedisPages(client, namespace, worker, ttl=60, claim_ttl=10)
    return PageCacheMiddleware(MemoryPages(2**20), shared, wait=wait, stats=crawler.stats)


@deferred_f_from_coro_f
async def test_two_workers_download_a_page_once_through_redis(redis_url: str, prefix: str) -> None:
    a = shared_cache(redis_url, prefix, "a")
    b = shared_cache(redis_url, prefix, "b")
    try:
        mine, theirs = article(), article(kind="origin_candidate")
        assert await a.process_request(mine) is None  # a claims the page
        waiting = asyncio.ensure_future(b.process_request(theirs))
        await asyncio.sleep(0.1)
        assert not waiting.done()
        await a.process_response(mine, page(mine))
        replay = await waiting
        assert isinstance(replay, HtmlResponse) and replay.request is theirs and "متن خبر" in replay.text
        assert replay.headers["Content-Type"] == b"text/html; charset=utf-8"
        again = await b.process_request(article())  # now from b's memory
        assert isinstance(again, HtmlResponse)
        fresh = shared_cache(redis_url, prefix, "c")
        try:
            assert isinstance(await fresh.process_request(article()), HtmlResponse)  # from Redis at once
            assert fresh.stats is not None and fresh.stats.get_value("manba/pagecache/hit/redis") == 1
        finally:
            await fresh.spider_closed()
        assert b.stats is not None
        assert b.stats.get_value("manba/pagecache/waited/redis") == 1
        assert b.stats.get_value("manba/pagecache/hit/memory") == 1
        assert b.stats.get_value("manba/pagecache/downloads") is None
    finally:
        await a.spider_closed()
        await b.spider_closed()


@deferred_f_from_coro_f
async def test_a_worker_falls_back_when_the_owner_fails_or_stalls(redis_url: str, prefix: str) -> None:
    a = shared_cache(redis_url, prefix, "a", wait=0.5)
    b = shared_cache(redis_url, prefix, "b", wait=0.5)
    try:
        first, second = article(), article()
        assert await a.process_request(first) is None
        waiting = asyncio.ensure_future(b.process_request(second))
        await asyncio.sleep(0.1)
        await a.process_exception(first, TimeoutError())  # a gives its claim up
        assert await waiting is None and second.meta[OWNER]  # b took the claim and downloads
        assert b.stats is not None and b.stats.get_value("manba/pagecache/fallback/released") == 1
        # b now holds the claim and never answers: a waits 0.5 s, then downloads anyway.
        third = article()
        assert await a.process_request(third) is None and third.meta[OWNER]
        assert a.stats is not None and a.stats.get_value("manba/pagecache/fallback/timeout") == 1
    finally:
        await a.spider_closed()
        await b.spider_closed()


# --- a browser-rendered page through the cache (real engine, Chromium) ------------------------------


class RenderTwiceSpider(Spider):
    """Asks for one rendered article three times: two at once, one after the first has arrived."""

    name = "render-twice"
    url: str
    source: Source
    texts: list[str]

    async def start(self) -> AsyncIterator[Request]:
        self.texts = []
        for _ in range(2):
            yield self.render(self.url)

    def render(self, url: str) -> Request:
        meta = {**render_meta(self.source, article=True), "manba_page": "article"}
        return Request(url, callback=self.parse_page, meta=meta, dont_filter=True)

    def parse_page(self, response: Response) -> Iterator[Request]:
        assert isinstance(response, HtmlResponse)
        self.texts.append(" ".join(response.css("#article-body ::text").getall()))
        if len(self.texts) == 1:
            yield self.render(response.url)


@pytest.mark.browser
@deferred_f_from_coro_f
async def test_a_rendered_page_is_fetched_once_and_replayed_rendered(served_web: ServeWeb) -> None:
    web, fixture_server = served_web()
    label = next(a for a in web.labels["articles"] if a.get("script_only_text"))
    crawler = get_crawler(RenderTwiceSpider, {
        "DOWNLOAD_HANDLERS": DOWNLOAD_HANDLERS,
        "PLAYWRIGHT_LAUNCH_OPTIONS": PLAYWRIGHT_LAUNCH_OPTIONS,
        "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.pagecache.PageCacheMiddleware": 540},
        "ROBOTSTXT_OBEY": False,
        "MANBA_ALLOW_LOOPBACK": True,  # the browser's address guard: the fixture web is on 127.0.0.x
    })
    await crawler.crawl_async(url=label["url"], source=load_registry(web.registry_path).get("fanavaran"))
    spider = crawler.spider
    assert isinstance(spider, RenderTwiceSpider)
    assert len(spider.texts) == 3
    assert all(label["script_only_text"] in t for t in spider.texts)  # every copy is the rendered DOM
    path = urlsplit(label["url"]).path
    assert fixture_server.requests.gets()[("fanavaran", path)] == 1
    stats = crawler.stats.get_stats()
    assert stats["manba/pagecache/downloads"] == 1
    assert stats["manba/pagecache/waited/memory"] + stats["manba/pagecache/hit/memory"] == 2


# --- two crawler processes sharing Redis and PostgreSQL ------------------------------------------


def stat(log: str, key: str) -> int:
    found = re.search(rf"'{re.escape(key)}': (\d+)", log)
    return int(found.group(1)) if found else 0


def two_workers(options: list[str], env: dict[str, str], tmp_path: Path) -> list[str]:
    """Run two ``scrapy crawl sources`` workers at once; their logs, once both finished cleanly."""
    args = [SCRAPY, "crawl", "sources", *options]
    # Logs go to files: a pipe nobody reads while the other worker runs fills up, and Chromium's
    # driver makes the shared stderr non-blocking, so log lines would be lost rather than wait.
    log_files = [tmp_path / f"worker{n}.log" for n in range(2)]
    workers = []
    try:
        for log_file in log_files:
            with log_file.open("w") as stderr:
                workers.append(subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                                stderr=stderr))
        for worker in workers:
            worker.wait(timeout=300)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    logs = [log_file.read_text(encoding="utf-8", errors="replace") for log_file in log_files]
    for worker, log in zip(workers, logs, strict=True):
        assert worker.returncode == 0 and "Traceback" not in log, log[-5000:]
        assert "'finish_reason': 'finished'" in log
    return logs


@pytest.mark.crawl
def test_two_workers_share_the_frontier_and_fetch_each_article_once(
    served_web: ServeWeb, postgres_database: URL, redis_url: str, prefix: str, tmp_path: Path
) -> None:
    web, fixture_server = served_web()
    database_url = url_string(postgres_schema_url(postgres_database))
    env = scrapy_env(database_url, web.registry_path, MANBA_REDIS_URL=redis_url)
    options = ["-s", f"MANBA_REDIS_PREFIX={prefix}", "-s", "MANBA_REDIS_IDLE_CLOSE=3"]
    logs = two_workers(options, env, tmp_path)
    for log in logs:
        assert stat(log, "downloader/request_count") > 20, "both workers fetch pages"
        assert stat(log, "item_scraped_count") > 10, "both workers store articles"
    assert sorted(stat(log, "manba/redis/job_created") for log in logs) == [0, 1]
    assert sum(stat(log, "manba/pagecache/hit/memory") + stat(log, "manba/pagecache/hit/redis")
               + stat(log, "manba/pagecache/waited/memory") + stat(log, "manba/pagecache/waited/redis")
               for log in logs) > 0, "origin following reuses pages the crawl fetched"

    # Every labelled article page was fetched exactly once, by one worker or the other.
    site_of = {ip: site for site, ip in SITE_IPS.items()}
    gets = fixture_server.requests.gets()
    articles = web.labels["articles"]
    fetched = {a["url"]: gets[(site_of[urlsplit(a["url"]).hostname or ""], urlsplit(a["url"]).path)]
               for a in articles}
    assert {url: n for url, n in fetched.items() if n != 1} == {}

    # Each document once, each labelled release group one release.
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT canonical_url, release_id FROM documents")).all()
            releases = connection.execute(text("SELECT count(*) FROM releases")).scalar_one()
    finally:
        engine.dispose()
    release_of: dict[str, int] = {url: release for url, release in rows}
    assert len(rows) == len(release_of) == len(articles)
    assert set(release_of) == {a["url"] for a in articles}
    assert releases == len(set(release_of.values()))
    persian = [a for a in articles if a["lang"] == "fa"]
    groups: dict[str, set[int]] = {}
    for a in persian:
        if a["release"] is not None:
            groups.setdefault(a["release"], set()).add(release_of[a["url"]])
    assert all(len(stored) == 1 for stored in groups.values()), groups
    score = score_clusters((a["release"], release_of[a["url"]]) for a in persian)
    assert score.precision == 1.0, score


@pytest.mark.crawl
def test_the_shared_dupefilter_alone_keeps_each_article_to_one_download(
    served_web: ServeWeb, redis_url: str, prefix: str, tmp_path: Path
) -> None:
    """Issue 17 item 9. Both workers read every start page, so each listing's article links reach
    the shared frontier twice. With the page cache and origin following off (and no store for
    the incremental middleware to consult), only the scheduler's shared dupefilter stands between
    a second request and a second download: the fixture web's own log counts the GETs."""
    web, fixture_server = served_web(size=60)
    sites = ("ict", "isna", "93z")
    env = scrapy_env(f"sqlite:///{tmp_path / 'unused.sqlite3'}", web.registry_path, MANBA_REDIS_URL=redis_url)
    # A fifth of a second between a site's requests: without it a worker that starts first can crawl
    # the whole small web before the other has imported hazm, and nothing is contended.
    logs = two_workers(["-a", f"source={','.join(sites)}", "-s", f"MANBA_REDIS_PREFIX={prefix}",
                        "-s", "MANBA_REDIS_IDLE_CLOSE=2", "-s", "MANBA_PAGECACHE_ENABLED=False",
                        "-s", "MANBA_FOLLOW_ORIGINS=False", "-s", "MANBA_STORE_ENABLED=False",
                        "-s", "DOWNLOAD_DELAY=0.2"], env, tmp_path)
    assert all(stat(log, "item_scraped_count") > 0 for log in logs), "both workers read articles"
    site_of = {ip: site for site, ip in SITE_IPS.items()}
    gets = fixture_server.requests.gets(status=None)
    wanted = [u for a in web.labels["articles"] if site_of[(u := urlsplit(a["url"])).hostname or ""] in sites]
    fetched = {u.geturl(): gets[(site_of[u.hostname or ""], u.path)] for u in wanted}
    assert len(fetched) > 50
    assert {url: n for url, n in fetched.items() if n > 1} == {}
    assert sum(stat(log, "item_scraped_count") for log in logs) == sum(1 for n in fetched.values() if n)


def test_the_addon_switches_only_with_a_redis_url() -> None:
    from scrapy.core.scheduler import Scheduler

    crawler = get_crawler(UnitSpider, {"ADDONS": {"crawler.distributed.DistributedAddon": 0}})
    assert crawler.settings["SCHEDULER"] in (Scheduler, "scrapy.core.scheduler.Scheduler")
    distributed = get_crawler(UnitSpider, {"ADDONS": {"crawler.distributed.DistributedAddon": 0},
                                           "MANBA_REDIS_URL": _redis_url()})
    assert distributed.settings["SCHEDULER"] == "crawler.distributed.RedisScheduler"
    assert distributed.settings["DUPEFILTER_CLASS"] == "crawler.distributed.ExpiringDupeFilter"
    assert any("WorkerMonitor" in str(k) for k in distributed.settings.getdict("EXTENSIONS"))
