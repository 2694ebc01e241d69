"""The hostile site (``fixtureweb/hostile.py``): every case ends stored correctly or dropped with a
named reason, through ``scrapy crawl urls`` and ``scrapy crawl sources``; plus the decoding,
cleaning and failure-naming functions on their own."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionLost
from twisted.python.failure import Failure
from twisted.web._newclient import ParseError, ResponseNeverReceived

from core.text.charset import body_problem, decode, detect_encoding
from core.text.controls import BIDI_CONTROLS, strip_controls
from core.text.urls import canonical_url
from crawler.fetch import NotAPage, fetch_failure_reason, language_code, page_response, same_site
from crawler.middlewares.retryafter import RetryAfterMiddleware, retry_after_seconds
from crawler.spiders.urls import UrlsSpider
from fixtureweb.hostile import (
    ARTICLE_PATTERN,
    CASES,
    HOST,
    LISTING_PATH,
    PDF,
    PNG,
    SCRIPT_MARK,
    Case,
    Dropped,
    HostileServer,
    Stored,
    binary_noise,
    expected_drops,
    legacy,
)
from tests.conftest import run_scrapy, scrapy_env

STORED = [c for c in CASES if isinstance(c.expect, Stored)]
DROPPED = [c for c in CASES if isinstance(c.expect, Dropped)]

# Fast enough for a test, the same components as production: short time-outs (5 s: a crawler busy
# extracting ~80 pages at once must still see its connections made in time), one retry (the fixture
# settings), Retry-After honoured up to 5 s, every case fetched at once, no origin following (the
# stories credit no registry source anyway).
CRAWL_SETTINGS = {
    "DOWNLOAD_TIMEOUT": "5",
    "RETRY_TIMES": "1",
    "MANBA_RETRY_AFTER_MAX": "5",
    # The refusing cases come back at once, in any order: never give up on the host here (that is
    # tests/test_retryafter.py's).
    "MANBA_RETRY_AFTER_GIVE_UP": "0",
    "CONCURRENT_REQUESTS": "96",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "96",
    "MANBA_FOLLOW_ORIGINS": "0",
}
pytestmark = pytest.mark.crawl  # every test reads the crawls of the hostile web

CRAWL_SECONDS = 60


def test_the_site_has_enough_labelled_cases() -> None:
    assert len(CASES) >= 50
    assert len({c.name for c in CASES}) == len({c.path for c in CASES}) == len(CASES)
    assert len(STORED) >= 25 and len(DROPPED) >= 25
    assert all(re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", reason) for reason in expected_drops())


# --- the crawl -----------------------------------------------------------------------------------


@dataclass
class Crawl:
    spider: str
    server: HostileServer
    stderr: str
    seconds: float
    returncode: int
    stats: dict[str, Any]
    documents: dict[str, dict[str, Any]]
    """canonical URL → exported document."""
    summary: str
    langs: dict[str, str]
    """canonical URL → the ``lang`` column, read from the store."""


@pytest.fixture(scope="module")
def hostile_server() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


def _registry(path: Path, server: HostileServer) -> Path:
    path.write_text(
        f'[sources.hostile]\nkind = "outlet"\nnames = ["فناوری‌نامه"]\nhosts = ["{HOST}"]\n'
        f'listings = ["{server.url(LISTING_PATH)}"]\narticle_pattern = "{ARTICLE_PATTERN}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module", params=["urls", "sources"])
def crawl(
    request: pytest.FixtureRequest, hostile_server: HostileServer, tmp_path_factory: pytest.TempPathFactory
) -> Crawl:
    """One crawl of every case: ``scrapy crawl urls -a urls_file=…`` with the shipped registry (the
    hostile host is unknown: generic extractor), or ``scrapy crawl sources`` with a registry whose
    one source lists every case on a listing page."""
    spider = request.param
    tmp = tmp_path_factory.mktemp(f"hostile-{spider}")
    hostile_server.reset()
    if spider == "urls":
        urls = tmp / "urls.txt"
        urls.write_text("# the hostile site\n" + "\n".join(hostile_server.urls()) + "\n", encoding="utf-8")
        env = scrapy_env(f"sqlite:///{tmp / 'manba.sqlite3'}")
        args = ["crawl", "urls", "-a", f"urls_file={urls}"]
    else:
        registry = _registry(tmp / "sources.toml", hostile_server)
        env = scrapy_env(f"sqlite:///{tmp / 'manba.sqlite3'}", registry)
        args = ["crawl", "sources"]
    for name, value in CRAWL_SETTINGS.items():
        args += ["-s", f"{name}={value}"]
    started = time.monotonic()
    result = run_scrapy(*args, env=env, timeout=CRAWL_SECONDS * 2)
    seconds = time.monotonic() - started

    runs = run_scrapy("runs", "--show", "1", "--json", env=env)
    assert runs.returncode == 0, runs.stderr[-3000:]
    exported = run_scrapy("export", env=env)
    assert exported.returncode == 0, exported.stderr[-3000:]
    documents = {
        doc["url"]: doc
        for line in exported.stdout.splitlines()
        if line.strip()
        for doc in json.loads(line)["documents"]
    }
    summary = run_scrapy("summary", env=env)
    assert summary.returncode == 0, summary.stderr[-3000:]
    with closing(sqlite3.connect(tmp / "manba.sqlite3")) as db:
        langs = dict(db.execute("SELECT canonical_url, lang FROM documents").fetchall())
    return Crawl(spider, hostile_server, result.stderr, seconds, result.returncode,
                 json.loads(runs.stdout)["stats"], documents, summary.stdout, langs)


def expected_url(crawl: Crawl, case: Case) -> str:
    path = case.expect.path if isinstance(case.expect, Stored) and case.expect.path else case.path
    return canonical_url(crawl.server.url(path))


def test_the_crawl_ends_cleanly_and_in_bounded_time(crawl: Crawl) -> None:
    assert "Traceback" not in crawl.stderr, crawl.stderr[-6000:]
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert crawl.seconds < CRAWL_SECONDS, f"the crawl took {crawl.seconds:.0f} s"
    assert crawl.stats["finish_reason"] == "finished"
    assert "manba/drop/extract_failed" not in crawl.stats


@pytest.mark.parametrize("case", STORED, ids=[c.name for c in STORED])
def test_stored_case(crawl: Crawl, case: Case) -> None:
    expect = case.expect
    assert isinstance(expect, Stored)
    doc = crawl.documents.get(expected_url(crawl, case))
    assert doc is not None, f"{case.name} ({case.serve}) was not stored"
    assert doc["title"] == expect.title
    lines = doc["text"].split("\n")
    if expect.first is not None:
        assert lines[0] == expect.first
    if expect.last is not None:
        assert lines[-1] == expect.last
    for wanted in expect.contains:
        assert wanted in doc["text"]
    for unwanted in expect.absent:
        assert unwanted not in doc["text"] and unwanted not in doc["title"], repr(unwanted)
    assert doc["published_at"] == expect.published


@pytest.mark.parametrize("case", DROPPED, ids=[c.name for c in DROPPED])
def test_dropped_case_is_not_stored(crawl: Crawl, case: Case) -> None:
    assert expected_url(crawl, case) not in crawl.documents


def test_every_drop_is_counted_under_its_reason(crawl: Crawl) -> None:
    prefix = "manba/drop/"
    counted = {k.removeprefix(prefix): v for k, v in crawl.stats.items() if k.startswith(prefix)}
    assert counted == dict(expected_drops())


def test_nothing_but_the_cases_is_stored(crawl: Crawl) -> None:
    assert set(crawl.documents) == {expected_url(crawl, c) for c in STORED}


def test_stored_text_never_holds_control_characters_or_script(crawl: Crawl) -> None:
    unwanted = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd\ufeff{BIDI_CONTROLS}]|{SCRIPT_MARK}|<script|</")
    for url, doc in crawl.documents.items():
        assert not unwanted.search(doc["text"]), (url, unwanted.search(doc["text"]))
        assert not unwanted.search(doc["title"]), (url, doc["title"])
        assert doc["title"] == doc["title"].strip() and "  " not in doc["title"]


def test_stored_languages_are_language_codes(crawl: Crawl) -> None:
    assert set(crawl.langs.values()) == {"fa"}  # PostgreSQL keeps at most 8 characters


def test_dates_that_cannot_be_trusted_are_counted(crawl: Crawl) -> None:
    future = {"future_date", "future_jalali_date"}
    undated = [c for c in STORED if isinstance(c.expect, Stored) and c.expect.published is None]
    assert crawl.stats["manba/date/future"] == len(future)
    # Every stored page without a date, and the undated pages dropped later for want of a title.
    assert crawl.stats["manba/date/missing"] == len(undated) - len(future) + 1


def test_retry_after_is_honoured_within_its_bound(crawl: Crawl) -> None:
    # Waited: before the retry of "503 then OK" and the always-503 page's one retry (Retry-After: 1),
    # and of "429 then OK" unless its HTTP-date (2 s ahead) had passed when the busy crawler read it.
    # Retry-After: 86400 is beyond the bound: not waited for, not retried.
    assert crawl.stats["manba/retry_after/waited"] in {2, 3}
    assert crawl.stats["manba/retry_after/too_long"] == 1
    assert crawl.stats.get("retry/reason_count/503 Service Unavailable") == 2


def test_summary_lists_each_drop_reason_with_its_count(crawl: Crawl) -> None:
    line = next(ln for ln in crawl.summary.splitlines() if ln.strip().startswith("items dropped"))
    expected = expected_drops()
    assert f"items dropped    {sum(expected.values())} (" in line
    for reason, count in expected.items():
        assert f"{reason}: {count}" in line, (reason, line)
    assert f"spider {crawl.spider}" in crawl.summary


# --- decoding ------------------------------------------------------------------------------------

PERSIAN = "وزير ارتباطات از راه‌اندازي شبكه ملي اطلاعات در 12 استان خبر داد؛ «گزارش پژوهش چه شد؟»"


@pytest.mark.parametrize(
    ("body", "declared", "codec"),
    [
        (PERSIAN.encode("cp1256"), (), "cp1256"),
        (PERSIAN.encode("cp1256"), ("utf-8",), "cp1256"),
        (PERSIAN.encode("cp1256"), ("iso-8859-1",), "cp1256"),
        (PERSIAN.encode("cp1256"), (None, "windows-1256"), "cp1256"),
        (PERSIAN.encode("utf-8"), ("windows-1256",), "utf-8"),
        (PERSIAN.encode("utf-8"), ("iso-8859-1", "windows-1256"), "utf-8"),
        (PERSIAN.encode("utf-8") + b"\xff\xd8" + PERSIAN.encode("utf-8"), (), "utf-8"),
        (b"\xef\xbb\xbf" + PERSIAN.encode("utf-8"), ("windows-1256",), "utf-8"),
        (PERSIAN.encode("utf-16"), (), "utf-16-le"),
        ("Le café où l'élève étudie, año».".encode("cp1252"), ("iso-8859-1",), "cp1252"),
        ("Le café où l'élève étudie, año».".encode("cp1252"), (), "cp1252"),
        (b"<html>ascii only</html>", ("windows-1256",), "utf-8"),
    ],
)
def test_detect_encoding(body: bytes, declared: tuple[str | None, ...], codec: str) -> None:
    assert detect_encoding(body, declared) == codec


def test_decode_reads_legacy_persian_and_drops_the_bom() -> None:
    assert decode(PERSIAN.encode("cp1256"), ("utf-8",)) == (PERSIAN, "cp1256")
    assert decode(b"\xef\xbb\xbf<p>" + PERSIAN.encode("utf-8"))[0] == "<p>" + PERSIAN
    assert legacy("یک ۱۲") == "يك 12"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"", "empty"),
        (b" \r\n\t ", "empty"),
        (b"\xef\xbb\xbf  ", "empty"),
        (PDF, "binary"),
        (PNG, "binary"),
        (b"\x1f\x8b\x08\x00" + binary_noise(100), "binary"),
        (binary_noise(), "binary"),
        (b"<html><p>a\x00b</p>" + b"x" * 500 + b"\x00\x01</html>", None),
        ("<p>متن</p>".encode("utf-16"), None),
        (b"plain text", None),
    ],
)
def test_body_problem(body: bytes, problem: str | None) -> None:
    assert body_problem(body) == problem


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("\u202bگزارش ویژه\u202c", "گزارش ویژه"),
        ("ساعت ۱۰\u200f:۳۰", "ساعت ۱۰:۳۰"),
        ("نرخ \u200e5G\u200e امروز", "نرخ 5G امروز"),
        ("الف \u200f ب", "الف ب"),
        ("\u2067سطر اول\u2069\n\u200f سطر دوم", "سطر اول\nسطر دوم"),
        ("می\u200cشود", "می\u200cشود"),  # ZWNJ is spelling
        ("a\x00b\x01c\x1bd\ufffde\ufeff", "abcde"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("'; DROP TABLE documents; --", "'; DROP TABLE documents; --"),
    ],
)
def test_strip_controls(text: str, clean: str) -> None:
    assert strip_controls(text) == clean


def html_response(body: bytes, content_type: str | None = "text/html; charset=utf-8") -> Response:
    headers = {"Content-Type": content_type} if content_type else {}
    request = Request("http://127.0.0.13/fa/news/1")
    if content_type and not content_type.startswith("text/"):
        return Response(request.url, body=body, headers=headers, request=request)
    cls = HtmlResponse if not content_type or "html" in content_type else TextResponse
    return cls(request.url, body=body, headers=headers, request=request)


def test_page_response_settles_the_charset_and_removes_controls() -> None:
    page = f"<html><head><title>\u200f{PERSIAN}\u200e</title></head><body><p>{PERSIAN}\x00</p></body></html>"
    readable = page_response(html_response(page.encode("cp1256"), "text/html; charset=utf-8"))
    assert readable.css("title::text").get() == PERSIAN
    assert readable.css("p::text").get() == PERSIAN
    plain = html_response(b"<html><head><title>ok</title></head><body><p>fine</p></body></html>")
    assert page_response(plain) is plain  # nothing to change: the same response


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        (html_response(b""), "empty_page"),
        (html_response(b"\x00\x00 \n"), "empty_page"),
        (html_response(PDF, "application/pdf"), "not_html"),
        (html_response(PNG), "not_html"),
        (html_response(b'{"title": "json"}', "text/plain"), "not_html"),
    ],
)
def test_page_response_refuses_what_is_no_page(response: Response, reason: str) -> None:
    with pytest.raises(NotAPage) as raised:
        page_response(response)
    assert raised.value.reason == reason


# --- naming failures -----------------------------------------------------------------------------


def failure(exc: BaseException, url: str = "http://127.0.0.13/fa/news/1", **meta: Any) -> Failure:
    made = Failure(exc)
    made.request = Request(url, meta=meta)  # type: ignore[attr-defined]
    return made


MAX_REDIRECTS = "max redirections reached"


CHAIN = [f"http://h/{i}" for i in range(9)]


def never_received(reason: BaseException) -> BaseException:
    """A download that failed the way Scrapy reports it: DownloadFailedError from Twisted's failure."""
    exc = DownloadFailedError("failed")
    exc.__cause__ = ResponseNeverReceived([Failure(reason)])
    return exc


