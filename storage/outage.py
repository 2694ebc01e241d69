"""Waiting out a database that went away: the store is restarted, failed over, or briefly
unreachable, and the crawl must neither lose nor duplicate what it was writing.

A statement that fails because the connection is gone (``OperationalError``, ``InterfaceError``,
or any DBAPI error SQLAlchemy marks as a disconnect) is retried after a pause that doubles from
half a second up to five, for at most ``max_wait`` seconds in all; any other error, and the
last one after ``max_wait``, is raised. The function retried must be one whole transaction, so
running it again is safe: what the failed attempt wrote was rolled back with its connection.

While a writer waits, Scrapy's item queue fills (``CONCURRENT_ITEMS`` per response, the
scraper's memory bound) and the engine stops handing out new downloads: the crawl pauses
instead of piling up pages.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_MAX_WAIT = 300.0
FIRST_PAUSE = 0.5
LONGEST_PAUSE = 5.0


def is_outage(exc: BaseException) -> bool:
    """Does ``exc`` say the database cannot be reached (rather than that a statement is wrong)?

    psycopg raises ``OperationalError`` for connection and server failures only (a missing table
    is a ``ProgrammingError``); SQLite raises it for schema errors too ("no such table"), so there
    only a file that cannot be opened or read counts."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, InterfaceError):
        return True
    if isinstance(exc, OperationalError):
        orig = exc.orig
        if type(orig).__module__.startswith("sqlite3"):
            message = str(orig).lower()
            return "unable to open database file" in message or "disk i/o error" in message
        return True
    return False


def _pauses(max_wait: float) -> list[float]:
    pauses, total, pause = [], 0.0, FIRST_PAUSE
    while total < max_wait:
        step = min(pause, max_wait - total)
        pauses.append(step)
        total += step
        pause = min(pause * 2, LONGEST_PAUSE)
    return pauses


def through_outage(
    fn: Callable[[], T],
    *,
    max_wait: float = DEFAULT_MAX_WAIT,
    on_wait: Callable[[BaseException, float], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``fn()``, retried while the database is unreachable (blocking: for worker threads)."""
    for pause in _pauses(max_wait):
        try:
            return fn()
        except Exception as exc:
            if not is_outage(exc):
                raise
            if on_wait is not None:
                on_wait(exc, pause)
            sleep(pause)
    return fn()


async def through_outage_async(
    fn: Callable[[], T],
    *,
    max_wait: float = DEFAULT_MAX_WAIT,
    on_wait: Callable[[BaseException, float], None] | None = None,
) -> T:
    """``fn()`` run in a thread, retried while the database is unreachable, waiting without
    blocking the event loop (for middlewares and pipelines on the reactor thread)."""
    for pause in _pauses(max_wait):
        try:
            return await asyncio.to_thread(fn)
        except Exception as exc:
            if not is_outage(exc):
                raise
            if on_wait is not None:
                on_wait(exc, pause)
            await asyncio.sleep(pause)
    return await asyncio.to_thread(fn)


def log_wait(what: str, count: Callable[[], None] | None = None) -> Callable[[BaseException, float], None]:
    """An ``on_wait`` callback logging one warning line per pause (and counting it)."""

    def on_wait(exc: BaseException, pause: float) -> None:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        logger.warning("database unreachable while %s (%s); retrying in %.1f s", what, first_line, pause)
        if count is not None:
            count()

    return on_wait
