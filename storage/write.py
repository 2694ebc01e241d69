"""The write path: from one stored item to its rows, top to bottom in this module.

:func:`write_item` (one transaction, run again after a deadlock, waited out through an outage;
or :func:`write_group`, several items in one) → :func:`store_document` (in the caller's
transaction: the origin first, then the item) → :func:`_store` (one document, found by its
canonical URL) → :func:`_insert` or :func:`_update` → :func:`_apply` (the columns). Placing a
document in a release asks ``storage.clusters`` (band lookup verified by the copy decision,
merges, release heads). The rows' helpers (source ids, chains, versions) follow, then
:func:`sync_sources`, which mirrors the registry.

:func:`write_item` is the one function that writes a ``documents`` row; every caller (the store
pipeline, a writer thread, a writer process through :func:`write_group`, a script) goes through it
or, inside a transaction of its own, through :func:`store_document`.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, bindparam, delete, event, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.items import ArticleItem
from core.registry import Registry
from core.syndication.decide import Fingerprint, copy_similarity, fingerprint
from core.syndication.similarity import COPY_THRESHOLD
from storage import translations
from storage.bands import window_date, write_bands
from storage.changes import forget_changes, refresh_changes, refresh_copy_changes
from storage.clusters import (
    Fingerprints,
    Placement,
    attributed_source_ids,
    current_head,
    followed,
    head_of,
    lock_fingerprints,
    new_release,
    place,
    refresh_release,
)
from storage.models import (
    ROLES,
    TRANSLATION,
    Document,
    DocumentAttribution,
    DocumentVersion,
    Release,
    Source,
    utcnow,
)
from storage.outage import DEFAULT_MAX_WAIT, log_wait, through_outage
from storage.retry import in_transaction


class StoreResult(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Stored:
    result: StoreResult
    document_id: int
    release_id: int


def write_item(
    sessions: sessionmaker[Session],
    item: ArticleItem,
    *,
    run_id: int | None,
    source_key: str | None,
    role: str,
    on_retry: Callable[[BaseException], None] | None = None,
    on_outage: Callable[[], None] | None = None,
    max_wait: float = DEFAULT_MAX_WAIT,
    crosslingual: bool = True,
) -> StoreResult:
    """Store one item in one transaction, run again after a deadlock, and waited out while the
    database is unreachable (``storage.outage``: at most ``max_wait`` seconds; the
    transaction is whole, so running it again neither loses nor doubles a row): the whole write
    path, the same in the crawler, a writer thread and a writer process. ``crosslingual``:
    link documents in other languages to the Persian releases they retell (``MANBA_CROSSLINGUAL``)."""

    def store(session: Session) -> StoreResult:
        return store_document(
            session, item, run_id=run_id, source_key=source_key, role=role, crosslingual=crosslingual
        ).result

    return through_outage(
        lambda: in_transaction(sessions, store, on_retry=on_retry),
        max_wait=max_wait,
        on_wait=log_wait(f"storing {item.url}", on_outage),
    )


@dataclass(frozen=True)
class Request:
    """One item for :func:`write_group`, with what :func:`write_item` takes beside it."""

    item: ArticleItem
    run_id: int | None
    source_key: str | None
    role: str
    crosslingual: bool = True


def write_group(
    sessions: sessionmaker[Session],
    requests: Sequence[Request],
    *,
    on_retry: Callable[[BaseException], None] | None = None,
    on_outage: Callable[[], None] | None = None,
    max_wait: float = DEFAULT_MAX_WAIT,
) -> list[StoreResult | Exception]:
    """Store several items in one transaction, in order: what each came to, or the error that kept
    it out of the store.

    A transaction's fixed cost (the commit, its flushes, the lookups of the sources) is paid once
    for the group. Every item is still written by :func:`store_document`, in the order given and
    with a flush after each, so an item sees what the items before it in the group wrote (a copy
    of an earlier item joins its release, as it would one transaction later). The group is run
    again after a deadlock and waited out through an outage, as one item is; when it fails
    otherwise (one bad item rolls the others back with it), each item is written again in a
    transaction of its own by :func:`write_item`, so only the bad one fails. Nothing of the group
    is in the store until it commits: a caller reports the outcomes only after this returns."""
    if len(requests) == 1:
        return [_one(sessions, requests[0], on_retry, on_outage, max_wait)]

    texts = [_texts(r.item) for r in requests]

    def store_all(session: Session) -> list[StoreResult | Exception]:
        # Every lock the group needs, taken at once in key order: two writers taking them item by
        # item, each in its own group's order, wait on each other in a cycle (a deadlock that
        # PostgreSQL breaks by rolling one group back).
        lock_fingerprints(session, [fp for t in texts for fp in t.fingerprints])
        prints = Fingerprints(session)  # candidates recur from item to item: their phrases read once
        results: list[StoreResult | Exception] = []
        for r, t in zip(requests, texts, strict=True):
            stored = store_document(
                session, r.item, run_id=r.run_id, source_key=r.source_key, role=r.role,
                crosslingual=r.crosslingual, prints=prints, texts=t,
            )
            results.append(stored.result)
        return results

    try:
        return through_outage(
            lambda: in_transaction(sessions, store_all, on_retry=on_retry),
            max_wait=max_wait,
            on_wait=log_wait(f"storing {len(requests)} items ({requests[0].item.url}, …)", on_outage),
        )
    except Exception:
        return [_one(sessions, r, on_retry, on_outage, max_wait) for r in requests]


def _one(
    sessions: sessionmaker[Session],
    r: Request,
    on_retry: Callable[[BaseException], None] | None,
    on_outage: Callable[[], None] | None,
    max_wait: float,
) -> StoreResult | Exception:
    try:
        return write_item(
            sessions, r.item, run_id=r.run_id, source_key=r.source_key, role=r.role, on_retry=on_retry,
            on_outage=on_outage, max_wait=max_wait, crosslingual=r.crosslingual,
        )
    except Exception as exc:
        return exc


def store_document(
    session: Session,
    item: ArticleItem,
    *,
    run_id: int | None = None,
    source_key: str | None = None,
    role: str | None = None,
    threshold: float = COPY_THRESHOLD,
    crosslingual: bool = True,
    prints: Fingerprints | None = None,
    texts: _Texts | None = None,
) -> Stored:
    """Insert or update the document for ``item``, keyed by its canonical URL, with its
    attribution chain, and place it in its release; when ``item.origin`` is set, store the
    origin first and put the copy in the origin's release.

    ``item.role`` wins over ``role`` (the caller's fallback). The same page again is
    ``unchanged`` and leaves the rows alone (a changed raw page with the same title, body,
    date and chain counts as unchanged: ads and clocks change every fetch). A changed title
    or body keeps the previous one in ``document_versions``.

    Placement (``storage.clusters``): a new document joins the release of a
    stored document with the same normalised text, or of one sharing a MinHash band that the
    copy decision says it copies or is copied by (``core.syndication.decide.copy_score``);
    releases it matches are merged (the one with an origin wins, else the lowest id); with
    no match it gets a release of its own. An origin found by following overrides the text
    match. A copy once linked stays linked when a later crawl brings no origin: absence
    never unlinks.

    Cross-lingual (``crosslingual``, ``storage.translations``): a document in another language
    that retells a Persian release joins it as a ``translation`` copy; a Persian document that
    starts a release takes in the retellings of it stored before.

    Safe against a concurrent writer: inserts of one URL race in a SAVEPOINT and the loser
    re-reads the row; writers of alike texts are serialised by advisory locks (PostgreSQL)
    or the write lock (SQLite).

    ``prints``: the fingerprints of stored documents known in this transaction (a group's items
    share them); by default, the ones this call reads.

    Returns what happened to the item's row and the release it now sits in.
    """
    wanted_role = item.role or role
    if wanted_role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {wanted_role!r}")
    texts = texts or _texts(item)
    origin, fp, origin_fp = texts.origin, texts.fp, texts.origin_fp
    lock_fingerprints(session, texts.fingerprints)
    prints = prints if prints is not None else Fingerprints(session)
    origin_doc: Document | None = None
    if origin is not None and origin_fp is not None:
        # The origin's site is its registry key when the registry knows it.
        origin_key = origin.site if _known_source_id(session, origin.site) is not None else None
        _, origin_doc = _store(
            session,
            origin,
            run_id=run_id,
            source_key=origin_key,
            role="origin",
            origin=None,
            fp=origin_fp,
            prints=prints,
            threshold=threshold,
            crosslingual=crosslingual,
        )
    result, doc = _store(
        session,
        item,
        run_id=run_id,
        source_key=source_key,
        role=wanted_role,
        origin=origin_doc,
        fp=fp,
        prints=prints,
        threshold=threshold,
        crosslingual=crosslingual,
    )
    return Stored(result, doc.id, doc.release_id)


@dataclass(frozen=True)
class _Texts:
    """An item's fingerprint and its origin's (when it has one of another URL)."""

    fp: Fingerprint
    origin: ArticleItem | None
    origin_fp: Fingerprint | None

    @property
    def fingerprints(self) -> list[Fingerprint]:
        return [self.fp] if self.origin_fp is None else [self.fp, self.origin_fp]


def _texts(item: ArticleItem) -> _Texts:
    origin = (
        item.origin if item.origin is not None and item.origin.canonical_url != item.canonical_url else None
    )
    return _Texts(_fingerprint(item), origin, _fingerprint(origin) if origin is not None else None)


def _fingerprint(item: ArticleItem) -> Fingerprint:
    return fingerprint(item.body, [a.phrase for a in item.attributions])


def _store(
    session: Session,
    item: ArticleItem,
    *,
    run_id: int | None,
    source_key: str | None,
    role: str,
    origin: Document | None,
    fp: Fingerprint,
    prints: Fingerprints,
    threshold: float,
    crosslingual: bool,
) -> tuple[StoreResult, Document]:
    source_id = source_id_for(session, source_key)

    def wanted_for(doc: Document | None) -> _Wanted:
        if origin is not None:
            return _Wanted(source_id, "copy", item.origin_status, origin.release_id, item.similarity)
        linked = _linked_release(session, doc) if doc is not None and role != "origin" else None
        if linked is not None and doc is not None:
            # Absence never unlinks: this crawl did not (or could not) follow the origin.
            status = doc.origin_status if doc.role == "copy" else item.origin_status
            return _Wanted(source_id, doc.role, status, None, linked=True)
        return _Wanted(source_id, role, item.origin_status, None)

    doc = find_document(session, item.canonical_url)
    if doc is None:
        try:
            with session.begin_nested():
                return StoreResult.CREATED, _insert(
                    session, item, run_id, wanted_for(None), fp, prints, threshold, crosslingual
                )
        except IntegrityError:
            doc = find_document(session, item.canonical_url)
            if doc is None:
                raise  # not the race on canonical_url: a real error
    result = _update(session, doc, item, run_id, wanted_for(doc), fp, prints, threshold, crosslingual)
    return result, doc


@dataclass(frozen=True)
class _Wanted:
    """What the row should hold once ``item`` is stored (the columns that count as content)."""

    source_id: int | None
    role: str
    origin_status: str | None
    release_id: int | None
    """The origin's release to join, or ``None`` for wherever the text places it."""
    similarity: float | None = None
    """Measured by origin following against the origin (kept); ``None``: the store measures it."""
    linked: bool = False
    """Already a copy in another document's (an origin's) release: stays there."""


def _linked_release(session: Session, doc: Document) -> Release | None:
    """The origin's release ``doc`` sits in as a copy, or the release it was linked to as a
    translation, if it does."""
    release = session.get(Release, doc.release_id)
    if release is None:
        return None
    if doc.link == TRANSLATION:
        return release
    if release.origin_document_id in (None, doc.id):
        return None
    return release


def _insert(
    session: Session,
    item: ArticleItem,
    run_id: int | None,
    wanted: _Wanted,
    fp: Fingerprint,
    prints: Fingerprints,
    threshold: float,
    crosslingual: bool,
) -> Document:
    doc = Document(canonical_url=item.canonical_url, first_seen_at=utcnow())
    _apply(doc, item, run_id, wanted, fp.norm_hash)
    at = window_date(item.published_at, doc.first_seen_at, item.fetched_at)  # the band index's date
    placement = place(
        session,
        fp,
        prints,
        role=wanted.role,
        origin_release=wanted.release_id,
        threshold=threshold,
        published_at=at,
    )
    chain = _chain(item)
    # Held here: the session's identity map keeps objects only while something else does.
    release: Release | None = None
    attributed: int | None = None
    if placement.release_id is None:
        # Its only member is this document, whose chain is known: nothing to read back, and the
        # source it is credited to is set with the row (``release_source_id`` of one member).
        attributed = _known_source_id(session, chain[-1][0]) if chain else None
        source = (doc.source_id if doc.role == "origin" else None) or attributed
        release = new_release(
            session, item.title, item.body, first_seen_at=doc.first_seen_at, source_id=source
        )
        doc.release_id = release.id
    else:
        doc.release_id = placement.release_id
    session.add(doc)
    session.flush()
    prints[doc.id] = fp
    _replace_chain(session, doc.id, chain, new=True)
    write_bands(session, doc.id, fp.bands, at)
    session.flush()
    fresh = release is not None
    release = release or session.get(Release, doc.release_id)
    assert release is not None
    if fresh:
        refresh_release(session, release, prints, members=[doc], attributed={doc.id: attributed})
    else:
        _settle_new_member(session, doc, prints, placement)
    session.flush()
    if crosslingual:
        translations.after_write(session, doc, prints, started_release=fresh, new=True)
    return doc


def _settle_new_member(session: Session, doc: Document, prints: Fingerprints, placement: Placement) -> None:
    """A document just joined an existing release: refresh what it changes, cheaply when it
    changes nothing but itself (the usual case: a copy joining a release with an origin)."""
    release = session.get(Release, doc.release_id)
    assert release is not None
    head = current_head(session, release, exclude=doc.id)
    if placement.merged or head is None or head_of([head, doc]) is doc:
        members = refresh_release(session, release, prints)
        refresh_changes(session, release.id, members=members)  # the reference may be another now
        return
    if not followed(doc) or head.role != "origin":
        doc.similarity = copy_similarity(prints.one(doc), prints.one(head))
    if release.source_id is None:
        release.source_id = attributed_source_ids(session, [doc.id]).get(doc.id)
    refresh_copy_changes(session, doc, head)  # the reference stays: only this copy's are new


def _update(
    session: Session,
    doc: Document,
    item: ArticleItem,
    run_id: int | None,
    wanted: _Wanted,
    fp: Fingerprint,
    prints: Fingerprints,
    threshold: float,
    crosslingual: bool,
) -> StoreResult:
    chain = _chain(item)
    chain_changed = stored_chain(session, doc.id) != chain
    if not chain_changed and not _content_differs(doc, item, wanted):
        if doc.checked_at is None or item.fetched_at > doc.checked_at:
            doc.checked_at = item.fetched_at  # a re-check that found nothing new
        if doc.role == "copy" and doc.changes_key is None:
            refresh_changes(session, doc.release_id)  # stored before changes were kept (0005)
        return StoreResult.UNCHANGED
    if (doc.title, doc.body) != (item.title, item.body):
        _keep_version(session, doc)
    text_changed = doc.body != item.body or chain_changed or doc.norm_hash != fp.norm_hash
    old_release = session.get(Release, doc.release_id)
    assert old_release is not None  # release_id is a non-null foreign key
    redated = doc.published_at != item.published_at
    _apply(doc, item, run_id, wanted, fp.norm_hash)
    if chain_changed:
        _replace_chain(session, doc.id, chain)
        forget_changes(doc)  # its credit phrases, which its changes leave out, are new
    if text_changed or redated:  # new bands, or the same ones filed under another month
        at = window_date(item.published_at, doc.first_seen_at, item.fetched_at)
        write_bands(session, doc.id, fp.bands, at, replace=True)
    prints[doc.id] = fp
    session.flush()

    target = _moved_to(session, doc, item, wanted, old_release, fp, prints, threshold, text_changed)
    if target is not None and target != old_release.id and session.get(Release, old_release.id) is not None:
        doc.release_id = target
        session.flush()
        if not _has_other_documents(session, old_release.id, doc.id):
            session.delete(old_release)
        else:
            members = refresh_release(session, old_release, prints)
            refresh_changes(session, old_release.id, members=members)
    session.flush()
    release = session.get(Release, doc.release_id)
    assert release is not None
    members = refresh_release(session, release, prints)
    refresh_changes(session, release.id, members=members)
    session.flush()
    if crosslingual and text_changed:
        translations.after_write(session, doc, prints, started_release=current_head(session, release) is doc)
    return StoreResult.UPDATED


def _moved_to(
    session: Session,
    doc: Document,
    item: ArticleItem,
    wanted: _Wanted,
    old_release: Release,
    fp: Fingerprint,
    prints: Fingerprints,
    threshold: float,
    text_changed: bool,
) -> int | None:
    """The release an updated document moves to, or ``None`` when it stays where it is."""
    at = window_date(item.published_at, doc.first_seen_at, item.fetched_at)  # the band index's date
    if wanted.release_id is not None and wanted.release_id != old_release.id:
        # Linked to an origin (or re-linked to another one): move, merging what its text matches.
        return place(
            session,
            fp,
            prints,
            role=wanted.role,
            origin_release=wanted.release_id,
            exclude=doc.id,
            threshold=threshold,
            published_at=at,
        ).release_id
    if wanted.role == "origin" and old_release.origin_document_id not in (None, doc.id):
        # Stored as somebody's copy before, now an origin in its own right: a release of its own
        # (and of the copies its text gathers).
        target = place(
            session, fp, prints, role="origin", exclude=doc.id, threshold=threshold, published_at=at
        ).release_id
        if target is None or target == old_release.id:
            target = new_release(session, item.title, item.body).id
        return target
    if text_changed and not wanted.linked and not _has_other_documents(session, old_release.id, doc.id):
        return place(
            session,
            fp,
            prints,
            role=wanted.role,
            exclude=doc.id,
            threshold=threshold,
            published_at=at,
        ).release_id
    return None


def _has_other_documents(session: Session, release_id: int, doc_id: int) -> bool:
    other = session.scalar(
        select(Document.id).where(Document.release_id == release_id, Document.id != doc_id).limit(1)
    )
    return other is not None


def _keep_version(session: Session, doc: Document) -> None:
    """Save the document's current title and body as a version before they are replaced."""
    latest = session.scalar(
        select(func.max(DocumentVersion.version)).where(DocumentVersion.document_id == doc.id)
    )
    session.add(
        DocumentVersion(
            document_id=doc.id,
            version=(latest or 0) + 1,
            title=doc.title,
            body=doc.body,
            raw_hash=doc.raw_hash,
            published_at=doc.published_at,
            fetched_at=doc.fetched_at,
            replaced_at=utcnow(),
        )
    )


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
        or (wanted.release_id is not None and doc.release_id != wanted.release_id)
        or (wanted.similarity is not None and doc.similarity != wanted.similarity)
    )


