"""What each copy changed, as a user sees it: ``scrapy changes URL`` in a terminal, the shell's
``changes()``, and the report's figure marks, counts and side-by-side views, on a small store
holding a ministry's release, a copy that cut, added, reworded and changed a figure, and a
verbatim copy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings
from sqlalchemy.orm import Session, sessionmaker

from commands.report_html import render, script
from core.attribution.model import Attribution
from core.items import ArticleItem
from core.syndication.changes_text import format_text
from crawler.shell import changes as shell_changes
from storage.lookup import NoComparison, comparison_at, document_at
from storage.report import build_report
from storage.testing import TEHRAN, article, sqlite_store, store_items
from tests.conftest import run_scrapy, scrapy_env

ICT = Attribution(name="وزارت ارتباطات", source="ict", kind="ministry", phrase="به نقل از وزارت ارتباطات")
ISNA = Attribution(name="ایسنا", source="isna", kind="agency", phrase="به گزارش ایسنا")
T0 = datetime(2024, 9, 3, 10, 0, tzinfo=TEHRAN)

FIRST = (
    "وزارت ارتباطات و فناوری اطلاعات اعلام کرد طرح توسعهٔ شبکهٔ فیبر نوری در ۱۲۰ روستای استان کرمان "
    "به پایان رسید."
)
SPEED = "با اجرای این طرح، سرعت اینترنت خانگی در این روستاها تا ۴۰ درصد افزایش یافته است."
SPEED_COPY = "با اجرای این طرح، سرعت اینترنت خانگی در این روستاها تا ۴۵ درصد افزایش یافته است."
SAID = "معاون وزیر در مراسم افتتاح گفت این پروژه با همکاری اپراتورهای همراه و ثابت اجرا شده است."
SAID_COPY = "معاون وزیر در آیین گشایش طرح اعلام کرد این پروژه با همکاری اپراتورهای همراه و ثابت اجرا شده است."
COST = "هزینهٔ اجرای طرح از محل اعتبارات صندوق خدمات عمومی پرداخت شده است."
NEXT = 'مرحلهٔ دوم طرح در سال آینده برای <روستاهای> «مرزی» & "دورافتاده" آغاز می‌شود.'
SIGN_UP = "ثبت‌نام متقاضیان از طریق سامانهٔ اینترنتی وزارتخانه انجام می‌شود."
ADDED = "کارشناسان می‌گویند کیفیت پشتیبانی فنی در روستاها هنوز <b>کافی</b> نیست."

ORIGIN = article(
    1,
    site="ict",
    url="https://www.ict.gov.ir/fa/news/1/",
    canonical_url="https://www.ict.gov.ir/fa/news/1/",
    title="پایان طرح فیبر نوری در ۱۲۰ روستای کرمان",
    body=f"{FIRST} {SPEED}\n{SAID} {COST}\n{NEXT}\n{SIGN_UP}",
    published_at=T0,
    role="origin",
)


def copy(n: int, site: str, chain: list[Attribution], body: str, **overrides: Any) -> ArticleItem:
    host = {"isna": "www.isna.ir", "example": "www.example-news.ir"}[site]
    values: dict[str, Any] = {
        "site": site,
        "url": f"https://{host}/news/{n}/?utm_source=telegram",
        "canonical_url": f"https://{host}/news/{n}/",
        "title": ORIGIN.title,
        "body": body,
        "attributions": chain,
        "role": "copy",
        "origin": ORIGIN,
        "similarity": 0.9,
        "origin_status": "found",
        "published_at": T0 + timedelta(hours=n),
    }
    values.update(overrides)
    return article(n, **values)


EDITED = copy(
    2,
    "isna",
    [ICT],
    f"به نقل از وزارت ارتباطات، {FIRST} {SPEED_COPY}\n{SAID_COPY}\n{ADDED}\n{NEXT}\n{SIGN_UP}",
    title="فیبر نوری به ۱۲۰ روستای کرمان رسید",
)
VERBATIM = copy(3, "example", [ISNA, ICT], f"به گزارش ایسنا به نقل از وزارت ارتباطات، {ORIGIN.body}")
STORE = [(ORIGIN, "ict"), (EDITED, "isna"), (VERBATIM, "example")]


def fill(sessions: sessionmaker[Session]) -> None:
    store_items(sessions, STORE)


@pytest.fixture
def store(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    fill(sessions)
    return sessions


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The store in a SQLite file, for the command line (the commands read through the functions
    tested on both backends)."""
    url, engine, sessions = sqlite_store(tmp_path_factory.mktemp("changes"))
    fill(sessions)
    engine.dispose()
    yield url


# --- the lookup (both backends) ---------------------------------------------------------------


