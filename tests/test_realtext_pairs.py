"""The copy decision on real text: copy pairs and hard negatives from real public pages
(tests/fixtures/realtext/pairs/), served on loopback and crawled as a user would crawl them.

``scrapy crawl urls`` takes every page through the generic extractor (no real site has a page
object), normalisation, attribution and the store, which decides one item at a time whether it
is a copy of something stored; then ``recluster`` regroups the store at each threshold of a
sweep. A pair of documents is positive when the copy pairs join them (a story); the hard
negatives are pairs that must never share a release.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.syndication.similarity import COPY_THRESHOLD
from fixtureweb import realpages
from storage.migrate import upgrade_to_head


@dataclass(frozen=True)
class RealCrawl:
    database_url: str
    base: str
    docs: dict[str, realpages.RealDocument]
    pairs: list[realpages.Pair]
    log: str


@pytest.fixture(scope="module")
def real_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealCrawl]:
    docs, pairs = realpages.load()
    root = tmp_path_factory.mktemp("realpages")
    with realpages.served(docs, root) as base:
        database_url = f"sqlite:///{root / 'manba.sqlite3'}"
        upgrade_to_head(database_url)
        result = realpages.crawl(base, docs, database_url, root)
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
        yield RealCrawl(database_url, base, docs, pairs, result.stderr)


def test_the_real_pairs_are_enough_and_varied() -> None:
    docs, pairs = realpages.load()
    copies = [p for p in pairs if p.label == "copy"]
    negatives = [p for p in pairs if p.label == "negative"]
    assert len(copies) >= 30 and len(negatives) >= 30
    assert len({d.outlet for d in docs.values()}) >= 40
    assert all(docs[p.a].outlet != docs[p.b].outlet for p in copies)
    story = realpages.stories(docs, pairs)
    assert not [p for p in negatives if story[p.a] == story[p.b]], "a negative pair is also joined by copies"


def test_stored_one_at_a_time_copies_join_and_hard_negatives_stay_apart(real_crawl: RealCrawl) -> None:
    """The crawl's own decisions, item by item in arrival order, at the configured threshold."""
    precision, recall, f1, merged = realpages.measure(
        real_crawl.database_url, real_crawl.base, real_crawl.docs, real_crawl.pairs
    )
    print(f"\nstored one at a time: P {precision:.3f} R {recall:.3f} F1 {f1:.3f}")
    assert not merged, merged
    assert f1 is not None and f1 >= 0.97


def test_threshold_curve_on_real_pairs(real_crawl: RealCrawl) -> None:
    points = realpages.curve(real_crawl.database_url, real_crawl.base, real_crawl.docs, real_crawl.pairs)
    print("\n" + realpages.format_curve(points, COPY_THRESHOLD))
    chosen = next(p for p in points if abs(p.threshold - COPY_THRESHOLD) < 1e-9)
    assert not chosen.negatives_merged, chosen.negatives_merged
    assert chosen.f1 is not None and chosen.f1 >= 0.97


def test_pages_are_real_text_in_three_layouts(tmp_path: Path) -> None:
    docs, _ = realpages.load()
    assert {realpages.layout_of(d) for d in docs.values()} == {0, 1, 2}
    some = sorted(docs.values(), key=lambda d: d.id)[0]
    html = realpages.page(some)
    assert some.paragraphs[0].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")[:40] in html


def test_a_pair_naming_an_unknown_document_is_refused(tmp_path: Path) -> None:
    (tmp_path / "documents.jsonl").write_text(
        '{"id": "x-1", "url": "http://a/1", "outlet": "a", "language": "fa", "title": "", "published": "",'
        ' "body": "متن"}\n',
        encoding="utf-8",
    )
    (tmp_path / "pairs.jsonl").write_text('{"a": "x-1", "b": "x-2", "label": "copy"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad pair"):
        realpages.load(tmp_path)
