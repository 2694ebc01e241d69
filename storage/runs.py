"""Crawl runs: one row per crawler process and crawl, with its stats and the checks it failed.

A run is ``running`` from the moment its spider opens, then ``finished`` or ``failed`` (a
close-time check of ``core.checks`` failed), or ``killed`` when a later run on the same host
finds its process gone.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.checks import CheckFailure
from core.runstats import RunCounts
from storage.models import CrawlRun, utcnow

STAGE_PREFIXES = (
    "manba/",
    "item_",
    "downloader/",
    "log_count/",
    "finish_",
    "elapsed_",
    "response_",
    "retry/",
)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mark_killed_runs(session: Session) -> int:
    """Runs of this host still ``running`` whose process is gone were killed: say so."""
    host = socket.gethostname()
    killed = 0
    for run in session.scalars(select(CrawlRun).where(CrawlRun.status == "running")):
        name, _, pid = (run.worker or "").rpartition(":")
        if name == host and pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            run.status = "killed"
            killed += 1
    session.flush()
    return killed


def start_run(session: Session, spider: str, sources: Sequence[str] | None = None) -> int:
    """A new ``running`` run; runs of this host whose process died become ``killed``."""
    mark_killed_runs(session)
    run = CrawlRun(
        spider=spider,
        started_at=utcnow(),
        status="running",
        sources=list(sources) if sources is not None else None,
        worker=worker_name(),
    )
    session.add(run)
    session.flush()
    return run.id


def json_safe(value: Any) -> Any:
    """``value`` with datetimes as ISO strings and anything else unknown as ``str``."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _count(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return value if isinstance(value, int) else 0


def finish_run(
    session: Session,
    run_id: int,
    reason: str,
    stats: Mapping[str, Any],
    failures: Iterable[CheckFailure] = (),
) -> CrawlRun:
    """Close run ``run_id`` with the spider's finish reason, its stats (every stage's counters)
    and the checks it failed."""
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise LookupError(f"no crawl run {run_id}")
    failed = [f.to_dict() for f in failures]
    run.finished_at = utcnow()
    run.status = "failed" if failed else "finished"
    run.finish_reason = reason
    run.checks = failed or None
    run.stats = json_safe(dict(stats))
    run.items_scraped = _count(stats, "item_scraped_count")
    counts = RunCounts.from_stats(stats)
    run.items_dropped = counts.dropped  # every stage's drops, as the closing table and summary count
    run.documents_created = _count(stats, "manba/store/created")
    run.documents_updated = _count(stats, "manba/store/updated")
    run.documents_unchanged = _count(stats, "manba/store/unchanged")
    run.errors = counts.errors
    session.flush()
    return run


def seen_history(
    session: Session, keys: Iterable[str], *, before_run: int, depth: int = 5
) -> dict[str, list[int]]:
    """For each source key, the article links (``manba/source/K/seen``) that its last ``depth``
    completed runs before ``before_run`` showed, most recent first (runs that read none of its
    pages, because they failed or were not modified, are passed over)."""
    wanted = set(keys)
    history: dict[str, list[int]] = {k: [] for k in wanted}
    rows = session.scalars(
        select(CrawlRun)
        .where(
            CrawlRun.id < before_run,
            CrawlRun.status.in_(("finished", "failed")),
            CrawlRun.sources.is_not(None),
        )
        .order_by(CrawlRun.id.desc())
        .limit(depth * 10)
    )
    for run in rows:
        stats = run.stats or {}
        for key in wanted.intersection(run.sources or ()):
            if len(history[key]) < depth and _count(stats, f"manba/source/{key}/parsed") > 0:
                history[key].append(_count(stats, f"manba/source/{key}/seen"))
    return history


def recent_runs(session: Session, limit: int = 20, spider: str | None = None) -> list[CrawlRun]:
    query = select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)
    if spider is not None:
        query = query.where(CrawlRun.spider == spider)
    return list(session.scalars(query))


def stage_counts(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The counters worth showing for a run, grouped by stage prefix, in a stable order."""
    return {k: stats[k] for k in sorted(stats) if k.startswith(STAGE_PREFIXES)}
