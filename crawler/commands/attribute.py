"""``scrapy attribute PATH [--site KEY]``: the attribution chain of each line of a text file.

Reads one text a line (UTF-8, a BOM tolerated; PATH ``-`` is stdin) and writes one JSON object a line,
``{"line": n, "attributions": [...]}``, in input order.  The logic is ``crawler.attribution``; this
only reads, writes and picks the registry (setting / environment variable ``MANBA_SOURCES_FILE``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.attribution import NameIndex, find_attributions
from crawler.registry import RegistryError, load_registry


def _lines(stream: IO[bytes]) -> Iterator[str]:
    """Lines of a UTF-8 byte stream without their line ends; a bad byte does not shift the numbering."""
    for n, raw in enumerate(stream):
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        yield line.removeprefix("\ufeff") if n == 0 else line


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "PATH [--site KEY]"

    def short_desc(self) -> str:
        return "Print the attribution chain of each line of PATH (- for stdin) as JSON Lines"

    def long_desc(self) -> str:
        return (
            "Read one text a line from PATH (UTF-8; - reads stdin) and write one JSON object a line: "
            '{"line": n, "attributions": [{"source", "name", "kind", "phrase"}, ...]}, nearest source '
            "first. --site KEY names the registry source that published the texts, so credits to "
            "itself are left out. The registry is MANBA_SOURCES_FILE (setting or environment)."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--site", metavar="KEY", default=None, help="registry key of the site that published the texts"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if len(args) != 1:
            raise UsageError("give exactly one PATH (- for stdin)")
        try:
            registry = load_registry(self.settings.get("MANBA_SOURCES_FILE"))
            if opts.site is not None:
                registry.get(opts.site)
        except RegistryError as exc:
            raise UsageError(str(exc), print_help=False) from None
        names = NameIndex.from_registry(registry)
        path = args[0]
        if path == "-":
            self._write(sys.stdin.buffer, names, opts.site)
            return
        if not Path(path).is_file():
            raise UsageError(f"cannot read {path}: no such file", print_help=False)
        with Path(path).open("rb") as stream:
            self._write(stream, names, opts.site)

    @staticmethod
    def _write(stream: IO[bytes], names: NameIndex, site: str | None) -> None:
        out = sys.stdout.buffer
        for n, text in enumerate(_lines(stream), start=1):
            chain = find_attributions(text, names, publisher=site)
            record = {"line": n, "attributions": [a.as_dict() for a in chain.attributions]}
            out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        out.flush()
