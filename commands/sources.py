"""``scrapy sources [--unknown]``: the registry's sources with what the store holds of them, or the
credited names it does not know yet (to add the most credited ones to the registry)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from sqlalchemy import func, select

from commands import CommandError, ManbaCommand, load_sources
from core.registry import Registry
from crawler.config import database_url
from storage.credited import UnknownName, unknown_names
from storage.models import Document, DocumentAttribution, Source
from storage.read import reading


def positive(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, not {value}")
    return number


def format_unknown(groups: list[UnknownName], top: int) -> list[str]:
    if not groups:
        return ["Every credited name in the store resolves to a registry source."]
    credits = sum(g.credits for g in groups)
    lines = [f"Credited names the registry does not know: {len(groups)} names, {credits} credits "
             f"(most credited first{f', top {top}' if len(groups) > top else ''})"]
    for rank, group in enumerate(groups[:top], start=1):
        spellings = ", ".join(f"{s} ×{n}" for s, n in group.spellings.most_common(5))
        outlets = ", ".join(f"{s} ×{n}" for s, n in group.outlets.most_common(5))
        more = f" and {len(group.outlets) - 5} more" if len(group.outlets) > 5 else ""
        lines += [
            f"{rank:>4}. {group.name}  ({group.credits} credits in {len(group.documents)} documents, "
            f"{len(group.outlets)} outlets; kind {group.kind or '?'})",
            f"      spellings: {spellings}",
            f"      outlets:   {outlets}{more}",
            f"      example:   {group.example_line}",
            f"                 {group.example_url}",
        ]
    return lines


def format_registry(registry: Registry, published: dict[str, int], credited: dict[str, int]) -> list[str]:
    width = max((len(s.key) for s in registry), default=3)
    lines = [f"{'key':<{width}}  {'kind':<10}  {'documents':>9}  {'credits':>7}  hosts"]
    for source in registry:
        lines.append(f"{source.key:<{width}}  {source.kind:<10}  {published.get(source.key, 0):>9}  "
                     f"{credited.get(source.key, 0):>7}  {', '.join(source.hosts)}")
    return lines


class Command(ManbaCommand, ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--unknown [-n N] [--json]]"

    def short_desc(self) -> str:
        return "List the registry's sources, or (--unknown) credited names the registry does not know"

    def long_desc(self) -> str:
        return (
            "Without options: every registry source (MANBA_SOURCES_FILE) with the documents stored from "
            "its sites and the credits it received. --unknown: the names texts credit that resolve to no "
            "registry source, grouped by normalised spelling (head words such as «روزنامه» and "
            "PR-office prefixes set aside), most credited first, with their spellings, the outlets that "
            "credit them and an example line. Add a name to the registry and the next crawl, or "
            "`scrapy recluster`, links its stored credits without fetching anything again."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--unknown", action="store_true",
                            help="credited names the registry does not know")
        parser.add_argument("-n", "--top", metavar="N", type=positive, default=30,
                            help="with --unknown: list the N most credited (default 30)")
        parser.add_argument("--json", action="store_true", help="with --unknown: one JSON object a name")

    def perform(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        self.no_arguments(args)
        if opts.json and not opts.unknown:
            raise CommandError("--json goes with --unknown: scrapy sources --unknown --json")
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(encoding="utf-8")
        with reading(database_url(self.settings)) as session:
            if opts.unknown:
                groups = unknown_names(session)
            else:
                published = dict(session.execute(
                    select(Source.key, func.count(Document.id))
                    .join(Document, Document.source_id == Source.id).group_by(Source.key)).all())
                credited = {key: n for key, n in session.execute(
                    select(DocumentAttribution.source_key, func.count())
                    .where(DocumentAttribution.source_key.is_not(None))
                    .group_by(DocumentAttribution.source_key)) if key is not None}
        if opts.unknown:
            if opts.json:
                for group in groups[: opts.top]:
                    print(json.dumps(group.as_dict(), ensure_ascii=False))
            else:
                print("\n".join(format_unknown(groups, opts.top)))
            return
        registry = load_sources(self.settings)
        print("\n".join(format_registry(registry, published, credited)))
