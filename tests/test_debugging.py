"""Debugging is a feature: a saved page in `scrapy shell` gives the item a crawl would store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO, run_scrapy, scrapy_env

FIXTURES = REPO / "tests" / "fixtures"


@pytest.mark.parametrize(
    ("site", "page"),
    [("93z", "article.html"), ("ict", "article.html"), ("fanavaran", "article.rendered.html")],
)
def test_scrapy_shell_on_a_saved_page(site: str, page: str, tmp_path: Path) -> None:
    expected = json.loads((FIXTURES / site / "expected.json").read_text(encoding="utf-8"))
    code = (
        "__import__('json').dumps(__import__('dataclasses').asdict("
        f"__import__('crawler.shell', fromlist=['extract']).extract(response, {site!r})), default=str)"
    )
    env = scrapy_env(f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    saved = f"./tests/fixtures/{site}/{page}"  # the path a developer types, relative to the project
    result = run_scrapy("shell", saved, "-c", code, "--nolog", env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    item = json.loads(result.stdout.strip().splitlines()[-1])
    assert item["title"] == expected["title"]
    assert item["body"].startswith(expected["first_sentence"])
    assert item["canonical_url"] == expected["canonical_url"]
    assert not (tmp_path / "unused.sqlite3").exists()
