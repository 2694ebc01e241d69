"""``scrapy export``: the store as JSON Lines (one release a line) or CSV (one document a row)."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, TextIO

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.config import database_url
from storage.db import StoreNotReady
from storage.export import CSV_FIELDS, iter_document_rows, iter_releases
from storage.read import reading

FORMATS = ("jsonl", "csv")


def write_jsonl(url: str, out: TextIO) -> int:
    count = 0
    with reading(url) as session:
        for release in iter_releases(session):
            out.write(json.dumps(release, ensure_ascii=False))
            out.write("\n")
            count += 1
    return count


def write_csv(url: str, out: TextIO, *, bom: bool = False) -> int:
    """One document a row. Fields holding newlines (bodies) are quoted, rows end in CRLF (RFC 4180),
    so ``out`` must not translate newlines (a file opened with ``newline=""``). With ``bom`` the
    text starts with U+FEFF, which is how Excel knows the file is UTF-8 and not a legacy code page."""
    count = 0
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    with reading(url) as session:
        if bom:
            out.write("\ufeff")
        writer.writeheader()
        for row in iter_document_rows(session):
            writer.writerow(row)
            count += 1
    return count


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[-o PATH] [--format jsonl|csv] [--bom]"

    def short_desc(self) -> str:
        return "Export stored releases (JSON Lines) or documents (CSV)"

    def long_desc(self) -> str:
        return (
            "Write the store named by MANBA_DATABASE_URL as JSON Lines, one release a line with "
            "all its documents, or with --format csv one document a row. Writes to stdout "
            "unless -o is given; the format defaults to csv for a PATH ending in .csv. --bom starts "
            "the CSV with a UTF-8 byte order mark, for spreadsheets (Excel) that otherwise misread "
            "Persian text."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="PATH", help="write to PATH instead of stdout")
        parser.add_argument("--format", choices=FORMATS, default=None, help="jsonl (default) or csv")
        parser.add_argument(
            "--bom",
            action="store_true",
            help="CSV only: start with a UTF-8 BOM (for Excel and other spreadsheets)",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if args:
            raise UsageError(f"unexpected argument(s): {' '.join(args)}")
        fmt = opts.format or ("csv" if opts.output and opts.output.lower().endswith(".csv") else "jsonl")
        if opts.bom and fmt != "csv":
            raise UsageError("--bom is for CSV (--format csv, or -o PATH.csv)")
        write: Callable[[str, TextIO], int] = (
            partial(write_csv, bom=opts.bom) if fmt == "csv" else write_jsonl
        )
        url = database_url(self.settings)
        try:
            if opts.output:
                count = _to_file(Path(opts.output), url, write)
                print(
                    f"exported {count} {'documents' if fmt == 'csv' else 'releases'} to {opts.output}",
                    file=sys.stderr,
                )
            else:
                if hasattr(sys.stdout, "reconfigure"):
                    sys.stdout.reconfigure(encoding="utf-8", newline="")
                write(url, sys.stdout)
                sys.stdout.flush()
        except StoreNotReady as exc:
            print(f"scrapy export: {exc}", file=sys.stderr)
            self.exitcode = 2


def _to_file(path: Path, url: str, write: Callable[[str, TextIO], int]) -> int:
    """Write next to ``path`` and rename, so a failed export leaves no half file behind."""
    tmp = path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tmp.open("w", encoding="utf-8", newline="") as out:
            count = write(url, out)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return count
