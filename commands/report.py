"""``scrapy report``: the syndication report as one self-contained HTML page."""

from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar

import jdatetime
from scrapy.commands import ScrapyCommand

from commands import CommandError, ManbaCommand
from commands.report_html import render
from core.text.digits import ascii_digits
from crawler.config import database_url
from storage.read import reading
from storage.report import UnknownSource, build_report

JALALI_BEFORE = 1700
"""A year below this is a Jalali year: 1403-07-01 is 22 September 2024, not a date in 1403 AD."""


def day(value: str) -> date:
    """YYYY-MM-DD, Gregorian or (year below 1700) Jalali, in ASCII or Persian digits."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", ascii_digits(value.strip()))
    try:
        if match is None:
            raise ValueError(value)
        year, month, dom = (int(g) for g in match.groups())
        if year < JALALI_BEFORE:
            gregorian: date = jdatetime.date(year, month, dom).togregorian()
            return gregorian
        return date(year, month, dom)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date YYYY-MM-DD (Gregorian, or Jalali such as 1403-07-01), not {value!r}"
        ) from None


class Command(ManbaCommand, ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[-o PATH] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--source KEY]"

    def short_desc(self) -> str:
        return "Write the syndication report (who copied which release, how late, with what credit) as HTML"

    def long_desc(self) -> str:
        return (
            "Write one self-contained, right-to-left Persian HTML page from the store named by "
            "MANBA_DATABASE_URL: every release with its origin, date, copies and outlets and a "
            "timeline of the copies' delays; per outlet the copies, median delay and the shares "
            "that credit the release's source, only another source, or nothing; and the "
            "attribution coverage. --since/--until (inclusive, Tehran days; a year below 1700 is "
            "Jalali, e.g. 1403-07-01) filter by the release's date, --source by the registry key "
            "of its source. Writes to stdout "
            "unless -o PATH is given (-o - is stdout too)."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="PATH", help="write to PATH instead of stdout")
        parser.add_argument(
            "--since", type=day, metavar="YYYY-MM-DD", help="releases dated this day or later"
        )
        parser.add_argument(
            "--until", type=day, metavar="YYYY-MM-DD", help="releases dated this day or earlier"
        )
        parser.add_argument("--source", metavar="KEY", help="releases of this registry source only")

    def perform(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        self.no_arguments(args)
        if opts.since and opts.until and opts.since > opts.until:
            raise CommandError(f"--since {opts.since} is after --until {opts.until}: swap them")
        try:
            with reading(database_url(self.settings)) as session:
                report = build_report(
                    session,
                    since=opts.since,
                    until=opts.until,
                    source=opts.source,
                    now=datetime.now(UTC),
                )
        except UnknownSource as exc:
            raise CommandError(f"--source {exc.args[0]}: no such source in the store (give a registry key, "
                               "as scrapy sources lists them)") from exc
        page = render(report)
        if opts.output and opts.output != "-":
            _write(Path(opts.output), page)
            print(
                f"wrote {len(report.releases)} releases, {report.coverage.copies} copies to {opts.output}",
                file=sys.stderr,
            )
        else:
            sys.stdout.buffer.write(page.encode("utf-8"))
            sys.stdout.flush()


def _write(path: Path, page: str) -> None:
    """Write next to ``path`` and rename, so a failed write leaves no half page behind."""
    tmp = path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
