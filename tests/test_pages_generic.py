"""The trafilatura fallback on a host the registry does not know (tests/fixtures/blog/)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from core.items import ArticleItem
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


def _table_page(body_cell: str) -> HtmlResponse:
    """An older CMS's page: layout tables, the body in a cell with <br> between paragraphs."""
    menu = "".join(f"<li><a href='/s/{n}'>بخش {n}</a></li>" for n in range(8))
    html = (
        "<html><body><table><tr><td>نام سایت</td></tr><tr><td><ul>" + menu + "</ul></td></tr></table>"
        "<table><tr><td valign='top'><span class='date'>۱۴۰۴/۰۹/۱۲</span><h1>عنوان خبر</h1>"
        f"<div class='newsbody'>{body_cell}</div></td>"
        "<td><b>آخرین اخبار</b><ul><li><a href='/n/1'>خبر دیگری با عنوانی بلند برای آزمودن</a></li></ul></td>"
        "</tr></table><table><tr><td>کلیه حقوق محفوظ است.</td></tr></table></body></html>"
    )
    return HtmlResponse(url="http://127.0.0.9/n/2", body=html.encode("utf-8"), encoding="utf-8")


def test_body_of_a_table_layout_page_comes_from_the_densest_block() -> None:
    """trafilatura leaves layout tables out and finds nothing there; the block holding the most
    text of its own is the article, one line per <br>-separated paragraph."""
    first = "به گزارش خبرنگار ما، ساعت کاری ادارات استان از شنبه تغییر می‌کند و تا پایان ماه ادامه دارد."
    second = "این تصمیم در جلسه شورای تامین استان و با توجه به کمبود انرژی گرفته شد و ابلاغ شده است."
    third = "شهروندان برای <b>خدمات فوری</b> می‌توانند به سامانه‌های الکترونیکی مراجعه کنند."
    item = page_class(None)(_table_page(f"{first}<br><br>{second}<br>{third}"), "127.0.0.9").to_item()
    assert item.body.split("\n") == [first, second, third.replace("<b>", "").replace("</b>", "")]


def test_densest_block_needs_enough_text() -> None:
    from crawler.pages.generic import densest_block

    response = _table_page("کوتاه")
    assert densest_block(response.selector) == []
