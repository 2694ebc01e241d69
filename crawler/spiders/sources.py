"""Crawl registry sources from their listing pages, feeds and sitemaps.

    scrapy crawl sources                    # every enabled source
    scrapy crawl sources -a source=ict,isna # some of them
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.utils.sitemap import Sitemap

from crawler.pages import LISTINGS
from crawler.pages.base import ListingPage
from crawler.registry import RegistryError, Source
from crawler.spiders.base import ManbaSpider, render_meta


class SourcesSpider(ManbaSpider):
    name = "sources"

    def __init__(self, source: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source_arg = source

    def check_arguments(self) -> None:
        keys = [k.strip() for k in self.source_arg.split(",") if k.strip()]
        try:
            self.selected = [self.registry.get(k) for k in keys] if keys else self.registry.enabled()
        except RegistryError as exc:
            raise ValueError(str(exc)) from None
        if not self.selected:
            raise ValueError(f"no enabled source in {self.registry.path}")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        callbacks = {"listing": self.parse_listing, "feed": self.parse_feed, "sitemap": self.parse_sitemap}
        for source in self.selected:
            for kind, url in source.start_urls():
                yield scrapy.Request(url, callback=callbacks[kind],
                                     meta={**render_meta(source), "manba_page": kind},
                                     cb_kwargs={"source_key": source.key, "page_no": 1})

    def _source(self, key: str) -> Source:
        return self.registry.get(key)

    def _is_article(self, source: Source, url: str) -> bool:
        return source.article_pattern is None or re.search(source.article_pattern, url) is not None

    def parse_listing(self, response: Response, source_key: str, page_no: int) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("manba/skip/listing_not_text")
            return
        source = self._source(source_key)
        self.crawler.stats.inc_value(f"manba/listing/pages/{source.key}")
        listing_cls = LISTINGS.get(source.page or "", ListingPage)
        listing = listing_cls(response, source.article_pattern)
        for url in listing.article_urls():
            yield self.article_request(url, source)
        next_url = listing.next_page()
        if next_url and page_no < source.max_listing_pages:
            yield scrapy.Request(next_url, callback=self.parse_listing,
                                 meta={**render_meta(source), "manba_page": "listing"},
                                 cb_kwargs={"source_key": source.key, "page_no": page_no + 1})

    def parse_feed(self, response: Response, source_key: str, page_no: int) -> Iterator[scrapy.Request]:
        source = self._source(source_key)
        self.crawler.stats.inc_value(f"manba/feed/fetched/{source.key}")
        selector = scrapy.Selector(text=response.text if isinstance(response, TextResponse) else
                                   response.body.decode("utf-8", "replace"), type="xml")
        selector.remove_namespaces()
        links = selector.xpath("//item/link/text()").getall() + selector.xpath(
            "//entry/link[not(@rel) or @rel='alternate']/@href").getall()
        for link in links:
            url = response.urljoin(link.strip())
            if self._is_article(source, url):
                yield self.article_request(url, source)

    def parse_sitemap(self, response: Response, source_key: str, page_no: int) -> Iterator[scrapy.Request]:
        source = self._source(source_key)
        self.crawler.stats.inc_value(f"manba/sitemap/fetched/{source.key}")
        try:
            sitemap = Sitemap(response.body)
        except Exception:  # lxml raises several types on broken XML
            self.crawler.stats.inc_value("manba/skip/bad_sitemap")
            self.logger.warning("unreadable sitemap: %s", response.url)
            return
        for entry in sitemap:
            url = response.urljoin(entry["loc"].strip())
            if sitemap.type == "sitemapindex":
                if page_no < source.max_listing_pages:
                    yield scrapy.Request(url, callback=self.parse_sitemap, meta={"manba_page": "sitemap"},
                                         cb_kwargs={"source_key": source.key, "page_no": page_no + 1})
            elif self._is_article(source, url):
                yield self.article_request(url, source)
