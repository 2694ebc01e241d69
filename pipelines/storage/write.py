"""Writing to the store. Every function takes a Session; the caller frames the transaction.

:func:`store_document` is the only place a ``documents`` row is written.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crawler.items import ArticleItem
from crawler.registry import Registry
from pipelines.storage.models import ROLES, CrawlRun, Document, DocumentAttribution, Release, Source, utcnow


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


ChainRow = tuple[str | None, str, str | None, str]
"""(source key, name, kind, phrase): one stored chain element, comparable with an item's."""


def _chain(item: ArticleItem) -> list[ChainRow]:
    return [(a.source, a.name, a.kind, a.phrase) for a in item.attributions]


def stored_chain(session: Session, document_id: int) -> list[ChainRow]:
    rows = session.execute(
        select(
            DocumentAttribution.source_key,
            DocumentAttribution.name,
            DocumentAttribution.kind,
            DocumentAttribution.phrase,
        )
        .where(DocumentAttribution.document_id == document_id)
        .order_by(DocumentAttribution.position)
    ).tuples()
    return list(rows)


def _known_source_id(session: Session, key: str | None) -> int | None:
    """Like :func:`source_id_for`, but a key missing from ``sources`` is ``None``, not an error:
    attribution and origin-following may name keys the store has not mirrored."""
    if key is None:
        return None
    return session.scalar(select(Source.id).where(Source.key == key))


def _replace_chain(session: Session, document_id: int, chain: list[ChainRow]) -> None:
    # Core DELETE runs now, before the new rows' INSERTs: unique (document_id, position).
    session.execute(delete(DocumentAttribution).where(DocumentAttribution.document_id == document_id))
    for position, (key, name, kind, phrase) in enumerate(chain):
        session.add(
            DocumentAttribution(
                document_id=document_id,
                position=position,
                source_id=_known_source_id(session, key),
                source_key=key,
                name=name,
                kind=kind,
                phrase=phrase,
            )
        )


@dataclass(frozen=True)
class _Wanted:
    """What the row should hold once ``item`` is stored (the columns that count as content)."""

    source_id: int | None
    role: str
    similarity: float | None
    origin_status: str | None
    release_id: int | None
    """The origin's release to join, or ``None`` for the document's own (current or new) release."""
    release_source_id: int | None
    """The release's attributed source when this document leads it."""


def _content_differs(doc: Document, item: ArticleItem, wanted: _Wanted) -> bool:
    return (
        doc.title != item.title
        or doc.body != item.body
        or doc.published_at != item.published_at
        or doc.published_offset != _offset_seconds(item.published_at)
        or doc.source_id != wanted.source_id
        or doc.role != wanted.role
        or doc.title_norm != item.title_norm
        or doc.body_norm != item.body_norm
        or doc.own_reporting != item.own_reporting
        or doc.origin_status != wanted.origin_status
        or doc.similarity != wanted.similarity
        or (wanted.release_id is not None and doc.release_id != wanted.release_id)
    )


def _apply(doc: Document, item: ArticleItem, run_id: int | None, wanted: _Wanted) -> None:
    doc.url = item.url
    doc.site = item.site
    doc.source_id = wanted.source_id
    doc.role = wanted.role
    doc.similarity = wanted.similarity
    doc.origin_status = wanted.origin_status
    doc.title = item.title
    doc.body = item.body
    doc.body_hash = body_hash(item.body)
    doc.title_norm = item.title_norm
    doc.body_norm = item.body_norm
    doc.own_reporting = item.own_reporting
    doc.published_at = item.published_at
    doc.published_offset = _offset_seconds(item.published_at)
    doc.author = item.author
    doc.lang = item.lang
    doc.raw_hash = item.raw_hash
    doc.extractor = item.extractor
    doc.fetched_at = item.fetched_at
    doc.crawl_run_id = run_id


def _lead_release(release: Release, doc: Document, item: ArticleItem, wanted: _Wanted) -> None:
    """A document that leads its release (its origin, or its only document) gives it title,
    text and attributed source."""
    if wanted.role == "origin":
        release.origin_document_id = doc.id
    release.title = item.title
    release.text = item.body
    if wanted.release_source_id is not None or wanted.role != "origin":
        # An origin from a site the registry does not know keeps a source its copies named.
        release.source_id = wanted.release_source_id


def _insert(session: Session, item: ArticleItem, run_id: int | None, wanted: _Wanted) -> Document:
    now = utcnow()
    doc = Document(canonical_url=item.canonical_url, first_seen_at=now)
    _apply(doc, item, run_id, wanted)
    release: Release | None = None
    if wanted.release_id is None:
        release = Release(title=item.title, text=item.body, first_seen_at=now)
        session.add(release)
        session.flush()
        doc.release_id = release.id
    else:
        doc.release_id = wanted.release_id
    session.add(doc)
    session.flush()
    if release is not None:
        _lead_release(release, doc, item, wanted)
    else:
        _join_release(session, wanted.release_id, wanted)
    _replace_chain(session, doc.id, _chain(item))
    session.flush()
    return doc


def _join_release(session: Session, release_id: int | None, wanted: _Wanted) -> None:
    """A copy joined an origin's release: fill the release's source if the origin left it unknown."""
    release = session.get(Release, release_id)
    if release is not None and release.source_id is None and wanted.release_source_id is not None:
        release.source_id = wanted.release_source_id


def _has_other_documents(session: Session, release_id: int, doc_id: int) -> bool:
    other = session.scalar(
        select(Document.id).where(Document.release_id == release_id, Document.id != doc_id).limit(1)
    )
    return other is not None


