"""Build the fixture web: stories, copies with DESIGN §5 edits, pages, labels, registry.

Everything is drawn from one ``random.Random(seed)``, iterated in fixed orders, so a
(size, seed, port) triple always produces the same bytes. The sentence edits of copies
(``fixtureweb.changes``) draw from a second one, ``random.Random(f"{seed}:changes")``, so every
page they leave alone is what it was before they existed.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from fixtureweb import changes as CH
from fixtureweb import corpus as C
from fixtureweb import credits as K
from fixtureweb import templates as T
from fixtureweb import translations as F
from fixtureweb.sites import SITE_IPS, SITES, file_for

TEHRAN = timezone(timedelta(hours=3, minutes=30))
START = datetime(2024, 3, 24, 0, 0, tzinfo=TEHRAN)
SPAN_DAYS = 200
"""Releases run from Farvardin into Mehr 1403, so a dateline can carry «مهر» the month."""

OUTLET_SHARE = {"isna": 0.30, "93z": 0.20, "fanavaran": 0.15, "akharin": 0.17, "shahr": 0.18}
COPY_SHARE = 0.7
PER_PAGE = {"ict": 10, "isna": 15, "93z": 12, "fanavaran": 10}
EDIT_ORDER = (
    "credit",
    "source_label",
    "headline",
    "cut_last",
    "reorder",
    "arabic_letters",
    "no_zwnj",
    "digits",
    "boilerplate",
    "keep_first",
    "cut_middle",
    "added",
    "reworded",
    "figures",
    "variants_only",
)
"""``keep_first``: only the first paragraphs of a long release (also labelled ``cut_last``). The
sentence edits (``cut_middle``, ``added``, ``reworded``, ``figures``) and ``variants_only`` are
labelled by ``fixtureweb.changes``."""

# Probabilities of each edit per copying site.
STYLE: dict[str, dict[str, float]] = {
    "isna": {
        "headline": 0.5,
        "cut_last": 0.3,
        "reorder": 0.1,
        "arabic_letters": 0.0,
        "no_zwnj": 0.1,
        "digits": 0.0,
    },
    "93z": {
        "headline": 0.6,
        "cut_last": 0.5,
        "reorder": 0.2,
        "arabic_letters": 0.5,
        "no_zwnj": 0.8,
        "digits": 0.3,
    },
    "fanavaran": {
        "headline": 0.5,
        "cut_last": 0.3,
        "reorder": 0.3,
        "arabic_letters": 0.1,
        "no_zwnj": 0.3,
        "digits": 0.5,
    },
    "akharin": {
        "headline": 0.7,
        "cut_last": 0.4,
        "reorder": 0.2,
        "arabic_letters": 0.0,
        "no_zwnj": 0.3,
        "digits": 0.2,
    },
    "shahr": {
        "headline": 0.5,
        "cut_last": 0.5,
        "reorder": 0.3,
        "arabic_letters": 0.3,
        "no_zwnj": 0.5,
        "digits": 0.3,
    },
}

VIA_SHARE = 0.45
"""Share of outlet copies that copy the agency's copy rather than the release."""
CRA_RELEASES = 2
CRA_COPIERS = {"isna": (0, 1), "93z": (0,), "akharin": (1,), "shahr": (0,), "fanavaran": (1,)}
"""Which sites copy which release of the ministry without a site (CRA), besides their other copies."""
UNLISTED_SHARE = 0.04
"""Releases the ministry only serves at their URL and in its search (≥ 5)."""
AMP_EVERY = 4
"""93z serves ``/amp/…`` for every fourth post, linked from its listing."""
SIBLING_EVERY = 8
SIBLINGS = 2
"""Release ``i`` with ``i % SIBLING_EVERY == 0`` (from the eighth on) gets ``SIBLINGS`` releases on
the same topic within the same week: different stories, hard negatives for syndication."""
LONG_AT = 5
"""Releases with ``i % SIBLING_EVERY == LONG_AT`` are long; some copies keep only their first paragraphs."""
KEEP_FIRST_SHARE = 0.6
INLINE_BOILERPLATE = {
    "akharin": (
        "آیا این خبر برای شما مفید بود؟",
        "برای دریافت تازه‌ترین اخبار فناوری ما را در شبکه‌های اجتماعی دنبال کنید.",
    ),
    "shahr": ("اخبار مرتبط را در بخش فناوری ببینید.", "نظر شما درباره این مطلب چیست؟"),
    "fanavaran": ("نظر شما درباره این خبر چیست؟ دیدگاه خود را با ما در میان بگذارید.",),
}
"""Outlet boilerplate that sits inside the body container, so page objects keep it (DESIGN §5).

93z's like box («این مطلب را می پسندید؟») and related posts are in its template, which the page
object cuts; these lines stay in the extracted body for the syndication stage to remove."""
INLINE_SHARE = 0.35
FOREIGN_SLOTS = (("shahr", 1), ("akharin", 1))
"""(site, copy number) of the two foreign pages the web had before ``fixtureweb.translations``: they
stay among the ``size`` articles; the other foreign pages come on top (``labels["translations"]``)."""
SAME_DAY_SHARE = 0.6
"""Own stories an outlet publishes on the day of one of its copies, on the same topic (hard negatives)."""


def _month(dt: datetime) -> str:
    return C.JALALI_MONTHS[T.jalali(dt).month - 1]


_SENTENCE_END = re.compile(r"(?<=[.!؟?])\s+")


def sentences(body: str) -> list[str]:
    out: list[str] = []
    for line in body.split("\n"):
        out += [s.strip() for s in _SENTENCE_END.split(line) if s.strip()]
    return out


