"""What a process asks of its store, counted for the benchmarks: off unless ``MANBA_SQL_COUNTS_DIR`` is set.

With ``MANBA_SQL_COUNTS_DIR=DIR`` in the environment, every engine :func:`storage.db.make_engine`
makes counts, for the whole process: the statements its connections execute (by kind: ``select``,
``insert``, ``update``, ``delete``, ``savepoint`` for SAVEPOINT / RELEASE / ROLLBACK TO, ``other``),
the connections it checks out of its pool (with ``pool_pre_ping`` each is one ``SELECT 1``, which
SQLAlchemy's psycopg dialect sends in autocommit: a transaction of its own on the server) and
opens, and the transactions it begins, commits and rolls back. psycopg sends BEGIN, COMMIT and
ROLLBACK as statements of their own, so a PostgreSQL store's round trips are about
``checkouts + begins + statements + commits + rollbacks``.

The totals go to ``DIR/<pid>.json`` (replaced whole, never half-written) when something is counted
at least :data:`INTERVAL` seconds after the last write, and at exit; ``bench.distributed`` reads
them at the start and the end of its stretch, so a file lags its process by at most that much
activity. Counting costs a dictionary update per event and a small file write four times a
second.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

ENV_VAR = "MANBA_SQL_COUNTS_DIR"
INTERVAL = 0.25
"""Seconds between two writes of a process's file (at most)."""

_KINDS = {"SELECT": "select", "WITH": "select", "INSERT": "insert", "UPDATE": "update", "DELETE": "delete",
          "SAVEPOINT": "savepoint", "RELEASE": "savepoint"}


def statement_kind(statement: str) -> str:
    """``select``, ``insert``, ``update``, ``delete``, ``savepoint`` or ``other``, from the first word."""
    words = statement.lstrip(" \t\r\n(").split(None, 2)
    if not words:
        return "other"
    first = words[0].upper()
    if first == "ROLLBACK" and len(words) > 1 and words[1].upper() == "TO":
        return "savepoint"
    return _KINDS.get(first, "other")


class Counts:
    """One process's counts, and the file they go to."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / f"{os.getpid()}.json"
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()  # writer threads count from several threads
        self._written = 0.0

    def add(self, key: str) -> None:
        with self._lock:
            self.counts[key] += 1
            now = time.monotonic()
            if now - self._written >= INTERVAL:
                self._write(now)

    def write(self) -> None:
        with self._lock:
            self._write(time.monotonic())

    def _write(self, now: float) -> None:
        spare = self.path.with_name(f"{self.path.stem}.tmp")
        spare.write_text(json.dumps(dict(self.counts)), encoding="utf-8")
        os.replace(spare, self.path)
        self._written = now


_counts: Counts | None = None


def process_counts() -> Counts | None:
    """This process's counts (``None`` when counting is off); made on first use, once per process."""
    global _counts
    directory = os.environ.get(ENV_VAR)
    if not directory:
        return None
    if _counts is None or _counts.path.stem != str(os.getpid()):  # a forked child counts for itself
        _counts = Counts(Path(directory))
        atexit.register(_counts.write)
    return _counts


def count(engine: Engine) -> None:
    """Count what ``engine`` sends, when ``MANBA_SQL_COUNTS_DIR`` is set (else nothing)."""
    counts = process_counts()
    if counts is None:
        return

    def executed(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        counts.add(statement_kind(statement))

    event.listen(engine, "before_cursor_execute", executed)
    for name, key in (("begin", "begins"), ("commit", "commits"), ("rollback", "rollbacks")):
        event.listen(engine, name, lambda *_, key=key: counts.add(key))
    event.listen(engine, "checkout", lambda *_: counts.add("checkouts"))
    event.listen(engine, "connect", lambda *_: counts.add("connects"))


def read_counts(directory: Path) -> dict[int, dict[str, int]]:
    """pid → counts of every process that has written its file in ``directory``."""
    found: dict[int, dict[str, int]] = {}
    for path in directory.glob("*.json"):
        try:
            found[int(path.stem)] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # replaced while read, or not one of ours
            continue
    return found
