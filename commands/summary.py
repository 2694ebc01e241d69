"""``scrapy summary``: what the last crawl did, and (with ``--labels``) what it missed."""

from __future__ import annotations

import argparse
import sys
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand

from commands import CommandError, ManbaCommand
from crawler.config import database_url
from storage.label_scores import ChangeScore
from storage.read import reading
from storage.summary import (
    LabelReport,
    RunSummary,
    compare_labels,
    documents_per_site,
    last_run,
    load_labels,
)

MAX_LISTED = 50


def format_run(run: RunSummary | None) -> list[str]:
    if run is None:
        return ["No crawl run recorded in the store."]
    finished = run.finished_at.isoformat(timespec="seconds") if run.finished_at else "-"
    reason = run.finish_reason or f"({run.status}: not finished, or killed)"
    drops = ", ".join(f"{k}: {v}" for k, v in run.drops.items()) or "none"
    return [
        f"Last crawl run #{run.id}: spider {run.spider}",
        f"  started          {run.started_at.isoformat(timespec='seconds')}",
        f"  finished         {finished}",
        f"  finish reason    {reason}",
        f"  pages fetched    {run.pages_fetched}",
        f"  items scraped    {run.items_scraped}",
        f"  items dropped    {run.dropped} ({drops})",
        f"  documents        created {run.created}, updated {run.updated}, unchanged {run.unchanged}",
        f"  errors           {run.errors}",
    ]


def format_sites(per_site: dict[str, tuple[int, int]]) -> list[str]:
    if not per_site:
        return ["No documents stored."]
    width = max(len(s) for s in per_site)
    lines = [
        f"Documents stored per site (total, written by the last run): {sum(t for t, _ in per_site.values())}"
    ]
    lines += [f"  {site:<{width}}  {total:>7}  {by_run:>7}" for site, (total, by_run) in per_site.items()]
    return lines


def format_labels(path: str, report: LabelReport) -> list[str]:
    lines = [
        f"Labels {path}: {report.labelled} labelled, {report.stored} stored, "
        f"{len(report.missing)} missing, {len(report.date_mismatches)} with a wrong date"
    ]
    width = max((len(s) for s in report.per_site), default=0)
    lines += [
        f"  {site:<{width}}  labelled {labelled:>6}  stored {stored:>6}"
        for site, (labelled, stored) in report.per_site.items()
    ]
    lines += format_scores(report)
    if report.missing:
        lines.append(f"Missing labelled articles ({len(report.missing)}):")
        lines += [f"  {site}  {url}" for site, url in report.missing[:MAX_LISTED]]
        if len(report.missing) > MAX_LISTED:
            lines.append(f"  … and {len(report.missing) - MAX_LISTED} more")
    if report.date_mismatches:
        lines.append(f"Date mismatches ({len(report.date_mismatches)}):")
        lines += [
            f"  {url}  labelled {label}  stored {stored}"
            for url, label, stored in report.date_mismatches[:MAX_LISTED]
        ]
        if len(report.date_mismatches) > MAX_LISTED:
            lines.append(f"  … and {len(report.date_mismatches) - MAX_LISTED} more")
    return lines


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.1%}" if whole else f"{part}/{whole} = n/a"


def format_scores(report: LabelReport) -> list[str]:
    lines = []
    score = report.attribution
    if score is not None:
        lines.append(
            f"attribution   precision {_ratio(score.matched, score.stored)}"
            f"  recall {_ratio(score.matched, score.labelled)}"
            f"  exact chains {_ratio(score.exact, score.chains)}"
        )
    links = report.origin_links
    if links is not None:
        lines.append(f"origin links  {_ratio(links.linked, links.copies)}")
    for label, clusters in (("releases     ", report.releases), ("  Persian only", report.releases_persian)):
        if clusters is not None:
            f1 = f"{clusters.f1:.3f}" if clusters.f1 is not None else "n/a"
            lines.append(
                f"{label} pairwise precision {_ratio(clusters.correct_pairs, clusters.stored_pairs)}"
                f"  recall {_ratio(clusters.correct_pairs, clusters.labelled_pairs)}  F1 {f1}"
            )
    translated = report.translations
    if translated is not None:
        lines.append(
            f"translations  precision {_ratio(translated.matched, translated.stored)}"
            f"  recall {_ratio(translated.matched, translated.labelled)}"
            f"  hard negatives linked {translated.negatives_linked}/{translated.negatives}"
        )
    return lines + format_changes(report.changes)


def format_changes(score: ChangeScore | None) -> list[str]:
    """What copies changed, against the labels: one line a kind of change."""
    if score is None:
        return []
    lines = [
        f"copy changes  {score.copies} labelled copies, against the labelled reference "
        f"{_ratio(score.against, score.copies)}"
    ]
    for name, kind in [*score.kinds.items(), ("title", score.titles)]:
        lines.append(
            f"  {name:<9} precision {_ratio(kind.matched, kind.stored)}"
            f"  recall {_ratio(kind.matched, kind.labelled)}"
        )
    lines.append(
        f"  variants-only copies with a change flagged {score.variants_flagged}/{score.variants_only}"
    )
    return lines


def share(value: str) -> float:
    number = float(value)
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, not {value}")
    return number


class Command(ManbaCommand, ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--labels PATH [--min-origin-links SHARE]]"

    def short_desc(self) -> str:
        return "Summarise the last crawl run and the store (optionally against labels)"

    def long_desc(self) -> str:
        return (
            "Print the last crawl run (pages fetched, items, drops by reason, errors) and the "
            "documents stored per site. With --labels PATH (a labels.json with an 'articles' list) "
            "also compare the store with the labelled articles (dates, attribution chains, origin "
            "links, and pairwise precision, recall and F1 of releases), and exit with status 1 when "
            "a labelled article is missing or stored with a "
            "different date, or, with --min-origin-links, when fewer labelled copies than that "
            "share sit in their origin's release."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--labels", metavar="PATH", help="labels.json to compare the store with")
        parser.add_argument(
            "--min-origin-links",
            metavar="SHARE",
            type=share,
            default=None,
            help="with --labels: exit 1 when fewer labelled copies than SHARE are linked to their origin",
        )

    def perform(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        self.no_arguments(args)
        articles = None
        if opts.min_origin_links is not None and not opts.labels:
            raise CommandError("--min-origin-links needs --labels PATH")
        if opts.labels:
            try:
                articles = load_labels(opts.labels)
            except (OSError, ValueError) as exc:
                raise CommandError(f"--labels {opts.labels}: cannot read it ({exc})") from None
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(encoding="utf-8")
        with reading(database_url(self.settings)) as session:
            run = last_run(session)
            lines = format_run(run)
            lines += format_sites(documents_per_site(session, run.id if run else None))
            report = compare_labels(session, articles) if articles is not None else None
        if report is not None:
            lines += format_labels(opts.labels, report)
            if not report.ok:
                self.exitcode = 1
            links = report.origin_links.share if report.origin_links is not None else None
            if opts.min_origin_links is not None and links is not None and links < opts.min_origin_links:
                lines.append(f"origin links below --min-origin-links {opts.min_origin_links:.1%}")
                self.exitcode = 1
        print("\n".join(lines))
