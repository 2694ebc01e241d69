"""Manba's scrapy commands (``COMMANDS_MODULE``), and how they report a user's mistake.

A usage, configuration or connection error — a bad argument or option, an invalid setting, a
broken sources file, a store that is missing or cannot be reached — is one line on stderr,
``scrapy <command>: <what is wrong>: <what to do>``, and exit status 2, never a traceback: the
commands derive from :class:`ManbaCommand`, which catches :data:`USER_ERRORS` around option
processing and :meth:`ManbaCommand.perform`, and makes argparse's own errors one line too.
``--traceback`` (or ``-L DEBUG``) prints the traceback above the line.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings

from core.registry import Registry, RegistryError, load_registry
from crawler.config import sources_file
from crawler.settings_check import InvalidSetting, check_settings
from storage.db import StoreNotReady, StoreUnreachable


class CommandError(Exception):
    """A mistake of the user's: the message is one line naming the argument or setting and what to do."""


USER_ERRORS: tuple[type[Exception], ...] = (
    CommandError,
    UsageError,
    InvalidSetting,
    StoreNotReady,
    StoreUnreachable,
)


def command_name(command: ScrapyCommand) -> str:
    return type(command).__module__.rsplit(".", 1)[-1]


def refuse(command: ScrapyCommand, message: str) -> NoReturn:
    """Print ``message`` as the command's one line on stderr and exit 2 (a usage error). The line is
    UTF-8 whatever the locale: a URL, a path or a source's name can be Persian."""
    line = f"scrapy {command_name(command)}: {message}\n"
    sys.stderr.flush()
    if hasattr(sys.stderr, "buffer"):
        sys.stderr.buffer.write(line.encode("utf-8"))
    else:  # a replaced stream (tests capturing it)
        sys.stderr.write(line)
    sys.stderr.flush()
    raise SystemExit(2)


def wants_traceback(opts: argparse.Namespace) -> bool:
    level = str(getattr(opts, "loglevel", "") or "")
    return bool(getattr(opts, "traceback", False)) or level.upper() == "DEBUG"


@contextmanager
def one_line_errors(command: ScrapyCommand, opts: argparse.Namespace) -> Iterator[None]:
    """Turn a user's mistake raised inside into the command's one line and exit status 2."""
    try:
        yield
    except USER_ERRORS as exc:
        if wants_traceback(opts):
            traceback.print_exc()
        message = str(exc).strip() or f"see scrapy {command_name(command)} -h"
        refuse(command, " ".join(message.split("\n")))


def load_sources(settings: BaseSettings) -> Registry:
    """The registry ``MANBA_SOURCES_FILE`` names (or the shipped one); a :class:`CommandError` naming
    the setting when it is missing or broken."""
    path = sources_file(settings)
    try:
        return load_registry(path)
    except RegistryError as exc:
        where = f"MANBA_SOURCES_FILE={path}" if path else "the shipped registry (core/sources.toml)"
        raise CommandError(
            f"{where}: {exc}; fix the file, or point MANBA_SOURCES_FILE at a valid registry "
            "(unset, the shipped one is used)"
        ) from exc


if TYPE_CHECKING:
    _Command = ScrapyCommand
else:  # Scrapy registers every ScrapyCommand subclass under commands/ as a command: a mixin is not one
    _Command = object


class ManbaCommand(_Command):
    """A command whose user errors are one line (see the module docstring); it implements
    :meth:`perform` instead of ``run``. A mixin: put it first among a command's bases, before
    ``ScrapyCommand`` or the Scrapy command it extends."""

    checks_settings = False
    """Whether the MANBA settings are checked before :meth:`perform` (the commands that crawl)."""

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--traceback", action="store_true", help="with a usage or configuration error, show its traceback"
        )

        def error(message: str) -> NoReturn:
            refuse(self, message)

        # argparse reports a bad option (an unreadable --since, an unknown --format) through its
        # parser's error(), which would print the usage too.
        parser.error = error  # type: ignore[method-assign]

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        with one_line_errors(self, opts):
            super().process_options(args, opts)
            if self.checks_settings:
                assert self.settings is not None
                check_settings(self.settings)
            self.check_before_start(args, opts)

    def check_before_start(self, args: list[str], opts: argparse.Namespace) -> None:
        """Refuse a mistake before Scrapy builds the crawler process (whose start-up log would come
        before the line); the commands that crawl check their spider, sources and store here."""

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        with one_line_errors(self, opts):
            self.perform(args, opts)

    def perform(self, args: list[str], opts: argparse.Namespace) -> None:
        raise NotImplementedError

    @staticmethod
    def no_arguments(args: list[str]) -> None:
        if args:
            raise CommandError(f"unexpected argument(s): {' '.join(args)} (this command takes options only)")


def exit_on_invalid_settings(command: ScrapyCommand) -> None:
    """Check the MANBA settings once the command line is read; on the first invalid one, print one
    line naming it and its value and exit 2 (a usage error). For Scrapy's commands Manba extends
    (check, parse, shell); a :class:`ManbaCommand` sets ``checks_settings`` instead.

    Called at the end of ``process_options``: before Scrapy builds the crawler process, whose
    logging would bury the line, and before a component would meet the value mid-start."""
    assert command.settings is not None
    try:
        check_settings(command.settings)
    except InvalidSetting as exc:
        refuse(command, str(exc))
