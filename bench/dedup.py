"""Check-and-insert time per document against a store of 10k, 100k and 1M documents.

    .venv/bin/python -m bench.dedup [--backend sqlite|postgresql|both]
                                    [--sizes 10000,100000,1000000] [--probe 300] [--cache DIR]

Per backend: one fresh store (a SQLite file in a temporary directory, or a temporary PostgreSQL
database dropped at the end). The fixture web's Persian pages not in the probe are stored first
for real (``store_document``, committed); synthetic signatures (``random_rows``) then grow the
store to each size in turn. At each size every probe item goes through
``storage.write.store_document`` in its own transaction, which is rolled back, so every
size measures the same work on a store of exactly that size. Timed: the call, from BEGIN to the
last flush (the rollback and the commit a crawl would do are outside the window). The loading
runs in a child process, so this process's peak RSS is that of the probe side only.

``--cache DIR`` (SQLite only; ``make bench`` uses ``data/bench/dedup``): keep the store of each
size there and time the probes against the kept stores next time instead of building them
again (loading a million documents takes minutes). A kept store is used only when it was built
by the same loader and schema and its resident documents are exactly what the current code makes
of the fixture web (their URLs, texts, chains, roles, norm hashes and bands are compared through
a digest); anything else rebuilds it. The probes roll back, so a kept store never changes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import platform
import resource
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from bench import save_result
from bench.load import load_postgres, load_sqlite
from bench.probe import ProbeSet, probe_set
from core.items import ArticleItem
from core.syndication.decide import fingerprint
from storage.bulk import random_rows
from storage.db import make_engine, make_sessionmaker
from storage.migrate import head_revision, upgrade_to_head
from storage.models import Document, Release
from storage.testing import postgres_admin_url, temporary_postgres_database
from storage.write import store_document

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
WARMUP = 10
FIXTURE_SIZE = 2000


def _peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def _load(url: str, count: int, start: int, newest: datetime) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database is not None
        load_sqlite(parsed.database, count, start=start, newest=newest)
    else:
        load_postgres(parsed, random_rows(count, seed=11, start=start, newest=newest))


def fresh(item: ArticleItem) -> ArticleItem:
    """``item`` as a monitoring crawl meets it: fetched an hour after its publication."""
    if item.published_at is None:
        return item
    return replace(item, fetched_at=item.published_at + timedelta(hours=1))


def as_todays_news(probes: ProbeSet) -> tuple[ProbeSet, datetime]:
    """The probe set re-dated into the last day before its newest date, order kept (undated
    stay undated), each page fetched an hour after its date as a monitoring crawl fetches it
    (``storage.bands.window_date``: a page seen long after its date is looked up in every
    month), and that date: the synthetic documents are published back from it at
    ``storage.bulk.PER_DAY`` a day, so the probes are the news of the day on a store that
    has crawled the web for ``size / PER_DAY`` days — every probe's window meets the newest
    and densest months, as a live crawl's does."""
    items = [*probes.resident, *probes.probe]
    dates = [i.published_at for i in items if i.published_at is not None]
    newest, oldest = max(dates), min(dates)
    span = (newest - oldest) or timedelta(days=1)

    def moved(item: ArticleItem) -> ArticleItem:
        if item.published_at is None:
            return item
        at = newest - (newest - item.published_at) * (timedelta(days=1) / span)
        return fresh(replace(item, published_at=at))

    resident = [moved(i) for i in probes.resident]
    return ProbeSet(resident, [moved(i) for i in probes.probe], probes.composition), newest


def _load_in_child(url: str, count: int, start: int, newest: datetime) -> float:
    """Seconds to load ``count`` synthetic documents, in a forked child (keeps our RSS clean)."""
    began = time.perf_counter()
    child = multiprocessing.get_context("fork").Process(target=_load, args=(url, count, start, newest))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"loading {count} documents failed (exit code {child.exitcode})")
    return time.perf_counter() - began


