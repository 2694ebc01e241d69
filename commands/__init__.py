"""Manba's scrapy commands (``COMMANDS_MODULE``), and what those that start a crawl share."""

from __future__ import annotations

import sys

from scrapy.commands import ScrapyCommand

from crawler.settings_check import InvalidSetting, check_settings


def exit_on_invalid_settings(command: ScrapyCommand) -> None:
    """Check the MANBA settings once the command line is read; on the first invalid one, print one
    line naming it and its value and exit 2 (a usage error).

    Called at the end of ``process_options``: before Scrapy builds the crawler process, whose
    logging would bury the line, and before a component would meet the value mid-start."""
    assert command.settings is not None
    try:
        check_settings(command.settings)
    except InvalidSetting as exc:
        name = type(command).__module__.rsplit(".", 1)[-1]
        print(f"scrapy {name}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
