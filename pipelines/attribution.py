"""Find each article's attribution chain and decide its role (origin, copy or own story)."""

from __future__ import annotations

from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector

from core.attribution import NameIndex, find_attributions
from core.items import ArticleItem
from core.registry import Registry, role_for
from crawler import shared
from crawler.settings_check import read_bool


def decide_role(item: ArticleItem, registry: Registry) -> str:
    """A release on its issuer's own site is an origin; a credited text a copy; the rest own stories."""
    by_site = role_for(registry.sources.get(item.site))
    if by_site == "origin":
        return by_site
    if item.attributions and not item.own_reporting:
        return "copy"
    return "own"


def attribute_item(item: ArticleItem, names: NameIndex, registry: Registry) -> ArticleItem:
    publisher = item.site if item.site in registry.sources else None
    chain = find_attributions(item.body, names, publisher=publisher)
    item.attributions = list(chain.attributions)
    item.own_reporting = chain.own_reporting
    item.role = decide_role(item, registry)
    if item.role == "origin":
        item.attributions = []  # an issuer's credit on its own site names itself
    return item


class AttributionPipeline:
    """Sets ``attributions``, ``own_reporting`` and ``role``.

    Settings: ``MANBA_ATTRIBUTION_ENABLED`` (default on), ``MANBA_SOURCES_FILE``.
    Stats: ``manba/attribution/{found,none,own,unresolved}``, ``manba/role/<role>``.
    """

    def __init__(
        self, registry: Registry, stats: StatsCollector | None = None, names: NameIndex | None = None
    ) -> None:
        self.registry = registry
        self.names = names or NameIndex.from_registry(registry)
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not read_bool(crawler.settings, "MANBA_ATTRIBUTION_ENABLED", True):
            raise NotConfigured("MANBA_ATTRIBUTION_ENABLED is off")
        return cls(shared.registry(crawler), crawler.stats, shared.names(crawler))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        attribute_item(item, self.names, self.registry)
        if self.stats is not None:
            if item.own_reporting:
                self.stats.inc_value("manba/attribution/own")
            self.stats.inc_value("manba/attribution/found" if item.attributions else "manba/attribution/none")
            if any(a.source is None for a in item.attributions):
                self.stats.inc_value("manba/attribution/unresolved")
            self.stats.inc_value(f"manba/role/{item.role}")
        return item
