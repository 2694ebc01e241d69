"""Releases as clusters in the store: exact and band matches, merges, versions, recluster,
the bulk loader, and two processes storing copies of one release at once (SQLite and PostgreSQL)."""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from core.attribution.model import Attribution
from core.items import ArticleItem
from core.syndication.decide import fingerprint
from core.syndication.minhash import INDEXED_BANDS
from storage.bands import band_candidates, indexed
from storage.bulk import bulk_load_signatures, random_rows
from storage.db import make_engine, make_sessionmaker
from storage.models import Document, DocumentVersion, MinhashBand, Release
from storage.recluster import recluster
from storage.retry import in_transaction
from storage.testing import article, story
from storage.write import Request, StoreResult, store_document, write_group
from tests.test_storage_origins import ICT, ISNA, copy_item, origin_item, store, total

RELEASE = (
    "وزیر ارتباطات از افزایش ظرفیت انتقال داده در لایه زیرساخت شبکه ملی اطلاعات خبر داد.\n"
    "به گفته وی مسیرهای جدید فیبر نوری در استان‌های مرزی تا پایان سال به بهره‌برداری می‌رسد.\n"
    "اعتبار این طرح‌ها در لایحه بودجه سال آینده پیش‌بینی شده و پیمانکاران داخلی آن را اجرا می‌کنند.\n"
    "معاون وزیر نیز گفت که چهل و پنج درصد روستاهای کشور تا پایان برنامه به شبکه متصل خواهند شد."
)
OTHER = (
    "معاون وزیر از آغاز ثبت‌نام مرحله تازه طرح حمایت از استارتاپ‌های حوزه هوش مصنوعی خبر داد.\n"
    "متقاضیان تا پایان ماه آینده مدارک خود را در سامانه طرح بارگذاری می‌کنند و داوران بررسی می‌کنند."
)
PER_DOCUMENT = len(INDEXED_BANDS)
MEHR = Attribution(name="خبرگزاری مهر", source="mehr", kind="agency", phrase="تهران- مهر-")


def arabic(text_: str) -> str:
    return text_.replace("ی", "ي").replace("ک", "ك").replace("\u200c", " ")


def doc_of(session: Session, url: str) -> Document:
    return session.scalars(select(Document).where(Document.canonical_url == url)).one()


def release_of(session: Session, url: str) -> Release:
    release = session.get(Release, doc_of(session, url).release_id)
    assert release is not None
    return release


def outlet(n: int, body: str, chain: list[Attribution] | None = None, **overrides: Any) -> ArticleItem:
    return copy_item(
        n,
        None,
        site="example",
        canonical_url=f"https://www.example-news.ir/{n}/",
        attributions=chain if chain is not None else [ICT],
        body=body,
        **overrides,
    )


# --- placement at store time (what late linking used to do at close) ------------------------------


def test_a_copy_of_an_agency_copy_joins_the_release(sessions: sessionmaker[Session]) -> None:
    origin = origin_item(1, body=RELEASE)
    store(sessions, copy_item(2, origin, body="به گزارش ایسنا به نقل از وزارت ارتباطات، " + RELEASE))
    copy = outlet(3, "به گزارش نمونه به نقل از ایسنا، " + arabic(RELEASE), [ISNA])
    assert store(sessions, copy) is StoreResult.CREATED
    assert total(sessions, Release) == 1
    with sessions() as session:
        release = release_of(session, copy.canonical_url)
        assert release.origin_document_id == doc_of(session, origin.canonical_url).id
        stored = doc_of(session, copy.canonical_url)
        assert stored.role == "copy" and (stored.similarity or 0) > 0.9
        assert stored.origin_status == "not_found"  # how following went; placement is by text


