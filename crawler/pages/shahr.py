"""«شهر سخت‌افزار»: sitemap-fed outlet; the visible date has no time, ``itemprop=datePublished`` has."""

from __future__ import annotations

from datetime import datetime

from core.text.dates import parse_published
from crawler.pages.base import ArticlePage


class ShahrPage(ArticlePage):
    name = "shahr"
    title_css = "article.td-post h1.entry-title"
    paragraphs_css = "article.td-post div.td-post-content > p"
    date_css = "article.td-post span.td-post-date"

    def published_at(self) -> datetime | None:
        exact = self.response.css('meta[itemprop="datePublished"]::attr(content)').get()
        parsed = parse_published(exact) if exact else None
        return parsed or super().published_at()
