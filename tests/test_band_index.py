"""The band index windowed by publication month (``storage.bands``, migration 0008): a lookup
reads only the months near the probe's date, and late, undated and re-dated documents are
still found (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from alembic import command
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from core.items import ArticleItem
from core.syndication.minhash import INDEXED_BANDS
from storage.bands import UNDATED, WINDOW_DAYS, bucket_of, month_of, partition_name, probe_buckets
from storage.db import make_engine
from storage.migrate import alembic_config, upgrade_engine, upgrade_to_head
from storage.models import MinhashBand, Release
from tests.test_storage_origins import origin_item, store, total
from tests.test_storage_syndication import OTHER, RELEASE, doc_of, outlet

TEHRAN = timezone(timedelta(hours=3, minutes=30))
SEPT = datetime(2024, 9, 3, 10, 20, tzinfo=TEHRAN)


# --- buckets and windows ------------------------------------------------------------------------


def test_a_bucket_is_the_utc_month_and_undated_is_its_own() -> None:
    assert bucket_of(None) == UNDATED == 0
    assert bucket_of(datetime(1970, 1, 1, tzinfo=UTC)) == 1
    assert month_of(bucket_of(SEPT)) == (2024, 9)
    # 1 October 01:00 in Tehran is still 30 September in UTC.
    assert month_of(bucket_of(datetime(2024, 10, 1, 1, 0, tzinfo=TEHRAN))) == (2024, 9)
    assert partition_name(bucket_of(SEPT)) == "minhash_bands_2024_09"
    assert partition_name(UNDATED) == "minhash_bands_undated"


def test_a_window_is_the_months_within_its_days_and_the_undated_bucket() -> None:
    buckets = probe_buckets(SEPT)
    assert buckets is not None
    assert buckets[0] == UNDATED
    assert [month_of(b) for b in buckets[1:]] == [(2024, 8), (2024, 9), (2024, 10)]
    mid = probe_buckets(datetime(2024, 9, 16, tzinfo=UTC))
    assert mid is not None and [month_of(b) for b in mid[1:]] == [(2024, 8), (2024, 9), (2024, 10)]
    assert probe_buckets(None) is None  # undated: every bucket
    assert WINDOW_DAYS < 31  # so a window never spans more than three months


# --- through the store --------------------------------------------------------------------------


def _buckets_of(sessions: sessionmaker[Session], url: str) -> set[int]:
    with sessions() as session:
        doc = doc_of(session, url)
        return set(session.scalars(select(MinhashBand.bucket).where(MinhashBand.document_id == doc.id)))


EDITS = (("چهل و پنج", "پنجاه"), ("سال آینده", "دو سال آینده"), ("استان‌های مرزی", "استان‌های جنوبی"))


def _copy(n: int, published_at: datetime | None, edit: int = 0) -> ArticleItem:
    """An edited copy of the release (each ``edit`` its own text: no two share a norm_hash, so
    only the band index can bring them together)."""
    body = "به نقل از وزارت ارتباطات، " + RELEASE.replace(*EDITS[edit])
    return fresh(n, body, published_at)


def fresh(n: int, body: str, published_at: datetime | None) -> ArticleItem:
    """An outlet's page published at ``published_at`` and crawled two hours later."""
    seen = published_at + timedelta(hours=2) if published_at is not None else SEPT
    return outlet(n, body, published_at=published_at, fetched_at=seen)


def test_bands_are_filed_under_the_publication_month(sessions: sessionmaker[Session]) -> None:
    store(sessions, origin_item(1, body=RELEASE, published_at=SEPT), role="origin")
    store(sessions, outlet(2, OTHER, published_at=None))
    late = origin_item(3, body=OTHER + " دیرتر", published_at=SEPT - timedelta(days=90))
    store(sessions, late, role="origin")  # first seen three months after its date
    assert _buckets_of(sessions, late.canonical_url) == {UNDATED}
    assert _buckets_of(sessions, origin_item(1).canonical_url) == {bucket_of(SEPT)}
    assert _buckets_of(sessions, outlet(2, "").canonical_url) == {UNDATED}
    with sessions() as session:
        stored = session.scalars(select(MinhashBand.band).distinct()).all()
    assert set(stored) <= set(INDEXED_BANDS)