def test_a_copy_crediting_a_source_without_a_site_finds_the_stored_origin(
    sessions: sessionmaker[Session],
) -> None:
    store(sessions, origin_item(1, body=RELEASE), role="origin")
    store(sessions, origin_item(2, body=OTHER), role="origin")
    copy = copy_item(3, None, attributions=[MEHR], body="تهران- مهر- " + RELEASE)
    store(sessions, copy)
    with sessions() as session:
        assert (
            release_of(session, copy.canonical_url).id == release_of(session, origin_item(1).canonical_url).id
        )
    assert total(sessions, Release) == 2


def test_a_different_story_is_not_linked(sessions: sessionmaker[Session]) -> None:
    store(sessions, origin_item(1, body=RELEASE), role="origin")
    store(sessions, copy_item(2, None, attributions=[ICT], body="به نقل از وزارت ارتباطات، " + OTHER))
    assert total(sessions, Release) == 2


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0), (2, 0, 1)])
def test_arrival_order_does_not_matter(sessions: sessionmaker[Session], order: tuple[int, ...]) -> None:
    """Copies stored before their origin are gathered under it when it arrives."""
    items = [
        (origin_item(1, body=RELEASE), "origin"),
        (copy_item(2, None, body="به گزارش ایسنا، " + RELEASE), "own"),
        (outlet(3, "به نقل از ایسنا، " + "\n".join(RELEASE.split("\n")[:3]), [ISNA]), "own"),
    ]
    for i in order:
        store(sessions, items[i][0], role=items[i][1])
    assert total(sessions, Release) == 1
    with sessions() as session:
        (release,) = session.scalars(select(Release)).all()
        origin = doc_of(session, items[0][0].canonical_url)
        assert release.origin_document_id == origin.id
        assert (release.title, release.text) == (origin.title, origin.body)
        assert release.source_id == origin.source_id
        for item, _ in items[1:]:
            assert (doc_of(session, item.canonical_url).similarity or 0) >= 0.9


def test_exact_text_joins_by_norm_hash(sessions: sessionmaker[Session]) -> None:
    first = outlet(1, RELEASE, [])
    twin = outlet(2, arabic(RELEASE), [], role="own", title="عنوانی دیگر")
    store(sessions, first)
    store(sessions, twin)
    with sessions() as session:
        a, b = doc_of(session, first.canonical_url), doc_of(session, twin.canonical_url)
        assert a.norm_hash == b.norm_hash and a.norm_hash
        assert a.release_id == b.release_id
        assert b.similarity == 1.0


def test_a_truncated_copy_is_still_a_copy(sessions: sessionmaker[Session]) -> None:
    store(sessions, origin_item(1, body=RELEASE), role="origin")
    cut = copy_item(2, None, body="به گزارش ایسنا، " + RELEASE.split("\n")[0])
    store(sessions, cut)
    assert total(sessions, Release) == 1


def test_a_document_matching_two_releases_merges_them(sessions: sessionmaker[Session]) -> None:
    paragraphs = RELEASE.split("\n")
    first_half = outlet(1, "\n".join(paragraphs[:2]), [])
    second_half = outlet(2, "\n".join(paragraphs[2:]), [])
    store(sessions, first_half)
    store(sessions, second_half)
    assert total(sessions, Release) == 2
    with sessions() as session:
        lowest = min(session.scalars(select(Release.id)))
    store(sessions, outlet(3, RELEASE, []))
    assert total(sessions, Release) == 1
    with sessions() as session:
        assert release_of(session, first_half.canonical_url).id == lowest  # ids stay stable


def test_the_release_with_an_origin_wins_a_merge(sessions: sessionmaker[Session]) -> None:
    paragraphs = RELEASE.split("\n")
    store(sessions, outlet(1, "\n".join(paragraphs[:2]), []))
    origin = origin_item(2, body="\n".join(paragraphs[2:]))
    store(sessions, origin, role="origin")
    store(sessions, outlet(3, RELEASE, []))
    assert total(sessions, Release) == 1
    with sessions() as session:
        release = release_of(session, origin.canonical_url)
        assert release.origin_document_id == doc_of(session, origin.canonical_url).id


