"""Close-time checks of a crawl run: plain functions over the run's Scrapy stats.

A scheduled job must fail loudly when a crawl went wrong, so cron, systemd or Kubernetes see it.
Each check returns :class:`CheckFailure` rows; the store records them with the run (status
``failed``) and ``scrapy crawlall`` exits non-zero with their messages.

The checks:

``finish_reason``
    the spider stopped for another reason than ``finished`` (shutdown, memory limit,
    timeout …; ``MANBA_CHECK_FINISH_REASONS`` lists the accepted ones);
``errors``
    more errors were logged than ``MANBA_CHECK_MAX_ERRORS`` (default 10);
``source_unreachable``
    none of a source's listing pages, feeds or sitemaps could be fetched;
``articles_refused``
    article pages were asked for and every one was dropped, none stored (robots.txt, the address
    guard, HTTP errors, pages no page object could read …: ``core.runstats``);
``source_empty``
    a source's pages were fetched and read but showed no article links, when its earlier
    polls usually did (a changed layout or a block page). Incremental crawling makes "no new
    items" normal, so the check looks at the links a source shows, not at new items; pages
    answered 304 Not Modified were not read and say nothing here;
``host_given_up``
    a host refused ``MANBA_RETRY_AFTER_GIVE_UP`` requests in a row (429/503) and was given up
    for the run (``crawler/middlewares/retryafter.py``): whatever else it had was not fetched.

Stats read, per source key ``K`` (written by the ``sources`` spider and the incremental
middleware): ``manba/source/K/start_pages``, ``…/pages_ok``, ``…/pages_failed``,
``…/failure/<reason>``, ``…/seen``; per host ``H`` given up, ``manba/retry_after/gave_up/H`` (its
requests not sent).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from core.runstats import RunCounts


@dataclass(frozen=True)
class CheckFailure:
    check: str
    source: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CheckLimits:
    max_errors: int = 10
    finish_reasons: frozenset[str] = frozenset({"finished"})
    min_history: int = 2
    """Earlier polls needed before ``source_empty`` judges a source."""


def source_stat(stats: Mapping[str, Any], key: str, name: str) -> int:
    value = stats.get(f"manba/source/{key}/{name}", 0)
    return value if isinstance(value, int) else 0


def source_failures(stats: Mapping[str, Any], key: str) -> dict[str, int]:
    """Why a source's pages failed: reason → count (``HTTP 500``, ``TimeoutError`` …)."""
    prefix = f"manba/source/{key}/failure/"
    return {k[len(prefix) :]: v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int)}


def hosts_given_up(stats: Mapping[str, Any]) -> dict[str, int]:
    """Hosts given up for the run after refusing requests in a row → their requests not sent."""
    prefix = "manba/retry_after/gave_up/"
    return {k[len(prefix) :]: v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int)}


def evaluate(
    stats: Mapping[str, Any],
    finish_reason: str,
    sources: Iterable[str],
    history: Mapping[str, Sequence[int]],
    limits: CheckLimits = CheckLimits(),
) -> list[CheckFailure]:
    """Every check that fails for a run. ``history`` maps a source key to the article links
    (``seen``) its earlier polls showed, most recent first."""
    failures: list[CheckFailure] = []
    if finish_reason not in limits.finish_reasons:
        accepted = ", ".join(sorted(limits.finish_reasons))
        failures.append(
            CheckFailure(
                "finish_reason", None, f"the crawl ended with {finish_reason!r} (expected {accepted})"
            )
        )
    errors = stats.get("log_count/ERROR", 0)
    if isinstance(errors, int) and errors > limits.max_errors:
        failures.append(
            CheckFailure("errors", None, f"{errors} errors were logged (limit {limits.max_errors})")
        )
    counts = RunCounts.from_stats(stats)
    if counts.refused_everything:
        failures.append(
            CheckFailure(
                "articles_refused",
                None,
                f"every article page was dropped, none stored: {counts.dropped} of "
                f"{counts.requested} requested ({counts.reasons()})",
            )
        )
    for key in sources:
        ok = source_stat(stats, key, "pages_ok")
        failed = source_stat(stats, key, "pages_failed")
        if ok == 0 and failed > 0:
            why = ", ".join(f"{reason} ×{n}" for reason, n in sorted(source_failures(stats, key).items()))
            failures.append(
                CheckFailure(
                    "source_unreachable",
                    key,
                    f"source {key}: none of its {failed} listing/feed/sitemap pages could be fetched ({why})",
                )
            )
            continue
        past = [n for n in history.get(key, ()) if n >= 0]
        parsed = source_stat(stats, key, "parsed")
        if parsed > 0 and source_stat(stats, key, "seen") == 0 and len(past) >= limits.min_history:
            usual = statistics.median(past)
            if usual > 0:
                failures.append(
                    CheckFailure(
                        "source_empty",
                        key,
                        f"source {key}: its pages showed no article links, where its last {len(past)} "
                        f"polls showed {usual:g} (median); has its layout changed?",
                    )
                )
    for host, unsent in sorted(hosts_given_up(stats).items()):
        failures.append(
            CheckFailure(
                "host_given_up",
                None,
                f"host {host}: given up for the run after refusing requests in a row (429/503); "
                f"{unsent} requests to it not sent",
            )
        )
    return failures
