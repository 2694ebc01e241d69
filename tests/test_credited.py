"""Names the registry does not know: listed for the operator, then linked once the registry knows them.

Unit level on both stores (``storage.credited``), and the user's path: a crawl of the fixture
web, ``scrapy sources --unknown``, a name added to the registry, and the next crawl or
``scrapy recluster`` linking the stored credits without fetching a page again.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.attribution import Attribution, NameIndex
from core.registry import load_registry
from storage.credited import relink, unknown_names
from storage.db import make_engine, make_sessionmaker
from storage.models import Document, DocumentAttribution, Release, Source
from storage.testing import REGISTRY_TOML, article
from storage.write import store_document, sync_sources
from tests.conftest import ServeWeb, run_scrapy, scrapy_env

KAYHAN = """
[sources.kayhan]
kind = "newspaper"
names = ["روزنامه کیهان", "کیهان", "Kayhan"]
hosts = ["kayhan.ir"]
"""


def credit(name: str, phrase: str, source: str | None = None, kind: str | None = None) -> Attribution:
    return Attribution(name, source, kind, phrase)


def store(sessions: sessionmaker[Session], n: int, site: str, *chain: Attribution) -> None:
    item = article(
        n,
        site=site,
        canonical_url=f"https://{site}/fa/news/{n}/",
        url=f"https://{site}/fa/news/{n}/",
        attributions=list(chain),
        role="copy" if chain else "own",
    )
    item.body = " ".join(a.phrase for a in chain) + "، " + item.body if chain else item.body
    with sessions.begin() as session:
        store_document(session, item, run_id=None, source_key=None)


def test_unknown_names_are_grouped_by_spelling_with_counts_outlets_and_an_example(
    sessions: sessionmaker[Session],
) -> None:
    store(sessions, 1, "a.ir", credit("کیهان", "کیهان نوشت:"))
    store(sessions, 2, "b.ir", credit("روزنامه کیهان", "به نوشته روزنامه کیهان"))
    store(
        sessions, 3, "b.ir", credit("ايسنا", "به گزارش ايسنا", "isna", "agency"), credit("كيهان", "از كيهان")
    )
    store(sessions, 4, "c.ir", credit("شرکت مخابرات ایران", "به گزارش روابط عمومی شرکت مخابرات ایران"))
    with sessions() as session:
        groups = unknown_names(session)
    assert [(g.name, g.credits, len(g.documents)) for g in groups] == [
        ("کیهان", 3, 3),
        ("شرکت مخابرات ایران", 1, 1),
    ]
    kayhan = groups[0]
    assert dict(kayhan.spellings) == {"کیهان": 1, "روزنامه کیهان": 1, "كيهان": 1}
    assert dict(kayhan.outlets) == {"b.ir": 2, "a.ir": 1}
    assert kayhan.example_url == "https://b.ir/fa/news/3/"  # the most recent document
    assert kayhan.example_line.startswith("به گزارش ايسنا از كيهان، ")
    assert json.loads(json.dumps(kayhan.as_dict(), ensure_ascii=False))["documents"] == 3


def test_relink_gives_stored_credits_their_new_source_and_the_release_its_source(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    store(sessions, 1, "a.ir", credit("کیهان", "کیهان نوشت:"))
    store(
        sessions, 2, "b.ir", credit("ايسنا", "به گزارش ايسنا", "isna", "agency"), credit("كيهان", "از كيهان")
    )
    store(sessions, 3, "c.ir", credit("شرکت مخابرات ایران", "به گزارش روابط عمومی شرکت مخابرات ایران"))
    path = tmp_path / "more.toml"
    path.write_text(REGISTRY_TOML + KAYHAN, encoding="utf-8")
    registry = load_registry(path)
    with sessions.begin() as session:
        assert relink(session, NameIndex.from_registry(registry)).attributions == 0  # not mirrored yet
        sync_sources(session, registry)
        report = relink(session, NameIndex.from_registry(registry))
    assert (report.names, report.attributions, report.releases) == (2, 2, 2)
    with sessions() as session:
        rows = session.execute(
            select(
                DocumentAttribution.name, DocumentAttribution.source_key, DocumentAttribution.kind
            ).order_by(DocumentAttribution.id)
        ).all()
        assert [tuple(r) for r in rows] == [
            ("کیهان", "kayhan", "newspaper"),
            ("ايسنا", "isna", "agency"),
            ("كيهان", "kayhan", "newspaper"),
            ("شرکت مخابرات ایران", None, None),
        ]
        kayhan = session.scalar(select(Source.id).where(Source.key == "kayhan"))
        sources = session.execute(
            select(Document.canonical_url, Release.source_id).join(Release, Release.id == Document.release_id)
        ).all()
        assert {u: s for u, s in sources} == {
            "https://a.ir/fa/news/1/": kayhan,
            "https://b.ir/fa/news/2/": kayhan,
            "https://c.ir/fa/news/3/": None,
        }
        assert [g.name for g in unknown_names(session)] == ["شرکت مخابرات ایران"]
    with sessions.begin() as session:  # a second run finds nothing left to do
        assert relink(session, NameIndex.from_registry(registry)).attributions == 0


# --- the user's path ----------------------------------------------------------------------------------

NEWSPAPER = "روزنامه دنیای اقتصاد"  # credited by the fixture web, unknown to its registry


@pytest.mark.crawl
def test_an_unknown_name_is_listed_then_linked_by_the_next_crawl_without_refetching(
    served_web: ServeWeb, tmp_path: Path
) -> None:
    web, server = served_web()
    url = f"sqlite:///{tmp_path / 'manba.sqlite3'}"
    env = scrapy_env(url, web.registry_path)
    first = run_scrapy("crawl", "sources", env=env)
    assert first.returncode == 0, first.stderr[-3000:]

    listed = run_scrapy("sources", "--unknown", env=env)
    assert listed.returncode == 0, listed.stderr
    assert NEWSPAPER in listed.stdout and "نوشت:" in listed.stdout
    (entry,) = [
        json.loads(line)
        for line in run_scrapy("sources", "--unknown", "--json", env=env).stdout.splitlines()
        if NEWSPAPER in line
    ]
    credited = {
        a["url"] for a in web.labels["articles"] if any(x["name"] == NEWSPAPER for x in a["attribution"])
    }
    assert entry["documents"] == len(credited) >= 1
    assert set(entry["outlets"]) == {a["site"] for a in web.labels["articles"] if a["url"] in credited}

    registry = tmp_path / "sources.toml"
    registry.write_text(
        web.registry_path.read_text(encoding="utf-8")
        + f"""