def test_a_copy_within_days_joins_and_one_far_outside_the_window_does_not(
    sessions: sessionmaker[Session],
) -> None:
    store(sessions, origin_item(1, body=RELEASE, published_at=SEPT), role="origin")
    near = _copy(2, SEPT + timedelta(days=5))
    store(sessions, near)
    assert total(sessions, Release) == 1
    far = _copy(3, SEPT + timedelta(days=200), edit=1)  # seven months on
    store(sessions, far)
    assert total(sessions, Release) == 2  # not read: its window holds other months


def test_a_release_crawled_late_is_found_by_its_copies_date(sessions: sessionmaker[Session]) -> None:
    """The copy is stored first; the release, published before it, is crawled months later
    (origin following, an archive crawl): filed under its publication month, the copy's
    window holds it."""
    copy = _copy(2, SEPT + timedelta(days=2))
    store(sessions, copy)
    late = origin_item(1, body=RELEASE, published_at=SEPT, fetched_at=datetime(2025, 3, 1, tzinfo=UTC))
    store(sessions, late, role="origin")
    assert total(sessions, Release) == 1


def test_undated_documents_are_found_and_find(sessions: sessionmaker[Session]) -> None:
    store(sessions, origin_item(1, body=RELEASE, published_at=SEPT), role="origin")
    store(sessions, _copy(2, None))  # undated copy of a dated release
    assert total(sessions, Release) == 1
    store(sessions, outlet(3, OTHER, published_at=None))  # an undated story …
    later = fresh(4, OTHER.replace("ماه آینده", "هفته آینده"), SEPT + timedelta(days=400))
    store(sessions, later)  # … found by a copy dated a year on: the undated bucket is always read
    assert total(sessions, Release) == 2


def test_a_corrected_date_moves_the_bands(sessions: sessionmaker[Session]) -> None:
    """Filed under its month while fresh; its date corrected to a year before it was first
    seen, it is a late document: filed in the undated bucket, found by a copy of that date."""
    wrong = SEPT + timedelta(days=300)
    item = origin_item(1, body=RELEASE, published_at=wrong, fetched_at=wrong + timedelta(hours=1))
    store(sessions, item, role="origin")
    assert _buckets_of(sessions, item.canonical_url) == {bucket_of(wrong)}
    corrected = origin_item(1, body=RELEASE, published_at=SEPT, fetched_at=wrong + timedelta(days=2))
    store(sessions, corrected, role="origin")
    assert _buckets_of(sessions, item.canonical_url) == {UNDATED}
    store(sessions, _copy(2, SEPT + timedelta(days=3)))
    assert total(sessions, Release) == 1


def test_a_page_first_seen_long_after_its_date_is_late(sessions: sessionmaker[Session]) -> None:
    """A date read wrong (real pages give a bare year, read as 1 January) must not hide a copy:
    a page first seen more than the window after its date looks in every month and is filed
    where every lookup looks."""
    copy = _copy(2, SEPT + timedelta(days=1))
    store(sessions, copy)
    misdated = origin_item(1, body=RELEASE, published_at=datetime(2003, 1, 1, tzinfo=TEHRAN),
                           fetched_at=SEPT + timedelta(hours=3))
    store(sessions, misdated, role="origin")
    assert _buckets_of(sessions, misdated.canonical_url) == {UNDATED}
    assert total(sessions, Release) == 1
    store(sessions, _copy(3, SEPT + timedelta(days=2), edit=1))  # and is found by later copies
    assert total(sessions, Release) == 1


