"""Characters no page means to show: removed from stored text, everything else kept verbatim.

- NUL and the other C0 controls except tab, line feed and carriage return (PostgreSQL refuses
  NUL in text; the rest are debris from broken encoders);
- bidirectional formatting controls: LRM, RLM, ALM, the embeddings and overrides (U+202A–202E)
  and the isolates (U+2066–2069). Persian pages sprinkle them around digits and Latin words; they
  change how text is drawn, not what it says, and they make equal strings compare unequal;
- U+FEFF (a byte-order mark or zero-width no-break space inside the text) and U+FFFD, the
  replacement character a decoder leaves for bytes it could not read.

ZWNJ (U+200C) and ZWJ (U+200D) are part of Persian spelling («می‌شود») and stay.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
C0_CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F))
OTHER = "\ufeff\ufffd"
CONTROLS = BIDI_CONTROLS + C0_CONTROLS + OTHER

_RUN = re.compile(f"( ?)[{re.escape(CONTROLS)}]+( ?)")


def _join(match: re.Match[str]) -> str:
    # "a \u200f b" leaves one space, "۱۰\u200f:۳۰" none, and a line never starts or ends with the
    # space that stood next to a removed mark: removing marks never adds or doubles space.
    text, start, end = match.string, match.start(), match.end()
    if start == 0 or end == len(text) or text[start - 1] == "\n" or text[end] == "\n":
        return ""
    return " " if match[1] or match[2] else ""


def has_controls(text: str) -> bool:
    return _RUN.search(text) is not None


def strip_controls(text: str) -> str:
    """``text`` without the characters listed in the module docstring."""
    return _RUN.sub(_join, text) if has_controls(text) else text
