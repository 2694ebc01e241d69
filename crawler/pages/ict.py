"""Ministry of ICT press releases (``/fa/news/<id>/``, ``/fa/newsagency/<id>/``)."""

from __future__ import annotations

from crawler.pages.base import ArticlePage


class IctPage(ArticlePage):
    """Release pages: the PR-office credit is the body's last line and is kept (it is the attribution)."""

    name = "ict"
    title_css = "div.news-detail h1.news-title"
    paragraphs_css = "div.news-detail div.news-body > p"
    date_css = "div.news-detail div.news-date span.date-text"
