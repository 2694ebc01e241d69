"""cross-lingual links

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 04:30:00

documents.link ("translation" for a retelling in another language linked to a Persian release) and
documents.link_evidence (why, JSON); crosslingual_keys (the figures of Persian releases and of
documents in other languages, by publication time: how the two find each other).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("link_evidence", sa.JSON(), nullable=True))
    op.create_table(
        "crosslingual_keys",
        sa.Column("key", sa.String(length=48), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("persian", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_crosslingual_keys_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", "document_id", name=op.f("pk_crosslingual_keys")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("crosslingual_keys", schema=None) as batch_op:
        batch_op.create_index("ix_crosslingual_keys_lookup", ["key", "persian", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_crosslingual_keys_document_id"), ["document_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("crosslingual_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crosslingual_keys_document_id"))
        batch_op.drop_index("ix_crosslingual_keys_lookup")
    op.drop_table("crosslingual_keys")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("link_evidence")
        batch_op.drop_column("link")