def test_two_origins_are_never_merged(sessions: sessionmaker[Session]) -> None:
    store(sessions, origin_item(1, body=RELEASE), role="origin")
    store(sessions, origin_item(2, body=arabic(RELEASE)), role="origin")
    store(sessions, outlet(3, RELEASE))
    assert total(sessions, Release) == 2
    with sessions() as session:
        assert (
            release_of(session, outlet(3, "").canonical_url).id
            == release_of(session, origin_item(1).canonical_url).id
        )


def test_following_overrides_text_and_merges_what_the_text_matched(sessions: sessionmaker[Session]) -> None:
    """A retelling shares no text with its origin, but following found it: it joins the origin."""
    lone = outlet(1, "به نقل از وزارت ارتباطات، " + RELEASE)
    store(sessions, lone)
    origin = origin_item(2, body=OTHER)
    store(sessions, copy_item(3, origin, body=RELEASE, similarity=0.2))
    assert total(sessions, Release) == 1  # the lone copy's release was merged into the origin's
    with sessions() as session:
        assert (
            release_of(session, lone.canonical_url).origin_document_id
            == doc_of(session, origin.canonical_url).id
        )


# --- versions and bands -------------------------------------------------------------------------


def bands_of(session: Session, doc_id: int) -> list[int]:
    return list(
        session.scalars(
            select(MinhashBand.hash).where(MinhashBand.document_id == doc_id).order_by(MinhashBand.band)
        )
    )


def test_a_changed_text_keeps_the_previous_version_and_its_bands_change(
    sessions: sessionmaker[Session],
) -> None:
    item = outlet(1, RELEASE, [])
    store(sessions, item)
    with sessions() as session:
        doc = doc_of(session, item.canonical_url)
        assert bands_of(session, doc.id) == [h for _, h in indexed(fingerprint(RELEASE).bands)]
        assert len(bands_of(session, doc.id)) == PER_DOCUMENT
    changed = outlet(1, OTHER, [], title="عنوان تازه", raw_hash="e" * 64)
    assert store(sessions, changed) is StoreResult.UPDATED
    assert store(sessions, changed) is StoreResult.UNCHANGED
    with sessions() as session:
        doc = doc_of(session, item.canonical_url)
        (version,) = session.scalars(select(DocumentVersion)).all()
        assert (version.document_id, version.version) == (doc.id, 1)
        assert (version.title, version.body, version.raw_hash) == (item.title, item.body, item.raw_hash)
        assert version.fetched_at == item.fetched_at and version.replaced_at is not None
        assert bands_of(session, doc.id) == [h for _, h in indexed(fingerprint(OTHER).bands)]
        assert doc.norm_hash == fingerprint(OTHER).norm_hash
    assert store(sessions, outlet(1, RELEASE, [])) is StoreResult.UPDATED
    with sessions() as session:
        assert [
            v.version for v in session.scalars(select(DocumentVersion).order_by(DocumentVersion.version))
        ] == [1, 2]


def test_a_lone_document_whose_text_changes_into_a_copy_moves(sessions: sessionmaker[Session]) -> None:
    store(sessions, origin_item(1, body=RELEASE), role="origin")
    item = outlet(2, OTHER)
    store(sessions, item)
    assert total(sessions, Release) == 2
    store(sessions, outlet(2, "به نقل از وزارت ارتباطات، " + RELEASE))
    assert total(sessions, Release) == 1


