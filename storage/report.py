"""The syndication report's data: who copied which release, how late, and whether they said so.

Plain functions over a Session returning plain data; ``commands.report_html`` renders it and
``scrapy report`` writes the page. Definitions (the README's "Syndication report" repeats them):

- A release's **zero** is its origin document (the press release on the issuer's own site). A
  release whose origin was not crawled takes its earliest document as zero instead
  (``zero_is_origin`` is false) and then every document of it, that one included, is a copy.
- **Copies** are a release's documents other than its origin document, whatever their role: an
  outlet's text that matched a release without crediting anyone is stored as ``own`` and is
  exactly the uncredited copy this report is for.
- A copy's **delay** is its ``published_at`` minus the zero's; when either date is missing both
  sides use ``first_seen_at`` (when the crawler first stored the page) and the copy says so
  (``delay_basis``). A delay can be negative (a copy dated before its origin).
- **Credit** of a copy: ``source`` when its attribution chain names the release's source (any
  position, by registry key), ``other`` when the chain is not empty but never names it (an
  intermediary agency only, or a name the registry does not know), ``none`` when the chain is
  empty. A release whose source is unknown has no ``source`` credits.
- **Attribution coverage** is the share of copies with any credit (``source`` or ``other``).
- An outlet's **median delay** counts only copies of releases with a crawled origin, since a
  delay from the earliest copy says nothing about how late an outlet was.
- Reported releases: those with an origin, a known source, or more than one document. An
  outlet's own single story (no origin, no source, nothing else like it) is counted, and the newest
  ``singles`` of them (``SINGLE_STORIES_SHOWN`` by default) are listed as :class:`Entry` rows.
- A copy's **similarity** is the copy decision's score as stored (``documents.similarity``), and
  each element of its chain carries the **credit phrase** as the text wrote it
  (``attributions.phrase``, e.g. «به گزارش ایسنا»).
- **Filters**: ``since`` / ``until`` are whole days, inclusive, in Tehran time, compared with
  the release's date (its zero's ``published_at``, else ``first_seen_at``); ``source`` is the
  registry key of the release's source.
- A copy's **changes** are what it changed against its release's reference (the origin when
  stored, else the earliest published document: the zero): ``storage.changes.comparison_for`` on
  the two stored texts, the sentence rows of the side-by-side view included. Only documents
  stored as ``copy`` are compared (as ``documents.changes`` holds them); a copy that **changed
  figures** states at least one number, percentage, time or date of the reference differently.
"""

from __future__ import annotations

import heapq
import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.syndication.changes import Comparison
from storage.changes import comparison_for
from storage.models import TRANSLATION, Document, DocumentAttribution, Release, Source

TEHRAN = ZoneInfo("Asia/Tehran")
BATCH_SIZE = 500
SINGLE_STORIES_SHOWN = 200
"""How many single stories (the newest) the report lists; the rest are only counted."""

Credit = Literal["source", "other", "none"]
Basis = Literal["published", "first_seen"]


class UnknownSource(LookupError):
    """``source`` is not a registry key the store knows."""


@dataclass(frozen=True)
class Outlet:
    """A site as the report names it: registry key (or host) and its first registry name."""

    site: str
    name: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.site


@dataclass(frozen=True)
class Credited:
    """One element of a copy's chain, nearest first."""

    name: str
    source: str | None
    phrase: str = ""
    """The credit as the text wrote it (``attributions.phrase``)."""


