"""The syndication report: its data on a small store (SQLite and PostgreSQL), the HTML page, the
command, and the page as headless Chromium renders it from a crawl of the fixture web."""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from commands.export import write_csv
from commands.report import day
from commands.report_html import duration, render
from core.attribution.model import Attribution
from core.items import ArticleItem
from fixtureweb import FixtureWeb
from storage.export import CSV_FIELDS
from storage.report import TEHRAN as TEHRAN_ZONE
from storage.report import Outlet, Report, UnknownSource, build_report
from storage.testing import TEHRAN, article, sqlite_store, store_items, story
from storage.write import store_document
from tests.conftest import REPO, run_scrapy, scrapy_env, skip_without

ICT = Attribution(name="وزارت ارتباطات", source="ict", kind="ministry", phrase="به نقل از وزارت ارتباطات")
ISNA = Attribution(name="ایسنا", source="isna", kind="agency", phrase="به گزارش ایسنا")
UNKNOWN = Attribution(name="شرکت ناشناس", source=None, kind=None, phrase="به نقل از شرکت ناشناس")

T0 = datetime(2024, 9, 3, 10, 0, tzinfo=TEHRAN)
# Late in the evening of 9 September in Tehran, already 10 September nowhere near (UTC is 21:00 on the 9th).
T1 = datetime(2024, 9, 10, 0, 30, tzinfo=TEHRAN)
HOUR = 3600
MINISTRY = Outlet("ict", "وزارت ارتباطات و فناوری اطلاعات")  # the first of its registry names


def origin(n: int, published: datetime, **overrides: Any) -> ArticleItem:
    values: dict[str, Any] = {
        "site": "ict",
        "canonical_url": f"https://www.ict.gov.ir/fa/news/{n}/",
        "published_at": published,
        "role": "origin",
    }
    values.update(overrides)
    return article(n, **values)


def copy(
    n: int, of: ArticleItem | None, site: str, chain: list[Attribution], **overrides: Any
) -> ArticleItem:
    host = {"isna": "www.isna.ir", "example": "www.example-news.ir"}[site]
    values: dict[str, Any] = {
        "site": site,
        "canonical_url": f"https://{host}/news/{n}/",
        "attributions": chain,
        "role": "copy" if chain else "own",
        "origin": of,
        "similarity": 0.9 if of is not None else None,
        "origin_status": "found" if of is not None else "not_found",
    }
    values.update(overrides)
    return article(n, **values)


O1 = origin(1, T0, title="افزایش <پهنای باند> «روستاها» & شهرها")
O2 = origin(2, T1)
STORE = [
    # (item, the publisher's source key)
    (O1, "ict"),
    (copy(10, O1, "isna", [ICT], published_at=T0 + timedelta(hours=2)), "isna"),
    (copy(11, O1, "example", [ISNA, ICT], published_at=T0 + timedelta(hours=5)), "example"),
    (copy(12, O1, "example", [ISNA], published_at=T0 + timedelta(hours=9)), "example"),
    # An uncredited copy: the origin's very text, no credit, found by the syndication index.
    (copy(13, None, "isna", [], body=O1.body, published_at=T0 - timedelta(minutes=30)), "isna"),
    (copy(14, O1, "example", [UNKNOWN], published_at=None), "example"),
    (O2, "ict"),
    (copy(20, O2, "isna", [ICT], published_at=T1 + timedelta(hours=1)), "isna"),
    # Origin not crawled: two copies of a third ministry story, the earlier one is zero.
    (copy(30, None, "isna", [ICT], body=story(30), published_at=T0 + timedelta(days=1)), "isna"),
    (
        copy(31, None, "example", [], body=story(30), published_at=T0 + timedelta(days=1, hours=3)),
        "example",
    ),
    # An agency's story copied by an outlet that credits it.
    (copy(40, None, "isna", [], body=story(40), role="own", published_at=T0 + timedelta(days=2)), "isna"),
    (
        copy(41, None, "example", [ISNA], body=story(40), published_at=T0 + timedelta(days=2, hours=1)),
        "example",
    ),
    # A single own story: counted, not shown.
    (copy(50, None, "example", [], body=story(50), published_at=T0 + timedelta(days=3)), "example"),
]


