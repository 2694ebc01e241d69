"""Distributed crawling: several ``scrapy crawl`` processes, on one machine or many, share one frontier.

Off unless ``MANBA_REDIS_URL`` is set (environment variable or ``-s``). Then :class:`DistributedAddon`
(in ``ADDONS``) switches the crawl to scrapy-redis's scheduler, so every worker pushes the requests its
callbacks yield into one Redis queue and pops its next request from it. The store needs nothing
extra: PostgreSQL's band index and advisory locks already keep documents and releases consistent
across processes (``storage/clusters.py``).

**Jobs.** Workers share a crawl *job*. The first worker of a spider creates a job id in Redis under a
lease that every worker renews each second; workers started while it lives join it; the last worker
out ends it, and a lease nobody renews (every worker killed) runs out. So workers started together
(or while others still run) split one crawl, and a crawl started after all workers have finished gets
a fresh namespace: a new queue and an empty set of fingerprints.

**Fingerprints expire.** A request's fingerprint (Scrapy's ``REQUEST_FINGERPRINTER``) goes into a set
per period of ``MANBA_REDIS_FINGERPRINT_TTL`` seconds; a request is a duplicate when the current or
the previous period's set holds it, and each set expires one period after its own period ends. So a
URL is forgotten between one and two TTLs after it was first seen, and Redis holds at most two
periods' worth of fingerprints however long a job runs.

**Stopping.** A worker whose engine is idle does not close while the shared queue holds requests or
another worker is busy (its pages may still yield requests). It closes, with reason ``finished``, once
the queue has stayed empty and no other live worker has been busy for ``MANBA_REDIS_IDLE_CLOSE``
seconds. A worker that stops reporting for ``MANBA_REDIS_LEASE`` seconds counts as gone.

Settings (``MANBA_REDIS_*``):

- ``MANBA_REDIS_URL``: Redis server, e.g. ``redis://host:6379/0``; unset = one process, no Redis.
- ``MANBA_REDIS_PREFIX`` (``manba``): first part of every key, so deployments can share a server.
- ``MANBA_REDIS_LEASE`` (30 s): how long a job or a worker lives without a heartbeat.
- ``MANBA_REDIS_IDLE_CLOSE`` (30 s): how long the frontier must stay empty before a worker closes.
- ``MANBA_REDIS_FINGERPRINT_TTL`` (86400 s): fingerprint period, see above.

Keys (``P`` = prefix, ``S`` = spider name, ``J`` = job id): ``P:S:job`` (current job id),
``P:S:workers`` (hash: worker → ``job|busy-or-idle|server time ms``), ``P:S:J:requests`` (scrapy-redis
FIFO queue; ``SCHEDULER_QUEUE_CLASS`` changes it), ``P:S:J:seen:<period>`` (fingerprint sets),
``P:S:J:pages:…`` (the fetch-once page cache, ``crawler/middlewares/pagecache.py``).

Stats: ``manba/redis/job_created`` (1 for the worker that created the job, else 0),
``scheduler/enqueued/redis``, ``scheduler/dequeued/redis``, ``dupefilter/filtered``,
``manba/redis/idle_waits`` (idle checks that kept the worker open), ``manba/redis/heartbeat_error/<Error>``.
"""

from __future__ import annotations

import importlib
import logging
import os
import secrets
import socket
import time
import weakref
from dataclasses import dataclass
from typing import Self

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.dupefilters import BaseDupeFilter
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.settings import BaseSettings
from scrapy.spiders import Spider
from scrapy.statscollectors import StatsCollector
from scrapy.utils.misc import load_object
from scrapy.utils.request import RequestFingerprinterProtocol
from scrapy_redis.scheduler import Scheduler as _RedisScheduler
from twisted.internet import task

from crawler.settings_check import read_float

logger = logging.getLogger(__name__)

