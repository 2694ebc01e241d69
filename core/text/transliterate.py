"""Names across scripts: the same person, place or company in a Persian text and in an English or
Arabic one.

Two ways, both pure:

* the **name table** (``core/names.toml``, data): the names releases use — ministries, provinces,
  cities, countries, companies, ministers — each with its Persian, English and Arabic forms. Exonyms
  («ترکیه» / Turkey / تركيا) and acronyms (MCI / همراه اول) can only be matched this way;
* the **consonant skeleton** (:func:`skeleton`) of a word, for the names no table holds (an official
  named once, a small town): Persian script writes few vowels and English transliterations spell
  them freely («نوروزی», Norouzi, Nowruzi), but both keep the consonants, so both are reduced to
  them («nrz»), with the letters that sound alike in one class (ق/غ/gh/q, ک/c/k, س/ص/ث/s …).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from core.text.digits import ascii_digits, unify_letters

DEFAULT_TABLE = resources.files("core") / "names.toml"

# Harakat, tatweel, superscript alef; hamza carriers and alef forms to bare letters.
_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و", "ئ": "ی", "ة": "ه", "ۀ": "ه"})


def fold(text: str) -> str:
    """Arabic-script text in one spelling: Persian ی/ک, bare alef, ة as ه, no harakat or tatweel,
    ZWNJ joining (a name written «کریمی‌پور» is one word, as Karimipour is), ASCII digits."""
    text = unify_letters(ascii_digits(text)).replace("\u200c", "")
    return _MARKS.sub("", text).translate(_FOLD)


# --- the consonant skeleton -------------------------------------------------------------------

_PERSIAN = {
    "ب": "b", "پ": "p", "ت": "t", "ث": "s", "ج": "j", "چ": "C", "ح": "h", "خ": "k", "د": "d",
    "ذ": "z", "ر": "r", "ز": "z", "ژ": "j", "س": "s", "ش": "S", "ص": "s", "ض": "z", "ط": "t",
    "ظ": "z", "غ": "g", "ف": "f", "ق": "g", "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n",
    "ه": "h",
}  # fmt: skip
"""Consonant letters to their class; alef, ع and hamza are vowels (dropped)."""
_SEMIVOWELS = {"و": "v", "ی": "y"}
"""Consonants only at the start of a word («وحید» Vahid, «یزد» Yazd); vowels elsewhere («نوروزی»)."""
_LATIN_PAIRS = {"sh": "S", "ch": "C", "kh": "k", "gh": "g", "zh": "j", "th": "t", "ph": "f", "dj": "j"}
_LATIN = {"q": "g", "c": "k", "x": "ks", "w": "v"}
_VOWELS = frozenset("aeiouy")


def skeleton(word: str) -> str:
    """The consonant classes of a word in Persian/Arabic or Latin script, repeats collapsed and a
    final «h» dropped (final ه is often a vowel: «زاده» Zadeh / Zade)."""
    out: list[str] = []
    if word and "a" <= word[0].lower() <= "z":
        w = word.lower()
        i = 0
        while i < len(w):
            pair = w[i : i + 2]
            if pair in _LATIN_PAIRS:
                out.append(_LATIN_PAIRS[pair])
                i += 2
                continue
            c = w[i]
            if c in _VOWELS or c == "w":
                if i == 0 and c in "wy":
                    out.append("v" if c == "w" else "y")
            elif "a" <= c <= "z":
                out.append(_LATIN.get(c, c))
            i += 1
    else:
        w = fold(word)
        for i, c in enumerate(w):
            if c in _PERSIAN:
                out.append(_PERSIAN[c])
            elif c in _SEMIVOWELS and i == 0:
                out.append(_SEMIVOWELS[c])
    collapsed = "".join(c for i, c in enumerate(out) if i == 0 or c != out[i - 1])
    return collapsed[:-1] if len(collapsed) > 1 and collapsed.endswith("h") else collapsed


# --- the name table ---------------------------------------------------------------------------

LANGUAGES = ("fa", "en", "ar")


class NameTableError(ValueError):
    """``names.toml`` is missing or malformed."""


@dataclass(frozen=True)
class NameTable:
    """Every form of every name, by script: :meth:`find` gives the keys of the names a text holds."""

    keys: frozenset[str]
    _latin: re.Pattern[str] | None
    _arabic_script: re.Pattern[str] | None
    _key_of: dict[str, str]
    """folded form (lower case for Latin) → key."""

    @classmethod
    def load(cls, path: str | Path | Traversable = DEFAULT_TABLE) -> NameTable:
        try:
            data = tomllib.loads(
                Path(path).read_text("utf-8") if isinstance(path, str) else path.read_text("utf-8")
            )
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise NameTableError(f"{path}: {exc}") from exc
        entries = data.get("name")
        if not isinstance(entries, list):
            raise NameTableError(f"{path}: expected [[name]] tables with key, fa, en, ar")
        return cls.of(
            (str(e.get("key")), [f for lang in LANGUAGES for f in e.get(lang, [])]) for e in entries
        )

    @classmethod
    def of(cls, entries: Iterable[tuple[str, Iterable[str]]]) -> NameTable:
        key_of: dict[str, str] = {}
        keys = set()
        for key, forms in entries:
            keys.add(key)
            for form in forms:
                folded = _form(form)
                if folded:
                    key_of.setdefault(folded, key)  # the first entry keeps a shared form
        latin = sorted((f for f in key_of if f.isascii()), key=len, reverse=True)
        arabic = sorted((f for f in key_of if not f.isascii()), key=len, reverse=True)
        return cls(
            frozenset(keys), _alternation(latin, latin=True), _alternation(arabic, latin=False), key_of
        )

    def find(self, text: str) -> dict[str, str]:
        """key → the form as matched, for every table name in ``text`` (longest form first at a place)."""
        found: dict[str, str] = {}
        for key, form, _, _ in self.matches(fold(text)):
            found.setdefault(key, form)
        return found

    def matches(self, folded: str) -> list[tuple[str, str, int, int]]:
        """(key, form as written, start, end) of every table name in an already :func:`fold`-ed text."""
        found = []
        for pattern in (self._latin, self._arabic_script):
            if pattern is None:
                continue
            for match in pattern.finditer(folded):
                key = self._key_of.get(_form(match.group("name")))
                if key is not None:
                    found.append((key, match.group("name"), *match.span("name")))
        return found


def _form(form: str) -> str:
    form = " ".join(fold(form).split())
    return form.lower() if form.isascii() else form


_JOINER = re.compile(r"\\[ \-]")
"""An escaped space or hyphen in an escaped form."""


def _alternation(forms: list[str], *, latin: bool) -> re.Pattern[str] | None:
    """One pattern for ``forms`` (longest first), which finds what ``form|form|…`` in that order
    finds, at a tenth of the cost or less: the forms are grouped by their first letter, in the
    order of their first form, each group keeping its forms' order («ab(?:cd|c)|x(?:…)»), and a
    lookahead for the first letters comes first. At one place only the forms that begin with its
    letter can match, so grouping them changes no match; but the engine no longer tries a
    thousand forms (case-insensitively, for the Latin ones) at every letter of a text."""
    if not forms:
        return None
    # A space and a hyphen are one («COVID-19», «کووید 19»; "Hamrah-e Aval", "Hamrah e Aval").
    if any(f[0] in " -" for f in forms):  # a form that starts with a joiner: no first letter
        body = "|".join(_escaped(f) for f in forms)
        first = ""
    else:
        groups: dict[str, list[str]] = {}
        for f in forms:
            groups.setdefault(f[0], []).append(_escaped(f[1:]))
        body = "|".join(f"{re.escape(c)}(?:{'|'.join(rest)})" for c, rest in groups.items())
        first = "(?=[" + "".join(re.escape(c) for c in groups) + "])"
    if latin:
        return re.compile(rf"{first}(?<![\w'])(?P<name>{body})(?![\w])", re.IGNORECASE)
    # An Arabic name may carry a one-letter proclitic («وطهران», «بطهران», «لایران»).
    return re.compile(rf"{first}(?:(?<![^\W\d_])|(?<=(?<![^\W\d_])[وبلف]))(?P<name>{body})(?![^\W\d_])")


def _escaped(form: str) -> str:
    return _JOINER.sub(r"[\\s\\-]+", re.escape(form))


@lru_cache(maxsize=1)
def default_table() -> NameTable:
    """The bundled table, loaded once per process."""
    return NameTable.load()
