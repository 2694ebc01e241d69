"""What a stretch of a crawl cost, per stored document: snapshots of Redis, PostgreSQL and the
processes' own SQL counts (``storage.sqlcount``), and their differences.

Used by :mod:`bench.distributed`; the arithmetic lives here, apart from the processes and servers,
so it can be tested.

- **Redis** (``INFO stats commandstats``, one call): ``total_reads_processed`` counts the reads the
  server made from its clients — one per request, or per pipeline sent at once — so its growth is
  the round trips; ``commandstats`` counts calls by command, those run inside Lua scripts
  (``EVALSHA``) included. The bench's own ``INFO`` calls are taken out of both.
- **PostgreSQL** (``pg_stat_database`` of the bench's database): transactions committed and rolled
  back, rows returned, fetched, inserted, updated and deleted, by the whole server side of the
  database. Backends report to it at most once a second (idle ones within 10 s), so over a stretch
  of a minute it can miss a second or so of activity at either end. The bench's own queries are
  taken out of the transactions (one each).
- **SQL counts**: per process, statements by kind, pool checkouts (one ping each), transactions
  begun, committed and rolled back, grouped by the bench (crawlers, writers).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, text

Counts = dict[str, int]

PG_COLUMNS = ("xact_commit", "xact_rollback", "tup_returned", "tup_fetched", "tup_inserted", "tup_updated",
              "tup_deleted", "blks_read", "blks_hit", "deadlocks")


def redis_snapshot(info: Mapping[str, Any]) -> Counts:
    """From redis-py's parsed ``INFO stats commandstats``: ``reads`` (round trips), ``commands`` (all
    calls) and ``calls/<command>`` for each command."""
    found: Counts = {"reads": int(info["total_reads_processed"]),
                     "commands": int(info["total_commands_processed"])}
    for key, value in info.items():
        if key.startswith("cmdstat_") and isinstance(value, Mapping):
            found[f"calls/{key.removeprefix('cmdstat_')}"] = int(value["calls"])
    return found


def difference(before: Mapping[str, int], after: Mapping[str, int]) -> Counts:
    """``after − before`` for every key of ``after`` (a key new in ``after`` counts from 0); keys that
    did not change are left out."""
    grown = {key: value - before.get(key, 0) for key, value in after.items()}
    return {key: value for key, value in sorted(grown.items()) if value}


def redis_used(before: Mapping[str, int], after: Mapping[str, int]) -> Counts:
    """What Redis's clients asked of it between two snapshots, without the bench's own ``INFO``
    (one call, one read and one command per snapshot taken in between, the second one included)."""
    used = difference(before, after)
    own = used.pop("calls/info", 0)
    for key in ("reads", "commands"):
        if key in used:
            used[key] -= own
    return used


def pg_snapshot(engine: Engine, database: str) -> Counts:
    """``pg_stat_database``'s counters for ``database`` now."""
    columns = ", ".join(PG_COLUMNS)
    with engine.connect() as connection:
        row = connection.execute(
            text(f"SELECT {columns} FROM pg_stat_database WHERE datname = :name"), {"name": database}
        ).one()
    return {column: int(value or 0) for column, value in zip(PG_COLUMNS, row, strict=True)}


def pg_used(before: Mapping[str, int], after: Mapping[str, int], own_transactions: int) -> Counts:
    """The database's counters between two snapshots, without the bench's own transactions (its
    document counts and these snapshots: reads, so they commit or roll back without writing)."""
    used = {key: after[key] - before.get(key, 0) for key in after}
    used["transactions"] = used["xact_commit"] + used["xact_rollback"] - own_transactions
    return used


