"""Real article text served as pages: the copy pairs of ``tests/fixtures/realtext/pairs/``.

The texts are real (copied from public pages, see that folder's README); the markup around them
is not: no saved HTML of those pages is at hand, so each document is set into one of three page
layouts that imitate common Iranian news CMSs (an HTML5 ``<article>`` page, a ``div`` page with
the date in a side bar, and an older table page with the body in ``<td>``), each with a site
menu, a breadcrumb, related links and a footer around the article. Which layout a document gets
depends on its id only.

``python -m fixtureweb.realpages`` builds the pages, serves them on
loopback (:data:`ADDRESS`), crawls them with ``scrapy crawl urls`` into a new SQLite store (the
generic extractor, normalisation, attribution and the copy decision, as for any unknown host;
origin following off, since the credited sources are real sites) and prints the pairwise
precision/recall of the stored releases against the labelled pairs at every threshold of
:data:`SWEEP` (``scrapy recluster --threshold`` for each).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fixtureweb.server import FixtureServer, free_port

REPO = Path(__file__).resolve().parents[1]
PAIRS_DIR = REPO / "tests" / "fixtures" / "realtext" / "pairs"
SITE = "realtext"
ADDRESS = "127.0.0.20"
SPLITS = (None, "dev", "blind")
"""All pairs, then each split."""
SWEEP = (0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


@dataclass(frozen=True)
class RealDocument:
    id: str
    url: str
    """Where the text was found (kept for the record; never fetched)."""
    outlet: str
    language: str
    title: str
    published: str
    body: str

    @property
    def path(self) -> str:
        """Where the fixture server serves it."""
        return f"/{self.outlet}/{self.id}/"

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.body.split("\n") if line.strip()]


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    label: str
    """``copy`` (one release on two outlets) or ``negative`` (a hard negative: not copies)."""
    kind: str
    note: str


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc


def load(folder: Path = PAIRS_DIR) -> tuple[dict[str, RealDocument], list[Pair]]:
    """The documents by id and the labelled pairs; an error names a pair whose ids are unknown."""
    docs = {}
    for row in _jsonl(folder / "documents.jsonl"):
        doc = RealDocument(**{k: row.get(k) or "" for k in RealDocument.__dataclass_fields__})
        if doc.id in docs:
            raise ValueError(f"{folder / 'documents.jsonl'}: id {doc.id} twice")
        docs[doc.id] = doc
    pairs = [
        Pair(**{k: row.get(k) or "" for k in Pair.__dataclass_fields__})
        for row in _jsonl(folder / "pairs.jsonl")
    ]
    for pair in pairs:
        missing = [x for x in (pair.a, pair.b) if x not in docs]
        if missing or pair.label not in ("copy", "negative"):
            raise ValueError(f"{folder / 'pairs.jsonl'}: bad pair {pair}")
    return docs, pairs


def stories(docs: dict[str, RealDocument], pairs: Sequence[Pair]) -> dict[str, str]:
    """Each document's story: the connected component of the copy pairs it is in (a document in
    no copy pair is a story of its own), named by its smallest id."""
    parent = {d: d for d in docs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        if pair.label == "copy":
            ra, rb = find(pair.a), find(pair.b)
            parent[max(ra, rb)] = min(ra, rb)
    return {d: find(d) for d in docs}


def split_of(story: str) -> str:
    """``dev`` (tuned on) or ``blind`` (only scored), fixed by the story, so that both documents
    of a copy pair, and every copy of one release, are on the same side. A hard negative pair
    goes with its first document's story."""
    return "dev" if hashlib.sha256(f"manba-realpairs:{story}".encode()).digest()[0] % 2 == 0 else "blind"


# --- pages ------------------------------------------------------------------------------------