def _apply(doc: Document, item: ArticleItem, run_id: int | None, wanted: _Wanted, norm: str) -> None:
    doc.url = item.url
    doc.site = item.site
    doc.source_id = wanted.source_id
    doc.role = wanted.role
    doc.origin_status = wanted.origin_status
    if wanted.similarity is not None:
        doc.similarity = wanted.similarity
    doc.title = item.title
    doc.body = item.body
    doc.body_hash = body_hash(item.body)
    doc.norm_hash = norm
    doc.title_norm = item.title_norm
    doc.body_norm = item.body_norm
    doc.own_reporting = item.own_reporting
    doc.published_at = item.published_at
    doc.published_offset = _offset_seconds(item.published_at)
    doc.author = item.author
    doc.lang = item.lang
    doc.raw_hash = item.raw_hash
    doc.extractor = item.extractor
    doc.fetched_at = doc.checked_at = item.fetched_at
    doc.crawl_run_id = run_id


# --- rows ---------------------------------------------------------------------------------------


def body_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _offset_seconds(value: datetime | None) -> int | None:
    if value is None:
        return None
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"naive published_at {value!r}: the store only takes timezone-aware datetimes")
    return int(offset.total_seconds())


_SOURCE_IDS = "manba_source_ids"


def _stored_source_id(session: Session, key: str) -> int | None:
    """``sources.id`` of ``key``, remembered on the database connection once found: an item asks
    for the same few keys several times, and a writer stores thousands of items. Rows of
    ``sources`` are never deleted nor their ids changed; what a transaction found is forgotten
    when it rolls back (:func:`_forget_source_ids`), in case it found a row it had inserted."""
    ids: dict[str, int] = session.connection().info.setdefault(_SOURCE_IDS, {})
    found = ids.get(key)
    if found is None:
        found = session.scalar(select(Source.id).where(Source.key == key))
        if found is not None:
            ids[key] = found
    return found