def _store_residents(engine: Engine, items: Sequence[ArticleItem]) -> float:
    sessions = make_sessionmaker(engine)
    began = time.perf_counter()
    for item in items:
        with sessions.begin() as session:
            store_document(session, item, role="own")
    return time.perf_counter() - began


def _counts(engine: Engine) -> tuple[int, int]:
    with make_sessionmaker(engine)() as session:
        documents = session.scalar(select(func.count()).select_from(Document)) or 0
        top_release = session.scalar(select(func.max(Release.id))) or 0
    return documents, top_release


def _probe(engine: Engine, items: Sequence[ArticleItem], top_release: int) -> tuple[list[float], int]:
    """Per-item seconds (warm-up excluded) and how many joined an existing release."""
    sessions = make_sessionmaker(engine)
    timings: list[float] = []
    joined = 0
    for n, item in enumerate([*items[:WARMUP], *items]):
        session = sessions()
        try:
            began = time.perf_counter()
            session.begin()
            release_id = store_document(session, item, role="own").release_id
            elapsed = time.perf_counter() - began
        finally:
            session.rollback()
            session.close()
        if n >= WARMUP:
            timings.append(elapsed)
            joined += release_id <= top_release
    return timings, joined


def _summary(timings: Sequence[float]) -> dict[str, float]:
    ms = np.array(timings) * 1000
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 3),
        "p99_ms": round(float(np.percentile(ms, 99)), 3),
        "mean_ms": round(float(statistics.fmean(ms)), 3),
        "max_ms": round(float(ms.max()), 3),
    }


@contextmanager
def _store(backend: str, workdir: Path, keep: str | None = None) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
    elif keep:
        admin_url = postgres_admin_url()
        admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{keep}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{keep}"'))
        finally:
            admin.dispose()
        yield admin_url.set(database=keep).render_as_string(hide_password=False)
    else:
        with temporary_postgres_database() as url:
            yield url.render_as_string(hide_password=False)


def _server_version(engine: Engine) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return f"SQLite {sqlite3.sqlite_version}"
        return str(connection.execute(text("SHOW server_version")).scalar())


def _store_bytes(engine: Engine, url: str) -> int:
    if engine.dialect.name == "sqlite":
        path = Path(make_url(url).database or "")
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0)