def fill(sessions: sessionmaker[Session]) -> None:
    store_items(sessions, STORE)


@pytest.fixture
def store(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    fill(sessions)
    return sessions


@pytest.fixture
def store_url(tmp_path: Path) -> Iterator[str]:
    """The same store in a SQLite file, for the command-line tests (the commands only read through
    the functions tested above on both backends)."""
    url, engine, sessions = sqlite_store(tmp_path)
    fill(sessions)
    engine.dispose()
    yield url


def report(sessions: sessionmaker[Session], **filters: Any) -> Report:
    with sessions() as session:
        return build_report(session, **filters)


def by_url(rep: Report) -> dict[str, Any]:
    return {r.zero.url: r for r in rep.releases}


def test_releases_zero_copies_delays_and_credits(store: sessionmaker[Session]) -> None:
    rep = report(store)
    releases = by_url(rep)
    first = releases[O1.canonical_url]
    assert (first.zero_is_origin, first.source, first.date_basis) == (True, MINISTRY, "published")
    assert first.title == O1.title and first.date == O1.published_at
    rows = {
        c.url.split("/")[-2]: (c.outlet.site, c.delay_seconds, c.delay_basis, c.credit) for c in first.copies
    }
    assert rows["13"] == ("isna", -0.5 * HOUR, "published", "none")  # uncredited, dated before its origin
    assert rows["10"] == ("isna", 2 * HOUR, "published", "source")
    assert rows["11"] == ("example", 5 * HOUR, "published", "source")  # the source anywhere in the chain
    assert rows["12"] == ("example", 9 * HOUR, "published", "other")  # an intermediary only
    site, delay, basis, credit = rows["14"]  # undated: both first-seen times, a moment apart
    assert (site, basis, credit) == ("example", "first_seen", "other") and 0 <= delay < 600
    assert [c.delay_seconds for c in first.copies] == sorted(c.delay_seconds for c in first.copies)
    assert (len(first.copies), first.outlets) == (5, 2)
    assert [a.name for a in first.copies[-1].chain] == ["ایسنا"]

    orphan = releases["https://www.isna.ir/news/30/"]  # no origin: the earliest copy is zero, and a copy
    assert (orphan.zero_is_origin, orphan.source) == (False, MINISTRY)
    assert [(c.outlet.site, c.delay_seconds, c.credit) for c in orphan.copies] == [
        ("isna", 0, "source"),
        ("example", 3 * HOUR, "none"),
    ]
    agency = releases["https://www.isna.ir/news/40/"]
    assert agency.source == Outlet("isna", "ایسنا")
    assert [(c.outlet.site, c.credit) for c in agency.copies] == [("isna", "none"), ("example", "source")]

    # Newest first; the single own story is only counted.
    assert [r.zero.url for r in rep.releases] == [
        O2.canonical_url,
        "https://www.isna.ir/news/40/",
        "https://www.isna.ir/news/30/",
        O1.canonical_url,
    ]
    assert rep.own_stories == 1
    assert rep.releases[0].source == MINISTRY


def test_outlet_table_and_coverage(store: sessionmaker[Session]) -> None:
    rep = report(store)
    outlets = {row.outlet.site: row for row in rep.outlets}
    assert list(outlets) == ["example", "isna"]  # most copies first
    isna, example = outlets["isna"], outlets["example"]
    assert (isna.copies, isna.releases, isna.credited_source, isna.credited_other, isna.not_credited) == (
        5, 4, 3, 0, 2,
    )  # fmt: skip
    assert (example.copies, example.releases) == (5, 3)
    assert (example.credited_source, example.credited_other, example.not_credited) == (2, 2, 1)
    assert example.outlet.name == "نمونه" and example.share(example.not_credited) == pytest.approx(1 / 5)
    # Median delays count releases with a crawled origin only: isna -0.5h, 2h, 1h; example 5h, 9h, ~0.
    assert isna.median_delay_seconds == 1 * HOUR
    assert example.median_delay_seconds == 5 * HOUR
    cov = rep.coverage
    assert (cov.copies, cov.credited_source, cov.credited_other, cov.not_credited) == (10, 5, 2, 3)
    assert cov.share == pytest.approx(7 / 10)
    assert cov.first_seen_delays == 1


def test_filters(store: sessionmaker[Session]) -> None:
    def zeros(**filters: Any) -> list[str]:
        return [r.zero.url for r in report(store, **filters).releases]

    assert zeros(since=date(2024, 9, 10)) == [O2.canonical_url]  # a Tehran day, not a UTC one
    assert O2.canonical_url not in zeros(until=date(2024, 9, 9))
    assert zeros(since=date(2024, 9, 4), until=date(2024, 9, 5)) == [
        "https://www.isna.ir/news/40/",
        "https://www.isna.ir/news/30/",
    ]
    assert zeros(since=date(2024, 9, 3), until=date(2024, 9, 3)) == [O1.canonical_url]
    assert zeros(source="isna") == ["https://www.isna.ir/news/40/"]
    assert len(zeros(source="ict")) == 3
    assert zeros(source="example") == []
    filtered = report(store, source="isna", since=date(2024, 9, 1))
    assert filtered.source is not None and filtered.source.site == "isna"
    assert [row.outlet.site for row in filtered.outlets] == ["example", "isna"]
    assert filtered.coverage.copies == 2
    with pytest.raises(UnknownSource):
        report(store, source="nowhere")


def test_empty_store_gives_an_empty_report(sessions: sessionmaker[Session]) -> None:
    rep = report(sessions)
    assert (rep.releases, rep.outlets, rep.coverage.copies, rep.coverage.share) == ([], [], 0, None)
    page = render(rep)
    assert "هیچ خبری" in page and "<svg" not in page


# --- the page ---------------------------------------------------------------------------------


def test_page_is_self_contained_escaped_and_right_to_left(store: sessionmaker[Session]) -> None:
    page = render(report(store, since=date(2024, 9, 1), until=date(2024, 9, 30)))
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="fa" dir="rtl">' in page
    assert "افزایش &lt;پهنای باند&gt; «روستاها» &amp; شهرها" in page
    assert "<پهنای" not in page
    # Nothing to fetch: no external scripts or stylesheets, images, fonts or imports; one inline
    # script (the search and filters), which the page's policy allows by its hash alone.
    assert not re.search(r"<link|<img|<iframe|@import|url\(|src=", page, re.IGNORECASE)
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", page, re.DOTALL | re.IGNORECASE)
    assert len(scripts) == page.lower().count("<script") == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page and "unsafe-inline'" not in page.split("style-src")[0]
    assert "default-src 'none'" in page
    assert page.count('<svg class="timeline"') == 4
    assert page.count('class="copy credit-') == 10
    assert "۴ مهر ۱۴۰۳" not in page and "۱۳ شهریور ۱۴۰۳" in page  # 2024-09-03 in the Jalali calendar
    assert "از ۱۱ شهریور ۱۴۰۳" in page and "تا ۹ مهر ۱۴۰۳" in page


def test_only_web_links_become_links(sessions: sessionmaker[Session]) -> None:
    hostile = origin(5, T0, canonical_url="javascript:alert(1)//", title='"><script>alert(1)</script>')
    with sessions.begin() as session:
        store_document(session, hostile, run_id=None, source_key="ict")
    page = render(report(sessions))
    assert 'href="javascript' not in page
    assert page.count("<script") == 1 and "&lt;script&gt;" in page  # the page's own only


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "۰ دقیقه"),
        (45 * 60, "۴۵ دقیقه"),
        (2 * HOUR, "۲ ساعت"),
        (2 * HOUR + 17 * 60, "۲ ساعت و ۱۷ دقیقه"),
        (3 * 86400 + 4 * HOUR + 59, "۳ روز و ۴ ساعت"),
        (-30 * 60, "۳۰ دقیقه زودتر"),
        (None, "—"),
    ],
)
def test_delays_in_words(seconds: float | None, text: str) -> None:
    assert duration(seconds) == text


