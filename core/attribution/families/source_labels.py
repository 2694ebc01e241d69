"""Source labels: «منبع: X», «منبع:X», «منبع:» then X on the next line, «منبع X» alone on a line,
"Source: X", «المصدر: X», a URL as the label."""

from __future__ import annotations

import re

from core.attribution.scanner import DIRECT, Hop, Name, Scanner

SOURCE_LABEL = re.compile(
    r"(?:^|(?<=[\s(\[«A-Za-z•]))(?:منبع|منابع|منبع\sخبر|مأخذ|ماخذ|source|sources|المصدر|kaynak)\s?[:/|]\s?"
    r"|(?:^|(?<=\n))\W{0,3}(?:از|خبرگزاری|برگرفته\sاز)\s?:\s?",
    re.I,
)
_SOURCE_LINE = re.compile(
    r"(?:^|(?<=\n))منبع\s(?!(?:عکس|تصویر|خبر|این|آگاه|مطلع)(?!\w))(?=[^\n]{1,40}(?:\n|$))"
)
_URL = re.compile(r"(?:https?://)?(?:www\.)?(?P<host>(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})(?:/[^\s،؛]*)?")


def find(sc: Scanner) -> None:
    """«منبع: X», «منبع:X», «منبع:» then X on the next line, "Source: X", «المصدر: X»."""
    s = sc.s
    starts = [(m.start(), m.end(), False) for m in SOURCE_LABEL.finditer(s)]
    starts += [(m.start(), m.end(), True) for m in _SOURCE_LINE.finditer(s)]
    for start, p, whole_line in starts:
        if p < len(s) and s[p] == "\n":
            p += 1
        url = _URL.match(s, p)
        if url and "." in url.group():
            hit = sc.index.resolve(url.group())
            host = url.span("host")
            link = Name(host[0], host[1], p, "hard", hit, hit is not None, False, (url.group("host"),))
            sc.add(start, DIRECT, [Hop(link, start, url.end())])
            continue
        latin = re.match(r"[A-Za-z]", s[p:p + 1]) is not None
        name = sc.en_scan(p) if latin else sc.scan(p)
        if name is None or name.end == name.start:
            continue
        if latin and not (name.hit or sc.en_accept(name) or name.stop in ("hard", "end")):
            continue
        if not latin and not sc.accept(name, strict=False, soft_ok=True):
            continue
        if whole_line and s[sc.skip(name.end):sc.skip(name.end) + 1] not in ("", "\n"):
            continue  # «منبع درآمد این شرکت …» is a sentence, not a label
        sc.add(start, DIRECT, sc.hops(name, start, name.end))
