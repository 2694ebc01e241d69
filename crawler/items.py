"""The one item Manba's spiders yield.

A dataclass rather than a ``scrapy.Item`` so that page objects, pipelines and the
store share real types (mypy checks them) while itemadapter still lets Scrapy's
feed exports and ``scrapy parse`` treat it like any other item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class ArticleItem:
    url: str
    """The URL the page was fetched from (after redirects)."""
    canonical_url: str
    """rel=canonical / og:url when present, else ``url``; the document's identity."""
    site: str
    """Registry key of the source, or the host name for a host the registry does not know."""
    title: str
    body: str
    """Extracted body as published: paragraphs joined by newlines, boilerplate removed."""
    published_at: datetime | None
    """Timezone-aware; ``None`` only when the page carries no date at all."""
    raw_hash: str
    """sha256 hex digest of the raw response body."""
    fetched_at: datetime
    extractor: str
    """Name of the page object that produced the item ("generic" for the fallback)."""
    author: str | None = None
    lang: str = "fa"
    extra: dict[str, str] = field(default_factory=dict)
