"""Write every item to the store, one transaction per item, and record the crawl run.

During a crawl the writes leave the reactor: they run in a writer process (by default) or a
writer thread, so pages keep being downloaded and extracted while an item is fingerprinted,
matched and stored. A writer process also leaves the crawler's interpreter lock alone, which
doubles what a crawl does on two cores. Called outside a crawl (a script, a unit test),
:meth:`StorePipeline.process_item` writes at once. Either way :func:`write_item` is the write.

Database errors are not caught here: Scrapy logs them with the item and counts
them (``log_count/ERROR``), and the item is not passed on as if it were stored.
"""

from __future__ import annotations

import itertools
import logging
import os
import pickle
import struct
import sys
import threading
import traceback
from collections.abc import Callable, Coroutine
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, BinaryIO, Self, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import maybe_deferred_to_future
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from twisted.internet.defer import Deferred, DeferredList
from twisted.internet.protocol import ProcessProtocol
from twisted.python.failure import Failure

from core.attribution import NameIndex
from core.checks import CheckLimits, evaluate, source_stat
from core.items import ArticleItem
from core.recrawl import RecrawlPolicy
from core.registry import Registry, load_registry
from core.syndication.decide import prepare, remember
from core.text.persian import warm_up
from crawler.config import check_limits, database_url, recrawl_policy, sources_file
from pipelines.validate import strip_nul_fields
from storage.crawlstate import record_poll
from storage.credited import relink
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade_engine
from storage.models import utcnow
from storage.outage import DEFAULT_MAX_WAIT, log_wait, through_outage
from storage.retry import in_transaction
from storage.runs import finish_run, seen_history, start_run
from storage.write import StoreResult, store_document, sync_sources

logger = logging.getLogger(__name__)
T = TypeVar("T")

ORIGIN_KINDS = frozenset({"ministry", "government"})
DEFAULT_WRITERS = 1
"""One writer keeps the order items arrive in (and SQLite takes one writer at a time anyway);
PostgreSQL on a machine with cores to spare can take more (``MANBA_STORE_WRITERS``)."""


def role_for(kind: str | None) -> str:
    """The role when attribution left ``item.role`` unset: a page published by a ministry or
    government body is an origin; anything else is the outlet's own story."""
    return "origin" if kind in ORIGIN_KINDS else "own"


def write_item(
    sessions: sessionmaker[Session],
    item: ArticleItem,
    *,
    run_id: int | None,
    source_key: str | None,
    role: str,
    on_retry: Callable[[BaseException], None] | None = None,
    on_outage: Callable[[], None] | None = None,
    max_wait: float = DEFAULT_MAX_WAIT,
) -> StoreResult:
    """Store one item in one transaction, run again after a deadlock, and waited out while the
    database is unreachable (``storage.outage``: at most ``max_wait`` seconds; the
    transaction is whole, so running it again neither loses nor doubles a row): the whole write
    path, the same in the crawler, a writer thread and a writer process."""
    return through_outage(
        lambda: in_transaction(
            sessions,
            lambda session: store_document(session, item, run_id=run_id, source_key=source_key, role=role),
            on_retry=on_retry,
        ),
        max_wait=max_wait,
        on_wait=log_wait(f"storing {item.url}", on_outage),
    )


# --- writer processes -------------------------------------------------------------------------
# A writer is ``python -c "…serve_writer()"``: a fresh interpreter that imports only the write
# path (no multiprocessing, so a crawl started from an unguarded script is never re-run in it).
# The crawler sends it length-prefixed pickles on its stdin: first the store URL (not on the
# command line, where a password would show), then one
# ``(number, item, run_id, source_key, role, prepared fingerprints)`` per item. It answers
# ``(number, ok, outcome)`` on its stdout; stray output of the libraries it imports goes to
# stderr, which it shares with the crawler.

_HEADER = struct.Struct(">I")


class WriterDied(RuntimeError):
    """The writer process ended while items were waiting for it."""


def _frame(value: Any) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


def _read_frame(stream: BinaryIO) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None  # the crawler closed our stdin: no more items
    size = _HEADER.unpack(header)[0]
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


def _portable(exc: BaseException) -> BaseException:
    """``exc`` with the writer's traceback as a note, or a stand-in when it does not pickle."""
    trace = "".join(traceback.format_exception(exc))
    try:
        exc.add_note(f"in the store's writer process:\n{trace}")
        pickle.dumps(exc)
        return exc
    except Exception:
        return RuntimeError(f"in the store's writer process: {trace}")