@dataclass
class Doc:
    site: str
    topic: str
    title: str
    paragraphs: list[str]
    published: datetime
    role: str
    release: str | None = None
    origin: Doc | None = None
    via: Doc | None = None
    edits: list[str] = field(default_factory=list)
    core: list[str] = field(default_factory=list)
    """Paragraphs after the paragraph edits (cut_last, reorder, keep_first) but before sentence,
    credit and spelling edits: what a copy made from this one indexes (hops start here)."""
    slots: list[CH.Slot] = field(default_factory=list)
    """The text as sentences, one slot per ``core`` paragraph, sentence edits included."""
    variants_only: bool = False
    """A copy that differs from its release only by spelling edits."""
    digits: str = "fa"
    """The digit script of the ``digits`` spelling edit on this page ("latin" or "ar")."""
    surtitle: str = ""
    date_digits: str = "fa"
    number: int = 0
    path: str = ""
    script_only_text: str | None = None
    facts: dict[str, str] = field(default_factory=dict)
    shape: str = ""
    """Credit-line shape (``credits.SHAPES`` key) the page carries."""
    chain: list[dict[str, str | None]] = field(default_factory=list)
    """Ground-truth attribution chain, nearest first, publisher left out."""
    listed: bool = True
    lang: str = "fa"
    templates: frozenset[str] = frozenset()
    """Corpus templates the story was written from (siblings avoid their anchor's)."""
    sibling_of: Doc | None = None
    """The release of the same ministry, topic and week this one is a different story from."""
    long: bool = False
    """A long release: ends with a breakdown by province (some copies keep only its opening)."""
    same_day_as: Doc | None = None
    """The copy on the same outlet and day this own story stands next to."""
    foreign: F.Foreign | None = None
    """An English or Arabic page: a release's retelling or a hard negative (``fixtureweb.translations``)."""

    @property
    def full_title(self) -> str:
        return f"{self.surtitle} {self.title}" if self.surtitle else self.title


def _paragraphs(
    rng: random.Random,
    topic: str,
    facts: dict[str, str],
    own: bool = False,
    long: bool = False,
    avoid: frozenset[str] = frozenset(),
    used: set[str] | None = None,
) -> list[str]:
    """A story's paragraphs; templates in ``avoid`` are used only when fresh ones run out.

    ``used`` collects the templates drawn, so a sibling release can avoid most of them.
    """
    spec = C.TOPICS[topic]

    def fresh_first(templates: tuple[str, ...]) -> list[str]:
        out = list(templates)
        rng.shuffle(out)
        return sorted(out, key=lambda t: t in avoid)  # stable: shuffled fresh ones, then the rest

    body = fresh_first(spec["body"])
    generic = fresh_first(C.OWN if own else C.GENERIC)
    pool = body[:3] + generic[:5] if own else body[:4] + generic[:4]
    rng.shuffle(pool)
    lead_t = fresh_first(spec["leads"])[0] if not own else pool.pop()
    drawn = [*pool, lead_t]
    lead = C.fill(lead_t, facts, rng)
    out = [lead]
    quote_at = rng.randint(1, 3)

    def sentence() -> str:
        text = C.fill(pool.pop(), facts, rng)
        return rng.choice(C.CONNECTIVES) + text if rng.random() < 0.4 else text

    while pool:
        take = min(len(pool), rng.choice((1, 2, 2)))
        out.append(" ".join(sentence() for _ in range(take)))
        if len(out) == quote_at and not own:
            quote_t, lead_q = fresh_first(spec["quotes"])[0], rng.choice(C.QUOTE_LEADS)
            drawn.append(quote_t)
            q = dict(facts, quote=C.fill(quote_t, facts, rng))
            out.append(C.fill(lead_q, q, rng))
    if long:
        out.append(C.fill(C.BREAKDOWN_INTRO, facts, rng))
        for _ in range(rng.randint(4, 6)):
            lines = [C.fill(t, C.make_facts(rng, topic), rng) for t in rng.sample(C.BREAKDOWN, 2)]
            out.append(" ".join(lines))
    if used is not None:
        used.update(drawn)
    return out


def _release_time(rng: random.Random, i: int, n: int) -> datetime:
    day = START + timedelta(days=i * SPAN_DAYS / n)
    return day.replace(hour=rng.randint(8, 19), minute=rng.randint(0, 59))


def _own_time(rng: random.Random) -> datetime:
    day = START + timedelta(days=rng.randint(0, SPAN_DAYS))
    return day.replace(hour=rng.randint(7, 22), minute=rng.randint(0, 59))


def _spell(text: str, edits: list[str], digits: str) -> str:
    if "arabic_letters" in edits:
        text = C.arabic_letters(text)
    if "no_zwnj" in edits:
        text = C.no_zwnj(text)
    if "digits" in edits:
        text = C.arabic_digits(text) if digits == "ar" else C.latin_digits(text)
    return text


def make_release(
    rng: random.Random,
    i: int,
    n: int,
    like: Doc | None = None,
    long: bool = False,
    avoid: frozenset[str] = frozenset(),
) -> Doc:
    """Release ``i``; with ``like``, another story of the same ministry, topic and week.

    A sibling draws new facts (the same official, month and year: one ministry's week) and
    mostly templates its anchor did not use, so it shares vocabulary and a few template
    sentences with the anchor but differs in facts and most sentences.
    """
    if like is not None:
        topic = like.topic
    elif i < len(C.TOPICS):
        topic = list(C.TOPICS)[i]
    else:
        topic = rng.choice(list(C.TOPICS))
    facts = C.make_facts(rng, topic)
    if like is not None:
        while facts["province"] == like.facts["province"]:
            facts = C.make_facts(rng, topic)
        for key in ("official", "role", "month", "year"):
            facts[key] = like.facts[key]
        avoid = avoid | like.templates
    used: set[str] = set()
    titles = [t for t in C.TOPICS[topic]["titles"] if t not in avoid]
    title_t = rng.choice(titles)
    used.add(title_t)
    title = C.fill(title_t, facts, rng)
    body = [*_paragraphs(rng, topic, facts, long=long, avoid=avoid, used=used), C.PR_OFFICE]
    if like is not None:
        published = like.published + timedelta(days=rng.randint(1, 5), hours=rng.randint(-3, 3))
    else:
        published = _release_time(rng, i, n)
    doc = Doc("ict", topic, title, body, published, "origin", release=f"R{i + 1:03d}", facts=facts)
    doc.core = list(body)
    doc.slots = CH.slots_of(body, sentences)
    doc.templates = frozenset(used)
    doc.sibling_of = like
    doc.long = long
    return doc