def band_index_bytes(engine: Engine) -> int:
    """Bytes on disk of ``minhash_bands``: its table (every month partition) and its indexes."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            query = (
                "SELECT coalesce(sum(pgsize), 0) FROM dbstat "
                "WHERE name IN (SELECT name FROM sqlite_master WHERE tbl_name = 'minhash_bands')"
            )
        else:
            query = (
                "SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits "
                "WHERE inhparent = 'minhash_bands'::regclass"
            )
        return int(connection.execute(text(query)).scalar() or 0)


def _residents_digest(items: Sequence[ArticleItem]) -> str:
    """What a kept store's real documents depend on, as the current code computes it."""
    digest = hashlib.sha256()
    for item in items:
        fp = fingerprint(item.body, [a.phrase for a in item.attributions])
        chain = [(a.source, a.name, a.kind, a.phrase) for a in item.attributions]
        row = [item.canonical_url, item.title, item.body, item.role, chain, fp.norm_hash, fp.bands]
        digest.update(json.dumps(row, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def _cache_key(probes: ProbeSet) -> dict[str, Any]:
    here = Path(__file__).resolve().parent
    code = hashlib.sha256()
    for path in (here / "load.py", here.parent / "storage" / "bulk.py", here.parent / "storage" / "bands.py"):
        code.update(path.read_bytes())
    return {
        "schema": head_revision(),
        "loader": code.hexdigest(),
        "fixture_size": FIXTURE_SIZE,
        "residents": len(probes.resident),
        "residents_digest": _residents_digest(probes.resident),
    }


def _cached_store(cache: Path | None, key: dict[str, Any], size: int) -> Path | None:
    if cache is None:
        return None
    path = cache / f"sqlite-{size}.sqlite3"
    meta = cache / f"sqlite-{size}.json"
    if path.is_file() and meta.is_file() and json.loads(meta.read_text(encoding="utf-8")) == key:
        return path
    return None


def _keep_store(cache: Path, key: dict[str, Any], size: int, url: str) -> None:
    source = Path(make_url(url).database or "")
    with sqlite3.connect(source) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cache.mkdir(parents=True, exist_ok=True)
    meta = cache / f"sqlite-{size}.json"
    meta.unlink(missing_ok=True)
    shutil.copyfile(source, cache / f"sqlite-{size}.sqlite3")
    meta.write_text(json.dumps(key, indent=1) + "\n", encoding="utf-8")


def _probe_kept(path: Path, probes: ProbeSet, size: int | None) -> dict[str, Any]:
    # A store built in this run sits in the OS page cache (it was just written); read a kept one
    # once so that both are timed alike.
    with path.open("rb") as f:
        while f.read(64 * 2**20):
            pass
    return probe_store(f"sqlite:///{path}", probes, size)


def probe_store(url: str, probes: ProbeSet, size: int | None = None) -> dict[str, Any]:
    """The probes timed against the store at ``url`` as it is (``size``: the documents it must hold)."""
    engine = make_engine(url)
    try:
        documents, top_release = _counts(engine)
        assert size is None or documents == size, (documents, size)
        timings, joined = _probe(engine, probes.probe, top_release)
        after, _ = _counts(engine)
        assert after == documents, "the probe's rollback left rows behind"
        store_mb = round(_store_bytes(engine, url) / 2**20)
        band_bytes = round(band_index_bytes(engine) / documents)
    finally:
        engine.dispose()
    return {
        "documents": documents,
        "load_s": None,
        "load_docs_per_s": None,
        **_summary(timings),
        "joined": joined,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "loader_peak_rss_mb": None,
        "store_mb": store_mb,
        "band_index_bytes_per_document": band_bytes,
        "kept_store": True,
    }


def run_backend(
    backend: str,
    probes: ProbeSet,
    sizes: Sequence[int],
    workdir: Path,
    cache: Path | None = None,
    keep: str | None = None,
) -> dict[str, Any]:
    result: dict[str, Any] = {"backend": backend, "probe": len(probes.probe), "warmup": WARMUP}
    result["probe_composition"] = probes.composition
    probes, newest = as_todays_news(probes)
    cache = cache if backend == "sqlite" else None
    key = _cache_key(probes) if cache is not None else {}
    kept = [_cached_store(cache, key, size) for size in sorted(sizes)]
    if cache is not None and all(path is not None for path in kept):
        result["server"] = f"SQLite {sqlite3.sqlite_version}"
        result["kept_stores"] = str(cache)
        measured = []
        for size, path in zip(sorted(sizes), kept, strict=True):
            assert path is not None
            measured.append(_probe_kept(path, probes, size))
            print(_format_row(backend, measured[-1]), flush=True)
        result["sizes"] = measured
        return _with_ratio(result, measured)
    with _store(backend, workdir, keep) as url:
        upgrade_to_head(url)
        engine = make_engine(url)
        result["server"] = _server_version(engine)
        result["resident_documents"] = len(probes.resident)
        result["resident_store_s"] = round(_store_residents(engine, probes.resident), 1)
        engine.dispose()
        stored = len(probes.resident)
        synthetic = 0
        rows: list[dict[str, Any]] = []
        for size in sorted(sizes):
            if size < stored:
                raise ValueError(f"size {size} is below the {stored} documents already stored")
            load_s = _load_in_child(url, size - stored, synthetic, newest)
            synthetic += size - stored
            engine = make_engine(url)
            documents, top_release = _counts(engine)
            assert documents == size, (documents, size)
            timings, joined = _probe(engine, probes.probe, top_release)
            row = {
                "documents": documents,
                "load_s": round(load_s, 1),
                "load_docs_per_s": round((size - stored) / load_s) if load_s else None,
                **_summary(timings),
                "joined": joined,
                "peak_rss_mb": round(_peak_rss_mb(), 1),
                "loader_peak_rss_mb": round(_peak_rss_mb(resource.RUSAGE_CHILDREN), 1),
                "store_mb": round(_store_bytes(engine, url) / 2**20),
                "band_index_bytes_per_document": round(band_index_bytes(engine) / documents),
            }
            after, _ = _counts(engine)
            assert after == size, "the probe's rollback left rows behind"
            engine.dispose()
            rows.append(row)
            stored = size
            print(_format_row(backend, row), flush=True)
            if cache is not None:
                _keep_store(cache, key, size, url)
        result["sizes"] = rows
    return _with_ratio(result, rows)


def _with_ratio(result: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    first, last = rows[0], rows[-1]
    if len(rows) > 1:
        result["ratio"] = {
            "from": first["documents"],
            "to": last["documents"],
            "p50": round(last["p50_ms"] / first["p50_ms"], 3),
            "p99": round(last["p99_ms"] / first["p99_ms"], 3),
        }
    return result


HEADER = (
    f"{'backend':<10} {'documents':>10} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} "
    f"{'joined':>6} {'RSS MB':>7} {'load s':>7} {'store MB':>8} {'bands B/doc':>9}"
)


def _format_row(backend: str, row: dict[str, Any]) -> str:
    return (
        f"{backend:<10} {row['documents']:>10,} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} "
        f"{row['mean_ms']:>8.2f} {row['joined']:>6} {row['peak_rss_mb']:>7.0f} "
        f"{'kept' if row['load_s'] is None else format(row['load_s'], '.1f'):>7} "
        f"{row['store_mb']:>8} {row.get('band_index_bytes_per_document', 0):>9}"
    )


def main(argv: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
    parser = argparse.ArgumentParser(prog="python -m bench.dedup", description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES))
    parser.add_argument("--probe", type=int, default=300)
    parser.add_argument("--cache", type=Path, help="keep (and reuse) the SQLite stores here")
    parser.add_argument("--results", default="dedup", help="results go to bench/results/NAME-<backend>.json")
    parser.add_argument(
        "--keep-postgres", metavar="NAME", help="build the store in PostgreSQL database NAME (anew), keep it"
    )
    parser.add_argument("--probe-store", metavar="URL", help="only time the probes against this store")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, Any]] = {}
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    with tempfile.TemporaryDirectory(prefix="manba-bench-") as tmp:
        workdir = Path(tmp)
        probes = probe_set(workdir / "fixtureweb", size=FIXTURE_SIZE, probe=args.probe)
        print(f"probe: {len(probes.probe)} items {probes.composition}; resident: {len(probes.resident)}")
        print(HEADER, flush=True)
        if args.probe_store:
            redated, _ = as_todays_news(probes)
            row = probe_store(args.probe_store, redated)
            print(_format_row(make_url(args.probe_store).get_backend_name(), row), flush=True)
            save_result(f"{args.results}-probe", {"store": make_url(args.probe_store).database, **row})
            return {"probe": row}
        for backend in backends:
            result = run_backend(backend, probes, sizes, workdir, args.cache, args.keep_postgres)
            result["machine"] = {"python": platform.python_version(), "platform": platform.platform()}
            save_result(f"{args.results}-{backend}", result)
            if "ratio" in result:
                r = result["ratio"]
                print(f"{backend}: {r['to']:,}/{r['from']:,} ratio p50 {r['p50']:.2f}, p99 {r['p99']:.2f}")
            results[backend] = result
    return results


if __name__ == "__main__":
    main()