@dataclass
class Entry:
    """One document of a reported release: its zero, or a copy."""

    document_id: int
    url: str
    outlet: Outlet
    title: str
    role: str
    published_at: datetime | None
    first_seen_at: datetime
    chain: list[Credited] = field(default_factory=list)
    delay_seconds: float = 0.0
    """Seconds after the release's zero (negative: before it)."""
    delay_basis: Basis = "published"
    credit: Credit = "none"
    changes: Comparison | None = None
    """What a copy changed against the release's reference; ``None`` when it was not compared."""
    lang: str = "fa"
    """ISO 639-1 code of the page."""
    link: str | None = None
    """``translation`` for a retelling in another language (``storage.translations``)."""
    evidence: dict[str, Any] | None = None
    """A translation's stored evidence (figures, names, dates that agreed)."""
    similarity: float | None = None
    """The copy decision's score against the release's head (``documents.similarity``); ``None``
    for the head itself and for a copy linked without a text measure."""

    @property
    def changed_figures(self) -> bool:
        return self.changes is not None and bool(self.changes.figures)

    @property
    def phrases(self) -> list[str]:
        """The chain's credit phrases as written, each once, nearest first."""
        return list(dict.fromkeys(c.phrase for c in self.chain if c.phrase))

    @property
    def changed(self) -> bool:
        """Whether the copy was compared and differs from the reference in any way the comparison
        counts: a sentence cut, added or reworded, a figure, or the title."""
        c = self.changes
        return c is not None and bool(c.cut or c.added or c.reworded or c.figures or c.title is not None)


@dataclass
class ReleaseReport:
    release_id: int
    title: str
    source: Outlet | None
    """The release's attributed source (the issuer for an origin); ``None`` when unknown."""
    zero: Entry
    zero_is_origin: bool
    date: datetime
    """The zero's ``published_at``, else its ``first_seen_at`` (``date_basis``); aware UTC."""
    date_basis: Basis
    copies: list[Entry]

    @property
    def outlets(self) -> int:
        return len({c.outlet.site for c in self.copies})

    @property
    def compared(self) -> int:
        """Copies compared with the reference (those stored as ``copy``)."""
        return sum(1 for c in self.copies if c.changes is not None)

    @property
    def figures_changed(self) -> int:
        """Copies that changed at least one figure of the reference."""
        return sum(1 for c in self.copies if c.changed_figures)


@dataclass
class OutletReport:
    outlet: Outlet
    copies: int = 0
    releases: int = 0
    credited_source: int = 0
    credited_other: int = 0
    not_credited: int = 0
    median_delay_seconds: float | None = None
    """Over copies of releases with a crawled origin; ``None`` when there are none."""

    def share(self, count: int) -> float:
        return count / self.copies if self.copies else 0.0


@dataclass
class Coverage:
    copies: int = 0
    credited_source: int = 0
    credited_other: int = 0
    not_credited: int = 0
    first_seen_delays: int = 0
    """Copies whose delay uses ``first_seen_at`` because a date was missing."""
    compared: int = 0
    """Copies compared with their release's reference."""
    figures_changed: int = 0
    """Of those, the copies that changed a figure."""

    @property
    def with_chain(self) -> int:
        return self.credited_source + self.credited_other

    @property
    def share(self) -> float | None:
        """Attribution coverage: the share of copies with any credit (``None`` with no copies)."""
        return self.with_chain / self.copies if self.copies else None


@dataclass
class Report:
    releases: list[ReleaseReport]
    """Newest release first."""
    outlets: list[OutletReport]
    """Most copies first."""
    coverage: Coverage
    own_stories: int
    """Single own stories in the date range (no origin, no source, no copy)."""
    single_stories: list[Entry] = field(default_factory=list)
    """The newest of them, newest first, at most ``singles`` (see :func:`build_report`)."""
    since: date | None = None
    until: date | None = None
    source: Outlet | None = None
    generated_at: datetime | None = None


