"""«آخرین خبر»: RSS-fed outlet with ISO meta dates and in-body teasers (tests/fixtures/akharin/)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from core.items import ArticleItem
from crawler.pages import page_class

FIXTURES = Path(__file__).parent / "fixtures" / "akharin"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def item() -> ArticleItem:
    response = HtmlResponse(
        url=EXPECTED["url"], body=(FIXTURES / "article.html").read_bytes(), encoding="utf-8"
    )
    return page_class("akharin")(response, "akharin").to_item()


def test_title(item: ArticleItem) -> None:
    assert item.title == EXPECTED["title"]


def test_iso_date_with_tehran_offset(item: ArticleItem) -> None:
    assert item.published_at == datetime.fromisoformat(EXPECTED["published_at"])
    assert item.published_at is not None and item.published_at.utcoffset() is not None


def test_body_skips_read_more_teaser(item: ArticleItem) -> None:
    assert item.body.startswith(EXPECTED["first_sentence"])
    assert item.body.endswith(EXPECTED["last_sentence"])
    assert "بیشتر بخوانید" not in item.body
    assert "واتس‌اپ" not in item.body
    assert "بیشتر بخوانید" in (FIXTURES / "article.html").read_text(encoding="utf-8")


def test_canonical(item: ArticleItem) -> None:
    assert item.canonical_url == EXPECTED["canonical_url"]
