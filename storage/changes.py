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
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from core.attribution import NameIndex, find_attributions
from core.registry import Registry
from core.registry import Source as RegistrySource
from core.syndication.changes import VERSION, Comparison, CreditFinder, Text, compare
from storage.clusters import current_head, phrases_of
from storage.models import Document, Release, Source

_LOCK = threading.Lock()
_NAMES: dict[tuple[tuple[str, str, tuple[str, ...]], ...], NameIndex] = {}


def _credit_finder(session: Session) -> CreditFinder:
    """Credit phrases in a sentence, found with the names of the sources the store holds (the
    registry it was crawled with); the name index is built once per process and registry."""
    rows = session.execute(select(Source.key, Source.kind, Source.names).order_by(Source.key)).all()
    signature = tuple((key, kind, tuple(names or ())) for key, kind, names in rows)
    with _LOCK:
        names = _NAMES.get(signature)
        if names is None:
            registry = Registry(
                sources={
                    key: RegistrySource(key=key, kind=kind, names=found, hosts=(key,))
                    for key, kind, found in signature
                    if found
                }
            )
            names = NameIndex.from_registry(registry)
            _NAMES.clear()
            _NAMES[signature] = names

    def credits(sentence: str) -> list[str]:
        return [a.phrase for a in find_attributions(sentence, names).attributions]

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


def _boilerplate(session: Session, source_ids: Sequence[int | None]) -> dict[int, tuple[str, ...]]:
    wanted = sorted({i for i in source_ids if i is not None})
    if not wanted:
        return {}
    rows = session.execute(select(Source.id, Source.boilerplate).where(Source.id.in_(wanted)))
    return {i: tuple(lines or ()) for i, lines in rows}


def comparison(
    session: Session,
    reference: Document,
    copy: Document,
    *,
    phrases: dict[int, list[str]] | None = None,
    boilerplate: dict[int, tuple[str, ...]] | None = None,
    credits: CreditFinder | None = None,
) -> Comparison:
    """The full comparison of a stored copy with a stored reference (rows for a side-by-side
    view included); the optional arguments are what :func:`refresh_changes` reads once for a
    whole release."""
    if phrases is None:
        phrases = phrases_of(session, [reference.id, copy.id])
    if boilerplate is None:
        boilerplate = _boilerplate(session, [reference.source_id, copy.source_id])

    def text(doc: Document) -> Text:
        lines = boilerplate.get(doc.source_id, ()) if doc.source_id is not None else ()
        return Text(doc.canonical_url, doc.title, doc.body, tuple(phrases.get(doc.id, ())), lines)

    return compare(text(reference), text(copy), credits or _credit_finder(session))


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
)


def refresh_changes(session: Session, release_id: int) -> int:
    """Bring the stored changes of one release's copies up to date; the number recomputed."""
    release = session.get(Release, release_id)
    if release is None:
        return 0
    session.flush()
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
    ids = [reference.id, *(doc.id for doc, _ in stale)]
    phrases = phrases_of(session, ids)
    boilerplate = _boilerplate(session, [reference.source_id, *(doc.source_id for doc, _ in stale)])
    credits = _credit_finder(session)
    for doc, key in stale:
        found = comparison(session, reference, doc, phrases=phrases, boilerplate=boilerplate, credits=credits)
        doc.changes, doc.changes_key = found.as_dict(), key
    return len(stale)


def forget_changes(doc: Document) -> None:
    """Make the next :func:`refresh_changes` recompute this copy's changes (its credit phrases
    changed, which the key does not cover)."""
    doc.changes_key = ""
