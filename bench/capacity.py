"""What one stored document and one crawled page cost in PostgreSQL and Redis (CAPACITY.md).

    .venv/bin/python -m bench.capacity [--size 2000] [--fingerprints 200000]

* **PostgreSQL bytes per document** — the writer's items of a fixture web of ``--size`` articles
  (``bench.writer.make_items``: every labelled Persian page, extracted, normalised and attributed
  as a crawl does) stored 50 per transaction (``storage.write.write_group``) into a fresh
  database, then ``VACUUM ANALYZE``; each table's ``pg_total_relation_size`` (heap, TOAST and
  indexes; the band index's month partitions summed) over the documents stored. The text-bearing
  tables scale with the length of a page's text: the mean body length of these items and of the
  real Persian articles of ``tests/fixtures/realtext/pairs`` are printed beside them.
* **Redis bytes per fingerprint** — ``--fingerprints`` request fingerprints (40 hexadecimal
  characters, as ``crawler.distributed`` stores them) added to one set, ``used_memory`` before and
  after.
* **Redis bytes per cached page** — the article pages of the same web, encoded as the shared page
  cache publishes them (``crawler.middlewares.pagecache.encode``: zlib level 1), each under a key
  of the cache's shape with an expiry; ``used_memory`` before and after.

Redis keys are written under a prefix of their own in database 15 and deleted afterwards.
Results: ``bench/results/capacity.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
from collections.abc import Sequence
from typing import Any

from bench import save_result

REDIS_URL = os.environ.get("MANBA_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
GROUP = 50


def postgres_bytes(size: int) -> dict[str, Any]:
    from sqlalchemy import text

    from bench.writer import CACHE, make_items
    from core.registry import load_registry
    from core.syndication.decide import remember
    from storage import write
    from storage.db import make_engine, make_sessionmaker
    from storage.migrate import upgrade_to_head
    from storage.testing import temporary_postgres_database

    items = make_items(size)
    with temporary_postgres_database() as url:
        upgrade_to_head(url)
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        with sessions.begin() as session:
            write.sync_sources(session, load_registry(CACHE / f"writer-sources-{size}.toml"))
        for start in range(0, len(items), GROUP):
            chunk = items[start : start + GROUP]
            for *_, prepared in chunk:
                remember(prepared)
            requests = [write.Request(item, None, key, role) for item, key, role, _ in chunk]
            for outcome in write.write_group(sessions, requests):
                if isinstance(outcome, Exception):
                    raise outcome
        engine.dispose()
        vacuum = make_engine(url, isolation_level="AUTOCOMMIT")
        with vacuum.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
            documents = int(connection.execute(text("SELECT count(*) FROM documents")).scalar_one())
            rows = connection.execute(
                text(
                    "SELECT coalesce(p.relname, c.relname) AS name, sum(pg_total_relation_size(c.oid)) "
                    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "LEFT JOIN pg_inherits i ON i.inhrelid = c.oid "
                    "LEFT JOIN pg_class p ON p.oid = i.inhparent "
                    "WHERE n.nspname = 'public' AND c.relkind = 'r' GROUP BY 1"
                )
            ).all()
            size_of = text("SELECT pg_database_size(current_database())")
            database = int(connection.execute(size_of).scalar_one())
        vacuum.dispose()
    tables = {name: round(int(total) / documents) for name, total in rows if total}
    bodies = [len(item.body) for item, *_ in items]
    return {
        "documents": documents,
        "bytes_per_document": {k: v for k, v in sorted(tables.items(), key=lambda kv: -kv[1]) if v},
        "all_tables_bytes_per_document": sum(tables.values()),
        "database_bytes_per_document": round(database / documents),
        "mean_body_chars": round(statistics.fmean(bodies)),
        "real_mean_body_chars": real_body_chars(),
    }


def real_body_chars() -> int:
    from fixtureweb.realpages import load

    docs, _ = load()
    return round(statistics.fmean(len(d.body) for d in docs.values() if d.language == "fa"))


def redis_bytes(fingerprints: int, size: int) -> dict[str, Any]:
    import redis
    from scrapy.http import HtmlResponse

    from bench.probe import saved_page
    from crawler.middlewares.pagecache import encode

    server = redis.Redis.from_url(REDIS_URL)
    prefix = f"manba-capacity-{os.getpid()}"
    try:
        before = int(server.info("memory")["used_memory"])
        pipe = server.pipeline(transaction=False)
        for n in range(fingerprints):
            pipe.sadd(f"{prefix}:seen", hashlib.sha1(str(n).encode()).hexdigest())
            if n % 10_000 == 9_999:
                pipe.execute()
        pipe.execute()
        per_fingerprint = (int(server.info("memory")["used_memory"]) - before) / fingerprints
        server.delete(f"{prefix}:seen")
        pages = _article_pages(size)
        before = int(server.info("memory")["used_memory"])
        blobs = 0
        for n, (url, site) in enumerate(pages):
            response = HtmlResponse(url=url, body=saved_page(_web_root(size), url, site).encode("utf-8"))
            blob = encode(response)
            blobs += len(blob)
            pipe.set(f"{prefix}:pages:{hashlib.sha1(url.encode()).hexdigest()}", blob, ex=3600)
            if n % 500 == 499:
                pipe.execute()
        pipe.execute()
        per_page = (int(server.info("memory")["used_memory"]) - before) / len(pages)
    finally:
        keys = list(server.scan_iter(f"{prefix}:*", count=10_000))
        for start in range(0, len(keys), 10_000):
            server.delete(*keys[start : start + 10_000])
    return {
        "fingerprints": fingerprints,
        "bytes_per_fingerprint": round(per_fingerprint, 1),
        "cached_pages": len(pages),
        "bytes_per_cached_page": round(per_page),
        "compressed_page_bytes": round(blobs / len(pages)),
    }


_WEBS: dict[int, Any] = {}


def _web(size: int) -> Any:
    if size not in _WEBS:
        import tempfile
        from pathlib import Path

        from fixtureweb import build

        tmp = tempfile.mkdtemp(prefix="manba-capacity-")
        _WEBS[size] = build(Path(tmp) / "web", port=8765, size=size)
    return _WEBS[size]


def _web_root(size: int) -> Any:
    return _web(size).root


def _article_pages(size: int) -> list[tuple[str, str]]:
    return [(a["url"], a["site"]) for a in _web(size).labels["articles"]]


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.capacity", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=2000, help="article pages in the fixture web")
    parser.add_argument("--fingerprints", type=int, default=200_000)
    args = parser.parse_args(argv)
    result = {"postgresql": postgres_bytes(args.size), "redis": redis_bytes(args.fingerprints, args.size)}
    pg, rd = result["postgresql"], result["redis"]
    print(
        f"capacity: PostgreSQL {pg['database_bytes_per_document']:,} bytes per document (database), "
        f"{pg['all_tables_bytes_per_document']:,} in tables and indexes, of which "
        + ", ".join(f"{k} {v:,}" for k, v in pg["bytes_per_document"].items())
        + f"; mean body {pg['mean_body_chars']:,} characters (real Persian articles: "
        f"{pg['real_mean_body_chars']:,})",
        flush=True,
    )
    print(
        f"capacity: Redis {rd['bytes_per_fingerprint']} bytes per fingerprint, "
        f"{rd['bytes_per_cached_page']:,} per cached page ({rd['compressed_page_bytes']:,} compressed)",
        flush=True,
    )
    save_result("capacity", result)
    return result


if __name__ == "__main__":
    main()