def _update(
    session: Session, doc: Document, item: ArticleItem, run_id: int | None, wanted: _Wanted
) -> StoreResult:
    chain = _chain(item)
    chain_changed = stored_chain(session, doc.id) != chain
    if not chain_changed and not _content_differs(doc, item, wanted):
        return StoreResult.UNCHANGED
    old_release = session.get(Release, doc.release_id)
    assert old_release is not None  # release_id is a non-null foreign key
    _apply(doc, item, run_id, wanted)
    if chain_changed:
        _replace_chain(session, doc.id, chain)

    if wanted.release_id is not None and wanted.release_id != old_release.id:
        # Linked to an origin (or re-linked to another one): move, and tidy the release left behind.
        doc.release_id = wanted.release_id
        session.flush()
        _join_release(session, wanted.release_id, wanted)
        if not _has_other_documents(session, old_release.id, doc.id):
            session.delete(old_release)
        elif old_release.origin_document_id == doc.id:
            old_release.origin_document_id = None
    elif wanted.role == "origin" and old_release.origin_document_id not in (None, doc.id):
        # Stored as somebody's copy before, now an origin in its own right: a release of its own.
        release = Release(title=item.title, text=item.body, first_seen_at=utcnow())
        session.add(release)
        session.flush()
        doc.release_id = release.id
        _lead_release(release, doc, item, wanted)
    elif old_release.origin_document_id == doc.id or (
        old_release.origin_document_id is None and not _has_other_documents(session, old_release.id, doc.id)
    ):
        _lead_release(old_release, doc, item, wanted)
    session.flush()
    return StoreResult.UPDATED


def _linked_release(session: Session, doc: Document) -> Release | None:
    """The origin's release ``doc`` sits in as a copy, if it does."""
    release = session.get(Release, doc.release_id)
    if release is None or release.origin_document_id in (None, doc.id):
        return None
    return release


def _store(
    session: Session,
    item: ArticleItem,
    *,
    run_id: int | None,
    source_key: str | None,
    role: str,
    origin: Document | None,
) -> tuple[StoreResult, Document]:
    source_id = source_id_for(session, source_key)
    attributed_id = _known_source_id(session, item.attributed_source)

    def wanted_for(doc: Document | None) -> _Wanted:
        if origin is not None:
            return _Wanted(
                source_id=source_id,
                role="copy",
                similarity=item.similarity,
                origin_status=item.origin_status,
                release_id=origin.release_id,
                release_source_id=attributed_id,
            )
        linked = _linked_release(session, doc) if doc is not None and role != "origin" else None
        if linked is not None and doc is not None:
            # Absence never unlinks: this crawl did not (or could not) follow the origin.
            return _Wanted(
                source_id=source_id,
                role="copy",
                similarity=doc.similarity,
                origin_status=doc.origin_status,
                release_id=linked.id,
                release_source_id=attributed_id,
            )
        release_source = source_id if role == "origin" else attributed_id if role == "copy" else None
        return _Wanted(
            source_id=source_id,
            role=role,
            similarity=item.similarity,
            origin_status=item.origin_status,
            release_id=None,
            release_source_id=release_source,
        )

    doc = find_document(session, item.canonical_url)
    if doc is None:
        try:
            with session.begin_nested():
                return StoreResult.CREATED, _insert(session, item, run_id, wanted_for(None))
        except IntegrityError:
            doc = find_document(session, item.canonical_url)
            if doc is None:
                raise  # not the race on canonical_url: a real error
    return _update(session, doc, item, run_id, wanted_for(doc)), doc


def store_document(
    session: Session,
    item: ArticleItem,
    *,
    run_id: int | None,
    source_key: str | None,
    role: str | None = None,
) -> StoreResult:
    """Insert or update the document for ``item``, keyed by its canonical URL, with its
    attribution chain; when ``item.origin`` is set, store the origin first and link the copy.

    ``item.role`` wins over ``role`` (the caller's fallback). The same page again is
    ``unchanged`` and leaves the rows alone (a changed raw page with the same title, body,
    date and chain counts as unchanged: ads and clocks change every fetch).

    A new document gets a release of its own unless it is a copy of a found origin: then
    it joins the origin's release (an emptied release of its own is deleted). A copy once
    linked stays linked when a later crawl brings no origin: absence never unlinks.

    Safe against a concurrent writer inserting the same URL (this document or the same
    origin): each insert runs in a SAVEPOINT and a unique-constraint violation is
    answered by re-reading the row.
    """
    wanted_role = item.role or role
    if wanted_role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {wanted_role!r}")
    origin_doc: Document | None = None
    origin = item.origin
    if origin is not None and origin.canonical_url != item.canonical_url:
        # The origin's site is its registry key when the registry knows it.
        origin_key = origin.site if _known_source_id(session, origin.site) is not None else None
        _, origin_doc = _store(
            session, origin, run_id=run_id, source_key=origin_key, role="origin", origin=None
        )
    result, _ = _store(
        session, item, run_id=run_id, source_key=source_key, role=wanted_role, origin=origin_doc
    )
    return result


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


def move_to_release(
    session: Session, doc: Document, release_id: int, *, similarity: float, status: str
) -> None:
    """Put a stored copy into another release found after it was stored.

    Copies already gathered in its release without an origin (they copied this copy)
    move with it; a release left empty is deleted.
    """
    old_release = session.get(Release, doc.release_id)
    if old_release is None or old_release.id == release_id:
        return
    doc.role = "copy"
    doc.similarity = similarity
    doc.origin_status = status
    followers = [doc]
    if old_release.origin_document_id is None:
        followers = list(session.scalars(select(Document).where(Document.release_id == old_release.id)))
    for member in followers:
        member.release_id = release_id
    session.flush()
    if not _has_other_documents(session, old_release.id, doc.id):
        session.delete(old_release)
    elif old_release.origin_document_id == doc.id:
        old_release.origin_document_id = None
    session.flush()
