"""Documents stored per second: one crawler process against two sharing a Redis frontier.

    .venv/bin/python -m bench.distributed [--size 10000] [--rounds 3] [--skip 300] [--measure 800]
                                          [--configs redis-1,redis-2[,local]] [--max-seconds 80]
                                          [--server bench.webserver|fixtureweb] [--sources KEY,KEY]
                                          [--redis redis://host:6379/9] [--until-done] [--out FILE]

The fixture web (``fixtureweb.build(size=...)``: that many labelled article pages, 10,000 by default)
is served from a process of its own, so the server shares no GIL with the crawlers: by default
``bench.webserver`` (in memory, search index folded once); ``--server fixtureweb`` uses the tests'
threaded server, whose ministry search re-folds its whole index per query — on the 10k web that costs
the server about half a core, which it then takes from the crawlers on a 2-core machine.

Each run crawls into a fresh schema of one temporary PostgreSQL database (migrated before the clock
starts) with ``scrapy crawl sources`` under the fixture settings, origin following on, in each
configuration, alternated ``--rounds`` times: ``redis-1`` (one process with ``MANBA_REDIS_URL``) and
``redis-2`` (two processes started together with ``MANBA_REDIS_URL``; each run has a key prefix of its
own, deleted afterwards), and with ``--configs`` also ``local`` (one process without Redis, Scrapy's own
scheduler with FIFO memory queues). All take pages first in, first out, so they crawl in the same order
and store the same mix of documents (the cost of a document depends on what it is: a ministry release
stores without origin following, a copy needs it). The speedup is ``redis-2`` over ``redis-1`` (and
over ``local`` when measured).

A full crawl of the 10k web takes one process far longer than the budget (the pipeline costs
≈ 25–60 ms of CPU per item), so each run measures a **fixed stretch of the crawl**: ``documents``
rows are counted twice a second, and the rate is ``--measure`` documents divided by the time the
store took to grow from ``--skip`` documents (start-up, the first listing pages) to ``--skip +
--measure`` (or to what it holds after ``--max-seconds``). The workers are then interrupted (SIGINT,
as Ctrl-C; what is left of them and of their children is killed after 5 s). Also recorded per run:
the machine's CPU use over the stretch (``/proc/stat``), CPU seconds by group (crawler processes,
their store writers, their browser, the web server, PostgreSQL, Redis, everything else — other
users of the machine included), the crawlers' CPU per document and the cores they got, and the load
average. Results: ``bench/results/distributed.json``; medians and ratios are printed and go into
BENCHMARKS.md.

**Cost per page** (``bench.costs``): each run also reports, per document stored and per article
page the web server sent (``bench.webserver --counts``), the CPU of the crawler processes and of
their writer processes, Redis's round trips and calls by command (``INFO``; by default the bench
starts a ``redis-server`` of its own, so nothing else is counted — ``--redis URL`` shares one), the
database's transactions and rows (``pg_stat_database``) and the processes' SQL round trips
(``MANBA_SQL_COUNTS_DIR``, ``storage.sqlcount``); medians by configuration and the crawlers' CPU
per document of two processes over one. A stretch in the middle of a crawl measures a transient:
the crawlers download pages well ahead of the store (Scrapy holds up to 5 MB of responses per
process), and two processes twice as far ahead, so per document they seem to cost several times
more. ``--until-done`` therefore measures a **whole crawl** (use a smaller ``--size``): from
``--skip`` responses of the web server (start-up over, no article page downloaded yet) until
every worker has exited (workers close 3 s after the shared frontier empties), with the CPU of each
process as last seen alive — every configuration then downloads and stores the same pages.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from bench import costs
from fixtureweb import build, free_port
from storage.db import make_engine
from storage.migrate import upgrade_to_head
from storage.sqlcount import read_counts
from storage.testing import postgres_schema_url, temporary_postgres_database, url_string

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
SCRAPY = str(Path(sys.executable).with_name("scrapy"))
GOAL = 1.6


def cpu_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine so far."""
    fields = [float(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def processes() -> dict[int, tuple[int, str, float]]:
    """pid → (parent pid, command name, CPU seconds so far) of every process on the machine."""
    found: dict[int, tuple[int, str, float]] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        found[int(entry.name)] = (int(fields[1]), name, (int(fields[11]) + int(fields[12])) / tick)
    return found


Snapshot = dict[int, tuple[str, float]]
"""pid → (group, CPU seconds so far)."""


def cpu_by_process(workers: list[int], server: int) -> Snapshot:
    """pid → (group, CPU seconds so far) for every process: the crawler processes, their store
    writers, their other descendants (Playwright's driver and Chromium), the web server, PostgreSQL,
    Redis, and everything else."""
    table = processes()

    def group(pid: int) -> str:
        name = table[pid][1]
        first = pid
        seen = set()
        while pid in table and pid not in seen:
            seen.add(pid)
            if pid in workers:
                if pid == first:
                    return "crawlers"
                # A crawler's Python children are its store writers (``python -c …serve_writer()``);
                # by name, which a writer that has exited and not yet been reaped still has.
                return "writers" if table[first][1].startswith("python") else "browser"
            if pid == server:
                return "web server"
            pid = table[pid][0]
        return {"postgres": "postgresql", "redis-server": "redis"}.get(name, "other")

    return {pid: (group(pid), seconds) for pid, (_, _, seconds) in table.items()}


def cpu_between(before: Snapshot, after: Snapshot) -> dict[str, float]:
    """CPU seconds by group used between two snapshots (by processes alive at the second one)."""
    totals: dict[str, float] = {}
    for pid, (group, seconds) in after.items():
        used = seconds - before[pid][1] if pid in before else seconds
        totals[group] = totals.get(group, 0.0) + used
    return {group: round(used, 1) for group, used in sorted(totals.items())}


@contextmanager
def private_redis(workdir: Path) -> Iterator[str]:
    """A ``redis-server`` of the bench's own (no persistence), so its ``INFO`` counts only the
    crawlers' requests; yields its URL."""
    port = free_port(["127.0.0.1"])
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {port}") from None
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextmanager
def serve(root: Path, module: str, counts: Path) -> Iterator[int]:
    """``python -m MODULE --root ROOT`` (a fixture-web server) in a process and session of its own;
    yields its pid. ``bench.webserver`` keeps its responses counted in ``counts``."""
    serve_command = ["serve"] if module == "fixtureweb" else ["--counts", str(counts)]
    command = [sys.executable, "-m", module, *serve_command, "--root", str(root)]
    server = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        if "serving" not in line:
            raise RuntimeError(f"fixture server did not start: {line}")
        yield server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def count_documents(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM documents")).scalar_one())


def start_time(pid: int) -> int | None:
    """When a process started (clock ticks since boot): with the pid, it names one process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(raw[raw.rindex(")") + 2 :].split()[19])


def descendants(pid: int) -> dict[int, int | None]:
    """pid → start time of every process below ``pid`` now."""
    table = processes()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, (parent, _, _) in table.items() if parent in frontier} - found
        found |= frontier
    return {child: start_time(child) for child in found}


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    """Ctrl-C each worker (Scrapy starts a clean shutdown, which closes Chromium); after 5 s kill the
    worker's process group and the processes it had started (Playwright may give Chromium a group of
    its own): the measurement is over and its store is thrown away."""
    started = {worker.pid: descendants(worker.pid) for worker in workers}
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 5
    for worker in workers:
        try:
            worker.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
            for pid, began in started[worker.pid].items():
                if began is not None and start_time(pid) == began:  # the same process, not a reused pid
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)


CONFIGS = {"local": (1, False), "redis-1": (1, True), "redis-2": (2, True)}
"""name → (crawler processes, sharing a Redis frontier)."""


def read_json(path: Path) -> dict[str, int]:
    try:
        found: dict[str, int] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found


def started(documents: int, web_counts: Path, responses_before: int, args: argparse.Namespace) -> bool:
    """Whether the measured stretch starts: at ``--skip`` documents stored, or with ``--until-done``
    at ``--skip`` responses sent by the web server (before the first article page: what a crawler
    does from then on is crawling, not starting up, and every page it downloads is in the stretch)."""
    if args.until_done and args.server == "bench.webserver":
        return read_json(web_counts).get("responses", 0) >= responses_before + args.skip
    return documents >= args.skip


def snapshot(
    pids: list[int], server: int, engine: Engine, database: str, frontier: redis.Redis | None, sql_dir: Path,
    web_counts: Path,
) -> dict[str, Any]:
    """Everything a mark records: the machine's and the processes' CPU, Redis's and PostgreSQL's
    counters, the processes' SQL counts and the web server's responses."""
    return {
        "web": read_json(web_counts),
        "busy": cpu_busy(),
        "cpu": cpu_by_process(pids, server),
        "redis": costs.redis_snapshot(frontier.info("stats", "commandstats")) if frontier else {},
        "pg": costs.pg_snapshot(engine, database),
        "sql": read_counts(sql_dir),
        "load": [round(x, 2) for x in os.getloadavg()],
    }


def run(
    config: str, web_root: Path, database: URL, server: int, args: argparse.Namespace, logs: Path,
    web_counts: Path,
) -> dict[str, Any]:
    workers, shared = CONFIGS[config]
    schema_url = url_string(postgres_schema_url(database))
    upgrade_to_head(schema_url)
    prefix = f"manba-bench-{uuid.uuid4().hex[:8]}"
    sql_dir = logs / f"{prefix}-sql"
    sql_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MANBA_", "SCRAPY_"))}
    env.update(
        MANBA_DATABASE_URL=schema_url,
        SCRAPY_SETTINGS_MODULE="crawler.settings_fixture",
        PYTHONPATH=str(REPO),
        MANBA_SOURCES_FILE=str(web_root / "sources.toml"),
        MANBA_SQL_COUNTS_DIR=str(sql_dir),
    )
    command = [SCRAPY, "crawl", "sources"]
    if args.sources:
        command += ["-a", f"source={args.sources}"]
    if shared:
        env["MANBA_REDIS_URL"] = args.redis
        command += ["-s", f"MANBA_REDIS_PREFIX={prefix}"]
        if args.until_done:  # close soon after the frontier empties, not 30 s later
            command += ["-s", "MANBA_REDIS_IDLE_CLOSE=3"]
    else:  # the order the shared FIFO queue gives, so every configuration stores the same documents
        command += ["-s", "SCHEDULER_MEMORY_QUEUE=scrapy.squeues.FifoMemoryQueue"]
    engine = make_engine(schema_url)
    frontier = redis.Redis.from_url(args.redis) if shared else None
    assert database.database is not None
    polls = 0  # the bench's own transactions in the database (document counts, snapshots)
    log_files = [logs / f"{prefix}-{n}.log" for n in range(workers)]
    procs: list[subprocess.Popen[bytes]] = []
    samples: list[tuple[float, int]] = []
    marks: dict[str, Any] = {}
    target = args.skip + args.measure
    last_seen: Snapshot = {}  # every process's CPU when last seen alive (for those that exit)
    responses_before = read_json(web_counts).get("responses", 0)  # the server outlives the runs
    try:
        began = time.monotonic()
        for log_file in log_files:
            with log_file.open("w") as stderr:
                procs.append(
                    subprocess.Popen(
                        command,
                        cwd=REPO,
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=stderr,
                        start_new_session=True,
                    )
                )
        while True:
            samples.append((time.monotonic() - began, count_documents(engine)))
            polls += 1
            pids = [p.pid for p in procs]
            if "start" not in marks and started(samples[-1][1], web_counts, responses_before, args):
                marks["start"] = (samples[-1], polls, snapshot(pids, server, engine, database.database,
                                                               frontier, sql_dir, web_counts))
                polls += 1
            elif "start" in marks and args.until_done:
                last_seen.update(cpu_by_process(pids, server))
            finished = all(p.poll() is not None for p in procs)
            reached = samples[-1][1] >= target and not args.until_done
            if reached or finished or samples[-1][0] > args.max_seconds:
                marks["end"] = (samples[-1], polls, snapshot(pids, server, engine, database.database,
                                                             frontier, sql_dir, web_counts))
                break
            time.sleep(0.5)
    finally:
        stop(procs)
        engine.dispose()
        if frontier is not None:
            keys = list(frontier.scan_iter(match=f"{prefix}:*", count=1000))
            if keys:
                frontier.delete(*keys)
            frontier.close()
    if "start" not in marks:  # start-up took the whole run (a very busy machine): no rate
        return {
            "config": config,
            "workers": workers,
            "documents_per_second": None,
            "complete": False,
            "reason": f"the store never reached {args.skip} documents in {args.max_seconds} s",
            "log_tails": [f.read_text(encoding="utf-8", errors="replace")[-3000:] for f in log_files],
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "samples": [(round(t, 2), n) for t, n in samples],
        }
    (t0, docs0), polls0, start = marks["start"]
    (t1, docs1), polls1, end = marks["end"]
    (busy0, total0), (busy1, total1) = start["busy"], end["busy"]
    cpu0, cpu1 = start["cpu"], {**last_seen, **end["cpu"]}
    documents = docs1 - docs0
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in log_files]
    cpu_seconds = cpu_between(cpu0, cpu1)
    # Kernel work and processes that ended during the stretch (other users' short-lived ones) show
    # in the machine's busy time but in no process still alive.
    busy_seconds = (busy1 - busy0) / os.sysconf("SC_CLK_TCK")
    cpu_seconds["unattributed"] = round(busy_seconds - sum(cpu_seconds.values()), 1)
    crawler_cpu = cpu_seconds.get("crawlers", 0.0)
    writer_cpu = cpu_seconds.get("writers", 0.0)
    # The start snapshot's own transaction and every document count after it (the end snapshot's
    # own comes after its reading).
    pg = costs.pg_used(start["pg"], end["pg"], own_transactions=polls1 - polls0)
    redis_used = costs.redis_used(start["redis"], end["redis"]) if shared else {}
    groups = {pid: group for pid, (group, _) in cpu1.items() if group in ("crawlers", "writers")}
    sql = costs.sql_by_group(start["sql"], end["sql"], groups)
    web = costs.difference(start["web"], end["web"])
    article_pages = web.get("article_pages", 0)
    result = {
        "config": config,
        "workers": workers,
        "documents_per_second": (docs1 - docs0) / (t1 - t0),
        "complete": all(p.returncode == 0 for p in procs) if args.until_done else docs1 >= target,
        "documents_measured": docs1 - docs0,
        "seconds_measured": round(t1 - t0, 2),
        "seconds_to_skip": round(t0, 2),
        "machine_cpu_busy": round((busy1 - busy0) / max(1.0, total1 - total0), 3),
        "cpu_seconds": cpu_seconds,
        "crawler_cores": round(crawler_cpu / (t1 - t0), 2),
        "load_average_at_start": start["load"],
        "crawler_cpu_ms_per_document": round(1000 * crawler_cpu / max(1, documents), 1),
        "writer_cpu_ms_per_document": round(1000 * writer_cpu / max(1, documents), 1),
        "web_responses": web,
        "redis": redis_used,
        "redis_per_document": costs.per_document(redis_used, documents),
        "postgresql": pg,
        "postgresql_per_document": costs.per_document(pg, documents),
        "sql": sql,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "worker_exit_codes": [p.returncode for p in procs],
        "tracebacks": sum(t.count("Traceback") for t in texts),
        "samples": [(round(t, 2), n) for t, n in samples],
    }
    result["per_document"] = costs.figures(result, documents)
    if article_pages:
        result["per_article_page"] = costs.figures(result, article_pages)
    return result


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.distributed", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each configuration (alternating)")
    parser.add_argument("--skip", type=int, default=300, help="documents stored before the clock starts")
    parser.add_argument("--measure", type=int, default=800, help="documents timed")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=80.0,
        help="a run's limit; a run that hits it measures what it stored so far",
    )
    parser.add_argument(
        "--until-done",
        action="store_true",
        help="measure from --skip responses of the web server to the end of the crawl (every worker "
        "exited; --measure is ignored): every configuration then does the same work",
    )
    parser.add_argument("--configs", default="redis-1,redis-2", help="of " + ", ".join(CONFIGS))
    parser.add_argument(
        "--redis",
        default="",
        help="a Redis server to share (its INFO then counts its other clients too); by default the bench "
        "starts a redis-server of its own",
    )
    parser.add_argument("--sources", default="", help="registry keys to crawl (default: all)")
    parser.add_argument("--server", default="bench.webserver", choices=["bench.webserver", "fixtureweb"])
    parser.add_argument("--out", type=Path, default=RESULTS / "distributed.json")
    args = parser.parse_args(argv)
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    if unknown := set(configs) - set(CONFIGS):
        parser.error(f"unknown configurations: {sorted(unknown)}")
    runs: list[dict[str, Any]] = []
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="manba-bench-") as tmp, contextlib.ExitStack() as stack:
        if not args.redis:
            args.redis = stack.enter_context(private_redis(Path(tmp)))
        redis.Redis.from_url(args.redis).ping()
        root = Path(tmp) / "web"
        web = build(root, port=free_port(), size=args.size)
        build_seconds = time.perf_counter() - began
        print(f"built {len(web.labels['articles'])} articles in {build_seconds:.1f} s", flush=True)
        web_counts = Path(tmp) / "web-counts.json"
        with serve(root, args.server, web_counts) as server, temporary_postgres_database() as database:
            for round_no in range(1, args.rounds + 1):
                for config in configs:
                    result = run(config, root, database, server, args, Path(tmp), web_counts)
                    result["round"] = round_no
                    runs.append(result)
                    if result["documents_per_second"] is None:
                        print(f"round {round_no} {config}: no rate, {result['reason']}", flush=True)
                        continue
                    print(
                        f"round {round_no} {config}: {result['documents_per_second']:.2f} documents/s "
                        f"({result['documents_measured']} in {result['seconds_measured']} s); crawlers "
                        f"{result['crawler_cores']} cores, {result['crawler_cpu_ms_per_document']} ms CPU "
                        f"a document; machine busy {result['machine_cpu_busy']:.0%}, CPU s "
                        f"{result['cpu_seconds']}; load {result['load_average_at_end'][0]}",
                        flush=True,
                    )
                    print(f"  {result['web_responses']}", flush=True)
                    for unit in costs.UNITS:
                        if unit in result:
                            calls = result["redis_per_document"] if unit == "per_document" else None
                            print(f"  {unit}: {costs.cost_line(result[unit], calls)}", flush=True)

    rates = {
        c: [r["documents_per_second"] for r in runs if r["config"] == c and r["documents_per_second"]]
        for c in configs
    }
    medians = {c: round(statistics.median(values), 2) for c, values in rates.items() if values}
    ratios = {}
    if "redis-1" in medians and "redis-2" in medians:
        ratios["redis-2 / redis-1"] = round(medians["redis-2"] / medians["redis-1"], 2)
    if "local" in medians and "redis-2" in medians:
        ratios["redis-2 / local"] = round(medians["redis-2"] / medians["local"], 2)
    per_unit = {unit: costs.cost_medians(runs, configs, unit) for unit in costs.UNITS}
    summary = {
        "benchmark": "documents stored per second: 1 crawler process vs 2 sharing a Redis frontier",
        "size": args.size,
        "sources": args.sources or "all",
        "server": args.server,
        "skip_documents": args.skip,
        "measured_documents": args.measure,
        "build_seconds": round(build_seconds, 1),
        "total_seconds": round(time.perf_counter() - began, 1),
        "median_documents_per_second": medians,
        "speedup": ratios,
        "goal": GOAL,
        "median_costs": per_unit,
        "crawler_cpu_ratio": {unit: costs.cpu_ratio(by_config) for unit, by_config in per_unit.items()},
        "machine": {
            "cpus": os.cpu_count(),
            "cpu": cpu_model(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    print(f"median documents/s: {medians}; speedup {ratios} (goal {GOAL}x) -> {args.out}")
    for unit, by_config in per_unit.items():
        for config, figures in by_config.items():
            print(f"median {unit}, {config}: {figures}")
    print(f"crawler CPU, two processes / one: {summary['crawler_cpu_ratio']} (goal ≤ 1.10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
