"""Credited names in the store: the ones the registry does not know yet, and linking them once it does.

Attribution keeps a name it cannot resolve (``attributions.source_key`` NULL) rather than dropping it.
``unknown_names`` groups those by normalised spelling so an operator can see which sources to add to
the registry; ``relink`` gives every such stored credit its source once the registry knows the name
(at the start of a crawl and in ``scrapy recluster``), and re-derives the source of the releases
involved — no page is fetched again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.attribution import NameIndex
from core.attribution.names import bare_name
from core.attribution.normalise import normalise
from storage.clusters import head_of, release_source_id
from storage.models import Document, DocumentAttribution, Release, Source

CHUNK = 500
EXAMPLE_CHARS = 240


@dataclass
class UnknownName:
    """One credited name the registry does not resolve, every spelling of it together."""

    key: str
    """Normalised spelling (head words such as «روزنامه» and PR-office prefixes set aside)."""
    credits: int = 0
    """Attributions carrying it."""
    documents: set[int] = field(default_factory=set)
    spellings: Counter[str] = field(default_factory=Counter)
    outlets: Counter[str] = field(default_factory=Counter)
    """Sites of the documents that credit it, with how many documents each."""
    kinds: Counter[str] = field(default_factory=Counter)
    example_document: int = 0
    example_phrase: str = ""
    example_url: str = ""
    example_line: str = ""

    @property
    def name(self) -> str:
        """The most used spelling; among equals one in Persian letters («ک» not «ك»), then the shortest."""
        return min(self.spellings, key=lambda s: (-self.spellings[s], normalise(s).text != s, len(s), s))

    @property
    def kind(self) -> str | None:
        return self.kinds.most_common(1)[0][0] if self.kinds else None

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "key": self.key,
            "credits": self.credits,
            "documents": len(self.documents),
            "kind": self.kind,
            "spellings": dict(self.spellings.most_common()),
            "outlets": dict(self.outlets.most_common()),
            "example": {"url": self.example_url, "phrase": self.example_phrase, "line": self.example_line},
        }


def _line_around(body: str, phrase: str) -> str:
    """The line of ``body`` that holds ``phrase``, cut to ``EXAMPLE_CHARS`` around it."""
    at = body.find(phrase)
    if at < 0:
        return phrase
    start = body.rfind("\n", 0, at) + 1
    end = body.find("\n", at)
    line = body[start : end if end >= 0 else len(body)].strip()
    if len(line) <= EXAMPLE_CHARS:
        return line
    offset = max(0, min(at - start - EXAMPLE_CHARS // 4, len(line) - EXAMPLE_CHARS))
    cut = line[offset : offset + EXAMPLE_CHARS]
    return ("…" if offset else "") + cut + ("…" if offset + EXAMPLE_CHARS < len(line) else "")


def unknown_names(session: Session) -> list[UnknownName]:
    """Credited names that resolve to no registry source, most credited first."""
    rows = session.execute(
        select(
            DocumentAttribution.name,
            DocumentAttribution.kind,
            DocumentAttribution.phrase,
            Document.id,
            Document.site,
            Document.url,
        )
        .join(Document, Document.id == DocumentAttribution.document_id)
        .where(DocumentAttribution.source_key.is_(None))
        .order_by(Document.id.desc(), DocumentAttribution.position)
        .execution_options(yield_per=CHUNK)
    )
    groups: dict[str, UnknownName] = {}
    for name, kind, phrase, doc_id, site, url in rows:
        key = bare_name(name) or name
        group = groups.setdefault(key, UnknownName(key))
        group.credits += 1
        group.spellings[name] += 1
        if kind:
            group.kinds[kind] += 1
        if doc_id not in group.documents:
            group.documents.add(doc_id)
            group.outlets[site] += 1
        if not group.example_document:  # the most recent document (highest id) is the example
            group.example_document, group.example_phrase, group.example_url = doc_id, phrase, url
    found = sorted(groups.values(), key=lambda g: (-g.credits, -len(g.documents), g.key))
    examples = [g.example_document for g in found]
    bodies: dict[int, str] = {}
    for start in range(0, len(examples), CHUNK):
        chunk = examples[start : start + CHUNK]
        bodies.update(session.execute(select(Document.id, Document.body).where(Document.id.in_(chunk))).all())
    for group in found:
        body = bodies.get(group.example_document)
        group.example_line = _line_around(body, group.example_phrase) if body else group.example_phrase
    return found


@dataclass(frozen=True)
class RelinkReport:
    names: int
    """Distinct stored names that now resolve."""
    attributions: int
    """Stored credits that got their source."""
    releases: int
    """Releases whose source changed."""


def relink(session: Session, names: NameIndex) -> RelinkReport:
    """Give each stored credit without a source the source its name now resolves to.

    Only sources mirrored in ``sources`` (see ``sync_sources``) are linked. The releases of the
    documents whose chain changed get their attributed source derived again.
    """
    ids: dict[str, int] = dict(session.execute(select(Source.key, Source.id)).all())
    stored = session.scalars(
        select(DocumentAttribution.name).where(DocumentAttribution.source_key.is_(None)).distinct()
    ).all()
    resolved = {n: hit for n in stored if (hit := names.resolve(n)) is not None and hit[0] in ids}
    if not resolved:
        return RelinkReport(0, 0, 0)
    documents: set[int] = set()
    count = 0
    for name, (key, kind) in resolved.items():
        where = (DocumentAttribution.name == name, DocumentAttribution.source_key.is_(None))
        holders = session.scalars(select(DocumentAttribution.document_id).where(*where)).all()
        session.execute(
            update(DocumentAttribution).where(*where).values(source_key=key, source_id=ids[key], kind=kind)
            .execution_options(synchronize_session=False)
        )
        documents.update(holders)
        count += len(holders)
    changed = _refresh_sources(session, documents)
    return RelinkReport(len(resolved), count, changed)


def _refresh_sources(session: Session, documents: Iterable[int]) -> int:
    doc_ids = sorted(documents)
    release_ids: set[int] = set()
    for start in range(0, len(doc_ids), CHUNK):
        chunk = doc_ids[start : start + CHUNK]
        release_ids.update(session.scalars(select(Document.release_id).where(Document.id.in_(chunk))))
    members: dict[int, list[Document]] = defaultdict(list)
    ordered = sorted(release_ids)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        for doc in session.scalars(select(Document).where(Document.release_id.in_(chunk))):
            members[doc.release_id].append(doc)
    changed = 0
    for release_id in ordered:
        release = session.get(Release, release_id)
        group = members.get(release_id)
        if release is None or not group:
            continue
        source_id = release_source_id(session, head_of(group), group)
        if release.source_id != source_id:
            release.source_id = source_id
            changed += 1
    session.flush()
    return changed
