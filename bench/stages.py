"""Where a page's CPU goes: each stage of the pipeline timed on its own, offline, in one process.

    .venv/bin/python -m bench.stages [--size 2000] [--profile 25]

P1 (:mod:`bench.pipeline`) says how fast the whole crawl is; this says which stage the time is
spent in, without the reactor, the network or the profiler's distortion of a live crawl. Every
labelled Persian page of a fixture web of ``--size`` articles (the JavaScript outlet as a browser
leaves it), newest first as a crawl meets them, goes through:

* ``extract`` — :func:`crawler.fetch.page_response` and the site's page object ``to_item()``;
* ``validate`` — the validation pipeline's checks and control-character stripping;
* ``normalise`` — :func:`pipelines.normalise.normalise_item` (hazm, line memo as in a crawl);
* ``attribution`` — :func:`pipelines.attribution.attribute_item`;
* ``match text`` — :func:`core.syndication.decide.prepare`, what the crawler hands the writer;
* ``store`` — :func:`storage.write.write_group` into a fresh SQLite store (``--group N`` pages per
  transaction, 1 by default: fingerprint, candidates, containment, rows, release per page), what
  the writer process does.

No origin following (it fetches and reads more pages, which go through the same stages). CPU time
per stage (``time.process_time``), in ms per page. ``--profile N`` also prints the N functions with
the most own time in the crawler stages and in the store stage (cProfile, which slows every call;
the shares are what to read). Results: ``bench/results/stages.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import save_result

CRAWLER_STAGES = ("extract", "validate", "normalise", "attribution", "match text")


class Stopwatch:
    """CPU seconds per stage, and optionally a cProfile per group of stages."""

    def __init__(self, profile: bool) -> None:
        self.seconds: dict[str, float] = {}
        self.profiles = {"crawler": cProfile.Profile(), "store": cProfile.Profile()} if profile else {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        profiler = self.profiles.get("store" if stage == "store" else "crawler")
        began = time.process_time()
        if profiler is not None:
            profiler.enable()
        try:
            yield
        finally:
            if profiler is not None:
                profiler.disable()
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.process_time() - began


def top_functions(profiler: cProfile.Profile, count: int) -> str:
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(count)
    return out.getvalue()


def run(size: int, workdir: Path, profile: int, group: int = 1) -> dict[str, Any]:
    from scrapy.http import HtmlResponse

    from bench.probe import saved_page
    from core.attribution import NameIndex
    from core.registry import load_registry, role_for
    from core.syndication.decide import prepare, remember
    from core.text.persian import warm_up
    from crawler.fetch import page_response
    from crawler.pages import page_class
    from fixtureweb import build
    from fixtureweb.sites import SITES
    from pipelines.attribution import attribute_item
    from pipelines.normalise import normalise_item
    from pipelines.validate import drop_reason, strip_control_fields
    from storage.db import make_engine, make_sessionmaker
    from storage.migrate import upgrade_to_head
    from storage.write import Request, sync_sources, write_group

    web = build(workdir / "web", port=8765, size=size)
    registry = load_registry(web.registry_path)
    names = NameIndex.from_registry(registry)
    labels = [a for a in web.labels["articles"] if a.get("lang", "fa") == "fa"]
    labels.sort(key=lambda a: (datetime.fromisoformat(a["published_at"]), a["url"]), reverse=True)
    pages = [(a, saved_page(web.root, a["url"], a["site"]).encode("utf-8")) for a in labels]
    url = f"sqlite:///{workdir / 'stages.sqlite3'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        sync_sources(session, registry)
    warm_up()

    clock = Stopwatch(profile > 0)
    outcomes: dict[str, int] = {}
    waiting: list[Request] = []

    def store() -> None:
        with clock("store"):
            results = write_group(sessions, waiting)
        for outcome in results:
            if isinstance(outcome, Exception):
                raise outcome
            outcomes[str(outcome)] = outcomes.get(str(outcome), 0) + 1
        waiting.clear()

    for label, body in pages:
        site = label["site"]
        response = HtmlResponse(url=label["url"], body=body)
        with clock("extract"):
            item = page_class(SITES[site].page)(page_response(response), site).to_item()
        with clock("validate"):
            strip_control_fields(item)
            reason = drop_reason(item.title, item.body, 1)
        if reason is not None:
            raise RuntimeError(f"{label['url']}: dropped ({reason}), a labelled page should not be")
        with clock("normalise"):
            normalise_item(item)
        with clock("attribution"):
            attribute_item(item, names, registry)
        with clock("match text"):
            remember(prepare(item.body, [a.phrase for a in item.attributions]))
        source = registry.sources.get(site)
        key = source.key if source is not None else None
        role = role_for(source)
        waiting.append(Request(item, None, key, role))
        if len(waiting) >= group:
            store()
    if waiting:
        store()
    engine.dispose()

    count = len(pages)
    ms = {stage: round(1000 * seconds / count, 3) for stage, seconds in clock.seconds.items()}
    crawler = round(sum(ms[s] for s in CRAWLER_STAGES), 3)
    result: dict[str, Any] = {
        "benchmark": "stages",
        "size": size,
        "group": group,
        "pages": count,
        "cpu_ms_per_page": ms,
        "crawler_stages_ms": crawler,
        "store_ms": ms["store"],
        "outcomes": outcomes,
    }
    for group, profiler in clock.profiles.items():
        result[f"profile_{group}"] = top_functions(profiler, profile)
    return result


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.stages", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=2000, help="article pages in the fixture web")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print the top N functions")
    parser.add_argument("--group", type=int, default=1, metavar="N",
                        help="items per store transaction (storage.write.write_group)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="manba-stages-") as tmp:
        result = run(args.size, Path(tmp), args.profile, args.group)
    save_result("stages", result)
    print(f"{result['pages']} pages, CPU ms per page:")
    for stage, value in result["cpu_ms_per_page"].items():
        print(f"  {stage:<12} {value:7.2f}")
    print(f"  crawler stages {result['crawler_stages_ms']:.2f}, store {result['store_ms']:.2f}")
    for group in ("crawler", "store"):
        if f"profile_{group}" in result:
            print(f"\n--- {group}: functions by own time ---\n{result[f'profile_{group}']}")
    return result


if __name__ == "__main__":
    main()
