"""``scrapy runs``: recent crawl runs and their health, from the store.

scrapy runs              # the last 20 runs, newest first
scrapy runs -n 5 --json  # as JSON Lines
scrapy runs --show 12    # one run: its failed checks and every stage's counters
"""

from __future__ import annotations

import argparse
import json
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand

from commands import CommandError, ManbaCommand
from crawler.config import database_url
from storage.db import check_reachable, make_engine, make_sessionmaker, shown, sqlite_path
from storage.migrate import upgrade_engine
from storage.models import CrawlRun
from storage.runs import recent_runs, stage_counts


def run_record(run: CrawlRun) -> dict[str, Any]:
    took = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
    return {
        "id": run.id,
        "spider": run.spider,
        "worker": run.worker,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "seconds": round(took, 1) if took is not None else None,
        "status": run.status,
        "finish_reason": run.finish_reason,
        "sources": run.sources,
        "items": run.items_scraped,
        "created": run.documents_created,
        "updated": run.documents_updated,
        "unchanged": run.documents_unchanged,
        "dropped": run.items_dropped,
        "errors": run.errors,
        "checks": run.checks or [],
    }


def _took(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}"


class Command(ManbaCommand, ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[-n N] [--json] [--show RUN_ID]"

    def short_desc(self) -> str:
        return "List recent crawl runs and their health (failed checks, counts per stage)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-n", type=int, default=20, metavar="N", help="how many runs (default 20)")
        parser.add_argument("--json", action="store_true", help="one JSON object a run")
        parser.add_argument("--show", type=int, metavar="RUN_ID", help="one run in detail, with its stats")

    def perform(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        self.no_arguments(args)
        if opts.n < 1:
            raise CommandError(f"-n {opts.n}: must be at least 1")
        url = database_url(self.settings)
        path = sqlite_path(url)
        if path is not None and not path.exists():
            raise CommandError(f"no store at {path}: run a crawl first, or point MANBA_DATABASE_URL "
                               f"(now {shown(url)}) at an existing store")
        check_reachable(url)
        engine = make_engine(url, create_dir=False, reader=True)
        try:
            upgrade_engine(engine)
            with make_sessionmaker(engine).begin() as session:
                if opts.show is not None:
                    run = session.get(CrawlRun, opts.show)
                    if run is None:
                        raise CommandError(f"--show {opts.show}: no such crawl run (scrapy runs lists them)")
                    self._show(run, as_json=opts.json)
                    return
                runs = recent_runs(session, opts.n)
                self._list(runs, as_json=opts.json)
        finally:
            engine.dispose()

    def _list(self, runs: list[CrawlRun], *, as_json: bool) -> None:
        records = [run_record(run) for run in runs]
        if as_json:
            for record in records:
                print(json.dumps(record, ensure_ascii=False))
            return
        if not records:
            print("no crawl runs yet")
            return
        print(
            f"{'run':>5}  {'spider':<8} {'started (UTC)':<16} {'took':>7}  {'status':<8} "
            f"{'items':>6} {'new':>5} {'upd':>5} {'drop':>5} {'err':>4}  checks"
        )
        for r in records:
            checks = "; ".join(c["message"] for c in r["checks"]) or (
                "ok" if r["status"] == "finished" else ""
            )
            print(
                f"{r['id']:>5}  {r['spider']:<8} {r['started_at'][:16].replace('T', ' '):<16} "
                f"{_took(r['seconds']):>7}  {r['status']:<8} {r['items']:>6} {r['created']:>5} "
                f"{r['updated']:>5} {r['dropped']:>5} {r['errors']:>4}  {checks}"
            )

    def _show(self, run: CrawlRun, *, as_json: bool) -> None:
        record = run_record(run)
        counters = stage_counts(run.stats or {})
        if as_json:
            print(json.dumps({**record, "stats": counters}, ensure_ascii=False))
            return
        for key, value in record.items():
            if key != "checks":
                print(f"{key:<14} {value}")
        for check in record["checks"]:
            print(f"FAILED check   {check['check']}: {check['message']}")
        print("stats:")
        for key, value in counters.items():
            print(f"  {key:<60} {value}")