# --- the commands -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-09-22", date(2024, 9, 22)),
        ("1403-07-01", date(2024, 9, 22)),  # a Jalali year
        ("۱۴۰۳-۰۶-۱۴", date(2024, 9, 4)),
        ("1403-6-14", date(2024, 9, 4)),
    ],
)
def test_dates_on_the_command_line(text: str, expected: date) -> None:
    assert day(text) == expected


@pytest.mark.parametrize("text", ["2024-02-30", "1403-13-01", "22/09/2024", ""])
def test_bad_dates_on_the_command_line(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        day(text)


def test_report_command(store_url: str, tmp_path: Path) -> None:
    env = scrapy_env(store_url)
    out = tmp_path / "out" / "report.html"
    result = run_scrapy("report", "-o", str(out), "--since", "۱۴۰۳-۰۶-۱۴", "--source", "isna", env=env)
    assert result.returncode == 0, result.stderr
    assert "wrote 1 releases, 2 copies" in result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.count('<svg class="timeline"') == 1
    result = run_scrapy("report", "-o", "-", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count('<svg class="timeline"') == 4
    result = run_scrapy("report", "--source", "nowhere", env=env)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "scrapy report: --source nowhere: no such source in the store (give a registry key, as scrapy "
        "sources lists them)"
    ]


def test_report_command_refuses_a_missing_store_and_bad_dates(tmp_path: Path) -> None:
    env = scrapy_env(f"sqlite:///{tmp_path / 'nowhere' / 'manba.sqlite3'}")
    result = run_scrapy("report", "-o", str(tmp_path / "r.html"), env=env)
    assert result.returncode == 2 and "no store at" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "nowhere").exists() and not (tmp_path / "r.html").exists()
    result = run_scrapy("report", "--since", "1403-07-01x", env=env)
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr


