"""Cross-lingual links scored on real text: ``tests/fixtures/realtext/crosslingual/``.

    .venv/bin/python -m fixtureweb.realcrosslingual [--split dev|blind|both] [--errors]

Each English or Arabic document of the corpus is judged against every Persian document of it, as
the store judges a retelling against the Persian releases that state its figures
(``core.syndication.translation``: :func:`judge` then :func:`choose`, with the publication dates
the pages show). A link to the Persian document of a ``translation`` pair is right; a link to one of
a ``negative`` pair is wrong; a link to a Persian document the labels say nothing about is counted
apart (``unlabelled``). Precision, recall and the hard negatives linked, per split; ``--errors``
lists misses and wrong links (never of the blind split unless it is asked for).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from core.syndication.translation import Evidence, Verdict, choose, days_between, evidence_of, judge
from core.text.dates import TEHRAN

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "realtext" / "crosslingual"


def _date(value: str) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=TEHRAN)


def load(root: Path = CORPUS) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    docs = {}
    for line in (root / "documents.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            doc = json.loads(line)
            docs[doc["id"]] = doc
    pairs = [
        json.loads(line) for line in (root / "pairs.jsonl").read_text("utf-8").splitlines() if line.strip()
    ]
    return docs, pairs


@dataclass
class Score:
    retellings: int = 0
    """Foreign documents with a translation pair (in the split)."""
    right: int = 0
    wrong: int = 0
    """Links to the Persian document of a negative pair."""
    unlabelled: int = 0
    negatives: int = 0
    """Foreign documents of negative pairs only."""
    negatives_linked: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        linked = self.right + self.wrong
        return self.right / linked if linked else None

    @property
    def recall(self) -> float | None:
        return self.right / self.retellings if self.retellings else None


def score(split: str, root: Path = CORPUS) -> Score:
    docs, pairs = load(root)
    chosen_pairs = [p for p in pairs if split == "both" or p.get("split") == split]
    persian = [d for d in docs.values() if d["language"] == "fa"]
    evidence: dict[str, Evidence] = {
        d["id"]: evidence_of(d["title"], d["body"], d["language"], _date(d["published"]))
        for d in docs.values()
    }
    right_for: dict[str, set[str]] = {}
    wrong_for: dict[str, set[str]] = {}
    for pair in chosen_pairs:
        (right_for if pair["label"] == "translation" else wrong_for).setdefault(pair["b"], set()).add(
            pair["a"]
        )
    result = Score()
    for foreign_id in sorted(set(right_for) | set(wrong_for)):
        foreign = docs[foreign_id]
        verdicts: list[tuple[Any, Verdict]] = [
            (
                p["id"],
                judge(
                    evidence[foreign_id],
                    evidence[p["id"]],
                    days_after=days_between(_date(foreign["published"]), _date(p["published"])),
                ),
            )
            for p in persian
        ]
        found = choose(verdicts)
        target = found[0] if found else None
        if foreign_id in right_for:
            result.retellings += 1
            if target in right_for[foreign_id]:
                result.right += 1
            else:
                best = max(
                    (v for pid, v in verdicts if pid in right_for[foreign_id]), key=lambda v: v.strength
                )
                result.errors.append(
                    f"missed {foreign_id} → {sorted(right_for[foreign_id])}: {best.as_dict()}"
                )
        else:
            result.negatives += 1
            result.negatives_linked += target is not None and target in wrong_for.get(foreign_id, set())
        if target is not None and target not in right_for.get(foreign_id, set()):
            if target in wrong_for.get(foreign_id, set()):
                result.wrong += 1
                result.errors.append(f"wrong {foreign_id} → {target}: {found[1].as_dict() if found else ''}")
            else:
                result.unlabelled += 1
                result.errors.append(f"unlabelled {foreign_id} → {target}")
    return result


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m fixtureweb.realcrosslingual", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--split", choices=("dev", "blind", "both"), default="dev")
    parser.add_argument("--errors", action="store_true", help="list misses and wrong links")
    args = parser.parse_args(argv)
    splits = ("dev", "blind") if args.split == "both" else (args.split,)
    for split in splits:
        s = score(split)
        print(
            f"{split:<6} retellings {s.retellings}  linked right {s.right}  wrong {s.wrong}  "
            f"unlabelled {s.unlabelled}  precision {_ratio(s.precision)}  recall {_ratio(s.recall)}  "
            f"hard negatives linked {s.negatives_linked}/{s.negatives}"
        )
        if args.errors:
            for line in s.errors:
                print("  " + line)


if __name__ == "__main__":
    main()
