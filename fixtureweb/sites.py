"""Who is who on the fixture web: addresses, names, and how URLs map to files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

SITE_IPS: dict[str, str] = {
    "ict": "127.0.0.2",
    "isna": "127.0.0.3",
    "93z": "127.0.0.4",
    "fanavaran": "127.0.0.5",
    "akharin": "127.0.0.6",
    "shahr": "127.0.0.7",
    "blog": "127.0.0.9",
}


@dataclass(frozen=True)
class SiteInfo:
    key: str
    name: str
    """The name the site is credited under in running text."""
    names: tuple[str, ...]
    kind: str
    in_registry: bool = True
    render: bool = False
    page: str | None = None


SITES: dict[str, SiteInfo] = {
    "ict": SiteInfo(
        "ict",
        "وزارت ارتباطات و فناوری اطلاعات",
        (
            "وزارت ارتباطات و فناوری اطلاعات",
            "وزارت ارتباطات",
            "مرکز روابط عمومی و اطلاع‌رسانی وزارت ارتباطات و فناوری اطلاعات",
            "وزارت ICT",
            "ICT ministry",
            "Ministry of ICT",
            "Ministry of Information and Communications Technology",
            "وزارة الاتصالات وتقنية المعلومات",
        ),
        "ministry",
        page="ict",
    ),
    "isna": SiteInfo(
        "isna",
        "ایسنا",
        (
            "ایسنا",
            "خبرگزاری دانشجویان ایران",
            "ISNA",
            "Iranian Students' News Agency",
            "إيسنا",
            "وكالة إيسنا",
            "وكالة أنباء الطلبة الإيرانية",
        ),
        "agency",
        page="isna",
    ),
    "93z": SiteInfo("93z", "تجهیزات جانبی", ("تجهیزات جانبی", "Tajhizat Janebi"), "outlet", page="93z"),
    "fanavaran": SiteInfo(
        "fanavaran", "فناوران", ("فناوران", "Fanavaran"), "outlet", render=True, page="fanavaran"
    ),
    "akharin": SiteInfo("akharin", "آخرین خبر", ("آخرین خبر", "Akharin Khabar"), "outlet", page="akharin"),
    "shahr": SiteInfo(
        "shahr",
        "شهر سخت‌افزار",
        ("شهر سخت‌افزار", "شهر سخت افزار", "Shahr-e Sakhtafzar"),
        "outlet",
        page="shahr",
    ),
    "blog": SiteInfo(
        "blog", "یادداشت‌های یک شبکه‌کار", ("یادداشت‌های یک شبکه‌کار",), "outlet", in_registry=False
    ),
}

TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "ref"})
_UNSAFE = re.compile(r"[^0-9A-Za-z_.=-]")


def query_suffix(query: str) -> str:
    """The file-name part a query string maps to ("" when only tracking parameters)."""
    kept = sorted(
        (k, v)
        for k, v in parse_qsl(query, keep_blank_values=True)
        if not k.startswith(TRACKING_PREFIXES) and k not in TRACKING_PARAMS
    )
    return "&".join(f"{k}-{v}" for k, v in kept)


def file_for(url_path: str) -> str:
    """Relative file that serves ``url_path`` (which may carry a query string).

    ``/fa/news/123/`` and ``/fa/news/123`` → ``fa/news/123/index.html``;
    ``/fa/news?page=2`` → ``fa/news/index.page-2.html``; ``/rss.xml`` → ``rss.xml``. The builder and the
    server both use this, so a generated link always has a file behind it.
    """
    path, _, query = url_path.partition("?")
    rel = unquote(path).lstrip("/")
    suffix = query_suffix(query)
    if suffix:
        base = rel if rel == "" or rel.endswith("/") else rel + "/"
        return f"{base}index.{_UNSAFE.sub('_', suffix)}.html"
    if rel == "" or rel.endswith("/"):
        return rel + "index.html"
    if "." not in rel.rsplit("/", 1)[-1]:
        return rel + "/index.html"  # "/fa/news" and "/fa/news/" are the same page
    return rel
