"""«شهر سخت‌افزار»: sitemap-fed outlet (tests/fixtures/shahr/)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from core.items import ArticleItem
from crawler.pages import page_class

FIXTURES = Path(__file__).parent / "fixtures" / "shahr"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def item() -> ArticleItem:
    response = HtmlResponse(
        url=EXPECTED["url"], body=(FIXTURES / "article.html").read_bytes(), encoding="utf-8"
    )
    return page_class("shahr")(response, "shahr").to_item()


def test_title(item: ArticleItem) -> None:
    assert item.title == EXPECTED["title"]


def test_date_has_the_time_from_itemprop(item: ArticleItem) -> None:
    assert item.published_at == datetime.fromisoformat(EXPECTED["published_at"])


def test_body(item: ArticleItem) -> None:
    assert item.body.startswith(EXPECTED["first_sentence"])
    assert item.body.endswith(EXPECTED["last_sentence"])
    for noise in ("اشتراک‌گذاری", "برچسب‌ها", "مطالب مرتبط", "©"):
        assert noise not in item.body


def test_canonical(item: ArticleItem) -> None:
    assert item.canonical_url == EXPECTED["canonical_url"]
