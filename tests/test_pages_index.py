"""The page-object index: names the registry may use."""

from __future__ import annotations

import pytest

from crawler.pages import LISTINGS, PAGES, ArticlePage, GenericPage, ListingPage, listing_class, page_class


@pytest.mark.parametrize("name", ["ict", "isna", "93z", "fanavaran", "akharin", "shahr", "generic"])
def test_every_fixture_site_has_a_page(name: str) -> None:
    cls = page_class(name)
    assert issubclass(cls, ArticlePage)
    assert cls.name == name
    assert PAGES[name] is cls


def test_none_means_generic() -> None:
    assert page_class(None) is GenericPage


def test_unknown_name_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown page object 'nope'"):
        page_class("nope")


def test_listings() -> None:
    assert all(issubclass(cls, ListingPage) for cls in LISTINGS.values())
    assert listing_class(None) is ListingPage
    assert listing_class("ict") is ListingPage
    assert listing_class("fanavaran") is LISTINGS["fanavaran"]


def test_node_text_reads_what_parsel_reads() -> None:
    """``node_text`` runs a compiled XPath on lxml's elements; it gives what the same expression
    through parsel gives: text under the nodes, without scripts and styles, nothing for attributes."""
    from scrapy.http import HtmlResponse

    from crawler.pages.base import node_text

    html = ("<html><body><article><p>یک <b>دو</b><script>var x;</script> سه</p><style>p{}</style>"
            "<p class='c'>چهار<!-- نه --></p></article></body></html>")
    response = HtmlResponse(url="http://example.com/", body=html.encode(), encoding="utf-8")
    expression = ".//text()[not(ancestor::script or ancestor::style)]"
    for nodes in (response.css("article p"), response.css("article"), response.css("article")[0],
                  response.css("p::attr(class)"), response.css("p::text"), response.css("nothing")):
        assert node_text(nodes) == " ".join(nodes.xpath(expression).getall())
    assert node_text(response.css("article p")) == "یک  دو  سه چهار"