def test_candidate_lookup_uses_the_band_index(engine: Engine, sessions: sessionmaker[Session]) -> None:
    item = outlet(1, RELEASE, [])
    store(sessions, item)
    bands = fingerprint(RELEASE).bands
    with sessions() as session:
        doc = doc_of(session, item.canonical_url)
        assert list(band_candidates(session, bands, item.published_at)) == [doc.id]
        assert list(band_candidates(session, bands, None)) == [doc.id]  # undated: every month
        # The query the store runs, for a dated probe: a seek per (month, band, hash), no scan.
        from storage.bands import _band_query, probe_buckets

        buckets = probe_buckets(item.published_at)
        assert buckets is not None
        params: dict[str, int] = {}
        for i, (band, value) in enumerate(indexed(bands)):
            params[f"b{i}"], params[f"h{i}"] = band, value
        for j, bucket in enumerate(buckets):
            params[f"k{j}"] = bucket
        query = _band_query(len(indexed(bands)), len(buckets))
        literal = {"literal_binds": True}
        compiled = query.bindparams(**params).compile(session.get_bind(), compile_kwargs=literal)
        if engine.dialect.name == "sqlite":
            plan = " ".join(str(row[-1]) for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
            assert "SCAN" not in plan.replace("SCAN CONSTANT", ""), plan
            assert "PRIMARY KEY (bucket=? AND band=? AND hash=?)" in plan, plan
        else:
            session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = " ".join(row[0] for row in session.execute(text(f"EXPLAIN {compiled}")))
            assert "Seq Scan" not in plan and "minhash_bands_2024_09" in plan, plan


# --- benchmark API ------------------------------------------------------------------------------


def test_bulk_loaded_signatures_then_store_document(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        assert bulk_load_signatures(session, random_rows(300, seed=3), batch=128) == 300
    assert total(sessions, Document) == total(sessions, Release) == 300
    assert total(sessions, MinhashBand) == 300 * PER_DOCUMENT
    with sessions.begin() as session:
        first = store_document(session, outlet(1, RELEASE, [], role="own")).release_id
    with sessions.begin() as session:
        second = store_document(
            session, outlet(2, "به نقل از وزارت ارتباطات، " + arabic(RELEASE), role="copy")
        ).release_id
        third = store_document(session, outlet(3, OTHER, [], role="own")).release_id
    assert first == second != third
    assert total(sessions, Release) == 302


# --- recluster ------------------------------------------------------------------------------------


def releases_by_url(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as session:
        return dict(session.execute(select(Document.canonical_url, Document.release_id)).all())


def partition(release_of: dict[str, int]) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = defaultdict(set)
    for url, release_id in release_of.items():
        groups[release_id].add(url)
    return {frozenset(g) for g in groups.values()}


def test_recluster_is_deterministic_idempotent_and_follows_the_threshold(
    sessions: sessionmaker[Session],
) -> None:
    paragraphs = RELEASE.split("\n")
    origin = origin_item(1, body=RELEASE)
    store(sessions, copy_item(2, origin, body="به گزارش ایسنا، " + RELEASE))
    store(sessions, outlet(3, "\n".join(paragraphs[:2]) + "\n" + OTHER))  # half a copy: containment ≈ 0.5
    store(sessions, outlet(4, story(4), []))
    retelling = copy_item(
        5,
        origin,
        site="example",
        canonical_url="https://en.example-news.ir/5/",
        body=story(5),
        similarity=0.1,
    )
    store(sessions, retelling)
    before = releases_by_url(sessions)
    with sessions.begin() as session:
        report = recluster(session)
    assert report.moved == 0 and releases_by_url(sessions) == before  # the store already agreed
    with sessions.begin() as session:
        recluster(session, threshold=0.4)
    loose = releases_by_url(sessions)
    assert loose[outlet(3, "").canonical_url] == loose[origin.canonical_url]
    with sessions.begin() as session:
        again = recluster(session, threshold=0.4)
    assert again.moved == 0 and releases_by_url(sessions) == loose
    with sessions.begin() as session:
        recluster(session)
    assert partition(releases_by_url(sessions)) == partition(before)  # (a split-off group gets a new id)
    with sessions() as session:
        release = release_of(session, origin.canonical_url)
        assert release.origin_document_id == doc_of(session, origin.canonical_url).id  # origins stay heads
        assert release_of(session, retelling.canonical_url).id == release.id  # following is kept
        assert doc_of(session, retelling.canonical_url).similarity == 0.1
        assert session.scalar(select(func.count()).select_from(MinhashBand)) == 5 * PER_DOCUMENT


def test_recluster_fills_bands_of_rows_stored_before_the_index(sessions: sessionmaker[Session]) -> None:
    store(sessions, outlet(1, RELEASE, []))
    store(sessions, outlet(2, arabic(RELEASE), []))
    with sessions.begin() as session:
        session.execute(MinhashBand.__table__.delete())
        session.execute(Document.__table__.update().values(norm_hash=""))
    with sessions.begin() as session:
        recluster(session)
    assert total(sessions, MinhashBand) == 2 * PER_DOCUMENT
    with sessions() as session:
        assert all(d.norm_hash for d in session.scalars(select(Document)))


# --- two processes --------------------------------------------------------------------------------

GROUPS = 24
"""Releases stored at once by two processes: each stores one copy of every release, in the same
order, so both copies of one release are in flight at the same moment; every third release also
has its origin, stored by the second process in place of its copy. Without the advisory locks
most groups end split in two (nothing later comes along to merge them)."""


def group_text(g: int) -> str:
    return "\n".join(story(1000 + 10 * g + k) for k in range(2))


def variant(g: int, worker: int) -> str:
    paragraphs = group_text(g).split("\n")
    if worker == 0:
        return "\n".join(["به گزارش ایسنا به نقل از وزارت ارتباطات، " + paragraphs[0], *paragraphs[1:]])
    return "\n".join(arabic(p) for p in paragraphs[:-1]) + "\nانتهای پیام"


def concurrent_items(worker: int) -> list[tuple[ArticleItem, str]]:
    items = []
    for g in range(GROUPS):
        if worker == 1 and g % 3 == 0:
            items.append((origin_item(900 + g, body=group_text(g)), "origin"))
            continue
        n = 100 * g + worker
        item = article(
            n, site="isna", canonical_url=f"https://www.isna.ir/news/{n}/", body=variant(g, worker)
        )
        items.append((item, "own"))
    return items


def _store_concurrently(url: str, worker: int, barrier: Any, size: int) -> None:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    items = concurrent_items(worker)
    if size == 1:
        for item, role in items:
            barrier.wait()  # both processes start each release together
            in_transaction(
                sessions, lambda s, i=item, r=role: store_document(s, i, source_key=i.site, role=r)
            )
    else:
        # As writer processes do: several items per transaction, both writers at once.
        for start in range(0, len(items), size):
            barrier.wait()
            group = [Request(i, None, i.site, r) for i, r in items[start : start + size]]
            failed = [o for o in write_group(sessions, group) if isinstance(o, Exception)]
            assert not failed, failed
    engine.dispose()


@pytest.mark.parametrize("size", [1, 4], ids=["one per transaction", "four per transaction"])
def test_two_processes_storing_copies_at_once_end_with_one_release_per_group(
    database_url: str, sessions: sessionmaker[Session], size: int
) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [
        context.Process(target=_store_concurrently, args=(database_url, w, barrier, size)) for w in (0, 1)
    ]
    for p in workers:
        p.start()
    for p in workers:
        p.join(timeout=300)
        assert p.exitcode == 0
    groups: dict[int, set[int]] = defaultdict(set)
    with sessions() as session:
        for url, release_id in session.execute(select(Document.canonical_url, Document.release_id)):
            number = int(url.rstrip("/").rsplit("/", 1)[-1])
            groups[number - 900 if "ict.gov.ir" in url else number // 100].add(release_id)
        split = {g: len(r) for g, r in groups.items() if len(r) != 1}
        assert not split, f"releases split in two: {split}"
        assert len(groups) == GROUPS
        for g in range(0, GROUPS, 3):
            release = session.get(Release, next(iter(groups[g])))
            assert release is not None and release.origin_document_id is not None
    assert total(sessions, Release) == GROUPS
    assert total(sessions, Document) == 2 * GROUPS
