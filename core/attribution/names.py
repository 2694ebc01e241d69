"""Every registry name, findable in running text and resolvable from any of its spellings."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

from core.attribution import lexicon
from core.attribution.normalise import compact, normalise
from core.registry import Registry

_PARENS = re.compile(r"^(?P<outer>[^()]*?)\s*\((?P<inner>[^()]+)\)\s*(?P<rest>.*)$", re.S)
_DOMAIN = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://)?(?:www\.)?(?P<host>(?:[a-z0-9-]+\.)+[a-z]{2,})(?:[/:?#].*)?$", re.I
)
GENERIC_HEADS = re.compile(
    r"^(?:خبرگزاری|روزنامه|هفته\s?نامه|پایگاه\sخبری|سایت|وب\s?سایت|شبکه\sخبر|وکالة(?:\sالانباء)?|صحیفة|موقع"
    r"|the)\s+",
    re.I,
)
GENERIC_TAILS = re.compile(
    r"(?:'s|\s+(?:news\sagency|agency|website|news|daily|(?:الدولیة\s|الرسمیة\s)?للانباء|haber\sajansı|ajansı"
    r"|nachrichtenagentur))$",
    re.I,
)
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,5}$")
RESOLVED = 16_384
"""Names each index remembers resolving: the texts of a crawl credit the same few hundred names."""


def bare_name_words(name: str) -> str:
    """A name without its head or office, in normalised words: «خبرگزاری رویترز» → «رویترز»."""
    text = normalise(name).text.strip()
    for pattern in (lexicon.PR_PREFIX, GENERIC_HEADS):
        m = pattern.match(text)
        if m and m.end() < len(text):
            text = text[m.end():].strip()
    text = re.sub(r"^\S+['’]s\s+(?=\S)", "", text)  # "Iran's Atomic Energy Organization"
    words = text.split()
    while len(words) > 1 and words[0].lower() in lexicon.DESCRIPTORS:  # "Iranian Health Ministry"
        words.pop(0)
    text = " ".join(words)
    return text.lower().replace("آ", "ا")


def bare_name(name: str) -> str:
    """Comparison key of an unknown name without its head or office: «خبرگزاری رویترز» ~ «رویترز»."""
    return compact(bare_name_words(name))


def _pattern(name: str) -> str:
    """A regex for ``name`` in normalised text: spaces and ZWNJ optional, «،» optional, «ا/آ» alike."""
    out = []
    for ch in normalise(name).text:
        if ch == " ":
            out.append(r"\s?")
        elif ch in "اآ":
            out.append(r"\s?[اآ]")
        elif ch in "،,":
            out.append(r"\s?[،,]?")
        elif ch in "'.-":
            out.append(f"[{re.escape(ch)}\\s]?")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _alternation(names: Iterable[str], flags: int) -> re.Pattern[str] | None:
    ordered = sorted(set(names), key=lambda n: (-len(compact(n)), n))
    if not ordered:
        return None
    body = "|".join(f"(?:{_pattern(n)})" for n in ordered)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", flags)


class NameIndex:
    """Resolves names and abbreviations to registry keys, and finds known names in normalised text."""

    def __init__(self, names: dict[str, tuple[str, str]], hosts: dict[str, tuple[str, str]],
                 surfaces: Iterable[str]) -> None:
        self._names = names
        self._hosts = hosts
        surfaces = list(surfaces)
        # The first two or more words of a name stand for it when no other source starts the same way:
        # "Ministry of Science" for "Ministry of Science, Research and Technology".
        prefixes: dict[str, tuple[str, str] | None] = {}
        for surface in surfaces:
            hit = names[compact(surface)]
            words = normalise(surface).text.replace("،", " ").replace(",", " ").split()
            for k in range(2, len(words)):
                key = compact(" ".join(words[:k]))
                if key in names:
                    continue
                prefixes[key] = hit if prefixes.get(key, hit) == hit else None
        self._prefixes = {k: v for k, v in prefixes.items() if v is not None}
        # Short all-capital Latin abbreviations («CRA», «MNA») must match case; everything else need not.
        exact = [s for s in surfaces if _ACRONYM.match(s)]
        loose = [s for s in surfaces if not _ACRONYM.match(s)]
        self._exact = _alternation(exact, 0)
        self._loose = _alternation(loose, re.IGNORECASE)
        self._ambiguous = frozenset(compact(s) for s in surfaces if compact(s) in
                                    {compact(w) for w in lexicon.AMBIGUOUS_WORDS})
        # The tables above are not changed after this, so an answer stays right.
        self._resolved = lru_cache(maxsize=RESOLVED)(self._resolve_name)

    @classmethod
    def from_registry(cls, registry: Registry) -> NameIndex:
        names: dict[str, tuple[str, str]] = {}
        hosts: dict[str, tuple[str, str]] = {}
        surfaces: list[str] = []
        for source in registry:
            for name in source.names:
                key = compact(name)
                if key and key not in names:
                    names[key] = (source.key, source.kind)
                    surfaces.append(name)
            for name in source.names:  # «تسنیم» for «خبرگزاری تسنیم», "Tasnim" for "Tasnim News Agency"
                stem = GENERIC_TAILS.sub("", GENERIC_HEADS.sub("", normalise(name).text)).strip()
                if stem and compact(stem) not in names and len(compact(stem)) >= 3 and \
                        stem not in lexicon.AMBIGUOUS_WORDS:
                    names[compact(stem)] = (source.key, source.kind)
            for host in source.hosts:
                hosts.setdefault(host.lower().removeprefix("www."), (source.key, source.kind))
        return cls(names, hosts, surfaces)

    # --- resolving a name someone wrote -------------------------------------------------
    def resolve(self, name: str) -> tuple[str, str] | None:
        """(key, kind) of the source ``name`` stands for, or None."""
        return self._resolved(name)

    def _resolve_name(self, name: str) -> tuple[str, str] | None:
        return self._resolve(normalise(name).text.strip(" .،,:؛;-"), depth=0)

    def _resolve(self, name: str, depth: int) -> tuple[str, str] | None:
        if not name or depth > 4:
            return None
        hit = self._names.get(compact(name))
        if hit:
            return hit
        host = self._host(name)
        if host:
            return host
        m = _PARENS.match(name)
        if m:
            outer = (m.group("outer") + " " + m.group("rest")).strip()
            return self._resolve(outer, depth + 1) or self._resolve(m.group("inner"), depth + 1)
        hit = self._prefixes.get(compact(name))
        if hit:
            return hit
        for strip in (lexicon.PR_PREFIX, GENERIC_HEADS):
            m2 = strip.match(name)
            if m2 and m2.end() < len(name):
                hit = self._resolve(name[m2.end():].strip(), depth + 1)
                if hit:
                    return hit
        m3 = GENERIC_TAILS.search(name)
        if m3 and m3.start() > 0:
            hit = self._resolve(name[: m3.start()].strip(), depth + 1)
            if hit:
                return hit
        words = name.split()
        plain = [w for w in words if w.lower().strip("'’") not in lexicon.DESCRIPTORS]
        if plain and len(plain) < len(words):  # «خبرگزاری حکومتی مهر», "semi-official Tasnim"
            return self._resolve(" ".join(plain), depth + 1)
        return None

    def _host(self, name: str) -> tuple[str, str] | None:
        m = _DOMAIN.match(name.strip())
        if not m:
            return None
        host = (urlsplit(name if "://" in name else "//" + name).hostname or m.group("host")).lower()
        host = host.removeprefix("www.")
        while host:
            if host in self._hosts:
                return self._hosts[host]
            if "." not in host:
                return None
            host = host.split(".", 1)[1]
        return None

    # --- finding names in running (normalised) text -------------------------------------
    def match_at(self, text: str, pos: int) -> int | None:
        """End of the longest known name starting exactly at ``pos`` of normalised ``text``."""
        best: int | None = None
        for pattern in (self._loose, self._exact):
            if pattern is None:
                continue
            m = pattern.match(text, pos)
            if m and (best is None or m.end() > best):
                best = m.end()
        return best

    def search(self, text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
        """Known names inside ``text[start:end]``, left to right."""
        found: list[tuple[int, int]] = []
        for pattern in (self._loose, self._exact):
            if pattern is not None:
                found.extend(m.span() for m in pattern.finditer(text, start, end))
        found.sort(key=lambda span: (span[0], -span[1]))
        return found

    def is_ambiguous(self, surface: str) -> bool:
        """A known name that is also a common word («مهر» the month, «فارس» the province)."""
        return compact(surface) in self._ambiguous