_MENU = ("صفحه اصلی", "سیاسی", "اقتصادی", "اجتماعی", "فرهنگی", "ورزشی", "استان‌ها", "بین‌الملل")
_FOOTER = "کلیه حقوق این سایت محفوظ است. استفاده از مطالب با ذکر منبع آزاد است."


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _direction(doc: RealDocument) -> tuple[str, str]:
    return (doc.language, "rtl") if doc.language in ("fa", "ar") else (doc.language or "en", "ltr")


def _menu() -> str:
    return "".join(f'<li><a href="/section/{n}/">{_esc(m)}</a></li>' for n, m in enumerate(_MENU))


def _related(doc: RealDocument, others: Sequence[RealDocument]) -> str:
    return "".join(f'<li><a href="{_esc(o.path)}">{_esc(o.title or o.id)}</a></li>' for o in others)


def _layout_article(doc: RealDocument, others: Sequence[RealDocument]) -> str:
    body = "".join(f"<p>{_esc(p)}</p>" for p in doc.paragraphs)
    date = f'<time class="news-date">{_esc(doc.published)}</time>' if doc.published else ""
    return (
        f'<header><div class="logo">{_esc(doc.outlet)}</div><nav><ul>{_menu()}</ul></nav></header>'
        f'<main><div class="breadcrumb"><a href="/">خانه</a> » <a href="/section/1/">اخبار</a></div>'
        f'<article class="news"><h1 class="title">{_esc(doc.title)}</h1>{date}'
        f'<div class="body">{body}</div>'
        '<div class="share">اشتراک گذاری: <a href="#">تلگرام</a> <a href="#">واتساپ</a></div></article>'
        f'<aside class="related"><h3>اخبار مرتبط</h3><ul>{_related(doc, others)}</ul></aside></main>'
        f"<footer><p>{_esc(_FOOTER)}</p></footer>"
    )


def _layout_divs(doc: RealDocument, others: Sequence[RealDocument]) -> str:
    body = "".join(f'<div class="para">{_esc(p)}</div>' for p in doc.paragraphs)
    return (
        f'<div id="top"><span class="site-name">{_esc(doc.outlet)}</span>'
        f'<ul class="menu">{_menu()}</ul></div>'
        '<div id="wrapper"><div id="content">'
        f'<div class="news-title"><h2>{_esc(doc.title)}</h2></div>'
        f'<div class="news-text" id="newsText">{body}</div>'
        '<div class="tags">برچسب ها: <a href="/tag/1">خبر</a></div></div>'
        f'<div id="sidebar"><div class="date-box">تاریخ انتشار: {_esc(doc.published)}</div>'
        f'<div class="box"><div class="box-title">پربازدیدترین ها</div><ul>{_related(doc, others)}</ul></div>'
        f'</div></div><div id="footer">{_esc(_FOOTER)}</div>'
    )


def _layout_table(doc: RealDocument, others: Sequence[RealDocument]) -> str:
    body = "<br><br>".join(_esc(p) for p in doc.paragraphs)
    return (
        f'<table width="100%"><tr><td class="header">{_esc(doc.outlet)}</td></tr>'
        f"<tr><td><ul>{_menu()}</ul></td></tr></table>"
        '<table width="100%"><tr><td valign="top" width="70%">'
        f'<span class="newsdate">{_esc(doc.published)}</span>'
        f'<h1 class="newstitle">{_esc(doc.title)}</h1>'
        f'<div class="newsbody">{body}</div></td>'
        f'<td valign="top"><b>آخرین اخبار</b><ul>{_related(doc, others)}</ul></td></tr></table>'
        f'<table width="100%"><tr><td class="footer">{_esc(_FOOTER)}</td></tr></table>'
    )


LAYOUTS = (_layout_article, _layout_divs, _layout_table)


def layout_of(doc: RealDocument) -> int:
    return hashlib.sha256(doc.id.encode("utf-8")).digest()[0] % len(LAYOUTS)


