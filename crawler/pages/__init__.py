"""Page objects by name: the registry's ``page = "…"`` picks one, unknown hosts get ``generic``."""

from __future__ import annotations

from crawler.pages.akharin import AkharinPage
from crawler.pages.base import ArticlePage, ListingPage
from crawler.pages.fanavaran import FanavaranListing, FanavaranPage
from crawler.pages.generic import GenericPage
from crawler.pages.ict import IctPage
from crawler.pages.isna import IsnaPage
from crawler.pages.shahr import ShahrPage
from crawler.pages.z93 import Z93Page

PAGES: dict[str, type[ArticlePage]] = {
    cls.name: cls for cls in (IctPage, IsnaPage, Z93Page, FanavaranPage, AkharinPage, ShahrPage, GenericPage)
}
LISTINGS: dict[str, type[ListingPage]] = {"fanavaran": FanavaranListing}


def page_class(name: str | None) -> type[ArticlePage]:
    """The page object called ``name``; ``None`` means the generic extractor."""
    if name is None:
        return GenericPage
    try:
        return PAGES[name]
    except KeyError:
        raise ValueError(f"unknown page object {name!r}; known: {', '.join(sorted(PAGES))}") from None


def listing_class(name: str | None) -> type[ListingPage]:
    """The listing page object for page name ``name`` (the default one when the site needs none)."""
    return LISTINGS.get(name or "", ListingPage)


__all__ = ["LISTINGS", "PAGES", "ArticlePage", "GenericPage", "ListingPage", "listing_class", "page_class"]
