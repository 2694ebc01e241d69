"""The report as a place to explore: each copy's similarity and credit phrase as the store holds
them, the single stories, the search, filters and sortable tables as headless Chromium runs them
from the written file (offline, under the page's own Content-Security-Policy), and a timeline whose
labels never cover a marker."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from lxml.html import HtmlElement
from sqlalchemy.orm import Session, sessionmaker

from core.attribution.model import Attribution
from core.items import ArticleItem
from storage.report import build_report
from storage.testing import TEHRAN, article, sqlite_store, store_items, story
from tests.conftest import run_scrapy, scrapy_env, skip_without
from tests.test_report import ICT, ISNA, STORE

CHROMIUM = "/usr/bin/chromium"
T0 = datetime(2024, 9, 3, 10, 0, tzinfo=TEHRAN)
HOSTS = {"isna": "www.isna.ir", "example": "www.example-news.ir"}
LONG_HOST = "www.a-very-long-outlet-host-name-nobody-registered.ir"


def write_report(store_url: str, out: Path, *args: str) -> HtmlElement:
    """``scrapy report -o OUT`` as a user runs it, and the page it wrote, parsed."""
    result = run_scrapy("report", "-o", str(out), *args, env=scrapy_env(store_url))
    assert result.returncode == 0, result.stderr
    return lxml.html.document_fromstring(out.read_text(encoding="utf-8"))


def copy_rows(tree: HtmlElement) -> dict[str, HtmlElement]:
    """Each copy's row, by the URL its title links to."""
    return {row.xpath("td[last()]//a/@href")[0]: row for row in tree.xpath("//tr[@class='copy-row']")}


def cell(row: HtmlElement, css_class: str) -> str:
    (td,) = [td for td in row.iter("td") if css_class in (td.get("class") or "").split()]
    return " ".join(td.text_content().split())


# --- what the store holds, through `scrapy report` ------------------------------------------


@pytest.fixture
def report_store(tmp_path: Path) -> Iterator[str]:
    """The store of tests/test_report.py, in a SQLite file."""
    url, engine, sessions = sqlite_store(tmp_path)
    store_items(sessions, STORE)
    engine.dispose()
    yield url


def test_each_copy_shows_its_stored_similarity_and_credit_phrases(report_store: str, tmp_path: Path) -> None:
    rows = copy_rows(write_report(report_store, tmp_path / "report.html"))
    ten, eleven = rows["https://www.isna.ir/news/10/"], rows["https://www.example-news.ir/news/11/"]
    assert cell(ten, "similarity") == "۹۰٪" and ten.xpath("td[3]/@data-sort") == ["0.9"]
    # The phrases as the texts wrote them, nearest first, not the names the chain resolved.
    assert cell(ten, "phrase") == "«به نقل از وزارت ارتباطات»"
    assert cell(eleven, "phrase") == "«به گزارش ایسنا» · «به نقل از وزارت ارتباطات»"
    assert cell(rows["https://www.example-news.ir/news/31/"], "phrase") == "—"  # nothing credited
    # A copy the syndication index found has the score the copy decision gave it.
    found = rows["https://www.isna.ir/news/13/"]
    assert cell(found, "similarity") == "۱۰۰٪"
    assert len(rows) == 10


def test_single_stories_are_listed_closed(report_store: str, tmp_path: Path) -> None:
    tree = write_report(report_store, tmp_path / "report.html")
    (section,) = tree.xpath("//section[@id='singles']")
    assert section.xpath("details/@open") == []
    singles = section.xpath(".//tr[@class='single-row']")
    assert [r.xpath(".//a/@href")[0] for r in singles] == ["https://www.example-news.ir/news/50/"]
    assert singles[0].get("data-outlet") == "example" and singles[0].get("data-day") == "2024-09-06"
    assert "خبر شمارهٔ 50" in singles[0].text_content()
    # The summary links to the list; the releases list still leaves it out.
    assert tree.xpath("//header//a[@href='#singles']")
    assert "news/50/" not in " ".join(tree.xpath("//article/@id | //article//a/@href"))
    # A filter that leaves no single story leaves no section.
    filtered = write_report(report_store, tmp_path / "isna.html", "--source", "isna")
    assert not filtered.xpath("//section[@id='singles']") and filtered.xpath("//section[@id='explore']")


