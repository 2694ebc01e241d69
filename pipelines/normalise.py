"""Normalised title and body beside the raw ones, with one hazm Normalizer per process."""

from __future__ import annotations

from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from core.items import ArticleItem
from core.text.persian import normalise, warm_up
from crawler.settings_check import read_bool


def normalise_item(item: ArticleItem) -> ArticleItem:
    item.title_norm = normalise(item.title)
    item.body_norm = normalise(item.body)
    return item


class NormalisePipeline:
    """Fills ``title_norm`` and ``body_norm``. Setting: ``MANBA_NORMALISE_ENABLED`` (default on)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not read_bool(crawler.settings, "MANBA_NORMALISE_ENABLED", True):
            raise NotConfigured("MANBA_NORMALISE_ENABLED is off")
        return cls()

    def open_spider(self) -> None:
        warm_up()  # seconds of importing hazm, better before the first page than in the middle

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            normalise_item(item)
        return item
