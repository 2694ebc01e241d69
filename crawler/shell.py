"""Helpers for ``scrapy shell``: turn whatever response you hold into Manba's item.

    $ scrapy shell ./tests/fixtures/93z/article.html
    >>> from crawler.shell import extract
    >>> extract(response, "93z")          # or extract(response): site guessed from the page's canonical host
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.http import TextResponse

from core.items import ArticleItem
from core.registry import Registry, load_registry
from crawler.pages import PAGES, page_class


def extract(response: TextResponse, site: str | None = None, registry: Registry | None = None) -> ArticleItem:
    """The item Manba's spiders would yield for ``response``.

    A saved page has a file:// URL, so without ``site`` the source is found from the
    page's own rel=canonical / og:url host, as a crawl would have found it.
    """
    registry = registry or load_registry()
    if site is not None:
        source = registry.sources.get(site)
    else:
        declared = response.css(
            'link[rel="canonical"]::attr(href), meta[property="og:url"]::attr(content)'
        ).get()
        source = registry.for_url(declared or response.url)
    name = source.key if source else site or urlsplit(response.url).hostname or "unknown"
    # A fixture site's page object is usable by name even with the production registry loaded.
    page = source.page if source else (site if site in PAGES else None)
    return page_class(page)(response, name).to_item()
