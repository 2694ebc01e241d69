"""ISNA-like agency pages: numeric Jalali dates, «انتهای پیام» end marker."""

from __future__ import annotations

from crawler.pages.base import ArticlePage


class IsnaPage(ArticlePage):
    name = "isna"
    title_css = "article#item h1.first-title"
    paragraphs_css = "article#item div.item-text > p"
    date_css = "article#item ul.meta-news li.pub-date span.value"
    boilerplate = ("انتهای پیام",)