def make_cra_release(rng: random.Random, i: int) -> Doc:
    """A release of a ministry that has no site on the fixture web: only its copies are served."""
    topic = ("tariffs", "5g")[i % 2]
    facts = C.make_facts(rng, topic)
    title = C.fill(rng.choice(C.TOPICS[topic]["titles"]), facts, rng)
    body = _paragraphs(rng, topic, facts)
    published = START + timedelta(days=30 + 60 * i, hours=11)
    doc = Doc("cra", topic, title, body, published, "origin", release=f"CRA-{i + 1:03d}", facts=facts)
    doc.core = list(body)
    doc.slots = CH.slots_of(body, sentences)
    return doc


def _chain(shape: K.Shape, spell: Any) -> list[dict[str, str | None]]:
    return [{"source": key, "name": spell(name), "kind": kind} for key, name, kind in shape.chain]


def _inline_boilerplate(
    rng: random.Random, site: str, shape: K.Shape, body: list[str], force: bool = False
) -> bool:
    """Append the outlet's in-body boilerplate (not after a trailing credit, which ends a page)."""
    lines = INLINE_BOILERPLATE.get(site)
    if not lines or shape.tail or not (force or rng.random() < INLINE_SHARE):
        return False
    body += lines
    return True


STRUCTURAL = ("headline", "cut_last", "reorder", "keep_first", *CH.KINDS)
"""Edits that change what a copy says, not only how it is spelled (none on a variants_only copy)."""
SPELLING = ("arabic_letters", "no_zwnj", "digits")


def make_copy(
    rng: random.Random,
    site: str,
    origin: Doc,
    via: Doc | None,
    picker: K.ShapePicker,
    editor: CH.Editor | None = None,
) -> Doc:
    """A Persian copy of ``origin`` (of ``via``'s text when given); ``editor``: the sentence edits.

    Every draw from ``rng`` happens in the same order whatever ``editor`` does, so a copy without
    sentence edits is the same page with or without them.
    """
    style = STYLE[site]
    edits = [name for name, p in style.items() if rng.random() < p]
    source = via if via is not None else origin
    src = source.core
    # Paragraph edits pick indices into the source's paragraphs (its slots follow them).
    order = (
        [i for i, p in enumerate(src) if p != C.PR_OFFICE]
        if rng.random() < 0.8 or via
        else list(range(len(src)))
    )
    if via is not None:
        edits += [x for x in via.edits if x in ("cut_last", "reorder", "keep_first") and x not in edits]
    elif origin.long and rng.random() < KEEP_FIRST_SHARE:
        # A long release of which the copy keeps only the opening paragraphs.
        order = [i for i in order if src[i] != C.PR_OFFICE][: rng.randint(5, 6)]
        edits += ["keep_first", "cut_last"]
    if "keep_first" in edits:
        edits = [x for x in edits if x != "reorder" or (via is not None and x in via.edits)]
    elif "cut_last" in edits and (via is None or "cut_last" not in via.edits):
        if len(order) > 4:
            del order[-2 if src[order[-1]] == C.PR_OFFICE else -1]  # a story paragraph, not the signature
        else:
            edits.remove("cut_last")
    if "reorder" in edits and (via is None or "reorder" not in via.edits):
        if len(order) >= 4:
            a, b = rng.sample(range(1, len(order)), 2)
            order[a], order[b] = order[b], order[a]
        else:
            edits.remove("reorder")
    core = [src[i] for i in order]
    slots = [source.slots[i] for i in order]
    hop_delay = rng.randint(10, 300) if via is not None else rng.randint(15, 900)
    published = source.published + timedelta(minutes=hop_delay)
    upstream = "isna" if via is not None else ("cra" if origin.site == "cra" else "ict")
    shape = picker.pick(upstream, site, published, _month)
    fill = {"P": SITES[site].name, "city": origin.facts["city"], "date": T.jalali_date_only(published)}
    edits.append(shape.edit)
    inline: list[str] = []
    if _inline_boilerplate(rng, site, shape, inline):
        edits.append("boilerplate")
    if "headline" in edits:
        title = origin.title
        while _spell(title, edits, "fa") == _spell(origin.title, edits, "fa"):
            title = C.fill(rng.choice(C.TOPICS[origin.topic]["titles"]), origin.facts, rng)
        if ":" not in title:
            title = rng.choice(C.HEADLINE_PREFIXES) + title
    else:
        title = source.title
    if site == "93z" and "boilerplate" not in edits:
        edits.append("boilerplate")
    surtitle = (
        C.fill(rng.choice(C.SURTITLES), origin.facts, rng) if site == "93z" and rng.random() < 0.3 else ""
    )
    # The last draw from ``rng``: sentence edits draw from the editor's own source.
    digits = "ar" if site in ("93z", "shahr") else "latin"
    variants_only = False
    title_edits = list(edits)
    if editor is not None:
        if via is None and origin.site == "ict" and not set(STRUCTURAL) & set(edits) and not surtitle:
            # Only spelling differs from the release: at least one spelling edit the outlet uses.
            text = CH.render(slots)
            options = [
                name
                for name in SPELLING
                if style[name] > 0 and any(_spell(p, [name], digits) != p for p in text)
            ]
            if options and not set(SPELLING) & set(edits):
                # In the body only: the title, which other pages link with, stays as it was.
                edits.append(editor.rng.choice(options))
            variants_only = bool(set(SPELLING) & set(edits))
        else:
            # Two kinds of sentence edit at most, counting those made upstream and a cut last
            # paragraph: a copy stays near its release (tests/test_fixture_syndication.py).
            inherited = [x for x in via.edits if x in CH.KINDS] if via is not None else []
            slots, applied = editor.edit(
                slots,
                origin.facts,
                release=str(origin.release),
                figures_ok=origin.site == "ict",
                new_paragraphs=not shape.mid,
                most=CH.MOST_KINDS - len(inherited) - ("cut_last" in edits),
            )
            sents = CH.flat(slots)
            present = {
                "cut_middle": "cut_middle" in applied or (via is not None and "cut_middle" in via.edits),
                "added": any(s.ref is None for s in sents),
                "reworded": any(s.reworded for s in sents),
                "figures": any(s.figure for s in sents),
            }
            edits += [name for name in CH.KINDS if present[name]]
    if variants_only:
        edits.append("variants_only")
    body = K.apply(shape, CH.render(slots), fill) + inline
    body = [_spell(p, edits, digits) for p in body]
    title = _spell(title, title_edits, digits)
    chain = _chain(shape, lambda name: _spell(name, edits, digits))
    if C.PR_OFFICE in core and all(c["source"] != "ict" for c in chain):
        # The release's PR-office signature, kept at the end, credits the ministry after the rest.
        chain.append({"source": "ict", "name": _spell(K.ICT, edits, digits), "kind": "ministry"})
    edits = [x for x in EDIT_ORDER if x in edits]
    doc = Doc(
        site,
        origin.topic,
        title,
        body,
        published,
        "copy",
        release=origin.release,
        origin=origin,
        via=via,
        edits=edits,
        core=core,
        facts=origin.facts,
        shape=shape.key,
        chain=chain,
    )
    doc.slots = slots
    doc.variants_only = variants_only
    doc.digits = digits
    if surtitle:
        doc.surtitle = _spell(surtitle, edits, digits)
    return doc


