"""What ``scrapy crawl`` checks before the crawler starts: the spider, its ``-a`` arguments, the
sources file and the store.

Each of these, met mid-start instead, fails inside the engine: a traceback in the log, a crawl run
recorded as finished with "errors 0", exit status 0 or 1. Checked here, each is a
:class:`~commands.CommandError` with one line that names the argument or setting.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.settings import BaseSettings
from scrapy.spiderloader import SpiderLoaderProtocol
from scrapy.utils.url import guess_scheme
from w3lib.url import file_uri_to_path

from commands import CommandError, load_sources
from crawler.config import database_url
from crawler.settings_check import read_bool
from storage.db import check_reachable


def spider_class(loader: SpiderLoaderProtocol, name: str) -> type[Spider]:
    try:
        return loader.load(name)
    except KeyError:
        raise CommandError(
            f"no spider {name!r}: the spiders are {', '.join(sorted(loader.list()))}"
        ) from None


def page_url(given: str) -> str:
    """The URL ``scrapy parse`` or ``shell`` opens for ``given`` (a URL, or a saved page's path);
    a :class:`CommandError` for a path that is no file or a scheme no handler fetches."""
    url = guess_scheme(given)
    scheme = urlsplit(url).scheme
    if scheme == "file":
        path = Path(file_uri_to_path(url))
        if not path.is_file():
            raise CommandError(f"{given}: no such file; give a saved page's path or an http(s) URL")
    elif scheme not in {"http", "https"}:
        raise CommandError(f"{given}: not a page to open; give an http(s) URL or a saved page's path")
    return url


def spider_for(loader: SpiderLoaderProtocol, url: str, name: str | None) -> None:
    """Refuse ``--spider NAME`` when there is no such spider, and a URL no spider claims when none
    is named (Scrapy would log one ERROR and exit 0)."""
    if name:
        spider_class(loader, name)
    elif not loader.find_by_request(Request(url)):
        raise CommandError(
            f"no spider handles {url}: name one with --spider (one of {', '.join(sorted(loader.list()))})"
        )


def check_arguments(spidercls: type[Spider], given: dict[str, Any]) -> None:
    """Refuse an ``-a NAME=VALUE`` the spider does not declare (``ManbaSpider.arguments``)."""
    from crawler.spiders.base import FRAMEWORK_ARGUMENTS
    declared = getattr(spidercls, "arguments", None)
    if declared is None:  # not one of Manba's spiders: Scrapy's rule (any attribute) holds
        return
    for name in sorted(given):
        if name in declared or name in FRAMEWORK_ARGUMENTS:
            continue
        close = difflib.get_close_matches(name, list(declared), n=1)
        hint = f"did you mean -a {close[0]}=…? " if close else ""
        takes = ", ".join(f"-a {arg}=…" for arg in declared) or "no -a arguments"
        raise CommandError(f"spider {spidercls.name} takes no argument {name!r}: {hint}it takes {takes}")


def check_crawl(
    settings: BaseSettings, loader: SpiderLoaderProtocol, name: str, given: dict[str, Any]
) -> None:
    """Raise :class:`CommandError` (or ``StoreNotReady``/``StoreUnreachable``) for the first thing that
    would stop ``scrapy crawl NAME -a …`` once started."""
    # Imported here: Scrapy imports every module under commands/ to list the commands, and the
    # spiders' base brings the download handlers (a third of a second `scrapy runs` need not pay).
    from crawler.spiders.base import ManbaSpider

    spidercls = spider_class(loader, name)
    check_arguments(spidercls, given)
    registry = load_sources(settings)
    if issubclass(spidercls, ManbaSpider):
        spider = spidercls(**given)
        spider.registry = registry
        try:
            spider.check_arguments()
            spider.check_crawl()
        except ValueError as exc:
            raise CommandError(str(exc)) from None
    if read_bool(settings, "MANBA_STORE_ENABLED", True):
        check_reachable(database_url(settings))
