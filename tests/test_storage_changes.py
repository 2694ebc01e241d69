"""A copy's changes in the store: worked out when it is linked, again when its reference changes
(a new version, a late origin, ``scrapy recluster``), exported; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.items import ArticleItem
from storage.changes import refresh_changes
from storage.export import iter_document_rows, iter_releases
from storage.models import Document
from storage.recluster import recluster
from storage.testing import TEHRAN, article
from storage.write import store_document

SENTENCES = [
    "وزیر ارتباطات و فناوری اطلاعات از اتصال ۱۸۵ روستای استان کرمان به شبکه ملی اطلاعات خبر داد.",
    "این طرح با اعتبار ۱۲۵۰۰ میلیارد ریال اجرا شده و تا پایان سال ۹۰ درصد پیشرفت خواهد داشت.",
    "به گفته وی، مرحله دوم طرح از ۱۶ مهر ۱۴۰۳ در استان‌های جنوبی کشور آغاز می‌شود.",
    "معاون وزیر نیز گفت که تأخیر در تحویل تجهیزات باعث عقب افتادن برنامه در دو شهرستان شده است.",
    "کارشناسان شرکت ارتباطات زیرساخت سرعت دسترسی کاربران روستایی را اندازه‌گیری خواهند کرد.",
    "نتایج این اندازه‌گیری پس از جمع‌بندی در اختیار رسانه‌ها و مردم قرار خواهد گرفت.",
]
ADDED = "این خبر در حالی منتشر می‌شود که ساکنان روستاهای کرمان سال‌ها منتظر اینترنت پرسرعت بوده‌اند."
WHEN = datetime(2024, 9, 3, 10, 0, tzinfo=TEHRAN)


def origin(body: str = "\n".join(SENTENCES), **overrides: Any) -> ArticleItem:
    values: dict[str, Any] = {
        "site": "ict",
        "url": "https://www.ict.gov.ir/fa/news/7/",
        "canonical_url": "https://www.ict.gov.ir/fa/news/7/",
        "title": "اتصال ۱۸۵ روستای کرمان به شبکه ملی اطلاعات",
        "body": body,
        "published_at": WHEN,
        "role": "origin",
    }
    return article(7, **{**values, **overrides})


def copy(n: int, body: str, **overrides: Any) -> ArticleItem:
    values: dict[str, Any] = {
        "site": "isna",
        "url": f"https://www.isna.ir/news/{n}/",
        "canonical_url": f"https://www.isna.ir/news/{n}/",
        "title": "فوری: اینترنت به ۱۵۸ روستای کرمان رسید",
        "body": body,
        "published_at": WHEN + timedelta(hours=n),
        "role": "copy",
    }
    return article(n, **{**values, **overrides})


def edited() -> str:
    """The release with its fourth sentence cut, one sentence added and one figure changed."""
    kept = [SENTENCES[0].replace("۱۸۵", "۱۵۸"), SENTENCES[1], ADDED, SENTENCES[2], SENTENCES[4], SENTENCES[5]]
    return "\n".join(kept)


def store(sessions: sessionmaker[Session], item: ArticleItem) -> None:
    with sessions.begin() as session:
        store_document(session, item, source_key=item.site)


def stored(sessions: sessionmaker[Session], url: str) -> Document:
    with sessions() as session:
        return session.scalars(select(Document).where(Document.canonical_url == url)).one()


def test_a_copy_gets_its_changes_when_it_is_linked(sessions: sessionmaker[Session]) -> None:
    store(sessions, origin())
    store(sessions, copy(1, edited()))
    changes = stored(sessions, "https://www.isna.ir/news/1/").changes
    assert changes is not None
    assert changes["against"] == "https://www.ict.gov.ir/fa/news/7/"
    assert changes["cut"] == [SENTENCES[3]]
    assert changes["added"] == [ADDED]
    assert [(f["from"], f["to"]) for f in changes["figures"]] == [("۱۸۵", "۱۵۸")]
    assert changes["reworded"] == []
    assert changes["kept"] == round(5 / 6, 4)
    assert changes["title"]["to"] == "فوری: اینترنت به ۱۵۸ روستای کرمان رسید"
    assert stored(sessions, "https://www.ict.gov.ir/fa/news/7/").changes is None


def test_a_new_version_of_the_reference_recomputes_its_copies(sessions: sessionmaker[Session]) -> None:
    store(sessions, origin())
    store(sessions, copy(1, edited()))
    corrected = "\n".join([SENTENCES[0].replace("۱۸۵", "۱۵۸"), *SENTENCES[1:]])
    store(sessions, origin(corrected, raw_hash="f" * 64))
    changes = stored(sessions, "https://www.isna.ir/news/1/").changes
    assert changes is not None and changes["figures"] == [] and changes["cut"] == [SENTENCES[3]]


def test_a_late_origin_becomes_the_reference(sessions: sessionmaker[Session]) -> None:
    store(sessions, copy(1, edited()))
    store(sessions, copy(2, "\n".join(SENTENCES[:5])))
    second = stored(sessions, "https://www.isna.ir/news/2/")
    assert second.changes is not None and second.changes["against"] == "https://www.isna.ir/news/1/"
    store(sessions, origin())
    for n in (1, 2):
        changes = stored(sessions, f"https://www.isna.ir/news/{n}/").changes
        assert changes is not None and changes["against"] == "https://www.ict.gov.ir/fa/news/7/"
    assert stored(sessions, "https://www.isna.ir/news/2/").changes["cut"] == [SENTENCES[5]]  # type: ignore[index]


def test_recluster_keeps_changes_and_refresh_is_idempotent(sessions: sessionmaker[Session]) -> None:
    store(sessions, origin())
    store(sessions, copy(1, edited()))
    before = stored(sessions, "https://www.isna.ir/news/1/").changes
    with sessions.begin() as session:
        recluster(session)
    after = stored(sessions, "https://www.isna.ir/news/1/")
    assert after.changes == before
    with sessions.begin() as session:
        assert refresh_changes(session, after.release_id) == 0  # nothing is recomputed twice


def test_export_gives_changes_to_copies_only(sessions: sessionmaker[Session]) -> None:
    store(sessions, origin())
    store(sessions, copy(1, edited()))
    with sessions() as session:
        documents = [d for line in iter_releases(session) for d in line["documents"]]
        rows = list(iter_document_rows(session))
    by_role = {d["role"]: d for d in documents}
    assert by_role["origin"]["changes"] is None
    assert by_role["copy"]["changes"]["cut"] == [SENTENCES[3]]
    row = next(r for r in rows if r["role"] == "copy")
    assert (row["kept"], row["cut"], row["added"], row["reworded"], row["figures"]) == (0.8333, 1, 1, 0, 1)
    origin_row = next(r for r in rows if r["role"] == "origin")
    assert origin_row["kept"] is None and origin_row["cut"] is None


def test_an_earlier_copy_arriving_last_becomes_every_copys_reference(sessions: sessionmaker[Session]) -> None:
    body = "\n".join(SENTENCES)
    store(sessions, copy(3, body))
    store(sessions, copy(5, "\n".join(SENTENCES[:5])))
    store(sessions, copy(1, body))
    for n in (3, 5):
        changes = stored(sessions, f"https://www.isna.ir/news/{n}/").changes
        assert changes is not None and changes["against"] == "https://www.isna.ir/news/1/", n
    assert stored(sessions, "https://www.isna.ir/news/1/").changes is None


def test_a_copy_stored_before_changes_were_kept_gets_them_when_crawled_again(
    sessions: sessionmaker[Session],
) -> None:
    store(sessions, origin())
    store(sessions, copy(1, edited()))
    with sessions.begin() as session:  # as a store migrated to 0005 holds it
        row = session.scalars(select(Document).where(Document.canonical_url == "https://www.isna.ir/news/1/")).one()
        row.changes, row.changes_key = None, None
    store(sessions, copy(1, edited()))  # the same page again: unchanged
    changes = stored(sessions, "https://www.isna.ir/news/1/").changes
    assert changes is not None and changes["cut"] == [SENTENCES[3]]
