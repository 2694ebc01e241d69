"""What every Manba spider shares: the registry, and turning an article page into an item.

Spiders only decide what to request next; fields come from page objects.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy_playwright.page import PageMethod

from crawler.items import ArticleItem
from crawler.pages import page_class
from crawler.registry import Registry, Source, load_registry
from crawler.text.urls import canonical_url


def render_meta(source: Source | None, *, article: bool = False) -> dict[str, Any]:
    """Request meta sending a page through Chromium, for sources that need a browser only.

    Article pages wait for the page object's ``render_wait_css`` when it names one, so the
    DOM is read after the site's script has filled it.
    """
    if source is None or not source.render:
        return {}
    meta: dict[str, Any] = {
        "playwright": True,
        "playwright_page_goto_kwargs": {"wait_until": "networkidle"},
    }
    wait_css = page_class(source.page).render_wait_css if article else None
    if wait_css:
        meta["playwright_page_methods"] = [PageMethod("wait_for_selector", wait_css, timeout=15_000)]
    return meta


PAGE_KINDS = ("article", "listing", "feed", "sitemap", "origin_candidate", "origin_listing")
"""``request.meta["manba_page"]``: what a request fetches. Middlewares decide by it (incremental
skips known articles, conditional GETs for listings, feeds and sitemaps, the fetch-once page cache)."""


class ManbaSpider(scrapy.Spider):
    registry: Registry

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ManbaSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.registry = load_registry(crawler.settings.get("MANBA_SOURCES_FILE"))
        spider.check_arguments()
        return spider

    def check_arguments(self) -> None:
        """Validate ``-a`` arguments once the registry is known; raise ValueError with the reason."""

    def article_request(self, url: str, source: Source | None) -> scrapy.Request:
        self.crawler.stats.inc_value("manba/article/requested")
        return scrapy.Request(
            canonical_url(url),
            callback=self.parse_article,
            meta={**render_meta(source, article=True), "manba_page": "article"},
            cb_kwargs={"source_key": source.key if source else None},
        )

    def parse_article(self, response: Response, source_key: str | None = None) -> Iterator[ArticleItem]:
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("manba/skip/not_text")
            content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
            self.logger.warning("not a text page, skipped: %s (%s)", response.url, content_type)
            return
        source = self.registry.get(source_key) if source_key else self.registry.for_url(response.url)
        site = source.key if source else (urlsplit(response.url).hostname or "unknown")
        page = page_class(source.page if source else None)(response, site)
        item = page.to_item()
        self.crawler.stats.inc_value(f"manba/article/extracted/{page.name}")
        yield item
