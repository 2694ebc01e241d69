"""Write every item to the store, one transaction per item, and record the crawl run.

Database errors are not caught here: Scrapy logs them with the item and counts
them (``log_count/ERROR``), and the item is not passed on as if it were stored.
"""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from crawler.items import ArticleItem
from crawler.registry import Registry, load_registry
from pipelines.config import database_url, sources_file
from pipelines.storage.db import make_engine, make_sessionmaker
from pipelines.storage.migrate import upgrade_engine
from pipelines.storage.retry import in_transaction
from pipelines.storage.write import finish_run, start_run, store_document, sync_sources
from pipelines.validate import strip_nul_fields

logger = logging.getLogger(__name__)

ORIGIN_KINDS = frozenset({"ministry", "government"})


def role_for(kind: str | None) -> str:
    """The role when attribution left ``item.role`` unset: a page published by a ministry or
    government body is an origin; anything else is the outlet's own story."""
    return "origin" if kind in ORIGIN_KINDS else "own"


class StorePipeline:
    """Settings: ``MANBA_STORE_ENABLED`` (default on), ``MANBA_DATABASE_URL``,
    ``MANBA_SOURCES_FILE``. Stats: ``manba/store/created|updated|unchanged`` (the item itself;
    an origin stored with it is not counted), ``manba/store/linked`` (copies stored in
    their origin's release) and ``manba/store/retried`` (transactions run again after a
    deadlock or serialization failure, see ``pipelines.storage.retry``)."""

    def __init__(
        self,
        database_url: str,
        sources_file: str | None = None,
        *,
        stats: StatsCollector | None = None,
        spider_name: str = "unknown",
    ) -> None:
        self.database_url = database_url
        self.sources_file = sources_file
        self.stats = stats
        self.spider_name = spider_name
        self.crawler: Crawler | None = None
        self.engine: Engine | None = None
        self.sessions: sessionmaker[Session] | None = None
        self.registry: Registry | None = None
        self.run_id: int | None = None

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
        )
        pipeline.crawler = crawler
        # The finish reason is only known once the spider has closed, after pipelines.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        if self.crawler is not None and self.crawler.spider is not None:
            self.spider_name = self.crawler.spider.name
        self.registry = load_registry(self.sources_file)
        self.engine = make_engine(self.database_url)
        upgrade_engine(self.engine)
        self.sessions = make_sessionmaker(self.engine)
        with self.sessions.begin() as session:
            sync_sources(session, self.registry)
            self.run_id = start_run(session, self.spider_name)
        logger.info(
            "Storing to %s (crawl run %d)",
            self.engine.url.render_as_string(hide_password=True),
            self.run_id,
        )

    def process_item(self, item: Any) -> Any:
        if self.sessions is None or self.registry is None:
            raise RuntimeError("StorePipeline.process_item() called before open_spider()")
        if not isinstance(item, ArticleItem):
            raise TypeError(f"StorePipeline stores ArticleItem, not {type(item).__name__}")
        source = self.registry.sources.get(item.site)
        if item.origin is not None:
            # Fetched by origin-following after validation ran: PostgreSQL refuses NUL in text.
            strip_nul_fields(item.origin)
        result = in_transaction(
            self.sessions,
            lambda session: store_document(
                session,
                item,
                run_id=self.run_id,
                source_key=source.key if source is not None else None,
                role=role_for(source.kind if source is not None else None),
            ),
            on_retry=self._count_retry,
        )
        if self.stats is not None:
            self.stats.inc_value(f"manba/store/{result.value}")
            if item.origin is not None:
                self.stats.inc_value("manba/store/linked")
        return item

    def _count_retry(self, exc: BaseException) -> None:
        logger.debug("Retrying an item's transaction after %r", exc)
        if self.stats is not None:
            self.stats.inc_value("manba/store/retried")

    def spider_closed(self, reason: str) -> None:
        try:
            if self.sessions is not None and self.run_id is not None:
                stats = self.stats.get_stats() if self.stats is not None else {}
                with self.sessions.begin() as session:
                    finish_run(session, self.run_id, reason, stats)
        finally:
            if self.engine is not None:
                self.engine.dispose()
            self.engine = self.sessions = None
