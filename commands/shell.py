"""``scrapy shell`` for Manba: Scrapy's shell, without the store and without the browser.

Opening a saved fixture page to debug a page object must not create a database or a
crawl run, so the store is off (``MANBA_STORE_ENABLED``: no crawl-run extension, no middleware
state) and so are item pipelines. scrapy-playwright's download handler does not
start inside the shell's threaded reactor (the shell hangs), so pages are fetched by
Scrapy's own handlers: for a ``render = true`` site, open its saved rendered page
(``tests/fixtures/fanavaran/article.rendered.html``).
"""

from __future__ import annotations

import argparse

from scrapy.commands.shell import Command as ScrapyShellCommand

from commands import exit_on_invalid_settings


class Command(ScrapyShellCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        self.settings.set("MANBA_STORE_ENABLED", False, priority="cmdline")
        self.settings.set("ITEM_PIPELINES", {}, priority="cmdline")
        self.settings.set("DOWNLOAD_HANDLERS", {}, priority="cmdline")
        exit_on_invalid_settings(self)
