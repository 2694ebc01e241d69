"""Origin following's caches (``pipelines.origin.OriginFollower``) against the served fixture web:
a candidate page is read once, a listing again once it is older than ``listing_ttl`` (a long crawl
sees the releases published since), and neither cache grows past ``pages_remembered``."""

from __future__ import annotations

import asyncio
import urllib.request
from typing import Any

from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.utils.defer import deferred_f_from_coro_f

from core.attribution import NameIndex
from core.registry import load_registry
from crawler.pages import page_class
from fixtureweb.generate import FixtureWeb
from fixtureweb.sites import SITES
from pipelines.attribution import attribute_item
from pipelines.normalise import normalise_item
from pipelines.origin import OriginFollower


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _copies(web: FixtureWeb, count: int) -> list[Any]:
    """Extracted, normalised and attributed copies of ministry releases (no browser needed)."""
    registry = load_registry(web.registry_path)
    names = NameIndex.from_registry(registry)
    found = []
    for label in web.labels["articles"]:
        if label.get("copy_of") is None or label["site"] == "fanavaran" or label.get("lang", "fa") != "fa":
            continue
        with urllib.request.urlopen(label["url"], timeout=10) as answer:
            body = answer.read()
        response = HtmlResponse(url=label["url"], body=body, encoding="utf-8")
        item = page_class(SITES[label["site"]].page)(response, label["site"]).to_item()
        found.append(attribute_item(normalise_item(item), names, registry))
        if len(found) == count:
            break
    return found


def _follower(web: FixtureWeb, fetched: list[str], clock: Clock, **options: Any) -> OriginFollower:
    async def fetch(request: Request) -> Response:
        fetched.append(request.url)

        def get() -> bytes:
            with urllib.request.urlopen(request.url, timeout=10) as answer:
                return bytes(answer.read())

        body = await asyncio.to_thread(get)
        return HtmlResponse(url=request.url, body=body, encoding="utf-8", request=request)

    return OriginFollower(load_registry(web.registry_path), fetch, clock=clock, **options)


@deferred_f_from_coro_f
async def test_pages_are_read_once_and_listings_again_after_their_ttl(fixture_web: FixtureWeb) -> None:
    (copy,) = _copies(fixture_web, 1)
    fetched: list[str] = []
    clock = Clock()
    follower = _follower(fixture_web, fetched, clock, listing_ttl=600.0)

    async def follow_three_times() -> list[str]:
        statuses = [await follower.follow(copy)]
        first = len(fetched)
        statuses.append(await follower.follow(copy))
        assert len(fetched) == first  # everything from the caches
        clock.now += 601
        statuses.append(await follower.follow(copy))
        again = fetched[first:]
        assert again, "the listings were not read again after their ttl"
        assert set(again) <= set(fetched[:first])
        # Only listings and search results: the candidate pages are still remembered.
        assert len(again) < first
        return statuses

    assert await follow_three_times() == ["found", "found", "found"]


@deferred_f_from_coro_f
async def test_the_caches_keep_at_most_pages_remembered(fixture_web: FixtureWeb) -> None:
    copies = _copies(fixture_web, 4)
    fetched: list[str] = []
    follower = _follower(fixture_web, fetched, Clock(), pages_remembered=3)

    async def follow_all() -> list[str]:
        return [await follower.follow(copy) for copy in copies]

    assert "found" in await follow_all()
    assert len(set(fetched)) > 3
    assert len(follower._pages) <= 3 and len(follower._lists) <= 3
