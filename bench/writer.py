"""The store's writer alone: CPU per item of the write path, by items per transaction.

    .venv/bin/python -m bench.writer [--size 2000] [--groups 1,10,50] [--runs 3] [--profile N]
                                     [--store sqlite|postgresql] [--limit N]

:mod:`bench.stages` times every stage of a page once; this times only what the writer process
does, several times, so a change to the write path can be measured before and after on a loaded
machine. The items are those of ``bench.stages`` (every labelled Persian page of a fixture web of
``--size`` articles through extraction, validation, normalisation and attribution, newest first),
made once and kept in ``data/bench/writer-items-<size>.pickle`` with their match texts. Each run
stores all of them into a fresh store as the writer does: the match texts remembered, then
:func:`storage.write.write_group` for every ``N`` items (``N`` = 1: :func:`storage.write.write_item`,
one transaction each), each run in a fresh process. CPU time (``time.process_time``) per item;
medians of ``--runs``.

The store is a SQLite file, or with ``--store postgresql`` a fresh schema (dropped after the run) of
a temporary database on the server of ``MANBA_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``; the database is dropped at the end). On PostgreSQL a
run also reports the transactions (groups) and items it committed per second of wall time — what
the writer sustains at that group size on this machine, load included — and the CPU the server's
backends spent on them (``/proc`` of the backends the writer's connections report), so the
figures per CPU second hold on a busy machine too.
``--profile N`` prints, for the first group size, the N functions with the most cumulative time
(cProfile; read the shares, not the times). Results: ``bench/results/writer.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pickle
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import save_result

CACHE = Path("data/bench")

Prepared = tuple[Any, str | None, str, Any]
"""(item, registry key, role, match text): what the crawler sends the writer for one item."""


def make_items(size: int) -> list[Prepared]:
    """The items of a fixture web of ``size`` articles as the writer receives them (cached)."""
    path = CACHE / f"writer-items-{size}.pickle"
    if path.exists():
        loaded: list[Prepared] = pickle.loads(path.read_bytes())
        return loaded
    from scrapy.http import HtmlResponse

    from bench.probe import saved_page
    from core.attribution import NameIndex
    from core.registry import load_registry, role_for
    from core.syndication.decide import prepare
    from core.text.persian import warm_up
    from crawler.fetch import page_response
    from crawler.pages import page_class
    from fixtureweb import build
    from fixtureweb.sites import SITES
    from pipelines.attribution import attribute_item
    from pipelines.normalise import normalise_item
    from pipelines.validate import strip_control_fields

    warm_up()
    with tempfile.TemporaryDirectory(prefix="manba-writer-") as tmp:
        web = build(Path(tmp) / "web", port=8765, size=size)
        registry = load_registry(web.registry_path)
        names = NameIndex.from_registry(registry)
        labels = [a for a in web.labels["articles"] if a.get("lang", "fa") == "fa"]
        labels.sort(key=lambda a: (datetime.fromisoformat(a["published_at"]), a["url"]), reverse=True)
        items: list[Prepared] = []
        for label in labels:
            site = label["site"]
            body = saved_page(web.root, label["url"], site).encode("utf-8")
            response = HtmlResponse(url=label["url"], body=body)
            item = page_class(SITES[site].page)(page_response(response), site).to_item()
            strip_control_fields(item)
            normalise_item(item)
            attribute_item(item, names, registry)
            source = registry.sources.get(site)
            prepared = prepare(item.body, [a.phrase for a in item.attributions])
            items.append((item, source.key if source is not None else None, role_for(source), prepared))
        registry_text = web.registry_path.read_text(encoding="utf-8")
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(items))
    (CACHE / f"writer-sources-{size}.toml").write_text(registry_text, encoding="utf-8")
    return items


def backend_seconds(pids: set[int]) -> float:
    """CPU seconds the PostgreSQL backends ``pids`` have used (a local server; those gone count 0)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            raw = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def store_all(items: Sequence[Prepared], size: int, group: int, url: str,
              profiler: cProfile.Profile | None) -> dict[str, Any]:
    """Store ``items`` in groups of ``group`` into the store at ``url`` (migrated here): the writer's
    CPU seconds, the wall seconds, the statements sent (commits included), the commits, the
    outcomes and, on PostgreSQL, the CPU seconds of the server's backends."""
    from sqlalchemy import event, text

    from core.registry import load_registry
    from core.syndication.decide import remember
    from storage import write
    from storage.db import make_engine, make_sessionmaker
    from storage.migrate import upgrade_to_head

    upgrade_to_head(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        write.sync_sources(session, load_registry(CACHE / f"writer-sources-{size}.toml"))
    backends: set[int] = set()
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            backends.add(int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one()))

        def backend(dbapi_connection: Any, _record: Any) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backends.add(int(cursor.fetchone()[0]))
            dbapi_connection.commit()

        event.listen(engine, "connect", backend)
    statements = [0]
    commits = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    def committed(*_: Any) -> None:
        statements[0] += 1
        commits[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    event.listen(engine, "commit", committed)
    outcomes: dict[str, int] = {}
    spent = 0.0
    server_before = backend_seconds(backends)
    wall_began = time.perf_counter()
    for start in range(0, len(items), group):
        chunk = items[start : start + group]
        began = time.process_time()
        if profiler is not None:
            profiler.enable()
        for _, _, _, prepared in chunk:
            remember(prepared)
        if group == 1:
            item, key, role, _ = chunk[0]
            results: list[Any] = [write.write_item(sessions, item, run_id=None, source_key=key, role=role)]
        else:
            requests = [write.Request(item, None, key, role) for item, key, role, _ in chunk]
            results = write.write_group(sessions, requests)
        if profiler is not None:
            profiler.disable()
        spent += time.process_time() - began
        for outcome in results:
            if isinstance(outcome, Exception):
                raise outcome
            outcomes[str(outcome)] = outcomes.get(str(outcome), 0) + 1
    wall = time.perf_counter() - wall_began
    server = backend_seconds(backends) - server_before  # before dispose: the backends still live
    engine.dispose()
    return {"cpu": spent, "wall": wall, "statements": statements[0], "commits": commits[0],
            "outcomes": outcomes, "server_cpu": server if backends else None}


def one_run(size: int, group: int, profile: int, database: str, limit: int = 0) -> dict[str, Any]:
    """One store of every item, in this (fresh) process: into a SQLite file, or with ``database`` (a
    PostgreSQL URL) into a fresh schema of it, dropped afterwards."""
    items = make_items(size)
    if limit:
        items = items[:limit]
    from core.text.persian import warm_up

    warm_up()  # as the writer process does before its first item
    profiler = cProfile.Profile() if profile else None
    if database:
        from sqlalchemy import text

        from storage.db import make_engine, normalise_url
        from storage.testing import postgres_schema_url, url_string

        schema_url = postgres_schema_url(normalise_url(database))
        try:
            done = store_all(items, size, group, url_string(schema_url), profiler)
        finally:
            schema = str(schema_url.query["options"]).removeprefix("-csearch_path=")
            admin = make_engine(url_string(database), isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
    else:
        with tempfile.TemporaryDirectory(prefix="manba-writer-") as tmp:
            url = f"sqlite:///{Path(tmp) / f'writer-{group}.sqlite3'}"
            done = store_all(items, size, group, url, profiler)
    n = len(items)
    result: dict[str, Any] = {
        "ms": 1000 * done["cpu"] / n, "statements": round(done["statements"] / n, 2),
        "outcomes": done["outcomes"], "items": n, "commits": done["commits"],
        "wall_seconds": round(done["wall"], 3),
        "transactions_per_second": round(done["commits"] / done["wall"], 2),
        "items_per_second": round(n / done["wall"], 1),
    }
    if done["server_cpu"] is not None:
        result["server_ms"] = 1000 * done["server_cpu"] / n
        both = done["cpu"] + done["server_cpu"]
        result["transactions_per_cpu_second"] = round(done["commits"] / both, 2) if both else None
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(profile)
        result["profile"] = out.getvalue()
    return result


DATABASE_ENV = "MANBA_BENCH_WRITER_DATABASE"
"""How the parent hands a child run its PostgreSQL database (not on the command line: a password)."""


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.writer", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=2000, help="article pages in the fixture web")
    parser.add_argument("--groups", default="1,10,50", help="items per transaction, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--limit", type=int, default=0, help="store only the first N items (newest first)")
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        database = os.environ.get(DATABASE_ENV, "")
        print(json.dumps(one_run(args.size, args.child, args.profile, database, args.limit)))
        return {}
    groups = [int(g) for g in args.groups.split(",")]
    make_items(args.size)
    with contextlib.ExitStack() as stack:
        env = dict(os.environ)
        if args.store == "postgresql":
            from storage.testing import temporary_postgres_database, url_string

            env[DATABASE_ENV] = url_string(stack.enter_context(temporary_postgres_database()))
        runs = measure(args, groups, env)
    return report(args, groups, runs)


def measure(args: argparse.Namespace, groups: list[int], env: dict[str, str]) -> list[dict[str, Any]]:
    """Every run of every group size, alternating, each in a fresh process: the write path remembers
    texts, evidence and credit lines per process, and a store rebuilt with the same ids would find
    them all."""
    runs = []
    for run in range(args.runs):
        for group in groups:
            profile = args.profile if run == 0 and group == groups[0] else 0
            child = [sys.executable, "-m", "bench.writer", "--size", str(args.size), "--child", str(group),
                     "--profile", str(profile), "--limit", str(args.limit)]
            done = subprocess.run(child, check=True, capture_output=True, text=True, env=env)
            runs.append(json.loads(done.stdout) | {"group": group, "profiled": bool(profile)})
    return runs


def report(args: argparse.Namespace, groups: list[int], runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians by group size (profiled runs left out), saved and printed."""
    timed = {str(g): [r for r in runs if r["group"] == g and not r["profiled"]] for g in groups}
    last = {str(r["group"]): r for r in runs}

    def median(group: str, key: str, digits: int = 3) -> float | None:
        values = [r[key] for r in timed[group] if r.get(key) is not None]
        return round(statistics.median(values), digits) if values else None

    figures = {g: [r["ms"] for r in rs] for g, rs in timed.items()}
    medians = {g: m for g in timed if (m := median(g, "ms")) is not None}
    per_item = {g: r["statements"] for g, r in last.items()}
    outcomes = {g: r["outcomes"] for g, r in last.items()}
    items = runs[-1]["items"] if runs else 0
    result: dict[str, Any] = {"benchmark": "writer", "store": args.store, "size": args.size, "items": items,
                              "limit": args.limit,
                              "runs": args.runs, "cpu_ms_per_item": medians, "statements_per_item": per_item,
                              "all_runs": figures, "outcomes": outcomes}
    if args.store == "postgresql":
        result |= {
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "server_cpu_ms_per_item": {g: median(g, "server_ms") for g in timed},
            "transactions_per_second": {g: median(g, "transactions_per_second", 2) for g in timed},
            "items_per_second": {g: median(g, "items_per_second", 1) for g in timed},
            "transactions_per_cpu_second": {g: median(g, "transactions_per_cpu_second", 2) for g in timed},
            "commits": {g: r["commits"] for g, r in last.items()},
            "all_run_details": [{k: v for k, v in r.items() if k != "profile"} for r in runs],
        }
    save_result("writer" if args.store == "sqlite" else f"writer-{args.store}", result)
    print(f"{items} items into {args.store}, writer CPU ms per item (median of {args.runs}, each in a "
          "fresh process):")
    for group, value in medians.items():
        shown = ", ".join(f"{v:.2f}" for v in figures[group])
        sent = per_item[group]
        line = f"  {group:>4} per transaction: {value:6.2f}   ({sent} statements per item; runs: {shown})"
        if args.store == "postgresql":
            line += (f"; server {result['server_cpu_ms_per_item'][group]} ms per item; "
                     f"{result['transactions_per_second'][group]} transactions/s, "
                     f"{result['items_per_second'][group]} items/s; "
                     f"{result['transactions_per_cpu_second'][group]} transactions per CPU second")
        print(line)
    print(f"outcomes: {outcomes}")
    profiled = [r["profile"] for r in runs if r["profiled"] and "profile" in r]
    if profiled:
        print(profiled[0])
    return result


if __name__ == "__main__":
    main()
