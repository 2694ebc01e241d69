"""Running one item's transaction again when the database chose it as a victim.

PostgreSQL aborts one of two transactions that wait on each other (deadlock, SQLSTATE 40P01) or
that cannot both commit (serialization failure, 40001); both are safe to run again from the
start, since the aborted one wrote nothing. So is a placement that kept finding releases merged
away under it (:class:`storage.clusters.PlacementConflict`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from storage.clusters import PlacementConflict

T = TypeVar("T")
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
ATTEMPTS = 5


def retryable(exc: BaseException) -> bool:
    if isinstance(exc, PlacementConflict):
        return True
    if isinstance(exc, DBAPIError):
        return getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES
    return False


def in_transaction(
    sessions: sessionmaker[Session],
    work: Callable[[Session], T],
    *,
    attempts: int = ATTEMPTS,
    on_retry: Callable[[BaseException], None] | None = None,
) -> T:
    """``work(session)`` in one transaction, run again (up to ``attempts`` times in all) when it
    fails in a way that is safe to retry; any other error propagates at once."""
    for attempt in range(attempts):
        try:
            with sessions.begin() as session:
                return work(session)
        except (DBAPIError, PlacementConflict) as exc:
            if attempt == attempts - 1 or not retryable(exc):
                raise
            if on_retry is not None:
                on_retry(exc)
            time.sleep(random.uniform(0, 0.05 * 2**attempt))
    raise AssertionError("unreachable")
