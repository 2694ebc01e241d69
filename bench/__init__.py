"""Benchmarks (run by hand or with ``make bench``; never part of the test suite)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
"""Where each benchmark leaves its figures (committed with BENCHMARKS.md)."""


def save_result(name: str, result: Any) -> Path:
    """Write ``result`` as ``bench/results/<name>.json`` (indented, Persian left readable)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