def test_single_stories_listed_are_the_newest(sessions: sessionmaker[Session]) -> None:
    items = [
        (
            article(
                60 + n, site="example", body=story(60 + n), published_at=T0 + timedelta(hours=n), role="own"
            ),
            "example",
        )
        for n in range(5)
    ]
    store_items(sessions, items)
    with sessions() as session:
        rep = build_report(session, singles=3)
        few = build_report(session, singles=0, since=date(2024, 9, 3))
    assert rep.own_stories == 5
    assert [s.url for s in rep.single_stories] == [items[n][0].canonical_url for n in (4, 3, 2)]
    assert (few.own_stories, few.single_stories) == (5, [])


# --- the page in Chromium ---------------------------------------------------------------------


def item(n: int, site: str, published: datetime, **values: Any) -> ArticleItem:
    host = HOSTS.get(site, site)
    fields: dict[str, Any] = {
        "site": site,
        "canonical_url": f"https://{host}/news/{n}/",
        "published_at": published,
    }
    fields.update(values)
    return article(n, **fields)


FIRST, SECOND = story(101), story(102)
O1 = item(
    101, "ict", T0, title="افزایش سرعت اینترنت روستاها", body=FIRST, role="origin",
    canonical_url="https://www.ict.gov.ir/fa/news/101/",
)  # fmt: skip
O2 = item(
    102, "ict", T0 + timedelta(days=2), title="نمایشگاه تلکام", body=SECOND, role="origin",
    canonical_url="https://www.ict.gov.ir/fa/news/102/",
)  # fmt: skip


def copy_of(origin: ArticleItem, n: int, site: str, chain: list[Attribution], **values: Any) -> ArticleItem:
    fields: dict[str, Any] = {
        "attributions": chain,
        "role": "copy",
        "origin": origin,
        "origin_status": "found",
        "body": origin.body,
        "title": origin.title,
        "published_at": origin.published_at + timedelta(hours=2),
    }
    fields.update(values)
    return item(n, site, fields.pop("published_at"), **fields)


EXPLORE = [
    (O1, "ict"),
    (copy_of(O1, 111, "isna", [ICT], similarity=0.95), "isna"),
    (
        copy_of(
            O1,
            112,
            "example",
            [ISNA],
            similarity=0.7,
            published_at=T0 + timedelta(hours=5),
            title="کاهش تعرفه‌ها و افزایش سرعت",
            body=FIRST + "\nاین جمله‌ای است که نسخه افزوده است.",
        ),
        "example",
    ),
    # Crowded: four copies minutes apart on one lane, and a long unregistered host.
    *[
        (
            copy_of(
                O1, 113 + k, "isna", [ICT], similarity=0.9, published_at=T0 + timedelta(minutes=3 + 4 * k)
            ),
            "isna",
        )
        for k in range(4)
    ],
    (copy_of(O1, 117, LONG_HOST, [], similarity=0.85, published_at=T0 + timedelta(minutes=1)), None),
    (O2, "ict"),
    (
        copy_of(
            O2,
            121,
            "isna",
            [ICT],
            similarity=0.8,
            published_at=O2.published_at + timedelta(hours=1),
            body=SECOND.replace("شمارهٔ 102", "شمارهٔ 103"),
        ),
        "isna",
    ),
    (
        item(150, "example", T0 + timedelta(days=3), title="یک خبر تنها", body=story(150), role="own"),
        "example",
    ),
]
"""Two ministry releases: the first copied verbatim by isna (four times more, minutes apart), with
an added sentence by example, and by a host nobody registered; the second by isna with a figure
changed. And one single story of example's."""