def serve_writer() -> None:
    """The writer process: store the items read from stdin, one transaction each, in order.

    With ``MANBA_WRITER_PROFILE=PATH`` in the environment it runs under pyinstrument (a development
    dependency) and writes the profile to PATH when it ends (``python -m bench.pipeline --profile``)."""
    profile = os.environ.get("MANBA_WRITER_PROFILE")
    if not profile:
        _serve_writer()
        return
    from pyinstrument import Profiler

    profiler = Profiler()
    profiler.start()
    try:
        _serve_writer()
    finally:
        profiler.stop()
        with open(profile, "w", encoding="utf-8") as out:
            out.write(profiler.output_text(unicode=True, color=False))


def _serve_writer() -> None:
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # from here on, anything printed goes to stderr, not into the replies
    requests = os.fdopen(os.dup(0), "rb")
    url = _read_frame(requests)
    if url is None:
        return
    warm_up()
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    try:
        while (request := _read_frame(requests)) is not None:
            number, item, run_id, source_key, role, prepared = request
            for ahead in prepared:
                remember(ahead)
            retried: list[BaseException] = []
            try:
                result = write_item(
                    sessions, item, run_id=run_id, source_key=source_key, role=role, on_retry=retried.append
                )
                reply = _frame((number, True, (result, len(retried))))
            except Exception as exc:
                reply = _frame((number, False, _portable(exc)))
            replies.write(reply)
            replies.flush()
    finally:
        engine.dispose()


class _Writer(ProcessProtocol):
    """The crawler's end of one writer process (on the reactor, no threads)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.pending: dict[int, Deferred[tuple[StoreResult, int]]] = {}
        self.ended: Deferred[None] = Deferred()
        self.alive = True
        self._numbers = itertools.count()
        self._buffer = bytearray()

    def start(self) -> _Writer:
        from twisted.internet import reactor  # the installed one (importing it early would install one)

        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        code = "from pipelines.store import serve_writer; serve_writer()"
        spawn: Any = reactor.spawnProcess
        spawn(self, sys.executable, [sys.executable, "-c", code], env=env, childFDs={0: "w", 1: "r", 2: 2})
        return self

    def _send(self, value: Any) -> None:
        stdin: Any = self.transport  # a process transport: write() goes to the child's stdin
        stdin.write(_frame(value))

    def connectionMade(self) -> None:
        self._send(self.url)

    def write(
        self, item: ArticleItem, run_id: int | None, source_key: str | None, role: str
    ) -> Deferred[tuple[StoreResult, int]]:
        number = next(self._numbers)
        done: Deferred[tuple[StoreResult, int]] = Deferred()
        self.pending[number] = done
        # The crawler has just normalised this text (its lines are remembered here, not in the
        # writer): it makes the match texts, the writer the shingles, signatures and bands.
        texts = [item] if item.origin is None else [item, item.origin]
        prepared = [prepare(t.body, [a.phrase for a in t.attributions]) for t in texts]
        self._send((number, item, run_id, source_key, role, prepared))
        return done

    def outReceived(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= _HEADER.size:
            size = _HEADER.unpack_from(self._buffer)[0]
            end = _HEADER.size + size
            if len(self._buffer) < end:
                break
            number, ok, outcome = pickle.loads(bytes(self._buffer[_HEADER.size : end]))
            del self._buffer[:end]
            done = self.pending.pop(number)
            if ok:
                done.callback(outcome)
            else:
                done.errback(outcome)

    def close(self) -> Deferred[None]:
        """No more items: the writer finishes what it has and exits."""
        process: Any = self.transport
        if self.alive and process is not None:
            process.closeStdin()
        return self.ended

    def processEnded(self, reason: Failure) -> None:
        self.alive = False
        pending, self.pending = self.pending, {}
        for done in pending.values():
            done.errback(WriterDied(f"the store's writer process ended: {reason.getErrorMessage()}"))
        self.ended.callback(None)


async def _ended(writers: list[_Writer]) -> None:
    """Close the writers' stdin and wait for them to exit."""
    await maybe_deferred_to_future(DeferredList([writer.close() for writer in writers]))


async def _result(future: Future[T]) -> T:
    """Wait for ``future`` (from a writer thread) on the reactor."""
    from twisted.internet import reactor  # the installed one (importing it early would install one)

    done: Deferred[T] = Deferred()

    def settle(finished: Future[T]) -> None:
        exc = finished.exception()
        if exc is None:
            done.callback(finished.result())
        else:
            done.errback(exc)

    future.add_done_callback(lambda finished: reactor.callFromThread(settle, finished))
    return await maybe_deferred_to_future(done)


