"""Helpers for ``scrapy shell``: turn whatever response you hold into Manba's item, and see what a
stored copy changed against its release's reference.

    $ scrapy shell ./tests/fixtures/93z/article.html
    >>> from crawler.shell import extract
    >>> extract(response, "93z")          # or extract(response): site guessed from the page's canonical host

    $ scrapy shell                        # or scrapy shell URL, then changes(response, settings)
    >>> from crawler.shell import changes
    >>> changes("https://www.isna.ir/news/1403061000039/", settings)   # every_row=True: unchanged too

``changes`` prints what ``scrapy changes URL`` prints: the copy's reference, the share kept, the title
and figures it changed and its cut, added and reworded sentences. It reads the store the settings
name (``MANBA_DATABASE_URL``; the project's settings when none are given), never the page fetched:
the stored text is what was compared.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.utils.project import get_project_settings

from core.items import ArticleItem
from core.registry import Registry, load_registry
from core.syndication.changes_text import format_text, shown
from crawler.config import database_url
from crawler.pages import PAGES, page_class
from storage.db import StoreNotReady
from storage.lookup import NoComparison, comparison_at
from storage.read import reading


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


def changes(
    url_or_response: str | Response, settings: BaseSettings | None = None, *, every_row: bool = False
) -> None:
    """Print what the stored copy at this URL (canonical or as crawled) changed against its
    release's reference, or one line saying why there is nothing to show.

    ``settings`` name the store (the shell's ``settings``; the project's when omitted); with
    ``every_row`` the unchanged sentences are printed too.
    """
    url = url_or_response.url if isinstance(url_or_response, Response) else url_or_response
    store = database_url(settings if settings is not None else get_project_settings())
    try:
        with reading(store) as session:
            doc, comparison = comparison_at(session, url)
            text = format_text(comparison, doc.canonical_url, every_row=every_row)
    except (StoreNotReady, NoComparison) as exc:
        print(f"no changes to show: {shown(str(exc))}")
        return
    print(text, end="")
