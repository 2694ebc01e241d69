"""Releases as clusters of copies: candidate lookup, merging, and each release's canonical head.

Every function takes a Session; the caller frames the transaction. Lookups are indexed
equality probes only — ``documents.norm_hash`` and ``minhash_bands`` (``storage.bands``) — so the
cost of placing one document does not grow with the size of the store (it grows with the
number of documents that really are alike, which verification then bounds per release).

Concurrency: on PostgreSQL :func:`lock_fingerprints` takes transaction-scoped advisory locks
on the document's norm_hash and band hashes (sorted, so two writers never wait on each
other in a cycle) before the lookup, so two processes storing copies of one release at
the same moment are serialised on the band they share, and the second sees the first's
committed rows. Releases about to be joined or merged are then locked with
``SELECT … FOR UPDATE`` and re-read; one merged away meanwhile sends the lookup round again.
SQLite needs none of this: its writers are serialised by ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Executable,
    bindparam,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from core.syndication.decide import Fingerprint, copy_score, copy_similarity, fingerprint
from core.syndication.similarity import COPY_THRESHOLD
from storage.bands import band_candidates, indexed
from storage.models import TRANSLATION, Document, DocumentAttribution, Release, utcnow

MAX_VERIFIED_PER_RELEASE = 3
"""Candidates of one release verified before giving up on it (they are tried best-hit first)."""
MAX_RELEASES = 32
"""Releases considered per lookup, those with most shared bands first."""


class PlacementConflict(RuntimeError):
    """Releases kept being merged away under the lookup: run the item's transaction again."""


# --- fingerprints of stored documents -------------------------------------------------------


def core_rows(session: Session, statement: Executable, params: Mapping[str, Any]) -> list[Any]:
    """Run a statement built once at import on the session's connection: no ORM query to compose
    and compile for each call (most of what a small lookup costs in Python). The session is flushed
    first, as its own queries do, so the statement sees every pending change."""
    session.flush()
    return list(session.connection().execute(statement, params))


_PHRASES = (
    select(DocumentAttribution.document_id, DocumentAttribution.phrase)
    .where(DocumentAttribution.document_id.in_(bindparam("ids", expanding=True)))
    .order_by(DocumentAttribution.document_id, DocumentAttribution.position)
)


