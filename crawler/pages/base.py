"""Page objects: the only place where a site's selectors live.

A spider decides what to fetch; a page object turns one response into fields,
one method per field, so each field can be tested (and overridden) on its own.
Subclasses set CSS/XPath selectors for their site and inherit sensible defaults
(rel=canonical, og:title, article:published_time, meta author).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import ClassVar

from lxml import etree
from parsel import Selector, SelectorList
from scrapy.http import TextResponse

from core.items import ArticleItem
from core.text.dates import parse_published
from core.text.urls import canonical_url

_SPACE = re.compile(r"[ \t\u00a0\u200f\u200e]+")


def clean_line(text: str) -> str:
    """Collapse runs of spaces (keeping ZWNJ, which is part of Persian spelling)."""
    return _SPACE.sub(" ", text).strip()


def join_paragraphs(parts: Iterable[str]) -> str:
    lines = (clean_line(p) for p in parts)
    return "\n".join(line for line in lines if line)


_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style)]", smart_strings=False)
"""Compiled once and run on lxml's elements: ``Selector.xpath`` compiles the expression and wraps
every text node in a Selector, which cost more than the rest of a page object together."""


def node_text(nodes: Selector | SelectorList[Selector]) -> str:
    """Text of nodes without the text of scripts and styles inside them."""
    selected = [nodes] if isinstance(nodes, Selector) else nodes
    # A selected attribute or text has no elements under it (parsel's xpath gives nothing there too).
    return " ".join(text for node in selected if etree.iselement(node.root) for text in _TEXT(node.root))


class ArticlePage:
    """Generic-by-default article page; per-site subclasses override selectors or methods."""

    name: ClassVar[str] = "base"
    title_css: ClassVar[str | None] = None
    paragraphs_css: ClassVar[str | None] = None
    date_css: ClassVar[str | None] = None
    author_css: ClassVar[str | None] = None
    render_wait_css: ClassVar[str | None] = None
    """For sites rendered in a browser: the element whose presence means the script is done."""
    boilerplate: ClassVar[tuple[str, ...]] = ()
    """Lines starting with one of these end the body (footers, "related news", likes)."""

    def __init__(self, response: TextResponse, site: str) -> None:
        self.response = response
        self.site = site

    # -- fields ---------------------------------------------------------
    def url(self) -> str:
        return self.response.url

    def canonical_url(self) -> str:
        href = self.response.css('link[rel="canonical"]::attr(href)').get() or self.response.css(
            'meta[property="og:url"]::attr(content)'
        ).get()
        try:
            found = self.response.urljoin(href.strip()) if href and href.strip() else self.response.url
            return canonical_url(found)
        except ValueError:  # an unparsable link (bad port, broken IPv6 literal): the page's own URL
            return canonical_url(self.response.url)

    def title(self) -> str:
        if self.title_css:
            found = clean_line(node_text(self.response.css(self.title_css)))
            if found:
                return found
        for candidate in (
            self.response.css('meta[property="og:title"]::attr(content)').get(),
            node_text(self.response.css("h1")),
            self.response.css("title::text").get(),
        ):
            if candidate and clean_line(candidate):
                return clean_line(candidate)
        return ""

    def paragraphs(self) -> list[str]:
        css = self.paragraphs_css or "article p"
        return [node_text(p) for p in self.response.css(css)]

    def body(self) -> str:
        kept: list[str] = []
        for line in (clean_line(p) for p in self.paragraphs()):
            if not line:
                continue
            if self.boilerplate and line.startswith(self.boilerplate):
                break
            kept.append(line)
        return "\n".join(kept)

    def published_at(self) -> datetime | None:
        candidates: list[str | None] = []
        if self.date_css:
            candidates.append(clean_line(node_text(self.response.css(self.date_css))))
        candidates += [
            self.response.css('meta[property="article:published_time"]::attr(content)').get(),
            self.response.css("time::attr(datetime)").get(),
        ]
        for text in candidates:
            if text:
                parsed = parse_published(text)
                if parsed is not None:
                    return parsed
        return None

    def author(self) -> str | None:
        if self.author_css:
            found = clean_line(node_text(self.response.css(self.author_css)))
            if found:
                return found
        meta = self.response.css('meta[name="author"]::attr(content)').get()
        return clean_line(meta) if meta and clean_line(meta) else None

    def lang(self) -> str:
        lang = self.response.xpath("/html/@lang").get() or "fa"
        return lang.split("-")[0].lower()

    # -- assembly -------------------------------------------------------
    def to_item(self) -> ArticleItem:
        return ArticleItem(
            url=self.url(),
            canonical_url=self.canonical_url(),
            site=self.site,
            title=self.title(),
            body=self.body(),
            published_at=self.published_at(),
            raw_hash=hashlib.sha256(self.response.body).hexdigest(),
            fetched_at=datetime.now(UTC),
            extractor=self.name,
            author=self.author(),
            lang=self.lang(),
        )


class ListingPage:
    """A page that lists articles: a press-release index, a section page, a search result.

    The default finds article links by the registry's ``article_pattern`` and the next
    page by rel=next or a «بعدی» ("next") link; sites override either method.
    """

    next_texts: ClassVar[tuple[str, ...]] = ("بعدی", "صفحه بعد", "Next", "next", "»")

    def __init__(self, response: TextResponse, article_pattern: str | None) -> None:
        self.response = response
        self.pattern = re.compile(article_pattern) if article_pattern else None

    def article_urls(self) -> list[str]:
        seen: dict[str, None] = {}
        for href in self.response.css("a::attr(href)").getall():
            url = self.response.urljoin(href.strip())
            if self.pattern is not None and self.pattern.search(url):
                seen.setdefault(url.split("#")[0], None)
        return list(seen)

    def next_page(self) -> str | None:
        href = self.response.css('a[rel="next"]::attr(href), link[rel="next"]::attr(href)').get()
        if not href:
            for link in self.response.css("a"):
                if clean_line(node_text(link)) in self.next_texts:
                    href = link.attrib.get("href")
                    break
        return self.response.urljoin(href) if href else None
