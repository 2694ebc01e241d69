"""Fast bulk loading of synthetic signatures into a bench store.

:func:`pipelines.storage.bulk.bulk_load_signatures` goes through SQLAlchemy (about 2,000
documents a second here): fine for tests, too slow for a million documents × 40 band rows.
This module writes the same rows (``random_rows``: one ``own`` document per release, 40 random
band hashes, a distinct norm hash) straight through the driver — ``executemany`` on SQLite,
binary ``COPY`` on PostgreSQL — with explicit ids taken after the current maximum.

Bench-only shortcuts, all on the loading connection only (the timed probe uses the store's
ordinary engine): SQLite ``synchronous = OFF`` and a large page cache; PostgreSQL loads with
``session_replication_role = replica`` (no per-row foreign-key triggers; the rows are consistent
by construction) and drops the ``minhash_bands`` primary key and index during the load and
rebuilds them afterwards (a sorted build instead of 40M random B-tree inserts).
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

import numpy as np
import psycopg
from sqlalchemy.engine import URL

from crawler.syndication.minhash import BANDS, LEAD_BANDS
from pipelines.storage.bulk import SignatureRow
from pipelines.storage.write import body_hash

PER_DOCUMENT = BANDS + LEAD_BANDS
# One binary COPY tuple: field count, then (length, value) per field, all big-endian.
_BAND_DTYPE = np.dtype(
    [
        ("n", ">i2"),
        ("l1", ">i4"),
        ("band", ">i2"),
        ("l2", ">i4"),
        ("hash", ">i8"),
        ("l3", ">i4"),
        ("doc", ">i4"),
    ]
)
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
_COPY_TRAILER = b"\xff\xff"


def _chunks(rows: Iterable[SignatureRow], size: int) -> Iterator[list[SignatureRow]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _band_arrays(chunk: list[SignatureRow], first_doc: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(band, hash, document_id) arrays for a chunk, sorted by (band, hash) for index locality."""
    hashes = np.array([r.bands for r in chunk], dtype=np.int64)
    if hashes.shape[1] != PER_DOCUMENT:
        raise ValueError(f"expected {PER_DOCUMENT} bands per row, got {hashes.shape[1]}")
    docs = np.repeat(np.arange(first_doc, first_doc + len(chunk), dtype=np.int64), PER_DOCUMENT)
    bands = np.tile(np.arange(PER_DOCUMENT, dtype=np.int64), len(chunk))
    flat = hashes.reshape(-1)
    order = np.lexsort((docs, flat, bands))
    return bands[order], flat[order], docs[order]


