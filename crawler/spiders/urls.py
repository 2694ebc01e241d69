"""Ad-hoc crawl of given article URLs through every pipeline.

    scrapy crawl urls -a urls=U1,U2
    scrapy crawl urls -a urls_file=PATH     # one URL a line; blank lines and # comments skipped

Each URL's site comes from its host in the registry; an unknown host gets the generic extractor.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy

from crawler.spiders.base import ManbaSpider


def _is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


class UrlsSpider(ManbaSpider):
    name = "urls"
    arguments: ClassVar[dict[str, str]] = {
        "urls": "article URLs, comma-separated",
        "urls_file": "a file of article URLs, one a line (blank lines and # comments skipped)",
    }

    def __init__(self, urls: str = "", urls_file: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.urls_arg = urls
        self.urls_file = urls_file
        self.url_list: list[str] = []

    def check_arguments(self) -> None:
        url_list = [u.strip() for u in self.urls_arg.split(",") if u.strip()]
        if self.urls_file:
            path = Path(self.urls_file)
            if not path.is_file():
                raise ValueError(
                    f"-a urls_file={self.urls_file}: no such file; give a file of URLs, one a line"
                )
            try:
                lines = path.read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise ValueError(f"-a urls_file={self.urls_file}: cannot read it ({exc})") from None
            url_list += [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
        self.url_list = list(dict.fromkeys(url_list))
        bad = [u for u in self.url_list if not _is_web_address(u)]
        if bad:
            given = "-a urls_file" if bad[0] not in self.urls_arg else "-a urls"
            more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
            raise ValueError(
                f"{given}: {bad[0]!r}{more} is not an http(s) URL; give whole addresses such as "
                "https://www.isna.ir/news/1403061309876/"
            )

    def check_crawl(self) -> None:
        if not self.url_list:
            where = f"-a urls_file={self.urls_file} lists no URL" if self.urls_file else "no URL given"
            raise ValueError(f"nothing to crawl ({where}): pass -a urls=U1,U2 or -a urls_file=PATH")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.url_list:
            self.logger.error("nothing to crawl: pass -a urls=U1,U2 or -a urls_file=PATH")
            self.crawler.stats.set_value("manba/urls/none_given", 1)
            return
        for url in self.url_list:
            request = self.article_request(url, self.registry.for_url(url))
            # Given URLs are fetched even when they are stored; the list itself is deduplicated
            # above, and the workers of a distributed crawl share one filter (see article_request).
            request.meta["manba_incremental"] = False
            request.meta["manba_trusted"] = True  # the operator named it (crawler.middlewares.netguard)
            yield request
