"""The store's writer alone: CPU per item of the write path, by items per transaction.

    .venv/bin/python -m bench.writer [--size 2000] [--groups 1,10,50] [--runs 3] [--profile N]

:mod:`bench.stages` times every stage of a page once; this times only what the writer process
does, several times, so a change to the write path can be measured before and after on a loaded
machine. The items are those of ``bench.stages`` (every labelled Persian page of a fixture web of
``--size`` articles through extraction, validation, normalisation and attribution, newest first),
made once and kept in ``data/bench/writer-items-<size>.pickle`` with their match texts. Each run
stores all of them into a fresh SQLite store as the writer does: the match texts remembered, then
:func:`storage.write.write_group` for every ``N`` items (``N`` = 1: :func:`storage.write.write_item`,
one transaction each), each run in a fresh process. CPU time (``time.process_time``) per item;
medians of ``--runs``.
``--profile N`` prints, for the first group size, the N functions with the most cumulative time
(cProfile; read the shares, not the times). Results: ``bench/results/writer.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
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


def store_all(items: Sequence[Prepared], size: int, group: int, workdir: Path,
              profiler: cProfile.Profile | None) -> tuple[float, int, dict[str, int]]:
    """CPU seconds the writer spends on ``items`` in groups of ``group``, the statements it sends
    the database (commits included), and the outcomes."""
    from sqlalchemy import event

    from core.registry import load_registry
    from core.syndication.decide import remember
    from storage import write
    from storage.db import make_engine, make_sessionmaker
    from storage.migrate import upgrade_to_head

    url = f"sqlite:///{workdir / f'writer-{group}.sqlite3'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        write.sync_sources(session, load_registry(CACHE / f"writer-sources-{size}.toml"))
    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    event.listen(engine, "commit", count)
    outcomes: dict[str, int] = {}
    spent = 0.0
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
    engine.dispose()
    return spent, statements[0], outcomes


def one_run(size: int, group: int, profile: int) -> dict[str, Any]:
    """One store of every item, in this (fresh) process."""
    items = make_items(size)
    from core.text.persian import warm_up

    warm_up()  # as the writer process does before its first item
    profiler = cProfile.Profile() if profile else None
    with tempfile.TemporaryDirectory(prefix="manba-writer-") as tmp:
        spent, sent, outcomes = store_all(items, size, group, Path(tmp), profiler)
    result: dict[str, Any] = {
        "ms": 1000 * spent / len(items), "statements": round(sent / len(items), 2), "outcomes": outcomes,
        "items": len(items),
    }
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(profile)
        result["profile"] = out.getvalue()
    return result


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.writer", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=2000, help="article pages in the fixture web")
    parser.add_argument("--groups", default="1,10,50", help="items per transaction, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(one_run(args.size, args.child, args.profile)))
        return {}
    groups = [int(g) for g in args.groups.split(",")]
    make_items(args.size)
    figures: dict[str, list[float]] = {str(g): [] for g in groups}
    outcomes: dict[str, dict[str, int]] = {}
    per_item: dict[str, float] = {}
    profile_text = ""
    items = 0
    for run in range(args.runs):
        for group in groups:
            # A fresh process for each run: the write path remembers texts, evidence and credit
            # lines per process, and a store rebuilt with the same ids would find them all.
            profile = args.profile if run == 0 and group == groups[0] else 0
            child = [sys.executable, "-m", "bench.writer", "--size", str(args.size), "--child", str(group),
                     "--profile", str(profile)]
            done = json.loads(subprocess.run(child, check=True, capture_output=True, text=True).stdout)
            items, outcomes[str(group)] = done["items"], done["outcomes"]
            per_item[str(group)] = done["statements"]
            if profile:
                profile_text = done["profile"]
            else:
                figures[str(group)].append(done["ms"])
    medians = {g: round(statistics.median(v), 3) for g, v in figures.items() if v}
    result = {"benchmark": "writer", "size": args.size, "items": items, "runs": args.runs,
              "cpu_ms_per_item": medians, "statements_per_item": per_item, "all_runs": figures,
              "outcomes": outcomes}
    save_result("writer", result)
    print(f"{items} items, writer CPU ms per item (median of {args.runs}, each in a fresh process):")
    for group, value in medians.items():
        runs = ", ".join(f"{v:.2f}" for v in figures[group])
        sent = per_item[group]
        print(f"  {group:>4} per transaction: {value:6.2f}   ({sent} statements per item; runs: {runs})")
    print(f"outcomes: {outcomes}")
    if profile_text:
        print(profile_text)
    return result


if __name__ == "__main__":
    main()
