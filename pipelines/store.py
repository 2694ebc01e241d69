"""Write every item to the store: a writer process stores the items it has in groups, one
transaction per group (``storage.write.write_group``); a writer thread or a call outside a crawl,
one transaction per item (``storage.write.write_item``).

During a crawl the writes leave the reactor: they run in writer processes (by default,
``storage.writer``) or writer threads, so pages keep being downloaded and extracted while an item
is fingerprinted, matched and stored. A writer process also leaves the crawler's interpreter lock
alone, which doubles what a crawl does on two cores. Called outside a crawl (a script, a unit
test), :meth:`StorePipeline.process_item` writes at once. The crawl run the rows belong to is kept
by the ``crawler.extensions.runs`` extension.

Database errors are not caught here: Scrapy logs them with the item and counts
them (``log_count/ERROR``), and the item is not passed on as if it were stored.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Coroutine
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Self, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import maybe_deferred_to_future
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from twisted.internet.defer import Deferred, DeferredList

from core.attribution import NameIndex
from core.items import ArticleItem
from core.registry import Registry, role_for
from crawler import shared
from crawler.config import database_url
from crawler.settings_check import read_bool, read_float, read_int
from pipelines.validate import strip_nul_fields
from storage.credited import relink
from storage.db import make_engine, make_sessionmaker, shown
from storage.migrate import upgrade_engine
from storage.write import StoreResult, sync_sources, write_item
from storage.writer import DEFAULT_GROUP_SIZE, DEFAULT_GROUP_WAIT, WriterDied, WriterProcess, check_group

logger = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_WRITERS = 1
"""One writer keeps the order items arrive in (and SQLite takes one writer at a time anyway);
PostgreSQL on a machine with cores to spare can take more (``MANBA_STORE_WRITERS``)."""


async def ended(writers: list[WriterProcess]) -> None:
    """Close the writers' stdin and wait for them to exit."""
    await maybe_deferred_to_future(DeferredList([writer.close() for writer in writers]))


