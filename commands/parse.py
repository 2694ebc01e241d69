"""``scrapy parse`` for Manba: Scrapy's parse, which never writes the store, and reads saved pages.

``scrapy parse --spider urls -c parse_article URL`` shows what a callback makes of one page; it
must not create a database or record a crawl run, so the store is off (``--pipelines`` runs the
other pipelines). Like ``scrapy shell``, it takes a saved page by its path
(``./tests/fixtures/93z/article.html``) as well as a URL.
"""

from __future__ import annotations

import argparse

from scrapy.commands.parse import Command as ScrapyParseCommand
from scrapy.utils.url import guess_scheme

from commands import exit_on_invalid_settings
from commands.check import PRIORITY


class Command(ScrapyParseCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        self.settings.set("MANBA_STORE_ENABLED", False, priority=PRIORITY)
        self.settings.set("MANBA_PROGRESS_ENABLED", False, priority=PRIORITY)
        exit_on_invalid_settings(self)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        super().run([guess_scheme(a) for a in args], opts)