def foreign_slot(rng: random.Random, site: str, origin: Doc, lang: str, picker: K.ShapePicker) -> Doc:
    """The place of one of the first two foreign pages, which this web has carried since before
    ``fixtureweb.translations``: the draws they made from ``rng`` and ``picker`` are made as they were,
    so every Persian page after them keeps its bytes; their text is written later, from the
    foreign pages' own random source."""
    published = origin.published + timedelta(minutes=rng.randint(60, 900))
    picker.pick(lang, site, published, _month)
    rng.choice(C.EN_TITLES if lang == "en" else C.AR_TITLES)
    return Doc(
        site, origin.topic, "", [], published, "copy", release=origin.release, origin=origin, lang=lang
    )


def _from_foreign(f: F.Foreign, doc: Doc | None = None) -> Doc:
    """The page of a foreign retelling or hard negative (``doc``: the slot it fills)."""
    retelling = f.kind == "retelling"
    release = f.resembles
    assert isinstance(release, Doc)
    out = doc or Doc(f.site, release.topic, "", [], f.published, "own")
    out.title, out.paragraphs, out.published = f.title, list(f.paragraphs), f.published
    out.role = "copy" if retelling else "own"
    out.release = f.release
    out.origin = release if retelling else None
    out.edits = ["credit"] if f.chain else []
    out.core = list(f.paragraphs)
    out.facts = release.facts
    out.shape = f.shape
    out.chain = [dict(c) for c in f.chain]
    out.lang = f.lang
    out.foreign = f
    return out


def _own_body(rng: random.Random, topic: str | None = None) -> tuple[str, dict[str, str], str, list[str]]:
    topic = topic or rng.choice(list(C.TOPICS))
    facts = C.make_facts(rng, topic)
    title = C.fill(rng.choice(C.OWN_TITLES), facts, rng)
    return topic, facts, title, _paragraphs(rng, topic, facts, own=True)


def make_own(rng: random.Random, site: str, picker: K.ShapePicker, beside: Doc | None = None) -> Doc:
    """An outlet's own story; ``beside``: a copy it shares the day, topic and template with."""
    topic, facts, title, body = _own_body(rng, beside.topic if beside is not None else None)
    if beside is None:
        published = _own_time(rng)
    else:
        day = beside.published.replace(hour=0, minute=0)
        while True:
            published = day.replace(hour=rng.randint(7, 22), minute=rng.randint(0, 59))
            if abs(published - beside.published) > timedelta(minutes=30):
                break
    shape = picker.pick("own", site, published, _month)
    body = K.apply(shape, body, {"P": SITES[site].name, "city": facts["city"]})
    edits: list[str] = []
    if (
        beside is not None
        and "boilerplate" in beside.edits
        and _inline_boilerplate(rng, site, shape, body, force=True)
    ):
        edits.append("boilerplate")
    if site == "93z":
        if rng.random() < 0.5:
            edits.append("no_zwnj")
        if rng.random() < 0.3:
            edits.append("arabic_letters")
        body = [_spell(p, edits, "ar") for p in body]
        title = _spell(title, edits, "ar")
    doc = Doc(site, topic, title, body, published, "own", facts=facts, shape=shape.key)
    doc.edits = [x for x in EDIT_ORDER if x in edits]
    doc.same_day_as = beside
    return doc


def make_blog(rng: random.Random, i: int) -> Doc:
    topic, facts, title, body = _own_body(rng)
    body[0] = "چند روز پیش یکی از خوانندگان وبلاگ درباره این موضوع از من پرسید. " + body[0]
    return Doc(
        "blog",
        topic,
        f"یادداشت شماره {C.fa_digits(i + 1)}: {title}",
        body,
        _own_time(rng),
        "own",
        facts=facts,
        shape="none",
    )


# --------------------------------------------------------------- paths ---
def _assign_paths(docs: list[Doc]) -> None:
    by_site: dict[str, list[Doc]] = {}
    for d in docs:
        by_site.setdefault(d.site, []).append(d)
    for site, items in by_site.items():
        items.sort(key=lambda d: (d.published, d.title))
        for k, d in enumerate(items):
            if site == "ict":
                d.number = 21000 + k * 3
                d.path = f"/fa/{'newsagency' if k % 7 == 3 else 'news'}/{d.number}/"
            elif site == "isna":
                j = T.jalali(d.published)
                d.number = int(f"{j.year}{j.month:02d}{j.day:02d}{k:05d}")
                d.path = f"/news/{d.number}/"
            elif site == "93z":
                d.number = 5000 + k
                d.path = f"/post/{d.number}/"
            elif site == "fanavaran":
                d.number = 300 + k
                d.path = f"/article/{d.number}/"
            elif site == "akharin":
                d.number = 880000 + k * 11
                d.path = f"/khabar/{d.number}.html"
            elif site == "shahr":
                d.number = 12000 + k
                d.path = f"/n/{d.number}/"
            else:
                d.number = k + 1
                d.path = f"/posts/{d.number}-yaddasht/"


FOREIGN_NUMBERS = {"shahr": (60000, 1), "akharin": (990000, 11)}
"""Where the numbers of the foreign pages that came with ``fixtureweb.translations`` start (and
their step), above every Persian page's: the Persian pages keep their numbers and URLs."""


