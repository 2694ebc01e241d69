"""Attribution chains and origin links in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from core.attribution.model import Attribution
from core.items import ArticleItem
from storage import write
from storage.db import make_engine, make_sessionmaker
from storage.export import iter_releases
from storage.migrate import alembic_config, upgrade_engine
from storage.models import Document, DocumentAttribution, Release, Source
from storage.summary import compare_labels
from storage.testing import (
    article,
)
from storage.write import StoreResult, store_document, stored_chain

ICT = Attribution(name="وزارت ارتباطات", source="ict", kind="ministry", phrase="به نقل از وزارت ارتباطات")
ISNA = Attribution(name="ایسنا", source="isna", kind="agency", phrase="به گزارش ایسنا")
UNKNOWN = Attribution(name="روابط عمومی شرکت ناشناس", source=None, kind=None, phrase="به نقل از شرکت ناشناس")
UNMIRRORED = Attribution(name="سازمان تازه", source="newkey", kind="agency", phrase="به گزارش سازمان تازه")






def origin_item(n: int = 1, **overrides: Any) -> ArticleItem:
    values: dict[str, Any] = {"site": "ict", "canonical_url": f"https://www.ict.gov.ir/fa/news/{n}/"}
    values.update(overrides)
    return article(n, **values)


def copy_item(n: int, origin: ArticleItem | None, **overrides: Any) -> ArticleItem:
    values: dict[str, Any] = {
        "site": "isna",
        "canonical_url": f"https://www.isna.ir/news/{n}/",
        "attributions": [ICT],
        "role": "copy",
        "origin": origin,
        "similarity": 0.93 if origin is not None else None,
        "origin_status": "found" if origin is not None else "not_found",
        "title_norm": f"عنوان {n}",
        "body_norm": f"متن {n}",
    }
    values.update(overrides)
    return article(n, **values)


def store(sessions: sessionmaker[Session], item: ArticleItem, **kwargs: Any) -> StoreResult:
    options: dict[str, Any] = {"run_id": None, "source_key": item.site, "role": "own", **kwargs}
    with sessions.begin() as session:
        return store_document(session, item, **options).result


def doc(session: Session, url: str) -> Document:
    return session.scalars(select(Document).where(Document.canonical_url == url)).one()


def total(sessions: sessionmaker[Session], model: type[Any]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def source_key(session: Session, source_id: int | None) -> str | None:
    return session.scalar(select(Source.key).where(Source.id == source_id)) if source_id is not None else None


# --- origin first, copy linked --------------------------------------------------------------


def test_origin_is_stored_first_and_the_copy_joins_its_release(sessions: sessionmaker[Session]) -> None:
    origin = origin_item()
    assert store(sessions, copy_item(2, origin)) is StoreResult.CREATED
    with sessions() as session:
        o, c = doc(session, origin.canonical_url), doc(session, "https://www.isna.ir/news/2/")
        assert o.id < c.id  # stored first
        assert (o.role, c.role) == ("origin", "copy")
        assert o.release_id == c.release_id
        release = session.get(Release, o.release_id)
        assert release is not None
        assert release.origin_document_id == o.id
        assert source_key(session, release.source_id) == "ict"
        assert (release.title, release.text) == (origin.title, origin.body)
        assert (c.similarity, c.origin_status) == (0.93, "found")
        assert (c.title_norm, c.body_norm, c.own_reporting) == ("عنوان 2", "متن 2", False)
        assert source_key(session, c.source_id) == "isna"
    assert total(sessions, Release) == 1


def test_two_copies_of_one_origin_make_one_release_of_three(sessions: sessionmaker[Session]) -> None:
    origin = origin_item()
    assert store(sessions, copy_item(2, origin)) is StoreResult.CREATED
    third = copy_item(3, origin_item(), site="example.ir", canonical_url="https://example-news.ir/3")
    assert store(sessions, third, source_key="example") is StoreResult.CREATED
    assert total(sessions, Release) == 1
    assert total(sessions, Document) == 3
    with sessions() as session:
        (line,) = list(iter_releases(session))
    assert [d["role"] for d in line["documents"]] == ["origin", "copy", "copy"]
    assert line["origin"]["url"] == origin.canonical_url
    assert line["source"] == "ict"


def test_an_existing_origin_is_reused_and_a_lone_copy_moves_in(sessions: sessionmaker[Session]) -> None:
    origin = origin_item()
    store(sessions, origin, role="origin")
    store(sessions, copy_item(2, None))  # first crawl: origin not found, a release of its own
    assert total(sessions, Release) == 2
    with sessions() as session:
        lone = doc(session, "https://www.isna.ir/news/2/")
        lone_release = session.get(Release, lone.release_id)
        assert lone_release is not None and lone_release.origin_document_id is None
        assert source_key(session, lone_release.source_id) == "ict"  # attributed, though unlinked
        assert lone.role == "copy"
        old_release_id = lone.release_id
    assert store(sessions, copy_item(2, origin)) is StoreResult.UPDATED
    assert total(sessions, Release) == 1
    with sessions() as session:
        assert session.get(Release, old_release_id) is None  # emptied, deleted
        assert (
            doc(session, "https://www.isna.ir/news/2/").release_id
            == doc(session, origin.canonical_url).release_id
        )
    assert store(sessions, copy_item(2, origin)) is StoreResult.UNCHANGED


def test_absence_of_an_origin_never_unlinks(sessions: sessionmaker[Session]) -> None:
    origin = origin_item()
    store(sessions, copy_item(2, origin))
    again = copy_item(2, None, origin_status="disabled", similarity=None)
    assert store(sessions, again) is StoreResult.UNCHANGED
    changed = copy_item(2, None, body=again.body + "\nبند تازه.", origin_status="disabled")
    assert store(sessions, changed) is StoreResult.UPDATED
    with sessions() as session:
        c, o = doc(session, changed.canonical_url), doc(session, origin.canonical_url)
        assert c.release_id == o.release_id
        assert (c.role, c.similarity, c.origin_status) == ("copy", 0.93, "found")
        assert c.body == changed.body
    assert total(sessions, Release) == 1


def test_a_copy_is_relinked_to_a_different_origin(sessions: sessionmaker[Session]) -> None:
    store(sessions, copy_item(3, origin_item(1)))
    store(sessions, copy_item(3, origin_item(2), similarity=0.8))
    with sessions() as session:
        c = doc(session, "https://www.isna.ir/news/3/")
        assert c.release_id == doc(session, origin_item(2).canonical_url).release_id
        assert c.similarity == 0.8
        first = session.get(Release, doc(session, origin_item(1).canonical_url).release_id)
        assert first is not None and first.origin_document_id is not None  # the origin stays its own
    assert total(sessions, Release) == 2


def test_an_origin_stored_concurrently_is_reread(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another copy's writer inserted the origin between our lookup and our insert (simulated)."""
    origin = origin_item()
    store(sessions, origin, role="origin")
    real_find = write.find_document
    stale = {origin.canonical_url}

    def find(session: Session, url: str) -> Document | None:
        if url in stale:
            stale.discard(url)
            return None
        return real_find(session, url)

    monkeypatch.setattr(write, "find_document", find)
    assert store(sessions, copy_item(2, origin)) is StoreResult.CREATED
    assert total(sessions, Document) == 2
    assert total(sessions, Release) == 1


