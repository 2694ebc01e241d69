"""Canonical URLs: one article, one identity, whatever link or tracker led to it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset({"fbclid", "gclid", "yclid", "mc_cid", "mc_eid", "ref", "from", "source"})
VARIANT_PARAMS = frozenset({"amp", "print", "outputtype"})
"""Parameters that select an AMP or print rendering of the same article."""
VARIANT_SEGMENTS = frozenset({"amp", "print"})


def _without_variant(path: str) -> str:
    """``/amp/news/1/``, ``/news/1/amp`` and ``/news/1/print`` are the article at ``/news/1/``."""
    segments = path.split("/")
    inner = [i for i, seg in enumerate(segments) if seg]
    if len(inner) > 1 and segments[inner[0]].lower() in VARIANT_SEGMENTS:
        del segments[inner[0]]
    elif len(inner) > 1 and segments[inner[-1]].lower() in VARIANT_SEGMENTS:
        del segments[inner[-1]]
    return "/".join(segments)


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, fragment, tracking parameters, AMP or print variant."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in {("http", 80), ("https", 443)} else f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS | VARIANT_PARAMS
    ]
    return urlunsplit((scheme, netloc, _without_variant(parts.path) or "/", urlencode(query), ""))