def _assign_foreign_paths(docs: list[Doc]) -> None:
    by_site: dict[str, list[Doc]] = {}
    for d in docs:
        by_site.setdefault(d.site, []).append(d)
    for site, items in by_site.items():
        start, step = FOREIGN_NUMBERS[site]
        items.sort(key=lambda d: (d.published, d.title))
        for k, d in enumerate(items):
            d.number = start + k * step
            d.path = f"/n/{d.number}/" if site == "shahr" else f"/khabar/{d.number}.html"


# --------------------------------------------------------------- build ---
@dataclass
class FixtureWeb:
    root: Path
    port: int
    labels: dict[str, Any]
    registry_path: Path

    def base_url(self, site: str) -> str:
        return f"http://{SITE_IPS[site]}:{self.port}"


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: set[Path] = set()

    def write(self, site: str, url_path: str, text: str) -> None:
        target = self.root / site / file_for(url_path)
        if target.parent not in self.made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(target.parent)
        target.write_bytes(text.encode("utf-8"))


def plan(size: int, seed: int, changes: bool = True, foreign: str = "dev") -> list[Doc]:
    """All article documents (no HTML yet), paths assigned.

    ``changes``: give copies sentence edits (``fixtureweb.changes``), from a random source of their
    own; without them every page a sentence edit would touch is as it was before they existed.
    ``foreign``: the phrase bank of the English and Arabic pages (``fixtureweb.translations``), which
    draw from random sources of their own too.
    """
    rng = random.Random(seed)
    editor = CH.Editor(random.Random(f"{seed}:changes"), set()) if changes else None
    picker = K.ShapePicker(rng.choice)
    n_rel = max(30, round(size * 0.2))
    n_other = max(120, size - n_rel)
    releases: list[Doc] = []
    for i in range(n_rel):
        k = i % SIBLING_EVERY
        if i >= SIBLING_EVERY and 0 < k <= SIBLINGS:
            anchor = releases[i - k]
            group = frozenset().union(*(r.templates for r in releases[i - k : i]))
            releases.append(make_release(rng, i, n_rel, like=anchor, avoid=group))
        else:
            releases.append(make_release(rng, i, n_rel, long=k == LONG_AT))
    for i in sorted(rng.sample(range(n_rel), max(5, round(n_rel * UNLISTED_SHARE)))):
        releases[i].listed = False
    unlisted = [r for r in releases if not r.listed]
    cra = [make_cra_release(rng, i) for i in range(CRA_RELEASES)]
    # Copies every unlisted release gets (so a crawl reaches it only by following a credit).
    forced = {"isna": list(unlisted), "93z": unlisted[0::2], "fanavaran": unlisted[1::2]}
    # Every hard-negative release gets copies of its own; long releases get copies that may keep
    # only their opening paragraphs.
    grouped = [r for r in releases if r.sibling_of is not None or any(x.sibling_of is r for x in releases)]
    forced["akharin"] = grouped[0::2] + [r for r in releases if r.long]
    forced["shahr"] = grouped[1::2] + [r for r in releases if r.long]
    docs: list[Doc] = list(releases)
    slots: list[Doc] = []
    isna_copies: dict[str, Doc] = {}
    for site, share in OUTLET_SHARE.items():
        count = max(1, round(n_other * share))
        n_copies = round(count * COPY_SHARE)
        copied: set[str] = set()
        queue = list(forced.get(site, []))
        for k in range(n_copies):
            if k < len(CRA_COPIERS.get(site, ())):
                docs.append(make_copy(rng, site, cra[CRA_COPIERS[site][k]], None, picker, editor))
                continue
            if queue:
                origin = queue.pop(0)
            else:
                origin = rng.choice(releases)
                while origin.release in copied and len(copied) < len(releases):
                    origin = rng.choice(releases)
            copied.add(str(origin.release))
            if (site, k) in FOREIGN_SLOTS:
                lang = "en" if site == "shahr" else "ar"
                slots.append(foreign_slot(rng, site, origin, lang, picker))
                docs.append(slots[-1])
                continue
            via = isna_copies.get(str(origin.release)) if site != "isna" else None
            if via is not None and rng.random() >= VIA_SHARE:
                via = None
            doc = make_copy(rng, site, origin, via, picker, editor)
            if site == "isna":
                isna_copies[str(origin.release)] = doc
            docs.append(doc)
        mine = [d for d in docs if d.site == site and d.role == "copy" and d.lang == "fa"]
        for _ in range(count - n_copies):
            beside = mine.pop(rng.randrange(len(mine))) if mine and rng.random() < SAME_DAY_SHARE else None
            docs.append(make_own(rng, site, picker, beside))
    docs += [make_blog(rng, i) for i in range(5)]
    for d in docs:
        if d.site == "93z":
            d.date_digits = "ar" if rng.random() < 0.5 else "fa"
    _assign_paths(docs)
    held = [(d.site, d.lang, d.origin, d.published) for d in slots]
    written = F.plan_foreign(seed, size, releases, held, foreign)
    for slot, f in zip(slots, written, strict=False):
        _from_foreign(f, slot)
    extra = [_from_foreign(f) for f in written[len(slots) :]]
    _assign_foreign_paths(extra)
    docs += extra
    for d in docs:
        if d.site == "fanavaran" and len(d.paragraphs) > 1:
            d.script_only_text = sentences(d.paragraphs[1])[0]
    return docs


def _page(d: Doc, related: list[tuple[str, str]]) -> T.Page:
    return T.Page(
        site=d.site,
        path=d.path,
        title=d.title,
        paragraphs=d.paragraphs,
        published=d.published,
        topic=C.TOPIC_FA[d.topic],
        surtitle=d.surtitle,
        number=d.number,
        date_digits=d.date_digits,
        related=related,
        lang=d.lang,
    )


