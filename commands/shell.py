"""``scrapy shell`` for Manba: Scrapy's shell, without the store and without the browser, with
Manba's helpers in its namespace and listed in its banner.

Opening a saved fixture page to debug a page object must not create a database or a
crawl run, so the store is off (``MANBA_STORE_ENABLED``: no crawl-run extension, no middleware
state) and so are item pipelines. scrapy-playwright's download handler does not
start inside the shell's threaded reactor (the shell hangs), so pages are fetched by
Scrapy's own handlers: for a ``render = true`` site, open its saved rendered page
(``tests/fixtures/fanavaran/article.rendered.html``).

The helpers (``crawler/shell.py``) read the store the settings name, never write it:
``explain(response)`` runs the response through the whole pipeline and says what the store would
do with it; ``extract``, ``attribute`` and ``normalise`` run one step; ``changes(url)`` shows what a
stored copy changed.
"""

from __future__ import annotations

import argparse
from typing import Any

from scrapy.commands.shell import Command as ScrapyShellCommand
from scrapy.shell import Shell
from scrapy.spiderloader import get_spider_loader

from commands import ManbaCommand, exit_on_invalid_settings
from commands.preflight import page_url, spider_class

HELP = (
    "Manba (crawler/shell.py; the store is read, never written):",
    "  explain(response[, site])  the whole pipeline on one page: page object and why, title,",
    "                             date, canonical URL, chain, own reporting, normalised text,",
    "                             and what the store would do with it",
    "  extract(response[, site])  the item a spider would yield (page object only)",
    "  attribute(text)            the attribution chain and own-reporting flag of a text",
    "  normalise(text)            the text as hazm normalises it (what matching sees)",
    "  changes(url)               what a stored copy changed against its release",
)


class Command(ManbaCommand, ScrapyShellCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        self.settings.set("MANBA_STORE_ENABLED", False, priority="cmdline")
        self.settings.set("ITEM_PIPELINES", {}, priority="cmdline")
        self.settings.set("DOWNLOAD_HANDLERS", {}, priority="cmdline")
        exit_on_invalid_settings(self)

    def check_before_start(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if args:
            page_url(args[0])
        if opts.spider:
            spider_class(get_spider_loader(self.settings), opts.spider)

    def perform(self, args: list[str], opts: argparse.Namespace) -> None:
        ScrapyShellCommand.run(self, args, opts)

    def update_vars(self, vars: dict[str, Any]) -> None:
        """Manba's helpers, bound to the shell's settings; and their lines in the banner."""
        assert self.settings is not None
        # Imported here: every scrapy command imports this module to list it, and the helpers bring
        # the whole pipeline (about 0.3 s of start-up that `scrapy runs` need not pay).
        from crawler import shell as helpers

        vars.update(helpers.namespace(self.settings))
        shell = getattr(vars.get("shelp"), "__self__", None)
        if isinstance(shell, Shell) and not getattr(shell, "manba_help", False):
            scrapy_help = shell.get_help
            shell.get_help = lambda: scrapy_help() + "".join(f"[s] {line}\n" for line in HELP)  # type: ignore[method-assign]
            shell.manba_help = True  # type: ignore[attr-defined]
