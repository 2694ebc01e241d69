"""The trafilatura fallback on a host the registry does not know (tests/fixtures/blog/)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from crawler.items import ArticleItem
from crawler.pages import GenericPage, page_class

FIXTURES = Path(__file__).parent / "fixtures" / "blog"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def item() -> ArticleItem:
    response = HtmlResponse(
        url=EXPECTED["url"], body=(FIXTURES / "article.html").read_bytes(), encoding="utf-8"
    )
    return page_class(None)(response, "127.0.0.9").to_item()


def test_title(item: ArticleItem) -> None:
    assert item.title == EXPECTED["title"]


def test_date_keeps_time_and_zone(item: ArticleItem) -> None:
    assert item.published_at == datetime.fromisoformat(EXPECTED["published_at"])


def test_body(item: ArticleItem) -> None:
    assert item.body.startswith(EXPECTED["first_sentence"])
    assert item.body.endswith(EXPECTED["last_sentence"])
    assert EXPECTED["title"] not in item.body
    assert "دیدگاه‌ها" not in item.body


def test_zwnj_survives_trafilatura(item: ArticleItem) -> None:
    assert "\u200c" in item.body


def test_identity(item: ArticleItem) -> None:
    assert item.extractor == "generic"
    assert item.canonical_url == EXPECTED["canonical_url"]
    assert item.author == "سارا کیانی"


def test_no_meta_falls_back_to_base_defaults() -> None:
    html = '<html lang="fa"><head><title>بدون متن</title></head><body><p>کوتاه</p></body></html>'
    response = HtmlResponse(url="http://127.0.0.9:1/x", body=html.encode(), encoding="utf-8")
    page = GenericPage(response, "127.0.0.9")
    assert page.title() == "بدون متن"
    assert page.published_at() is None