def test_role_comes_from_the_item_when_set(sessions: sessionmaker[Session]) -> None:
    item = article(5, site="isna", canonical_url="https://www.isna.ir/news/5/", role="own")
    store(sessions, item, role="origin")
    fallback = article(6, site="isna", canonical_url="https://www.isna.ir/news/6/")
    store(sessions, fallback, role="origin")
    with sessions() as session:
        assert doc(session, item.canonical_url).role == "own"
        assert doc(session, fallback.canonical_url).role == "origin"


# --- attribution rows -----------------------------------------------------------------------


def test_chain_rows_are_stored_in_order(sessions: sessionmaker[Session]) -> None:
    item = copy_item(2, None, attributions=[ISNA, UNKNOWN, UNMIRRORED, ICT])
    store(sessions, item)
    with sessions() as session:
        d = doc(session, item.canonical_url)
        rows = list(
            session.scalars(
                select(DocumentAttribution)
                .where(DocumentAttribution.document_id == d.id)
                .order_by(DocumentAttribution.position)
            )
        )
        assert [r.position for r in rows] == [0, 1, 2, 3]
        assert [r.source_key for r in rows] == ["isna", None, "newkey", "ict"]
        assert [source_key(session, r.source_id) for r in rows] == ["isna", None, None, "ict"]
        assert [(r.name, r.kind, r.phrase) for r in rows][1] == (UNKNOWN.name, None, UNKNOWN.phrase)
        assert stored_chain(session, d.id) == [
            (a.source, a.name, a.kind, a.phrase) for a in item.attributions
        ]


