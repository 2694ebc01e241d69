"""``scrapy crawl`` for Manba: Scrapy's crawl, which refuses an invalid MANBA setting before it starts.

``scrapy crawl urls -s MANBA_PROGRESS_INTERVAL=-5 …`` prints one line naming the setting and its
value and exits 2, instead of crawling with the component switched off or failing mid-start.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from commands import exit_on_invalid_settings


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        exit_on_invalid_settings(self)
