"""``make bench``: P1 to P6 in one run, each printed as one line with its ratio or goal.

    .venv/bin/python -m bench [--size 10000] [--stride 2] [--runs 3] [--docs 1000] [--only p1,p2,p3,p4,p5,p6]
                              [--dedup-cache data/bench/dedup]

* **P1** (:mod:`bench.pipeline`) — full Manba pipeline against bare Scrapy on the fixture web of
  ``--size`` article pages (every ``--stride``-th of them crawled), ``--runs`` crawls of each,
  alternating; ratio of median pages/s.
* **P2** (:mod:`bench.extract`) — extraction on ``--docs`` saved pages of the same web: Manba's
  page objects and generic path, trafilatura, news-please; ratio of Manba's docs/s to
  trafilatura's, and body F1 of each.
* **P3** (:mod:`bench.dedup`) — check-and-insert per document on SQLite at 10k and 1M stored
  (the stores are kept in ``--dedup-cache`` and reused while still valid); ratio of p50 times.
* **P4** (:mod:`bench.changes`) — what each copy changed: CPU per copy of the comparison with its
  release, p50 by release length (10–40 sentences); goal p50 ≤ 3 ms.
* **P5** (:mod:`bench.crosslingual`) — cross-lingual links: CPU the feature adds per English or
  Arabic document stored next to the Persian documents of a fixture plan of 2,000 (goal ≤ 50 ms),
  per Persian document, memory it adds to a process (goal ≤ 300 MB), and that off costs nothing.
* **P6** (:mod:`bench.throttled`) — one host answering 503 with ``Retry-After: 20`` beside a
  healthy one: when the healthy host's pages are all in (goal ≤ 10 s) and the whole crawl's time
  (goal ≤ 90 s).

Results: ``bench/results/pipeline.json``, ``extract.json``, ``p3-sqlite.json`` and
``changes.json``, ``crosslingual.json``, ``throttled.json`` and ``summary.json`` (the lines and the
wall time of each part).
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import changes, crosslingual, dedup, extract, pipeline, save_result, throttled

REPO = Path(__file__).resolve().parents[1]


def p3_line(result: dict[str, Any]) -> str:
    rows = result["sizes"]
    first, last = rows[0], rows[-1]
    kept = " (kept stores)" if result.get("kept_stores") else ""
    return (
        f"P3 dedup check-and-insert on SQLite{kept}: p50 {first['p50_ms']:.1f} ms at "
        f"{first['documents']:,} stored, {last['p50_ms']:.1f} ms at {last['documents']:,} "
        f"(p99 {first['p99_ms']:.1f} / {last['p99_ms']:.1f}) ratio={result['ratio']['p50']:.2f} "
        "(goal <= 1.5)"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=pipeline.DEFAULT_SIZE)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stride", type=int, default=pipeline.DEFAULT_STRIDE, help="P1: every N-th page")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--only", default="p1,p2,p3,p4,p5,p6", help="which parts to run")
    parser.add_argument("--dedup-cache", type=Path, default=REPO / "data" / "bench" / "dedup")
    args = parser.parse_args(argv)
    parts = {p.strip().lower() for p in args.only.split(",")}
    lines: dict[str, str] = {}
    seconds: dict[str, float] = {}
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="manba-bench-") as tmp:
        workdir = Path(tmp)
        web: Path | None = None
        if parts & {"p1", "p2"}:
            start = time.perf_counter()
            web = pipeline.build_web(workdir / "web", args.size)
            seconds["build"] = time.perf_counter() - start
            print(f"fixture web: {args.size} article pages built in {seconds['build']:.0f} s", flush=True)
        if "p1" in parts:
            assert web is not None
            start = time.perf_counter()
            p1 = pipeline.main(
                [
                    "--web",
                    str(web),
                    "--runs",
                    str(args.runs),
                    "--stride",
                    str(args.stride),
                    "--workdir",
                    str(workdir / "p1"),
                ]
            )
            lines["P1"] = pipeline.p1_line(p1)
            seconds["p1"] = time.perf_counter() - start
        if "p2" in parts:
            assert web is not None
            start = time.perf_counter()
            p2 = extract.main(["--web", str(web), "--docs", str(args.docs)])
            lines["P2"] = extract.p2_line(p2)
            seconds["p2"] = time.perf_counter() - start
        if "p3" in parts:
            start = time.perf_counter()
            p3 = dedup.main(
                [
                    "--backend", "sqlite",
                    "--sizes", "10000,1000000",
                    "--probe", "300",
                    "--cache", str(args.dedup_cache),
                    "--results", "p3",
                ]
            )  # fmt: skip
            lines["P3"] = p3_line(p3["sqlite"])
            seconds["p3"] = time.perf_counter() - start
        if "p4" in parts:
            start = time.perf_counter()
            lines["P4"] = changes.p4_line(changes.main([]))
            seconds["p4"] = time.perf_counter() - start
        if "p5" in parts:
            start = time.perf_counter()
            lines["P5"] = crosslingual.p5_line(crosslingual.main([]))
            seconds["p5"] = time.perf_counter() - start
        if "p6" in parts:
            start = time.perf_counter()
            lines["P6"] = throttled.p6_line(throttled.main([]))
            seconds["p6"] = time.perf_counter() - start
    seconds["total"] = time.perf_counter() - began
    summary = {
        "lines": lines,
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
    }
    save_result("summary", summary)
    print()
    for line in lines.values():
        print(line)
    print(f"bench wall time: {seconds['total'] / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