[sources.donya]
kind = "newspaper"
names = ["{NEWSPAPER}", "دنیای اقتصاد"]
hosts = ["donya-e-eqtesad.invalid"]
""",
        encoding="utf-8",
    )
    server.requests.clear()
    env = scrapy_env(url, registry)
    second = run_scrapy("crawl", "sources", env=env)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "Linked" in second.stderr
    article_paths = {urlsplit(u).path for u in credited}
    assert not [p for _, p in server.requests.gets() if p in article_paths]  # nothing fetched again

    assert NEWSPAPER not in run_scrapy("sources", "--unknown", env=env).stdout
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            donya = session.scalar(select(Source.id).where(Source.key == "donya"))
            rows = session.execute(
                select(Document.canonical_url, DocumentAttribution.source_key, DocumentAttribution.source_id)
                .join(DocumentAttribution, DocumentAttribution.document_id == Document.id)
                .where(DocumentAttribution.name == NEWSPAPER)
            ).all()
    finally:
        engine.dispose()
    assert {r[0] for r in rows} == credited
    assert all(key == "donya" and source == donya for _, key, source in rows)


@pytest.mark.crawl
def test_recluster_links_a_name_the_registry_now_knows(served_web: ServeWeb, tmp_path: Path) -> None:
    web, _ = served_web()
    url = f"sqlite:///{tmp_path / 'manba.sqlite3'}"
    assert run_scrapy("crawl", "sources", env=scrapy_env(url, web.registry_path)).returncode == 0
    registry = tmp_path / "sources.toml"
    registry.write_text(
        web.registry_path.read_text(encoding="utf-8")
        + f'\n[sources.donya]\nkind = "newspaper"\nnames = ["{NEWSPAPER}"]\n'
        'hosts = ["donya-e-eqtesad.invalid"]\n',
        encoding="utf-8",
    )
    result = run_scrapy("recluster", env=scrapy_env(url, registry))
    assert result.returncode == 0, result.stderr
    assert "linked" in result.stdout and "stored credit" in result.stdout
    assert NEWSPAPER not in run_scrapy("sources", "--unknown", env=scrapy_env(url, registry)).stdout
