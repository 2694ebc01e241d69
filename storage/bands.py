"""The band index: ``minhash_bands``, windowed by publication month.

Copies appear within days of their release, so a document's bands are only looked up among
documents published near it. Each band row carries its document's **bucket** — the month of
its publication (UTC), numbered from 1 for January 1970 — or :data:`UNDATED` (0). A lookup for
a document published at ``t`` reads the buckets that ``[t − WINDOW_DAYS, t + WINDOW_DAYS]``
touches, and the undated bucket; a lookup for a document in the undated bucket reads every
bucket.

The window trusts the date only when the crawl saw the page **fresh**: first seen within
``WINDOW_DAYS`` after its stated publication (and not more than a day before it)
(:func:`window_date`). A page without a date, or seen long after its date — an archive crawl,
origin following reaching an old release, or a date read wrong (real pages give a bare year
that parses as 1 January, or a date of another story) — goes to the undated bucket, which every
lookup reads, and looks in every month itself. So:

* the rows a fresh document's lookup touches are those of two to three months and the undated
  bucket, however long the store's history;
* late and undated documents find, and are found by, documents of any date; the undated bucket
  is the part of the index that grows with history, and a monitoring crawl keeps it small;
* a fresh copy published more than ``WINDOW_DAYS`` away from its fresh release is not offered
  as a band candidate (the exact ``norm_hash`` lookup still finds an identical text).

On PostgreSQL ``minhash_bands`` is partitioned by range of ``bucket``, one partition per month
(``minhash_bands_2024_09``, ``minhash_bands_undated``), created by :func:`ensure_buckets` the
first time a month is written; the planner prunes the partitions outside the window. On SQLite
the table's key starts with the bucket — (bucket, band, hash, document_id), no rowid — so a
lookup is one index seek per bucket and band, in the window's part of the tree.

Which bands are kept is ``core.syndication.minhash.INDEXED_BANDS``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from sqlalchemy import BigInteger, Connection, Integer, SmallInteger, bindparam, delete, insert, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from core.syndication.minhash import INDEXED_BANDS
from storage.models import MinhashBand

UNDATED = 0
"""The bucket of a document without a publication date."""
WINDOW_DAYS = 30
"""A lookup reads the months within this many days of the probe's publication."""
MAX_BAND_ROWS = 2000
"""At most this many band rows are read per lookup: a flood of identical texts cannot make one
lookup slower than this."""
_EPOCH_YEAR = 1970
_PARTITION_LOCK = 0x6D616E6261_00B1
"""Advisory lock key serialising the creation of partitions (``manba`` + a tag)."""


LATE_GRACE = timedelta(days=1)
"""A page may be seen this long before its stated date (time zones, a clock ahead) and count as fresh."""


def window_date(published_at: datetime | None, *seen: datetime | None) -> datetime | None:
    """The date the band index files and looks up a document by: its publication when the crawl
    saw it fresh — the earliest of ``seen`` (its sightings) within the window after that date
    (see the module docstring) — else ``None`` (the undated bucket)."""
    sightings = [at for at in seen if at is not None]
    if published_at is None or not sightings:
        return published_at
    if published_at - LATE_GRACE <= min(sightings) <= published_at + timedelta(days=WINDOW_DAYS):
        return published_at
    return None


def bucket_of(published_at: datetime | None) -> int:
    """The bucket of a document published at ``published_at`` (its UTC month; :data:`UNDATED`)."""
    if published_at is None:
        return UNDATED
    at = published_at.astimezone(UTC) if published_at.tzinfo is not None else published_at
    return max(1, (at.year - _EPOCH_YEAR) * 12 + at.month)


def month_of(bucket: int) -> tuple[int, int]:
    """(year, month) of a dated bucket."""
    return _EPOCH_YEAR + (bucket - 1) // 12, (bucket - 1) % 12 + 1


def probe_buckets(published_at: datetime | None) -> list[int] | None:
    """The buckets a lookup for a document published at ``published_at`` reads (undated first);
    ``None`` for an undated document: every bucket."""
    if published_at is None:
        return None
    first = bucket_of(published_at - timedelta(days=WINDOW_DAYS))
    last = bucket_of(published_at + timedelta(days=WINDOW_DAYS))
    return [UNDATED, *range(first, last + 1)]


def indexed(bands: Sequence[int]) -> list[tuple[int, int]]:
    """(band number, hash) of the bands the index keeps, from all of a text's band hashes."""
    return [(b, bands[b]) for b in INDEXED_BANDS if b < len(bands)]


PARTITION = re.compile(rf"{MinhashBand.__tablename__}_(?:\d{{4}}_\d{{2}}|undated)")
"""The name of a month partition (PostgreSQL)."""


