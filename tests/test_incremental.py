"""Incremental crawling through the scheduled-job command, counted at the fixture web's server.

A re-crawl of an unchanged web must fetch (almost) no article page again and get 304 for its
listing pages, feeds and sitemaps; a changed article must be fetched again and versioned,
whether its sitemap says so (``<lastmod>``) or its re-check falls due.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select, update

from fixtureweb import FixtureServer, FixtureWeb
from fixtureweb.sites import file_for
from storage.db import make_engine, make_sessionmaker
from storage.models import Document, DocumentVersion, Release
from tests.conftest import ServeWeb, run_scrapy, scrapy_env

pytestmark = pytest.mark.crawl


def crawlall(env: dict[str, str], *args: str) -> str:
    result = run_scrapy("crawlall", *args, env=env)
    assert "Traceback" not in result.stderr, result.stderr[-5000:]
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    return result.stdout


def article_paths(web: FixtureWeb) -> dict[tuple[str, str], str]:
    """(site, path) as the server logs it → labelled article URL."""
    return {(a["site"], urlsplit(a["url"]).path): a["url"] for a in web.labels["articles"]}


def row_counts(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            return (
                session.scalar(select(func.count()).select_from(Document)) or 0,
                session.scalar(select(func.count()).select_from(Release)) or 0,
                session.scalar(select(func.count()).select_from(DocumentVersion)) or 0,
            )
    finally:
        engine.dispose()


def edit_article(web: FixtureWeb, url: str, old: str, new: str) -> None:
    parts = urlsplit(url)
    site = next(a["site"] for a in web.labels["articles"] if a["url"] == url)
    page = web.root / site / file_for(parts.path)
    html = page.read_text(encoding="utf-8")
    assert html.count(old) == 1, f"{old!r} is not once in {page}"
    page.write_text(html.replace(old, new), encoding="utf-8")


def touch_sitemap(web: FixtureWeb, url: str, when: datetime) -> None:
    sitemap = web.root / "shahr" / "sitemap.xml"
    text = sitemap.read_text(encoding="utf-8")
    entry = re.compile(rf"(<loc>{re.escape(url)}</loc><lastmod>)[^<]+(</lastmod>)")
    assert entry.search(text), url
    sitemap.write_text(entry.sub(rf"\g<1>{when.isoformat()}\g<2>", text), encoding="utf-8")


def fetched(server: FixtureServer, paths: dict[tuple[str, str], str]) -> set[str]:
    gets = server.requests.gets()
    return {url for key, url in paths.items() if gets[key] > 0}


def test_recrawl_fetches_only_what_changed(served_web: ServeWeb, tmp_path: Path) -> None:
    web, server = served_web()
    url = f"sqlite:///{tmp_path / 'manba.sqlite3'}"
    env = scrapy_env(url, web.registry_path)
    articles = article_paths(web)

    crawlall(env)
    first = server.requests.gets()
    assert fetched(server, articles) == set(articles.values())
    twice = sorted(url for key, url in articles.items() if first[key] > 1)
    print(f"first crawl: {len(articles)} article pages, {len(twice)} fetched more than once")
    rows = row_counts(url)

    # An unchanged web: --all polls every source although none is due yet.
    server.requests.clear()
    out = crawlall(env, "--all")
    again = fetched(server, articles)
    not_modified = server.requests.gets(status=304)
    share = len(again) / len(articles)
    print(
        f"re-crawl of the unchanged web: {len(again)}/{len(articles)} article pages fetched again "
        f"({share:.1%}), {sum(not_modified.values())} pages answered 304; {out.strip()}"
    )
    assert share <= 0.05
    rendered = {s for s, info in web.labels["sites"].items() if info.get("render")}
    assert {site for site, _ in not_modified} >= {"ict", "isna", "93z", "akharin", "shahr"} - rendered
    assert row_counts(url) == rows

    # Two changed articles: one its sitemap announces, one changed silently whose re-check falls due.
    listed = [a for a in web.labels["articles"] if a.get("listed", True) and a.get("lang", "fa") == "fa"]
    by_sitemap = next(a for a in listed if a["site"] == "shahr")
    silent = next(a for a in listed if a["site"] == "93z")
    edit_article(
        web,
        by_sitemap["url"],
        by_sitemap["last_sentence"],
        by_sitemap["last_sentence"] + " این خبر به‌روز شد.",
    )
    edit_article(web, silent["url"], silent["last_sentence"], silent["last_sentence"] + " این خبر اصلاح شد.")
    touch_sitemap(web, by_sitemap["url"], datetime.now(UTC))
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine).begin() as session:
            session.execute(
                update(Document)
                .where(Document.canonical_url == silent["url"])
                .values(checked_at=datetime.now(UTC) - timedelta(days=40))
            )
    finally:
        engine.dispose()

    server.requests.clear()
    crawlall(env, "--all")
    again = fetched(server, articles)
    print(f"after two edits: fetched again {sorted(again)}")
    # Exactly those two: copies already stored with their origin are not followed to it again.
    assert again == {by_sitemap["url"], silent["url"]}

    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            for label, added in ((by_sitemap, "این خبر به‌روز شد."), (silent, "این خبر اصلاح شد.")):
                doc = session.scalars(select(Document).where(Document.canonical_url == label["url"])).one()
                assert doc.body.endswith(added)
                versions = session.scalars(
                    select(DocumentVersion).where(DocumentVersion.document_id == doc.id)
                )
                assert [v.body.endswith(label["last_sentence"]) for v in versions] == [True]
    finally:
        engine.dispose()
    documents, releases, versions = row_counts(url)
    assert (documents, releases, versions) == (rows[0], rows[1], rows[2] + 2)
