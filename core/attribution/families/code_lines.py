"""Agency codes on a line of their own: "MNA/ 6774159", "MA/FNA13970529000005", "Islamic Republic
News Agency/IRNA NewsCode: 30714119" name the agency."""

from __future__ import annotations

import re

from core.attribution.scanner import DIRECT, Hop, Scanner

_CODE_LINE = re.compile(r"(?:^|(?<=\n))[A-Za-z .*/:\d-]{2,80}(?=\n|$)")
_CODE_TOKEN = re.compile(r"(?<![A-Za-z])[A-Z]{2,6}(?=\d{5,}|/|\s|$|:)")


def find(sc: Scanner) -> None:
    """"MNA/ 6774159", "MA/FNA13970529000005", "Islamic Republic News Agency/IRNA NewsCode: 30714119":
    agency codes on a line of their own name the agency."""
    s = sc.s
    for m in _CODE_LINE.finditer(s):
        line = m.group()
        if "/" not in line and not re.search(r"\d{5,}", line):
            continue
        for token in _CODE_TOKEN.finditer(line):
            hit = sc.index.resolve(token.group())
            if hit is not None:
                start = m.start() + token.start()
                name = sc.make(start, start + len(token.group()), start, False, True)
                sc.add(m.start(), DIRECT, [Hop(name, m.start(), m.end())])
