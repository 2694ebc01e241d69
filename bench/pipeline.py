"""P1: pages per second of the full Manba pipeline against bare Scrapy on the same pages.

    .venv/bin/python -m bench.pipeline [--size 10000] [--stride 2] [--runs 3] [--web DIR] [--profile]

The fixture web is built at ``--size`` article pages and served by :mod:`bench.webserver` in a
process of its own. Both crawlers get the same list of article URLs (every ``--stride``-th of the
labelled article pages that need no browser, newest first, the order a monitoring crawl meets
them: every site and age is in it, and three rounds of both fit ``make bench``'s 15 minutes) and the same
concurrency (``crawler.settings_fixture``: 32 requests, 16 per site, no delays, robots.txt
obeyed):

* **bare** — a Scrapy spider that requests each URL and does nothing with the response: no item,
  no pipeline, no extraction;
* **full** — ``scrapy crawl urls -a urls_file=…`` with Manba's settings: page objects, validate,
  normalise, attribution, origin following (searches on the ministry's site), syndication and
  storage into a fresh SQLite store.

Each crawl runs in a fresh process; bare and full alternate (bare first in odd rounds, full first
in even ones) so that the machine's drift hits both alike. A run's speed is article pages over
Scrapy's ``elapsed_time_seconds`` (spider open to close; a full run's schema set-up happens before
it). The ratio is median full over median bare.

``--profile`` adds one more full crawl (not counted) under pyinstrument: the crawler process
(its reactor thread) and the store's writer process (``MANBA_WRITER_PROFILE``), both profiles
written to the results JSON (``profile_crawler``, ``profile_writer``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import save_result

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SIZE = 10_000
DEFAULT_STRIDE = 2


# --- the crawls (each in its own process) ----------------------------------------------------


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


def _bare_crawl(urls_file: Path, log_file: Path) -> dict[str, Any]:
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.http import Response

    import crawler.settings_fixture as manba

    class BareSpider(scrapy.Spider):
        name = "bare"

        async def start(self) -> AsyncIterator[scrapy.Request]:
            for url in urls_file.read_text(encoding="utf-8").split():
                yield scrapy.Request(url, callback=self.parse, dont_filter=True)

        def parse(self, response: Response) -> None:
            return None

    process = CrawlerProcess(
        {
            "TWISTED_REACTOR": manba.TWISTED_REACTOR,
            "ROBOTSTXT_OBEY": manba.ROBOTSTXT_OBEY,
            "CONCURRENT_REQUESTS": manba.CONCURRENT_REQUESTS,
            "CONCURRENT_REQUESTS_PER_DOMAIN": manba.CONCURRENT_REQUESTS_PER_DOMAIN,
            "DOWNLOAD_DELAY": manba.DOWNLOAD_DELAY,
            "DOWNLOAD_TIMEOUT": manba.DOWNLOAD_TIMEOUT,
            "RETRY_TIMES": manba.RETRY_TIMES,
            "COOKIES_ENABLED": manba.COOKIES_ENABLED,
            "TELNETCONSOLE_ENABLED": False,
            "USER_AGENT": manba.USER_AGENT,
            "LOG_FILE": str(log_file),
            "LOG_LEVEL": "INFO",
            "LOG_INSTALL_ROOT_HANDLER": True,
        },
    )
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler)
    process.start()
    assert crawler.stats is not None
    return crawler.stats.get_stats()


def _full_crawl(urls_file: Path, log_file: Path, web: Path, database_url: str) -> dict[str, Any]:
    os.environ["SCRAPY_SETTINGS_MODULE"] = "crawler.settings_fixture"
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    overrides = {
        "MANBA_DATABASE_URL": database_url,
        "MANBA_SOURCES_FILE": str(web / "sources.toml"),
        "LOG_FILE": str(log_file),
        "LOG_LEVEL": "INFO",
    }
    settings.setdict(overrides, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("urls")
    process.crawl(crawler, urls_file=str(urls_file))
    process.start()
    assert crawler.stats is not None
    return crawler.stats.get_stats()


def crawl_main(argv: Sequence[str]) -> None:
    """``python -m bench.pipeline crawl MODE URLS OUT LOG [WEB DB [PROFILE]]``: one crawl, stats to OUT."""
    mode, urls_file, out, log = argv[0], Path(argv[1]), Path(argv[2]), Path(argv[3])
    profiler = None
    if len(argv) > 6:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
    if mode == "bare":
        stats = _bare_crawl(urls_file, log)
    else:
        stats = _full_crawl(urls_file, log, Path(argv[4]), argv[5])
    if profiler is not None:
        profiler.stop()
        Path(argv[6]).write_text(profiler.output_text(unicode=True, color=False), encoding="utf-8")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    stats["bench/cpu_s"] = usage.ru_utime + usage.ru_stime
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the store's writer process, reaped
    stats["bench/children_cpu_s"] = children.ru_utime + children.ru_stime
    stats["bench/peak_rss_mb"] = usage.ru_maxrss / 1024
    out.write_text(json.dumps(_json_safe(stats), indent=1, sort_keys=True), encoding="utf-8")


# --- orchestration ---------------------------------------------------------------------------


def article_urls(labels: dict[str, Any]) -> list[str]:
    """Every labelled article page a crawler can read without a browser, newest first."""
    rendered = {key for key, site in labels["sites"].items() if site["render"]}
    pages = [a for a in [*labels["articles"], *labels["unregistered"]] if a["site"] not in rendered]
    pages.sort(key=lambda a: (datetime.fromisoformat(a["published_at"]), a["url"]), reverse=True)
    return [a["url"] for a in pages]


@contextmanager
def served(web: Path, log: Path) -> Iterator[None]:
    """``bench.webserver`` on ``web`` in its own process, until the block ends."""
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "bench.webserver", "--root", str(web)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=REPO,
        )
    try:
        deadline = time.monotonic() + 120
        while "serving" not in log.read_text(encoding="utf-8"):
            if server.poll() is not None:
                raise RuntimeError(f"bench.webserver exited: {log.read_text(encoding='utf-8')}")
            if time.monotonic() > deadline:
                raise RuntimeError("bench.webserver did not start within 120 s")
            time.sleep(0.1)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def run_crawl(
    mode: str, urls_file: Path, workdir: Path, web: Path, n: int, profile: Path | None = None
) -> dict[str, Any]:
    """One crawl in a fresh process; its stats, with ``bench/pages_per_s`` and ``bench/wall_s``."""
    out = workdir / f"{mode}-{n}.json"
    log = workdir / f"{mode}-{n}.log"
    args = [sys.executable, "-m", "bench.pipeline", "crawl", mode, str(urls_file), str(out), str(log)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if mode == "full":
        database = workdir / f"full-{n}.sqlite3"
        args += [str(web), f"sqlite:///{database}"]
        if profile is not None:
            args.append(str(profile.with_suffix(".crawler.txt")))
            env["MANBA_WRITER_PROFILE"] = str(profile.with_suffix(".writer.txt"))
    began = time.perf_counter()
    subprocess.run(args, check=True, cwd=REPO, env=env)
    wall = time.perf_counter() - began
    stats: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    if stats.get("finish_reason") != "finished" or "elapsed_time_seconds" not in stats:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:])
        raise RuntimeError(f"the {mode} crawl did not finish ({stats.get('finish_reason')}):\n{tail}")
    stats["bench/wall_s"] = wall
    pages = len(urls_file.read_text(encoding="utf-8").split())
    stats["bench/pages"] = pages
    stats["bench/pages_per_s"] = pages / stats["elapsed_time_seconds"]
    return stats


def _summary(mode: str, stats: dict[str, Any]) -> dict[str, Any]:
    keys = {
        "pages_per_s": "bench/pages_per_s",
        "elapsed_s": "elapsed_time_seconds",
        "wall_s": "bench/wall_s",
        "cpu_s": "bench/cpu_s",
        "writer_cpu_s": "bench/children_cpu_s",
        "peak_rss_mb": "bench/peak_rss_mb",
        "responses": "response_received_count",
        "errors": "log_count/ERROR",
    }
    row = {name: stats.get(key, 0) for name, key in keys.items()}
    row["cpu_ms_per_page"] = 1000 * row["cpu_s"] / stats["bench/pages"]
    row["writer_cpu_ms_per_page"] = 1000 * row["writer_cpu_s"] / stats["bench/pages"]
    if mode == "full":
        for name in ("created", "updated", "unchanged", "linked", "retried"):
            row[f"store_{name}"] = stats.get(f"manba/store/{name}", 0)
        row["dropped"] = stats.get("item_dropped_count", 0)
        row["origin_requests"] = stats.get("manba/origin/requests", 0)
        row["origin_found"] = stats.get("manba/origin/found", 0)
    return {key: round(v, 3) if isinstance(v, float) else v for key, v in row.items()}


def run(web: Path, runs: int, workdir: Path, profile: bool = False, stride: int = 1) -> dict[str, Any]:
    labels = json.loads((web / "labels.json").read_text(encoding="utf-8"))
    readable = article_urls(labels)
    urls = readable[::stride]
    urls_file = workdir / "urls.txt"
    urls_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
    results: dict[str, list[dict[str, Any]]] = {"bare": [], "full": []}
    with served(web, workdir / "webserver.log"):
        for n in range(runs):
            order = ("bare", "full") if n % 2 == 0 else ("full", "bare")
            for mode in order:
                stats = run_crawl(mode, urls_file, workdir, web, n)
                row = _summary(mode, stats)
                results[mode].append(row)
                writer = f" + writer {row['writer_cpu_ms_per_page']:.2f}" if mode == "full" else ""
                print(
                    f"  P1 run {n + 1}/{runs} {mode:<4} {row['pages_per_s']:7.1f} pages/s "
                    f"({row['elapsed_s']:.1f} s, CPU/page: crawler {row['cpu_ms_per_page']:.2f} ms{writer})",
                    flush=True,
                )
        profiles: dict[str, str] = {}
        if profile:
            target = workdir / "profile.txt"
            run_crawl("full", urls_file, workdir, web, runs, profile=target)
            for part in ("crawler", "writer"):
                found = target.with_suffix(f".{part}.txt")
                if found.exists():
                    profiles[f"profile_{part}"] = found.read_text(encoding="utf-8")
    bare = statistics.median(r["pages_per_s"] for r in results["bare"])
    full = statistics.median(r["pages_per_s"] for r in results["full"])
    result: dict[str, Any] = {
        "benchmark": "P1",
        "size": labels["generator"]["size"],
        "pages": len(urls),
        "stride": stride,
        "readable_pages": len(readable),
        "runs": runs,
        "bare_pages_per_s": round(bare, 1),
        "full_pages_per_s": round(full, 1),
        "ratio": round(full / bare, 3),
        "goal": ">= 0.6",
        "bare": results["bare"],
        "full": results["full"],
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
    }
    result.update(profiles)
    return result


def p1_line(result: dict[str, Any]) -> str:
    return (
        f"P1 pipeline throughput: {result['pages']} of {result['readable_pages']} pages "
        f"x {result['runs']} runs, "
        f"bare {result['bare_pages_per_s']:.1f} pages/s, full {result['full_pages_per_s']:.1f} pages/s "
        f"(medians) ratio={result['ratio']:.2f} (goal >= 0.6)"
    )


def build_web(out: Path, size: int) -> Path:
    from fixtureweb import build, free_port

    build(out, port=free_port(), size=size)
    return out


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "crawl":
        crawl_main(argv[1:])
        return {}
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="article pages in the fixture web")
    parser.add_argument("--runs", type=int, default=3, help="crawls of each kind (at least 3)")
    parser.add_argument("--stride", type=int, default=DEFAULT_STRIDE, help="crawl every N-th article page")
    parser.add_argument("--web", type=Path, help="an already built fixture web (else one is built)")
    parser.add_argument("--profile", action="store_true", help="one more full crawl, under pyinstrument")
    parser.add_argument(
        "--workdir", type=Path, help="keep stores, logs and stats here (else a temporary dir)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="manba-p1-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        web = args.web or build_web(workdir / "web", args.size)
        result = run(web, args.runs, workdir, profile=args.profile, stride=args.stride)
    save_result("pipeline", result)
    print(p1_line(result), flush=True)
    return result


if __name__ == "__main__":
    main()
