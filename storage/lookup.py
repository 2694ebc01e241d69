"""A stored copy found by the URL a user holds, with its comparison (``scrapy changes URL``, the shell's
``changes()``).

A URL is matched as given, as its canonical form (``core.text.urls.canonical_url``: tracking
parameters, AMP and print variants dropped) and against both the canonical URL a document is stored
under and the URL it was fetched from, so a link copied from a browser or from the crawl log finds
the document. When the URL names no copy, :class:`NoComparison` says why in words a command can print.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.syndication.changes import Comparison
from core.text.urls import canonical_url
from storage.changes import comparison_for
from storage.clusters import current_head
from storage.models import Document, Release


class NoComparison(LookupError):
    """``url`` names no stored copy; ``reason`` completes the sentence «URL …», ``stored`` says
    whether the store holds a document there at all."""

    def __init__(self, url: str, reason: str, *, stored: bool) -> None:
        super().__init__(f"{url} {reason}")
        self.url = url
        self.reason = reason
        self.stored = stored


def document_at(session: Session, url: str) -> Document | None:
    """The stored document at ``url``: its canonical URL or the URL it was fetched from."""
    wanted = {url.strip(), canonical_url(url)}
    query = (
        select(Document)
        .where(or_(Document.canonical_url.in_(wanted), Document.url.in_(wanted)))
        .order_by(Document.canonical_url.in_(wanted).desc(), Document.id)
        .limit(1)
    )
    return session.scalars(query).first()


def comparison_at(session: Session, url: str) -> tuple[Document, Comparison]:
    """The stored copy at ``url`` and what it changed against its release's reference as stored now.

    Raises :class:`NoComparison` when there is no document at ``url`` or it is not a copy compared
    with a reference.
    """
    doc = document_at(session, url)
    if doc is None:
        raise NoComparison(url, "is not in the store", stored=False)
    found = comparison_for(session, doc)
    if found is None:
        raise NoComparison(url, _why_not(session, doc), stored=True)
    return doc, found


def _why_not(session: Session, doc: Document) -> str:
    if doc.role != "copy":
        return f"is stored as {doc.role}, not as a copy, so it has no changes against a reference"
    release = session.get(Release, doc.release_id)
    reference = current_head(session, release) if release is not None else None
    if reference is None or reference.id == doc.id:
        return "is its release's reference (the text its copies are compared with)"
    return (
        f"is in {doc.lang!r} and its reference {reference.canonical_url} in {reference.lang!r}: "
        "translations are not compared"
    )