class StorePipeline:
    """Settings: ``MANBA_STORE_ENABLED`` (default on), ``MANBA_DATABASE_URL``,
    ``MANBA_SOURCES_FILE``; ``MANBA_CHECK_*`` and ``MANBA_POLL_*`` (see ``crawler.config``).

    It also keeps the crawl run: a ``crawl_runs`` row from open to close, and at close the
    run's stats, the close-time checks it failed (``core.checks``; their messages also go to
    the stat ``manba/checks/failed``, which ``scrapy crawlall`` turns into its exit status) and
    the next poll of every source the run crawled (``core.recrawl``).

    Stats: ``manba/store/created|updated|unchanged`` (the item itself;
    an origin stored with it is not counted), ``manba/store/linked`` (copies stored in
    their origin's release) and ``manba/store/retried`` (transactions run again after a
    deadlock or serialization failure, see ``storage.retry``).

    Writers, during a crawl: ``MANBA_STORE_WRITERS`` (default 1) writer processes, or threads of
    the crawler with ``MANBA_STORE_PROCESSES = False``. Each item is written by
    :func:`write_item` in its own session and transaction, on the writer's own connection;
    Scrapy waits for the write before the item counts as scraped, and for every write before the
    spider closes."""

    def __init__(
        self,
        database_url: str,
        sources_file: str | None = None,
        *,
        stats: StatsCollector | None = None,
        spider_name: str = "unknown",
        limits: CheckLimits | None = None,
        policy: RecrawlPolicy | None = None,
        writers: int = DEFAULT_WRITERS,
        processes: bool = True,
    ) -> None:
        if writers < 1:
            raise NotConfigured(f"MANBA_STORE_WRITERS must be at least 1, not {writers}")
        self.database_url = database_url
        self.sources_file = sources_file
        self.stats = stats
        self.spider_name = spider_name
        self.crawler: Crawler | None = None
        self.engine: Engine | None = None
        self.sessions: sessionmaker[Session] | None = None
        self.registry: Registry | None = None
        self.run_id: int | None = None
        self.sources: list[str] | None = None
        self.limits = limits or CheckLimits()
        self.policy = policy or RecrawlPolicy()
        self.writers = writers
        self.processes = processes
        self._threads: ThreadPoolExecutor | None = None
        self._processes: list[_Writer] = []
        self._stats_lock = threading.Lock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("MANBA_STORE_ENABLED", True):
            raise NotConfigured("MANBA_STORE_ENABLED is off")
        pipeline = cls(
            database_url(settings),
            sources_file(settings),
            stats=crawler.stats,
            spider_name=crawler.spidercls.name or "unknown",
            limits=check_limits(settings),
            policy=recrawl_policy(settings),
            writers=settings.getint("MANBA_STORE_WRITERS", DEFAULT_WRITERS),
            processes=settings.getbool("MANBA_STORE_PROCESSES", True),
        )
        pipeline.crawler = crawler
        # The finish reason is only known once the spider has closed, after pipelines.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        if self.crawler is not None and self.crawler.spider is not None:
            self.spider_name = self.crawler.spider.name
            selected = getattr(self.crawler.spider, "selected", None)
            if selected is not None:
                self.sources = [source.key for source in selected]
        self.registry = load_registry(self.sources_file)
        self.engine = make_engine(self.database_url)
        upgrade_engine(self.engine)
        self.sessions = make_sessionmaker(self.engine)
        with self.sessions.begin() as session:
            sync_sources(session, self.registry)
            relinked = relink(session, NameIndex.from_registry(self.registry))
            self.run_id = start_run(session, self.spider_name, self.sources)
        if relinked.attributions:
            logger.info("Linked %d stored credit(s) of %d name(s) the registry now knows (%d release(s) "
                        "changed source)", relinked.attributions, relinked.names, relinked.releases)
        if self.stats is not None:
            self.stats.set_value("manba/run_id", self.run_id)
            self.stats.set_value("manba/store/relinked", relinked.attributions)
        how = "in the crawler's thread"
        if self.crawler is not None and self.crawler.crawling:
            if self.processes:
                self._processes = [_Writer(self.database_url).start() for _ in range(self.writers)]
                how = f"{self.writers} writer process(es)"
            else:
                self._threads = ThreadPoolExecutor(self.writers, thread_name_prefix="manba-store")
                how = f"{self.writers} writer thread(s)"
        logger.info(
            "Storing to %s (crawl run %d, %s)",
            self.engine.url.render_as_string(hide_password=True),
            self.run_id,
            how,
        )

    def process_item(self, item: Any) -> Any:
        if self.sessions is None or self.registry is None:
            raise RuntimeError("StorePipeline.process_item() called before open_spider()")
        if not isinstance(item, ArticleItem):
            raise TypeError(f"StorePipeline stores ArticleItem, not {type(item).__name__}")
        if item.origin is not None:
            # Fetched by origin-following after validation ran: PostgreSQL refuses NUL in text.
            strip_nul_fields(item.origin)
        if self._threads is not None:
            return self._write_in_thread(item, self._threads)
        if self._processes:
            return self._write_in_process(item)
        return self._stored(item, self.write(item))

    def _target(self, item: ArticleItem) -> tuple[str | None, str]:
        """The registry key and the fallback role of the item's site."""
        assert self.registry is not None
        source = self.registry.sources.get(item.site)
        return (source.key if source is not None else None), role_for(source.kind if source else None)

    def write(self, item: ArticleItem) -> StoreResult:
        """:func:`write_item` here, on the pipeline's own engine."""
        assert self.sessions is not None
        key, role = self._target(item)
        return write_item(
            self.sessions,
            item,
            run_id=self.run_id,
            source_key=key,
            role=role,
            on_retry=self._count_retry,
            on_outage=self._count_outage_wait,
        )

    def _count_outage_wait(self) -> None:
        if self.stats is not None:
            with self._stats_lock:  # called from writer threads
                self.stats.inc_value("manba/store/outage_waits")

    async def _write_in_thread(self, item: ArticleItem, threads: ThreadPoolExecutor) -> ArticleItem:
        return self._stored(item, await _result(threads.submit(self.write, item)))

    async def _write_in_process(self, item: ArticleItem) -> ArticleItem:
        if all(writer.alive for writer in self._processes):
            writer = min(self._processes, key=lambda w: len(w.pending))
            key, role = self._target(item)
            try:
                result, retried = await maybe_deferred_to_future(writer.write(item, self.run_id, key, role))
            except WriterDied:
                pass  # written again below: a write it finished before it died is found unchanged
            else:
                for _ in range(retried):
                    self._count_retry(None)
                return self._stored(item, result)
        if self._threads is None:
            # Killed, out of memory, could not start: this crawl goes on with writer threads.
            logger.error("The store's writer process ended; storing from writer threads from now on")
            self._threads = ThreadPoolExecutor(self.writers, thread_name_prefix="manba-store")
        return await self._write_in_thread(item, self._threads)

    def _stored(self, item: ArticleItem, result: StoreResult) -> ArticleItem:
        if self.stats is not None:
            self.stats.inc_value(f"manba/store/{result.value}")
            if item.origin is not None:
                self.stats.inc_value("manba/store/linked")
        return item

    def _count_retry(self, exc: BaseException | None) -> None:
        if exc is not None:
            logger.debug("Retrying an item's transaction after %r", exc)
        if self.stats is not None:
            with self._stats_lock:  # also called from writer threads
                self.stats.inc_value("manba/store/retried")

    def spider_closed(self, reason: str) -> Coroutine[Any, Any, None] | None:
        """Close the run; with writer processes, a coroutine that waits for them to exit (Scrapy
        awaits it).

        Scrapy closes the spider only once every item, and so every write, is done."""
        try:
            if self._threads is not None:
                self._threads.shutdown(wait=True)
                self._threads = None
            if self.sessions is not None and self.run_id is not None:
                self._close_run(self.sessions, self.run_id, reason)
        finally:
            if self.engine is not None:
                self.engine.dispose()
            self.engine = self.sessions = None
            processes, self._processes = self._processes, []
        if not processes:
            return None
        return _ended(processes)

    def _close_run(self, sessions: sessionmaker[Session], run_id: int, reason: str) -> None:
        stats = self.stats.get_stats() if self.stats is not None else {}
        sources = self.sources or []
        with sessions.begin() as session:
            history = seen_history(session, sources, before_run=run_id)
        failures = evaluate(stats, reason, sources, history, self.limits)
        for failure in failures:
            logger.error("Crawl run %d failed a check: %s", run_id, failure.message)
        if self.stats is not None:
            self.stats.set_value("manba/checks/failed", [f.message for f in failures])
            stats = self.stats.get_stats()
        with sessions.begin() as session:
            now = utcnow()
            for key in sources:
                if source_stat(stats, key, "pages_ok") or source_stat(stats, key, "pages_failed"):
                    # A page answered 304 showed nothing new: count it as one known link.
                    unchanged = source_stat(stats, key, "not_modified")
                    record_poll(
                        session,
                        key,
                        seen=source_stat(stats, key, "seen") + unchanged,
                        known=source_stat(stats, key, "known") + unchanged,
                        run_id=run_id,
                        now=now,
                        policy=self.policy,
                    )
            finish_run(session, run_id, reason, stats, failures)
