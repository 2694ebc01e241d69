"""Debugging is a feature: a saved page in `scrapy shell` gives the item a crawl would store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO, run_scrapy, scrapy_env

FIXTURES = REPO / "tests" / "fixtures"


@pytest.mark.parametrize("site", ["93z", "ict", "isna"])
def test_scrapy_shell_on_a_saved_page(site: str, tmp_path: Path) -> None:
    expected = json.loads((FIXTURES / site / "expected.json").read_text(encoding="utf-8"))
    code = (
        "__import__('json').dumps(__import__('dataclasses').asdict("
        f"__import__('crawler.shell', fromlist=['extract']).extract(response, {site!r})), default=str)"
    )
    env = scrapy_env(f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    result = run_scrapy("shell", str(FIXTURES / site / "article.html"), "-c", code, "--nolog", env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    item = json.loads(result.stdout.strip().splitlines()[-1])
    assert item["title"] == expected["title"]
    assert item["body"].startswith(expected["first_sentence"])
    assert item["canonical_url"] == expected["canonical_url"]
    assert not (tmp_path / "unused.sqlite3").exists()
