"""«به نقل از X» wherever it stands, «بر اساس اعلام X», «از قول X»; «برگرفته از X» as a label."""

from __future__ import annotations

import re

from core.attribution.scanner import DIRECT, QUOTED, WORD_START, Scanner

QUOTING = re.compile(
    WORD_START + r"(?P<rank>(?:به\s?|ب)نقل\s?(?:از|ا)?|نقل\sاز|برگرفته\sاز|از\sقول"
    r"|(?:بر\s?اساس|طبق|بنا\s?(?:بر|به)|به|با)\sاعلام)\s(?=\S)"
)


def find(sc: Scanner) -> None:
    """«به نقل از X» wherever it stands; «برگرفته از X» as a label."""
    s = sc.s
    for m in QUOTING.finditer(s):
        rank = DIRECT if m.group("rank").startswith("برگرفته") else QUOTED
        name = sc.any_scan(m.end())
        if m.group("rank") == "از قول" and not sc.brand(name):
            continue  # «از قول» mostly quotes a person
        if name is not None and name.end > name.start and sc.accept_any(name):
            sc.add(m.start(), rank, sc.hops(name, m.start(), name.end))
