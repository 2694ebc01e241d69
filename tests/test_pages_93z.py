"""«تجهیزات جانبی» (93z), the seed's outlet: generated page and the real seed (tests/fixtures/93z/)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from core.items import ArticleItem
from crawler.pages import listing_class, page_class

FIXTURES = Path(__file__).parent / "fixtures" / "93z"
FOOTER = ("این مطلب را می پسندید", "(1)", "(0)", "تازه ترین مطالب مرتبط", "نظرات بینندگان")


def load(name: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def extract(html: str, url: str) -> ArticleItem:
    response = HtmlResponse(url=url, body=(FIXTURES / html).read_bytes(), encoding="utf-8")
    return page_class("93z")(response, "93z").to_item()


EXPECTED = load("expected.json")
SEED = load("seed.expected.json")


@pytest.fixture(scope="module")
def item() -> ArticleItem:
    return extract("article.html", EXPECTED["url"])


@pytest.fixture(scope="module")
def seed() -> ArticleItem:
    return extract("seed.html", SEED["url"])


def test_title_keeps_arabic_letters(item: ArticleItem) -> None:
    assert item.title == EXPECTED["title"]


def test_arabic_indic_date(item: ArticleItem) -> None:
    assert item.published_at == datetime.fromisoformat(EXPECTED["published_at"])


def test_body(item: ArticleItem) -> None:
    assert item.body.startswith(EXPECTED["first_sentence"])
    assert item.body.endswith(EXPECTED["last_sentence"])
    for noise in FOOTER:
        assert noise not in item.body
    assert item.canonical_url == EXPECTED["canonical_url"]


def test_seed_title_joins_surtitle_and_title(seed: ArticleItem) -> None:
    assert seed.title == SEED["title"]
    assert "اسكاپ" in seed.title  # Arabic kaf, as published


def test_seed_body(seed: ArticleItem) -> None:
    assert seed.body.startswith(SEED["first_sentence"])
    assert seed.body.endswith(SEED["last_sentence"])
    assert len(seed.body.splitlines()) == SEED["paragraphs"]
    assert "این مطلب را می پسندید" not in seed.body
    assert "تازه ترین مطالب مرتبط" not in seed.body
    assert "می شود" in seed.body  # spelling kept as published (no ZWNJ)


def test_seed_date_and_url(seed: ArticleItem) -> None:
    assert seed.published_at == datetime.fromisoformat(SEED["published_at"])
    assert seed.canonical_url == SEED["canonical_url"]


def test_listing_uses_guillemet_next_link() -> None:
    url = "http://127.0.0.4:8765/category/news/"
    response = HtmlResponse(url=url, body=(FIXTURES / "listing.html").read_bytes(), encoding="utf-8")
    listing = listing_class("93z")(response, r"/post/\d+/?$")
    urls = listing.article_urls()
    amp = [u for u in urls if "/amp/" in u]
    # 12 posts, the robots-forbidden edit link, and the AMP variants of some posts (canonical → the post)
    assert len(urls) == 13 + len(amp) and len(amp) >= 1
    assert all(u.replace("/amp/", "/") in urls for u in amp)
    assert listing.next_page() == "http://127.0.0.4:8765/category/news/page/2/"


def test_amp_variant_reads_as_its_post() -> None:
    """``/amp/post/N/`` is the same story: canonical → ``/post/N/``, same title, date and body."""
    amp_expected = load("amp.expected.json")
    amp = extract("amp.html", amp_expected["url"])
    assert amp.url == amp_expected["url"]
    assert amp.canonical_url == amp_expected["canonical_url"] != amp.url
    assert amp.title == amp_expected["title"]
    assert amp.published_at == datetime.fromisoformat(amp_expected["published_at"])
    assert amp.body.startswith(amp_expected["first_sentence"])
    assert amp.body.endswith(amp_expected["last_sentence"])
    assert not any(line.startswith(FOOTER) for line in amp.body.splitlines())


@pytest.mark.parametrize("like", ["این مطلب را می پسندید؟", "این مطلب را می‌پسندید؟", "این مطلب را میپسندید؟"])
def test_like_box_ends_the_body_however_it_is_spelled(like: str) -> None:
    """The like box is this outlet's, so its page object cuts it (match_text knows no outlet's)."""
    html = f'<div class="entry-content"><p>متن خبر.</p><p>{like}</p><p>(1)</p></div>'
    response = HtmlResponse(url="http://127.0.0.4:8765/post/1/", body=html.encode(), encoding="utf-8")
    assert page_class("93z")(response, "93z").body() == "متن خبر."
