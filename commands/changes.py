"""``scrapy changes URL``: what a stored copy changed against its release's reference, in a terminal.

The lookup is ``storage.lookup.comparison_at`` (the URL canonical or as crawled), the comparison
``storage.changes.comparison_for`` and the lines ``core.syndication.changes_text.format_text``, which
the shell's ``crawler.shell.changes`` prints too.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand

from commands import CommandError, ManbaCommand
from core.syndication.changes_text import format_text, shown
from crawler.config import database_url
from storage.lookup import NoComparison, comparison_at
from storage.read import reading

NOT_A_COPY_HINT = "give the URL of one of its release's copies (scrapy export lists each document's role)"
NOT_STORED_HINT = "check the URL, or crawl it first: scrapy crawl urls -a urls=URL"


class Command(ManbaCommand, ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "URL [--all]"

    def short_desc(self) -> str:
        return "Print what a stored copy changed against its release's reference"

    def long_desc(self) -> str:
        return (
            "Compare the copy stored at URL (its canonical URL or the URL it was crawled from) with its "
            "release's reference (the origin when it is stored, else the earliest published document) "
            "in the store named by MANBA_DATABASE_URL, and print the reference's URL, the share of its "
            "sentences the copy kept, the title change, the changed figures and then the sentences in "
            "the copy's order: '- ' cut, '+ ' added, '~ ' changed (the reference's sentence, then "
            "'→ ' the copy's, the words that differ in brackets), '= ' unchanged (only with --all). "
            "A URL the store does not hold, or a document that is not a copy, exits 2."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--all", dest="every_row", action="store_true", help="show the unchanged sentences too"
        )

    def perform(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if len(args) != 1:
            raise CommandError("give exactly one URL: scrapy changes URL [--all]")
        url = args[0]
        try:
            with reading(database_url(self.settings)) as session:
                doc, comparison = comparison_at(session, url)
                text = format_text(comparison, doc.canonical_url, every_row=opts.every_row)
        except NoComparison as exc:
            hint = NOT_A_COPY_HINT if exc.stored else NOT_STORED_HINT
            raise CommandError(f"{shown(exc.url)} {exc.reason}; {hint}") from exc
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