DEFAULT_QUEUE_CLASS = "scrapy_redis.queue.FifoQueue"
"""First in, first out: hosts interleave in the order their pages are discovered. scrapy-redis's
PriorityQueue (a sorted set) orders requests of equal priority by their pickled bytes — by URL — so
every worker would drain one host before the next, and per-site politeness would throttle them all.
The FIFO list ignores request priorities (Scrapy's redirect and retry adjustments)."""

# Every script reads the clock with Redis's TIME, so workers on machines whose clocks differ agree.
_NOW_MS = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)"

_JOIN = _NOW_MS + """
local job = redis.call('GET', KEYS[1])
local created = 0
if not job then job = ARGV[1] created = 1 end
redis.call('SET', KEYS[1], job, 'PX', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], job .. '|busy|' .. now)
return {job, created}
"""
"""KEYS: job pointer, workers hash. ARGV: new job id, worker, lease ms. Joins the live job or starts
one, and registers the worker in the same step, so a leaving worker cannot end a job being joined."""

_TICK = _NOW_MS + """
local lease = tonumber(ARGV[4])
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], lease)
elseif not current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', lease)
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1] .. '|' .. ARGV[3] .. '|' .. now)
local entries = redis.call('HGETALL', KEYS[2])
local live, busy = 0, 0
for i = 1, #entries, 2 do
  local job, state, seen = string.match(entries[i + 1], '^(.*)|(%a+)|(%d+)$')
  seen = tonumber(seen) or 0
  if now - seen > 10 * lease then
    redis.call('HDEL', KEYS[2], entries[i])
  elseif entries[i] ~= ARGV[2] and job == ARGV[1] and now - seen <= lease then
    live = live + 1
    if state == 'busy' then busy = busy + 1 end
  end
end
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[5]) end
local queued = 0
local kind = redis.call('TYPE', KEYS[3])['ok']
if kind == 'list' then queued = redis.call('LLEN', KEYS[3])
elseif kind == 'zset' then queued = redis.call('ZCARD', KEYS[3]) end
return {live, busy, queued}
"""
"""KEYS: job pointer, workers hash, request queue. ARGV: job, worker, state, lease ms, queue TTL ms.
Renews the job's lease (re-creating the pointer if it lapsed), records this worker's state, forgets
workers silent for ten leases, and returns (other live workers, other busy workers, queued requests)."""

_LEAVE = _NOW_MS + """
local lease = tonumber(ARGV[3])
redis.call('HDEL', KEYS[2], ARGV[2])
local entries = redis.call('HGETALL', KEYS[2])
for i = 1, #entries, 2 do
  local job, state, seen = string.match(entries[i + 1], '^(.*)|(%a+)|(%d+)$')
  if job == ARGV[1] and now - (tonumber(seen) or 0) <= lease then return 0 end
end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
for i = 3, #KEYS do redis.call('DEL', KEYS[i]) end
return 1
"""
"""KEYS: job pointer, workers hash, then the job's keys to delete when it ends. ARGV: job, worker,
lease ms. Returns 1 when this was the job's last live worker (the job has ended)."""

_SEEN = """
for i = 2, #KEYS do
  if redis.call('SISMEMBER', KEYS[i], ARGV[1]) == 1 then return 0 end
end
local added = redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIREAT', KEYS[1], ARGV[2])
return added
"""
"""KEYS: this period's fingerprint set, then the previous period's. ARGV: fingerprint, the unix time
at which this period's set expires. Returns 1 for a new fingerprint, 0 for a duplicate."""


def redis_client(url: str) -> redis.Redis:
    """A synchronous client (the scheduler's API is synchronous; Redis answers in well under 1 ms)."""
    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10, retry_on_timeout=True)


@dataclass(frozen=True)
class Heartbeat:
    """What one heartbeat learned about the job."""

    live_others: int
    busy_others: int
    queued: int


