"""``scrapy attribute PATH [--site KEY]``: the attribution chain of each line of a text file.

Reads one text a line (UTF-8, a BOM tolerated; PATH ``-`` is stdin) and writes one JSON object a line,
``{"line": n, "attributions": [...], "own_reporting": bool}``, in input order; ``--text`` writes each
line's chain for people instead.  ``--evaluate FILE`` instead scores the grammar
on a labelled file (``core.attribution.evaluate``) and prints precision and recall per split and
language.  The logic is ``core.attribution``; this only reads, writes and picks the registry
(setting / environment variable ``MANBA_SOURCES_FILE``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

from scrapy.commands import ScrapyCommand

from commands import CommandError, ManbaCommand, load_sources
from core.attribution import NameIndex, find_attributions
from core.attribution.evaluate import LabelledFileError, describe, evaluate_labelled, read_labelled, report
from core.registry import RegistryError


def _lines(stream: IO[bytes]) -> Iterator[str]:
    """Lines of a UTF-8 byte stream without their line ends; a bad byte does not shift the numbering."""
    for n, raw in enumerate(stream):
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        yield line.removeprefix("\ufeff") if n == 0 else line


class Command(ManbaCommand, ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "PATH [--site KEY] [--text] | --evaluate FILE [--split NAME] [--errors]"

    def short_desc(self) -> str:
        return "Print the attribution chain of each line of PATH (- for stdin) as JSON Lines"

    def long_desc(self) -> str:
        return (
            "Read one text a line from PATH (UTF-8; - reads stdin) and write one JSON object a line: "
            '{"line": n, "attributions": [{"source", "name", "kind", "phrase"}, ...], "own_reporting": '
            "bool}, nearest source first; own_reporting says the text credits the site's own reporter "
            "(«به گزارش خبرنگار ایسنا» on ISNA), which makes it no copy. --text writes the same for "
            "people: the line number, the chain (name, registry key, kind; ← towards the origin), the "
            "credit phrases and the own-reporting flag. --site KEY names the registry source that "
            "published the texts, so credits to itself are left out. The registry is MANBA_SOURCES_FILE "
            "(setting or environment). "
            "--evaluate FILE scores the grammar on a labelled file (tab-separated; see "
            "tests/fixtures/realtext/README.md) and prints precision and recall per split and language; "
            "--errors also lists each text's misses and wrong credits, leaving out the blind split "
            "unless --split blind asks for it."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--site", metavar="KEY", default=None, help="registry key of the site that published the texts"
        )
        parser.add_argument("--text", action="store_true",
                            help="write each chain for people instead of JSON Lines")
        parser.add_argument("--evaluate", metavar="FILE", default=None,
                            help="score the grammar on a labelled file instead of printing chains")
        parser.add_argument("--split", metavar="NAME", default=None,
                            help="with --evaluate: only the texts of this split (dev, blind)")
        parser.add_argument("--errors", action="store_true",
                            help="with --evaluate: list misses and wrong credits (not of the blind split "
                                 "unless --split blind)")

    def perform(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if opts.evaluate is not None:
            if args or opts.site is not None:
                raise CommandError("--evaluate FILE takes no PATH and no --site")
        elif len(args) != 1:
            raise CommandError("give exactly one PATH to read texts from (- for stdin)")
        elif opts.split is not None or opts.errors:
            raise CommandError("--split and --errors go with --evaluate FILE")
        registry = load_sources(self.settings)
        if opts.site is not None:
            try:
                registry.get(opts.site)
            except RegistryError as exc:
                raise CommandError(f"--site {opts.site}: {exc}") from None
        names = NameIndex.from_registry(registry)
        if opts.evaluate is not None:
            self._evaluate(Path(opts.evaluate), names, opts.split, opts.errors)
            return
        path = args[0]
        if path == "-":
            self._write(sys.stdin.buffer, names, opts.site, opts.text)
            return
        if not Path(path).is_file():
            raise CommandError(f"cannot read {path}: no such file; give a text file, one text a line")
        with Path(path).open("rb") as stream:
            self._write(stream, names, opts.site, opts.text)

    @staticmethod
    def _evaluate(path: Path, names: NameIndex, split: str | None, errors: bool) -> None:
        try:
            rows = read_labelled(path)
        except LabelledFileError as exc:
            raise CommandError(f"--evaluate {path}: {exc}") from None
        if split is not None:
            rows = [r for r in rows if r.get("split") == split]
            if not rows:
                raise CommandError(f"--split {split}: {path} has no text in that split")
        outcomes = evaluate_labelled(rows, names)
        print(f"attribution on {path}: {len(rows)} texts")
        print(report(rows, outcomes))
        if errors:
            for row, outcome in zip(rows, outcomes, strict=True):
                if (outcome.missed or outcome.wrong) and (split == "blind" or row.get("split") != "blind"):
                    print(describe(row, outcome))

    @staticmethod
    def _write(stream: IO[bytes], names: NameIndex, site: str | None, text_mode: bool = False) -> None:
        out = sys.stdout.buffer
        for n, text in enumerate(_lines(stream), start=1):
            chain = find_attributions(text, names, publisher=site)
            if text_mode:
                shown = (
                    f"line {n}: {chain.line() or 'no credit found'}\n"
                    + "".join(f"  phrase: {a.phrase}\n" for a in chain.attributions)
                    + f"  own reporting: {'yes' if chain.own_reporting else 'no'}\n"
                )
                out.write(shown.encode("utf-8"))
                continue
            record = {
                "line": n,
                "attributions": [a.as_dict() for a in chain.attributions],
                "own_reporting": chain.own_reporting,
            }
            out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        out.flush()
