"""One URL rule (issue 17 item 11): the store and the fetch-once page cache key a page alike, two
spellings of one address crawled are one document, and migration 0007 brings stored keys to the rule.

Unit level: page cache keys against store keys. Command line: ``scrapy crawl urls`` of one page under
two query orders. Migration: a store at 0006 holding old-rule keys, upgraded to head.
"""

from __future__ import annotations

import itertools
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from scrapy import Request
from sqlalchemy import Connection, text

from core.text.urls import canonical_url
from crawler.middlewares.pagecache import page_key
from fixtureweb.hostile import Case, HostileServer, article, html_page, respond, stored
from storage.db import make_engine
from storage.migrate import alembic_config, upgrade_engine
from tests.conftest import run_scrapy, scrapy_env

PERSIAN = "https://www.isna.ir/news/1403/خبر-تازه"
ESCAPED = "https://www.isna.ir/news/1403/%D8%AE%D8%A8%D8%B1-%D8%AA%D8%A7%D8%B2%D9%87"

SPELLINGS = [
    "http://127.0.0.2:8765/fa/news/1/?b=2&a=1",
    "http://127.0.0.2:8765/fa/news/1/?a=1&b=2",
    "HTTP://127.0.0.2:8765/fa/news/1/?a=1&b=2#comments",
    "http://127.0.0.2:8765/fa/news/1/?a=1&utm_source=t&b=2",
    "http://127.0.0.2:8765/fa/news/1/?a=1",
    "https://www.isna.ir:443/news/1?id=3",
    "https://www.isna.ir/news/1?id=3&fbclid=x",
    "https://www.isna.ir/news/1?id=%33",
    PERSIAN,
    ESCAPED,
    ESCAPED.lower(),
    "https://www.isna.ir/news/1403/amp/",
    "https://www.isna.ir/news/1403/",
]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://x.ir/news/1?b=2&a=1", "http://x.ir/news/1?a=1&b=2"),
        (PERSIAN, ESCAPED),
        (ESCAPED.replace("%D8%AE", "%d8%ae"), ESCAPED),
        ("https://x.ir/a?q=سلام", "https://x.ir/a?q=%D8%B3%D9%84%D8%A7%D9%85"),
        ("https://x.ir/fa/news/../news/1", "https://x.ir/fa/news/1"),
        ("https://user:pw@X.ir:443/a?", "https://x.ir/a"),
        ("https://x.ir/a?utm%5Fmedium=m&b=1", "https://x.ir/a?b=1"),
    ],
)
def test_the_rule_sorts_queries_and_escapes_persian_paths(url: str, expected: str) -> None:
    assert canonical_url(url) == expected
    assert canonical_url(expected) == expected


def test_the_page_cache_and_the_store_key_pages_alike() -> None:
    """Two URLs share a page cache key exactly when they share a stored document."""
    article_key = {url: page_key(Request(url, meta={"manba_page": "article"})) for url in SPELLINGS}
    for a, b in itertools.combinations(SPELLINGS, 2):
        assert (article_key[a] == article_key[b]) == (canonical_url(a) == canonical_url(b)), (a, b)
    assert article_key[SPELLINGS[0]] == article_key[SPELLINGS[1]]
    assert article_key[PERSIAN] == article_key[ESCAPED]


def test_one_page_under_two_query_orders_is_one_document(tmp_path: Path) -> None:
    """``scrapy crawl urls`` of one page (no rel=canonical: its URL is its identity) asked for as
    ``?b=2&a=1`` and ``?a=1&b=2``: fetched once, stored once."""
    page = article(7)
    case = Case("query_order", "/fa/news/query", "one page, two query orders", respond(html_page(page)),
                stored(page))
    with HostileServer(cases=[case]) as server:
        urls = [server.url("/fa/news/query?b=2&a=1"), server.url("/fa/news/query?a=1&b=2")]
        store = tmp_path / "manba.sqlite3"
        result = run_scrapy("crawl", "urls", "-a", f"urls={','.join(urls)}", "-s", "MANBA_FOLLOW_ORIGINS=0",
                            env=scrapy_env(f"sqlite:///{store}"), timeout=120)
        hits = server.hits["/fa/news/query"]
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-3000:]
    with closing(sqlite3.connect(store)) as db:
        keys = [row[0] for row in db.execute("SELECT canonical_url FROM documents")]
    assert keys == [canonical_url(urls[0])] and keys[0].endswith("/fa/news/query?a=1&b=2")
    assert hits == 1