async def thread_result(future: Future[T]) -> T:
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
    ``MANBA_SOURCES_FILE`` (the registry, shared by the crawl's components: ``crawler.shared``).

    At open it brings the store's schema up to date, mirrors the registry into ``sources`` and
    links stored credits of names the registry now knows (``storage.credited.relink``).

    Stats: ``manba/store/created|updated|unchanged`` (the item itself;
    an origin stored with it is not counted), ``manba/store/linked`` (copies stored in
    their origin's release), ``manba/store/relinked`` and ``manba/store/retried`` (transactions
    run again after a deadlock or serialization failure, see ``storage.retry``).

    Writers, during a crawl: ``MANBA_STORE_WRITERS`` (default 1) writer processes, or threads of
    the crawler with ``MANBA_STORE_PROCESSES = False``. A writer process stores up to
    ``MANBA_STORE_GROUP_SIZE`` (50) items in one transaction, the first and those already waiting
    behind it (``MANBA_STORE_GROUP_WAIT`` seconds more, 0 by default; ``storage.writer``), and answers
    for them once it has committed; a thread writes each item by :func:`storage.write.write_item`
    in its own transaction. Scrapy waits for the answer before the item counts as scraped, and for
    every write before the spider closes. Rows carry the crawl run of ``manba/run_id``
    (``crawler.extensions.runs``)."""

    def __init__(
        self,
        database_url: str,
        registry: Registry,
        *,
        names: NameIndex | None = None,
        stats: StatsCollector | None = None,
        writers: int = DEFAULT_WRITERS,
        processes: bool = True,
        crosslingual: bool = True,
        group_size: int = DEFAULT_GROUP_SIZE,
        group_wait: float = DEFAULT_GROUP_WAIT,
    ) -> None:
        if writers < 1:
            raise ValueError(f"a store needs at least one writer, not {writers}")
        check_group(group_size, group_wait)
        self.database_url = database_url
        self.registry = registry
        self.names = names or NameIndex.from_registry(registry)
        self.stats = stats
        self.crawler: Crawler | None = None
        self.engine: Engine | None = None
        self.sessions: sessionmaker[Session] | None = None
        self.writers = writers
        self.processes = processes
        self.crosslingual = crosslingual
        self.group_size = group_size
        self.group_wait = group_wait
        self._threads: ThreadPoolExecutor | None = None
        self._processes: list[WriterProcess] = []
        self._stats_lock = threading.Lock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not read_bool(settings, "MANBA_STORE_ENABLED", True):
            raise NotConfigured("MANBA_STORE_ENABLED is off")
        pipeline = cls(
            database_url(settings),
            shared.registry(crawler),
            names=shared.names(crawler),
            stats=crawler.stats,
            writers=read_int(settings, "MANBA_STORE_WRITERS", DEFAULT_WRITERS),
            processes=read_bool(settings, "MANBA_STORE_PROCESSES", True),
            crosslingual=read_bool(settings, "MANBA_CROSSLINGUAL", True),
            group_size=read_int(settings, "MANBA_STORE_GROUP_SIZE", DEFAULT_GROUP_SIZE),
            group_wait=read_float(settings, "MANBA_STORE_GROUP_WAIT", DEFAULT_GROUP_WAIT),
        )
        pipeline.crawler = crawler
        # After the crawl-run extension has closed the run (it connected first).
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    @property
    def run_id(self) -> int | None:
        """The crawl run the rows belong to (``None`` outside a crawl with runs)."""
        value = self.stats.get_value("manba/run_id") if self.stats is not None else None
        return value if isinstance(value, int) else None

    def open_spider(self) -> None:
        self.engine = make_engine(self.database_url)
        upgrade_engine(self.engine)
        self.sessions = make_sessionmaker(self.engine)
        with self.sessions.begin() as session:
            sync_sources(session, self.registry)
            relinked = relink(session, self.names)
        if relinked.attributions:
            logger.info("Linked %d stored credit(s) of %d name(s) the registry now knows (%d release(s) "
                        "changed source)", relinked.attributions, relinked.names, relinked.releases)
        if self.stats is not None:
            self.stats.set_value("manba/store/relinked", relinked.attributions)
        how = "in the crawler's thread"
        if self.crawler is not None and self.crawler.crawling:
            if self.processes:
                self._processes = [
                    WriterProcess(self.database_url, self.group_size, self.group_wait).start()
                    for _ in range(self.writers)
                ]
                waiting = f"within {self.group_wait:g} s" if self.group_wait else "already waiting"
                how = (f"{self.writers} writer process(es), up to {self.group_size} items per transaction "
                       f"{waiting}")
            else:
                self._threads = ThreadPoolExecutor(self.writers, thread_name_prefix="manba-store")
                how = f"{self.writers} writer thread(s)"
        logger.info("Storing to %s (%s)", shown(self.engine.url), how)

    def process_item(self, item: Any) -> Any:
        if self.sessions is None:
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
        source = self.registry.sources.get(item.site)
        return (source.key if source is not None else None), role_for(source)

    def write(self, item: ArticleItem) -> StoreResult:
        """:func:`storage.write.write_item` here, on the pipeline's own engine."""
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
            crosslingual=self.crosslingual,
        )

    def _count_outage_wait(self) -> None:
        if self.stats is not None:
            with self._stats_lock:  # called from writer threads
                self.stats.inc_value("manba/store/outage_waits")

    async def _write_in_thread(self, item: ArticleItem, threads: ThreadPoolExecutor) -> ArticleItem:
        return self._stored(item, await thread_result(threads.submit(self.write, item)))

    async def _write_in_process(self, item: ArticleItem) -> ArticleItem:
        if all(writer.alive for writer in self._processes):
            writer = min(self._processes, key=lambda w: len(w.pending))
            key, role = self._target(item)
            try:
                written = writer.write(item, self.run_id, key, role, self.crosslingual)
                result, retried = await maybe_deferred_to_future(written)
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
        """Release the engine; with writer processes, a coroutine that waits for them to exit
        (Scrapy awaits it). Scrapy closes the spider only once every item, and so every write, is
        done."""
        try:
            if self._threads is not None:
                self._threads.shutdown(wait=True)
                self._threads = None
        finally:
            if self.engine is not None:
                self.engine.dispose()
            self.engine = self.sessions = None
            processes, self._processes = self._processes, []
        if not processes:
            return None
        return ended(processes)
