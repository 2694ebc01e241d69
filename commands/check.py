"""``scrapy check`` for Manba: Scrapy's contract checks, without the store and without the browser.

It checks the spiders of ``crawler/checked.py`` (``SPIDER_MODULES``): the production spiders under
their own names, with the check callbacks naming the saved pages, which the production spiders
do not carry. The contracts read saved pages through ``file://`` (crawler/contracts.py), so a
check needs neither: the store is turned off for the middlewares as well (Scrapy already leaves
item pipelines out), so checking never creates a database, and the download handlers are
Scrapy's own, so Chromium is never started. Local files need no politeness: no download delay,
no AutoThrottle. ``-s`` can set any of these back.
"""

from __future__ import annotations

import argparse

from scrapy.commands.check import Command as ScrapyCheckCommand
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.spiderloader import get_spider_loader

from commands import ManbaCommand, exit_on_invalid_settings, one_line_errors
from commands.preflight import spider_class

# Above a spider's custom_settings, below the command line (as Scrapy's check does for pipelines).
PRIORITY = (SETTINGS_PRIORITIES["spider"] + SETTINGS_PRIORITIES["cmdline"]) // 2
CHECKED_SPIDERS = ["crawler.checked"]


class Command(ManbaCommand, ScrapyCheckCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        # Read when the crawler process is built, which is after this.
        self.settings.set("SPIDER_MODULES", CHECKED_SPIDERS, priority=PRIORITY)
        self.settings.set("MANBA_STORE_ENABLED", False, priority=PRIORITY)
        self.settings.set("DOWNLOAD_HANDLERS", {}, priority=PRIORITY)
        self.settings.set("DOWNLOAD_DELAY", 0, priority=PRIORITY)
        self.settings.set("AUTOTHROTTLE_ENABLED", False, priority=PRIORITY)
        exit_on_invalid_settings(self)
        with one_line_errors(self, opts):  # the checked spiders are known only now
            loader = get_spider_loader(self.settings)
            for name in args:
                spider_class(loader, name)

    def perform(self, args: list[str], opts: argparse.Namespace) -> None:
        ScrapyCheckCommand.run(self, args, opts)
