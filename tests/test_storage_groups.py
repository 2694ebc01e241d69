"""Several items in one transaction (``storage.write.write_group``) store what one at a time would."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from core.items import ArticleItem
from storage.models import Document, Release
from storage.testing import article
from storage.write import Request, StoreResult, write_group
from tests.test_storage_origins import copy_item, origin_item, total
from tests.test_storage_syndication import RELEASE, arabic, outlet


def requests(*items: tuple[ArticleItem, str]) -> list[Request]:
    return [Request(item, None, item.site, role) for item, role in items]


def commits(engine: Engine) -> list[int]:
    """A list that grows by one at each commit on ``engine``."""
    seen: list[int] = []
    event.listen(engine, "commit", lambda connection: seen.append(1))
    return seen


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0), (2, 0, 1)])
def test_copies_of_each_other_in_one_group_join_one_release(
    engine: Engine, sessions: sessionmaker[Session], order: tuple[int, ...]
) -> None:
    """The band lookup of an item sees the items before it in the same transaction."""
    items = [
        (origin_item(1, body=RELEASE), "origin"),
        (copy_item(2, None, body="به گزارش ایسنا، " + RELEASE), "own"),
        (outlet(3, "به نقل از ایسنا، " + arabic(RELEASE)), "own"),
    ]
    committed = commits(engine)
    results = write_group(sessions, requests(*(items[i] for i in order)))
    assert results == [StoreResult.CREATED] * 3
    assert len(committed) == 1
    assert total(sessions, Release) == 1
    with sessions() as session:
        (release,) = session.scalars(select(Release)).all()
        origin = session.scalars(select(Document).where(Document.role == "origin")).one()
        assert release.origin_document_id == origin.id
        for item, _ in items[1:]:
            copy = session.scalars(select(Document).where(Document.canonical_url == item.canonical_url)).one()
            assert copy.release_id == release.id and (copy.similarity or 0) >= 0.9


def test_one_bad_item_keeps_only_itself_out(engine: Engine, sessions: sessionmaker[Session]) -> None:
    """The group fails as a whole, and is written again item by item: the others are stored."""
    bad = article(2, site="isna", published_at=datetime(2024, 9, 3, 10, 20))  # naive: refused
    good = [article(n, site="isna") for n in (1, 3)]
    committed = commits(engine)
    results: list[Any] = write_group(sessions, requests((good[0], "own"), (bad, "own"), (good[1], "own")))
    assert results[0] is StoreResult.CREATED and results[2] is StoreResult.CREATED
    assert isinstance(results[1], ValueError) and "naive" in str(results[1])
    assert len(committed) == 2  # nothing of the group; then the two good items, one transaction each
    assert total(sessions, Document) == 2


def test_the_same_page_twice_in_a_group_is_stored_once(sessions: sessionmaker[Session]) -> None:
    origin = origin_item(1, body=RELEASE)
    copy = copy_item(2, origin, body="به گزارش ایسنا، " + RELEASE)
    results = write_group(sessions, requests((origin, "origin"), (copy, "copy"), (copy, "copy")))
    assert results == [StoreResult.CREATED, StoreResult.CREATED, StoreResult.UNCHANGED]
    assert total(sessions, Document) == 2
    assert total(sessions, Release) == 1


def test_a_group_run_again_after_a_conflict_stores_each_item_once(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deadlock victim's group is run again whole (``storage.retry``): nothing doubled."""
    from storage import write
    from storage.clusters import PlacementConflict

    real = write.store_document
    calls = {"n": 0}

    def conflicted_once(session: Session, item: ArticleItem, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise PlacementConflict("merged away under the lookup")
        return real(session, item, **kwargs)

    monkeypatch.setattr(write, "store_document", conflicted_once)
    retried: list[BaseException] = []
    results = write_group(
        sessions, requests((article(1, site="isna"), "own"), (article(2, site="isna"), "own")),
        on_retry=retried.append,
    )
    assert results == [StoreResult.CREATED, StoreResult.CREATED]
    assert len(retried) == 1 and calls["n"] == 4  # one, the conflict, then both again
    assert total(sessions, Document) == 2


def test_two_writers_storing_alike_groups_in_opposite_orders_do_not_deadlock(
    engine: Engine, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writer A stores a copy of release X then one of Y; writer B, at the same moment, a copy of Y
    then one of X. Each waits for the other after its first item. With the locks of a group taken
    item by item, A holds X's and wants Y's while B holds Y's and wants X's: PostgreSQL breaks the
    cycle by rolling one group back (a retry, and a second's stall). A group takes all its locks
    first, in key order, so B waits for A's whole group and nothing is rolled back."""
    import contextlib
    import threading

    from storage import write
    from tests.test_storage_syndication import OTHER

    barrier = threading.Barrier(2, timeout=3)
    waited = threading.local()
    store_document = write.store_document

    def store_then_wait(*args: Any, **kwargs: Any) -> Any:
        stored = store_document(*args, **kwargs)
        if not getattr(waited, "done", False):
            waited.done = True
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()  # both writers hold their first item's locks, or one is blocked
        return stored

    monkeypatch.setattr(write, "store_document", store_then_wait)
    x, y = RELEASE, OTHER
    isna, mehr = "به نقل از ایسنا، ", "به گزارش مهر، "
    groups = {
        "a": requests((outlet(11, isna + x), "own"), (outlet(12, isna + y), "own")),
        "b": requests((outlet(21, mehr + arabic(y)), "own"), (outlet(22, mehr + arabic(x)), "own")),
    }
    retries: list[BaseException] = []
    results: dict[str, list[Any]] = {}

    def run(name: str) -> None:
        results[name] = write_group(sessions, groups[name], on_retry=retries.append)

    threads = [threading.Thread(target=run, args=(name,)) for name in groups]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results["a"] == results["b"] == [StoreResult.CREATED, StoreResult.CREATED]
    assert retries == []
    assert total(sessions, Release) == 2
    with sessions() as session:
        release = {d.canonical_url: d.release_id for d in session.scalars(select(Document))}
    assert release[outlet(11, "").canonical_url] == release[outlet(22, "").canonical_url]
    assert release[outlet(12, "").canonical_url] == release[outlet(21, "").canonical_url]