@pytest.mark.parametrize(
    ("made", "reason"),
    [
        (failure(HttpError(Response("http://h/", status=404), "no")), "http_404"),
        (failure(HttpError(Response("http://h/", status=503), "no")), "http_503"),
        (failure(DownloadTimeoutError("slow")), "timeout"),
        (failure(DownloadCancelledError("Cancelling download: larger than download max size")), "too_large"),
        (failure(IgnoreRequest("Ignored response because its body exceeded DOWNLOAD_MAXSIZE")), "too_large"),
        (failure(ResponseDataLossError()), "incomplete_body"),
        (failure(never_received(ConnectionLost())), "connection_lost"),
        (failure(never_received(ParseError("?", b"SSH-2.0"))), "bad_response"),
        (failure(IgnoreRequest(MAX_REDIRECTS), "http://h/a", redirect_urls=["http://h/a", "http://h/b"]),
         "redirect_loop"),
        (failure(IgnoreRequest(MAX_REDIRECTS), "http://h/9", redirect_urls=CHAIN),
         "too_many_redirects"),
        (failure(IgnoreRequest("Forbidden by robots.txt")), "robots_txt"),
        (failure(IgnoreRequest("stored and not due for a re-check")), None),
        (failure(ValueError("Missing scheme in request url: javascript:x")), "bad_redirect"),
        (failure(RuntimeError("?")), "fetch_failed"),
    ],
)
def test_fetch_failure_reason(made: Failure, reason: str | None) -> None:
    assert fetch_failure_reason(made) == reason


