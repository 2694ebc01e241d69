"""Contracts that let ``scrapy check`` run every callback on saved pages, offline.

Scrapy's contracts download one sample URL per callback and check what the callback made of it.
Manba's samples are the fixture web's pages saved in ``tests/fixtures/`` (written by
``tests/fixtures/regenerate.py``): ``@fixture`` points the sample request at one of them as a
``file://`` URL, which Scrapy's own file handler serves, so a check needs no network, no browser
(a ``render = true`` site is checked on its saved rendered page) and no store (``scrapy check``
runs without item pipelines, and Manba's ``check`` command turns the store off for the
middlewares too).

The saved pages belong to the fixture web, and the callback sees each as a crawl of that web
would: under the URL it was saved from (``tests/fixtures/addresses.json``), so relative links,
rel=canonical and the page's host resolve as they did there, and with that web's registry
(``tests/fixtures/sources.toml``), so a source key in ``@cb_kwargs`` names the same page object,
article pattern and hosts. A file without an address keeps its ``file://`` URL.

Scrapy takes one contract block per callback. Each site has its own page object, so there is one
thin check callback per saved page, made by :func:`article_check` and :func:`listing_check`. They
name fixture pages, so they are not on the production spiders but on their check-only subclasses
in ``crawler/checked.py``, the only spiders Manba's ``check`` command loads:
``CheckedUrlsSpider.check_93z`` runs ``parse_article`` on ``93z/article.html``; test results name
it ``parse_article[93z/article.html]``.

Contracts (besides Scrapy's ``@cb_kwargs`` and ``@returns``):

``@fixture PATH``
    the sample request reads ``PATH``, relative to the fixtures directory (setting
    ``MANBA_FIXTURES_DIR``, default the checkout's ``tests/fixtures``).
``@filled FIELD …``
    every item has a non-empty value in each field (Scrapy's ``@scrapes`` only asks whether a
    field exists, and a dataclass item has them all).
``@expected PATH [FIELD …]``
    every item agrees with the ground truth in ``PATH`` (an ``expected.json``): ``url``, ``title``,
    ``published_at``, ``canonical_url`` equal, ``body`` starts with its ``first_sentence`` and
    ends with its ``last_sentence``; by default all five.
``@requests KIND MIN [MAX]``
    the callback asked for between MIN and MAX pages of a kind (``meta["manba_page"]``:
    ``article``, ``listing``, ``sitemap`` …); MAX defaults to MIN.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter, is_item
from scrapy import Request
from scrapy.contracts import Contract
from scrapy.exceptions import UsageError
from scrapy.http import Response

from core.registry import load_registry

DEFAULT_FIXTURES_DIR = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
FIXTURE_REGISTRY = "sources.toml"
FIXTURE_ADDRESSES = "addresses.json"
EXPECTED_FIELDS = ("url", "title", "published_at", "canonical_url", "body")


def fixtures_dir(spider: Any) -> Path:
    """Where ``@fixture`` and ``@expected`` paths start: ``MANBA_FIXTURES_DIR`` or the checkout's."""
    crawler = getattr(spider, "crawler", None)
    configured = crawler.settings.get("MANBA_FIXTURES_DIR") if crawler is not None else None
    return Path(configured) if configured else DEFAULT_FIXTURES_DIR


class _SavedFileContract(Contract):
    """A contract reading files under the fixtures directory of the spider it checks."""

    def __init__(self, method: Callable[..., Any], *args: Any) -> None:
        super().__init__(method, *args)
        self.spider = method.__self__  # type: ignore[attr-defined]
        if not args or not args[0]:
            raise UsageError(f"@{self.name} needs a path under the fixtures directory")

    def saved(self, relative: str) -> Path:
        path = fixtures_dir(self.spider) / relative
        if not path.is_file():
            raise FileNotFoundError(f"@{self.name}: no saved file {path} (tests/fixtures/regenerate.py)")
        return path


@cache
def _addresses(directory: Path) -> dict[str, str]:
    path = directory / FIXTURE_ADDRESSES
    if not path.is_file():
        return {}
    found: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return found


class FixtureContract(_SavedFileContract):
    """``@fixture PATH``: the sample request reads a saved page; the callback gets it under the
    URL it was saved from, with the fixture web's registry."""

    name = "fixture"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        directory = fixtures_dir(self.spider)
        args["url"] = self.saved(self.args[0]).as_uri()
        registry = directory / FIXTURE_REGISTRY
        if getattr(self.spider, "fixture_registry", None) != registry:
            self.spider.registry = load_registry(registry)
            self.spider.fixture_registry = registry
        address = _addresses(directory).get(self.args[0])
        if address:
            args["callback"] = _as_fetched_from(address, args["callback"])
        return args


