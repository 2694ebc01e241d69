"""The source registry: which sites Manba knows, how to crawl them, what they are called.

Pure data loading (no Scrapy): a TOML file with one ``[sources.<key>]`` table per
source. See README "Adding a source" for the fields.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from urllib.parse import urlsplit

KINDS = frozenset({"ministry", "agency", "outlet", "government", "newspaper"})
ISSUER_KINDS = frozenset({"ministry", "government"})
"""The kinds of source that issue releases: a page on such a source's own site is an origin."""
# A resource, not a path: under scrapyd the package runs from a zipped egg.
DEFAULT_REGISTRY = resources.files("core") / "sources.toml"


class RegistryError(ValueError):
    """The registry file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class OriginSearch:
    """How to look for a release on an origin site (used when following attributions)."""

    search: str | None = None
    """URL template with ``{query}``; results are read as a listing page."""
    listings: tuple[str, ...] = ()
    """Listing pages to scan by date when the site has no search."""


@dataclass(frozen=True)
class Source:
    key: str
    kind: str
    names: tuple[str, ...]
    hosts: tuple[str, ...]
    page: str | None = None
    """Name of the page object in ``crawler.pages`` (``None``: generic extractor)."""
    render: bool = False
    enabled: bool = True
    listings: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    article_pattern: str | None = None
    """Regex an article URL matches; used on listing pages and sitemaps."""
    max_listing_pages: int = 20
    origin: OriginSearch | None = None
    boilerplate: tuple[str, ...] = ()
    """Lines the source puts inside its article bodies that are not the story (like boxes,
    follow-us lines): never counted as a copy's added sentences."""

    def start_urls(self) -> list[tuple[str, str]]:
        """(kind, url) pairs a crawl of this source starts from."""
        return (
            [("listing", u) for u in self.listings]
            + [("feed", u) for u in self.feeds]
            + [("sitemap", u) for u in self.sitemaps]
        )


@dataclass
class Registry:
    sources: dict[str, Source] = field(default_factory=dict)
    path: Traversable | None = None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.sources.values())

    def __len__(self) -> int:
        return len(self.sources)

    def get(self, key: str) -> Source:
        try:
            return self.sources[key]
        except KeyError:
            raise RegistryError(self.unknown(key)) from None

    def unknown(self, key: str) -> str:
        """Why ``key`` names no source, in one line: the closest keys, not the hundreds it knows."""
        close = difflib.get_close_matches(key, list(self.sources), n=3)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        return f"unknown source {key!r} in {self.path}: {hint}scrapy sources lists the registry's keys"

    def for_url(self, url: str) -> Source | None:
        """The source whose host (or a parent domain of it) serves ``url``."""
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        best: tuple[int, Source] | None = None
        for source in self.sources.values():
            for known in source.hosts:
                matches = host == known or host.endswith("." + known)
                if matches and (best is None or len(known) > best[0]):
                    best = (len(known), source)
        return best[1] if best else None

    def enabled(self) -> list[Source]:
        return [s for s in self.sources.values() if s.enabled]


def _strings(entry: dict[str, object], name: str, key: str) -> tuple[str, ...]:
    value = entry.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RegistryError(f"source {key!r}: {name!r} must be a list of strings")
    return tuple(value)


def _source(key: str, entry: dict[str, object]) -> Source:
    kind = entry.get("kind")
    if kind not in KINDS:
        raise RegistryError(f"source {key!r}: kind must be one of {sorted(KINDS)}, not {kind!r}")
    names = _strings(entry, "names", key)
    hosts = tuple(h.lower() for h in _strings(entry, "hosts", key))
    if not names or not hosts:
        raise RegistryError(f"source {key!r}: 'names' and 'hosts' must not be empty")
    origin = entry.get("origin")
    origin_search = None
    if origin is not None:
        if not isinstance(origin, dict):
            raise RegistryError(f"source {key!r}: 'origin' must be a table")
        search = origin.get("search")
        if search is not None and (not isinstance(search, str) or "{query}" not in search):
            raise RegistryError(f"source {key!r}: origin.search must be a URL template with {{query}}")
        origin_search = OriginSearch(search=search, listings=_strings(origin, "listings", key))
    known = {"kind", "names", "hosts", "page", "render", "enabled", "listings", "feeds",
             "sitemaps", "article_pattern", "max_listing_pages", "origin", "boilerplate"}
    unknown = set(entry) - known
    if unknown:
        raise RegistryError(f"source {key!r}: unknown field(s) {sorted(unknown)}")
    page = entry.get("page")
    pattern = entry.get("article_pattern")
    max_pages = entry.get("max_listing_pages", 20)
    if not isinstance(max_pages, int) or max_pages < 1:
        raise RegistryError(f"source {key!r}: max_listing_pages must be a positive integer")
    return Source(
        key=key,
        kind=str(kind),
        names=names,
        hosts=hosts,
        page=str(page) if page is not None else None,
        render=bool(entry.get("render", False)),
        enabled=bool(entry.get("enabled", True)),
        listings=_strings(entry, "listings", key),
        feeds=_strings(entry, "feeds", key),
        sitemaps=_strings(entry, "sitemaps", key),
        article_pattern=str(pattern) if pattern is not None else None,
        max_listing_pages=max_pages,
        origin=origin_search,
        boilerplate=_strings(entry, "boilerplate", key),
    )


def load_registry(path: str | os.PathLike[str] | None = None) -> Registry:
    """Load the registry at ``path`` (default: ``MANBA_SOURCES_FILE`` or the shipped one)."""
    given = path or os.environ.get("MANBA_SOURCES_FILE")
    chosen: Traversable = Path(given) if given else DEFAULT_REGISTRY
    try:
        data = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistryError(f"source registry not found: {chosen}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"source registry {chosen} is not valid TOML: {exc}") from None
    tables = data.get("sources")
    if not isinstance(tables, dict) or not tables:
        raise RegistryError(f"source registry {chosen} has no [sources.<key>] tables")
    registry = Registry(path=chosen)
    for key, entry in tables.items():
        if not isinstance(entry, dict):
            raise RegistryError(f"source {key!r} must be a table")
        registry.sources[key] = _source(key, entry)
    return registry


def role_for(source: Source | None) -> str:
    """The role of a page by its site alone: ``origin`` on an issuer's site (:data:`ISSUER_KINDS`),
    else ``own``; attribution may still make it a copy."""
    return "origin" if source is not None and source.kind in ISSUER_KINDS else "own"
