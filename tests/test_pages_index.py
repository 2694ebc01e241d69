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
