"""canonical URLs on w3lib

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 09:00:00

``core.text.urls.canonical_url`` became one rule for the store and the page cache, built on
w3lib's ``canonicalize_url``: query arguments sorted, the path percent-encoded in UTF-8 with
upper-case escapes, dot segments resolved, an IDN host in punycode. Stored keys written by the
old rule change (``?b=2&a=1``, a Persian path stored in letters or with lower-case escapes), so
every ``documents.canonical_url`` is rewritten by the new rule, and the URLs a copy's
``changes`` and a retelling's ``link_evidence`` name with it.

Rows whose keys now coincide were one page under two spellings. The oldest row (lowest id) stays:
it was stored first, so the other rows of its release were clustered against it. It takes the
others' earliest ``first_seen_at`` and their earlier texts (``document_versions``, numbered after
its own); their attributions, band hashes and cross-lingual keys go with them, a release that
named one of them as origin names the survivor if the survivor is in it (else none), and a
release left without documents is deleted. A merged release keeps its stored title and text
until ``scrapy recluster`` refreshes it.

The rule is imported rather than copied so that the keys this writes are exactly the ones the
crawler looks up. Downgrading leaves the keys as they are (the old spelling is not recoverable,
and the old rule reads the new keys as themselves, apart from the query order).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from core.text.urls import canonical_url

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

documents = sa.table(
    "documents",
    sa.column("id", sa.Integer),
    sa.column("canonical_url", sa.Text),
    sa.column("release_id", sa.Integer),
    sa.column("first_seen_at", sa.DateTime(timezone=True)),
    sa.column("changes", sa.JSON),
    sa.column("link_evidence", sa.JSON),
)
releases = sa.table("releases", sa.column("id", sa.Integer), sa.column("origin_document_id", sa.Integer))
versions = sa.table(
    "document_versions", sa.column("id", sa.Integer), sa.column("document_id", sa.Integer),
    sa.column("version", sa.Integer),
)
DEPENDENT = ("attributions", "minhash_bands", "crosslingual_keys", "document_versions")


def _canonical(url: str) -> str:
    try:
        return canonical_url(url)
    except ValueError:  # not readable as a URL: left as stored
        return url


def _merge(bind: sa.Connection, survivor: int, losers: list[int]) -> None:
    """Fold the rows ``losers`` into ``survivor`` (see the module docstring)."""
    own = sa.select(sa.func.max(versions.c.version)).where(versions.c.document_id == survivor)
    top = bind.scalar(own) or 0
    for loser in losers:
        rows = bind.execute(
            sa.select(versions.c.id).where(versions.c.document_id == loser).order_by(versions.c.version)
        ).scalars().all()
        for row in rows:
            top += 1
            moved = versions.update().where(versions.c.id == row)
            bind.execute(moved.values(document_id=survivor, version=top))
    first_seen = bind.scalar(sa.select(sa.func.min(documents.c.first_seen_at)).where(
        documents.c.id.in_([survivor, *losers])))
    bind.execute(documents.update().where(documents.c.id == survivor).values(first_seen_at=first_seen))
    release_of = bind.scalar(sa.select(documents.c.release_id).where(documents.c.id == survivor))
    named = bind.execute(
        sa.select(releases.c.id).where(releases.c.origin_document_id.in_(losers))
    ).scalars().all()
    for release in named:
        bind.execute(releases.update().where(releases.c.id == release).values(
            origin_document_id=survivor if release == release_of else None))
    emptied = set(bind.execute(
        sa.select(documents.c.release_id).where(documents.c.id.in_(losers))
    ).scalars().all()) - {release_of}
    # SQLite runs migrations with foreign keys off: no cascade to rely on.
    for name in DEPENDENT:
        table = sa.table(name, sa.column("document_id", sa.Integer))
        bind.execute(table.delete().where(table.c.document_id.in_(losers)))
    bind.execute(documents.delete().where(documents.c.id.in_(losers)))
    for release in emptied:
        if bind.scalar(sa.select(sa.func.count()).where(documents.c.release_id == release)) == 0:
            bind.execute(releases.delete().where(releases.c.id == release))


def _rewrite(value: Any, field: str, renamed: dict[str, str]) -> Any:
    if isinstance(value, dict) and isinstance(value.get(field), str) and value[field] in renamed:
        return {**value, field: renamed[value[field]]}
    return value


def upgrade() -> None:
    bind = op.get_bind()
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for doc_id, stored in bind.execute(sa.select(documents.c.id, documents.c.canonical_url)):
        groups[_canonical(stored)].append((doc_id, stored))
    renamed: dict[str, str] = {}
    for new, members in groups.items():
        members.sort()
        survivor, stored = members[0]
        if len(members) > 1:
            _merge(bind, survivor, [doc_id for doc_id, _ in members[1:]])
        renamed.update((old, new) for _, old in members if old != new)
        if stored != new:  # no other row holds ``new`` now: every row that maps to it is merged
            bind.execute(documents.update().where(documents.c.id == survivor).values(canonical_url=new))
    if not renamed:
        return
    rows = bind.execute(sa.select(documents.c.id, documents.c.changes, documents.c.link_evidence).where(
        sa.or_(documents.c.changes.is_not(None), documents.c.link_evidence.is_not(None))))
    for doc_id, changes, evidence in rows.all():
        values = {"changes": _rewrite(changes, "against", renamed),
                  "link_evidence": _rewrite(evidence, "url", renamed)}
        values = {k: v for k, v in values.items() if v is not (changes if k == "changes" else evidence)}
        if values:
            bind.execute(documents.update().where(documents.c.id == doc_id).values(**values))


def downgrade() -> None:
    """The keys stay as they are (see the module docstring)."""
