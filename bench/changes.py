"""P4: what each copy changed — CPU per copy of :func:`core.syndication.changes.compare`.

    .venv/bin/python -m bench.changes [--releases 200] [--copies 6] [--seed 1405]

Releases of 10 to 40 sentences are assembled from the fixture web's Persian releases (their
sentences, in their order, several releases end to end for the long ones); each gets
``--copies`` copies edited the way outlets edit: an opening credit, a sentence or two cut, one
added, one reworded, one figure changed, and Arabic letters, no ZWNJ or other digits on some.
Every copy is compared with its release in one process, as the writer does when it links copies
(the release's sentences are worked out with its first copy; each copy's own on first sight), with
the credit-line check run through the attribution grammar and the demo registry's names. CPU time
(``time.process_time_ns``) per copy, p50 and p90, by release length; the goal is p50 ≤ 3 ms for
releases of up to 40 sentences. Results: ``bench/results/changes.json``.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import save_result

GOAL_MS = 3.0
BUCKETS = ((10, 20), (21, 30), (31, 40))
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩")
_ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})
_NUMBER = re.compile(r"[۰-۹]+")


def _releases(seed: int) -> tuple[list[list[str]], Any]:
    """Sentences of every fixture release (in order), and the demo registry's name index."""
    from core.attribution import NameIndex
    from core.registry import load_registry
    from fixtureweb.generate import build, plan, sentences

    docs = plan(400, seed)
    bodies = [sentences("\n".join(d.paragraphs[:-1])) for d in docs if d.role == "origin" and d.site == "ict"]
    with tempfile.TemporaryDirectory() as tmp:
        web = build(Path(tmp), port=8765, size=200, seed=seed)
        names = NameIndex.from_registry(load_registry(web.registry_path))
    return bodies, names


def _release(rng: random.Random, bodies: list[list[str]], length: int) -> list[str]:
    out: list[str] = []
    while len(out) < length:
        out += rng.choice(bodies)
    return out[:length]


def _copy(rng: random.Random, release: list[str], others: list[str]) -> list[str]:
    body = list(release)
    for _ in range(rng.randint(1, 2)):  # cut
        del body[rng.randrange(1, len(body) - 1)]
    body.insert(rng.randrange(1, len(body)), rng.choice(others))  # add
    k = rng.randrange(1, len(body))
    words = body[k].split()
    words.insert(rng.randrange(1, len(words)), "رسماً")  # reword
    body[k] = " ".join(words)
    with_figures = [i for i, s in enumerate(body) if _NUMBER.search(s)]
    if with_figures:  # change a figure
        i = rng.choice(with_figures)
        body[i] = _NUMBER.sub(lambda m: m.group() + "۱", body[i], count=1)
    body[0] = "به گزارش خبرگزاری نمونه به نقل از وزارت ارتباطات و فناوری اطلاعات، " + body[0]
    text = "\n".join(" ".join(body[i : i + 2]) for i in range(0, len(body), 2))
    if rng.random() < 0.5:
        text = text.translate(_ARABIC).replace("\u200c", " ")
    if rng.random() < 0.3:
        text = text.translate(_DIGITS)
    return text.split("\n")


def run(releases: int, copies: int, seed: int) -> dict[str, Any]:
    from core.attribution import find_attributions
    from core.syndication.changes import Text, compare
    from core.text.persian import warm_up

    warm_up()
    bodies, names = _releases(seed)
    rng = random.Random(seed)

    def credits(sentence: str) -> list[str]:
        return [a.phrase for a in find_attributions(sentence, names).attributions]

    timings: dict[tuple[int, int], list[float]] = {b: [] for b in BUCKETS}
    for n in range(releases):
        low, high = BUCKETS[n % len(BUCKETS)]
        release = _release(rng, bodies, rng.randint(low, high))
        others = rng.choice(bodies)
        paragraphs = [" ".join(release[i : i + 2]) for i in range(0, len(release), 2)]
        reference = Text(f"ref-{n}", "عنوان", "\n".join(paragraphs))
        for k in range(copies):
            body = "\n".join(_copy(rng, release, others))
            phrase = "به نقل از وزارت ارتباطات و فناوری اطلاعات"
            copy = Text(f"copy-{n}-{k}", "عنوان دیگر", body, (phrase,))
            start = time.process_time_ns()
            compare(reference, copy, credits)
            timings[(low, high)].append((time.process_time_ns() - start) / 1e6)
    rows: list[dict[str, Any]] = []
    for (low, high), values in timings.items():
        values.sort()
        rows.append(
            {
                "sentences": f"{low}-{high}",
                "copies": len(values),
                "p50_ms": round(statistics.median(values), 3),
                "p90_ms": round(values[int(0.9 * (len(values) - 1))], 3),
            }
        )
    every = sorted(v for values in timings.values() for v in values)
    return {
        "releases": releases,
        "copies_per_release": copies,
        "seed": seed,
        "buckets": rows,
        "p50_ms": round(statistics.median(every), 3),
        "worst_bucket_p50_ms": max(float(r["p50_ms"]) for r in rows),
        "goal_ms": GOAL_MS,
    }


def p4_line(result: dict[str, Any]) -> str:
    parts = ", ".join(f"{r['sentences']} sentences {r['p50_ms']:.2f}" for r in result["buckets"])
    return (
        f"P4 copy changes: p50 CPU per copy {result['p50_ms']:.2f} ms ({parts}) "
        f"worst p50 {result['worst_bucket_p50_ms']:.2f} ms (goal <= {GOAL_MS:.0f} ms)"
    )


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.changes", description=__doc__.split("\n")[0])
    parser.add_argument("--releases", type=int, default=200)
    parser.add_argument("--copies", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1405)
    args = parser.parse_args(argv)
    result = run(args.releases, args.copies, args.seed)
    save_result("changes", result)
    print(p4_line(result), flush=True)
    return result


if __name__ == "__main__":
    main()