@event.listens_for(Engine, "rollback")
def _forget_source_ids(connection: Connection) -> None:
    # An invalidated connection (the database went away) has lost its DBAPI connection, and
    # what was remembered on it with it; asking for its info would raise.
    if not connection.invalidated:
        connection.info.pop(_SOURCE_IDS, None)


@event.listens_for(Engine, "rollback_savepoint")
def _forget_source_ids_in_savepoint(connection: Connection, name: str, context: object) -> None:
    _forget_source_ids(connection)


def source_id_for(session: Session, key: str | None) -> int | None:
    """The ``sources.id`` of a registry key (``None`` for ``None``); unknown keys are an error."""
    if key is None:
        return None
    found = _stored_source_id(session, key)
    if found is None:
        raise LookupError(f"source {key!r} is not in the store's sources table (was sync_sources run?)")
    return found


_DOCUMENT_ID = select(Document.id).where(Document.canonical_url == bindparam("url"))
"""Built once and run on the connection: most items are new pages, and an ORM query through the
session that finds nothing costs several times this Core one."""


def find_document(session: Session, canonical_url: str) -> Document | None:
    session.flush()  # what an ORM query would do first: the Core one sees every pending row
    doc_id = session.connection().scalar(_DOCUMENT_ID, {"url": canonical_url})
    return None if doc_id is None else session.get(Document, doc_id)


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
    )
    return [(key, name, kind, phrase) for key, name, kind, phrase in rows]


