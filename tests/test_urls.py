from __future__ import annotations

import pytest

from crawler.text.urls import canonical_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM:80/a?utm_source=t&id=3#c", "http://example.com/a?id=3"),
        ("https://www.isna.ir:443/news/1?fbclid=x", "https://www.isna.ir/news/1"),
        ("http://127.0.0.2:8765/fa/news/1/", "http://127.0.0.2:8765/fa/news/1/"),
        ("https://a.test", "https://a.test/"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected
