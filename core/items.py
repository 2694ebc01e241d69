"""The one item Manba's spiders yield.

A dataclass rather than a ``scrapy.Item`` so that page objects, pipelines and the
store share real types (mypy checks them) while itemadapter still lets Scrapy's
feed exports and ``scrapy parse`` treat it like any other item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.attribution.model import Attribution


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

    # Filled by the pipelines, in order: normalise → attribution → origin → store.
    title_norm: str = ""
    """hazm-normalised title (matching and hashing only; ``title`` stays as published)."""
    body_norm: str = ""
    """hazm-normalised body with credit lines and outlet boilerplate kept (they are removed per use)."""
    attributions: list[Attribution] = field(default_factory=list)
    """The attribution chain, nearest source first (the publisher itself left out)."""
    own_reporting: bool = False
    role: str | None = None
    """``origin`` (a release on its issuer's site), ``copy`` or ``own``; ``None`` until decided."""
    origin: ArticleItem | None = None
    """The original release found by following the attribution; stored first, then this copy is linked."""
    similarity: float | None = None
    """Similarity of this copy's text to ``origin`` (containment of word shingles, 0..1)."""
    origin_status: str | None = None
    """Why ``origin`` is set or not: found, not_found, no_origin_site, disabled, …"""

    @property
    def attributed_source(self) -> str | None:
        """Registry key of the chain's last element (the origin's issuer) when it resolves."""
        return self.attributions[-1].source if self.attributions else None
