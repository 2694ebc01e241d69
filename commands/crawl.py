"""``scrapy crawl`` for Manba: Scrapy's crawl, which refuses a mistake before the crawler starts.

An invalid MANBA setting (``-s MANBA_PROGRESS_INTERVAL=-5``), an unknown spider, an ``-a``
argument the spider does not take or cannot use (``-a url=…``, ``-a urls=not-a-url``, an unknown
``-a source=``), a broken sources file and a store that is missing or unreachable are each one line
on stderr and exit status 2 (``commands/preflight.py``), instead of a crawl failing mid-start.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.spiderloader import get_spider_loader

from commands import CommandError, ManbaCommand
from commands.preflight import check_crawl


class Command(ManbaCommand, ScrapyCrawlCommand):
    checks_settings = True

    def check_before_start(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        loader = get_spider_loader(self.settings)
        if len(args) != 1:
            spiders = ", ".join(sorted(loader.list()))
            raise CommandError(f"name one spider: scrapy crawl SPIDER, one of {spiders}")
        check_crawl(self.settings, loader, args[0], opts.spargs)

    def perform(self, args: list[str], opts: argparse.Namespace) -> None:
        ScrapyCrawlCommand.run(self, args, opts)
