"""What the last crawl did, and how the store compares with ground-truth labels.

Plain functions over a Session returning plain data; ``scrapy summary`` prints them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select
from sqlalchemy.orm import Session, aliased

from core.runstats import RunCounts
from storage.label_scores import (
    AttributionScore,
    ChangeScore,
    ClusterScore,
    OriginLinkScore,
    PrecisionRecall,
    score_attributions,
    score_changes,
    score_clusters,
    score_origin_links,
)
from storage.models import TRANSLATION, CrawlRun, Document, DocumentAttribution, Release


@dataclass
class RunSummary:
    id: int
    spider: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    finish_reason: str | None
    pages_fetched: int
    items_scraped: int
    drops: dict[str, int]
    dropped: int
    """Every stage's drops: what ``scrapy runs`` and the closing table say."""
    errors: int
    created: int
    updated: int
    unchanged: int


def _int(stats: dict[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return value if isinstance(value, int) else 0


def last_run(session: Session) -> RunSummary | None:
    run = session.scalar(select(CrawlRun).order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(1))
    if run is None:
        return None
    stats = run.stats or {}
    counts = RunCounts.from_stats(stats)  # the rule of the closing table and scrapy runs
    return RunSummary(
        id=run.id,
        spider=run.spider,
        status=run.status,
        started_at=run.started_at,
        finished_at=run.finished_at,
        finish_reason=run.finish_reason,
        pages_fetched=_int(stats, "downloader/response_count"),
        items_scraped=_int(stats, "item_scraped_count"),
        drops=counts.drops,
        dropped=counts.dropped,
        errors=counts.errors,
        created=_int(stats, "manba/store/created"),
        updated=_int(stats, "manba/store/updated"),
        unchanged=_int(stats, "manba/store/unchanged"),
    )


def documents_per_site(session: Session, run_id: int | None = None) -> dict[str, tuple[int, int]]:
    """site → (documents stored, of which last written by crawl run ``run_id``)."""
    written: ColumnElement[int] = (
        func.count(Document.id).filter(Document.crawl_run_id == run_id) if run_id is not None else literal(0)
    )
    rows = session.execute(
        select(Document.site, func.count(Document.id), written)
        .group_by(Document.site)
        .order_by(Document.site)
    )
    return {site: (total, by_run) for site, total, by_run in rows}


@dataclass
class LabelReport:
    labelled: int = 0
    stored: int = 0
    per_site: dict[str, tuple[int, int]] = field(default_factory=dict)
    """site → (labelled, of which stored)."""
    missing: list[tuple[str, str]] = field(default_factory=list)
    """(site, url) of labelled articles not in the store."""
    date_mismatches: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    """(url, labelled date, stored date)."""
    attribution: AttributionScore | None = None
    """Stored chains against labelled ones (``None`` when no article has an ``attribution`` label)."""
    origin_links: OriginLinkScore | None = None
    """Labelled copies sitting in their origin's release (``None`` when no label has ``copy_of``)."""
    releases: ClusterScore | None = None
    """Pairwise precision/recall of stored releases against labelled ``release`` groups, over the
    stored labelled articles (``None`` when no label has a ``release`` key)."""
    releases_persian: ClusterScore | None = None
    """The same over Persian pages only: translations of a release share none of its text, so
    no text measure can place them; this is the figure the syndication target is about."""

    changes: ChangeScore | None = None
    """Stored copies' changes against labelled ones (``None`` when no label has ``changes``)."""
    translations: TranslationScore | None = None
    """Cross-lingual links against labelled retellings (``None`` when no label has a ``link``)."""

    @property
    def ok(self) -> bool:
        return not self.missing and not self.date_mismatches


def load_labels(path: str | Path) -> list[dict[str, Any]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, list) or not all(isinstance(a, dict) and "url" in a for a in articles):
        raise ValueError(f'{path}: expected {{"articles": [{{"url": ..., ...}}, ...]}}')
    return articles


def dates_match(label: str | None, stored: datetime | None) -> bool:
    """Whether a labelled date agrees with the stored one (``stored`` in the page's own offset).

    A full timestamp with an offset is compared as an instant; one without an
    offset as wall-clock time on the page; a bare date by calendar day.
    """
    if label is None or stored is None:
        return label is None and stored is None
    if len(label) == 10:
        return date.fromisoformat(label) == stored.date()
    expected = datetime.fromisoformat(label)
    if expected.tzinfo is None:
        return expected.replace(microsecond=0) == stored.replace(tzinfo=None, microsecond=0)
    return expected.replace(microsecond=0) == stored.replace(microsecond=0)


def compare_labels(session: Session, articles: list[dict[str, Any]]) -> LabelReport:
    report = LabelReport(labelled=len(articles))
    urls = [str(a["url"]) for a in articles]
    stored: dict[str, Document] = {}
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        for row in session.scalars(select(Document).where(Document.canonical_url.in_(chunk))):
            stored[row.canonical_url] = row
    labelled_sites: Counter[str] = Counter()
    stored_sites: Counter[str] = Counter()
    for article in articles:
        url, site = str(article["url"]), str(article.get("site") or "?")
        labelled_sites[site] += 1
        doc = stored.get(url)
        if doc is None:
            report.missing.append((site, url))
            continue
        report.stored += 1
        stored_sites[site] += 1
        if "published_at" in article:
            label_date = article["published_at"]
            local = doc.published_local()
            if not dates_match(label_date, local):
                report.date_mismatches.append(
                    (url, label_date, local.isoformat() if local is not None else None)
                )
    report.per_site = {s: (labelled_sites[s], stored_sites[s]) for s in sorted(labelled_sites)}
    ids = [doc.id for doc in stored.values()]
    if any("attribution" in a for a in articles):
        chains = _chains(session, ids)
        report.attribution = score_attributions(
            (chains.get(stored[str(a["url"])].id, []), list(a["attribution"] or []))
            for a in articles
            if "attribution" in a and str(a["url"]) in stored
        )
    if any("copy_of" in a for a in articles):
        origins = _release_origin_urls(session, ids)
        report.origin_links = score_origin_links(
            (str(a["copy_of"]), origins.get(stored[url].id) if url in stored else None)
            for a in articles
            if a.get("role") == "copy" and a.get("copy_of")
            for url in [str(a["url"])]
        )
    if any("release" in a for a in articles):
        report.releases = score_clusters(
            (a.get("release"), stored[str(a["url"])].release_id) for a in articles if str(a["url"]) in stored
        )
        report.releases_persian = score_clusters(
            (a.get("release"), stored[str(a["url"])].release_id)
            for a in articles
            if str(a["url"]) in stored and a.get("lang", "fa") == "fa"
        )
    if any("link" in a for a in articles):
        report.translations = score_translations(articles, stored)
    if any(a.get("changes") for a in articles):
        report.changes = score_changes(
            (stored[url].changes if url in stored else None, a["changes"])
            for a in articles
            if a.get("changes")
            for url in [str(a["url"])]
        )
    return report


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _chains(session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """document id → its stored chain, nearest first, as ``{"source", "name", "kind"}`` dicts."""
    chains: dict[int, list[dict[str, Any]]] = {}
    for chunk in _chunks(ids):
        rows = session.scalars(
            select(DocumentAttribution)
            .where(DocumentAttribution.document_id.in_(chunk))
            .order_by(DocumentAttribution.document_id, DocumentAttribution.position)
        )
        for row in rows:
            chains.setdefault(row.document_id, []).append(
                {"source": row.source_key, "name": row.name, "kind": row.kind}
            )
    return chains


def _release_origin_urls(session: Session, ids: list[int]) -> dict[int, str]:
    """document id → canonical URL of its release's origin document (when the release has one)."""
    origin = aliased(Document)
    found: dict[int, str] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(Document.id, origin.canonical_url)
            .join(Release, Release.id == Document.release_id)
            .join(origin, origin.id == Release.origin_document_id)
            .where(Document.id.in_(chunk))
        )
        found.update(rows.all())
    return found


@dataclass(frozen=True)
class TranslationScore(PrecisionRecall):
    """Documents in other languages linked as translations: ``matched`` sit in the release of the
    page they are labelled to retell (``translation_of``); ``stored`` are all labelled documents
    stored with a translation link, ``labelled`` those labelled ``"link": "translation"``."""

    stored: int = 0
    labelled: int = 0
    matched: int = 0
    negatives: int = 0
    """Labelled hard negatives (``hard_negative``) stored."""
    negatives_linked: int = 0
    """Of those, linked to a release all the same."""


def score_translations(articles: list[dict[str, Any]], stored: dict[str, Document]) -> TranslationScore:
    release_of = {url: doc.release_id for url, doc in stored.items()}
    linked = [a for a in articles if (d := stored.get(str(a["url"]))) is not None and d.link == TRANSLATION]
    matched = [
        a
        for a in linked
        if a.get("link") == TRANSLATION
        and release_of.get(str(a.get("translation_of"))) == release_of[str(a["url"])]
    ]
    negatives = [a for a in articles if a.get("hard_negative") and str(a["url"]) in stored]
    return TranslationScore(
        stored=len(linked),
        labelled=sum(1 for a in articles if a.get("link") == TRANSLATION),
        matched=len(matched),
        negatives=len(negatives),
        negatives_linked=sum(1 for a in negatives if stored[str(a["url"])].link == TRANSLATION),
    )