def page(doc: RealDocument, others: Sequence[RealDocument] = ()) -> str:
    """The HTML page of ``doc`` (``others``: documents for its related-links box)."""
    lang, direction = _direction(doc)
    inner = LAYOUTS[layout_of(doc)](doc, others)
    title = f"{doc.title} | {doc.outlet}" if doc.title else doc.outlet
    return (
        f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
        f"<title>{_esc(title)}</title></head><body>{inner}</body></html>\n"
    )


def build(root: Path, docs: dict[str, RealDocument]) -> None:
    """Write every document's page under ``root/realtext/``."""
    ordered = sorted(docs.values(), key=lambda d: d.id)
    for n, doc in enumerate(ordered):
        others = [o for o in ordered[n + 1 : n + 4] if o.outlet != doc.outlet]
        target = root / SITE / doc.path.strip("/") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page(doc, others), encoding="utf-8")


@contextmanager
def served(docs: dict[str, RealDocument], root: Path) -> Iterator[str]:
    """Build and serve the pages; yields the base URL."""
    build(root, docs)
    port = free_port([ADDRESS])
    with FixtureServer(root, port, sites={SITE: ADDRESS}) as server:
        yield server.base_url(SITE)


# --- the crawl and the curve ------------------------------------------------------------------


def crawl(
    base: str, docs: dict[str, RealDocument], database_url: str, workdir: Path
) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl urls`` over every page into ``database_url``, as a user would run it."""
    urls = workdir / "urls.txt"
    urls.write_text("".join(f"{base}{d.path}\n" for d in docs.values()), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MANBA_", "SCRAPY_"))}
    env.update(
        MANBA_DATABASE_URL=database_url,
        MANBA_FOLLOW_ORIGINS="0",
        SCRAPY_SETTINGS_MODULE="crawler.settings_fixture",
        PYTHONPATH=str(REPO),
    )
    scrapy = Path(sys.executable).with_name("scrapy")
    return subprocess.run(
        [str(scrapy), "crawl", "urls", "-a", f"urls_file={urls}", "-s", "LOG_LEVEL=INFO"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


@dataclass(frozen=True)
class CurvePoint:
    threshold: float
    precision: float | None
    recall: float | None
    f1: float | None
    negatives_merged: tuple[Pair, ...]


def measure(
    database_url: str,
    base: str,
    docs: dict[str, RealDocument],
    pairs: Sequence[Pair],
    split: str | None = None,
) -> tuple[float | None, float | None, float | None, tuple[Pair, ...]]:
    """Pairwise precision, recall and F1 of the stored releases against the labelled stories,
    and the hard negatives that landed in one release (of one ``split`` only, when given). A page
    that was not stored is an error."""
    from storage.db import make_engine, make_sessionmaker

    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            release_of = _releases(session)
    finally:
        engine.dispose()
    return _score(release_of, base, docs, pairs, split)


def _releases(session: Any) -> dict[str, int]:
    """Stored URL → release id."""
    from sqlalchemy import select

    from storage.models import Document

    return dict(session.execute(select(Document.url, Document.release_id)).tuples().all())


def _score(
    release_of: dict[str, int],
    base: str,
    docs: dict[str, RealDocument],
    pairs: Sequence[Pair],
    split: str | None,
) -> tuple[float | None, float | None, float | None, tuple[Pair, ...]]:
    from storage.label_scores import score_clusters

    by_id = {d.id: release_of.get(f"{base}{d.path}") for d in docs.values()}
    missing = sorted(i for i, r in by_id.items() if r is None)
    if missing:
        raise RuntimeError(f"{len(missing)} pages were not stored: {missing[:10]}")
    story = stories(docs, pairs)
    kept = [i for i in docs if split is None or split_of(story[i]) == split]
    score = score_clusters((story[i], by_id[i]) for i in kept)
    in_split = [p for p in pairs if split is None or split_of(story[p.a]) == split]
    merged = tuple(p for p in in_split if p.label == "negative" and by_id[p.a] == by_id[p.b])
    return score.precision, score.recall, score.f1, merged


def curves(
    database_url: str,
    base: str,
    docs: dict[str, RealDocument],
    pairs: Sequence[Pair],
    sweep: Sequence[float] = SWEEP,
    splits: Sequence[str | None] = (None,),
) -> dict[str | None, list[CurvePoint]]:
    """Regroup the store at each threshold and measure every split; leaves it grouped at the
    configured threshold."""
    from core.syndication.similarity import COPY_THRESHOLD
    from storage.db import make_engine, make_sessionmaker
    from storage.recluster import recluster

    points: dict[str | None, list[CurvePoint]] = {split: [] for split in splits}
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    try:
        for threshold in sweep:
            with sessions.begin() as session:
                recluster(session, threshold=threshold)
                release_of = _releases(session)
            for split in splits:
                points[split].append(CurvePoint(threshold, *_score(release_of, base, docs, pairs, split)))
        with sessions.begin() as session:
            recluster(session, threshold=COPY_THRESHOLD)
    finally:
        engine.dispose()
    return points


def curve(
    database_url: str,
    base: str,
    docs: dict[str, RealDocument],
    pairs: Sequence[Pair],
    sweep: Sequence[float] = SWEEP,
    split: str | None = None,
) -> list[CurvePoint]:
    """:func:`curves` of one split."""
    return curves(database_url, base, docs, pairs, sweep, (split,))[split]


def format_curve(points: Sequence[CurvePoint], chosen: float) -> str:
    lines = ["threshold  precision  recall     F1  negatives merged"]
    for p in points:
        mark = "  <- COPY_THRESHOLD" if abs(p.threshold - chosen) < 1e-9 else ""
        lines.append(
            f"{p.threshold:9.2f}  {p.precision or 0:9.3f}  {p.recall or 0:6.3f}  {p.f1 or 0:5.3f}"
            f"  {len(p.negatives_merged):16d}{mark}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fixtureweb.realpages", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--pairs", type=Path, default=PAIRS_DIR, help="folder with documents.jsonl and pairs.jsonl"
    )
    parser.add_argument("--serve", action="store_true", help="only serve the pages until interrupted")
    args = parser.parse_args(argv)
    from core.syndication.similarity import COPY_THRESHOLD

    docs, pairs = load(args.pairs)
    with tempfile.TemporaryDirectory(prefix="manba-realpages-") as tmp, served(docs, Path(tmp)) as base:
        if args.serve:
            print(f"serving {len(docs)} pages at {base}/<outlet>/<id>/ (Ctrl-C stops)", flush=True)
            try:
                while True:
                    input()
            except (KeyboardInterrupt, EOFError):
                return 0
        from storage.migrate import upgrade_to_head

        database_url = f"sqlite:///{Path(tmp) / 'manba.sqlite3'}"
        upgrade_to_head(database_url)
        result = crawl(base, docs, database_url, Path(tmp))
        if result.returncode != 0:
            print(result.stderr[-3000:], file=sys.stderr)
            return 1
        stored = {split: measure(database_url, base, docs, pairs, split) for split in SPLITS}
        by_split = curves(database_url, base, docs, pairs, splits=SPLITS)
    copies = sum(p.label == "copy" for p in pairs)
    print(f"{len(docs)} real documents, {copies} copy pairs, {len(pairs) - copies} hard negatives")
    for split in SPLITS:
        precision, recall, f1, merged = stored[split]
        print(
            f"\n{split or 'all'}: as stored by the crawl, P {precision or 0:.3f} R {recall or 0:.3f} "
            f"F1 {f1 or 0:.3f}, {len(merged)} hard negatives merged"
        )
        print(format_curve(by_split[split], COPY_THRESHOLD))
        for p in by_split[split]:
            if p.negatives_merged:
                print(
                    f"at {p.threshold:.2f} merged: " + "; ".join(f"{x.a}+{x.b}" for x in p.negatives_merged)
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
