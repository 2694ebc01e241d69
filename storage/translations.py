"""Cross-lingual links in the store: an English or Arabic retelling joins the Persian release it
retells, as a copy with ``link = "translation"`` and the evidence that linked it.

The decision is ``core.syndication.translation``; this module finds what to ask it about. Each
side pays only for itself: a document in another language, and a Persian document that starts a
release (or is an origin), write their figures into ``crosslingual_keys`` (a few rows) — the rest
of the Persian copies write nothing. A retelling looks up the Persian documents published up to
``WINDOW_DAYS`` before it that state at least two of its figures (an indexed probe by key and
time); a new Persian release looks up the retellings stored before it that are not linked yet, and
each of those is decided again with every candidate it now has. Nothing here runs when the
caller's ``crosslingual`` switch (``MANBA_CROSSLINGUAL``) is off.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from core.registry import ISSUER_KINDS
from core.syndication.translation import (
    MIN_FIGURES,
    SKEW_DAYS,
    WINDOW_DAYS,
    Evidence,
    Verdict,
    choose,
    days_between,
    evidence_of,
    index_keys_of,
    judge,
)
from storage.clusters import Fingerprints, core_rows, lock_releases, refresh_release
from storage.models import TRANSLATION, CrossLingualKey, Document, DocumentAttribution, Release, Source

V = TypeVar("V")

MAX_CANDIDATES = 24
"""Persian documents judged per retelling, those sharing most figures first."""
MAX_RETELLINGS = 24
"""Unlinked retellings a new Persian release looks at."""


def after_write(
    session: Session, doc: Document, prints: Fingerprints, *, started_release: bool, new: bool = False
) -> None:
    """What the write path calls once ``doc`` is stored and placed (its text new or changed;
    ``new``: just inserted, so it has no keys yet)."""
    if doc.lang != "fa":
        index(session, doc, new=new)
        if doc.link is None:
            link_retelling(session, doc, prints)
    elif started_release or doc.role == "origin":
        index(session, doc, new=new)
        for other in retellings_near(session, doc):
            link_retelling(session, other, prints)


# --- evidence, remembered ---------------------------------------------------------------------

_REMEMBERED = 4096
_Key = tuple[int, str, str]
"""A stored document's id, body hash and language."""
_evidence: OrderedDict[_Key, Evidence] = OrderedDict()
_keys: OrderedDict[_Key, frozenset[str]] = OrderedDict()
_lock = threading.Lock()


def _remembered(table: OrderedDict[_Key, V], key: _Key, make: Callable[[], V]) -> V:
    with _lock:
        found = table.get(key)
        if found is not None:
            table.move_to_end(key)
            return found
    found = make()
    with _lock:
        table[key] = found
        while len(table) > _REMEMBERED:
            table.popitem(last=False)
    return found


def evidence_for(doc: Document) -> Evidence:
    """The evidence of a stored document (remembered per process by id and body hash: a Persian
    release is judged against many retellings)."""
    return _remembered(
        _evidence,
        (doc.id, doc.body_hash, doc.lang),
        lambda: evidence_of(doc.title, doc.body, doc.lang, doc.published_at),
    )


def index_keys_for(doc: Document) -> frozenset[str]:
    """``evidence_for(doc).index_keys()``, without working out the rest of the evidence when it is
    not remembered: most Persian documents that start a release are indexed and looked up, and
    never judged."""
    key = (doc.id, doc.body_hash, doc.lang)
    with _lock:
        known = _evidence.get(key)
    if known is not None:
        return frozenset(known.index_keys())
    return _remembered(_keys, key, lambda: frozenset(index_keys_of(doc.title, doc.body, doc.published_at)))


def _at(doc: Document) -> datetime:
    return doc.published_at or doc.first_seen_at


def index(session: Session, doc: Document, *, new: bool = False) -> None:
    """Write (or rewrite: unless ``new``) ``doc``'s figure keys."""
    session.flush()
    if not new:
        session.execute(delete(CrossLingualKey).where(CrossLingualKey.document_id == doc.id))
    keys = sorted(index_keys_for(doc))
    if keys:
        persian, at = doc.lang == "fa", _at(doc)
        rows = [{"key": k, "document_id": doc.id, "persian": persian, "at": at} for k in keys]
        session.connection().execute(_INSERT_KEYS, rows)  # Core executemany: nothing for the ORM to track


_INSERT_KEYS = insert(CrossLingualKey)
_SHARED = func.count(CrossLingualKey.key)
_SHARING = (
    select(CrossLingualKey.document_id, _SHARED)
    .where(
        CrossLingualKey.key.in_(bindparam("keys", expanding=True)),
        CrossLingualKey.persian == bindparam("persian"),
        CrossLingualKey.at.between(bindparam("since"), bindparam("until")),
    )
    .group_by(CrossLingualKey.document_id)
    .having(_SHARED >= MIN_FIGURES)
    .order_by(_SHARED.desc(), CrossLingualKey.document_id)
    .limit(bindparam("most"))
)
"""Built once: every Persian document that starts a release asks it."""


