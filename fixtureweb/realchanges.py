"""Labelled copies of real Persian texts: a held-out check of what each copy changed.

The fixture web's copies are written from its own templates; these are written from the real
article texts of ``tests/fixtures/realtext/pairs/documents.jsonl`` (152 Persian texts from over a
hundred outlets: their lists, quotes, datelines, decimals and dates). Each text is the reference of
two copies made here, with edits of their own (not the fixture generator's):

* three **edited** copies: an opening credit clause and an end marker, and one to three of — one or two
  sentences cut, a sentence from another real text added, a sentence reworded (a word swapped for
  another, inserted or dropped), a figure changed (a digit of a number in a sentence);
* a **variants-only** copy: the same text with Arabic letters, spaces for ZWNJ and another digit
  script, which must show no change at all.

Some copies also get the spelling variants. The ground truth is known by construction. Texts are
split ``dev``/``blind`` by their story (``fixtureweb.realpages.split_of``): tune on dev, only score
blind. ``python -m fixtureweb.realchanges`` prints the scores of both.
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from fixtureweb.realpages import load, split_of, stories

SEED = 2026
EDITED_COPIES = 3
_SENTENCE_END = re.compile(r"(?<=[.!?؟؛])\s+")
_NUMBER = re.compile(r"(?<![\d/.:٫٬,])[0-9۰-۹٠-٩]+(?![\d/.:٫٬,])(?!\s+و\s)")
"""A number to change (not part of a decimal, date or time, nor spelt on in words: «۴۵ و سه دهم»)."""
_CREDIT_WORDS = ("گزارش", "نقل", "خبرگزاری", "روابط عمومی", "انتهای", "منبع")
_SWAPS = {
    "اعلام": "اعلان",
    "گفت": "اظهار کرد",
    "افزود": "اضافه کرد",
    "همچنین": "ضمناً",
    "اکنون": "حالا",
    "براساس": "بر پایه",
    "تمامی": "همه",
    "کشور": "مملکت",
    "اما": "ولی",
    "باید": "لازم است",
    "شده": "گردیده",
    "بیشتر": "افزون‌تر",
}
_INSERTS = ("رسماً", "همچنین", "به تازگی", "بار دیگر")
_ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})
_TO_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
_TO_ARABIC = str.maketrans("۰۱۲۳۴۵۶۷۸۹0123456789", "٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩")


@dataclass(frozen=True)
class Case:
    """One labelled copy: its reference, its text, and what it changed."""

    reference_id: str
    split: str
    reference_title: str
    reference: str
    title: str
    body: str
    truth: dict[str, Any]


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def _content(sentence: str) -> bool:
    """A sentence to edit or add: long, closed by a stop (an open one runs into the next when it
    is moved), and free of credit words."""
    return (
        len(sentence.split()) >= 8
        and sentence[-1] in ".!?؟"
        and not any(w in sentence for w in _CREDIT_WORDS)
    )


def _repeated(sentence: str, paragraphs: list[list[str]]) -> bool:
    """The text says it again elsewhere (real pages repeat their lead): cutting one is no cut."""
    words = set(sentence.split())
    similar = [o for para in paragraphs for o in para if len(words & set(o.split())) >= 0.6 * len(words)]
    return len(similar) > 1


def _spell(text: str, rng: random.Random) -> str:
    """Some of: Arabic letters, no ZWNJ, another digit script (at least one)."""
    kinds = [k for k in ("letters", "zwnj", "digits") if rng.random() < 0.6] or ["letters"]
    if "letters" in kinds:
        text = text.translate(_ARABIC)
    if "zwnj" in kinds:
        text = text.replace("\u200c", " ")
    if "digits" in kinds:
        text = text.translate(_TO_ARABIC if rng.random() < 0.5 else _TO_LATIN)
    return text


def _reword(sentence: str, rng: random.Random) -> str | None:
    words = sentence.split()
    swaps = [i for i, w in enumerate(words) if w in _SWAPS]
    if swaps:
        i = rng.choice(swaps)
        words[i] = _SWAPS[words[i]]
    elif rng.random() < 0.5:
        words.insert(rng.randrange(1, len(words)), rng.choice(_INSERTS))
    else:
        plain = [i for i in range(1, len(words) - 1) if not any(c.isdigit() for c in words[i])]
        if not plain:
            return None
        del words[rng.choice(plain)]
    return " ".join(words)


def _figure(sentence: str, rng: random.Random) -> tuple[str, str, str] | None:
    numbers = list(_NUMBER.finditer(sentence))
    if not numbers:
        return None
    m = rng.choice(numbers)
    old = m.group()
    last = old[-1]
    digit = int(last.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")))
    script = "۰۱۲۳۴۵۶۷۸۹" if "۰" <= last <= "۹" else "٠١٢٣٤٥٦٧٨٩" if "٠" <= last <= "٩" else "0123456789"
    new = old[:-1] + script[(digit + rng.randint(1, 8)) % 10]
    return sentence[: m.start()] + new + sentence[m.end() :], old, new


def _edited(
    paragraphs: list[list[str]], others: list[str], rng: random.Random
) -> tuple[list[list[str]], dict]:
    """The copy's paragraphs (of sentences) and its truth before credit and spelling."""
    truth: dict[str, Any] = {"cut": [], "added": [], "reworded": [], "figures": [], "title": None}
    places = [(p, s) for p, para in enumerate(paragraphs) for s, text in enumerate(para) if (p, s) != (0, 0)]
    content = [
        x
        for x in places
        if _content(paragraphs[x[0]][x[1]]) and not _repeated(paragraphs[x[0]][x[1]], paragraphs)
    ]
    kinds = rng.sample(["cut", "added", "reworded", "figures"], rng.randint(1, 3))
    touched: set[tuple[int, int]] = set()
    out = [list(p) for p in paragraphs]
    if "reworded" in kinds:
        for p, s in rng.sample(content, len(content)):
            new = _reword(out[p][s], rng)
            if new is not None and new != out[p][s]:
                truth["reworded"].append({"from": out[p][s], "to": new})
                out[p][s] = new
                touched.add((p, s))
                break
    if "figures" in kinds:
        for p, s in rng.sample(content, len(content)):
            if (p, s) in touched:
                continue
            found = _figure(out[p][s], rng)
            if found is not None:
                sentence, old, new = found
                truth["figures"].append({"from": old, "to": new, "sentence": sentence})
                out[p][s] = sentence
                touched.add((p, s))
                break
    if "cut" in kinds:
        free = [x for x in content if x not in touched]
        for p, s in rng.sample(free, min(len(free), rng.randint(1, 2))):
            truth["cut"].append(out[p][s])
            out[p][s] = ""
    if "added" in kinds and others:
        sentence = rng.choice(others)
        truth["added"].append(sentence)
        # After a sentence closed by a stop (a heading line would run into it), never before the lead.
        spots = [
            (p, k)
            for p, para in enumerate(out)
            for k in range(1 if p == 0 else 0, len(para) + 1)
            if k == 0 or (para[k - 1] and para[k - 1][-1] in ".!?؟")
        ]
        p, k = rng.choice(spots) if spots else (len(out) - 1, len(out[-1]))
        out[p].insert(k, sentence)
    return [[s for s in para if s] for para in out], truth


