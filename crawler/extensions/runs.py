"""The crawl-run lifecycle: a ``crawl_runs`` row from the spider's opening to its close.

At open it starts the run (``storage.runs.start_run``) and puts its id in the stat
``manba/run_id``, where the store pipeline and ``scrapy crawlall`` read it. At close, once every
item is written (Scrapy closes the spider only then), it evaluates the close-time checks
(``core.checks``: failures are logged and listed in the stat ``manba/checks/failed``, which
``scrapy crawlall`` turns into its exit status), records the next poll of every source the run
crawled (``core.recrawl``) and finishes the run with its stats.

Settings: ``MANBA_STORE_ENABLED`` (off: no run is recorded), ``MANBA_DATABASE_URL``,
``MANBA_CHECK_*`` and ``MANBA_POLL_*`` (``crawler.config``).
"""

from __future__ import annotations

import logging
from typing import Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.checks import CheckLimits, evaluate, source_stat
from core.recrawl import RecrawlPolicy
from crawler.config import database_url
from crawler.settings_check import check_limits, read_bool, recrawl_policy
from storage.crawlstate import record_poll
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade_engine
from storage.models import utcnow
from storage.runs import finish_run, seen_history, start_run

logger = logging.getLogger(__name__)


class CrawlRuns:
    def __init__(self, crawler: Crawler, url: str, limits: CheckLimits, policy: RecrawlPolicy) -> None:
        self.crawler = crawler
        self.url = url
        self.limits = limits
        self.policy = policy
        self.engine: Engine | None = None
        self.sessions: sessionmaker[Session] | None = None
        self.run_id: int | None = None
        self.sources: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not read_bool(settings, "MANBA_STORE_ENABLED", True):
            raise NotConfigured("MANBA_STORE_ENABLED is off")
        runs = cls(crawler, database_url(settings), check_limits(settings), recrawl_policy(settings))
        crawler.signals.connect(runs.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(runs.spider_closed, signal=signals.spider_closed)
        return runs

    def spider_opened(self, spider: Spider) -> None:
        selected = getattr(spider, "selected", None)
        self.sources = [source.key for source in selected] if selected is not None else []
        self.engine = make_engine(self.url)
        upgrade_engine(self.engine)
        self.sessions = make_sessionmaker(self.engine)
        with self.sessions.begin() as session:
            self.run_id = start_run(session, spider.name, self.sources if selected is not None else None)
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("manba/run_id", self.run_id)
        logger.info("Crawl run %d started", self.run_id)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        try:
            if self.sessions is not None and self.run_id is not None:
                self.close_run(self.sessions, self.run_id, reason)
        finally:
            if self.engine is not None:
                self.engine.dispose()
            self.engine = self.sessions = None

    def close_run(self, sessions: sessionmaker[Session], run_id: int, reason: str) -> None:
        stats = self.crawler.stats
        with sessions.begin() as session:
            history = seen_history(session, self.sources, before_run=run_id)
        failures = evaluate(stats.get_stats() if stats else {}, reason, self.sources, history, self.limits)
        for failure in failures:
            logger.error("Crawl run %d failed a check: %s", run_id, failure.message)
        if stats is not None:
            stats.set_value("manba/checks/failed", [f.message for f in failures])
        final = stats.get_stats() if stats is not None else {}
        with sessions.begin() as session:
            self.record_polls(session, final, run_id)
            finish_run(session, run_id, reason, final, failures)

    def record_polls(self, session: Session, stats: dict[str, object], run_id: int) -> None:
        """When each source the run crawled is next due (``storage.crawlstate.record_poll``)."""
        now = utcnow()
        for key in self.sources:
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
