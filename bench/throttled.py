"""P6: one throttling host beside a healthy one (issue 17, item 8).

    .venv/bin/python -m bench.throttled [--throttled 40] [--healthy 10] [--retry-after 20]
                                        [--project DIR]

``fixtureweb.throttled`` serves ``--healthy`` article pages on one loopback host and ``--throttled``
pages on another that answers every one ``503`` with ``Retry-After: --retry-after``. One ``scrapy
crawl urls`` of all of them (the throttled host's listed first), under the fixture settings (no
politeness delays, so what is measured is the throttling) with production's ``RETRY_TIMES`` (2) and
downloads at once (16, 2 per host), storing into a fresh SQLite file. Measured: when the healthy
host's last page was served, counted from the first request the server saw, and the crawl's wall
time (the ``scrapy`` process from start to exit). Goals: healthy host within 10 s, whole crawl
within 90 s.

``--project`` runs the crawl in another copy of the project (e.g. ``git archive`` of an older
commit) with this virtual environment, to measure before and after a change. Results:
``bench/results/throttled.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import save_result
from fixtureweb.throttled import HEALTHY_HOST, THROTTLED_HOST, ThrottledServer

REPO = Path(__file__).resolve().parents[1]
SCRAPY = str(Path(sys.executable).with_name("scrapy"))
GOAL_HEALTHY_S = 10.0
GOAL_CRAWL_S = 90.0
SETTINGS = {
    "RETRY_TIMES": "2",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "2",
    "MANBA_FOLLOW_ORIGINS": "0",
}


def _env(project: Path, database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MANBA_", "SCRAPY_"))}
    env.update(
        MANBA_DATABASE_URL=f"sqlite:///{database}",
        SCRAPY_SETTINGS_MODULE="crawler.settings_fixture",
        PYTHONPATH=str(project),
    )
    return env


def run(throttled: int, healthy: int, retry_after: int, project: Path) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="manba-throttled-") as tmp,
        ThrottledServer(retry_after) as server,
    ):
        urls = Path(tmp) / "urls.txt"
        listed = server.urls(THROTTLED_HOST, throttled) + server.urls(HEALTHY_HOST, healthy)
        urls.write_text("\n".join(listed) + "\n", encoding="utf-8")
        env = _env(project, Path(tmp) / "manba.sqlite3")
        command = [
            SCRAPY,
            "crawl",
            "urls",
            "-a",
            f"urls_file={urls}",
        ]
        for name, value in SETTINGS.items():
            command += ["-s", f"{name}={value}"]
        started = time.monotonic()
        crawl = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False)
        ended = time.monotonic()
        runs = subprocess.run(
            [SCRAPY, "runs", "--show", "1", "--json"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        hits = list(server.hits)
    if crawl.returncode != 0:
        raise RuntimeError(f"the crawl failed:\n{crawl.stderr[-3000:]}")
    record = json.loads(runs.stdout) if runs.returncode == 0 else {"stats": {}, "checks": []}
    stats = record.get("stats") or {}
    first = min(h.at for h in hits)
    pages = [h for h in hits if h.path.startswith("/fa/news/")]
    healthy_hits = [h for h in pages if h.host == HEALTHY_HOST]
    throttled_hits = [h for h in pages if h.host == THROTTLED_HOST]
    return {
        "throttled_pages": throttled,
        "healthy_pages": healthy,
        "retry_after": retry_after,
        "project": str(project),
        "settings": SETTINGS,
        "healthy_last_s": round(max(h.at for h in healthy_hits) - first, 2) if healthy_hits else None,
        "healthy_served": len(healthy_hits),
        "crawl_s": round(ended - started, 1),
        "first_request_to_exit_s": round(ended - first, 1),
        "throttled_requests": len(throttled_hits),
        "items": stats.get("item_scraped_count", 0),
        "stats": {
            k: v for k, v in stats.items() if k.startswith(("manba/retry_after/", "manba/drop/", "retry/"))
        },
        "checks": record.get("checks", []),
    }


def p6_line(result: dict[str, Any]) -> str:
    healthy, crawl = result["healthy_last_s"], result["crawl_s"]
    met = healthy is not None and healthy <= GOAL_HEALTHY_S and crawl <= GOAL_CRAWL_S
    return (
        f"P6 one host throttling ({result['throttled_pages']} pages, Retry-After {result['retry_after']} s) "
        f"beside a healthy one ({result['healthy_pages']} pages): healthy host's pages in {healthy} s "
        f"(goal <= {GOAL_HEALTHY_S:.0f}), crawl {crawl} s (goal <= {GOAL_CRAWL_S:.0f}), "
        f"{result['throttled_requests']} requests to the throttled host: {'met' if met else 'NOT MET'}"
    )


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.throttled", description=__doc__.split("\n")[0])
    parser.add_argument("--throttled", type=int, default=40)
    parser.add_argument("--healthy", type=int, default=10)
    parser.add_argument("--retry-after", type=int, default=20)
    parser.add_argument("--project", type=Path, default=REPO, help="the project copy to crawl with")
    parser.add_argument("--results", default="throttled", help="bench/results/<name>.json")
    args = parser.parse_args(argv)
    result = run(args.throttled, args.healthy, args.retry_after, args.project.resolve())
    save_result(args.results, result)
    print(p6_line(result), flush=True)
    return result


if __name__ == "__main__":
    main()
