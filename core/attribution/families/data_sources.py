"""Data and reports of a body: «بر اساس آمار گمرک», «طبق آماری که وزارت صمت منتشر کرده», «در بیانیه
وزارت خارجه آمده است», «گزارش بانک مرکزی نشان می‌دهد»."""

from __future__ import annotations

import re

from core.attribution.scanner import LATIN, QUOTED, WORD_START, Hop, Scanner

_DATA = re.compile(
    WORD_START + r"(?:بر\s?اساس|طبق|بنا\s?(?:به|بر)|مطابق(?:\sبا)?|به\sاستناد|بر\s?پایه)\s"
    r"(?:(?:آخرین|جدیدترین|تازه\s?ترین|تازه)\s)?"
    r"(?:آمار|گزارش|اطلاعات|داده|برآورد|ارزیابی|نتایج|اطلاعیه|بیانیه|سرشماری|نظرسنجی)(?:\s?(?:ها|های|هایی|ی))?"
    r"(?:\s(?:رسمی|جدید|منتشر\s?شده|اعلام\s?شده|ارائه\s?شده|منتشره|تازه|اخیر|فصلی|ماهانه|سالانه|قبلی|اولیه))*"
    r"(?:\s(?:از\sسوی|توسط|از))?\s(?=\S)"
)
_DATA_THAT = re.compile(WORD_START + r"(?:آمار|گزارش|اطلاعات)ی\sکه\s(?=\S)")  # «طبق آماری که X منتشر کرده»
_DATA_SHOWS = re.compile(
    WORD_START + r"(?:(?:آخرین|جدیدترین|تازه\s?ترین)\s)?(?:آمار|گزارش|داده\s?(?:ها|های)|اطلاعات)"
    r"(?:\s(?:رسمی|جدید|منتشر\s?شده|تازه))?\s(?=\S)"
)
_SHOWS = re.compile(r"(?<!\S)(?:نشان|حاکی|حکایت)(?!\w)")
_STATED_IN = re.compile(
    WORD_START + r"(?:در|طبق|بر\s?اساس)\s"
    r"(?:مطلب|بیانیه|اطلاعیه|گزارش|پیام|متن|اعلامیه|پست|توییت|یادداشت)(?:ی)?\s(?=\S)"
)
_STATED = re.compile(r"(?<!\S)(?:آمده|آمد|اعلام\sشده|تاکید\sشده)(?!\w)")


def find(sc: Scanner) -> None:
    """«بر اساس آمار گمرک», «طبق آماری که وزارت صمت منتشر کرده», «گزارش بانک مرکزی نشان می‌دهد»."""
    s = sc.s
    for pattern in (_DATA, _DATA_THAT):
        for m in pattern.finditer(s):
            name = sc.any_scan(m.end())
            if name is None or name.end <= name.start:
                continue
            latin = LATIN.match(s, name.start) is not None
            if (latin and (name.hit or sc.en_accept(name))) or (not latin and sc.brand(name)
                                                                and (name.hit or sc.headed(name))):
                sc.add(m.start(), QUOTED, sc.hops(name, m.start(), name.end))
    for m in _STATED_IN.finditer(s):  # «در بیانیه وزارت خارجه آمده است»
        name = sc.scan(m.end())
        if name is None or not (name.hit or (sc.brand(name) and sc.headed(name))):
            continue
        stated = _STATED.match(s, sc.skip(name.end_phrase or name.end))
        if stated:
            sc.add(m.start(), QUOTED, [Hop(name, m.start())])
    for m in _DATA_SHOWS.finditer(s):
        name = sc.scan(m.end())
        if name is None or not (name.hit or (sc.brand(name) and sc.headed(name))):
            continue
        sentence = re.split(r"[.!?؟\n]", s[name.end:name.end + 200], maxsplit=1)[0]
        shows = _SHOWS.search(sentence)
        if shows and len(sentence[:shows.start()].split()) <= 12:
            sc.add(m.start(), QUOTED, [Hop(name, m.start())])
