"""The counts of a crawl run, read from its Scrapy stats by one rule for every place that shows
them: the closing table (``crawler/extensions/progress.py``), ``scrapy runs`` (the columns
``storage.runs.finish_run`` fills) and ``scrapy summary``.

**Dropped** is every article page that did not become a stored item, whatever the stage: a fetch
that failed or was refused (robots.txt, the address guard, HTTP errors), a response no page object
could read, and an item a pipeline dropped. Each is counted under ``manba/drop/<reason>`` where it
happens; Scrapy's ``item_dropped_count`` counts only the pipelines' share. **Errors** are the lines
logged at ERROR (``log_count/ERROR``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

DROP_PREFIX = "manba/drop/"
STORE_RESULTS = ("created", "updated", "unchanged")


def count(stats: Mapping[str, Any], key: str) -> int:
    """A counter of ``stats`` (0 when absent or not a count)."""
    value = stats.get(key, 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass(frozen=True)
class RunCounts:
    requested: int
    """Article requests sent (``manba/article/requested``)."""
    drops: dict[str, int]
    """Drop reason → article pages, every stage."""
    dropped_in_pipelines: int
    stored: int
    """Items the store wrote or found unchanged."""
    errors: int

    @classmethod
    def from_stats(cls, stats: Mapping[str, Any]) -> Self:
        drops = {
            k.removeprefix(DROP_PREFIX): count(stats, k) for k in sorted(stats) if k.startswith(DROP_PREFIX)
        }
        return cls(
            requested=count(stats, "manba/article/requested"),
            drops={reason: n for reason, n in drops.items() if n},
            dropped_in_pipelines=count(stats, "item_dropped_count"),
            stored=sum(count(stats, f"manba/store/{result}") for result in STORE_RESULTS),
            errors=count(stats, "log_count/ERROR"),
        )

    @property
    def dropped(self) -> int:
        # A pipeline drop is counted under a reason too; never show fewer than the pipelines' own.
        return max(sum(self.drops.values()), self.dropped_in_pipelines)

    @property
    def dropped_before_pipelines(self) -> int:
        """Failed or refused fetches and responses that were no article page, before any item existed."""
        return max(0, self.dropped - self.dropped_in_pipelines)

    @property
    def refused_everything(self) -> bool:
        """Article pages were asked for, every one was dropped and none stored: whatever else the run
        did, it brought nothing in. Pages skipped as already known or answered 304 Not Modified are
        requested but not dropped, so a re-crawl with nothing new is not caught here."""
        return self.requested > 0 and self.stored == 0 and self.dropped >= self.requested

    def reasons(self) -> str:
        """``robots_txt ×3, http_404 ×1``, most first."""
        ranked = sorted(self.drops.items(), key=lambda kv: (-kv[1], kv[0]))
        return ", ".join(f"{reason} ×{n}" for reason, n in ranked)
