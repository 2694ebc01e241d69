"""P5: cross-lingual links (issue 16) — what linking English and Arabic retellings costs.

    .venv/bin/python -m bench.crosslingual [--size 2000] [--seed 1405]

Every document of ``fixtureweb.generate.plan(size, seed)`` becomes an item as a crawl would make it
(canonical URL on its site, body = its paragraphs, normalised, attribution chain and role from the
demo registry's names). Two fresh SQLite stores are filled the same way, each in a fresh process of
its own, one document per transaction through :func:`storage.write.store_document`: the Persian
documents first (oldest first), then the English and Arabic ones one by one. First the store with
``crosslingual=False``, which shows that the feature off costs nothing: no ``crosslingual_keys``
rows, ``after_write`` never called, ``core.text.transliterate.default_table`` never loaded (a
process of its own because ``make bench`` runs P3 first, whose stores load the table). Then the
store with ``crosslingual=True``, the name table loaded beforehand (once per process; the memory
probe times it). CPU time (``time.process_time_ns``) per document:

* foreign documents — the whole store, on and off, p50 and p90; what the feature costs is their
  difference and, directly, the CPU spent in ``storage.translations.after_write`` (the only thing
  the switch runs), timed around each call;
* Persian documents — the mean extra CPU per document (only documents that start a release or are
  origins index their figures; no retelling is stored yet when they come, so none is re-judged);
* memory — RSS (``VmRSS``) of a fresh process that imports the writer, with and without loading the
  name table and judging one retelling against its release, and ``tracemalloc``'s peak of that
  work; and RSS of the per-process evidence memo (``storage.translations._evidence``) at this run's
  size and when full. The feature loads no model (there is no embedding model);
* the links the run made: retellings linked into their labelled release, and hard negatives linked.

Goals (issue 16): at most 50 ms of CPU per non-Persian document, at most 300 MB added to a crawl
process, and nothing when off. Results: ``bench/results/crosslingual.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import save_result

REPO = Path(__file__).resolve().parents[1]
GOAL_MS = 50.0
GOAL_MB = 300.0
PORT = 8765
FETCHED = datetime(2024, 10, 1, 8, 0, tzinfo=UTC)
MODEL_MODULES = ("torch", "onnxruntime", "sentence_transformers", "transformers", "fasttext", "tensorflow")
"""Modules a model would bring into the process; the probe says which (none) are loaded."""


@dataclass
class Entry:
    """One document of the plan, as an item, with what the run needs to know of it."""

    item: Any  # core.items.ArticleItem
    key: str | None
    foreign: bool
    retelling_of: str | None
    """Canonical URL of the release a retelling retells (None: Persian or hard negative)."""
    kind: str | None = None
    """Foreign pages: ``retelling`` or the kind of hard negative (``other_event``, ``same_template``)."""


def _entries(size: int, seed: int, workdir: Path) -> tuple[list[Entry], Any]:
    """The plan's documents as normalised, attributed items (Persian oldest first, then the rest
    oldest first), and the demo registry."""
    from core.attribution import NameIndex
    from core.items import ArticleItem
    from core.registry import load_registry
    from fixtureweb.generate import plan, registry_toml
    from fixtureweb.sites import SITE_IPS
    from pipelines.attribution import attribute_item
    from pipelines.normalise import normalise_item

    bases = {site: f"http://{ip}:{PORT}" for site, ip in SITE_IPS.items()}
    registry_path = workdir / "sources.toml"
    registry_path.write_text(registry_toml(bases, {}), encoding="utf-8")
    registry = load_registry(registry_path)
    names = NameIndex.from_registry(registry)
    docs = plan(size, seed)
    docs.sort(key=lambda d: (d.lang != "fa", d.published, d.site, d.path))
    entries: list[Entry] = []
    for d in docs:
        url = bases[d.site] + d.path
        body = "\n".join(d.paragraphs)
        item = ArticleItem(
            url=url,
            canonical_url=url,
            site=d.site,
            title=d.title,
            body=body,
            published_at=d.published,
            raw_hash=hashlib.sha256(f"{url}\n{body}".encode()).hexdigest(),
            fetched_at=FETCHED,
            extractor="bench",
            lang=d.lang,
        )
        normalise_item(item)
        attribute_item(item, names, registry)
        source = registry.sources.get(d.site)
        told, kind = None, None
        if d.lang != "fa":
            kind = d.foreign.kind if d.foreign is not None else "negative"
            if d.role == "copy" and d.origin is not None:
                told, kind = bases[d.origin.site] + d.origin.path, "retelling"
        key = source.key if source is not None else None
        entries.append(Entry(item, key, d.lang != "fa", told, kind))
    return entries, registry


@contextlib.contextmanager
def _timed_after_write() -> Iterator[list[int]]:
    """CPU ns of each call of ``storage.translations.after_write`` while inside (the write path
    looks it up on the module at every call)."""
    from storage import translations

    spent: list[int] = []
    original = translations.after_write

    def timed(*args: Any, **kwargs: Any) -> None:
        start = time.process_time_ns()
        try:
            original(*args, **kwargs)
        finally:
            spent.append(time.process_time_ns() - start)

    translations.after_write = timed
    try:
        yield spent
    finally:
        translations.after_write = original


def _fill(root: Path, entries: list[Entry], registry: Any, crosslingual: bool) -> dict[str, Any]:
    """Store every entry in a fresh store, one transaction each; CPU ns per document and per
    ``after_write`` call, the engine's sessions left open for the caller's checks."""
    from storage.db import make_engine, make_sessionmaker
    from storage.migrate import upgrade_to_head
    from storage.write import store_document, sync_sources

    root.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{root / 'manba.sqlite3'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        sync_sources(session, registry)
    persian: list[int] = []
    foreign: list[int] = []
    hooks: dict[str, list[int]] = {}
    for side, wanted in (("fa", False), ("foreign", True)):
        with _timed_after_write() as spent:
            for entry in entries:
                if entry.foreign is not wanted:
                    continue
                start = time.process_time_ns()
                with sessions.begin() as session:
                    store_document(
                        session, entry.item, run_id=None, source_key=entry.key, crosslingual=crosslingual
                    )
                (foreign if wanted else persian).append(time.process_time_ns() - start)
        hooks[side] = spent
    return {"engine": engine, "sessions": sessions, "fa": persian, "foreign": foreign, "hooks": hooks}


def _ms(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"p50_ms": 0.0, "p90_ms": 0.0, "mean_ms": 0.0}
    return {
        "p50_ms": round(statistics.median(ordered) / 1e6, 3),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))] / 1e6, 3),
        "mean_ms": round(statistics.fmean(ordered) / 1e6, 3),
    }


def _links(sessions: Any, entries: list[Entry]) -> dict[str, Any]:
    from sqlalchemy import func, select

    from storage.models import TRANSLATION, CrossLingualKey, Document

    with sessions() as session:
        rows = {
            url: (release_id, link, evidence)
            for url, release_id, link, evidence in session.execute(
                select(Document.canonical_url, Document.release_id, Document.link, Document.link_evidence)
            )
        }
        persian_indexed = session.scalar(
            select(func.count(func.distinct(CrossLingualKey.document_id))).where(
                CrossLingualKey.persian.is_(True)
            )
        )
    told = [e for e in entries if e.retelling_of is not None]
    negatives = [e for e in entries if e.foreign and e.retelling_of is None]
    right = [
        e
        for e in told
        if e.retelling_of is not None
        and rows[e.item.canonical_url][:2] == (rows[e.retelling_of][0], TRANSLATION)
    ]
    linked = [e for e in told if rows[e.item.canonical_url][1] == TRANSLATION]
    wrong = [e for e in negatives if rows[e.item.canonical_url][1] == TRANSLATION]
    return {
        "retellings": len(told),
        "linked_to_their_release": len(right),
        "linked_elsewhere": len(linked) - len(right),
        "hard_negatives": len(negatives),
        "hard_negatives_linked": len(wrong),
        "negatives_linked": [
            {
                "url": e.item.canonical_url,
                "kind": e.kind,
                "to": (rows[e.item.canonical_url][2] or {}).get("url"),
                "evidence": rows[e.item.canonical_url][2],
            }
            for e in wrong
        ],
        "persian_documents_indexed": persian_indexed or 0,
    }


# --- in fresh processes ----------------------------------------------------------------------


def _python(code: str) -> str:
    """Run ``code`` in a fresh interpreter of this venv at the repository root; its stdout."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"P5 subprocess failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return done.stdout


