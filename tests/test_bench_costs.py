"""The arithmetic of ``bench.costs`` (what a stretch of a crawl cost per document): Redis INFO and
pg_stat_database differences, SQL counts by process group, medians by configuration."""

from __future__ import annotations

from typing import Any

from bench import costs


def info(reads: int, commands: int, **calls: int) -> dict[str, Any]:
    """What redis-py parses ``INFO stats commandstats`` into (the fields used, and some others)."""
    parsed: dict[str, Any] = {"total_reads_processed": reads, "total_commands_processed": commands,
                              "total_connections_received": 4, "instantaneous_ops_per_sec": 12}
    for name, count in calls.items():
        parsed[f"cmdstat_{name}"] = {"calls": count, "usec": 10 * count, "usec_per_call": 10.0,
                                     "rejected_calls": 0, "failed_calls": 0}
    return parsed


def test_redis_snapshot_reads_round_trips_and_calls() -> None:
    assert costs.redis_snapshot(info(7, 9, get=3, info=2)) == {
        "reads": 7, "commands": 9, "calls/get": 3, "calls/info": 2
    }


def test_redis_used_is_the_difference_without_the_bench_own_info() -> None:
    before = costs.redis_snapshot(info(100, 150, evalsha=10, sismember=10, info=1))
    # Between the two: 20 EVALSHA (each running a SISMEMBER and an SADD inside), 5 RPUSH, one LPOP
    # that was new, and the second snapshot's own INFO.
    after = costs.redis_snapshot(info(126, 216, evalsha=30, sismember=30, sadd=20, rpush=5, lpop=1, info=2))
    assert costs.redis_used(before, after) == {
        "reads": 25, "commands": 65, "calls/evalsha": 20, "calls/sismember": 20, "calls/sadd": 20,
        "calls/rpush": 5, "calls/lpop": 1,
    }


def test_difference_leaves_out_what_did_not_change() -> None:
    assert costs.difference({"a": 1, "b": 2}, {"a": 1, "b": 5, "c": 2}) == {"b": 3, "c": 2}


def test_pg_used_takes_the_bench_own_transactions_out() -> None:
    before = dict.fromkeys(costs.PG_COLUMNS, 0) | {"xact_commit": 1000, "xact_rollback": 40,
                                                   "tup_inserted": 5}
    after = dict(before) | {"xact_commit": 1600, "xact_rollback": 100, "tup_inserted": 905}
    used = costs.pg_used(before, after, own_transactions=60)
    assert used["transactions"] == 600
    assert used["tup_inserted"] == 900
    assert used["xact_rollback"] == 60


def test_sql_by_group_adds_each_group_processes_and_counts_round_trips() -> None:
    before = {11: {"select": 10, "begins": 5, "commits": 5, "checkouts": 5}, 21: {"insert": 40, "commits": 2}}
    after = {
        11: {"select": 14, "begins": 9, "commits": 9, "checkouts": 9},  # crawler: 4 reads of 4 round trips
        12: {"select": 2, "begins": 2, "rollbacks": 2, "checkouts": 2},  # second crawler, new
        21: {"insert": 90, "select": 30, "savepoint": 20, "commits": 3, "begins": 1, "checkouts": 1},
        99: {"select": 1000},  # not one of the bench's groups
    }
    groups = {11: "crawlers", 12: "crawlers", 21: "writers", 7: "browser"}
    assert costs.sql_by_group(before, after, groups) == {
        "crawlers": {"select": 6, "begins": 6, "commits": 4, "checkouts": 6, "rollbacks": 2,
                     "statements": 6, "round_trips": 24},
        "writers": {"insert": 50, "select": 30, "savepoint": 20, "commits": 1, "begins": 1, "checkouts": 1,
                    "statements": 100, "round_trips": 103},
    }


def test_per_document() -> None:
    assert costs.per_document({"reads": 300, "commands": 1000}, 400) == {"reads": 0.75, "commands": 2.5}
    assert costs.per_document({"reads": 3}, 0) == {"reads": 3.0}


def measured(config: str, crawler_ms: float, reads: float) -> dict[str, Any]:
    return {"config": config, "per_document": {"crawler CPU ms": crawler_ms, "writer CPU ms": 20.0,
                                               "Redis round trips": reads}}


def test_figures_per_page() -> None:
    run = {
        "cpu_seconds": {"crawlers": 12.0, "writers": 8.0, "browser": 1.0},
        "redis": {"reads": 3000, "commands": 9000, "calls/get": 100},
        "postgresql": {"transactions": 1300, "tup_inserted": 24000, "xact_commit": 1200},
        "sql": {"crawlers": {"round_trips": 2400}, "writers": {"round_trips": 7600, "statements": 7500,
                                                               "commits": 8}},
    }
    assert costs.figures(run, 400) == {
        "crawler CPU ms": 30.0, "writer CPU ms": 20.0, "Redis round trips": 7.5, "Redis commands": 22.5,
        "PostgreSQL transactions": 3.25, "PostgreSQL rows inserted": 60.0, "crawler SQL round trips": 6.0,
        "writer SQL round trips": 19.0, "writer SQL statements": 18.75, "writer commits": 0.02,
    }
    local = run | {"redis": {}, "sql": {}}  # no Redis; SQL counts missing
    assert set(costs.figures(local, 400)) == {"crawler CPU ms", "writer CPU ms", "PostgreSQL transactions",
                                              "PostgreSQL rows inserted"}


def test_cost_medians_and_the_cpu_ratio() -> None:
    runs = [measured("redis-1", 30.0, 15.0), measured("redis-2", 33.0, 16.0), measured("redis-1", 34.0, 17.0),
            measured("redis-2", 36.0, 16.5), {"config": "redis-2"}]  # the last measured nothing
    medians = costs.cost_medians(runs, ["redis-1", "redis-2"], "per_document")
    assert medians["redis-1"] == {"crawler CPU ms": 32.0, "writer CPU ms": 20.0, "Redis round trips": 16.0}
    assert medians["redis-2"]["crawler CPU ms"] == 34.5
    assert costs.cpu_ratio(medians) == round(34.5 / 32.0, 3)
    assert costs.cpu_ratio({"redis-1": medians["redis-1"]}) is None


def test_cost_line_names_every_figure_and_the_redis_calls() -> None:
    line = costs.cost_line({"crawler CPU ms": 30.0, "Redis round trips": 15.5},
                           {"reads": 15.5, "calls/get": 1.5})
    assert line == "crawler CPU ms 30; Redis round trips 15.5; Redis calls {'get': 1.5}"