def build_report(
    session: Session,
    *,
    since: date | None = None,
    until: date | None = None,
    source: str | None = None,
    now: datetime | None = None,
    singles: int = SINGLE_STORIES_SHOWN,
) -> Report:
    """The report over every release (newest first) in the filters; see the module docstring.

    Raises :class:`UnknownSource` when ``source`` is given and the store has no such source.
    """
    sources = {
        row.id: (row.key, Outlet(row.key, _first_name(row.names)))
        for row in session.execute(select(Source.id, Source.key, Source.names))
    }
    outlets_by_key = {key: outlet for key, outlet in sources.values()}
    source_id: int | None = None
    if source is not None:
        source_id = next((sid for sid, (key, _) in sources.items() if key == source), None)
        if source_id is None:
            raise UnknownSource(source)
    releases: list[ReleaseReport] = []
    own_stories = 0
    newest: list[tuple[datetime, int, Entry]] = []  # a min-heap: the oldest kept story on top
    for release, docs in _releases(session, source_id):
        report = release_report(release, docs, sources, outlets_by_key)
        if report is None:
            when = _single_date(docs)
            if in_days(when, since, until):
                own_stories += 1
                kept = (when, docs[0].document_id, docs[0])
                if len(newest) < singles:
                    heapq.heappush(newest, kept)
                elif singles and kept[:2] > newest[0][:2]:
                    heapq.heapreplace(newest, kept)
            continue
        if in_days(report.date, since, until):
            attach_changes(session, report)
            releases.append(report)
    releases.sort(key=lambda r: (r.date, r.release_id), reverse=True)
    return Report(
        releases=releases,
        outlets=outlet_table(releases),
        coverage=coverage(releases),
        own_stories=own_stories,
        single_stories=[entry for *_, entry in sorted(newest, key=lambda k: k[:2], reverse=True)],
        since=since,
        until=until,
        source=outlets_by_key.get(source) if source is not None else None,
        generated_at=now,
    )


@dataclass
class _Release:
    id: int
    title: str
    source_id: int | None
    origin_document_id: int | None


def _releases(session: Session, source_id: int | None) -> Iterator[tuple[_Release, list[Entry]]]:
    """Releases with their documents (bodies never loaded), in id batches."""
    last_id = 0
    while True:
        query = select(Release.id, Release.title, Release.source_id, Release.origin_document_id).where(
            Release.id > last_id
        )
        if source_id is not None:
            query = query.where(Release.source_id == source_id)
        batch = [_Release(*row) for row in session.execute(query.order_by(Release.id).limit(BATCH_SIZE))]
        if not batch:
            return
        last_id = batch[-1].id
        ids = [r.id for r in batch]
        chains: dict[int, list[Credited]] = defaultdict(list)
        for doc_id, name, key, phrase in session.execute(
            select(
                DocumentAttribution.document_id,
                DocumentAttribution.name,
                DocumentAttribution.source_key,
                DocumentAttribution.phrase,
            )
            .join(Document, Document.id == DocumentAttribution.document_id)
            .where(Document.release_id.in_(ids))
            .order_by(DocumentAttribution.document_id, DocumentAttribution.position)
        ):
            chains[doc_id].append(Credited(name, key, phrase))
        docs: dict[int, list[Entry]] = defaultdict(list)
        for row in session.execute(
            select(
                Document.id,
                Document.release_id,
                Document.canonical_url,
                Document.site,
                Document.title,
                Document.role,
                Document.published_at,
                Document.first_seen_at,
                Document.lang,
                Document.link,
                Document.link_evidence,
                Document.similarity,
            ).where(Document.release_id.in_(ids))
        ):
            docs[row.release_id].append(
                Entry(
                    document_id=row.id,
                    url=row.canonical_url,
                    outlet=Outlet(row.site),
                    title=row.title,
                    role=row.role,
                    published_at=row.published_at,
                    first_seen_at=row.first_seen_at,
                    chain=chains.get(row.id, []),
                    lang=row.lang,
                    link=row.link,
                    evidence=row.link_evidence if row.link == TRANSLATION else None,
                    similarity=row.similarity,
                )
            )
        for release in batch:
            if docs.get(release.id):
                yield release, docs[release.id]


