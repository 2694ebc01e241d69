"""Writing to the store. Every function takes a Session; the caller frames the transaction.

:func:`store_document` is the only place a ``documents`` row is written.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crawler.items import ArticleItem
from crawler.registry import Registry
from pipelines.storage.models import ROLES, CrawlRun, Document, Release, Source, utcnow


class StoreResult(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def body_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _offset_seconds(value: datetime | None) -> int | None:
    if value is None:
        return None
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"naive published_at {value!r}: the store only takes timezone-aware datetimes")
    return int(offset.total_seconds())


def source_id_for(session: Session, key: str | None) -> int | None:
    """The ``sources.id`` of a registry key (``None`` for ``None``); unknown keys are an error."""
    if key is None:
        return None
    found = session.scalar(select(Source.id).where(Source.key == key))
    if found is None:
        raise LookupError(f"source {key!r} is not in the store's sources table (was sync_sources run?)")
    return found


def find_document(session: Session, canonical_url: str) -> Document | None:
    return session.scalar(select(Document).where(Document.canonical_url == canonical_url))


def _content_differs(doc: Document, item: ArticleItem, source_id: int | None, role: str) -> bool:
    return (
        doc.title != item.title
        or doc.body != item.body
        or doc.published_at != item.published_at
        or doc.published_offset != _offset_seconds(item.published_at)
        or doc.source_id != source_id
        or doc.role != role
    )


def _apply(doc: Document, item: ArticleItem, run_id: int | None, source_id: int | None, role: str) -> None:
    doc.url = item.url
    doc.site = item.site
    doc.source_id = source_id
    doc.role = role
    doc.title = item.title
    doc.body = item.body
    doc.body_hash = body_hash(item.body)
    doc.published_at = item.published_at
    doc.published_offset = _offset_seconds(item.published_at)
    doc.author = item.author
    doc.lang = item.lang
    doc.raw_hash = item.raw_hash
    doc.extractor = item.extractor
    doc.fetched_at = item.fetched_at
    doc.crawl_run_id = run_id


def _insert(
    session: Session, item: ArticleItem, run_id: int | None, source_id: int | None, role: str
) -> Document:
    now = utcnow()
    release = Release(
        title=item.title,
        text=item.body,
        source_id=source_id if role == "origin" else None,
        first_seen_at=now,
    )
    doc = Document(canonical_url=item.canonical_url, first_seen_at=now)
    _apply(doc, item, run_id, source_id, role)
    session.add(release)
    session.flush()
    doc.release_id = release.id
    session.add(doc)
    session.flush()
    if role == "origin":
        release.origin_document_id = doc.id
        session.flush()
    return doc


def _update(
    session: Session, doc: Document, item: ArticleItem, run_id: int | None, source_id: int | None, role: str
) -> StoreResult:
    if not _content_differs(doc, item, source_id, role):
        return StoreResult.UNCHANGED
    _apply(doc, item, run_id, source_id, role)
    release = session.get(Release, doc.release_id)
    assert release is not None  # release_id is a non-null foreign key
    if role == "origin" and release.origin_document_id is None:
        release.origin_document_id = doc.id
        release.source_id = source_id
    others = session.scalar(
        select(Document.id).where(Document.release_id == release.id, Document.id != doc.id).limit(1)
    )
    # The release's title/text follow its origin document, or its only document.
    if release.origin_document_id == doc.id or (release.origin_document_id is None and others is None):
        release.title = item.title
        release.text = item.body
    session.flush()
    return StoreResult.UPDATED


def store_document(
    session: Session, item: ArticleItem, *, run_id: int | None, source_key: str | None, role: str
) -> StoreResult:
    """Insert or update the document for ``item``, keyed by its canonical URL.

    The same page again is ``unchanged`` and leaves the row alone (a changed raw
    page with the same title, body and date counts as unchanged: ads and clocks
    change every fetch). A new document gets a release of its own for now; a later
    stage links copies to their origin's release.

    Safe against a concurrent writer inserting the same URL: the insert runs in a
    SAVEPOINT and a unique-constraint violation is answered by re-reading the row.
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    source_id = source_id_for(session, source_key)
    doc = find_document(session, item.canonical_url)
    if doc is None:
        try:
            with session.begin_nested():
                _insert(session, item, run_id, source_id, role)
            return StoreResult.CREATED
        except IntegrityError:
            doc = find_document(session, item.canonical_url)
            if doc is None:
                raise  # not the race on canonical_url: a real error
    return _update(session, doc, item, run_id, source_id, role)


def sync_sources(session: Session, registry: Registry) -> None:
    """Mirror the registry's entries into ``sources`` (insert new keys, refresh changed ones).

    Sources that left the registry stay: documents may still point at them.
    """
    existing = {s.key: s for s in session.scalars(select(Source))}
    for entry in registry:
        names, hosts = list(entry.names), list(entry.hosts)
        row = existing.get(entry.key)
        if row is None:
            try:
                with session.begin_nested():
                    session.add(Source(key=entry.key, kind=entry.kind, names=names, hosts=hosts))
                continue
            except IntegrityError:
                row = session.scalar(select(Source).where(Source.key == entry.key))
                if row is None:
                    raise
        if (row.kind, row.names, row.hosts) != (entry.kind, names, hosts):
            row.kind, row.names, row.hosts = entry.kind, names, hosts
    session.flush()


def start_run(session: Session, spider: str) -> int:
    run = CrawlRun(spider=spider, started_at=utcnow(), status="running")
    session.add(run)
    session.flush()
    return run.id


def json_safe(value: Any) -> Any:
    """``value`` with datetimes as ISO strings and anything else unknown as ``str``."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _count(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return value if isinstance(value, int) else 0


def finish_run(session: Session, run_id: int, reason: str, stats: Mapping[str, Any]) -> None:
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise LookupError(f"no crawl run {run_id}")
    run.finished_at = utcnow()
    run.status = "finished"
    run.finish_reason = reason
    run.stats = json_safe(dict(stats))
    run.items_scraped = _count(stats, "item_scraped_count")
    run.items_dropped = _count(stats, "item_dropped_count")
    run.documents_created = _count(stats, "manba/store/created")
    run.documents_updated = _count(stats, "manba/store/updated")
    run.documents_unchanged = _count(stats, "manba/store/unchanged")
    run.errors = _count(stats, "log_count/ERROR")
    session.flush()