def _sqlite_time(value: datetime) -> str:
    # What pipelines.storage.models.UTCDateTime stores on SQLite: naive UTC, microseconds.
    return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def load_sqlite(path: str, rows: Iterable[SignatureRow], *, batch: int = 50_000) -> int:
    """Append ``rows`` to the SQLite store at ``path``; the number of documents written."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA synchronous = OFF")
        con.execute("PRAGMA cache_size = -4000000")  # 4 GB, this connection only
        con.execute("PRAGMA temp_store = MEMORY")
        release_id = con.execute("SELECT coalesce(max(id), 0) FROM releases").fetchone()[0] + 1
        doc_id = con.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()[0] + 1
        total = 0
        for chunk in _chunks(rows, batch):
            now = _sqlite_time(datetime.now(UTC))
            con.execute("BEGIN IMMEDIATE")
            con.executemany(
                "INSERT INTO releases (id, title, text, first_seen_at, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(release_id + i, r.title, r.body, now, now, now) for i, r in enumerate(chunk)],
            )
            con.executemany(
                "INSERT INTO documents (id, canonical_url, url, site, release_id, role, title, body, "
                "lang, raw_hash, body_hash, norm_hash, extractor, published_at, fetched_at, "
                "first_seen_at, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, 'own', ?, ?, 'fa', ?, ?, ?, 'synthetic', ?, ?, ?, ?, ?)",
                [_document_values(doc_id + i, release_id + i, r, now) for i, r in enumerate(chunk)],
            )
            bands, hashes, docs = _band_arrays(chunk, doc_id)
            con.executemany(
                "INSERT INTO minhash_bands (band, hash, document_id) VALUES (?, ?, ?)",
                zip(bands.tolist(), hashes.tolist(), docs.tolist(), strict=True),
            )
            con.execute("COMMIT")
            release_id += len(chunk)
            doc_id += len(chunk)
            total += len(chunk)
        con.execute("ANALYZE")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return total
    finally:
        con.close()


def _document_values(doc_id: int, release_id: int, r: SignatureRow, now: str) -> tuple[object, ...]:
    published = _sqlite_time(r.published_at) if r.published_at is not None else None
    return (
        doc_id,
        r.canonical_url,
        r.canonical_url,
        r.site,
        release_id,
        r.title,
        r.body,
        r.norm_hash or "0" * 64,
        body_hash(r.body),
        r.norm_hash,
        published,
        _sqlite_time(r.fetched_at),
        now,
        now,
        now,
    )


def _conninfo(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def load_postgres(url: URL, rows: Iterable[SignatureRow], *, batch: int = 100_000) -> int:
    """Append ``rows`` to the PostgreSQL store at ``url`` with COPY; the number of documents."""
    with psycopg.connect(_conninfo(url), autocommit=False) as con:
        cur = con.cursor()
        cur.execute("SET session_replication_role = replica")
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("ALTER TABLE minhash_bands DROP CONSTRAINT pk_minhash_bands")
        cur.execute("DROP INDEX ix_minhash_bands_document_id")
        cur.execute("SELECT coalesce(max(id), 0) FROM releases")
        release_id = int(cur.fetchone()[0]) + 1  # type: ignore[index]
        cur.execute("SELECT coalesce(max(id), 0) FROM documents")
        doc_id = int(cur.fetchone()[0]) + 1  # type: ignore[index]
        total = 0
        for chunk in _chunks(rows, batch):
            now = datetime.now(UTC)
            with cur.copy(
                "COPY releases (id, title, text, first_seen_at, created_at, updated_at) FROM STDIN"
            ) as copy:
                for i, r in enumerate(chunk):
                    copy.write_row((release_id + i, r.title, r.body, now, now, now))
            with cur.copy(
                "COPY documents (id, canonical_url, url, site, release_id, role, title, body, lang, "
                "raw_hash, body_hash, norm_hash, extractor, published_at, fetched_at, first_seen_at, "
                "created_at, updated_at) FROM STDIN"
            ) as copy:
                for i, r in enumerate(chunk):
                    copy.write_row(
                        (
                            doc_id + i, r.canonical_url, r.canonical_url, r.site, release_id + i, "own",
                            r.title, r.body, "fa", r.norm_hash or "0" * 64, body_hash(r.body),
                            r.norm_hash, "synthetic", r.published_at, r.fetched_at, now, now, now,
                        )
                    )  # fmt: skip
            bands, hashes, docs = _band_arrays(chunk, doc_id)
            packed = np.empty(len(bands), dtype=_BAND_DTYPE)
            packed["n"], packed["l1"], packed["l2"], packed["l3"] = 3, 2, 8, 4
            packed["band"], packed["hash"], packed["doc"] = bands, hashes, docs
            with cur.copy("COPY minhash_bands (band, hash, document_id) FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(_COPY_HEADER + packed.tobytes() + _COPY_TRAILER)
            con.commit()
            release_id += len(chunk)
            doc_id += len(chunk)
            total += len(chunk)
        cur.execute("SELECT setval(pg_get_serial_sequence('releases', 'id'), %s)", (release_id - 1,))
        cur.execute("SELECT setval(pg_get_serial_sequence('documents', 'id'), %s)", (doc_id - 1,))
        cur.execute(
            "ALTER TABLE minhash_bands ADD CONSTRAINT pk_minhash_bands PRIMARY KEY (band, hash, document_id)"
        )
        cur.execute("CREATE INDEX ix_minhash_bands_document_id ON minhash_bands (document_id)")
        con.commit()
    with psycopg.connect(_conninfo(url), autocommit=True) as con:
        con.execute("VACUUM ANALYZE")
    return total