def _label(d: Doc, base: str) -> dict[str, Any]:
    body = "\n".join(d.paragraphs)
    sents = sentences(body)
    label: dict[str, Any] = {
        "url": base + d.path,
        "site": d.site,
        "title": d.full_title,
        "published_at": d.published.isoformat(),
        "role": d.role,
        "release": d.release,
        "copy_of": None,  # filled by _labels, which knows the ministry's base URL
        "changes": None,  # filled by _labels, which knows each copy's reference
        "edits": list(d.edits),
        "attribution": [dict(c) for c in d.chain],
        "credit_shape": K.ORIGIN_SHAPE if d.role == "origin" else d.shape,
        "listed": d.listed,
        "lang": d.lang,
        "first_sentence": sents[0],
        "last_sentence": sents[-1],
    }
    if d.script_only_text is not None:
        label["script_only_text"] = d.script_only_text
    return label


def amp_path(path: str) -> str:
    return "/amp" + path


def _listing_pages(
    site: str, items: list[Doc], base: str, w: _Writer, render: Any, first: str, nth: Any, admin: str
) -> int:
    per = PER_PAGE[site]
    pages = max(1, math.ceil(len(items) / per))
    hrefs = [first] + [nth(n) for n in range(2, pages + 1)]
    for n in range(1, pages + 1):
        chunk = [_page(d, []) for d in items[(n - 1) * per : n * per]]
        if site == "93z":
            for page in chunk:
                page.amp_path = amp_path(page.path) if page.number % AMP_EVERY == 0 else ""
        w.write(site, hrefs[n - 1], render(chunk, pages, n, hrefs, base, admin=admin if n == 1 else None))
    return pages


