"""``scrapy parse`` for Manba: Scrapy's parse, which never writes the store, and reads saved pages.

``scrapy parse --spider urls -c parse_article URL`` shows what a callback makes of one page; it
must not create a database or record a crawl run, so the store is off (``--pipelines`` runs the
other pipelines, and origin following logs at INFO where it found the origin or why it stopped).
Like ``scrapy shell``, it takes a saved page by its path
(``./tests/fixtures/93z/article.html``) as well as a URL.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from scrapy.commands.parse import Command as ScrapyParseCommand
from scrapy.exceptions import DropItem
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.url import guess_scheme
from twisted.internet.defer import Deferred

from commands import CommandError, ManbaCommand, exit_on_invalid_settings
from commands.check import PRIORITY
from commands.preflight import page_url, spider_for

logger = logging.getLogger(__name__)


class Command(ManbaCommand, ScrapyParseCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        self.settings.set("MANBA_STORE_ENABLED", False, priority=PRIORITY)
        self.settings.set("MANBA_PROGRESS_ENABLED", False, priority=PRIORITY)
        self.settings.set("MANBA_ORIGIN_EXPLAIN", True, priority=PRIORITY)  # --pipelines: say why it stopped
        exit_on_invalid_settings(self)

    def check_before_start(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise CommandError("give one URL or saved page: scrapy parse --spider urls -c parse_article URL")
        assert self.settings is not None
        spider_for(get_spider_loader(self.settings), page_url(args[0]), opts.spider)

    def perform(self, args: list[str], opts: argparse.Namespace) -> None:
        ScrapyParseCommand.run(self, [guess_scheme(a) for a in args], opts)

    def scraped_data(self, args: tuple[Any, ...]) -> Any:
        """With ``--pipelines``, the items go through the pipelines before the crawl may close:
        Scrapy's parse starts them and moves on, so the spider closed while origin following was
        still fetching candidates, and nothing said so."""
        items, _, opts, *_ = args
        itemproc = self.pcrawler.engine.scraper.itemproc if self.pcrawler.engine else None
        if not opts.pipelines or itemproc is None:
            return super().scraped_data(args)

        async def through_pipelines() -> None:
            for item in items:
                try:
                    await itemproc.process_item_async(item)
                except DropItem as exc:
                    logger.info("dropped by a pipeline: %s", exc)

        def then(_: object) -> Any:
            opts.pipelines = False  # already run: Scrapy's part only lists the items now
            try:
                return super(Command, self).scraped_data(args)
            finally:
                opts.pipelines = True

        done: Deferred[Any] = deferred_from_coro(through_pipelines())
        return done.addCallback(then)