def test_a_changed_chain_is_an_update(sessions: sessionmaker[Session]) -> None:
    store(sessions, copy_item(2, None, attributions=[ISNA, ICT]))
    assert store(sessions, copy_item(2, None, attributions=[ISNA, ICT])) is StoreResult.UNCHANGED
    assert store(sessions, copy_item(2, None, attributions=[ICT])) is StoreResult.UPDATED
    assert store(sessions, copy_item(2, None, attributions=[ICT, ISNA])) is StoreResult.UPDATED
    assert store(sessions, copy_item(2, None, attributions=[])) is StoreResult.UPDATED
    assert total(sessions, DocumentAttribution) == 0
    assert store(sessions, copy_item(2, None, attributions=[UNKNOWN])) is StoreResult.UPDATED
    with sessions() as session:
        assert [r[1] for r in stored_chain(session, doc(session, "https://www.isna.ir/news/2/").id)] == [
            UNKNOWN.name
        ]


@pytest.mark.parametrize(
    "change",
    [
        {"title_norm": "دیگر"},
        {"body_norm": "دیگر"},
        {"own_reporting": True},
        {"origin_status": "no_origin_site"},
    ],
)
def test_new_columns_count_as_content(sessions: sessionmaker[Session], change: dict[str, Any]) -> None:
    store(sessions, copy_item(2, None))
    assert store(sessions, copy_item(2, None, **change)) is StoreResult.UPDATED
    with sessions() as session:
        d = doc(session, "https://www.isna.ir/news/2/")
        assert all(getattr(d, k) == v for k, v in change.items())


def test_deleting_a_document_deletes_its_chain(sessions: sessionmaker[Session]) -> None:
    store(sessions, copy_item(2, None, attributions=[ISNA, ICT]))
    assert total(sessions, DocumentAttribution) == 2
    with sessions.begin() as session:
        session.execute(text("DELETE FROM documents"))
    assert total(sessions, DocumentAttribution) == 0


# --- migration 0001 → 0002 with data --------------------------------------------------------


def test_upgrade_from_0001_keeps_documents(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        config = alembic_config()
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO releases (id, title, text, first_seen_at, created_at, updated_at) "
                    "VALUES (1, 't', 'x', :now, :now, :now)"
                ),
                {"now": "2024-09-03 10:00:00"},
            )
            connection.execute(
                text(
                    "INSERT INTO documents (id, canonical_url, url, site, release_id, role, title, body,"
                    " lang, raw_hash, body_hash, extractor, first_seen_at, fetched_at, created_at,"
                    " updated_at) VALUES (1, 'u', 'u', 's', 1, 'own', 't', 'x', 'fa', 'h', 'h', 'g',"
                    " :now, :now, :now, :now)"
                ),
                {"now": "2024-09-03 10:00:00"},
            )
        upgrade_engine(engine)
        with make_sessionmaker(engine)() as session:
            d = session.get(Document, 1)
            assert d is not None
            assert (d.title_norm, d.body_norm, d.own_reporting, d.origin_status) == ("", "", False, None)
    finally:
        engine.dispose()


# --- labels ---------------------------------------------------------------------------------


def test_compare_labels_scores_chains_and_origin_links(sessions: sessionmaker[Session]) -> None:
    origin = origin_item()
    store(sessions, copy_item(2, origin, attributions=[ISNA, ICT]))
    store(sessions, copy_item(3, None, attributions=[UNKNOWN]))  # not linked
    chain = [
        {"source": "isna", "name": "ایسنا", "kind": "agency"},
        {"source": "ict", "name": "x", "kind": "m"},
    ]
    articles = [
        {"url": origin.canonical_url, "role": "origin", "copy_of": None, "attribution": []},
        {
            "url": "https://www.isna.ir/news/2/",
            "role": "copy",
            "copy_of": origin.canonical_url,
            "attribution": chain,
        },
        {
            "url": "https://www.isna.ir/news/3/",
            "role": "copy",
            "copy_of": origin.canonical_url,
            "attribution": [
                {"source": None, "name": "روابط\u200cعمومی شرکت ناشناس", "kind": None},
                {"source": "ict", "name": "وزارت ارتباطات", "kind": "ministry"},
            ],
        },
        {
            "url": "https://www.isna.ir/news/404/",
            "role": "copy",
            "copy_of": origin.canonical_url,
            "attribution": [],
        },
    ]
    with sessions() as session:
        report = compare_labels(session, articles)
    assert report.attribution is not None and report.origin_links is not None
    # The missing article is not scored for attribution, but counts as an unlinked copy.
    assert (report.attribution.chains, report.attribution.exact) == (3, 2)
    assert (report.attribution.matched, report.attribution.stored, report.attribution.labelled) == (3, 3, 4)
    assert (report.origin_links.linked, report.origin_links.copies) == (1, 3)
