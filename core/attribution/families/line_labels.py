"""The outlet's name on a line of its own, before or after the text: «تسنیم: …», «ایلنا - …», «فرادید | …»,
«افق نیوز/فارس: …», «اختصاصی پارس؛», «جارستان به نقل از ایرنا؛», «از روابط عمومی X؛», «قنیطره – سانا», a
known name alone on a line, «X مشاهده در مرجع»."""

from __future__ import annotations

import re

from core.attribution import lexicon as lx
from core.attribution.families._outlets import DESK, REPORTER
from core.attribution.families.opening import OPENING
from core.attribution.families.quoting import QUOTING
from core.attribution.families.source_labels import SOURCE_LABEL
from core.attribution.scanner import DIRECT, LATIN, Hop, Name, Scanner

_AT_SOURCE = re.compile(r"\sمشاهده\sدر\sمرجع")
_EXCLUSIVE = re.compile(r"اختصاصی\s")
_LINE_DATELINE = re.compile(r"[^\W\d_]+(?:\s[^\W\d_]+)?\s?-\s?(?P<name>[^\n\-:]{2,30}?)\s*(?=\n|$)")


def find(sc: Scanner) -> None:
    """«تسنیم: …», «ایلنا - …», «فرادید | …», «افق نیوز/فارس: …», «اختصاصی پارس؛», «جارستان به نقل از
    ایرنا؛», «از روابط عمومی X؛», «قنیطره – سانا», a known name alone on a line, «X مشاهده در مرجع»."""
    for line in sc.line_starts():
        _label_line(sc, line)


def _label_line(sc: Scanner, line: int) -> None:
    """The label heading the line that starts at ``line``, if it has one."""
    s = sc.s
    p = sc.skip(line)
    while s[p:p + 1] in ("•", "*", "#", "🔹", "-"):
        p = sc.skip(p + 1)
    exclusive = _EXCLUSIVE.match(s, p)
    if exclusive:
        p = exclusive.end()
    elif s.startswith("از ", p) and lx.PR_OFFICE.match(s, p + 3):
        p += 3
    if DESK.match(s, p) or REPORTER.match(s, p) or OPENING.match(s, p) or QUOTING.match(s, p):
        return
    dateline = _LINE_DATELINE.match(s, p)
    if dateline:
        name = sc.scan(dateline.start("name"))
        if name is not None and name.end == dateline.end("name") and sc.brand(name):
            sc.add(line, DIRECT, [Hop(name, line, dateline.end("name"))])
        return
    name = sc.any_scan(p)
    if name is None or name.end <= name.start:
        return
    end = name.end_phrase or name.end
    after = sc.skip(end)
    sep = s[after:after + 1]
    connector = lx.CONNECTOR.match(s, after)
    if connector is not None and connector.group().startswith("از ") and \
            not connector.group().startswith("از قول"):
        connector = None
    if exclusive is not None or connector is not None:
        sep = "|" if sep not in ("", "\n") else sep
    if not _plausible(sc, name, line, p, after, sep):
        return
    if all(w in lx.PLACES for w in name.words) and not name.hit:
        return
    _add_label(sc, name, line, after, sep, connected=connector is not None, exclusive=exclusive is not None)


def _plausible(sc: Scanner, name: Name, line: int, p: int, after: int, sep: str) -> bool:
    """Whether the name heading a line (``sep`` after it) reads as an outlet's label."""
    s = sc.s
    if LATIN.match(s, name.start) is not None:
        return name.hit is not None or (sc.en_accept(name) and sc.cued(name))
    # the text's first line: a short name before «:» or «؛» is its outlet's lead label
    lead = line == 0 and sep in (":", "؛") and (after + 1 >= len(s) or s[after + 1] != "\n") and \
        not all(w in lx.HEAD_WORDS for w in name.words) and not SOURCE_LABEL.match(s, p)
    return name.hit is not None or sc.label_name(name, "|" if lead else sep)


def _add_label(sc: Scanner, name: Name, line: int, after: int, sep: str, *, connected: bool,
               exclusive: bool) -> None:
    """Credit a plausible label by what follows it: «مشاهده در مرجع», nothing, a separator, a hop."""
    s = sc.s
    end = name.end_phrase or name.end
    ambiguous = sc.index.is_ambiguous(s[name.start:name.end]) and not connected
    at_source = _AT_SOURCE.match(s, end)
    if at_source:
        sc.add(line, DIRECT, [Hop(name, line, at_source.end())])
    elif sep in ("", "\n") and name.hit and not ambiguous and after - line < 60:
        sc.add(line, DIRECT, [Hop(name, line, end)])
    elif (not connected and (sep in (":", "|", "/", "؛") or (sep == "-" and not ambiguous))) or (
            exclusive and sep in ("،", "")) or (sep == "؛" and name.prefixed):
        hops = [Hop(name, line, after + 1)]
        if sep == "/":
            second = sc.any_scan(after + 1)
            if second is not None and second.end > second.start and (
                    second.hit or sc.brand(second)) and \
                    s[sc.skip(second.end_phrase or second.end):][:1] in (":", "-", "|", "/", ""):
                hops.append(Hop(second, after + 1))
            elif not ((name.hit and not ambiguous) or re.match(r"\s?\d", s[after + 1:after + 3])):
                return
        sc.add(line, DIRECT, hops)
    elif connected:
        sc.add(line, DIRECT, sc.hops(name, line, name.end))