def test_a_copy_is_found_by_its_canonical_or_crawled_url(store: sessionmaker[Session]) -> None:
    with store() as session:
        for url in (EDITED.canonical_url, EDITED.url, EDITED.canonical_url + "?utm_medium=x#top"):
            doc = document_at(session, url)
            assert doc is not None and doc.canonical_url == EDITED.canonical_url, url
        doc, comparison = comparison_at(session, EDITED.url)
    assert doc.canonical_url == EDITED.canonical_url
    assert comparison.against == ORIGIN.canonical_url
    assert comparison.cut == (COST,)
    assert comparison.added == (ADDED,)
    assert comparison.reworded == ((SAID, SAID_COPY),)
    assert [(f.before, f.after) for f in comparison.figures] == [("۴۰ درصد", "۴۵ درصد")]
    assert comparison.title == (ORIGIN.title, EDITED.title)
    assert comparison.kept == pytest.approx(5 / 6, abs=1e-4)
    assert doc.changes == comparison.as_dict()  # what the store keeps is what is shown


def test_a_verbatim_copy_changed_nothing(store: sessionmaker[Session]) -> None:
    with store() as session:
        doc, comparison = comparison_at(session, VERBATIM.canonical_url)
    assert (comparison.kept, comparison.cut, comparison.added, comparison.figures) == (1.0, (), (), ())
    text = format_text(comparison, doc.canonical_url)
    assert "0 cut, 0 added, 0 reworded, 0 figures changed" in text and "title      unchanged" in text
    assert text.endswith("no sentence changed\n(6 unchanged sentences not shown)\n")


def test_no_comparison_says_why(store: sessionmaker[Session]) -> None:
    with store() as session:
        with pytest.raises(NoComparison) as missing:
            comparison_at(session, "https://www.isna.ir/news/404/")
        with pytest.raises(NoComparison) as origin:
            comparison_at(session, ORIGIN.canonical_url)
    assert (missing.value.stored, missing.value.reason) == (False, "is not in the store")
    assert origin.value.stored and "stored as origin, not as a copy" in origin.value.reason


# --- the report -------------------------------------------------------------------------------


def test_report_counts_and_marks_copies_that_changed_figures(store: sessionmaker[Session]) -> None:
    with store() as session:
        report = build_report(session)
    (release,) = report.releases
    assert (release.compared, release.figures_changed) == (2, 1)
    assert (report.coverage.compared, report.coverage.figures_changed) == (2, 1)
    edited, verbatim = release.copies
    assert edited.changed_figures and not verbatim.changed_figures
    assert verbatim.changes is not None and verbatim.changes.kept == 1.0
    assert [row.kind for row in verbatim.changes.rows if row.kind != "same"] == []

    page = render(report)
    assert '<span class="figures alert">۱ نسخه رقمی را تغییر داده</span>' in page
    assert page.count('<span class="figure-mark"') == 1
    assert 'title="\u2068۴۰ درصد\u2069 ← \u2068۴۵ درصد\u2069"' in page  # each figure isolated (FSI…PDI)
    assert "۸۳٫۳٪ حفظ‌شده" in page and "۱۰۰٪ حفظ‌شده" in page
    card = '<div class="card alert"><div class="card-title">تغییر رقم</div><div class="card-value">۱</div>'
    assert card in page


def side_by_side(page: str, copy_id: int) -> str:
    found = re.search(rf'<details class="compare" id="copy-{copy_id}">(.*?)</details>', page, re.DOTALL)
    assert found is not None, f"no side-by-side view of copy {copy_id}"
    return found.group(1)


def test_report_shows_each_copy_beside_its_reference(store: sessionmaker[Session]) -> None:
    with store() as session:
        report = build_report(session)
        edited_id = report.releases[0].copies[0].document_id
    page = render(report)
    view = side_by_side(page, edited_id)
    assert '<table class="side" dir="rtl">' in view and "<th>متن مرجع</th><th>متن نسخه</th>" in view
    # Cut, added and changed rows, each marked, everything escaped.
    assert f'<tr class="cut"><td><del class="cut">{COST}</del></td><td class="gap"></td></tr>' in view
    assert (
        '<tr class="added"><td class="gap"></td><td><ins class="added">کارشناسان می‌گویند کیفیت پشتیبانی '
        "فنی در روستاها هنوز &lt;b&gt;کافی&lt;/b&gt; نیست.</ins></td></tr>"
    ) in view
    assert '<mark class="reworded was">مراسم افتتاح گفت</mark>' in view
    assert '<mark class="reworded now">آیین گشایش طرح اعلام کرد</mark>' in view
    assert '<mark class="figure was">۴۰</mark>' in view and '<mark class="figure now">۴۵</mark>' in view
    unchanged = (
        "مرحلهٔ دوم طرح در سال آینده برای &lt;روستاهای&gt; «مرزی» &amp; &#34;دورافتاده&#34; آغاز می‌شود."
    )
    assert f'<tr class="same"><td>{unchanged}</td><td>{unchanged}</td></tr>' in view
    assert "<b>" not in page and "<روستاهای>" not in page
    assert "عنوان مرجع:" in view and '<mark class="reworded now">' in view.split("عنوان نسخه:")[1]
    # Closed until opened, readable without a script (the page's own, for its filters, aside); one
    # legend per release.
    own = f"<script>{script()[0]}</script>"
    assert "<details open" not in page and not re.search(r"<script", page.replace(own, ""), re.IGNORECASE)
    assert page.count('class="legend change-legend"') == 1
    assert f'<a href="#copy-{edited_id}">۸۳٫۳٪ حفظ‌شده</a>' in page