def _known_source_id(session: Session, key: str | None) -> int | None:
    """Like :func:`source_id_for`, but a key missing from ``sources`` is ``None``, not an error:
    attribution and origin-following may name keys the store has not mirrored."""
    if key is None:
        return None
    return _stored_source_id(session, key)


_DELETE_CHAIN = delete(DocumentAttribution).where(DocumentAttribution.document_id == bindparam("doc"))
_INSERT_CHAIN = insert(DocumentAttribution)


def _replace_chain(session: Session, document_id: int, chain: list[ChainRow], *, new: bool = False) -> None:
    """Store ``chain`` as the document's (``new``: it has none yet, nothing to delete). Core
    statements on the session's connection, run at once and in order (unique (document_id,
    position)): the rows are never loaded as objects, so the ORM has nothing to track."""
    connection = session.connection()
    if not new:
        connection.execute(_DELETE_CHAIN, {"doc": document_id})
    rows = [
        {
            "document_id": document_id,
            "position": position,
            "source_id": _known_source_id(session, key),
            "source_key": key,
            "name": name,
            "kind": kind,
            "phrase": phrase,
        }
        for position, (key, name, kind, phrase) in enumerate(chain)
    ]
    if rows:
        connection.execute(_INSERT_CHAIN, rows)


def sync_sources(session: Session, registry: Registry) -> None:
    """Mirror the registry's entries into ``sources`` (insert new keys, refresh changed ones).

    Sources that left the registry stay: documents may still point at them.
    """
    existing = {s.key: s for s in session.scalars(select(Source))}
    for entry in registry:
        names, hosts, boilerplate = list(entry.names), list(entry.hosts), list(entry.boilerplate)
        row = existing.get(entry.key)
        if row is None:
            try:
                with session.begin_nested():
                    row = Source(key=entry.key, kind=entry.kind, names=names, hosts=hosts)
                    row.boilerplate = boilerplate
                    session.add(row)
                continue
            except IntegrityError:
                row = session.scalar(select(Source).where(Source.key == entry.key))
                if row is None:
                    raise
        if (row.kind, row.names, row.hosts, row.boilerplate) != (entry.kind, names, hosts, boilerplate):
            row.kind, row.names, row.hosts, row.boilerplate = entry.kind, names, hosts, boilerplate
    session.flush()
