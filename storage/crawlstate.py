"""What incremental crawling remembers between crawls, in the store (so every worker of a
distributed crawl shares it): when each known article was last checked, the validators of
listing pages, feeds and sitemaps, and when each source is next due (``core.recrawl``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.recrawl import RecrawlPolicy, next_interval, recheck_due
from storage.models import Document, PageCheck, Release, SourcePoll


@dataclass(frozen=True)
class KnownArticle:
    checked_at: datetime
    published_at: datetime | None


def known_article(session: Session, url: str) -> KnownArticle | None:
    """The stored document fetched from ``url`` (its canonical or its fetched URL), if any."""
    row = session.execute(
        select(Document.checked_at, Document.fetched_at, Document.published_at)
        .where(or_(Document.canonical_url == url, Document.url == url))
        .limit(1)
    ).first()
    if row is None:
        return None
    checked_at, fetched_at, published_at = row
    return KnownArticle(checked_at or fetched_at, published_at)


def linked_to_origin(session: Session, canonical_url: str) -> bool:
    """Is the stored document at ``canonical_url`` a copy already placed in a release that has
    an origin document (found by following or by text)?"""
    row = session.execute(
        select(Document.id, Release.origin_document_id)
        .join(Release, Release.id == Document.release_id)
        .where(Document.canonical_url == canonical_url)
    ).first()
    return row is not None and row[1] is not None and row[1] != row[0]


def due_articles(
    session: Session, sites: Iterable[str], now: datetime, policy: RecrawlPolicy, limit: int
) -> list[str]:
    """Canonical URLs of stored documents of ``sites`` whose re-check is due, least recently
    checked first, at most ``limit``."""
    checked = func.coalesce(Document.checked_at, Document.fetched_at)
    rows = session.execute(
        select(Document.canonical_url, checked, Document.published_at)
        .where(Document.site.in_(list(sites)), checked <= now - policy.recheck_young)
        .order_by(checked)
        .limit(limit * 4)
    )
    due = [
        url
        for url, checked_at, published_at in rows
        if recheck_due(checked_at=checked_at, published_at=published_at, now=now, policy=policy)
    ]
    return due[:limit]


def missing_articles(session: Session, urls: list[str]) -> set[str]:
    """Those of ``urls`` that no stored document was fetched from."""
    wanted = set(urls)
    found: set[str] = set()
    chunk = 500
    for start in range(0, len(urls), chunk):
        part = urls[start : start + chunk]
        rows = session.execute(
            select(Document.canonical_url, Document.url).where(
                or_(Document.canonical_url.in_(part), Document.url.in_(part))
            )
        )
        for canonical, fetched in rows:
            found.update((canonical, fetched))
    return wanted - found


def page_check(session: Session, url: str) -> PageCheck | None:
    return session.get(PageCheck, url)


def record_page_check(
    session: Session,
    url: str,
    *,
    kind: str,
    source_key: str | None,
    status: int,
    etag: str | None,
    last_modified: str | None,
    now: datetime,
) -> None:
    """Remember the outcome of fetching a listing page, feed or sitemap (insert or update; two
    workers recording the same URL at once both succeed)."""
    for _ in range(2):
        row = session.get(PageCheck, url)
        if row is None:
            try:
                with session.begin_nested():
                    session.add(
                        PageCheck(
                            url=url,
                            kind=kind,
                            source_key=source_key,
                            etag=etag,
                            last_modified=last_modified,
                            status=status,
                            checked_at=now,
                            changed_at=now if status == 200 else None,
                        )
                    )
                return
            except IntegrityError:
                continue
        if status == 200:
            if (row.etag, row.last_modified) != (etag, last_modified) or row.status != 200:
                row.changed_at = now
            row.etag, row.last_modified = etag, last_modified
        row.status, row.checked_at, row.kind, row.source_key = status, now, kind, source_key
        session.flush()
        return
    raise RuntimeError(f"could not record the check of {url}")


def due_sources(
    session: Session, keys: Iterable[str], now: datetime
) -> tuple[list[str], dict[str, datetime]]:
    """The keys due for a poll (never polled, or their next poll time has come), and for the
    others when they are next due."""
    keys = list(keys)
    polls = {
        p.source_key: p for p in session.scalars(select(SourcePoll).where(SourcePoll.source_key.in_(keys)))
    }
    due = [k for k in keys if k not in polls or polls[k].next_poll_at <= now]
    later = {k: polls[k].next_poll_at for k in keys if k not in due}
    return due, later


def record_poll(
    session: Session,
    key: str,
    *,
    seen: int,
    known: int,
    run_id: int | None,
    now: datetime,
    policy: RecrawlPolicy,
) -> SourcePoll:
    """Record a poll of source ``key`` and schedule its next one."""
    for _ in range(2):
        poll = session.get(SourcePoll, key)
        current = timedelta(seconds=poll.interval_seconds) if poll is not None else None
        interval = next_interval(current, seen, known, policy)
        values = {
            "interval_seconds": int(interval.total_seconds()),
            "next_poll_at": now + interval,
            "last_polled_at": now,
            "seen": seen,
            "known": known,
            "run_id": run_id,
        }
        if poll is None:
            try:
                with session.begin_nested():
                    poll = SourcePoll(source_key=key, **values)
                    session.add(poll)
                return poll
            except IntegrityError:
                continue
        for name, value in values.items():
            setattr(poll, name, value)
        session.flush()
        return poll
    raise RuntimeError(f"could not record the poll of source {key}")