def _sharing(session: Session, doc: Document, *, persian: bool) -> list[int]:
    """Ids of the documents on the other side of ``doc`` (Persian ones for a retelling, retellings
    for a Persian document) that share at least ``MIN_FIGURES`` of its figure keys in its time
    window (Persian: up to ``WINDOW_DAYS`` before a retelling), most shared first."""
    keys = index_keys_for(doc)
    if len(keys) < MIN_FIGURES:
        return []
    at = _at(doc)
    before, after = (WINDOW_DAYS, SKEW_DAYS) if persian else (SKEW_DAYS, WINDOW_DAYS)
    params = {
        "keys": sorted(keys),
        "persian": persian,
        "since": at - timedelta(days=before),
        "until": at + timedelta(days=after),
        "most": MAX_CANDIDATES if persian else MAX_RETELLINGS,
    }
    return [doc_id for doc_id, _ in core_rows(session, _SHARING, params)]


def retellings_near(session: Session, doc: Document) -> list[Document]:
    """Unlinked documents in other languages that may retell the Persian ``doc``."""
    ids = _sharing(session, doc, persian=False)
    if not ids:
        return []
    found = session.scalars(select(Document).where(Document.id.in_(ids), Document.link.is_(None)))
    return sorted(found, key=lambda d: d.id)


# --- the link ---------------------------------------------------------------------------------


def link_retelling(session: Session, doc: Document, prints: Fingerprints) -> Verdict | None:
    """Judge the document in another language against the Persian documents stating its figures
    near its date and, when one release is clearly the one it retells, move it there."""
    foreign = evidence_for(doc)
    ids = _sharing(session, doc, persian=True)
    if not ids:
        return None
    candidates = list(session.scalars(select(Document).where(Document.id.in_(ids))))
    credited = _credited(session, doc.id)
    issuers = _issuers(session)
    sources = _release_sources(session, {c.release_id for c in candidates})
    best: dict[int, tuple[Document, Verdict]] = {}
    for persian in candidates:
        if persian.lang != "fa" or (persian.release_id == doc.release_id and persian.link is not None):
            continue
        verdict = judge(
            foreign,
            evidence_for(persian),
            days_after=days_between(doc.published_at, persian.published_at),
            credited=credited,
            release_sources=sources.get(persian.release_id, ()),
            issuers=issuers,
            own_story=persian.role == "own",
        )
        held = best.get(persian.release_id)
        if held is None or verdict.strength > held[1].strength:
            best[persian.release_id] = (persian, verdict)
    chosen = choose([(persian, verdict) for persian, verdict in best.values()])
    if chosen is None:
        return None
    persian, verdict = chosen
    _join(session, doc, persian, verdict, prints)
    return verdict


def _join(session: Session, doc: Document, persian: Document, verdict: Verdict, prints: Fingerprints) -> None:
    """Move ``doc`` into ``persian``'s release as a translation copy."""
    old, target = doc.release_id, persian.release_id
    if lock_releases(session, {old, target}) != {old, target}:
        return  # merged away by a concurrent writer: decided again when the release is written next
    doc.release_id = target
    doc.role = "copy"
    doc.link = TRANSLATION
    doc.link_evidence = {**verdict.as_dict(), "document_id": persian.id, "url": persian.canonical_url}
    doc.similarity = verdict.score
    session.flush()
    if old != target:
        left = session.get(Release, old)
        if left is not None:
            remaining = session.scalar(select(func.count(Document.id)).where(Document.release_id == old))
            if remaining:
                refresh_release(session, left, prints)
            else:
                session.delete(left)
    release = session.get(Release, target)
    assert release is not None
    refresh_release(session, release, prints)
    session.flush()


def _credited(session: Session, doc_id: int) -> str | None:
    """The registry key at the end of the document's chain (its credited origin)."""
    return session.scalar(
        select(DocumentAttribution.source_key)
        .where(DocumentAttribution.document_id == doc_id)
        .order_by(DocumentAttribution.position.desc())
        .limit(1)
    )


def _issuers(session: Session) -> frozenset[str]:
    return frozenset(session.scalars(select(Source.key).where(Source.kind.in_(sorted(ISSUER_KINDS)))))


def _release_sources(session: Session, release_ids: set[int]) -> dict[int, set[str]]:
    """Release id → its source's key and its members' sites (who published or issued it)."""
    found: dict[int, set[str]] = {r: set() for r in release_ids}
    if not release_ids:
        return found
    ids = sorted(release_ids)
    for release_id, key in session.execute(
        select(Release.id, Source.key).join(Source, Source.id == Release.source_id).where(Release.id.in_(ids))
    ):
        found[release_id].add(key)
    for release_id, site in session.execute(
        select(Document.release_id, Document.site).where(Document.release_id.in_(ids)).distinct()
    ):
        found[release_id].add(site)
    return found