@pytest.mark.parametrize(
    ("value", "code"),
    [("fa", "fa"), ("fa-IR", "fa"), ("EN_us", "en"), ("fa_IR.UTF-8@persian", "fa"), ("persian", "fa"),
     ("", "fa"), (None, "fa"), ("ckb", "ckb")],
)
def test_language_code(value: str | None, code: str) -> None:
    assert language_code(value) == code


@pytest.mark.parametrize(
    ("host", "other", "same"),
    [
        ("example.com", "www.example.com", True),
        ("m.isna.ir", "www.isna.ir", True),
        ("isna.ir", "www.isna.ir", True),
        ("news.example.com", "example.com", True),
        ("example.com", "example.org", False),
        ("127.0.0.13", "127.0.0.13", True),
        ("127.0.0.13", "127.0.0.16", False),
    ],
)
def test_same_site(host: str, other: str, same: bool) -> None:
    assert same_site(host, other) is same


# --- Retry-After ---------------------------------------------------------------------------------


def test_retry_after_values() -> None:
    now = datetime(2024, 9, 3, 10, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now) == 120
    assert retry_after_seconds(b"Tue, 03 Sep 2024 10:00:30 GMT", now) == 30
    assert retry_after_seconds("Tue, 03 Sep 2024 09:00:00 GMT", now) == 0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


