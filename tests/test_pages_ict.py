"""Ministry of ICT release page and press-release listing (tests/fixtures/ict/)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from core.items import ArticleItem
from crawler.pages import ListingPage, listing_class, page_class

FIXTURES = Path(__file__).parent / "fixtures" / "ict"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
PATTERN = r"/fa/(news|newsagency)/\d+/?$"


def response(name: str, url: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=(FIXTURES / name).read_bytes(), encoding="utf-8")


@pytest.fixture(scope="module")
def item() -> ArticleItem:
    return page_class("ict")(response("article.html", EXPECTED["url"]), "ict").to_item()


def test_title(item: ArticleItem) -> None:
    assert item.title == EXPECTED["title"]


def test_published_at(item: ArticleItem) -> None:
    assert item.published_at == datetime.fromisoformat(EXPECTED["published_at"])


def test_body(item: ArticleItem) -> None:
    assert item.body.startswith(EXPECTED["first_sentence"])
    assert item.body.endswith(EXPECTED["last_sentence"])
    assert item.body.splitlines()[-1] == "مرکز روابط عمومی و اطلاع‌رسانی وزارت ارتباطات و فناوری اطلاعات"
    for noise in ("اشتراک‌گذاری", "اخبار مرتبط", "برچسب‌ها", "کلیه حقوق"):
        assert noise not in item.body


def test_identity(item: ArticleItem) -> None:
    assert item.canonical_url == EXPECTED["canonical_url"]
    assert item.site == "ict"
    assert item.extractor == "ict"
    assert item.lang == "fa"


def test_listing_links_and_next_page() -> None:
    url = "http://127.0.0.2:8765/fa/news?page=2"
    listing = listing_class("ict")(response("listing.html", url), PATTERN)
    assert type(listing) is ListingPage
    urls = listing.article_urls()
    assert len(urls) == 10
    assert all(u.startswith("http://127.0.0.2:8765/fa/news") for u in urls)
    assert listing.next_page() == "http://127.0.0.2:8765/fa/news?page=3"
