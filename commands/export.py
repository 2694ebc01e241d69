"""``scrapy export``: the store as JSON Lines or a JSON array (one release an object) or CSV (one
document a row), to stdout or a file, with Scrapy's feed options: ``-o`` appends, ``-O``
overwrites, the format follows the file name (``.jsonl``, ``.json``, ``.csv``, or ``PATH:FORMAT``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TextIO

from scrapy.commands import ScrapyCommand

from commands import CommandError, ManbaCommand
from commands.report import day
from crawler.config import database_url
from storage.export import (
    CSV_FIELDS,
    EVERYTHING,
    Selection,
    UnknownRelease,
    iter_document_rows,
    iter_releases,
)
from storage.read import reading
from storage.report import UnknownSource

FORMATS = ("jsonl", "json", "csv")
SUFFIXES = {".jsonl": "jsonl", ".jl": "jsonl", ".json": "json", ".csv": "csv"}


class ExportRefused(CommandError):
    """An output the command will not write (one line for the user)."""


def write_jsonl(url: str, out: TextIO, selection: Selection = EVERYTHING) -> int:
    count = 0
    with reading(url) as session:
        for release in iter_releases(session, selection):
            out.write(json.dumps(release, ensure_ascii=False))
            out.write("\n")
            count += 1
    return count


def write_json(url: str, out: TextIO, selection: Selection = EVERYTHING) -> int:
    """One JSON array of release objects, one to a line, as Scrapy's ``json`` feed writes items."""
    count = 0
    out.write("[")
    with reading(url) as session:
        for release in iter_releases(session, selection):
            out.write(",\n" if count else "\n")
            out.write(json.dumps(release, ensure_ascii=False))
            count += 1
    out.write("\n]\n")
    return count


def write_csv(
    url: str, out: TextIO, selection: Selection = EVERYTHING, *, bom: bool = False, header: bool = True
) -> int:
    """One document a row. Fields holding newlines (bodies) are quoted, rows end in CRLF (RFC 4180),
    so ``out`` must not translate newlines (a file opened with ``newline=""``). With ``bom`` the
    text starts with U+FEFF, which is how Excel knows the file is UTF-8 and not a legacy code page.
    Without ``header`` the rows go on after a file that has one (appending)."""
    count = 0
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    with reading(url) as session:
        if bom:
            out.write("\ufeff")
        if header:
            writer.writeheader()
        for row in iter_document_rows(session, selection):
            writer.writerow(row)
            count += 1
    return count


@dataclass(frozen=True)
class Target:
    """Where the export goes: ``path`` (``None``: stdout), its format, and whether it replaces what
    is there (``-O``) or goes on after it (``-o``)."""

    path: Path | None
    format: str
    overwrite: bool = True

    @classmethod
    def parse(cls, opts: argparse.Namespace) -> Target:
        if opts.append and opts.overwrite:
            raise ExportRefused("give -o (append) or -O (overwrite), not both")
        given = opts.overwrite or opts.append
        if given is None or given == "-":
            return cls(None, opts.format or "jsonl")
        name, fmt = given, opts.format
        head, sep, tail = given.rpartition(":")
        if sep and tail in FORMATS:  # Scrapy's PATH:FORMAT
            name, fmt = head, fmt or tail
        fmt = fmt or SUFFIXES.get(Path(name).suffix.lower())
        if fmt is None:
            raise ExportRefused(
                f"cannot tell the format of {name}: name it .jsonl, .json or .csv, or write "
                f"{name}:jsonl (or :json, :csv)"
            )
        return cls(Path(name), fmt, overwrite=bool(opts.overwrite))

    def appending(self) -> bool:
        """Whether rows go after content already there: ``-o`` onto a file that is not empty."""
        assert self.path is not None
        return not self.overwrite and self.path.exists() and self.path.stat().st_size > 0


