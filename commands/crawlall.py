"""``scrapy crawlall``: the scheduled job. Crawl every enabled source that is due, once.

    scrapy crawlall            # the sources whose re-poll time has come (all, the first time)
    scrapy crawlall --all      # every enabled source, due or not

One ``sources`` crawl, incremental (``crawler.middlewares.incremental``): known articles are not
fetched again, listing pages and feeds are fetched conditionally. The crawl run is recorded
with its stats; its close-time checks (``core.checks``) decide the exit status:

    0  the crawl ran and every check passed (or nothing was due)
    1  a check failed (each failure is printed on stderr and kept with the run), or the crawl
       could not start
    2  usage or configuration error (a store that is missing or unreachable, a broken sources
       file, an invalid MANBA setting): one line on stderr

so cron, a systemd timer or a Kubernetes CronJob sees a failed crawl as a failed job.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from scrapy.commands import BaseRunSpiderCommand

from commands import CommandError, ManbaCommand, load_sources
from crawler.config import database_url
from storage.crawlstate import due_sources
from storage.db import check_reachable, make_engine, make_sessionmaker
from storage.migrate import upgrade_engine


class Command(ManbaCommand, BaseRunSpiderCommand):
    requires_project = True
    checks_settings = True
    keys: list[str]
    """The enabled sources with start pages, found before the crawl starts."""

    def syntax(self) -> str:
        return "[--all] [-s NAME=VALUE ...]"

    def short_desc(self) -> str:
        return "Crawl every enabled source that is due (the scheduled job); exit 1 when a check fails"

    def long_desc(self) -> str:
        return (
            "Run the sources spider once over every enabled registry source whose re-poll time has "
            "come (every source with --all), incrementally. The crawl run is stored with its stats "
            "and the close-time checks it failed: an unexpected finish reason, more errors than "
            "MANBA_CHECK_MAX_ERRORS, a source none of whose listing pages, feeds or sitemaps could "
            "be fetched, or a source whose pages showed no article links when they usually do. "
            "Exit status 1 when a check fails; the reasons are printed on stderr. `scrapy runs` "
            "lists recent runs."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--all", action="store_true", help="crawl every enabled source, due or not")

    def check_before_start(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        self.no_arguments(args)
        if opts.spargs:
            raise CommandError(
                "crawlall takes no spider arguments (-a): it chooses the sources itself; "
                "use scrapy crawl sources -a source=KEY for some of them"
            )
        registry = load_sources(self.settings)
        keys = [s.key for s in registry.enabled() if s.start_urls()]
        if not keys:
            raise CommandError(
                f"no enabled source with start pages in {registry.path}: enable one, or point "
                "MANBA_SOURCES_FILE at another registry"
            )
        check_reachable(database_url(self.settings))
        self.keys = keys

    def perform(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None and self.crawler_process is not None
        keys = self.keys
        if not opts.all:
            keys = self._due(keys)
            if not keys:
                return

        crawler = self._create_crawler("sources")
        self.crawler_process.crawl(crawler, source=",".join(keys))
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            print("scrapy crawlall: the crawl could not start (see the log above)", file=sys.stderr)
            self.exitcode = 1
            return
        assert crawler.stats is not None
        run_id = crawler.stats.get_value("manba/run_id")
        failures = crawler.stats.get_value("manba/checks/failed")
        if failures is None:
            print(
                "scrapy crawlall: the crawl recorded no run and ran no checks (is MANBA_STORE_ENABLED off?)",
                file=sys.stderr,
            )
            self.exitcode = 1
            return
        if failures:
            print(f"scrapy crawlall: crawl run {run_id} FAILED {len(failures)} check(s):", file=sys.stderr)
            for message in failures:
                print(f"  - {message}", file=sys.stderr)
            self.exitcode = 1
            return
        stats = crawler.stats
        print(
            f"crawl run {run_id}: {len(keys)} source(s), "
            f"{stats.get_value('manba/store/created', 0)} new, "
            f"{stats.get_value('manba/store/updated', 0)} updated, "
            f"{stats.get_value('manba/incremental/skipped', 0)} known articles not fetched, "
            f"{stats.get_value('manba/conditional/not_modified', 0)} pages not modified; all checks passed"
        )

    def _due(self, keys: list[str]) -> list[str]:
        assert self.settings is not None
        engine = make_engine(database_url(self.settings))
        try:
            upgrade_engine(engine)
            with make_sessionmaker(engine).begin() as session:
                due, later = due_sources(session, keys, datetime.now(UTC))
        finally:
            engine.dispose()
        if not due:
            key = min(later, key=later.__getitem__)
            print(f"nothing is due: the next source ({key}) is due at {later[key]:%Y-%m-%d %H:%M} UTC")
        return due