def partition_name(bucket: int) -> str:
    if bucket == UNDATED:
        return f"{MinhashBand.__tablename__}_undated"
    year, month = month_of(bucket)
    return f"{MinhashBand.__tablename__}_{year:04d}_{month:02d}"


_KNOWN_PARTITIONS: set[tuple[str, int]] = set()
"""(database URL, bucket) of partitions seen to exist before this process wrote to them."""


def ensure_buckets(connection: Connection, buckets: Iterable[int]) -> None:
    """PostgreSQL: create the month partitions ``buckets`` need (once; nothing on SQLite).

    Creation takes an advisory lock, so two writers meeting a new month create it once; it runs
    in the caller's transaction, so a rolled-back transaction leaves no partition behind (and
    none is remembered as made).
    """
    if connection.dialect.name != "postgresql":
        return
    url = connection.engine.url.render_as_string(hide_password=True)
    missing = sorted({b for b in buckets if (url, b) not in _KNOWN_PARTITIONS})
    if not missing:
        return
    parent = MinhashBand.__tablename__
    for bucket in missing:
        name = partition_name(bucket)
        if connection.execute(text("SELECT to_regclass(:n) IS NOT NULL"), {"n": name}).scalar_one():
            _KNOWN_PARTITIONS.add((url, bucket))
            continue
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PARTITION_LOCK})
        connection.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {parent} "
                f"FOR VALUES FROM ({bucket}) TO ({bucket + 1})"
            )
        )


def write_bands(
    session: Session,
    doc_id: int,
    bands: Sequence[int],
    published_at: datetime | None,
    *,
    replace: bool = False,
) -> None:
    """File a document's indexed bands under its bucket (``replace``: drop the ones it had)."""
    if replace:
        session.execute(delete(MinhashBand).where(MinhashBand.document_id == doc_id))
    rows = indexed(bands)
    if rows:
        bucket = bucket_of(published_at)
        connection = session.connection()
        ensure_buckets(connection, [bucket])
        # On the connection: a Core executemany, not the ORM's bulk path (nothing to track).
        connection.execute(
            insert(MinhashBand),
            [{"bucket": bucket, "band": b, "hash": h, "document_id": doc_id} for b, h in rows],
        )


@lru_cache(maxsize=32)
def _band_query(count: int, buckets: int | None) -> TextClause:
    """``(bucket IN (…) AND band = :b0 AND hash = :h0) OR …`` for ``count`` bands and
    ``buckets`` buckets (``None``: any), built once per shape: composing the expression and its
    cache key anew for every document cost more than running it. The window is repeated in
    every term: with it outside the OR, SQLite reads the whole window's rows instead of
    seeking each (month, band, hash)."""
    window = ""
    params = [bindparam(f"b{i}", type_=SmallInteger) for i in range(count)]
    params += [bindparam(f"h{i}", type_=BigInteger) for i in range(count)]
    if buckets is not None:
        window = f"bucket IN ({', '.join(f':k{j}' for j in range(buckets))}) AND "
        params += [bindparam(f"k{j}", type_=Integer) for j in range(buckets)]
    matches = " OR ".join(f"({window}band = :b{i} AND hash = :h{i})" for i in range(count))
    return text(
        f"SELECT document_id FROM {MinhashBand.__tablename__} WHERE {matches} LIMIT {MAX_BAND_ROWS}"
    ).bindparams(*params)


def stored_buckets(session: Session) -> list[int]:
    """Every bucket that holds rows (an index seek per bucket, not a scan)."""
    found: list[int] = []
    after = -1
    query = text(f"SELECT min(bucket) FROM {MinhashBand.__tablename__} WHERE bucket > :after")
    while (bucket := session.execute(query, {"after": after}).scalar()) is not None:
        found.append(int(bucket))
        after = bucket
    return found


def band_candidates(
    session: Session, bands: Sequence[int], published_at: datetime | None, exclude: int | None = None
) -> dict[int, int]:
    """document id → number of indexed bands it shares with ``bands``, among the documents
    published near ``published_at`` (see the module docstring)."""
    rows = indexed(bands)
    if not rows:
        return {}
    buckets = probe_buckets(published_at)
    if buckets is None:
        buckets = stored_buckets(session)
        if not buckets:
            return {}
    params: dict[str, int] = {}
    for i, (band, value) in enumerate(rows):
        params[f"b{i}"], params[f"h{i}"] = band, value
    for j, bucket in enumerate(buckets):
        params[f"k{j}"] = bucket
    hits: dict[int, int] = {}
    for doc_id in session.scalars(_band_query(len(rows), len(buckets)), params):
        if doc_id != exclude:
            hits[doc_id] = hits.get(doc_id, 0) + 1
    return hits
