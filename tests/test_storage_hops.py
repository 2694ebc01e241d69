"""Late linking in the store: copies of copies, and copies crediting a source without a site."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crawler.attribution.model import Attribution
from pipelines.storage.hops import link_through_hops
from pipelines.storage.models import Document, Release
from tests.test_storage_origins import (  # noqa: F401  (fixtures)
    ICT,
    ISNA,
    copy_item,
    database_url,
    engine,
    origin_item,
    postgres_database,
    sessions,
    store,
    total,
)

RELEASE = (
    "وزیر ارتباطات از افزایش ظرفیت انتقال داده در لایه زیرساخت شبکه ملی اطلاعات خبر داد.\n"
    "به گفته وی مسیرهای جدید فیبر نوری در استان‌های مرزی تا پایان سال به بهره‌برداری می‌رسد.\n"
    "اعتبار این طرح‌ها در لایحه بودجه سال آینده پیش‌بینی شده و پیمانکاران داخلی آن را اجرا می‌کنند."
)
OTHER = (
    "معاون وزیر از آغاز ثبت‌نام مرحله تازه طرح حمایت از استارتاپ‌های حوزه هوش مصنوعی خبر داد.\n"
    "متقاضیان تا پایان ماه آینده مدارک خود را در سامانه طرح بارگذاری می‌کنند و داوران بررسی می‌کنند."
)
MEHR = Attribution(name="خبرگزاری مهر", source="mehr", kind="agency", phrase="به گزارش خبرگزاری مهر")


def release_of(session: Session, url: str) -> Release:
    doc = session.scalars(select(Document).where(Document.canonical_url == url)).one()
    release = session.get(Release, doc.release_id)
    assert release is not None
    return release


def test_a_copy_of_an_agency_copy_joins_the_release(sessions: sessionmaker[Session]) -> None:
    origin = origin_item(1, body=RELEASE)
    store(sessions, copy_item(2, origin, body="به گزارش ایسنا به نقل از وزارت ارتباطات، " + RELEASE))
    outlet = copy_item(
        3,
        None,
        site="example",
        canonical_url="https://www.example-news.ir/3/",
        attributions=[ISNA],
        body="به گزارش نمونه به نقل از ایسنا، " + RELEASE.replace("ی", "ي"),
    )
    store(sessions, outlet)
    assert total(sessions, Release) == 2
    with sessions.begin() as session:
        assert link_through_hops(session) == 1
    with sessions() as session:
        release = release_of(session, outlet.canonical_url)
        assert release.origin_document_id is not None
        assert release.id == release_of(session, origin.canonical_url).id
        moved = session.scalars(select(Document).where(Document.canonical_url == outlet.canonical_url)).one()
        assert moved.origin_status == "via_isna" and moved.role == "copy" and (moved.similarity or 0) > 0.9
    assert total(sessions, Release) == 1
    with sessions.begin() as session:
        assert link_through_hops(session) == 0  # nothing left to link: a second pass changes nothing


def test_a_copy_crediting_a_source_without_a_site_finds_the_stored_origin(
    sessions: sessionmaker[Session],
) -> None:
    store(sessions, origin_item(1, body=RELEASE), role="origin")
    store(sessions, origin_item(2, body=OTHER), role="origin")
    copy = copy_item(3, None, attributions=[MEHR], body="تهران- مهر- " + RELEASE)
    store(sessions, copy)
    with sessions.begin() as session:
        assert link_through_hops(session) == 1
    with sessions() as session:
        release = release_of(session, copy.canonical_url)
        assert release.id == release_of(session, origin_item(1).canonical_url).id
        assert (
            session.scalars(
                select(Document.origin_status).where(Document.canonical_url == copy.canonical_url)
            ).one()
            == "in_store"
        )


def test_a_different_story_is_not_linked(sessions: sessionmaker[Session]) -> None:
    store(sessions, origin_item(1, body=RELEASE), role="origin")
    store(sessions, copy_item(2, None, attributions=[ICT], body="به نقل از وزارت ارتباطات، " + OTHER))
    with sessions.begin() as session:
        assert link_through_hops(session) == 0
    assert total(sessions, Release) == 2


def test_copies_gathered_under_an_unlinked_copy_move_with_it(sessions: sessionmaker[Session]) -> None:
    origin = origin_item(1, body=RELEASE)
    store(sessions, origin, role="origin")
    agency = copy_item(2, None, attributions=[ICT], body="به گزارش ایسنا، " + RELEASE)
    store(sessions, agency)
    outlet = copy_item(
        3,
        None,
        site="example",
        canonical_url="https://www.example-news.ir/3/",
        attributions=[ISNA],
        body="به نقل از ایسنا، " + RELEASE,
    )
    store(sessions, outlet)
    with sessions.begin() as session:
        assert link_through_hops(session) == 2
    with sessions() as session:
        target = release_of(session, origin.canonical_url).id
        assert release_of(session, agency.canonical_url).id == target
        assert release_of(session, outlet.canonical_url).id == target
    assert total(sessions, Release) == 1
