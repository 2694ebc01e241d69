"""Time news-please on saved pages; run by ``bench.extract`` with the benchmark's own interpreter.

    .venv-bench/bin/python bench/newsplease_worker.py PAGES.json OUT.json

news-please pins older versions of packages Manba also uses, so it lives in its own virtual
environment (``.venv-bench/``, made by ``make bench``) and this file imports nothing from the
project. PAGES.json is ``[{"url": …, "html": …}, …]``; OUT.json gets, per page, the extracted main
text and the seconds ``NewsPlease.from_html`` took, after a few untimed warm-up calls.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import warnings
from pathlib import Path

WARMUP = 5


def main(pages_file: str, out_file: str) -> None:
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    from newsplease import NewsPlease

    pages = json.loads(Path(pages_file).read_text(encoding="utf-8"))
    for page in pages[:WARMUP]:
        NewsPlease.from_html(page["html"], url=page["url"], fetch_images=False)
    results = []
    for page in pages:
        began = time.perf_counter()
        article = NewsPlease.from_html(page["html"], url=page["url"], fetch_images=False)
        seconds = time.perf_counter() - began
        results.append({"url": page["url"], "text": getattr(article, "maintext", None), "seconds": seconds})
    Path(out_file).write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
