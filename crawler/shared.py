"""What a crawl loads once and every component shares: the registry and its name index.

The spider, the attribution and origin pipelines and the store each need the source registry,
and three of them the index of the names it knows. They reach both through the crawler, so the
registry file is read once per crawl (``MANBA_SOURCES_FILE``, default the shipped
``core/sources.toml``) and the name index built once.
"""

from __future__ import annotations

import weakref

from scrapy.crawler import Crawler

from core.attribution import NameIndex
from core.registry import Registry, load_registry
from crawler.config import sources_file

_REGISTRIES: weakref.WeakKeyDictionary[Crawler, Registry] = weakref.WeakKeyDictionary()
_NAMES: weakref.WeakKeyDictionary[Crawler, NameIndex] = weakref.WeakKeyDictionary()


def registry(crawler: Crawler) -> Registry:
    """The crawl's registry, loaded the first time a component asks."""
    found = _REGISTRIES.get(crawler)
    if found is None:
        found = _REGISTRIES[crawler] = load_registry(sources_file(crawler.settings))
    return found


def names(crawler: Crawler) -> NameIndex:
    """The index of the names the crawl's registry knows, built the first time a component asks."""
    found = _NAMES.get(crawler)
    if found is None:
        found = _NAMES[crawler] = NameIndex.from_registry(registry(crawler))
    return found