def test_retry_after_pauses_or_gives_up() -> None:
    mw = RetryAfterMiddleware(max_wait=5, retry_times=1, stats=get_crawler().stats)
    url = "http://127.0.0.13/fa/news/1"
    started = time.monotonic()
    request = Request(url)
    response = Response(url, status=503, headers={"Retry-After": "1"}, request=request)
    mw.response_downloaded(response, request)
    mw.process_response(request, response)
    assert time.monotonic() - started < 0.5  # the host is paused, this response is not held
    assert not request.meta.get("dont_retry") and mw.paused_until["127.0.0.13"] > started

    request = Request(url)
    mw.process_response(request, Response(url, status=429, headers={"Retry-After": "3600"}, request=request))
    assert request.meta["dont_retry"] is True  # not retried at once against the server's word

    spent = Request(url, meta={"retry_times": 1})  # no retry left: no retry put off either
    mw.process_response(spent, Response(url, status=503, headers={"Retry-After": "4"}, request=spent))
    assert mw.stats is not None and mw.stats.get_value("manba/retry_after/waited") == 1


def test_a_redirect_loop_ended_by_the_duplicate_filter_is_counted() -> None:
    crawler = get_crawler(UrlsSpider, {})
    spider = UrlsSpider.from_crawler(crawler, urls="http://127.0.0.13/a")
    loop = {"manba_page": "article", "redirect_urls": ["http://127.0.0.13/a", "http://127.0.0.13/b"]}
    spider.request_dropped(Request("http://127.0.0.13/a", meta=loop), spider)
    duplicate = {"manba_page": "article"}
    spider.request_dropped(Request("http://127.0.0.13/c", meta=duplicate), spider)
    assert crawler.stats is not None
    assert {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("manba/drop/")} == {
        "manba/drop/redirect_loop": 1
    }
