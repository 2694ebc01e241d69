"""P2: article extraction on saved pages — Manba's page objects and generic path against
trafilatura and news-please: documents per second and body F1.

    .venv/bin/python -m bench.extract [--web DIR | --size 10000] [--docs 1000]

**Pages.** A fixture web (built at ``--size`` or given with ``--web``); a sample of ``--docs``
article pages taken at an even stride through the labels, so every site and template is in it.
The JavaScript outlet (``fanavaran``) is given as a browser leaves it (``reader.js``'s paragraphs
in the DOM, :func:`fixtureweb.templates.fanavaran_rendered`) to every extractor alike.

**Truth.** ``labels.json`` keeps only each article's first and last sentence, so the whole body is
taken from the generator itself: :func:`fixtureweb.generate.plan` with the web's size and seed
gives every page's paragraphs, exactly the text its template writes into the article body
(outlet boilerplate *inside* the body, which a reader sees as part of it, included; the
template's related-news boxes, share bars and footers not).

**Score.** Token-level F1 of the extracted body against the truth: both split into words in match
form (:func:`core.text.persian.words`: Persian letters and digits unified, punctuation
dropped), compared as multisets; per page, then averaged. Nothing extracted scores 0.

**Speed.** Each extractor runs over the same pages held in memory, after five untimed warm-up
pages; the time is the sum of per-page ``perf_counter`` spans around the call (for Manba, building
the Scrapy response and ``to_item()``, which also reads title, date, author and canonical URL).

* ``manba`` — the site's page object (``crawler.pages``), as a crawl uses it;
* ``manba-generic`` — :class:`crawler.pages.GenericPage`, what an unknown host gets (trafilatura
  inside, with Manba's ZWNJ guard);
* ``trafilatura`` — ``trafilatura.extract(html, url=url)``, default settings;
* ``news-please`` — ``NewsPlease.from_html(html, url=url, fetch_images=False)``, in its own
  virtual environment (``bench/newsplease_worker.py``; skipped, and said so, when it is missing).

The printed ratio is Manba's per-site speed over trafilatura's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import save_result
from bench.probe import saved_page

REPO = Path(__file__).resolve().parents[1]
NEWSPLEASE_PYTHON = REPO / ".venv-bench" / "bin" / "python"
WARMUP = 5


@dataclass(frozen=True)
class Page:
    url: str
    site: str
    html: str
    truth: str


def truth_bodies(labels: dict[str, Any]) -> dict[str, str]:
    """URL → the body the generator wrote for that page (see the module docstring)."""
    from fixtureweb.generate import plan

    generator = labels["generator"]
    bases = {key: site["base_url"] for key, site in labels["sites"].items()}
    return {
        bases[d.site] + d.path: "\n".join(d.paragraphs) for d in plan(generator["size"], generator["seed"])
    }


def sample(web: Path, docs: int) -> list[Page]:
    labels = json.loads((web / "labels.json").read_text(encoding="utf-8"))
    truth = truth_bodies(labels)
    articles = [*labels["articles"], *labels["unregistered"]]
    missing = [a["url"] for a in articles if a["url"] not in truth]
    if missing:
        raise RuntimeError(f"the generator's plan does not match labels.json (e.g. {missing[0]})")
    stride = max(1, len(articles) // docs)
    chosen = articles[::stride][:docs]
    return [Page(a["url"], a["site"], saved_page(web, a["url"], a["site"]), truth[a["url"]]) for a in chosen]


# --- scoring ---------------------------------------------------------------------------------


def token_f1(extracted: str | None, truth: str) -> float:
    from core.text.persian import words

    got, want = Counter(words(extracted or "")), Counter(words(truth))
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


# --- extractors --------------------------------------------------------------------------------

Extractor = Callable[[Page], str | None]


def manba_extractor(generic: bool) -> Extractor:
    from scrapy.http import HtmlResponse

    from crawler.pages import GenericPage, page_class
    from fixtureweb.sites import SITES

    def extract(page: Page) -> str | None:
        response = HtmlResponse(url=page.url, body=page.html.encode("utf-8"), encoding="utf-8")
        info = SITES.get(page.site)
        cls = GenericPage if generic else page_class(info.page if info is not None else None)
        return cls(response, page.site).to_item().body

    return extract


def trafilatura_extractor() -> Extractor:
    import trafilatura

    def extract(page: Page) -> str | None:
        return trafilatura.extract(page.html, url=page.url)

    return extract


def timed(extract: Extractor, pages: Sequence[Page]) -> list[tuple[str | None, float]]:
    for page in pages[:WARMUP]:
        extract(page)
    out = []
    for page in pages:
        began = time.perf_counter()
        text = extract(page)
        out.append((text, time.perf_counter() - began))
    return out


def newsplease(pages: Sequence[Page], workdir: Path) -> list[tuple[str | None, float]] | None:
    if not NEWSPLEASE_PYTHON.exists():
        return None
    pages_file, out_file = workdir / "newsplease-pages.json", workdir / "newsplease-out.json"
    pages_file.write_text(
        json.dumps([{"url": p.url, "html": p.html} for p in pages], ensure_ascii=False), encoding="utf-8"
    )
    subprocess.run(
        [
            str(NEWSPLEASE_PYTHON),
            str(REPO / "bench" / "newsplease_worker.py"),
            str(pages_file),
            str(out_file),
        ],
        check=True,
    )
    rows = json.loads(out_file.read_text(encoding="utf-8"))
    return [(row["text"], row["seconds"]) for row in rows]


def summarise(name: str, pages: Sequence[Page], runs: list[tuple[str | None, float]]) -> dict[str, Any]:
    seconds = sum(s for _, s in runs)
    scores = [token_f1(text, page.truth) for (text, _), page in zip(runs, pages, strict=True)]
    by_site: dict[str, list[float]] = {}
    for page, value in zip(pages, scores, strict=True):
        by_site.setdefault(page.site, []).append(value)
    return {
        "extractor": name,
        "docs": len(pages),
        "seconds": round(seconds, 3),
        "docs_per_s": round(len(pages) / seconds, 1),
        "ms_per_doc": round(1000 * seconds / len(pages), 3),
        "f1": round(statistics.fmean(scores), 4),
        "f1_by_site": {site: round(statistics.fmean(v), 4) for site, v in sorted(by_site.items())},
        "empty": sum(1 for text, _ in runs if not text),
    }


def real_pages() -> list[Page]:
    """Every document of the real copy pairs, its real text set in one of three imitation news-page
    layouts (:mod:`fixtureweb.realpages`); the truth is the text itself."""
    from fixtureweb import realpages

    docs, _ = realpages.load()
    base = f"http://{realpages.ADDRESS}"
    return [
        Page(base + d.path, f"layout-{realpages.layout_of(d)}", realpages.page(d), d.body)
        for d in sorted(docs.values(), key=lambda d: d.id)
    ]


def run_real(workdir: Path) -> dict[str, Any]:
    """The generic path (what every real host gets) against trafilatura on the real excerpts."""
    pages = real_pages()
    rows = [
        summarise("manba-generic", pages, timed(manba_extractor(generic=True), pages)),
        summarise("trafilatura", pages, timed(trafilatura_extractor(), pages)),
    ]
    news = newsplease(pages, workdir)
    if news is not None:
        rows.append(summarise("news-please", pages, news))
    return {"docs": len(pages), "extractors": rows}


def run(web: Path, docs: int, workdir: Path) -> dict[str, Any]:
    real = run_real(workdir)
    pages = sample(web, docs)
    rows = [
        summarise("manba", pages, timed(manba_extractor(generic=False), pages)),
        summarise("manba-generic", pages, timed(manba_extractor(generic=True), pages)),
        summarise("trafilatura", pages, timed(trafilatura_extractor(), pages)),
    ]
    news = newsplease(pages, workdir)
    if news is not None:
        rows.append(summarise("news-please", pages, news))
    by_name = {row["extractor"]: row for row in rows}
    manba, trafilatura = by_name["manba"], by_name["trafilatura"]
    return {
        "benchmark": "P2",
        "docs": len(pages),
        "sites": dict(sorted(Counter(p.site for p in pages).items())),
        "extractors": rows,
        "newsplease": "measured" if news is not None else f"skipped: {NEWSPLEASE_PYTHON} not found",
        "ratio": round(manba["docs_per_s"] / trafilatura["docs_per_s"], 2),
        "goal": ">= 2, with a higher F1 than trafilatura",
        "f1_higher": manba["f1"] > trafilatura["f1"],
        "real": real,
    }


def _parts(rows: Sequence[dict[str, Any]]) -> str:
    return ", ".join(f"{row['extractor']} {row['docs_per_s']:.0f} docs/s F1 {row['f1']:.3f}" for row in rows)


def p2_line(result: dict[str, Any]) -> str:
    """Two lines: the generic path on real text first (every real host goes through it), then the
    page objects on the fixture web's templates."""
    real = result["real"]
    return (
        f"P2 extraction, real excerpts: {real['docs']} pages (real text, imitation markup), "
        f"{_parts(real['extractors'])}\n"
        f"P2 extraction: {result['docs']} pages, {_parts(result['extractors'])} "
        f"ratio={result['ratio']:.2f} (goal >= 2, higher F1)"
    )


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.extract", description=__doc__.split("\n")[0])
    parser.add_argument("--web", type=Path, help="an already built fixture web (else one is built)")
    parser.add_argument("--size", type=int, default=10_000, help="article pages of the web to build")
    parser.add_argument("--docs", type=int, default=1000, help="pages in the sample")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="manba-p2-") as tmp:
        workdir = Path(tmp)
        web = args.web
        if web is None:
            from fixtureweb import build

            web = build(workdir / "web", port=8765, size=args.size).root
        result = run(web, args.docs, workdir)
    save_result("extract", result)
    print(p2_line(result), flush=True)
    return result


if __name__ == "__main__":
    main()