def sql_by_group(before: Mapping[int, Mapping[str, int]], after: Mapping[int, Mapping[str, int]],
                 groups: Mapping[int, str]) -> dict[str, Counts]:
    """Per group (``groups``: pid → group; other pids are left out), the SQL counts its processes
    added between two readings of their files; a process first seen in ``after`` counts from 0."""
    totals: dict[str, Counts] = {}
    for pid, counts in after.items():
        group = groups.get(pid)
        if group is None:
            continue
        total = totals.setdefault(group, {})
        for key, grown in difference(before.get(pid, {}), counts).items():
            total[key] = total.get(key, 0) + grown
    for total in totals.values():
        total["statements"] = sum(total.get(kind, 0) for kind in STATEMENT_KINDS)
        total["round_trips"] = total["statements"] + sum(total.get(k, 0) for k in ROUND_TRIP_EXTRAS)
    return totals


STATEMENT_KINDS = ("select", "insert", "update", "delete", "savepoint", "other")
ROUND_TRIP_EXTRAS = ("checkouts", "begins", "commits", "rollbacks")
"""Besides statements, what costs a PostgreSQL round trip: a checkout's ping, psycopg's BEGIN,
COMMIT and ROLLBACK (``storage.sqlcount``)."""


def per_document(counts: Mapping[str, int], documents: int, digits: int = 2) -> dict[str, float]:
    """Every count divided by ``documents`` (at least 1)."""
    return {key: round(value / max(1, documents), digits) for key, value in counts.items()}


def figures(run: Mapping[str, Any], pages: int) -> dict[str, float]:
    """One run's main figures per ``pages`` (documents stored, or article pages downloaded): CPU ms of
    the crawler and writer processes, Redis round trips and commands, PostgreSQL transactions and
    rows inserted, SQL round trips of the crawlers and the writers, and the writers' statements and
    commits."""
    cpu = run["cpu_seconds"]
    sql = run.get("sql", {})
    counts = {
        "crawler CPU ms": 1000 * cpu.get("crawlers", 0.0),
        "writer CPU ms": 1000 * cpu.get("writers", 0.0),
        "Redis round trips": run["redis"].get("reads") if run.get("redis") else None,
        "Redis commands": run["redis"].get("commands") if run.get("redis") else None,
        "PostgreSQL transactions": run["postgresql"]["transactions"],
        "PostgreSQL rows inserted": run["postgresql"]["tup_inserted"],
        "crawler SQL round trips": sql.get("crawlers", {}).get("round_trips"),
        "writer SQL round trips": sql.get("writers", {}).get("round_trips"),
        "writer SQL statements": sql.get("writers", {}).get("statements"),
        "writer commits": sql.get("writers", {}).get("commits"),
    }
    return {name: round(value / max(1, pages), 2) for name, value in counts.items() if value is not None}


UNITS = ("per_document", "per_article_page")
"""The runs' figures: per document stored, per article page downloaded."""


def cost_medians(runs: list[dict[str, Any]], configs: list[str], unit: str) -> dict[str, dict[str, float]]:
    """Per configuration, the median of each figure of ``run[unit]`` over its runs that measured
    something (a figure no run has is left out)."""
    found: dict[str, dict[str, float]] = {}
    for config in configs:
        done = [r[unit] for r in runs if r["config"] == config and r.get(unit)]
        names = dict.fromkeys(name for figures in done for name in figures)
        found[config] = {
            name: round(statistics.median(f[name] for f in done if name in f), 2) for name in names
        }
    return found


def cpu_ratio(medians: Mapping[str, Mapping[str, float]]) -> float | None:
    """Crawler CPU per document of two processes over one (``redis-2`` / ``redis-1``)."""
    one = medians.get("redis-1", {}).get("crawler CPU ms")
    two = medians.get("redis-2", {}).get("crawler CPU ms")
    return round(two / one, 3) if one and two else None


def cost_line(figures: Mapping[str, float], redis_calls: Mapping[str, float] | None = None) -> str:
    """Figures for the console, and the Redis calls by command."""
    parts = [f"{name} {value:g}" for name, value in figures.items()]
    calls = {k.removeprefix("calls/"): v for k, v in (redis_calls or {}).items() if k.startswith("calls/")}
    if calls:
        parts.append(f"Redis calls {calls}")
    return "; ".join(parts)
