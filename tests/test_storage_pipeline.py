"""ValidatePipeline, StorePipeline and the crawl-run extension as Scrapy components: unit level and
one real engine run."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from core.registry import load_registry, role_for
from crawler.config import database_url as configured_database_url
from crawler.extensions.runs import CrawlRuns
from pipelines.store import StorePipeline
from pipelines.validate import ValidatePipeline
from storage.db import make_engine, make_sessionmaker
from storage.models import CrawlRun, Document, Release
from storage.testing import article, write_registry


@pytest.fixture
def sources_file(tmp_path: Path) -> str:
    return write_registry(tmp_path / "sources.toml")


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    (tmp_path / "data").mkdir()
    return f"sqlite:///{tmp_path / 'data' / 'manba.sqlite3'}"


def settings(db_url: str, sources_file: str, **extra: Any) -> dict[str, Any]:
    return {"MANBA_DATABASE_URL": db_url, "MANBA_SOURCES_FILE": sources_file, **extra}


@pytest.fixture
def runs(db_url: str, sources_file: str) -> Iterator[CrawlRuns]:
    """The crawl-run extension, opened as a crawl opens it (its crawler's stats hold the run id)."""
    crawler = get_crawler(settings_dict=settings(db_url, sources_file))
    runs = build_from_crawler(CrawlRuns, crawler)
    runs.spider_opened(Spider(name="default"))
    yield runs
    if runs.engine is not None:
        runs.engine.dispose()


@pytest.fixture
def pipeline(runs: CrawlRuns) -> Iterator[StorePipeline]:
    pipeline = build_from_crawler(StorePipeline, runs.crawler)
    pipeline.open_spider()
    yield pipeline
    if pipeline.engine is not None:
        pipeline.engine.dispose()


def documents(db_url: str) -> list[Document]:
    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as session:
            return list(session.scalars(select(Document).order_by(Document.id)))
    finally:
        engine.dispose()


# --- ValidatePipeline -----------------------------------------------------------------------


def validator(**extra: Any) -> ValidatePipeline:
    return build_from_crawler(ValidatePipeline, get_crawler(settings_dict=extra))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"title": "  "}, "no_title"),
        ({"title": ""}, "no_title"),
        ({"body": "کوتاه"}, "no_body"),
        ({"body": " \n" * 50}, "no_body"),
    ],
)
def test_validate_drops_with_a_reason(change: dict[str, Any], reason: str) -> None:
    pipeline = validator()
    with pytest.raises(DropItem, match=reason):
        pipeline.process_item(article(**change))
    assert pipeline.stats is not None
    assert pipeline.stats.get_value(f"manba/drop/{reason}") == 1


def test_validate_strips_nul_and_passes_good_items() -> None:
    pipeline = validator()
    item = article(title="عنوان\x00", body=article().body + "\x00", extra={"k": "v\x00"})
    assert pipeline.process_item(item) is item
    assert "\x00" not in item.title + item.body + item.extra["k"]
    assert pipeline.stats is not None and pipeline.stats.get_value("manba/validate/nul_stripped") == 3


def test_validate_minimum_body_is_a_setting() -> None:
    with pytest.raises(DropItem, match="no_body"):
        validator(MANBA_MIN_BODY_CHARS=10_000).process_item(article())
    with pytest.raises(NotConfigured):
        validator(MANBA_VALIDATE_ENABLED=False)


# --- StorePipeline --------------------------------------------------------------------------


def test_store_disabled_is_not_configured(db_url: str, sources_file: str) -> None:
    crawler = get_crawler(settings_dict=settings(db_url, sources_file, MANBA_STORE_ENABLED=False))
    with pytest.raises(NotConfigured):
        build_from_crawler(StorePipeline, crawler)
    with pytest.raises(NotConfigured):
        build_from_crawler(CrawlRuns, crawler)


def test_roles_follow_the_source_kind(sources_file: str) -> None:
    registry = load_registry(sources_file)
    kinds = {source.kind: source for source in registry}
    assert role_for(kinds["ministry"]) == "origin"
    assert role_for(kinds["agency"]) == role_for(kinds["outlet"]) == role_for(None) == "own"


def test_database_url_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MANBA_DATABASE_URL", raising=False)
    assert configured_database_url(get_crawler().settings) == "sqlite:///data/manba.sqlite3"
    project = get_crawler(settings_dict={"MANBA_DATABASE_URL": "sqlite:///project.sqlite3"}).settings
    assert configured_database_url(project) == "sqlite:///project.sqlite3"
    monkeypatch.setenv("MANBA_DATABASE_URL", "sqlite:///env.sqlite3")
    assert configured_database_url(project) == "sqlite:///env.sqlite3"
    cmdline = Settings({"MANBA_DATABASE_URL": "sqlite:///project.sqlite3"}, priority="project")
    cmdline.set("MANBA_DATABASE_URL", "sqlite:///cmdline.sqlite3", priority="cmdline")
    assert configured_database_url(cmdline) == "sqlite:///cmdline.sqlite3"