class Command(ManbaCommand, ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return (
            "[-o PATH | -O PATH] [--format jsonl|json|csv] [--bom] [--since YYYY-MM-DD] "
            "[--until YYYY-MM-DD] [--source KEY] [--release ID]"
        )

    def short_desc(self) -> str:
        return "Export stored releases (JSON Lines, JSON) or documents (CSV)"

    def long_desc(self) -> str:
        return (
            "Write the store named by MANBA_DATABASE_URL as JSON Lines, one release a line with "
            "all its documents, as one JSON array of releases, or as CSV, one document a row. Writes "
            "to stdout (JSON Lines unless --format says otherwise), or as Scrapy's feed options do: "
            "-o PATH appends, -O PATH overwrites; PATH ending in .jsonl, .json or .csv, or PATH:FORMAT, "
            "sets the format, any other name is refused. A JSON array cannot be appended to. "
            "--since/--until (inclusive Tehran days, Gregorian or Jalali such as 1403-07-01), --source "
            "(a registry key) and --release (an id, repeatable) choose releases as the report does. "
            "--bom starts a new CSV with a UTF-8 byte order mark, for spreadsheets (Excel) that "
            "otherwise misread Persian text."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", dest="append", metavar="PATH", help="append to PATH")
        parser.add_argument(
            "-O", "--overwrite-output", dest="overwrite", metavar="PATH", help="write PATH, replacing it"
        )
        parser.add_argument("--format", choices=FORMATS, default=None, help="jsonl (default), json or csv")
        parser.add_argument(
            "--bom", action="store_true", help="CSV only: start with a UTF-8 BOM (for Excel and others)"
        )
        parser.add_argument(
            "--since", type=day, metavar="YYYY-MM-DD", help="releases dated this day or later"
        )
        parser.add_argument(
            "--until", type=day, metavar="YYYY-MM-DD", help="releases dated this day or earlier"
        )
        parser.add_argument("--source", metavar="KEY", help="releases of this registry source only")
        parser.add_argument(
            "--release", type=int, action="append", default=[], metavar="ID", help="this release (repeatable)"
        )

    def perform(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        self.no_arguments(args)
        try:
            self._export(opts, database_url(self.settings))
        except UnknownSource as exc:
            raise CommandError(f"--source {exc.args[0]}: no such source in the store (give a registry key, "
                               "as scrapy sources lists them)") from exc
        except UnknownRelease as exc:
            raise CommandError(f"--release {exc.args[0]}: no such release in the store "
                               "(give a release id)") from exc

    def _export(self, opts: argparse.Namespace, url: str) -> None:
        if opts.since and opts.until and opts.since > opts.until:
            raise ExportRefused("--since is after --until")
        target = Target.parse(opts)
        if opts.bom and target.format != "csv":
            raise ExportRefused("--bom is for CSV (--format csv, or a PATH ending in .csv)")
        selection = Selection(opts.since, opts.until, opts.source, frozenset(opts.release))
        if target.path is None:
            if hasattr(sys.stdout, "reconfigure"):
                sys.stdout.reconfigure(encoding="utf-8", newline="")
            writer(target.format, selection, bom=opts.bom)(url, sys.stdout)
            sys.stdout.flush()
            return
        appending = target.appending()
        if appending and target.format == "json":
            raise ExportRefused(
                f"{target.path} already holds a JSON array: appending would make it invalid JSON; "
                "use -O to replace it, or JSON Lines (.jsonl) to append"
            )
        if appending and target.format == "csv":
            _check_header(target.path)
        write = writer(target.format, selection, bom=opts.bom and not appending, header=not appending)
        count = _to_file(target.path, url, write, append=appending)
        noun = "documents" if target.format == "csv" else "releases"
        verb = "appended" if appending else "exported"
        print(f"{verb} {count} {noun} to {target.path}", file=sys.stderr)


def writer(
    fmt: str, selection: Selection, *, bom: bool = False, header: bool = True
) -> Callable[[str, TextIO], int]:
    if fmt == "csv":
        return lambda url, out: write_csv(url, out, selection, bom=bom, header=header)
    write = write_json if fmt == "json" else write_jsonl
    return lambda url, out: write(url, out, selection)


def _check_header(path: Path) -> None:
    """Rows may go after a CSV only when its columns are this version's."""
    with path.open(encoding="utf-8-sig", newline="") as existing:
        found = next(csv.reader(existing), [])
    if tuple(found) != CSV_FIELDS:
        raise ExportRefused(
            f"{path} has other columns than this export ({', '.join(found[:3])}…); use -O to replace it"
        )


def _to_file(path: Path, url: str, write: Callable[[str, TextIO], int], *, append: bool = False) -> int:
    """Write next to ``path``, then rename it into place (overwrite) or add it to the end (append),
    so a failed export leaves neither a half file nor half an appended batch behind."""
    tmp = path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tmp.open("w", encoding="utf-8", newline="") as out:
            count = write(url, out)
        if append:
            with path.open("ab") as end, tmp.open("rb") as batch:
                end.write(batch.read())
        else:
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return count
