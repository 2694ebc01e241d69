"""incremental crawling and crawl-run checks

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 14:40:00

page_checks (validators of listing pages, feeds and sitemaps), source_polls (adaptive
re-poll schedule), documents.checked_at and an index on documents.url, crawl_runs.sources,
.checks and .worker.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "page_checks",
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("url", name=op.f("pk_page_checks")),
    )
    op.create_table(
        "source_polls",
        sa.Column("source_key", sa.String(length=64), nullable=False),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seen", sa.Integer(), nullable=False),
        sa.Column("known", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_source_polls_run_id_crawl_runs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("source_key", name=op.f("pk_source_polls")),
    )
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sources", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("checks", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("worker", sa.String(length=255), nullable=True))
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_documents_url", ["url"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_url")
        batch_op.drop_column("checked_at")
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_column("worker")
        batch_op.drop_column("checks")
        batch_op.drop_column("sources")
    op.drop_table("source_polls")
    op.drop_table("page_checks")