def _as_fetched_from(url: str, callback: Callable[..., Any]) -> Callable[..., Any]:
    """``callback``, given the saved response as if it had been downloaded from ``url`` (for
    plain callbacks, as Manba's are: an ``async def`` one would need an async wrapper)."""

    def seen_at_address(response: Response, **kwargs: Any) -> Any:
        request = response.request.replace(url=url) if response.request is not None else None
        return callback(response.replace(url=url, request=request), **kwargs)

    return seen_at_address


def _items(output: Iterable[Any]) -> list[ItemAdapter]:
    return [ItemAdapter(x) for x in output if is_item(x)]


class FilledContract(Contract):
    """``@filled FIELD …``: no item leaves one of these fields empty."""

    name = "filled"

    def post_process(self, output: list[Any]) -> None:
        for item in _items(output):
            empty = [f for f in self.args if f and not item.get(f)]
            assert not empty, f"empty field(s) {', '.join(empty)} in the item from {item.get('url')}"


class ExpectedContract(_SavedFileContract):
    """``@expected PATH [FIELD …]``: items agree with a saved page's ground truth."""

    name = "expected"

    def post_process(self, output: list[Any]) -> None:
        expected = json.loads(self.saved(self.args[0]).read_text(encoding="utf-8"))
        fields = [f for f in self.args[1:] if f] or list(EXPECTED_FIELDS)
        for item in _items(output):
            problems = [p for f in fields if (p := self.mismatch(f, item.get(f), expected))]
            assert not problems, "; ".join(problems) + f" ({self.args[0]})"

    @staticmethod
    def mismatch(field: str, value: Any, expected: dict[str, Any]) -> str | None:
        if field == "body":
            body = value or ""
            if not body.startswith(expected["first_sentence"]):
                return f"body does not start with {expected['first_sentence'][:60]!r}… but {body[:60]!r}…"
            if not body.endswith(expected["last_sentence"]):
                return f"body does not end with …{expected['last_sentence'][-60:]!r} but …{body[-60:]!r}"
            return None
        wanted: Any = expected[field]
        if field == "published_at" and wanted is not None:
            wanted = datetime.fromisoformat(wanted)
        return None if value == wanted else f"{field} is {value!r}, expected {wanted!r}"


class RequestsContract(Contract):
    """``@requests KIND MIN [MAX]``: how many pages of a kind the callback asked for."""

    name = "requests"

    def __init__(self, method: Callable[..., Any], *args: Any) -> None:
        super().__init__(method, *args)
        try:
            self.kind = str(args[0])
            self.least = int(args[1])
            self.most = int(args[2]) if len(args) > 2 else self.least
        except (IndexError, ValueError):
            raise UsageError(f"@requests KIND MIN [MAX], not @requests {' '.join(args)}") from None

    def post_process(self, output: list[Any]) -> None:
        found = sum(1 for x in output if isinstance(x, Request) and x.meta.get("manba_page") == self.kind)
        assert self.least <= found <= self.most, (
            f"{found} {self.kind} request(s), expected {self.least}"
            + (f"..{self.most}" if self.most != self.least else "")
        )


# --- one check callback per saved page ---------------------------------------------------------


def fixture_check(callback: str, fixture: str, contracts: Iterable[str]) -> Callable[..., Any]:
    """A spider method that only delegates to ``callback``, carrying the contracts that run it
    on the saved page ``fixture`` (Scrapy allows one contract block per method)."""

    def check(spider: Any, response: Any, **kwargs: Any) -> Any:
        return getattr(spider, callback)(response, **kwargs)

    check.__name__ = check.__qualname__ = f"{callback}[{fixture}]"
    lines = [f"@fixture {fixture}", *contracts]
    check.__doc__ = f"``{callback}`` on the saved page {fixture} (``scrapy check``).\n\n" + "\n".join(lines)
    return check


def article_check(
    fixture: str,
    source: str | None,
    *,
    expected: str | None = None,
    fields: Iterable[str] = (),
) -> Callable[..., Any]:
    """``parse_article`` on a saved article page of ``source`` (``None``: a host the registry does
    not know, read by the generic extractor): one item, filled, as its ground truth says."""
    truth = expected or f"{Path(fixture).parent.as_posix()}/expected.json"
    lines = [f"@cb_kwargs {json.dumps({'source_key': source})}"] if source else []
    lines += [
        "@returns items 1 1",
        "@filled title body published_at canonical_url",
        f"@expected {truth} {' '.join(fields)}".rstrip(),
    ]
    return fixture_check("parse_article", fixture, lines)


def listing_check(callback: str, fixture: str, source: str, **requests: int) -> Callable[..., Any]:
    """A listing, feed or sitemap callback on a saved page of ``source``: no items, and exactly
    ``requests[kind]`` requests of each kind (``article=12, listing=1``)."""
    lines = [f"@cb_kwargs {json.dumps({'source_key': source, 'page_no': 1})}", "@returns items 0 0"]
    lines += [f"@requests {kind} {count}" for kind, count in requests.items()]
    return fixture_check(callback, fixture, lines)
