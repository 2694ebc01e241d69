"""«آخرین خبر»: RSS-fed outlet; ISO ``article:published_time``; «بیشتر بخوانید» teasers inside the body."""

from __future__ import annotations

from crawler.pages.base import ArticlePage


class AkharinPage(ArticlePage):
    name = "akharin"
    title_css = "div.ak-article h1.headline"
    # The "read more" teaser sits between real paragraphs, so skip it rather than stop at it.
    paragraphs_css = "div.ak-article div.article-content > p:not(.read-more)"
