"""syndication index and document versions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 13:09:42.340188

minhash_bands (band, hash, document_id; the key is the lookup index), documents.norm_hash,
document_versions. Rows stored before this revision get their bands and norm_hash from
``scrapy recluster``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("raw_hash", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_versions_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_versions")),
        sa.UniqueConstraint("document_id", "version", name=op.f("uq_document_versions_document_id_version")),
    )
    op.create_table(
        "minhash_bands",
        sa.Column("band", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_minhash_bands_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("band", "hash", "document_id", name=op.f("pk_minhash_bands")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("minhash_bands", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minhash_bands_document_id"), ["document_id"], unique=False)

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("norm_hash", sa.String(length=64), server_default="", nullable=False))
        batch_op.create_index(batch_op.f("ix_documents_norm_hash"), ["norm_hash"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_norm_hash"))
        batch_op.drop_column("norm_hash")

    with op.batch_alter_table("minhash_bands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minhash_bands_document_id"))

    op.drop_table("minhash_bands")
    op.drop_table("document_versions")
