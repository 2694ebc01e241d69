"""The spiders as ``scrapy check`` sees them: the production spiders with one check callback per
saved page (crawler/contracts.py).

The saved pages are the fixture web's, so the contracts naming them are test knowledge and stay
off the spiders ``scrapy crawl`` runs. This module is not under ``crawler/spiders``, so
``scrapy crawl`` and ``scrapy list`` never see it; Manba's ``check`` command loads spiders from it
alone (``SPIDER_MODULES``), where they keep their names: ``scrapy check urls`` checks these.
"""

from __future__ import annotations

from crawler.contracts import article_check, listing_check
from crawler.spiders.sources import SourcesSpider
from crawler.spiders.urls import UrlsSpider


class CheckedUrlsSpider(UrlsSpider):
    """``parse_article`` with every page object on its saved page."""

    check_ict = article_check("ict/article.html", "ict")
    check_isna = article_check("isna/article.html", "isna")
    check_93z = article_check("93z/article.html", "93z")
    check_93z_amp = article_check("93z/amp.html", "93z", expected="93z/amp.expected.json")
    check_fanavaran = article_check("fanavaran/article.rendered.html", "fanavaran")  # as Chromium left it
    check_akharin = article_check("akharin/article.html", "akharin")
    check_shahr = article_check("shahr/article.html", "shahr")
    check_generic = article_check("blog/article.html", None)  # a host the registry does not know


class CheckedSourcesSpider(SourcesSpider):
    """``parse_listing`` on each saved listing page, ``parse_feed`` on a feed, ``parse_sitemap`` on a
    sitemap."""

    check_listing_ict = listing_check("parse_listing", "ict/listing.html", "ict", article=10, listing=1)
    check_listing_isna = listing_check("parse_listing", "isna/listing.html", "isna", article=16, listing=1)
    # 12 posts and an edit link robots.txt forbids; its AMP links are the same posts.
    check_listing_93z = listing_check("parse_listing", "93z/listing.html", "93z", article=13, listing=1)
    check_listing_fanavaran = listing_check(  # its own ListingPage: the pager's «بعدی ›»
        "parse_listing", "fanavaran/listing.html", "fanavaran", article=11, listing=1
    )
    check_feed_akharin = listing_check("parse_feed", "akharin/feed.xml", "akharin", article=27)
    check_sitemap_shahr = listing_check("parse_sitemap", "shahr/sitemap.xml", "shahr", article=29)
