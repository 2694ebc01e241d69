"""Light, offset-keeping normalisation for matching credit lines.

Matching runs on a normalised copy of the text (Persian letters for Arabic ي/ك, ASCII digits, one
space for ZWNJ and space runs, no space before «،» «؛» «:», one kind of dash) while every name and
phrase handed back is cut from the original text, so it reads exactly as written.  hazm is not used:
this runs on every article and only needs the handful of variants that hide a name.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

_DROP = "\x00"
_TABLE: dict[int, str] = {}
_TABLE.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})
_TABLE.update({ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")})
_TABLE.update({ord(a): b for a, b in zip("يىكەۀأإٱ٬’‘“”：", "ییکههااا،''\"\":", strict=True)})
_TABLE.update({ord(c): "-" for c in "‐‑‒–—―−﹣－"})
_TABLE.update({ord(c): " " for c in "\t\u00a0\u200b\u200c\u200d\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
               "\u2007\u2008\u2009\u200a\u202f\u205f\u3000\u00ad"})
_TABLE.update({ord(c): "\n" for c in "\r\u2028\u2029\u0085\v\f"})
# Tatweel, harakat and the other Arabic marks, bidi controls, BOM: gone.
_TABLE.update({cp: _DROP for cp in [0x0640, *range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE)]})
_TABLE.update({cp: _DROP for cp in [0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF]})
# Emoji and pictographs that open a line («🔻ارتش آمریکا می‌گوید», «🖋به گزارش»): a space, not part of a word.
_TABLE.update({cp: " " for cp in [*range(0x2600, 0x27C0), *range(0x2B00, 0x2C00), *range(0x1F000, 0x1FB00)]})
_TABLE.update({cp: _DROP for cp in [0xFE0E, 0xFE0F]})

# Only the runs that change: single spaces and newlines between words are left alone.
_RUN = re.compile("[ \n\x00]{2,}|\x00|\\A[ \n]|[ \n]\\Z|(?<=\\() | (?=[،؛:;,.!?؟)])")
# A line wrapped inside a credit phrase («به\nگزارش», «خبرنگار\nاقتصادی», «عصرپرس\nاز شاتا»): one space.
_WRAPPED = re.compile(r"(?<!\S)(?:به(?=\n(?:گزارش|نقل)\s)|گزارش|خبرنگار|سرویس|نقل\sاز)\n(?=\S)"
                      r"|[^\W\d_]\n(?=(?:از|به\sنقل\sاز)\s)")
_NO_SPACE_BEFORE = frozenset("،؛:;,.!?؟)")
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Normalised:
    """A normalised text that still knows where each of its characters came from."""

    text: str
    original: str
    _anchors: tuple[int, ...]
    _origins: tuple[int, ...]

    def origin(self, index: int) -> int:
        """Index in the original text of normalised character ``index``."""
        k = bisect_right(self._anchors, index) - 1
        return self._origins[k] + (index - self._anchors[k]) if k >= 0 else 0

    def original_span(self, start: int, end: int) -> str:
        """The original text behind normalised ``text[start:end]``, as written."""
        if end <= start:
            return ""
        return self.original[self.origin(start): self.origin(end - 1) + 1].strip()


def normalise(text: str) -> Normalised:
    t = text.translate(_TABLE)
    parts: list[str] = []
    anchors: list[int] = []
    origins: list[int] = []
    size = 0
    last = 0
    for m in _RUN.finditer(t):
        a, b = m.span()
        if a > last:
            parts.append(t[last:a])
            anchors.append(size)
            origins.append(last)
            size += a - last
        run = m.group()
        rep = ""
        if "\n" in run:
            rep = "\n"
        elif " " in run:
            before_punct = b < len(t) and t[b] in _NO_SPACE_BEFORE
            rep = "" if before_punct or (a > 0 and t[a - 1] == "(") else " "
        if a == 0 or b == len(t):
            rep = ""
        if rep:
            parts.append(rep)
            anchors.append(size)
            origins.append(a + run.index(rep))
            size += 1
        last = b
    if last < len(t):
        parts.append(t[last:])
        anchors.append(size)
        origins.append(last)
    joined = _WRAPPED.sub(lambda m: m.group()[:-1] + " ", "".join(parts))
    return Normalised(joined, text, tuple(anchors), tuple(origins))


COMPACTED = 16_384
"""Names remembered by :func:`compact`: the scanner asks for the same few hundred names on every text."""


@lru_cache(maxsize=COMPACTED)
def compact(name: str) -> str:
    """The comparison key of a name: normalised, lower-case, letters and digits only («آ» as «ا»)."""
    return _NOT_WORD.sub("", normalise(name).text.lower()).replace("آ", "ا")
