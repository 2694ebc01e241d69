"""How many band rows recall needs: candidate recall on the generated web for fewer stored bands.

    .venv/bin/python -m bench.bands [--size 2000] [--configs 32/16/8,16/8/4,…]

Every labelled Persian page of a fixture web of ``--size`` articles is prepared as the writer
receives it (:func:`bench.writer.make_items`, cached) and fingerprinted with every band the
scheme defines (``core.syndication.minhash``: 32 shingle bands, 16 word bands, 8 lead bands). A
configuration ``S/W/L`` keeps the first ``S`` shingle bands, the first ``W`` word bands and the
first ``L`` lead bands, as the store would keep them. For each configuration:

* **recall** — of the pages that have another page of their release (the fixture web's labels),
  the share that shares at least one kept band with one of them: the store offers it as a
  candidate, so the copy decision gets to verify it;
* **verified recall** — the same, counting only release-mates the copy decision accepts
  (``decide.copy_score``): a candidate that would be rejected anyway is no loss;
* **other candidates** — the mean number of pages of *other* releases sharing a kept band with a
  page (each costs the copy decision a verification);
* **rows** — band rows stored per document.

The same on **real text** (``tests/fixtures/realtext``): the 48 copy pairs of real articles on
two outlets (``pairs.jsonl``; the share whose two texts share a kept band) and its 48 hard
negatives (the share that would be offered as candidates), and the edited copies of real
Persian texts of ``fixtureweb.realchanges`` (cut, added, reworded sentences, changed figures,
spelling variants; dev and blind split by story), each against its reference. Real texts are
fingerprinted without their credit phrases removed (the pairs carry no attribution), which
only makes sharing a band harder.

``--placement`` also checks where the store puts copies, against the labels: the probe set of
``bench.dedup`` (300 pages of a 2,000-article web; the other 1,698 stored first, committed, into a
fresh SQLite store), each probe stored in a transaction that is rolled back, counted as
*correct* (it joined the release holding its labelled release-mates), *missed* (it has mates
but got a release of its own), *wrong join* (it joined another release), *false join* (it has
no mate but joined one) or *alone* (no mate, a release of its own). ``--redate`` first moves
every page into one day (as ``bench.dedup`` does), so every lookup's window holds all of them.

The full scheme is the reference: a configuration needs the same verified recall to be enough.
Results: ``bench/results/bands.json``.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from bench import save_result

DEFAULT_CONFIGS = "32/16/8,24/12/6,16/8/4,12/8/4,16/4/4,8/8/4,12/6/2,8/4/2"


def kept(config: tuple[int, int, int]) -> list[int]:
    from core.syndication.minhash import BANDS, WORD_BANDS

    shingle, word, lead = config
    lead_first = BANDS + WORD_BANDS
    return [*range(shingle), *range(BANDS, BANDS + word), *range(lead_first, lead_first + lead)]


def parse_config(text: str) -> tuple[int, int, int]:
    parts = [int(p) for p in text.split("/")]
    if len(parts) != 3:
        raise ValueError(f"a configuration is S/W/L, not {text!r}")
    return parts[0], parts[1], parts[2]


def run(size: int, configs: Sequence[tuple[int, int, int]]) -> dict[str, Any]:
    from bench.writer import make_items
    from core.syndication.decide import COPY_THRESHOLD, Fingerprint, copy_score, remember

    items = make_items(size)
    release_of = release_labels(size)
    prints: list[Fingerprint] = []
    releases: list[str | None] = []
    for item, _source, _role, prepared in items:
        remember(prepared)
        prints.append(Fingerprint(item.body, [a.phrase for a in item.attributions]))
        releases.append(release_of.get(item.url))
    members: dict[str, list[int]] = defaultdict(list)
    for i, release in enumerate(releases):
        if release is not None:
            members[release].append(i)
    eligible = [i for i, r in enumerate(releases) if r is not None and len(members[r]) > 1]
    verified: dict[int, set[int]] = {}
    for i in eligible:
        mates = {j for j in members[releases[i]] if j != i}  # type: ignore[index]
        verified[i] = {j for j in mates if copy_score(prints[i], prints[j], COPY_THRESHOLD) is not None}
    bands = [fp.bands for fp in prints]
    result: dict[str, Any] = {"size": size, "pages": len(prints), "eligible": len(eligible), "configs": []}
    for config in configs:
        numbers = kept(config)
        index: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, values in enumerate(bands):
            for b in numbers:
                if b < len(values):
                    index[(b, values[b])].append(i)
        found = found_verified = has_verified = 0
        others = 0
        rows = 0
        for i, values in enumerate(bands):
            shared: set[int] = set()
            for b in numbers:
                if b < len(values):
                    rows += 1
                    shared.update(index[(b, values[b])])
            shared.discard(i)
            others += sum(1 for j in shared if releases[j] is None or releases[j] != releases[i])
            if i in verified:
                mates = {j for j in members[releases[i]] if j != i}  # type: ignore[index]
                found += bool(shared & mates)
                if verified[i]:
                    has_verified += 1
                    found_verified += bool(shared & verified[i])
        line = {
            "config": "/".join(map(str, config)),
            "recall": found / len(eligible) if eligible else 1.0,
            "verified_recall": found_verified / has_verified if has_verified else 1.0,
            "verified_missed": has_verified - found_verified,
            "other_candidates": others / len(prints),
            "rows_per_document": rows / len(prints),
        }
        result["configs"].append(line)
        print(
            f"{line['config']:>9}  rows/doc {line['rows_per_document']:5.1f}  recall {line['recall']:.4f}  "
            f"verified recall {line['verified_recall']:.4f} (missed {line['verified_missed']})  "
            f"other candidates/doc {line['other_candidates']:.2f}",
            flush=True,
        )
    return result


def real_text(configs: Sequence[tuple[int, int, int]]) -> list[dict[str, Any]]:
    """Kept-band sharing on real copies and hard negatives (see the module docstring)."""
    from core.syndication.decide import Fingerprint
    from fixtureweb.realchanges import cases
    from fixtureweb.realpages import load

    docs, pairs = load()
    bands = {d.id: Fingerprint(d.body).bands for d in docs.values()}
    copies = [(bands[p.a], bands[p.b]) for p in pairs if p.label == "copy"]
    negatives = [(bands[p.a], bands[p.b]) for p in pairs if p.label != "copy"]
    edited = {
        split: [(Fingerprint(c.reference).bands, Fingerprint(c.body).bands) for c in cases(split)]
        for split in ("dev", "blind")
    }

    def shared(numbers: list[int], pair: tuple[list[int], list[int]]) -> bool:
        a, b = pair
        return any(n < len(a) and n < len(b) and a[n] == b[n] for n in numbers)

    lines = []
    for config in configs:
        numbers = kept(config)
        line = {
            "config": "/".join(map(str, config)),
            "real_pairs_recall": sum(shared(numbers, p) for p in copies) / len(copies),
            "real_negatives_candidates": sum(shared(numbers, p) for p in negatives) / len(negatives),
            **{
                f"edited_{split}_recall": sum(shared(numbers, p) for p in found) / len(found)
                for split, found in edited.items()
            },
            "copies": len(copies),
            "negatives": len(negatives),
            **{f"edited_{split}": len(found) for split, found in edited.items()},
        }
        lines.append(line)
        print(
            f"{line['config']:>9}  real pairs {line['real_pairs_recall']:.3f} of {len(copies)}  "
            f"negatives as candidates {line['real_negatives_candidates']:.3f} of {len(negatives)}  "
            f"edited copies dev {line['edited_dev_recall']:.3f} of {line['edited_dev']}, "
            f"blind {line['edited_blind_recall']:.3f} of {line['edited_blind']}",
            flush=True,
        )
    return lines


def placement(size: int = 2000, probe: int = 300, redate: bool = False) -> dict[str, int]:
    """Where the store puts the probe pages, against the labels (see the module docstring)."""
    import tempfile
    from collections import Counter
    from pathlib import Path

    from sqlalchemy import func, select

    from bench.dedup import as_todays_news, fresh
    from bench.probe import ProbeSet, probe_set
    from storage.db import make_engine, make_sessionmaker
    from storage.migrate import upgrade_to_head
    from storage.models import Document, Release
    from storage.write import store_document

    with tempfile.TemporaryDirectory(prefix="manba-bands-") as tmp:
        probes = probe_set(Path(tmp) / "web", size=size, probe=probe)
        if redate:
            probes, _ = as_todays_news(probes)
        else:  # fetched an hour after its date, as a monitoring crawl does: fresh, windowed
            probes = ProbeSet(*([fresh(i) for i in part] for part in (probes.resident, probes.probe)),
                              probes.composition)
        labels = release_labels(size)
        url = f"sqlite:///{Path(tmp) / 'store.sqlite3'}"
        upgrade_to_head(url)
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        for item in probes.resident:
            with sessions.begin() as session:
                store_document(session, item, role="own")
        with sessions() as session:
            top = session.scalar(select(func.max(Release.id))) or 0
            release_of = {url: rid for url, rid in session.execute(select(Document.url, Document.release_id))}
        mates: dict[str, set[int]] = defaultdict(set)
        for item in probes.resident:
            if (label := labels.get(item.url)) is not None:
                mates[label].add(release_of[item.url])
        outcomes: Counter[str] = Counter()
        for item in probes.probe:
            session = sessions()
            try:
                session.begin()
                release_id = store_document(session, item, role="own").release_id
            finally:
                session.rollback()
                session.close()
            label = labels.get(item.url)
            wanted = mates.get(label, set()) if label is not None else set()
            joined = release_id <= top
            if wanted:
                outcome = "correct" if release_id in wanted else "wrong join" if joined else "missed"
            else:
                outcome = "false join" if joined else "alone"
            outcomes[outcome] += 1
        engine.dispose()
    print(f"placement ({'redated, ' if redate else ''}{probe} probes): {dict(outcomes)}", flush=True)
    return dict(outcomes)


def release_labels(size: int) -> dict[str, str | None]:
    """url → release label of the fixture web of ``size`` articles (the web is rebuilt: it is
    deterministic, and the items cache keeps no labels)."""
    import tempfile
    from pathlib import Path

    from fixtureweb import build

    with tempfile.TemporaryDirectory(prefix="manba-bands-") as tmp:
        web = build(Path(tmp) / "web", port=8765, size=size)
        return {a["url"]: a.get("release") for a in web.labels["articles"]}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.bands", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=2000, help="article pages in the fixture web")
    parser.add_argument("--configs", default=DEFAULT_CONFIGS, help="S/W/L kept bands, comma-separated")
    parser.add_argument("--real-only", action="store_true", help="only the real-text measurements")
    parser.add_argument("--placement", action="store_true", help="also where the store puts the probes")
    parser.add_argument("--redate", action="store_true", help="placement with every page in one day")
    args = parser.parse_args(argv)
    configs = [parse_config(c) for c in args.configs.split(",")]
    result = {} if args.real_only else run(args.size, configs)
    result["real_text"] = real_text(configs)
    if args.placement:
        result["placement"] = placement(redate=args.redate)
    save_result("bands", result)
    return result


if __name__ == "__main__":
    main()