# --- the command line -------------------------------------------------------------------------

EXPECTED = f"""\
copy       {EDITED.canonical_url}
reference  {ORIGIN.canonical_url}
kept       83% of the reference's sentences
changes    1 cut, 1 added, 1 reworded, 1 figure changed
title      ~ [پایان طرح] فیبر نوری [در] ۱۲۰ روستای کرمان
           → فیبر نوری [به] ۱۲۰ روستای کرمان [رسید]
figure     ۴۰ درصد → ۴۵ درصد   in: {SPEED_COPY}

~ با اجرای این طرح، سرعت اینترنت خانگی در این روستاها تا [۴۰] درصد افزایش یافته است.
  → با اجرای این طرح، سرعت اینترنت خانگی در این روستاها تا [۴۵] درصد افزایش یافته است.
~ معاون وزیر در [مراسم افتتاح گفت] این پروژه با همکاری اپراتورهای همراه و ثابت اجرا شده است.
  → معاون وزیر در [آیین گشایش طرح اعلام کرد] این پروژه با همکاری اپراتورهای همراه و ثابت اجرا شده است.
- {COST}
+ {ADDED}
(3 unchanged sentences not shown)
"""


def test_scrapy_changes_prints_the_comparison(store_url: str) -> None:
    env = scrapy_env(store_url)
    result = run_scrapy("changes", EDITED.url, env=env)  # the URL as crawled, tracker and all
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == EXPECTED
    # -s names the store as for every command, over the environment.
    elsewhere = scrapy_env(f"sqlite:///{Path(store_url.removeprefix('sqlite:///')).parent / 'no' / 'm.db'}")
    every = run_scrapy(
        "changes", "--all", EDITED.canonical_url, "-s", f"MANBA_DATABASE_URL={store_url}", env=elsewhere
    )
    assert every.returncode == 0, every.stderr
    assert f"= {FIRST}" in every.stdout and f"= {NEXT}" in every.stdout and "not shown" not in every.stdout


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://www.isna.ir/news/404/", "is not in the store; check the URL, or crawl it first"),
        (ORIGIN.canonical_url, "is stored as origin, not as a copy"),
    ],
)
def test_scrapy_changes_refuses_what_is_not_a_stored_copy(store_url: str, url: str, says: str) -> None:
    result = run_scrapy("changes", url, env=scrapy_env(store_url))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"scrapy changes: {url} {says}")


def test_scrapy_changes_refuses_a_missing_store(tmp_path: Path) -> None:
    result = run_scrapy("changes", EDITED.url, env=scrapy_env(f"sqlite:///{tmp_path / 'none' / 'm.sqlite3'}"))
    assert result.returncode == 2 and "no store at" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "none").exists()


def test_scrapy_report_marks_the_changes(store_url: str) -> None:
    result = run_scrapy("report", env=scrapy_env(store_url))
    assert result.returncode == 0, result.stderr
    page = result.stdout
    assert "۱ نسخه رقمی را تغییر داده" in page and "✱ تغییر رقم (۱)" in page
    assert page.count('<details class="compare"') == 2
    assert f'<del class="cut">{COST}</del>' in page and "هنوز &lt;b&gt;کافی&lt;/b&gt; نیست" in page


# --- the shell --------------------------------------------------------------------------------


def test_shell_helper_prints_the_same_comparison(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings({"MANBA_DATABASE_URL": store_url}, priority="cmdline")
    shell_changes(EDITED.url, settings)
    assert capsys.readouterr().out == EXPECTED
    shell_changes(ORIGIN.canonical_url, settings)
    out = capsys.readouterr().out
    assert out.startswith("no changes to show: ") and out.count("\n") == 1


def test_shell_helper_in_scrapy_shell(store_url: str) -> None:
    code = f"__import__('crawler.shell').shell.changes({EDITED.canonical_url!r}, settings)"
    result = run_scrapy("shell", "--nolog", "-c", code, env=scrapy_env(store_url))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(EXPECTED)