def release_report(
    release: _Release,
    docs: Sequence[Entry],
    sources: dict[int, tuple[str, Outlet]],
    outlets_by_key: dict[str, Outlet],
) -> ReleaseReport | None:
    """One release's zero, copies, delays and credits; ``None`` for a single own story."""
    source_key, source = sources.get(release.source_id, (None, None)) if release.source_id else (None, None)
    for doc in docs:
        doc.outlet = outlets_by_key.get(doc.outlet.site, doc.outlet)
    origin = next((d for d in docs if d.document_id == release.origin_document_id), None)
    if origin is None and source is None and len(docs) == 1:
        return None
    ordered = sorted(docs, key=_chronological)
    zero = origin if origin is not None else ordered[0]
    copies = [d for d in ordered if d is not origin]
    for copy in copies:
        copy.delay_seconds, copy.delay_basis = delay(zero, copy)
        copy.credit = credit(copy.chain, source_key)
    when, basis = _date(zero)
    return ReleaseReport(
        release_id=release.id,
        title=release.title,
        source=source,
        zero=zero,
        zero_is_origin=origin is not None,
        date=when,
        date_basis=basis,
        copies=sorted(copies, key=lambda c: (c.delay_seconds, c.document_id)),
    )


def attach_changes(session: Session, release: ReleaseReport) -> None:
    """Each copy's comparison with the release's reference, worked out from the stored texts."""
    for copy in release.copies:
        if copy.role != "copy":
            continue
        doc = session.get(Document, copy.document_id)
        copy.changes = comparison_for(session, doc) if doc is not None else None


def delay(zero: Entry, copy: Entry) -> tuple[float, Basis]:
    """Seconds from ``zero`` to ``copy``: by publication dates, else both first-seen times."""
    if zero.published_at is not None and copy.published_at is not None:
        return (copy.published_at - zero.published_at).total_seconds(), "published"
    return (copy.first_seen_at - zero.first_seen_at).total_seconds(), "first_seen"


def credit(chain: Iterable[Credited], source_key: str | None) -> Credit:
    """``source`` if the chain names ``source_key``, ``other`` if it names anyone, else ``none``."""
    chain = list(chain)
    if source_key is not None and any(c.source == source_key for c in chain):
        return "source"
    return "other" if chain else "none"


def outlet_table(releases: Iterable[ReleaseReport]) -> list[OutletReport]:
    """One row per outlet that copied a reported release; most copies first."""
    rows: dict[str, OutletReport] = {}
    delays: dict[str, list[float]] = defaultdict(list)
    seen: dict[str, set[int]] = defaultdict(set)
    for release in releases:
        for copy in release.copies:
            site = copy.outlet.site
            row = rows.setdefault(site, OutletReport(copy.outlet))
            row.copies += 1
            seen[site].add(release.release_id)
            if copy.credit == "source":
                row.credited_source += 1
            elif copy.credit == "other":
                row.credited_other += 1
            else:
                row.not_credited += 1
            if release.zero_is_origin:
                delays[site].append(copy.delay_seconds)
    for site, row in rows.items():
        row.releases = len(seen[site])
        row.median_delay_seconds = statistics.median(delays[site]) if delays[site] else None
    return sorted(rows.values(), key=lambda r: (-r.copies, r.outlet.site))


def coverage(releases: Iterable[ReleaseReport]) -> Coverage:
    total = Coverage()
    for release in releases:
        for copy in release.copies:
            total.copies += 1
            if copy.credit == "source":
                total.credited_source += 1
            elif copy.credit == "other":
                total.credited_other += 1
            else:
                total.not_credited += 1
            if copy.delay_basis == "first_seen":
                total.first_seen_delays += 1
            if copy.changes is not None:
                total.compared += 1
                total.figures_changed += copy.changed_figures
    return total


def _first_name(names: Any) -> str | None:
    return names[0] if isinstance(names, list) and names and isinstance(names[0], str) else None


def _chronological(doc: Entry) -> tuple[bool, datetime, int]:
    return (doc.published_at is None, doc.published_at or doc.first_seen_at, doc.document_id)


def _date(doc: Entry) -> tuple[datetime, Basis]:
    if doc.published_at is not None:
        return doc.published_at, "published"
    return doc.first_seen_at, "first_seen"


def _single_date(docs: Sequence[Entry]) -> datetime:
    return _date(docs[0])[0]


def in_days(when: datetime, since: date | None, until: date | None) -> bool:
    """Whether ``when`` falls on a Tehran day from ``since`` to ``until`` (inclusive; ``None``: open)."""
    day = when.astimezone(TEHRAN).date()
    return (since is None or day >= since) and (until is None or day <= until)