def test_open_creates_the_store_and_a_crawl_run(
    runs: CrawlRuns, pipeline: StorePipeline, db_url: str
) -> None:
    assert Path(db_url.removeprefix("sqlite:///")).exists()
    assert pipeline.run_id is not None and pipeline.run_id == runs.run_id
    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as session:
            run = session.scalars(select(CrawlRun)).one()
    finally:
        engine.dispose()
    assert (run.id, run.spider, run.status) == (runs.run_id, "default", "running")


def test_process_item_stores_once_and_counts(pipeline: StorePipeline, db_url: str) -> None:
    ministry = article(1, site="ict", canonical_url="https://www.ict.gov.ir/fa/news/1/")
    outlet = article(2, site="isna")
    unknown = article(3, site="blog.example.org")
    for item in (ministry, outlet, unknown, ministry):
        assert pipeline.process_item(item) is item
    stats = pipeline.stats
    assert stats is not None
    assert stats.get_value("manba/store/created") == 3
    assert stats.get_value("manba/store/unchanged") == 1
    docs = {d.site: d for d in documents(db_url)}
    assert {site: d.role for site, d in docs.items()} == {
        "ict": "origin",
        "isna": "own",
        "blog.example.org": "own",
    }
    assert docs["blog.example.org"].source_id is None
    assert all(d.crawl_run_id == pipeline.run_id for d in docs.values())


def test_process_item_links_a_copy_to_its_origin(pipeline: StorePipeline, db_url: str) -> None:
    origin = article(
        1, site="ict", canonical_url="https://www.ict.gov.ir/fa/news/1/", body=article().body + "\x00"
    )
    copy = article(2, site="isna", role="copy", origin=origin, similarity=0.9, origin_status="found")
    own = article(3, site="ict", canonical_url="https://www.ict.gov.ir/fa/news/3/", role="own")
    for item in (copy, own):
        assert pipeline.process_item(item) is item
    assert "\x00" not in origin.body  # fetched after validation: cleaned by the store
    stats = pipeline.stats
    assert stats is not None
    assert (stats.get_value("manba/store/created"), stats.get_value("manba/store/linked")) == (2, 1)
    docs = {d.canonical_url: d for d in documents(db_url)}
    assert [d.role for d in docs.values()] == ["origin", "copy", "own"]  # item.role beats the site's kind
    assert docs[copy.canonical_url].release_id == docs[origin.canonical_url].release_id


def test_spider_closed_finishes_the_run(runs: CrawlRuns, pipeline: StorePipeline, db_url: str) -> None:
    pipeline.process_item(article())
    assert pipeline.stats is not None
    pipeline.stats.set_value("downloader/response_count", 5)
    runs.spider_closed(Spider(name="default"), reason="finished")
    pipeline.spider_closed(reason="finished")
    assert pipeline.engine is None and runs.engine is None
    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as session:
            run = session.scalars(select(CrawlRun)).one()
    finally:
        engine.dispose()
    assert (run.status, run.finish_reason, run.documents_created) == ("finished", "finished", 1)
    assert run.stats is not None and run.stats["downloader/response_count"] == 5


def test_database_errors_propagate(pipeline: StorePipeline, db_url: str) -> None:
    assert pipeline.engine is not None
    with pipeline.engine.begin() as connection:
        connection.execute(text("DROP TABLE documents"))
    with pytest.raises(DBAPIError):
        pipeline.process_item(article())
    assert pipeline.stats is not None and pipeline.stats.get_value("manba/store/created") is None


def test_only_article_items_are_stored(pipeline: StorePipeline) -> None:
    with pytest.raises(TypeError):
        pipeline.process_item({"url": "https://x.ir/"})


# --- through the real engine ----------------------------------------------------------------


class ItemsSpider(Spider):
    name = "items"

    async def start(self) -> AsyncIterator[Any]:
        yield article(1, site="ict", canonical_url="https://www.ict.gov.ir/fa/news/1/")
        yield article(2, site="isna")
        yield article(3, body="کوتاه")  # dropped: no_body
        yield article(1, site="ict", canonical_url="https://www.ict.gov.ir/fa/news/1/")


@deferred_f_from_coro_f
async def test_a_crawl_stores_items_and_records_the_run(db_url: str, sources_file: str) -> None:
    pipelines = {"pipelines.validate.ValidatePipeline": 100, "pipelines.store.StorePipeline": 900}
    extensions = {"crawler.extensions.runs.CrawlRuns": 400}
    crawler = get_crawler(ItemsSpider, settings(db_url, sources_file, ITEM_PIPELINES=pipelines,
                                                EXTENSIONS=extensions))
    await crawler.crawl_async()
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    assert stats["manba/store/created"] == 2
    assert stats["manba/store/unchanged"] == 1
    assert stats["manba/drop/no_body"] == 1
    assert stats.get("log_count/ERROR", 0) == 0
    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as session:
            run = session.scalars(select(CrawlRun)).one()
            releases = session.scalars(select(Release)).all()
    finally:
        engine.dispose()
    assert (run.spider, run.status, run.finish_reason) == ("items", "finished", "finished")
    assert (run.documents_created, run.documents_unchanged, run.items_dropped) == (2, 1, 1)
    assert len(releases) == 2