def test_a_lookup_reads_only_the_windows_months(engine: Engine, sessions: sessionmaker[Session]) -> None:
    """PostgreSQL: a month partition per month written, and the planner reads only the window's;
    SQLite: a seek per (month, band, hash) in the table's key, never a scan."""
    for n, months in enumerate((0, 3, 6, 9)):
        store(sessions, fresh(10 + n, OTHER + f" {n}", SEPT + timedelta(days=30 * months)))
    from storage.bands import _band_query

    window = {"k0": UNDATED, "k1": bucket_of(SEPT) - 1, "k2": bucket_of(SEPT), "k3": bucket_of(SEPT) + 1}
    with sessions() as session:
        if engine.dialect.name == "sqlite":
            compiled = _band_query(1, 4).bindparams(b0=0, h0=1, **window).compile(
                session.get_bind(), compile_kwargs={"literal_binds": True}
            )
            plan = " ".join(str(row[-1]) for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
            assert "SCAN" not in plan and "PRIMARY KEY (bucket=? AND band=? AND hash=?)" in plan, plan
            return
        parts = set(session.scalars(text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'minhash_bands'::regclass"
        )))
        assert {"minhash_bands_2024_09", "minhash_bands_2024_12", "minhash_bands_2025_03"} <= parts
        explain = text(f"EXPLAIN {_band_query(1, 4).text}")
        plan = " ".join(row[0] for row in session.execute(explain, {"b0": 0, "h0": 1, **window}))
    assert "minhash_bands_2024_09" in plan
    assert "minhash_bands_2024_12" not in plan and "minhash_bands_2025_03" not in plan, plan


# --- migration 0008 -----------------------------------------------------------------------------

NOW = "2024-09-03 10:00:00"


def _document(connection: Connection, doc_id: int, published: str | None) -> None:
    connection.execute(
        text("INSERT INTO releases (id, title, text, first_seen_at, created_at, updated_at) "
             "VALUES (:id, 't', 'x', :now, :now, :now)"),
        {"id": doc_id, "now": NOW},
    )
    connection.execute(
        text("INSERT INTO documents (id, canonical_url, url, site, release_id, role, title, body, lang,"
             " raw_hash, body_hash, extractor, first_seen_at, fetched_at, created_at, updated_at,"
             " published_at) VALUES (:id, :url, :url, 'isna', :id, 'own', 't', 'x', 'fa', 'h', 'h', 'g',"
             " :now, :now, :now, :now, :published)"),
        {"id": doc_id, "url": f"https://www.isna.ir/news/{doc_id}", "now": NOW, "published": published},
    )
    for band in range(56):
        connection.execute(
            text("INSERT INTO minhash_bands (band, hash, document_id) VALUES (:band, :hash, :doc)"),
            {"band": band, "hash": doc_id * 1000 + band, "doc": doc_id},
        )


def test_upgrade_to_0008_files_kept_bands_by_month(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        config = alembic_config()
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0007")
        with engine.begin() as connection:
            _document(connection, 1, "2024-09-03 06:50:00")
            _document(connection, 2, "2024-08-31 22:00:00")
            _document(connection, 3, None)
            _document(connection, 4, "2020-05-01 08:00:00")  # first seen four years on: late
        upgrade_engine(engine)
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT document_id, bucket, band FROM minhash_bands")).all()
    finally:
        engine.dispose()
    by_doc: dict[int, set[int]] = {}
    for doc_id, bucket, band in rows:
        by_doc.setdefault(doc_id, set()).add(bucket)
        assert band in INDEXED_BANDS
    assert len(rows) == 4 * len(INDEXED_BANDS)
    assert {d: {month_of(b) if b else b for b in bs} for d, bs in by_doc.items()} == {
        1: {(2024, 9)}, 2: {(2024, 8)}, 3: {UNDATED}, 4: {UNDATED},
    }


# --- the bench's synthetic loader -----------------------------------------------------------------


def test_the_bench_loader_files_synthetic_documents_by_month(tmp_path: Path) -> None:
    """``bench.load.load_sqlite`` (P3's stores): documents dated back from ``newest`` at a given
    rate, each with a row per indexed band under its own month — across a month boundary."""
    from bench.load import load_sqlite

    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    upgrade_to_head(url)
    newest = datetime(2024, 10, 2, 12, tzinfo=UTC)
    assert load_sqlite(str(tmp_path / "bench.sqlite3"), 3000, newest=newest, per_day=1000) == 3000
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT d.published_at, b.bucket, count(*) FROM documents d "
                "JOIN minhash_bands b ON b.document_id = d.id GROUP BY d.id"
            )).all()
    finally:
        engine.dispose()
    assert len(rows) == 3000
    assert {count for _, _, count in rows} == {len(INDEXED_BANDS)}
    for published, bucket, _ in rows:
        at = datetime.fromisoformat(str(published)).replace(tzinfo=UTC)
        assert bucket == bucket_of(at), (published, bucket)
    assert {month_of(b) for _, b, _ in rows} == {(2024, 9), (2024, 10)}
