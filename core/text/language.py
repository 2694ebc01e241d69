"""The language a page is written in, when its ``<html lang>`` says otherwise.

Sites' templates are shared between their editions: the English and Arabic services of Persian
agencies often keep ``lang="fa"`` (or none, which Manba reads as Persian). The script settles
the common cases: a text mostly in Latin letters is not Persian, and Arabic-script text is told
apart by the letters only one of the two languages uses.
"""

from __future__ import annotations

import re

_LATIN = re.compile(r"[A-Za-z]")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
_PERSIAN_ONLY = re.compile(r"[پچژگ]")
"""Letters Arabic does not use."""
_ARABIC_ONLY = re.compile(r"[ةىأإؤ]|(?<![^\s])ال")
"""Taa marbuta, alef maqsura, hamza carriers and the article at a word's start: common in
Arabic, rare in Persian."""
RIGHT_TO_LEFT = frozenset({"fa", "ar", "ur", "ps", "ku", "ckb", "he"})
SAMPLE = 4000
"""Characters read: a page's language shows in its first paragraphs."""


def language_of(text: str, declared: str) -> str:
    """``declared`` (an ISO 639 code), unless the text's script contradicts it: mostly Latin
    letters under a right-to-left language → ``en``; Arabic-script text under ``fa`` with many
    Arabic-only forms and no Persian letters → ``ar``, and the other way round → ``fa``."""
    sample = text[:SAMPLE]
    latin, arabic = len(_LATIN.findall(sample)), len(_ARABIC_SCRIPT.findall(sample))
    if latin + arabic < 40:
        return declared
    if latin > 4 * arabic:
        return "en" if declared in RIGHT_TO_LEFT else declared
    if arabic > 4 * latin and declared in ("fa", "ar"):
        persian, arabic_only = len(_PERSIAN_ONLY.findall(sample)), len(_ARABIC_ONLY.findall(sample))
        if declared == "fa" and persian == 0 and arabic_only * 100 >= arabic:
            return "ar"
        if declared == "ar" and persian * 100 >= arabic and arabic_only * 200 < arabic:
            return "fa"
    return declared
