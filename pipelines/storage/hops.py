"""Late linking: copies that origin following could not place, linked through the store.

An outlet that credits only an agency («به نقل از ایسنا») points at the agency's copy,
which in turn credits the ministry; one that credits a newspaper or an agency without a
site of its own points nowhere Manba can search. By the end of a crawl the intermediary's
copy and the ministry's release are usually in the store, so each unlinked copy joins the
release of the stored document that contains its text: first among the documents of the
site its chain ends at, then among stored origins. Run once per crawl, after the last
item, so the result does not depend on the order items arrived in.

The candidate scan is bounded by a date window and a row limit; the syndication index
replaces it with a band lookup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from crawler.syndication.similarity import COPY_THRESHOLD, containment, shingles
from pipelines.storage.models import Document, DocumentAttribution, Release
from pipelines.storage.write import move_to_release

MAX_CANDIDATES = 500


def unlinked_copies(session: Session) -> list[tuple[Document, str | None]]:
    """Copies in a release without an origin, with the registry key their chain ends at (if any)."""
    last = (
        select(DocumentAttribution.document_id, func.max(DocumentAttribution.position).label("position"))
        .group_by(DocumentAttribution.document_id)
        .subquery()
    )
    final = aliased(DocumentAttribution)
    rows = session.execute(
        select(Document, final.source_key)
        .join(Release, Release.id == Document.release_id)
        .outerjoin(last, last.c.document_id == Document.id)
        .outerjoin(final, (final.document_id == last.c.document_id) & (final.position == last.c.position))
        .where(Document.role == "copy", Release.origin_document_id.is_(None))
        .order_by(Document.id)
    ).all()
    return [(doc, key) for doc, key in rows]


def _near(query: Select[Any], doc: Document, window_days: int) -> Select[Any]:
    if doc.published_at is not None:
        query = query.where(
            Document.published_at >= doc.published_at - timedelta(days=window_days),
            Document.published_at <= doc.published_at + timedelta(days=1),
        )
    return query.order_by(Document.published_at.desc()).limit(MAX_CANDIDATES)


def _best(doc: Document, candidates: Sequence[Document], threshold: float) -> tuple[float, Document] | None:
    own = shingles(doc.body)
    best: tuple[float, Document] | None = None
    for candidate in candidates:
        score = containment(own, shingles(candidate.body))
        if score >= threshold and (best is None or score > best[0]):
            best = (score, candidate)
    return best


def link_through_hops(session: Session, *, window_days: int = 14, threshold: float = COPY_THRESHOLD) -> int:
    """Join each unlinked copy to the release of the stored document it copied; the count."""
    linked = 0
    for doc, key in unlinked_copies(session):
        if session.get(Release, doc.release_id) is None:
            continue  # merged away by an earlier link in this pass
        best, status = None, "not_found"
        if key is not None:
            query = select(Document).where(Document.site == key, Document.id != doc.id)
            best, status = (
                _best(doc, session.scalars(_near(query, doc, window_days)).all(), threshold),
                f"via_{key}",
            )
        if best is None:
            origins = select(Document).where(Document.role == "origin")
            best, status = (
                _best(doc, session.scalars(_near(origins, doc, window_days)).all(), threshold),
                "in_store",
            )
        if best is None:
            continue
        score, found = best
        release = session.get(Release, found.release_id)
        origin_id = release.origin_document_id if release is not None else None
        origin = session.get(Document, origin_id) if origin_id is not None else None
        if origin is not None:
            score = containment(shingles(doc.body), shingles(origin.body))
        move_to_release(session, doc, found.release_id, similarity=round(score, 4), status=status)
        linked += 1
    return linked