BROWSE = r"""
import json, sys
from playwright.sync_api import sync_playwright

page_path, chromium = sys.argv[1], sys.argv[2]
VISIBLE = '''(selector) => [...document.querySelectorAll(selector)].filter(e => e.checkVisibility())
    .map(e => e.id || e.querySelector('a[href^="http"]').getAttribute('href'))'''
GEOMETRY = '''() => [...document.querySelectorAll('svg.timeline')].map(svg => {
    const box = e => {
        const r = e.getBoundingClientRect();
        return [r.left, r.top, r.right, r.bottom, e.textContent];
    };
    return {markers: [...svg.querySelectorAll('circle, rect')].map(box),
            labels: [...svg.querySelectorAll('text')].map(box)};
})'''
seen = {}
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 1000}, locale="fa-IR")
    requests, console = [], []
    context.on("request", lambda r: requests.append(r.url))
    local = lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
    context.route("**/*", local)
    page = context.new_page()
    page.set_default_timeout(10000)
    page.on("console", lambda m: console.append(m.type + ": " + m.text))
    page.goto("file://" + page_path, wait_until="load")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")

    def look(name):
        seen[name] = {
            "copies": page.evaluate(VISIBLE, "tr.copy-row"),
            "releases": page.evaluate(VISIBLE, "article.release"),
            "index": page.evaluate("() => [...document.querySelectorAll('table.releases tbody tr')]"
                                   ".filter(e => e.checkVisibility()).length"),
            "singles": page.evaluate(VISIBLE, "tr.single-row"),
            "count": page.inner_text("#explore-count"),
        }

    seen["geometry"] = page.evaluate(GEOMETRY)  # the charts as laid out, before any filter
    try:
        seen["controls"] = page.is_visible("#explore")
        look("all")
        page.select_option("#f-outlet", "example")
        look("example")
        page.select_option("#f-outlet", "isna")
        look("isna")
        page.select_option("#f-outlet", "")
        page.fill("#q", "\u0643\u0627\u0647\u0634")  # كاهش, with the Arabic kaf
        look("kaf")
        page.fill("#q", "\u062a\u0639\u0631\u0641\u0647\u0647\u0627")  # تعرفهها, no zero-width non-joiner
        look("zwnj")
        page.fill("#q", "\u0627\u0641\u0632\u0627\u064a\u0634")  # افزايش, with the Arabic yeh
        look("yeh")
        page.fill("#q", "")
        page.check("#f-changed")
        look("changed")
        page.uncheck("#f-changed")
        page.fill("#f-since", sys.argv[3])
        look("since")
        page.fill("#f-since", "")
        page.select_option("#f-source", "ict")
        look("source")
        page.select_option("#f-source", "")
        look("reset")

        first = "\u0627\u0641\u0632\u0627\u06cc\u0634 \u0633\u0631\u0639\u062a"  # افزایش سرعت
        table = page.locator("article.release").filter(has_text=first).locator("table.copies")
        head = table.locator("th", has_text="\u0634\u0628\u0627\u0647\u062a")  # شباهت
        order = lambda: table.locator("td.similarity").evaluate_all("cells => cells.map(c => c.dataset.sort)")
        head.click()
        seen["ascending"] = (order(), head.get_attribute("aria-sort"))
        head.click()
        seen["descending"] = (order(), head.get_attribute("aria-sort"))
        dates = page.locator("table.releases th", has_text="\u062a\u0627\u0631\u06cc\u062e")  # تاریخ
        dates.click()
        seen["by_date"] = page.locator("table.releases tbody td:nth-child(4)").evaluate_all(
            "cells => cells.map(c => Number(c.dataset.sort))")
    except Exception as exc:  # the geometry still reports; each use of the controls fails
        seen["error"] = str(exc)[:3000]
    seen["requests"], seen["console"] = requests, console
    browser.close()
print(json.dumps(seen, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def explored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The report of EXPLORE written by `scrapy report` and used in Chromium (BROWSE)."""
    if not Path(CHROMIUM).exists():
        skip_without("Chromium", f"no browser at {CHROMIUM}")
    root = tmp_path_factory.mktemp("explore")
    url, engine, sessions = sqlite_store(root)
    store_items(sessions, EXPLORE)
    engine.dispose()
    out = root / "report.html"
    write_report(url, out)
    since = O2.published_at.astimezone(TEHRAN).date().isoformat()
    # Its own interpreter: Playwright's sync API wants a thread without the asyncio reactor's loop.
    result = subprocess.run(
        [sys.executable, "-c", BROWSE, str(out), CHROMIUM, since],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen: dict[str, Any] = json.loads(result.stdout)
    return seen


def used(explored: dict[str, Any]) -> dict[str, Any]:
    """What the page showed as the controls were used; fails when using them failed."""
    assert "error" not in explored, explored.get("error")
    return explored


def url(n: int, site: str) -> str:
    return f"https://{HOSTS.get(site, site)}/news/{n}/"


ISNA_COPIES = {url(n, "isna") for n in (111, 113, 114, 115, 116, 121)}


@pytest.mark.browser
def test_the_script_runs_offline_under_the_pages_policy(explored: dict[str, Any]) -> None:
    explored = used(explored)
    assert explored["controls"]  # the script showed its controls: the policy let it run
    assert all(u.startswith("file:") for u in explored["requests"]), explored["requests"]
    assert not [m for m in explored["console"] if "Content Security Policy" in m or m.startswith("error")]
    assert len(explored["all"]["copies"]) == 8 and len(explored["all"]["releases"]) == 2
    assert explored["all"]["count"] == "۲ خبر با ۸ نسخه و ۱ خبر تک‌نسخه‌ای نشان داده شده"


@pytest.mark.browser
def test_an_outlet_shows_only_its_copies(explored: dict[str, Any]) -> None:
    explored = used(explored)
    example = explored["example"]
    assert example["copies"] == [url(112, "example")]
    assert example["index"] == len(example["releases"]) == 1
    assert example["singles"] == [url(150, "example")]
    isna = explored["isna"]
    assert set(isna["copies"]) == ISNA_COPIES and len(isna["copies"]) == 6
    assert (len(isna["releases"]), isna["index"], isna["singles"]) == (2, 2, [])


@pytest.mark.browser
@pytest.mark.parametrize("query", ["kaf", "zwnj"])
def test_a_search_ignores_letter_forms_and_zero_width_joiners(explored: dict[str, Any], query: str) -> None:
    explored = used(explored)
    """The Arabic kaf finds «کاهش», and «تعرفهها» finds «تعرفه‌ها»: only the copy titled so."""
    seen = explored[query]
    assert seen["copies"] == [url(112, "example")]
    assert len(seen["releases"]) == seen["index"] == 1 and seen["singles"] == []


@pytest.mark.browser
def test_a_search_matching_a_release_shows_all_its_copies(explored: dict[str, Any]) -> None:
    explored = used(explored)
    """«افزايش» with the Arabic yeh names the first release: every copy of it stays."""
    seen = explored["yeh"]
    assert len(seen["copies"]) == 7 and url(121, "isna") not in seen["copies"]
    assert len(seen["releases"]) == 1


@pytest.mark.browser
def test_has_changes_source_and_date_filters(explored: dict[str, Any]) -> None:
    explored = used(explored)
    assert sorted(explored["changed"]["copies"]) == sorted([url(112, "example"), url(121, "isna")])
    assert explored["changed"]["singles"] == []
    since = explored["since"]  # the second release only, and the single story after it
    assert since["copies"] == [url(121, "isna")] and since["singles"] == [url(150, "example")]
    assert len(since["releases"]) == since["index"] == 1
    source = explored["source"]  # the ministry's releases, and no single story (it has no source)
    assert source["copies"] == explored["all"]["copies"] and source["singles"] == []
    assert len(source["releases"]) == source["index"] == 2
    assert explored["reset"]["copies"] == explored["all"]["copies"]


@pytest.mark.browser
def test_a_column_sorts_both_ways(explored: dict[str, Any]) -> None:
    explored = used(explored)
    ascending, state = explored["ascending"]
    assert state == "ascending" and ascending == ["0.7", "0.85", "0.9", "0.9", "0.9", "0.9", "0.95"]
    descending, state = explored["descending"]
    assert state == "descending" and descending == list(reversed(ascending))
    assert explored["by_date"] == sorted(explored["by_date"]) and len(explored["by_date"]) == 2


def overlap(a: list[Any], b: list[Any]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.browser
def test_no_timeline_label_covers_a_marker(explored: dict[str, Any]) -> None:
    """As Chromium lays the charts out: no text's box meets a dot's or the origin's diamond's."""
    charts = explored["geometry"]
    assert len(charts) == 2 and sum(len(c["markers"]) for c in charts) == 10
    for chart in charts:
        for label in chart["labels"]:
            for marker in chart["markers"]:
                assert not overlap(label, marker), (label, marker)
    crowded = [label[4] for label in charts[1]["labels"]]
    assert "مبدأ" in crowded and "۲ ساعت" in crowded
