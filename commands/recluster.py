"""``scrapy recluster``: regroup stored documents into releases (after a threshold change)."""

from __future__ import annotations

import argparse
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand

from commands import CommandError, ManbaCommand, load_sources
from commands.summary import share
from core.attribution import NameIndex
from core.syndication.similarity import COPY_THRESHOLD
from crawler.config import database_url
from storage.credited import relink
from storage.db import check_reachable, make_engine, make_sessionmaker, shown, sqlite_path
from storage.migrate import upgrade_engine
from storage.recluster import recluster
from storage.write import sync_sources


class Command(ManbaCommand, ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--threshold SHARE]"

    def short_desc(self) -> str:
        return "Rebuild releases and the MinHash band index from stored documents"

    def long_desc(self) -> str:
        return (
            "Recompute every stored document's fingerprint (credit lines and boilerplate removed, "
            "hazm-normalised, MinHash bands), rewrite the band index, and group the documents into "
            "releases again: equal normalised text, or a shared band whose containment reaches "
            f"--threshold (default {COPY_THRESHOLD}, the store's). Copies placed by origin following "
            "stay with their origin, and origins stay the heads of their releases. Deterministic "
            "and idempotent; one transaction (writers wait). Run it after changing the threshold "
            "or upgrading a store from before the band index. It first links stored credits whose "
            "names the registry (MANBA_SOURCES_FILE) now knows to their sources."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--threshold",
            metavar="SHARE",
            type=share,
            default=COPY_THRESHOLD,
            help=f"containment at or above which two texts are one release (default {COPY_THRESHOLD})",
        )

    def perform(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        self.no_arguments(args)
        url = database_url(self.settings)
        path = sqlite_path(url)
        if path is not None and not path.exists():
            raise CommandError(f"no store at {path}: run a crawl first, or point MANBA_DATABASE_URL "
                               f"(now {shown(url)}) at an existing store")
        registry = load_sources(self.settings)
        check_reachable(url)
        engine = make_engine(url, create_dir=False)
        try:
            upgrade_engine(engine)
            with make_sessionmaker(engine).begin() as session:
                sync_sources(session, registry)
                linked = relink(session, NameIndex.from_registry(registry))
                report = recluster(session, threshold=opts.threshold)
        finally:
            engine.dispose()
        if linked.attributions:
            print(f"linked {linked.attributions} stored credit(s) of {linked.names} name(s) the registry "
                  f"now knows to their sources")
        print(
            f"reclustered {report.documents} documents at threshold {report.threshold}: "
            f"{report.releases_before} releases before, {report.releases_after} after, "
            f"{report.moved} documents moved"
        )