def fill(workdir: str, mode: str) -> None:
    """In a fresh process: fill the store with the feature ``on`` or ``off`` from the pickled
    entries, and leave in ``<mode>.json`` its timings, its ``crosslingual_keys`` rows, whether the
    name table was loaded (before and after) and the links made. Each store in a process of its
    own, so neither pays for the other's memory, and ``make bench``'s P3 (whose stores load the
    name table) cannot hide whether the feature off loads it."""
    import pickle

    from sqlalchemy import func, select

    import storage.write  # noqa: F401  (imported, as in a writer process, before looking)
    from core.registry import load_registry
    from core.text.persian import warm_up
    from core.text.transliterate import default_table
    from storage.models import CrossLingualKey

    root = Path(workdir)
    entries = [Entry(*fields) for fields in pickle.loads((root / "entries.pickle").read_bytes())]
    registry = load_registry(root / "sources.toml")
    warm_up()
    before = default_table.cache_info().currsize
    if mode == "on":
        default_table()  # once per process: the memory probe times it, not a document
    filled = _fill(root / mode, entries, registry, crosslingual=mode == "on")
    with filled["sessions"]() as session:
        keys = session.scalar(select(func.count()).select_from(CrossLingualKey)) or 0
    links = _links(filled["sessions"], entries)
    filled["engine"].dispose()
    result = {
        "fa": filled["fa"],
        "foreign": filled["foreign"],
        "hooks": filled["hooks"],
        "keys": keys,
        "table_before": before,
        "table_after": default_table.cache_info().currsize,
        "links": links,
    }
    (root / f"{mode}.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


def _filled(workdir: Path, mode: str) -> dict[str, Any]:
    _python(f"from bench.crosslingual import fill; fill({str(workdir)!r}, {mode!r})")
    result: dict[str, Any] = json.loads((workdir / f"{mode}.json").read_text(encoding="utf-8"))
    return result


# --- memory ---------------------------------------------------------------


def _rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def probe(mode: str, sample_path: str) -> None:
    """Run in a fresh process (``python -c``): print as JSON what ``mode`` adds to one that has
    imported the writer. ``base``: nothing; ``judge``: the name table loaded and one retelling judged
    against its release; ``trace``: the same under ``tracemalloc``; ``memo``: also the evidence of
    every sample text kept, as the writer's memo keeps it."""
    import gc
    import tracemalloc

    import storage.write  # noqa: F401  (what a writer process holds anyway)
    from core.syndication import translation as T

    sample = json.loads(Path(sample_path).read_text(encoding="utf-8"))
    pair = sample["pair"]
    gc.collect()
    before = _rss_kib()
    out: dict[str, Any] = {"mode": mode}
    kept: list[Any] = []
    if mode != "base":
        if mode == "trace":
            tracemalloc.start()
        start = time.process_time_ns()
        T.default_table()
        out["table_ms"] = round((time.process_time_ns() - start) / 1e6, 1)
        when = {k: datetime.fromisoformat(pair[k]["published"]) for k in ("foreign", "persian")}
        foreign = T.evidence_of(
            pair["foreign"]["title"], pair["foreign"]["body"], pair["foreign"]["lang"], when["foreign"]
        )
        persian = T.evidence_of(pair["persian"]["title"], pair["persian"]["body"], "fa", when["persian"])
        verdict = T.judge(foreign, persian, days_after=T.days_between(when["foreign"], when["persian"]))
        out["judge_ms"] = round((time.process_time_ns() - start) / 1e6, 1) - out["table_ms"]
        out["linked"] = verdict.linked
        if mode == "trace":
            out["traced_peak_kib"] = tracemalloc.get_traced_memory()[1] // 1024
            tracemalloc.stop()
        if mode == "memo":
            for text in sample["texts"]:
                published = datetime.fromisoformat(text["published"])
                kept.append(T.evidence_of(text["title"], text["body"], text["lang"], published))
            out["memo_entries"] = len(kept)
    gc.collect()
    out["rss_before_kib"] = before
    out["rss_kib"] = _rss_kib()
    out["table_loaded"] = T.default_table.cache_info().currsize
    out["model_modules"] = sorted(m for m in MODEL_MODULES if m in sys.modules)
    print(json.dumps(out))


def _probe(mode: str, sample: Path) -> dict[str, Any]:
    out = _python(f"from bench.crosslingual import probe; probe({mode!r}, {str(sample)!r})")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def _memory(entries: list[Entry], workdir: Path) -> dict[str, Any]:
    from storage.translations import _REMEMBERED

    by_url = {e.item.canonical_url: e.item for e in entries}
    told = next(e for e in entries if e.retelling_of is not None)

    def text(item: Any) -> dict[str, str]:
        return {
            "title": item.title,
            "body": item.body,
            "lang": item.lang,
            "published": item.published_at.isoformat(),
        }

    sample = workdir / "sample.json"
    memo = [text(e.item) for e in entries if not e.foreign][:_REMEMBERED]
    sample.write_text(
        json.dumps(
            {"pair": {"foreign": text(told.item), "persian": text(by_url[told.retelling_of])}, "texts": memo},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    runs = {mode: _probe(mode, sample) for mode in ("base", "judge", "trace", "memo")}
    base, judge, memo_run = runs["base"], runs["judge"], runs["memo"]
    per_entry = (memo_run["rss_kib"] - judge["rss_kib"]) / max(1, memo_run["memo_entries"])
    return {
        "process_rss_mb": round(base["rss_kib"] / 1024, 1),
        "judge_added_rss_mb": round((judge["rss_kib"] - base["rss_kib"]) / 1024, 1),
        "judge_traced_peak_mb": round(runs["trace"]["traced_peak_kib"] / 1024, 1),
        "table_load_cpu_ms": judge["table_ms"],
        "first_judge_cpu_ms": round(judge["judge_ms"], 1),
        "memo_entries": memo_run["memo_entries"],
        "memo_added_rss_mb": round((memo_run["rss_kib"] - judge["rss_kib"]) / 1024, 1),
        "memo_full_entries": _REMEMBERED,
        "memo_full_rss_mb_estimate": round(per_entry * _REMEMBERED / 1024, 1),
        "added_rss_mb_worst": round((judge["rss_kib"] - base["rss_kib"] + per_entry * _REMEMBERED) / 1024, 1),
        "base_table_loaded": base["table_loaded"],
        "model_modules": sorted(set(judge["model_modules"]) - set(base["model_modules"])),
        "model": "none (the feature loads no embedding model)",
    }


# --- the run ----------------------------------------------------------------------------------


def run(size: int, seed: int, workdir: Path, log: Callable[[str], None] = print) -> dict[str, Any]:
    import pickle

    from core.text.persian import warm_up

    began = time.perf_counter()

    def done(what: str) -> None:
        log(f"P5: {what} ({time.perf_counter() - began:.0f} s)")

    warm_up()
    entries, _ = _entries(size, seed, workdir)
    # Plain tuples: run as ``python -m bench.crosslingual`` this module is ``__main__``, which the
    # child process cannot unpickle an ``Entry`` from.
    fields = [(e.item, e.key, e.foreign, e.retelling_of, e.kind) for e in entries]
    (workdir / "entries.pickle").write_bytes(pickle.dumps(fields))
    n_fa = sum(1 for e in entries if not e.foreign)
    n_foreign = len(entries) - n_fa
    done(f"{n_fa} Persian and {n_foreign} foreign documents prepared")
    off = _filled(workdir, "off")
    done("store with crosslingual off filled, in a fresh process")
    on = _filled(workdir, "on")
    done("store with crosslingual on filled, in a fresh process")
    memory = _memory(entries, workdir)
    done("memory measured")
    links = on["links"]

    paired = [a - b for a, b in zip(on["foreign"], off["foreign"], strict=True)]
    foreign_on, foreign_off = _ms(on["foreign"]), _ms(off["foreign"])
    hook = _ms(on["hooks"]["foreign"])
    fa_extra_ms = (statistics.fmean(on["fa"]) - statistics.fmean(off["fa"])) / 1e6
    return {
        "benchmark": "crosslingual",
        "size": size,
        "seed": seed,
        "persian_documents": n_fa,
        "foreign_documents": n_foreign,
        "foreign": {
            "on": foreign_on,
            "off": foreign_off,
            "difference_p50_ms": round(foreign_on["p50_ms"] - foreign_off["p50_ms"], 3),
            "difference_p90_ms": round(foreign_on["p90_ms"] - foreign_off["p90_ms"], 3),
            "paired_difference": _ms(paired),
            "after_write": hook,
        },
        "persian": {
            "on_mean_ms": round(statistics.fmean(on["fa"]) / 1e6, 3),
            "off_mean_ms": round(statistics.fmean(off["fa"]) / 1e6, 3),
            "extra_mean_ms": round(fa_extra_ms, 3),
            "after_write_mean_ms": round(sum(on["hooks"]["fa"]) / n_fa / 1e6, 3),
            "after_write_calls": len(on["hooks"]["fa"]),
            "documents_indexed": links["persian_documents_indexed"],
            "crosslingual_keys_rows": on["keys"],
        },
        "memory": memory,
        "off": {
            "crosslingual_keys_rows": off["keys"],
            "table_loaded_before": off["table_before"],
            "table_loaded_after": off["table_after"],
            "after_write_calls": len(off["hooks"]["fa"]) + len(off["hooks"]["foreign"]),
            "costs_nothing": off["keys"] == 0
            and off["table_before"] == off["table_after"] == 0
            and not off["hooks"]["fa"]
            and not off["hooks"]["foreign"],
        },
        "links": links,
        "goal_ms": GOAL_MS,
        "goal_mb": GOAL_MB,
        "wall_seconds": round(time.perf_counter() - began, 1),
    }


def p5_line(result: dict[str, Any]) -> str:
    f, m, links = result["foreign"]["after_write"], result["memory"], result["links"]
    on, off_ms = result["foreign"]["on"]["p50_ms"], result["foreign"]["off"]["p50_ms"]
    persian = result["persian"]["after_write_mean_ms"]
    off = "no rows, table not loaded" if result["off"]["costs_nothing"] else "NOT NOTHING"
    return (
        f"P5 cross-lingual: +{f['p50_ms']:.2f} ms CPU per foreign doc p50 (p90 {f['p90_ms']:.2f}; "
        f"store {on:.1f} vs {off_ms:.1f} ms off) goal <= {GOAL_MS:.0f} ms; "
        f"Persian +{persian:.2f} ms mean; memory +{m['judge_added_rss_mb']:.0f} MB "
        f"RSS (+{m['added_rss_mb_worst']:.0f} MB memo full), no model, goal <= {GOAL_MB:.0f} MB; off: {off}; "
        f"links {links['linked_to_their_release']}/{links['retellings']}, "
        f"{links['hard_negatives_linked']}/{links['hard_negatives']} negatives"
    )


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.crosslingual", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1405)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="manba-p5-") as tmp:
        result = run(args.size, args.seed, Path(tmp))
    save_result("crosslingual", result)
    print(p5_line(result), flush=True)
    return result


if __name__ == "__main__":
    main()
