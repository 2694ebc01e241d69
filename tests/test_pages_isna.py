"""ISNA-like agency article and section listing (tests/fixtures/isna/)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from core.items import ArticleItem
from crawler.pages import listing_class, page_class

FIXTURES = Path(__file__).parent / "fixtures" / "isna"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


def response(name: str, url: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=(FIXTURES / name).read_bytes(), encoding="utf-8")


@pytest.fixture(scope="module")
def item() -> ArticleItem:
    return page_class("isna")(response("article.html", EXPECTED["url"]), "isna").to_item()


def test_title(item: ArticleItem) -> None:
    assert item.title == EXPECTED["title"]


def test_numeric_jalali_date(item: ArticleItem) -> None:
    assert item.published_at == datetime.fromisoformat(EXPECTED["published_at"])


def test_body_stops_at_end_marker(item: ArticleItem) -> None:
    assert item.body.startswith(EXPECTED["first_sentence"])
    assert item.body.endswith(EXPECTED["last_sentence"])
    assert "انتهای پیام" not in item.body
    assert "نظری" not in item.body


def test_credit_line_is_kept(item: ArticleItem) -> None:
    assert "ایسنا" in item.body.splitlines()[0]


def test_identity(item: ArticleItem) -> None:
    assert item.canonical_url == EXPECTED["canonical_url"]
    assert item.author == "ایسنا"


def test_listing() -> None:
    url = "http://127.0.0.3:8765/fa/service/ict"
    listing = listing_class("isna")(response("listing.html", url), r"/news/\d+/?$")
    urls = listing.article_urls()
    assert len(urls) == 16  # 15 stories and the editor's draft, which robots.txt forbids
    assert "http://127.0.0.3:8765/admin/news/1/" in urls
    assert listing.next_page() == "http://127.0.0.3:8765/fa/service/ict?page=2"