def test_csv_with_bom_opens_as_utf8_and_keeps_newlines(store_url: str, tmp_path: Path) -> None:
    out = io.StringIO(newline="")
    count = write_csv(store_url, out, bom=True)
    text = out.getvalue()
    assert text.startswith("\ufeff" + ",".join(CSV_FIELDS) + "\r\n")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert len(rows) == count == len(STORE)
    bodies = {row["url"]: row["text"] for row in rows}
    assert bodies[O1.canonical_url] == O1.body and "\n" in O1.body  # a quoted multi-line field

    env = scrapy_env(store_url)
    path = tmp_path / "documents.csv"
    result = run_scrapy("export", "-o", str(path), "--bom", env=env)
    assert result.returncode == 0, result.stderr
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert [r["text"] for r in csv.DictReader(handle)] == [row["text"] for row in rows]
    plain = run_scrapy("export", "--format", "csv", env=env)
    assert plain.returncode == 0 and not plain.stdout.startswith("\ufeff")
    assert run_scrapy("export", "--bom", env=env).returncode == 2  # JSON Lines take no BOM


# --- end to end: a crawl of the fixture web, rendered by Chromium ------------------------------

OUTPUT = REPO / "tests" / "output"
CHROMIUM = "/usr/bin/chromium"

# Run in its own interpreter: Playwright's sync API wants a thread without a running event loop,
# and pytest here runs Twisted's asyncio reactor.
BROWSE = r"""
import json, sys
from playwright.sync_api import sync_playwright

jobs, chromium = json.loads(sys.argv[1]), sys.argv[2]
found = []
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
    for page_path, shot, whole in jobs:
        requests = []
        context = browser.new_context(offline=True, viewport={"width": 1280, "height": 1000}, locale="fa-IR")
        context.on("request", lambda r: requests.append(r.url))
        local = lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
        context.route("**/*", local)
        page = context.new_page()
        page.goto("file://" + page_path, wait_until="load")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        facts = page.evaluate('''() => ({
            lang: document.documentElement.lang,
            dir: document.documentElement.dir,
            direction: getComputedStyle(document.body).direction,
            tableDirection: getComputedStyle(document.querySelector('table')).direction,
            text: document.body.innerText,
            charts: document.querySelectorAll('svg.timeline').length,
            copies: document.querySelectorAll('svg.timeline circle.copy').length,
            origins: document.querySelectorAll('svg.timeline rect.origin').length,
            chartWidth: document.querySelector('svg.timeline').getBoundingClientRect().width,
            overflow: document.documentElement.scrollWidth > document.documentElement.clientWidth,
            titles: [...document.querySelectorAll('article.release h3')].map(h => h.textContent),
            meta: [...document.querySelectorAll('article.release .meta')].map(m => m.innerText),
        })''')
        page.screenshot(path=shot, full_page=whole)
        context.close()
        facts["requests"] = requests
        found.append(facts)
    browser.close()
print(json.dumps(found, ensure_ascii=False))
"""