def _edited_case(
    doc: Any, paragraphs: list[list[str]], others: list[str], side: str, rng: random.Random
) -> Case:
    body, truth = _edited(paragraphs, others, rng)
    text = "\n".join(" ".join(p) for p in body if p)
    text = "به گزارش خبرگزاری نمونه، " + text + "\nانتهای پیام"
    title = doc.title
    if rng.random() < 0.5:
        title = "فوری: " + doc.title
        truth["title"] = {"from": doc.title, "to": title}
    if rng.random() < 0.4:
        text, title = _spell(text, rng), _spell(title, rng)
    return Case(doc.id, side, doc.title, doc.body, title, text, {**truth, "variants_only": False})


def cases(split: str | None = None, seed: int = SEED) -> Iterator[Case]:
    """Four labelled copies of every Persian real text with at least four content sentences."""
    docs, pairs = load()
    story = stories(docs, pairs)
    rng = random.Random(seed)
    persian = [d for d in sorted(docs.values(), key=lambda d: d.id) if d.language == "fa"]
    pool = {d.id: [s for p in d.paragraphs for s in _sentences(p) if _content(s)] for d in persian}
    for doc in persian:
        side = split_of(story[doc.id])
        paragraphs = [_sentences(p) for p in doc.paragraphs]
        if len(pool[doc.id]) < 4 or not paragraphs:
            continue
        others = [s for d in persian if story[d.id] != story[doc.id] for s in pool[d.id]]
        for _ in range(EDITED_COPIES):
            case = _edited_case(doc, paragraphs, rng.sample(others, 50), side, rng)
            if split in (None, side):
                yield case
        variant = _spell(doc.body, rng)
        empty: dict[str, Any] = {
            "cut": [],
            "added": [],
            "reworded": [],
            "figures": [],
            "title": None,
            "variants_only": True,
        }
        if split in (None, side):
            yield Case(doc.id, side, doc.title, doc.body, _spell(doc.title, rng), variant, empty)


def score(split: str, seed: int = SEED) -> Any:
    """Changes found against the truth on one side's cases (``storage.label_scores.ChangeScore``)."""
    from core.syndication.changes import Text, compare
    from storage.label_scores import score_changes

    pairs = []
    for case in cases(split, seed):
        found = compare(
            Text(case.reference_id, case.reference_title, case.reference),
            Text("copy", case.title, case.body),
        )
        pairs.append((found.as_dict(), case.truth))
    return score_changes(pairs)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m fixtureweb.realchanges", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--split", choices=("dev", "blind", "both"), default="both")
    parser.add_argument("--seed", type=int, default=SEED, help="another seed makes other edits")
    args = parser.parse_args(argv)
    for side in ("dev", "blind") if args.split == "both" else (args.split,):
        result = score(side, args.seed)
        print(f"{side}: {result.copies} copies")
        for name, kind in [*result.kinds.items(), ("title", result.titles)]:
            p = f"{kind.precision:.3f}" if kind.precision is not None else "n/a"
            r = f"{kind.recall:.3f}" if kind.recall is not None else "n/a"
            print(f"  {name:<9} P {p} ({kind.matched}/{kind.stored})  R {r} ({kind.matched}/{kind.labelled})")
        print(
            f"  variants-only copies with a change flagged {result.variants_flagged}/{result.variants_only}"
        )


if __name__ == "__main__":
    main()
