"""Loading many documents' signatures at once, for benchmarks of the per-item path.

:func:`bulk_load_signatures` fills ``releases``, ``documents`` and ``minhash_bands`` with
synthetic rows in large batches (one release per document), so a store can hold 10k, 100k or
1M documents before :func:`storage.write.store_document` is timed against it.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import insert
from sqlalchemy.orm import Session

from core.syndication.minhash import BANDS, LEAD_BANDS, WORD_BANDS
from storage.bands import bucket_of, ensure_buckets, indexed
from storage.models import Document, MinhashBand, Release, utcnow


@dataclass(frozen=True)
class SignatureRow:
    canonical_url: str
    bands: Sequence[int]
    """Signed 64-bit band hashes, band ``i`` at index ``i`` (``minhash.band_hashes``)."""
    norm_hash: str = ""
    title: str = "synthetic"
    body: str = ""
    site: str = "synthetic"
    published_at: datetime | None = None
    fetched_at: datetime = field(default_factory=utcnow)


PER_DAY = 100_000
"""Synthetic documents published per day: the order of the Persian news web's new articles."""


def synthetic_date(n: int, newest: datetime, per_day: int = PER_DAY) -> datetime:
    """When synthetic document ``n`` was published: ``newest`` for the first, then back in time at
    ``per_day`` documents a day (a store that has crawled the web for ``n / per_day`` days)."""
    return newest - timedelta(seconds=n * 86_400 / per_day)


def random_rows(
    count: int, *, seed: int = 0, start: int = 0, newest: datetime | None = None, per_day: int = PER_DAY
) -> Iterable[SignatureRow]:
    """``count`` rows with random band hashes and distinct norm hashes (no two alike), published
    back from ``newest`` at ``per_day`` a day (undated without ``newest``)."""
    rng = np.random.default_rng(seed)
    for n in range(start, start + count):
        bands = rng.integers(-(2**63), 2**63 - 1, size=BANDS + WORD_BANDS + LEAD_BANDS, dtype=np.int64)
        yield SignatureRow(
            canonical_url=f"https://synthetic.invalid/{n}",
            bands=[int(b) for b in bands],
            norm_hash=hashlib.sha256(f"synthetic {seed} {n}".encode()).hexdigest(),
            published_at=synthetic_date(n, newest, per_day) if newest is not None else None,
        )


def bulk_load_signatures(session: Session, rows: Iterable[SignatureRow], *, batch: int = 5000) -> int:
    """Insert each row as a document alone in its own release, with its band hashes; the count.

    The caller frames the transaction (commit every few batches for millions of rows).
    """
    total = 0
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, batch)):
        now = utcnow()
        release_ids = session.scalars(
            insert(Release).returning(Release.id, sort_by_parameter_order=True),
            [{"title": r.title, "text": r.body, "first_seen_at": now} for r in chunk],
        ).all()
        doc_ids = session.scalars(
            insert(Document).returning(Document.id, sort_by_parameter_order=True),
            [
                {
                    "canonical_url": r.canonical_url,
                    "url": r.canonical_url,
                    "site": r.site,
                    "release_id": release_id,
                    "role": "own",
                    "title": r.title,
                    "body": r.body,
                    "raw_hash": r.norm_hash or "0" * 64,
                    "body_hash": hashlib.sha256(r.body.encode("utf-8")).hexdigest(),
                    "norm_hash": r.norm_hash,
                    "extractor": "synthetic",
                    "published_at": r.published_at,
                    "fetched_at": r.fetched_at,
                    "first_seen_at": now,
                }
                for r, release_id in zip(chunk, release_ids, strict=True)
            ],
        ).all()
        ensure_buckets(session.connection(), {bucket_of(r.published_at) for r in chunk})
        session.execute(
            insert(MinhashBand),
            [
                {"bucket": bucket_of(r.published_at), "band": band, "hash": value, "document_id": doc_id}
                for r, doc_id in zip(chunk, doc_ids, strict=True)
                for band, value in indexed(r.bands)
            ],
        )
        total += len(chunk)
    session.flush()
    return total
