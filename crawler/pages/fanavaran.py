"""«فناوران»: the body is inserted by ``/static/reader.js`` from ``/api/articles/<id>.json``.

The plain HTML has only title and date; the registry marks the site ``render = true``
and this page object reads the rendered DOM (a browser waits for
``#article-body[data-ready]``).
"""

from __future__ import annotations

from crawler.pages.base import ArticlePage, ListingPage


class FanavaranPage(ArticlePage):
    name = "fanavaran"
    title_css = "header.story-head h1"
    paragraphs_css = "div#article-body > p"
    render_wait_css = "#article-body[data-ready]"
    # published_at: the default reads <time datetime="…"> (ISO with +03:30).


class FanavaranListing(ListingPage):
    """Its pager says «بعدی ›», which the default «بعدی» match does not take."""

    def next_page(self) -> str | None:
        href = self.response.css("ul.fn-pager li.pager-next a::attr(href)").get()
        return self.response.urljoin(href) if href else None