def browse(*jobs: tuple[Path, Path, bool]) -> list[dict[str, Any]]:
    """Open each page in headless Chromium with the network off, screenshot it (the whole page, or
    the first screen) and return what each page shows."""
    arg = json.dumps([(str(page), str(shot), whole) for page, shot, whole in jobs])
    result = subprocess.run(
        [sys.executable, "-c", BROWSE, arg, CHROMIUM],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def tehran_day(iso: str) -> date:
    return datetime.fromisoformat(iso).astimezone(TEHRAN_ZONE).date()


@pytest.fixture(scope="module")
def crawled(fixture_web: FixtureWeb, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'manba.sqlite3'}"
    env = scrapy_env(url, fixture_web.registry_path)
    result = run_scrapy("crawl", "sources", env=env)
    assert "Traceback" not in result.stderr, result.stderr[-5000:]
    return env


@pytest.mark.crawl
@pytest.mark.browser
def test_report_of_a_crawl_renders_in_chromium(
    crawled: dict[str, str], fixture_web: FixtureWeb, tmp_path: Path
) -> None:
    if not Path(CHROMIUM).exists():
        skip_without("Chromium", f"no browser at {CHROMIUM}")
    articles = fixture_web.labels["articles"]
    origins = sorted((a for a in articles if a["role"] == "origin"), key=lambda a: a["published_at"])
    exported = run_scrapy("export", env=crawled)
    assert exported.returncode == 0, exported.stderr
    linked = {
        d["url"] for line in exported.stdout.splitlines() for d in json.loads(line)["documents"] if d["link"]
    }
    # English and Arabic retellings count where the crawl linked them (their recall is
    # test_crawl's business; what is drawn here is what the store holds).
    copies = [a for a in articles if a.get("copy_of") and (a["lang"] == "fa" or a["url"] in linked)]
    since, until = tehran_day(origins[-4]["published_at"]), tehran_day(origins[-1]["published_at"])
    chosen = [o for o in origins if since <= tehran_day(o["published_at"]) <= until]

    full = tmp_path / "report.html"
    result = run_scrapy("report", "-o", str(full), env=crawled)
    assert result.returncode == 0, result.stderr
    page = tmp_path / "report-week.html"
    result = run_scrapy(
        "report",
        "-o",
        str(page),
        "--source",
        "ict",
        "--since",
        str(since),
        "--until",
        str(until),
        env=crawled,
    )
    assert result.returncode == 0, result.stderr

    OUTPUT.mkdir(exist_ok=True)
    shot, full_shot = OUTPUT / "report.png", OUTPUT / "report-full.png"
    facts, full_facts = browse((page, shot, True), (full, full_shot, False))
    for seen in (facts, full_facts):
        assert (seen["lang"], seen["dir"], seen["direction"], seen["tableDirection"]) == ("fa",) + (
            "rtl",
        ) * 3
        assert seen["requests"] and all(u.startswith("file:") for u in seen["requests"]), seen["requests"]
        assert not seen["overflow"] and seen["chartWidth"] > 800
    assert facts["charts"] == facts["origins"] == len(chosen)
    assert facts["titles"] == [o["title"] for o in reversed(chosen)]  # newest first
    for origin_label, meta in zip(reversed(chosen), facts["meta"], strict=True):
        its = [c for c in copies if c["copy_of"] == origin_label["url"]]
        outlets = len({c["site"] for c in its})
        assert f"{_fa(len(its))} نسخه در {_fa(outlets)} رسانه" in meta, (origin_label["title"], meta)
    assert facts["copies"] == sum(1 for c in copies if c["copy_of"] in {o["url"] for o in chosen})
    text = facts["text"]
    assert "گزارش بازنشر خبرها" in text and "پوشش انتساب" in text
    assert "وزارت ارتباطات و فناوری اطلاعات" in text
    # The whole crawl: every copying outlet counted, a chart for every release with an origin.
    assert f"رسانه‌ها\n{_fa(len({c['site'] for c in copies}))}" in full_facts["text"]
    assert full_facts["origins"] == len(origins) and full_facts["charts"] > len(origins)
    print(f"\nreport screenshots: {shot} (filtered, whole page), {full_shot} (whole crawl, first screen)")


def _fa(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
