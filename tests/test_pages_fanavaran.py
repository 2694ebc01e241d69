"""«فناوران»: body inserted by JavaScript (tests/fixtures/fanavaran/)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from core.items import ArticleItem
from crawler.pages import FanavaranListing, listing_class, page_class

FIXTURES = Path(__file__).parent / "fixtures" / "fanavaran"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


def extract(name: str) -> ArticleItem:
    response = HtmlResponse(url=EXPECTED["url"], body=(FIXTURES / name).read_bytes(), encoding="utf-8")
    return page_class("fanavaran")(response, "fanavaran").to_item()


@pytest.fixture(scope="module")
def rendered() -> ArticleItem:
    return extract("article.rendered.html")


def test_plain_html_has_no_body() -> None:
    plain = extract("article.html")
    assert plain.body == ""
    assert plain.title == EXPECTED["title"]
    assert EXPECTED["script_only_text"] not in (FIXTURES / "article.html").read_text(encoding="utf-8")


def test_rendered_title_and_date(rendered: ArticleItem) -> None:
    assert rendered.title == EXPECTED["title"]
    assert rendered.published_at == datetime.fromisoformat(EXPECTED["published_at"])


def test_rendered_body(rendered: ArticleItem) -> None:
    assert rendered.body.startswith(EXPECTED["first_sentence"])
    assert rendered.body.endswith(EXPECTED["last_sentence"])
    assert EXPECTED["script_only_text"] in rendered.body
    assert "بیشتر بخوانید" not in rendered.body
    assert "جاوااسکریپت" not in rendered.body


def test_canonical(rendered: ArticleItem) -> None:
    assert rendered.canonical_url == EXPECTED["canonical_url"]


def test_listing_pager() -> None:
    url = "http://127.0.0.5:8765/latest"
    response = HtmlResponse(url=url, body=(FIXTURES / "listing.html").read_bytes(), encoding="utf-8")
    listing = listing_class("fanavaran")(response, r"/article/\d+/?$")
    assert isinstance(listing, FanavaranListing)
    assert len(listing.article_urls()) == 11  # 10 stories and the robots-forbidden draft
    assert listing.next_page() == "http://127.0.0.5:8765/latest?page=2"
