"""Canonical URLs: one article, one identity, whatever link or tracker led to it.

:func:`canonical_url` is the only rule: the store keys documents by it, and the fetch-once page
cache (``crawler/middlewares/pagecache.py``) keys pages by it. It is w3lib's ``canonicalize_url``
(query arguments sorted, the path and query percent-encoded as UTF-8 with upper-case escapes,
``.`` and ``..`` segments resolved, an IDN host in punycode, no fragment) after Manba's own
steps: tracking parameters, AMP and print variants and user info dropped, scheme and host in
lower case, no default port. A Persian path is therefore stored percent-encoded, as HTTP sends
it and as Scrapy's ``response.url`` has it, so a link written in Persian letters and one written
in escapes are one document.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

TRACKING_PARAMS = frozenset({"fbclid", "gclid", "yclid", "mc_cid", "mc_eid", "ref", "from", "source"})
VARIANT_PARAMS = frozenset({"amp", "print", "outputtype"})
"""Parameters that select an AMP or print rendering of the same article."""
VARIANT_SEGMENTS = frozenset({"amp", "print"})
DEFAULT_PORTS = frozenset({("http", 80), ("https", 443)})
CANONICAL_URLS = 8_192
"""Recent answers remembered: a crawl asks for one page's canonical URL five or six times (the
spider's request, the page cache on the way out and back, the page object, origin following)."""


def _without_variant(path: str) -> str:
    """``/amp/news/1/``, ``/news/1/amp`` and ``/news/1/print`` are the article at ``/news/1/``."""
    segments = path.split("/")
    inner = [i for i, seg in enumerate(segments) if seg]
    if len(inner) > 1 and segments[inner[0]].lower() in VARIANT_SEGMENTS:
        del segments[inner[0]]
    elif len(inner) > 1 and segments[inner[-1]].lower() in VARIANT_SEGMENTS:
        del segments[inner[-1]]
    return "/".join(segments)


def _kept(argument: str) -> bool:
    name = unquote_plus(argument.partition("=")[0]).lower()
    return bool(argument) and not name.startswith("utm_") and name not in TRACKING_PARAMS | VARIANT_PARAMS


@lru_cache(maxsize=CANONICAL_URLS)
def canonical_url(url: str) -> str:
    """The identity of the page at ``url`` (see the module docstring). Raises ValueError for a URL
    whose port or IPv6 host cannot be read."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or (scheme, port) in DEFAULT_PORTS else f"{host}:{port}"
    query = "&".join(arg for arg in parts.query.split("&") if _kept(arg))
    path = _without_variant(parts.path) or "/"
    return canonicalize_url(urlunsplit((scheme, netloc, path, query, "")))
