"""Each copy's changes against its release's reference, kept with the copy (``documents.changes``).

The reference is the release's head (``storage.clusters.current_head``): its origin when it is
stored, else its earliest published document. :func:`refresh_changes` brings one release's copies
up to date and is called by the write path whenever a document is stored or moves, and by
``scrapy recluster``: a copy's changes are worked out when it is linked and again when its
reference changes (a new version, a late origin, another earliest document), and only then —
``documents.changes_key`` says what they were computed from.

The comparison itself is pure (``core.syndication.changes.compare``); this module reads the texts,
the credit phrases attribution stored, the sources' boilerplate lines, and the registry's names (to
recognise a credit line the stored phrases do not cover, such as a release's PR-office signature).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from core.attribution import NameIndex, find_attributions
from core.registry import Registry
from core.registry import Source as RegistrySource
from core.syndication.changes import VERSION, Comparison, CreditFinder, Text, compare
from storage.clusters import current_head, phrases_of
from storage.models import Document, Release, Source

SOURCES_TTL = 60.0
"""Seconds the sources table's names and boilerplate are used before they are read again (a
crawl syncs the registry when it opens; a writer process sees the change within a minute)."""


@dataclass(frozen=True)
class _Sources:
    credits: CreditFinder
    """Credit phrases in a sentence (attribution with the store's names; answers remembered:
    copies of one release leave the same short sentences unpaired)."""
    boilerplate: dict[int, tuple[str, ...]]
    read_at: float


_LOCK = threading.Lock()
_SOURCES: dict[str, _Sources] = {}


def _sources(session: Session) -> _Sources:
    """The store's sources as the comparison needs them: a name index (to recognise a credit
    line the stored phrases do not cover) and each source's boilerplate lines; read once a
    ``SOURCES_TTL`` per process and store."""
    where = str(session.get_bind().engine.url)
    now = time.monotonic()
    with _LOCK:
        known = _SOURCES.get(where)
        if known is not None and now - known.read_at < SOURCES_TTL:
            return known
    rows = session.execute(
        select(Source.id, Source.key, Source.kind, Source.names, Source.boilerplate).order_by(Source.key)
    ).all()
    registry = Registry(
        sources={
            key: RegistrySource(key=key, kind=kind, names=tuple(names), hosts=(key,))
            for _, key, kind, names, _ in rows
            if names
        }
    )
    found = _Sources(
        _credit_finder(NameIndex.from_registry(registry)),
        {i: tuple(lines or ()) for i, _, _, _, lines in rows},
        now,
    )
    with _LOCK:
        _SOURCES[where] = found
    return found


def _credit_finder(names: NameIndex) -> CreditFinder:
    @lru_cache(maxsize=4096)
    def credits(sentence: str) -> tuple[str, ...]:
        return tuple(a.phrase for a in find_attributions(sentence, names).attributions)

    return credits


def changes_key(reference: Document, copy: Document) -> str:
    """What a copy's changes depend on: the rules' version, the reference and both texts."""
    parts = (
        str(VERSION),
        str(reference.id),
        reference.canonical_url,
        reference.title,
        reference.body_hash,
        copy.title,
        copy.body_hash,
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def comparison(
    session: Session,
    reference: Document,
    copy: Document,
    *,
    phrases: dict[int, list[str]] | None = None,
) -> Comparison:
    """The full comparison of a stored copy with a stored reference (rows for a side-by-side
    view included); ``phrases`` is what :func:`refresh_changes` reads once for a whole release."""
    if phrases is None:
        phrases = phrases_of(session, [reference.id, copy.id])
    sources = _sources(session)

    def text(doc: Document) -> Text:
        lines = sources.boilerplate.get(doc.source_id, ()) if doc.source_id is not None else ()
        return Text(doc.canonical_url, doc.title, doc.body, tuple(phrases.get(doc.id, ())), lines)

    return compare(text(reference), text(copy), sources.credits)


def comparison_for(session: Session, copy: Document) -> Comparison | None:
    """The comparison for a stored document, against its release's reference as stored now;
    None when it has none to compare with (it is the reference, or not a copy)."""
    release = session.get(Release, copy.release_id)
    reference = current_head(session, release) if release is not None else None
    if reference is None or not _compared(reference, copy):
        return None
    return comparison(session, reference, copy)


def _compared(reference: Document, doc: Document) -> bool:
    """Only copies get changes, and only against a reference in their language (a translation is
    not a sentence-by-sentence copy)."""
    return doc.role == "copy" and doc.id != reference.id and doc.lang == reference.lang


_COLUMNS = (
    Document.id,
    Document.canonical_url,
    Document.title,
    Document.role,
    Document.lang,
    Document.body_hash,
    Document.source_id,
    Document.changes_key,
    Document.body,
)


def refresh_changes(session: Session, release_id: int, *, members: Sequence[Document] | None = None) -> int:
    """Bring the stored changes of one release's copies up to date; the number recomputed.
    ``members``: every document of the release, when the caller has just read them
    (``storage.clusters.refresh_release`` returns them)."""
    release = session.get(Release, release_id)
    if release is None:
        return 0
    if members is None:
        members = list(
            session.scalars(
                select(Document).where(Document.release_id == release_id).options(load_only(*_COLUMNS))
            )
        )
    reference = current_head(session, release)
    stale: list[tuple[Document, str]] = []
    for doc in members:
        if reference is None or not _compared(reference, doc):
            if doc.changes_key is not None:
                doc.changes, doc.changes_key = None, None
            continue
        key = changes_key(reference, doc)
        if key != doc.changes_key:
            stale.append((doc, key))
    if not stale or reference is None:
        return 0
    phrases = phrases_of(session, [reference.id, *(doc.id for doc, _ in stale)])
    for doc, key in stale:
        doc.changes, doc.changes_key = comparison(session, reference, doc, phrases=phrases).as_dict(), key
    return len(stale)


def refresh_copy_changes(session: Session, doc: Document, reference: Document) -> None:
    """One document's changes against a reference the caller knows to be its release's (a copy
    that joined a release whose reference stays: the other copies' changes stand)."""
    if not _compared(reference, doc):
        doc.changes, doc.changes_key = None, None
        return
    key = changes_key(reference, doc)
    if key != doc.changes_key:
        doc.changes, doc.changes_key = comparison(session, reference, doc).as_dict(), key


def forget_changes(doc: Document) -> None:
    """Make the next :func:`refresh_changes` recompute this copy's changes (its credit phrases
    changed, which the key does not cover)."""
    doc.changes_key = ""