class RedisJob:
    """One worker's membership of a shared crawl job (see the module docstring)."""

    def __init__(self, server: redis.Redis, prefix: str, spider: str, *, lease: float = 30.0,
                 fingerprint_ttl: float = 86400.0, worker: str | None = None) -> None:
        if "%" in prefix or "%" in spider:  # scrapy-redis %-formats its queue key
            raise ValueError("MANBA_REDIS_PREFIX and spider names must not contain '%'")
        if fingerprint_ttl <= 0:
            raise ValueError(f"MANBA_REDIS_FINGERPRINT_TTL must be positive, got {fingerprint_ttl}")
        self.server = server
        self.base = f"{prefix}:{spider}"
        self.lease_ms = max(1, int(lease * 1000))
        self.fingerprint_ttl = fingerprint_ttl
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.id: str | None = None
        self.created = False
        self._join = server.register_script(_JOIN)
        self._tick = server.register_script(_TICK)
        self._leave = server.register_script(_LEAVE)

    @property
    def pointer(self) -> str:
        return f"{self.base}:job"

    @property
    def workers(self) -> str:
        return f"{self.base}:workers"

    @property
    def joined_id(self) -> str:
        if self.id is None:
            raise RuntimeError("join() the job first")
        return self.id

    def key(self, *parts: str) -> str:
        """A key in this job's namespace."""
        return ":".join((self.base, self.joined_id, *parts))

    def join(self) -> str:
        new_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + secrets.token_hex(3)
        try:
            job, created = self._join(keys=[self.pointer, self.workers],
                                      args=[new_id, self.worker, self.lease_ms])
        except redis.ConnectionError as exc:
            raise RuntimeError(f"MANBA_REDIS_URL: Redis is not reachable ({exc})") from exc
        self.id = job.decode() if isinstance(job, bytes) else str(job)
        self.created = bool(created)
        return self.id

    def tick(self, *, busy: bool) -> Heartbeat:
        live, busy_others, queued = self._tick(
            keys=[self.pointer, self.workers, self.key("requests")],
            args=[self.joined_id, self.worker, "busy" if busy else "idle", self.lease_ms,
                  int(2000 * self.fingerprint_ttl)],
        )
        return Heartbeat(int(live), int(busy_others), int(queued))

    def leave(self) -> bool:
        """Deregister; True when no other live worker remains: the job has ended, and its queue and
        fingerprint sets are deleted (page-cache entries expire on their own)."""
        period = int(time.time() // self.fingerprint_ttl)
        seen = [seen_key(self.key("seen"), p) for p in range(period - 2, period + 2)]  # any clock skew
        keys = [self.pointer, self.workers, self.key("requests"), *seen]
        return bool(self._leave(keys=keys, args=[self.joined_id, self.worker, self.lease_ms]))


def seen_key(base: str, period: int) -> str:
    return f"{base}:{period}"


# One job per crawler, joined by whichever component needs it first (the scheduler, when the spider opens).
_JOBS: weakref.WeakKeyDictionary[Crawler, RedisJob] = weakref.WeakKeyDictionary()


def job_for(crawler: Crawler) -> RedisJob:
    """The crawler's job, joined on first use."""
    job = _JOBS.get(crawler)
    if job is None:
        settings = crawler.settings
        url = settings.get("MANBA_REDIS_URL")
        if not url:
            raise NotConfigured("MANBA_REDIS_URL is not set")
        assert crawler.spidercls is not None
        job = RedisJob(
            redis_client(url),
            settings.get("MANBA_REDIS_PREFIX") or "manba",
            crawler.spidercls.name,
            lease=read_float(settings, "MANBA_REDIS_LEASE", 30.0),
            fingerprint_ttl=read_float(settings, "MANBA_REDIS_FINGERPRINT_TTL", 86400.0),
        )
        job.join()
        _JOBS[crawler] = job
        if crawler.stats is not None:
            crawler.stats.set_value("manba/redis/job_created", int(job.created))
        logger.info("%s crawl job %s as worker %s", "Created" if job.created else "Joined", job.id,
                    job.worker, extra={"crawler": crawler})
    return job


class ExpiringDupeFilter(BaseDupeFilter):
    """Request fingerprints in Redis, shared by the job's workers, forgotten after one to two TTLs."""

    def __init__(self, server: redis.Redis, key: str, fingerprinter: RequestFingerprinterProtocol, *,
                 ttl: float = 86400.0, debug: bool = False, stats: StatsCollector | None = None) -> None:
        self.server = server
        self.key = key
        self.fingerprinter = fingerprinter
        self.ttl = ttl
        self.debug = debug
        self.stats = stats
        self._seen = server.register_script(_SEEN)
        self._clock_offset = 0.0
        self._logged = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        job = job_for(crawler)
        return cls(
            job.server,
            job.key("seen"),
            crawler.request_fingerprinter,
            ttl=job.fingerprint_ttl,
            debug=crawler.settings.getbool("DUPEFILTER_DEBUG"),
            stats=crawler.stats,
        )

    def open(self) -> None:
        # Periods are counted on the Redis server's clock, so workers on other machines agree.
        seconds, micros = self.server.time()
        self._clock_offset = seconds + micros / 1e6 - time.time()

    def period(self, now: float | None = None) -> int:
        return int(((time.time() + self._clock_offset) if now is None else now) // self.ttl)

    def request_seen(self, request: Request) -> bool:
        fingerprint = self.fingerprinter.fingerprint(request).hex()
        period = self.period()
        keys = [seen_key(self.key, period), seen_key(self.key, period - 1)]
        expires_at = int((period + 2) * self.ttl) + 1
        return not self._seen(keys=keys, args=[fingerprint, expires_at])

    def close(self, reason: str) -> None:
        """Nothing to delete: the fingerprints belong to the job, which outlives this worker."""

    def log(self, request: Request, spider: Spider) -> None:
        if self.stats is not None:
            self.stats.inc_value("dupefilter/filtered")
        if self.debug:
            logger.debug("Filtered duplicate request: %(request)s", {"request": request},
                         extra={"spider": spider})
        elif not self._logged:
            logger.debug("Filtered duplicate request: %(request)s - no more duplicates will be shown "
                         "(see DUPEFILTER_DEBUG to show all duplicates)", {"request": request},
                         extra={"spider": spider})
            self._logged = True


class RedisScheduler(_RedisScheduler):
    """scrapy-redis's scheduler in the job's namespace, with :class:`ExpiringDupeFilter`.

    Built from the crawler rather than from settings; the queue and fingerprints persist when a
    worker closes (they belong to the job); stats and logging without the spider arguments that
    Scrapy 2.13+ deprecates. The dupefilter is always :attr:`dupefilter_cls` (a per-process
    ``DUPEFILTER_CLASS`` would let every worker crawl everything once more).
    """

    dupefilter_cls: type[ExpiringDupeFilter] = ExpiringDupeFilter
    spider: Spider
    stats: StatsCollector | None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        job = job_for(crawler)
        settings = crawler.settings
        serializer = settings.get("SCHEDULER_SERIALIZER")  # a module with loads/dumps; None = pickle
        scheduler = cls(
            server=job.server,
            persist=True,
            queue_key=job.key("requests"),
            queue_cls=settings.get("SCHEDULER_QUEUE_CLASS") or DEFAULT_QUEUE_CLASS,
            dupefilter=cls.dupefilter_cls.from_crawler(crawler),
            idle_before_close=0,
            serializer=importlib.import_module(serializer) if isinstance(serializer, str) else serializer,
        )
        scheduler.stats = crawler.stats
        return scheduler

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.queue_key, serializer=self.serializer
        )
        self.df.open()
        if len(self.queue):
            logger.info("Joining a crawl with %d requests queued", len(self.queue), extra={"spider": spider})

    def close(self, reason: str) -> None:
        """Leave the queue and fingerprints to the job (the last worker out deletes the queue)."""

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.queue.push(request)
        if self.stats is not None:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        request: Request | None = self.queue.pop(0)
        if request is not None and self.stats is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request


class WorkerMonitor:
    """Keeps this worker's lease on the job, and closes the spider when the whole job is done."""

    def __init__(self, crawler: Crawler, *, idle_close: float = 30.0, interval: float = 1.0) -> None:
        self.crawler = crawler
        self.idle_close = idle_close
        self.interval = interval
        self.job: RedisJob | None = None
        self.idle_since: float | None = None
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.get("MANBA_REDIS_URL"):
            raise NotConfigured("MANBA_REDIS_URL is not set")
        lease = read_float(settings, "MANBA_REDIS_LEASE", 30.0)
        monitor = cls(crawler, idle_close=read_float(settings, "MANBA_REDIS_IDLE_CLOSE", 30.0),
                      interval=min(1.0, lease / 5))
        crawler.signals.connect(monitor.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(monitor.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(monitor.spider_closed, signal=signals.spider_closed)
        return monitor

    def spider_opened(self) -> None:
        self.job = job_for(self.crawler)
        self._loop = task.LoopingCall(self._heartbeat)
        self._loop.start(self.interval, now=True)

    def _engine_idle(self) -> bool:
        engine = self.crawler.engine
        try:
            return engine is not None and engine.spider_is_idle()
        except RuntimeError:  # the engine's slot is gone: the spider is closing
            return False

    def _heartbeat(self) -> None:
        assert self.job is not None
        idle = self._engine_idle()
        try:
            beat = self.job.tick(busy=not idle)
        except redis.RedisError as exc:  # the next tick tries again; the lease outlives a few misses
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value(f"manba/redis/heartbeat_error/{type(exc).__name__}")
            logger.warning("Redis heartbeat failed: %s", exc, extra={"crawler": self.crawler})
            return
        if not idle or beat.queued or beat.busy_others:
            self.idle_since = None
        self._wake_engine()

    def _wake_engine(self) -> None:
        """Have the engine ask the scheduler for work now rather than at its 5-second heartbeat, so a
        worker picks up requests other workers queued and re-checks the closing rule every tick.
        (Scrapy has no public call for this; without it a worker is only slower to react.)"""
        slot = getattr(self.crawler.engine, "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None:
            nextcall.schedule()

    def spider_idle(self) -> None:
        """Raise DontCloseSpider until the frontier has stayed empty and every other worker idle."""
        assert self.job is not None
        beat = self.job.tick(busy=False)
        now = time.monotonic()
        if beat.queued or beat.busy_others:
            self.idle_since = None
        elif self.idle_since is None:
            self.idle_since = now
        if self.idle_since is None or now - self.idle_since < self.idle_close:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("manba/redis/idle_waits")
            raise DontCloseSpider

    def spider_closed(self, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self.job is None:
            return
        try:
            ended = self.job.leave()
        except redis.RedisError as exc:
            logger.warning("Could not leave crawl job %s: %s", self.job.id, exc,
                           extra={"crawler": self.crawler})
            return
        logger.info("Left crawl job %s (%s)", self.job.id,
                    "the job has ended" if ended else "other workers remain", extra={"crawler": self.crawler})


class DistributedAddon:
    """``ADDONS`` entry: with ``MANBA_REDIS_URL`` set, crawl through the shared Redis frontier.

    Without it the add-on is silently disabled (a bare ``NotConfigured``): one process is the
    ordinary case, not a misconfiguration worth a warning.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("MANBA_REDIS_URL"):
            raise NotConfigured
        return cls()

    def update_settings(self, settings: BaseSettings) -> None:
        settings.set("SCHEDULER", "crawler.distributed.RedisScheduler", "addon")
        settings.set("DUPEFILTER_CLASS", "crawler.distributed.ExpiringDupeFilter", "addon")
        settings.set("REDIS_URL", settings.get("MANBA_REDIS_URL"), "addon")
        settings.set_in_component_priority_dict("EXTENSIONS", WorkerMonitor, 100)
