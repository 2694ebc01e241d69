"""what each copy changed

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 02:10:00

documents.changes (a copy's cut, added and reworded sentences and changed figures against its
release's reference, JSON) and documents.changes_key (what they were computed from);
sources.boilerplate (the registry's boilerplate lines of a source).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changes", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("changes_key", sa.String(length=64), nullable=True))
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("boilerplate", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("boilerplate")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("changes_key")
        batch_op.drop_column("changes")
