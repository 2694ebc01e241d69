"""band index by publication month

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 23:00:00

``minhash_bands`` gains ``bucket``, the month its document was published in (UTC, 1 for January
1970), at the head of its key: (bucket, band, hash, document_id); 0 for a document without a date
or first seen more than 30 days after it or over a day before it (``storage.bands.window_date``
at this revision).
On PostgreSQL the table becomes partitioned by range of ``bucket``, one partition per month
(``minhash_bands_2024_09``, ``minhash_bands_undated``); this migration creates the months the
store already has, ``storage.bands.ensure_buckets`` the ones that come later. Only the indexed
bands are kept (``core.syndication.minhash.INDEXED_BANDS`` at this revision: shingle bands 0–11,
word bands 32–43, lead bands 48–51); the rest are dropped. Existing rows are copied, so no
recluster is needed.

Downgrading puts the table back in its old shape with the rows kept; the dropped bands are not
recomputed (``scrapy recluster`` does that).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEPT = (*range(0, 12), *range(32, 44), *range(48, 52))
"""The band numbers kept, frozen at this revision (not imported: the code may change later)."""

_PG_BUCKET = (
    "CASE WHEN d.published_at IS NULL "
    "OR LEAST(d.first_seen_at, d.fetched_at) < d.published_at - interval '1 day' "
    "OR LEAST(d.first_seen_at, d.fetched_at) > d.published_at + interval '30 days' THEN 0 ELSE GREATEST(1, "
    "(EXTRACT(YEAR FROM d.published_at AT TIME ZONE 'UTC')::int - 1970) * 12 "
    "+ EXTRACT(MONTH FROM d.published_at AT TIME ZONE 'UTC')::int) END"
)
_SQLITE_BUCKET = (
    "CASE WHEN d.published_at IS NULL "
    "OR julianday(min(d.first_seen_at, d.fetched_at)) < julianday(d.published_at) - 1 "
    "OR julianday(min(d.first_seen_at, d.fetched_at)) > julianday(d.published_at) + 30 THEN 0 ELSE max(1, "
    "(CAST(strftime('%Y', d.published_at) AS INTEGER) - 1970) * 12 "
    "+ CAST(strftime('%m', d.published_at) AS INTEGER)) END"
)


def _partition(bucket: int) -> str:
    if bucket == 0:
        return "minhash_bands_undated"
    return f"minhash_bands_{1970 + (bucket - 1) // 12:04d}_{(bucket - 1) % 12 + 1:02d}"


def _replace_table(aside: str, *leading: sa.Column, key: tuple[str, ...], **options: Any) -> None:
    """Move ``minhash_bands`` aside as ``minhash_bands_<aside>`` (its index dropped, its constraints
    renamed: PostgreSQL's names are per schema) and create it anew with ``leading`` columns before
    (band, hash, document_id), primary key ``key``."""
    op.drop_index("ix_minhash_bands_document_id", table_name="minhash_bands")
    op.rename_table("minhash_bands", f"minhash_bands_{aside}")
    if op.get_bind().dialect.name == "postgresql":
        for name in ("pk_minhash_bands", "fk_minhash_bands_document_id_documents"):
            renamed = name.replace("minhash_bands", f"minhash_bands_{aside}")
            op.execute(f"ALTER TABLE minhash_bands_{aside} RENAME CONSTRAINT {name} TO {renamed}")
    op.create_table(
        "minhash_bands",
        *leading,
        sa.Column("band", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name="fk_minhash_bands_document_id_documents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(*key, name="pk_minhash_bands"),
        sqlite_with_rowid=False,
        **options,
    )
    op.create_index("ix_minhash_bands_document_id", "minhash_bands", ["document_id"], unique=False)


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    _replace_table("old", sa.Column("bucket", sa.Integer(), autoincrement=False, nullable=False),
                   key=("bucket", "band", "hash", "document_id"), postgresql_partition_by="RANGE (bucket)")
    bucket = _PG_BUCKET if postgresql else _SQLITE_BUCKET
    if postgresql:
        buckets = bind.execute(sa.text(f"SELECT DISTINCT {bucket} FROM documents d")).scalars().all()
        for value in sorted(buckets):
            op.execute(
                f"CREATE TABLE {_partition(value)} PARTITION OF minhash_bands "
                f"FOR VALUES FROM ({value}) TO ({value + 1})"
            )
    kept = ", ".join(str(b) for b in KEPT)
    op.execute(
        f"INSERT INTO minhash_bands (bucket, band, hash, document_id) "
        f"SELECT {bucket}, b.band, b.hash, b.document_id FROM minhash_bands_old b "
        f"JOIN documents d ON d.id = b.document_id WHERE b.band IN ({kept})"
    )
    op.drop_table("minhash_bands_old")


def downgrade() -> None:
    _replace_table("new", key=("band", "hash", "document_id"))
    op.execute(
        "INSERT INTO minhash_bands (band, hash, document_id) "
        "SELECT DISTINCT band, hash, document_id FROM minhash_bands_new"
    )
    op.drop_table("minhash_bands_new")  # on PostgreSQL its partitions go with it