def phrases_of(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for doc_id, phrase in core_rows(session, _PHRASES, {"ids": list(ids)}):
            found[doc_id].append(phrase)
    return found


class Fingerprints:
    """Fingerprints of stored documents, computed once per transaction from body and credit phrases."""

    def __init__(self, session: Session, known: Mapping[int, Fingerprint] | None = None) -> None:
        self.session = session
        self.cache: dict[int, Fingerprint] = dict(known or {})

    def __setitem__(self, doc_id: int, value: Fingerprint) -> None:
        self.cache[doc_id] = value

    def get(self, docs: Iterable[Document]) -> dict[int, Fingerprint]:
        """Fingerprints of ``docs``; the credit phrases of those not seen yet are read in one query
        (a fingerprint's parts are computed when first used, so asking for more is cheap)."""
        docs = list(docs)
        missing = [d for d in docs if d.id not in self.cache]
        if missing:
            phrases = phrases_of(self.session, [d.id for d in missing])
            for d in missing:
                self.cache[d.id] = fingerprint(d.body, phrases[d.id])
        return {d.id: self.cache[d.id] for d in docs}

    def one(self, doc: Document) -> Fingerprint:
        return self.get([doc])[doc.id]

    def stored(
        self, body_hashes: Mapping[int, str], norm_hashes: Mapping[int, str | None] | None = None
    ) -> dict[int, Fingerprint]:
        """Fingerprints of stored documents by id → ``body_hash`` (and ``norm_hash``, as stored), without
        loading the documents:
        a body is read only for those whose packed shingles or match text this process does not
        remember (all of them in one query)."""
        missing = [doc_id for doc_id in body_hashes if doc_id not in self.cache]
        if missing:
            phrases = phrases_of(self.session, missing)
            known = norm_hashes or {}
            made = {
                doc_id: Fingerprint.stored(
                    body_hashes[doc_id], phrases[doc_id], self._body_loader(doc_id), known.get(doc_id)
                )
                for doc_id in missing
            }
            unknown = [doc_id for doc_id, fp in made.items() if not fp.remembered]
            if unknown:
                rows = self.session.execute(
                    select(Document.id, Document.body).where(Document.id.in_(unknown))
                )
                for doc_id, body in rows:
                    made[doc_id].body = body
            self.cache.update(made)
        return {doc_id: self.cache[doc_id] for doc_id in body_hashes}

    def _body_loader(self, doc_id: int) -> Callable[[], str]:
        def load() -> str:
            body = self.session.scalar(select(Document.body).where(Document.id == doc_id))
            if body is None:
                raise LookupError(f"document {doc_id} is gone")
            return body

        return load


# --- locks ----------------------------------------------------------------------------------


def lock_keys(fingerprints: Iterable[Fingerprint]) -> list[int]:
    """The advisory-lock keys of some texts: their indexed band hashes and norm_hash, as signed
    64-bit ints (two texts that could find each other share one of them: a lookup finds nothing
    else)."""
    keys: set[int] = set()
    for fp in fingerprints:
        keys.update(value for _, value in indexed(fp.bands))
        keys.add(int.from_bytes(bytes.fromhex(fp.norm_hash[:16]), "big", signed=True))
    return sorted(keys)


def lock_fingerprints(session: Session, fingerprints: Iterable[Fingerprint]) -> None:
    """PostgreSQL: wait for any transaction placing a document alike (see module docstring)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = lock_keys(fingerprints)
    if keys:
        session.execute(
            text("SELECT count(pg_advisory_xact_lock(k)) FROM unnest(CAST(:keys AS bigint[])) AS k"),
            {"keys": keys},
        )


def lock_releases(session: Session, ids: Iterable[int]) -> set[int]:
    """Lock the release rows (in id order) and return the ids that still exist."""
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    if session.get_bind().dialect.name == "sqlite":
        # BEGIN IMMEDIATE: no other writer can merge them away while this transaction runs, and
        # the caller found them in it.
        return set(wanted)
    rows = session.scalars(
        select(Release.id).where(Release.id.in_(wanted)).order_by(Release.id).with_for_update()
    )
    return set(rows)


# --- candidates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseMatch:
    release_id: int
    has_origin: bool
    score: float
    document_id: int
    """The member the text was verified against."""


_EXACT = (
    select(Document.id, Document.release_id, Release.origin_document_id)
    .join(Release, Release.id == Document.release_id)
    .where(Document.norm_hash == bindparam("norm"))
    .order_by(Document.id)
    .limit(MAX_RELEASES * MAX_VERIFIED_PER_RELEASE)
)
_CANDIDATES = (
    select(
        Document.id, Document.release_id, Document.body_hash, Document.norm_hash, Release.origin_document_id
    )
    .join(Release, Release.id == Document.release_id)
    .where(Document.id.in_(bindparam("ids", expanding=True)))
)


def find_matches(
    session: Session,
    fp: Fingerprint,
    fingerprints: Fingerprints,
    *,
    threshold: float = COPY_THRESHOLD,
    exclude: int | None = None,
    published_at: datetime | None = None,
) -> list[ReleaseMatch]:
    """The releases ``fp`` is a copy of, best first (score, then lowest release id).

    Exact stage: documents with the same norm_hash (score 1.0). Near stage: documents published
    near ``published_at`` (``storage.bands``; any date for an undated one) that share a band,
    verified by the copy decision (``decide.copy_score``); per release the best-hit
    members are tried first and the release is settled by the first that passes.
    """
    by_release: dict[int, ReleaseMatch] = {}
    if fp.norm_hash:
        exact = core_rows(session, _EXACT, {"norm": fp.norm_hash})
        for doc_id, release_id, origin_id in exact:
            if doc_id != exclude and release_id not in by_release:
                by_release[release_id] = ReleaseMatch(release_id, origin_id is not None, 1.0, doc_id)
    hits = band_candidates(session, fp.bands, published_at, exclude)
    if hits:
        # Ids and body hashes only: most candidates' packed shingles are remembered by this process.
        rows = core_rows(session, _CANDIDATES, {"ids": list(hits)})
        members: dict[int, list[tuple[int, bool]]] = {}
        body_hashes: dict[int, str] = {}
        norm_hashes: dict[int, str | None] = {}
        for doc_id, release_id, body_hash, norm_hash, origin_id in rows:
            members.setdefault(release_id, []).append((doc_id, origin_id is not None))
            body_hashes[doc_id], norm_hashes[doc_id] = body_hash, norm_hash
        ranked = sorted(members, key=lambda r: (-max(hits[d] for d, _ in members[r]), r))
        tried = {
            release_id: sorted(members[release_id], key=lambda m: (-hits[m[0]], m[0]))[
                :MAX_VERIFIED_PER_RELEASE
            ]
            for release_id in ranked[:MAX_RELEASES]
            if release_id not in by_release
        }
        prints = fingerprints.stored(
            {doc_id: body_hashes[doc_id] for candidates in tried.values() for doc_id, _ in candidates},
            norm_hashes,
        )
        for release_id, candidates in tried.items():
            for doc_id, has_origin in candidates:
                score = copy_score(fp, prints[doc_id], threshold)
                if score is not None:
                    by_release[release_id] = ReleaseMatch(release_id, has_origin, score, doc_id)
                    break
    return sorted(by_release.values(), key=lambda m: (-m.score, m.release_id))


# --- releases -------------------------------------------------------------------------------


def _published_key(doc: Document) -> tuple[int, float, int]:
    """Undated last; then by the instant of publication (a document not yet read back from the
    store still carries its page's UTC offset, the stored ones UTC: their ISO strings do not sort
    together), then by id."""
    published = doc.published_at.timestamp() if doc.published_at is not None else 0.0
    return (doc.published_at is None, published, doc.id)


def head_of(members: Sequence[Document]) -> Document:
    """The release's canonical document: its origin (the lowest id if, oddly, several), else the
    earliest published (then the lowest id) of the members in the release's own language (a
    translation is never the head while another member is not one)."""
    origins = [d for d in members if d.role == "origin"]
    if origins:
        return min(origins, key=lambda d: d.id)
    return min(members, key=lambda d: (d.link == TRANSLATION, *_published_key(d)))


_ATTRIBUTED = (
    select(DocumentAttribution.document_id, DocumentAttribution.source_id)
    .where(DocumentAttribution.document_id.in_(bindparam("ids", expanding=True)))
    .order_by(DocumentAttribution.document_id, DocumentAttribution.position)
)


def attributed_source_ids(session: Session, ids: Sequence[int]) -> dict[int, int | None]:
    """document id → ``sources.id`` of the last element of its chain (None when unknown)."""
    if not ids:
        return {}
    # The highest position of each document is the last one kept.
    return dict(core_rows(session, _ATTRIBUTED, {"ids": list(ids)}))


def followed(doc: Document) -> bool:
    """Placed by origin following, which measured its similarity against the origin (kept)."""
    return doc.origin_status == "found" and doc.similarity is not None


def release_source_id(
    session: Session, head: Document, members: Sequence[Document],
    attributed: Mapping[int, int | None] | None = None,
) -> int | None:
    """The source a release is credited to: its origin's site, else the end of the first known
    chain (the head's, then the other members' in id order)."""
    if attributed is None:
        attributed = attributed_source_ids(session, [d.id for d in members])
    ordered = [head, *sorted((d for d in members if d.id != head.id), key=lambda d: d.id)]
    candidates = [(d.source_id if d.role == "origin" else None) or attributed.get(d.id) for d in ordered]
    return next((c for c in candidates if c is not None), None)


_MEMBERS = select(Document).where(Document.release_id == bindparam("release"))


def members_of(session: Session, release_id: int) -> list[Document]:
    return list(session.scalars(_MEMBERS, {"release": release_id}))


def refresh_release(
    session: Session,
    release: Release,
    fingerprints: Fingerprints,
    *,
    members: Sequence[Document] | None = None,
    attributed: Mapping[int, int | None] | None = None,
) -> Sequence[Document]:
    """Recompute what a release derives from its members: head (origin, title, text),
    first_seen_at, attributed source, and each member's similarity to the head (a copy
    placed by following keeps the similarity it was measured with against its origin).

    A caller that knows every member, and the :func:`attributed_source_ids` of each, may pass
    them (a release just made for one document) instead of having them read. Returns the
    members (for ``storage.changes.refresh_changes`` next).
    """
    if members is None:
        members = members_of(session, release.id)
    if not members:
        return members
    head = head_of(members)
    release.origin_document_id = head.id if head.role == "origin" else None
    release.title, release.text = head.title, head.body
    release.first_seen_at = min(d.first_seen_at for d in members)
    release.source_id = release_source_id(session, head, members, attributed)
    if len(members) == 1:
        return members
    head_fp = fingerprints.one(head)
    others = [
        d
        for d in members
        if d.id != head.id and d.link != TRANSLATION and not (head.role == "origin" and followed(d))
    ]
    prints = fingerprints.get(others)
    for d in others:
        value = copy_similarity(prints[d.id], head_fp)
        if d.similarity != value:
            d.similarity = value
    return members


def merge_releases(session: Session, winner: int, losers: Iterable[int]) -> None:
    """Move every document of ``losers`` into ``winner`` and delete them (the caller refreshes)."""
    ids = sorted(set(losers) - {winner})
    if not ids:
        return
    session.flush()
    session.execute(
        update(Document).where(Document.release_id.in_(ids)).values(release_id=winner),
        execution_options={"synchronize_session": "fetch"},
    )
    session.execute(
        update(Release).where(Release.id.in_(ids)).values(origin_document_id=None),
        execution_options={"synchronize_session": "fetch"},
    )
    session.execute(
        delete(Release).where(Release.id.in_(ids)), execution_options={"synchronize_session": "fetch"}
    )


@dataclass
class Placement:
    release_id: int | None
    """The release to join (``None``: a release of its own)."""
    merged: list[int] = field(default_factory=list)
    """Releases merged into it."""
    best: ReleaseMatch | None = None


def choose(
    matches: Sequence[ReleaseMatch], *, role: str, origin_release: int | None
) -> tuple[int | None, list[int]]:
    """Which release a document joins and which it merges there, from its verified matches.

    Origin found by following: its release, merging every matched release without an
    origin. An origin: the lowest matched release without an origin (it becomes its head),
    merging the others without one. Anything else: the best-scoring release with an origin,
    else the lowest matched one, merging every matched release without an origin. Two
    releases that each have an origin are never merged.
    """
    free = sorted(m.release_id for m in matches if not m.has_origin)
    if origin_release is not None:
        target: int | None = origin_release
    elif role == "origin":
        target = free[0] if free else None
    else:
        headed = [m for m in matches if m.has_origin]
        target = headed[0].release_id if headed else (free[0] if free else None)
    if target is None:
        return None, []
    return target, [r for r in free if r != target]


def place(
    session: Session,
    fp: Fingerprint,
    fingerprints: Fingerprints,
    *,
    role: str,
    origin_release: int | None = None,
    exclude: int | None = None,
    threshold: float = COPY_THRESHOLD,
    published_at: datetime | None = None,
    attempts: int = 5,
) -> Placement:
    """Find, lock and merge the release a new (or re-placed) document, published at
    ``published_at``, belongs in."""
    for _ in range(attempts):
        matches = find_matches(
            session, fp, fingerprints, threshold=threshold, exclude=exclude, published_at=published_at
        )
        target, merged = choose(matches, role=role, origin_release=origin_release)
        if target is None:
            return Placement(None)
        wanted = {target, *merged}
        if lock_releases(session, wanted) != wanted:
            session.expire_all()  # one was merged away by a concurrent writer: look again
            continue
        merge_releases(session, target, merged)
        best = next((m for m in matches if m.release_id == target), None)
        return Placement(target, merged, best)
    raise PlacementConflict("releases kept changing under the lookup; retry the item")


_TRANSLATION_LAST = func.coalesce(Document.link, "") == TRANSLATION
_HEAD_ORDER = (_TRANSLATION_LAST, Document.published_at.is_(None), Document.published_at, Document.id)
_HEAD = select(Document.id).where(Document.release_id == bindparam("release")).order_by(*_HEAD_ORDER).limit(1)
_HEAD_EXCLUDING = (
    select(Document.id)
    .where(Document.release_id == bindparam("release"), Document.id != bindparam("exclude"))
    .order_by(*_HEAD_ORDER)
    .limit(1)
)
"""Built once and run on the connection; the document is then the session's (already loaded, most
often, by the caller)."""


def current_head(session: Session, release: Release, *, exclude: int | None = None) -> Document | None:
    """The release's head as stored: its origin, else its earliest published member."""
    if release.origin_document_id is not None and release.origin_document_id != exclude:
        return session.get(Document, release.origin_document_id)
    if exclude is None:
        rows = core_rows(session, _HEAD, {"release": release.id})
    else:
        rows = core_rows(session, _HEAD_EXCLUDING, {"release": release.id, "exclude": exclude})
    return session.get(Document, rows[0][0]) if rows else None


def new_release(
    session: Session,
    title: str,
    body: str,
    *,
    first_seen_at: datetime | None = None,
    source_id: int | None = None,
) -> Release:
    """A release row (inserted now, for its id); ``source_id``: the source it will be credited to,
    when the caller knows it (so that the refresh that follows has nothing to update)."""
    release = Release(
        title=title,
        text=body,
        first_seen_at=first_seen_at or utcnow(),
        source_id=source_id,
        origin_document_id=None,
    )
    session.add(release)
    session.flush()
    return release