# --- migration 0007 ----------------------------------------------------------------------------------

NOW = "2024-09-03 10:00:00"


def _release(connection: Connection, release_id: int) -> None:
    connection.execute(
        text("INSERT INTO releases (id, title, text, first_seen_at, created_at, updated_at) "
             "VALUES (:id, 't', 'x', :now, :now, :now)"),
        {"id": release_id, "now": NOW},
    )


def _document(connection: Connection, doc_id: int, url: str, release_id: int, *, seen: str = NOW,
              changes: str | None = None) -> None:
    connection.execute(
        text("INSERT INTO documents (id, canonical_url, url, site, release_id, role, title, body, lang,"
             " raw_hash, body_hash, extractor, first_seen_at, fetched_at, created_at, updated_at, changes)"
             " VALUES (:id, :url, :url, 'isna', :release, 'own', 't', 'x', 'fa', 'h', 'h', 'g', :seen,"
             " :now, :now, :now, :changes)"),
        {"id": doc_id, "url": url, "release": release_id, "seen": seen, "now": NOW, "changes": changes},
    )


def _version(connection: Connection, doc_id: int, version: int, title: str) -> None:
    connection.execute(
        text("INSERT INTO document_versions (document_id, version, title, body, raw_hash, fetched_at,"
             " replaced_at) VALUES (:doc, :version, :title, 'x', 'h', :now, :now)"),
        {"doc": doc_id, "version": version, "title": title, "now": NOW},
    )


def test_upgrade_to_0007_recanonicalises_keys_and_merges_what_now_coincides(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        config = alembic_config()
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0006")
        with engine.begin() as connection:
            for release_id in (1, 2, 3):
                _release(connection, release_id)
            _document(connection, 1, "https://www.isna.ir/news/5?b=2&a=1", 1)
            _document(connection, 2, "https://www.isna.ir/news/5?a=1&b=2", 2, seen="2024-09-01 08:00:00")
            _document(connection, 3, PERSIAN, 3)
            _document(connection, 4, "https://www.isna.ir/news/6", 3,
                      changes=f'{{"against": "{PERSIAN}", "kept": 0.5}}')
            connection.execute(text("UPDATE releases SET origin_document_id = 2 WHERE id = 2"))
            _version(connection, 1, 1, "first of 1")
            _version(connection, 2, 1, "first of 2")
            _version(connection, 2, 2, "second of 2")
            connection.execute(
                text("INSERT INTO attributions (document_id, position, name, phrase) VALUES (2, 0, 'n', 'p')")
            )
        upgrade_engine(engine)
        with engine.connect() as connection:
            docs = dict(connection.execute(text("SELECT id, canonical_url FROM documents")).all())
            releases = connection.execute(text("SELECT id FROM releases ORDER BY id")).scalars().all()
            moved = connection.execute(text(
                "SELECT version, title FROM document_versions WHERE document_id = 1 ORDER BY version")).all()
            orphans = connection.execute(text(
                "SELECT count(*) FROM attributions WHERE document_id = 2")).scalar_one()
            first_seen = connection.execute(text(
                "SELECT first_seen_at FROM documents WHERE id = 1")).scalar_one()
            changes = connection.execute(text("SELECT changes FROM documents WHERE id = 4")).scalar_one()
    finally:
        engine.dispose()
    assert docs == {1: "https://www.isna.ir/news/5?a=1&b=2", 3: ESCAPED, 4: "https://www.isna.ir/news/6"}
    assert releases == [1, 3]  # release 2 lost its only document
    assert [tuple(row) for row in moved] == [(1, "first of 1"), (2, "first of 2"), (3, "second of 2")]
    assert orphans == 0
    assert str(first_seen).startswith("2024-09-01")
    assert ESCAPED in str(changes) and PERSIAN not in str(changes)