def build(
    out_dir: Path, *, port: int, size: int = 200, seed: int = 1405, changes: bool = True, foreign: str = "dev"
) -> FixtureWeb:
    """Write every site under ``out_dir/<site>/`` plus labels.json and sources.toml (``changes``,
    ``foreign``: see :func:`plan`)."""
    if foreign not in F.BANKS:
        raise ValueError(f"foreign must be one of {F.BANKS}, not {foreign!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    docs = plan(size, seed, changes, foreign)
    bases = {site: f"http://{ip}:{port}" for site, ip in SITE_IPS.items()}
    w = _Writer(out_dir)
    by_site: dict[str, list[Doc]] = {s: [] for s in SITE_IPS}
    for d in docs:
        by_site[d.site].append(d)
    for items in by_site.values():
        items.sort(key=lambda d: (d.published, d.number), reverse=True)

    renderers = {
        "ict": T.ict_article,
        "isna": T.isna_article,
        "93z": T.z93_article,
        "fanavaran": T.fanavaran_article,
        "akharin": T.akharin_article,
        "shahr": T.shahr_article,
        "blog": T.blog_article,
    }
    for site, items in by_site.items():
        base = bases[site]
        by_topic: dict[tuple[str, str], list[Doc]] = {}
        for d in items:
            if d.listed:  # an unlisted release is linked from nowhere, not even "related news"
                by_topic.setdefault((d.lang, d.topic), []).append(d)
        for d in items:
            same = by_topic.get((d.lang, d.topic), [])  # related news in the page's language
            at = next((k for k, x in enumerate(same) if x is d), -1)
            related = [(x.path, x.full_title) for x in (same[at + 1 : at + 4] or same[:3]) if x is not d][:3]
            page = _page(d, related)
            w.write(site, d.path, renderers[site](page, base))
            if site == "fanavaran":
                w.write(site, f"/api/articles/{d.number}.json", T.fanavaran_json(page))
            if site == "93z" and d.number % AMP_EVERY == 0:
                w.write(site, amp_path(d.path), T.z93_amp_article(page, base))
        w.write(site, "/robots.txt", T.robots(bases[site] + "/sitemap.xml" if site == "shahr" else None))

    # Sites crawled from paginated listings: (site, listing template, first page, page n, a draft page
    # that robots.txt forbids but the first listing links, its title, home page title and link).
    listed_sites: list[tuple[str, Any, str, Callable[[int], str], str, str, str, str]] = [
        ("ict", T.ict_listing, "/fa/news", lambda n: f"/fa/news?page={n}", "/admin/fa/news/99999/",
         "پیش‌نویس خبر منتشرنشده", "وزارت ارتباطات و فناوری اطلاعات", "اخبار"),
        ("isna", T.isna_listing, "/fa/service/ict", lambda n: f"/fa/service/ict?page={n}", "/admin/news/1/",
         "پیش‌نویس خبر", "ایسنا", "فناوری اطلاعات"),
        ("93z", T.z93_listing, "/category/news/", lambda n: f"/category/news/page/{n}/", "/admin/post/1/",
         "پیش‌نویس", "تجهیزات جانبی", "اخبار"),
        ("fanavaran", T.fanavaran_listing, "/latest", lambda n: f"/latest?page={n}", "/admin/article/1/",
         "پیش‌نویس", "فناوران", "تازه‌ها"),
    ]  # fmt: skip
    max_pages: dict[str, int] = {}
    for site, template, first, page_n, draft, draft_title, home_title, home_link in listed_sites:
        # Search-only ministry releases are left out of every listing.
        listed = [d for d in by_site[site] if d.listed] if site == "ict" else by_site[site]
        max_pages[site] = _listing_pages(site, listed, bases[site], w, template, first, page_n, draft)
        w.write(site, draft, T.draft(draft_title, bases[site]))
        w.write(site, "/", T.simple_index(home_title, [(first, home_link)], bases[site]))
    # ict: also a feed, the search index the server answers /fa/search from, and /fa/
    ict = [d for d in by_site["ict"] if d.listed]
    w.write("ict", "/fa/news/rss", T.ict_rss([_page(d, []) for d in ict[:50]], bases["ict"]))
    index = [
        {"path": d.path, "title": d.title, "date": d.published.isoformat(), "text": "\n".join(d.paragraphs)}
        for d in by_site["ict"]
    ]
    w.write("ict", "/fa/search/_search.json", json.dumps(index, ensure_ascii=False) + "\n")
    ict_home = T.simple_index("وزارت ارتباطات و فناوری اطلاعات", [("/fa/news", "اخبار")], bases["ict"])
    w.write("ict", "/fa/", ict_home)
    w.write("fanavaran", "/static/reader.js", T.FANAVARAN_JS)
    # akharin
    ak = [_page(d, []) for d in by_site["akharin"]]
    w.write("akharin", "/rss.xml", T.akharin_rss(ak, bases["akharin"]))
    w.write(
        "akharin", "/", T.simple_index("آخرین خبر", [(p.path, p.title) for p in ak[:20]], bases["akharin"])
    )
    # shahr
    sh = [_page(d, []) for d in by_site["shahr"]]
    w.write("shahr", "/sitemap.xml", T.sitemap(sh, bases["shahr"]))
    w.write(
        "shahr", "/", T.simple_index("شهر سخت‌افزار", [(p.path, p.title) for p in sh[:20]], bases["shahr"])
    )
    # blog
    bl = by_site["blog"]
    w.write(
        "blog", "/", T.simple_index("یادداشت‌های یک شبکه‌کار", [(d.path, d.title) for d in bl], bases["blog"])
    )

    labels = _labels(docs, bases, size, seed, port, foreign)
    (out_dir / "labels.json").write_text(
        json.dumps(labels, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    registry_path = out_dir / "sources.toml"
    registry_path.write_text(registry_toml(bases, max_pages), encoding="utf-8")
    return FixtureWeb(root=out_dir, port=port, labels=labels, registry_path=registry_path)


def _references(docs: list[Doc]) -> dict[str, Doc]:
    """Release id → the text a copy's ``changes`` are told against: the release on the ministry's
    site, or (a ministry without a site) the earliest published Persian copy of it."""
    out = {str(d.release): d for d in docs if d.role == "origin" and d.site == "ict"}
    order = list(SITE_IPS)
    for d in sorted(docs, key=lambda d: (d.published, order.index(d.site), d.number), reverse=True):
        if d.role == "copy" and d.lang == "fa" and d.origin is not None and d.origin.site != "ict":
            out[str(d.release)] = d  # the last one written is the earliest
    return out


def _changes(d: Doc, reference: Doc, against: str) -> dict[str, Any]:
    """What copy ``d`` changed against ``reference`` (see ``_labels``)."""
    truth = CH.truth(
        reference.slots,
        d.slots,
        lambda text: _spell(text, reference.edits, reference.digits),
        lambda text: _spell(text, d.edits, d.digits),
        skip=lambda text: text == C.PR_OFFICE,
    )
    title = None
    if CH.plain(reference.full_title) != CH.plain(d.full_title):
        title = {"from": reference.full_title, "to": d.full_title}
    return {"against": against, **truth, "title": title, "variants_only": d.variants_only}


def _foreign_label(f: F.Foreign, ict_base: str) -> dict[str, Any]:
    """What an English or Arabic page is ground truth for (see ``_labels``)."""
    retelling = f.kind == "retelling"
    release = f.resembles
    assert isinstance(release, Doc)
    return {
        "link": "translation" if retelling else None,
        "translation_of": ict_base + release.path if retelling else None,
        "hard_negative": None if retelling else f.kind,
        "resembles": None if retelling else release.release,
        "figures": list(f.figures),
        "persian_siblings": list(f.siblings),
    }


def _labels(
    docs: list[Doc], bases: dict[str, str], size: int, seed: int, port: int, foreign: str = "dev"
) -> dict[str, Any]:
    """labels.json: ground truth for every article page.

    Per article: url, site, title, published_at, role (origin/copy/own), release, copy_of (the ministry
    release URL, or None for own stories and copies of a release not on this web), edits, attribution
    (the chain the crawler should store: nearest first, publisher left out, each {source, name as
    written, kind}; empty for origins, whose PR-office signature names the publisher), credit_shape
    (``credits.SHAPES`` key), listed (False: a release only the ministry's search finds), lang,
    first_sentence, last_sentence (and script_only_text on the JavaScript outlet).  Top level:
    generator, sites, articles, unregistered, variants ({AMP URL: canonical URL}), disallowed, and
    hard_negatives: ``[url_a, url_b, kind]`` pairs of different stories that look alike —
    ``same_topic_week`` (two releases of the ministry on one topic within a week, each with its own
    copies) or ``same_template`` (a copy and an own story of one outlet, same day and topic, same
    in-body boilerplate). ``fixtureweb.labels.pairs`` turns labels into positive and negative pairs.

    ``edits`` names the DESIGN §5 edits a page carries: credit, source_label (a trailing «منبع:»
    credit), headline, cut_last, reorder, arabic_letters (ي/ك), no_zwnj, digits (Latin on isna,
    fanavaran and akharin; Arabic-Indic on 93z and shahr), boilerplate (outlet boilerplate on the
    page: 93z's template, or lines inside the body that page objects keep on akharin, shahr and
    fanavaran), keep_first (only the opening paragraphs of a long release; with cut_last), and the
    sentence edits of Persian copies (``fixtureweb.changes``, own or made upstream by the agency
    copy a copy was made from): cut_middle (one or two sentences, or a whole paragraph, gone from
    the middle), added (sentences the outlet wrote), reworded (a few words swapped), figures (one
    figure changed) and variants_only (a copy of the release that only differs by spelling edits).

    ``link`` (every article): ``"translation"`` on an English or Arabic retelling of a release, else
    None. English and Arabic pages (``fixtureweb.translations``) also carry ``translation_of`` (a
    retelling: the ministry release URL it retells, as ``copy_of``), ``hard_negative``
    (``other_event``: the same official or ministry on another event; ``same_template``: a retelling
    of a release of the same templates, official and province with other figures that the web does
    not publish — both role own, with a release id of their own, ``XE-…``/``XS-…``), ``resembles``
    (a hard negative: the release id it must not be linked to), ``figures`` (a retelling: the release
    figures it keeps; a negative: its own) and ``persian_siblings`` (a retelling: Persian releases of
    the same topic and official within 7 days of its release). The top-level ``translations`` counts
    them: ``{"retellings", "negatives", "persian_siblings" (retellings with one), "bank"}``.

    ``changes`` (every article; None but for Persian copies): what the copy changed against its
    *reference* — the release on the ministry's site, or for a ministry without a site the
    earliest published Persian copy (whose own ``changes`` is None)::

        {"against": reference URL,
         "cut": [reference sentence, ...],        # not on the copy (cut_last, keep_first, cut_middle)
         "added": [copy sentence, ...],           # from no reference sentence
         "reworded": [{"from": reference sentence, "to": copy sentence}, ...],
         "figures": [{"from": figure, "to": figure, "sentence": copy sentence}, ...],
         "title": {"from": reference title, "to": copy title} or None,
         "variants_only": bool}

    Sentences are ``sentences()``' split of the paragraphs; the reference's are as written on its
    page, the copy's as written on the copy (its spelling edits applied) without the credit line
    around them. Credit lines, the PR-office signature and outlet boilerplate never count, nor do
    reordered paragraphs, nor differences in ي/ی, ك/ک, ZWNJ or the digit script (so a sentence that
    only differs by those is no change). A sentence whose only change is a figure is in figures
    alone; one with swapped words and a changed figure is in both. ``title`` compares full titles
    (surtitle included) the same way.
    """
    order = list(SITE_IPS)
    ranked = sorted(docs, key=lambda d: (order.index(d.site), d.number))
    references = _references(docs)
    articles: list[dict[str, Any]] = []
    unregistered: list[dict[str, Any]] = []
    for d in ranked:
        label = _label(d, bases[d.site])
        on_ict = d.origin is not None and d.origin.site == "ict"
        label["copy_of"] = bases["ict"] + d.origin.path if on_ict and d.origin is not None else None
        label["link"] = None
        if d.foreign is not None:
            label.update(_foreign_label(d.foreign, bases["ict"]))
        reference = references.get(str(d.release))
        if d.role == "copy" and d.lang == "fa" and reference is not None and reference is not d:
            label["changes"] = _changes(d, reference, bases[reference.site] + reference.path)
        (articles if SITES[d.site].in_registry else unregistered).append(label)
    url = {id(d): bases[d.site] + d.path for d in docs}
    hard: list[list[str]] = []
    groups: dict[int, list[Doc]] = {}
    for d in docs:  # docs keep generation order, so a group is anchor first, then its siblings
        if d.sibling_of is not None:
            groups.setdefault(id(d.sibling_of), [d.sibling_of]).append(d)
    for members in groups.values():
        hard += [[url[id(a)], url[id(b)], "same_topic_week"] for a, b in itertools.combinations(members, 2)]
    hard += [[url[id(d.same_day_as)], url[id(d)], "same_template"] for d in docs if d.same_day_as is not None]
    foreign_pages = [d.foreign for d in docs if d.foreign is not None]
    variants = {
        bases["93z"] + amp_path(d.path): bases["93z"] + d.path
        for d in ranked
        if d.site == "93z" and d.number % AMP_EVERY == 0
    }
    return {
        "generator": {"size": size, "seed": seed, "port": port},
        "sites": {
            key: {
                "ip": SITE_IPS[key],
                "base_url": bases[key],
                "kind": info.kind,
                "in_registry": info.in_registry,
                "render": info.render,
            }
            for key, info in SITES.items()
        },
        "articles": articles,
        "unregistered": unregistered,
        "variants": variants,
        "hard_negatives": hard,
        "translations": {
            "retellings": sum(1 for f in foreign_pages if f.kind == "retelling"),
            "negatives": sum(1 for f in foreign_pages if f.kind != "retelling"),
            "persian_siblings": sum(1 for f in foreign_pages if f.kind == "retelling" and f.siblings),
            "bank": foreign,
        },
        "disallowed": [
            bases["ict"] + "/admin/fa/news/99999/",
            bases["isna"] + "/admin/news/1/",
            bases["93z"] + "/admin/post/1/",
            bases["fanavaran"] + "/admin/article/1/",
        ],
    }


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def registry_toml(bases: dict[str, str], max_pages: dict[str, int]) -> str:
    """The demo registry: the fixture sites, with the real port in every URL."""
    starts: dict[str, dict[str, list[str]]] = {
        "ict": {"listings": [bases["ict"] + "/fa/news"]},
        "isna": {"listings": [bases["isna"] + "/fa/service/ict"]},
        "93z": {"listings": [bases["93z"] + "/category/news/"]},
        "fanavaran": {"listings": [bases["fanavaran"] + "/latest"]},
        "akharin": {"feeds": [bases["akharin"] + "/rss.xml"]},
        "shahr": {"sitemaps": [bases["shahr"] + "/sitemap.xml"]},
    }
    patterns = {
        "ict": r"/fa/(news|newsagency)/\d+/?$",
        "isna": r"/news/\d+/?$",
        "93z": r"/post/\d+/?$",
        "fanavaran": r"/article/\d+/?$",
        "akharin": r"/khabar/\d+\.html$",
        "shahr": r"/n/\d+/?$",
    }
    out = [
        "# Demo registry for the generated fixture web (written by fixtureweb.build; do not edit).",
        "",
    ]
    for key, info in SITES.items():
        if not info.in_registry:
            continue
        host = SITE_IPS[key]
        out += [
            f'[sources."{key}"]' if not key.isidentifier() else f"[sources.{key}]",
            f'kind = "{info.kind}"',
            f"names = {_toml_list(list(info.names))}",
            f'hosts = ["{host}"]',
            f'page = "{info.page}"',
            f"render = {'true' if info.render else 'false'}",
        ]
        for field_name, urls in starts[key].items():
            out.append(f"{field_name} = {_toml_list(urls)}")
        out.append(f"article_pattern = {json.dumps(patterns[key])}")
        if key in INLINE_BOILERPLATE:  # the site's own lines inside its bodies: data of that source
            out.append(f"boilerplate = {_toml_list(list(INLINE_BOILERPLATE[key]))}")
        if key in max_pages:
            out.append(f"max_listing_pages = {max_pages[key] + 1}")
        if key == "ict":
            out += [
                "",
                "[sources.ict.origin]",
                f'search = "{bases["ict"]}/fa/search?q={{query}}"',
                f"listings = {_toml_list([bases['ict'] + '/fa/news'])}",
            ]
        out.append("")
    out.append("# Sources credited on the fixture web that have no site there (their hosts serve nothing).")
    for key, (host, kind, names) in K.NAME_ONLY_SOURCES.items():
        out += [
            f"[sources.{key}]",
            f'kind = "{kind}"',
            f"names = {_toml_list(list(names))}",
            f'hosts = ["{host}"]',
            "",
        ]
    return "\n".join(out)
