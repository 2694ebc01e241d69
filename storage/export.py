"""The export format of DESIGN §2: one release a line, every document in exactly one.

Reads in keyset-paginated batches (releases by id, then their documents in one
query), so memory stays flat however large the store is. :class:`Selection` narrows it the way
the report's filters do: by the release's day, its source, or release ids.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from storage.models import TRANSLATION, Document, DocumentAttribution, Release, Source
from storage.report import UnknownSource, in_days

BATCH_SIZE = 500
ROLE_ORDER = {"origin": 0, "copy": 1, "own": 2}

DOCUMENT_FIELDS = (
    "url", "site", "title", "published_at", "language", "role", "link", "similarity", "text", "attributions",
    "changes", "evidence",
)  # fmt: skip
CHANGE_COUNTS = ("cut", "added", "reworded", "figures")
CSV_FIELDS = ("release_id", *DOCUMENT_FIELDS[:-2], "origin_url", "kept", *CHANGE_COUNTS)


class UnknownRelease(LookupError):
    """A release id asked for is not in the store."""


@dataclass(frozen=True)
class Selection:
    """Which releases to export. ``since``/``until``: whole Tehran days, inclusive, compared with the
    release's date as the report has it (its origin's publication time, else its first document's,
    else when that document was first seen); ``source``: a registry key; ``releases``: release ids."""

    since: date | None = None
    until: date | None = None
    source: str | None = None
    releases: frozenset[int] = frozenset()

    def dated(self, docs: list[Document]) -> bool:
        if self.since is None and self.until is None:
            return True
        zero = docs[0]
        return in_days(zero.published_at or zero.first_seen_at, self.since, self.until)


EVERYTHING = Selection()


def _iso(doc: Document) -> str | None:
    local = doc.published_local()
    return local.isoformat() if local is not None else None


def attribution_dict(row: DocumentAttribution) -> dict[str, str | None]:
    return {"source": row.source_key, "name": row.name, "kind": row.kind, "phrase": row.phrase}


def document_dict(doc: Document, attributions: list[DocumentAttribution] | None = None) -> dict[str, Any]:
    """One entry of a release's ``documents`` list.

    ``url`` is the canonical URL (the document's identity); ``published_at`` is
    given in the UTC offset the page itself used; ``attributions`` are the chain's
    rows in position order (nearest source first); ``changes`` is what a copy changed against
    its release's reference (``storage.changes``), null for every other role. ``language`` is
    the ISO 639-1 code of the page; ``link`` says how a copy was linked — ``translation`` for a
    retelling in another language (``storage.translations``), whose ``evidence`` is the stored
    evidence of the link, ``text`` for every other copy — and is null for the other roles.
    """
    return {
        "url": doc.canonical_url,
        "site": doc.site,
        "title": doc.title,
        "published_at": _iso(doc),
        "language": doc.lang,
        "role": doc.role,
        "link": link_of(doc),
        "similarity": doc.similarity,
        "text": doc.body,
        "attributions": [attribution_dict(a) for a in attributions or []],
        "changes": doc.changes if doc.role == "copy" else None,
        "evidence": doc.link_evidence if doc.link == TRANSLATION else None,
    }


def link_of(doc: Document) -> str | None:
    """How a document joined its release: ``translation``, ``text`` (any other copy), or None."""
    if doc.role != "copy":
        return None
    return TRANSLATION if doc.link == TRANSLATION else "text"


def _source_keys(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Source.id, Source.key)).all())


def _sort_key(doc: Document) -> tuple[int, str, int]:
    published = doc.published_at.isoformat() if doc.published_at is not None else "~"
    return (ROLE_ORDER.get(doc.role, 9), published, doc.id)


_Batch = tuple[list[Release], dict[int, list[Document]], dict[int, list[DocumentAttribution]]]


def _releases_query(session: Session, selection: Selection) -> Select[Any]:
    """Releases in the selection's source and ids (dates need their documents: checked later).

    Raises :class:`UnknownSource` or :class:`UnknownRelease` for a key or an id the store lacks."""
    query = select(Release)
    if selection.source is not None:
        source_id = session.scalar(select(Source.id).where(Source.key == selection.source))
        if source_id is None:
            raise UnknownSource(selection.source)
        query = query.where(Release.source_id == source_id)
    if selection.releases:
        known = set(session.scalars(select(Release.id).where(Release.id.in_(selection.releases))))
        missing = sorted(selection.releases - known)
        if missing:
            raise UnknownRelease(missing[0])
        query = query.where(Release.id.in_(selection.releases))
    return query


def _release_batches(session: Session, selection: Selection) -> Iterator[_Batch]:
    chosen = _releases_query(session, selection)
    last_id = 0
    while True:
        releases = list(
            session.scalars(chosen.where(Release.id > last_id).order_by(Release.id).limit(BATCH_SIZE))
        )
        if not releases:
            return
        last_id = releases[-1].id
        documents: dict[int, list[Document]] = defaultdict(list)
        ids = [r.id for r in releases]
        for doc in session.scalars(select(Document).where(Document.release_id.in_(ids))):
            documents[doc.release_id].append(doc)
        chains: dict[int, list[DocumentAttribution]] = defaultdict(list)
        rows = session.scalars(
            select(DocumentAttribution)
            .join(Document, Document.id == DocumentAttribution.document_id)
            .where(Document.release_id.in_(ids))
            .order_by(DocumentAttribution.document_id, DocumentAttribution.position)
        )
        for row in rows:
            chains[row.document_id].append(row)
        yield releases, documents, chains
        session.expunge_all()


def iter_releases(session: Session, selection: Selection = EVERYTHING) -> Iterator[dict[str, Any]]:
    """One DESIGN §2 export object per release that has documents, in the selection, ordered by
    release id.

    Documents are listed origin first, then by publication time.
    """
    sources = _source_keys(session)
    for releases, documents, chains in _release_batches(session, selection):
        for release in releases:
            docs = sorted(documents.get(release.id, []), key=_sort_key)
            if not docs or not selection.dated(docs):
                continue
            origin = next((d for d in docs if d.id == release.origin_document_id), None)
            if origin is None and release.origin_document_id is not None:
                origin = session.get(Document, release.origin_document_id)
            yield {
                "release_id": release.id,
                "title": release.title,
                "source": sources.get(release.source_id) if release.source_id is not None else None,
                "origin": (
                    {
                        "url": origin.canonical_url,
                        "site": origin.site,
                        "title": origin.title,
                        "published_at": _iso(origin),
                    }
                    if origin is not None
                    else None
                ),
                "documents": [document_dict(d, chains.get(d.id)) for d in docs],
            }


def iter_document_rows(session: Session, selection: Selection = EVERYTHING) -> Iterator[dict[str, Any]]:
    """One flat row per document (``CSV_FIELDS``), in the order of :func:`iter_releases`.

    ``attributions`` is a JSON string, since CSV has no lists; ``origin_url`` is the URL of
    the release's origin document (empty when it has none); a copy's changes are given as
    ``kept`` and the number of cut, added and reworded sentences and changed figures (empty for
    other roles).
    """
    for release in iter_releases(session, selection):
        origin = release["origin"]
        for doc in release["documents"]:
            row = {"release_id": release["release_id"], **doc}
            row["attributions"] = json.dumps(doc["attributions"], ensure_ascii=False)
            row["origin_url"] = origin["url"] if origin is not None else None
            row.pop("evidence")
            changes = row.pop("changes")
            row["kept"] = changes["kept"] if changes else None
            for name in CHANGE_COUNTS:
                row[name] = len(changes[name]) if changes else None
            yield row
