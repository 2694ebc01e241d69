"""When to fetch a known page again, and how often to poll a source: plain functions, no Scrapy.

Article pages: a page already in the store is not fetched again until a re-check is due.
News pages change most in their first hours, so the wait grows with the page's age when it was
last checked (:func:`recheck_due`); a listing, feed or sitemap entry that says the page changed
after the last check (sitemap ``<lastmod>``, an Atom ``<updated>``) makes it due at once.

Sources: each source is polled again after an interval that adapts to what the last poll
found (:func:`next_interval`), as Media Cloud's feed poller does: when more than two thirds
of the article URLs a poll saw were already known, the source publishes slower than it is
polled and the interval grows; under one third, it shrinks; always between the policy's
minimum (10 minutes) and maximum (24 hours).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RecrawlPolicy:
    """Settings ``MANBA_RECHECK_*`` and ``MANBA_POLL_*`` (minutes) fill it; see README."""

    recheck_young: timedelta = timedelta(hours=3)
    """Wait before re-checking a page that was less than a day old when last checked."""
    recheck_week: timedelta = timedelta(days=1)
    """…less than a week old."""
    recheck_old: timedelta = timedelta(days=30)
    """…older, or of unknown date."""
    poll_min: timedelta = timedelta(minutes=10)
    poll_max: timedelta = timedelta(hours=24)
    poll_start: timedelta = timedelta(hours=1)
    """The interval of a source polled for the first time."""
    poll_factor: float = 1.5

    def __post_init__(self) -> None:
        if not timedelta(0) < self.poll_min <= self.poll_start <= self.poll_max:
            raise ValueError(
                f"poll intervals must satisfy 0 < min <= start <= max, got "
                f"{self.poll_min}, {self.poll_start}, {self.poll_max}"
            )
        if self.poll_factor <= 1:
            raise ValueError(f"poll factor must be > 1, got {self.poll_factor}")


def recheck_after(published_at: datetime | None, checked_at: datetime, policy: RecrawlPolicy) -> timedelta:
    """How long a page checked at ``checked_at`` stays fresh."""
    if published_at is None:
        return policy.recheck_old
    age = checked_at - published_at
    if age < timedelta(days=1):
        return policy.recheck_young
    if age < timedelta(days=7):
        return policy.recheck_week
    return policy.recheck_old


def recheck_due(
    *,
    checked_at: datetime,
    published_at: datetime | None,
    now: datetime,
    policy: RecrawlPolicy,
    changed_hint: datetime | None = None,
) -> bool:
    """Is a stored page, last fetched at ``checked_at``, due to be fetched again?"""
    if changed_hint is not None and changed_hint > checked_at:
        return True
    return now - checked_at >= recheck_after(published_at, checked_at, policy)


def next_interval(current: timedelta | None, seen: int, known: int, policy: RecrawlPolicy) -> timedelta:
    """The interval until a source's next poll, after a poll that saw ``seen`` article URLs of
    which ``known`` were already stored. A poll that saw nothing (listing down, or empty)
    keeps the interval: it says nothing about the source's pace."""
    interval = current or policy.poll_start
    if seen > 0:
        known_share = known / seen
        if known_share > 2 / 3:
            interval = interval * policy.poll_factor
        elif known_share < 1 / 3:
            interval = interval / policy.poll_factor
    return max(policy.poll_min, min(policy.poll_max, interval))
