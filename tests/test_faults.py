"""Faults: a crawl killed with SIGKILL and resumed from its JOBDIR ends with exactly the rows of an
uninterrupted crawl, on PostgreSQL."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from storage.db import make_engine, make_sessionmaker
from storage.models import CrawlRun, Document, DocumentAttribution, MinhashBand, Release
from storage.testing import postgres_schema_url, url_string
from tests.conftest import REPO, SCRAPY, ServeWeb, run_scrapy, scrapy_env

pytestmark = pytest.mark.crawl


def snapshot(url: str) -> dict[str, Any]:
    """What a user reads from the store, independent of row ids: each document, its chain, its
    bands, and which documents share a release (and which one is its origin)."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            docs = {d.id: d for d in session.scalars(select(Document))}
            members: dict[int, set[str]] = {}
            for doc in docs.values():
                members.setdefault(doc.release_id, set()).add(doc.canonical_url)
            origins = {
                r.id: docs[r.origin_document_id].canonical_url if r.origin_document_id else None
                for r in session.scalars(select(Release))
            }
            chains: dict[str, list[tuple[Any, ...]]] = {}
            for a in session.scalars(select(DocumentAttribution).order_by(DocumentAttribution.position)):
                chains.setdefault(docs[a.document_id].canonical_url, []).append(
                    (a.source_key, a.name, a.phrase)
                )
            bands = dict(
                session.execute(
                    select(MinhashBand.document_id, func.count()).group_by(MinhashBand.document_id)
                ).all()
            )
            return {
                "documents": {
                    d.canonical_url: (
                        d.site,
                        d.role,
                        d.title,
                        hashlib.sha256(d.body.encode()).hexdigest(),
                        d.published_at,
                        bands.get(d.id, 0),
                    )
                    for d in docs.values()
                },
                "releases": sorted((sorted(m), origins[r]) for r, m in members.items() if m),
                "empty releases": sum(1 for r in origins if r not in members),
                "chains": chains,
            }
    finally:
        engine.dispose()


def document_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            return session.scalar(select(func.count()).select_from(Document)) or 0
    except Exception:  # the schema may not exist yet while the crawl starts
        return 0
    finally:
        engine.dispose()


def test_killed_crawl_resumed_from_jobdir_leaves_the_rows_of_an_uninterrupted_one(
    served_web: ServeWeb, postgres_database: URL, tmp_path: Path
) -> None:
    web, _ = served_web()
    reference = url_string(postgres_schema_url(postgres_database))
    crashed = url_string(postgres_schema_url(postgres_database))

    result = run_scrapy("crawl", "sources", env=scrapy_env(reference, web.registry_path))
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    expected = snapshot(reference)
    assert len(expected["documents"]) == len(web.labels["articles"])

    env = scrapy_env(crashed, web.registry_path)
    command = [SCRAPY, "crawl", "sources", "-s", f"JOBDIR={tmp_path / 'job'}"]
    victim = subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while document_count(crashed) < 60 and victim.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert victim.poll() is None, "the crawl ended before it could be killed"
        stored_at_kill = document_count(crashed)
        os.killpg(victim.pid, signal.SIGKILL)  # the crawler and its browser, mid-crawl
    finally:
        victim.wait(timeout=30)
    print(f"killed after {stored_at_kill} of {len(expected['documents'])} documents were stored")
    assert 0 < stored_at_kill < len(expected["documents"])

    resumed = run_scrapy(*command[1:], env=env)
    assert "Traceback" not in resumed.stderr, resumed.stderr[-3000:]
    assert snapshot(crashed) == expected

    engine = make_engine(crashed)
    try:
        with make_sessionmaker(engine)() as session:
            statuses = [r.status for r in session.scalars(select(CrawlRun).order_by(CrawlRun.id))]
    finally:
        engine.dispose()
    assert statuses == ["killed", "finished"]
