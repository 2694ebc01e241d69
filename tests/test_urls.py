from __future__ import annotations

import pytest

from core.text.urls import canonical_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM:80/a?utm_source=t&id=3#c", "http://example.com/a?id=3"),
        ("https://www.isna.ir:443/news/1?fbclid=x", "https://www.isna.ir/news/1"),
        ("http://127.0.0.2:8765/fa/news/1/", "http://127.0.0.2:8765/fa/news/1/"),
        ("https://a.test", "https://a.test/"),
        ("http://127.0.0.4:8765/amp/post/5003/", "http://127.0.0.4:8765/post/5003/"),
        ("https://www.isna.ir/news/1403/amp", "https://www.isna.ir/news/1403"),
        ("https://x.ir/fa/news/12/print?id=3", "https://x.ir/fa/news/12?id=3"),
        ("https://x.ir/news/12/?amp=1&print=true", "https://x.ir/news/12/"),
        ("https://x.ir/amp", "https://x.ir/amp"),
        ("https://x.ir/printers/1", "https://x.ir/printers/1"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_remembered_canonical_urls_are_bounded() -> None:
    """A crawl asks for each page's canonical URL several times; the answers kept are bounded."""
    assert 0 < (canonical_url.cache_info().maxsize or 0) <= 100_000
    with pytest.raises(ValueError):  # an error is not remembered as an answer
        canonical_url("http://example.com:99999/")
