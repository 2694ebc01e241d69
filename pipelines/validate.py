"""Drop items no later stage can use, before anything is stored."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.statscollectors import StatsCollector

from core.text.controls import strip_controls
from crawler.settings_check import read_bool, read_int

DEFAULT_MIN_BODY_CHARS = 40
TEXT_FIELDS = ("title", "body", "author")
"""Fields shown to readers: besides NUL, bidi and other control characters are removed
(``core/text/controls.py``); spiders remove them from pages, this catches the ones written as
entities (``&rlm;``) and items built elsewhere."""


def strip_nul(value: Any) -> Any:
    """``value`` without NUL characters (PostgreSQL refuses them in text)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {k: strip_nul(v) for k, v in value.items()}
    return value


def strip_nul_fields(item: Any) -> int:
    """Strip NUL characters from every field of ``item`` in place; the number of fields changed."""
    adapter = ItemAdapter(item)
    names = [f.name for f in fields(item)] if is_dataclass(item) else list(adapter.keys())
    changed = 0
    for name in names:
        value = adapter.get(name)
        cleaned = strip_nul(value)
        # Unchanged text comes back as the same object; comparing a field that holds an item (an
        # origin) would walk every field of it.
        if cleaned is not value and cleaned != value:
            adapter[name] = cleaned
            changed += 1
    return changed


def strip_control_fields(item: Any) -> int:
    """Remove control characters from the :data:`TEXT_FIELDS` of ``item`` in place; the number of
    fields changed."""
    adapter = ItemAdapter(item)
    changed = 0
    for name in TEXT_FIELDS:
        value = adapter.get(name)
        if isinstance(value, str):
            cleaned = strip_controls(value)
            if cleaned != value:
                adapter[name] = cleaned
                changed += 1
    return changed


def drop_reason(title: str | None, body: str | None, min_body_chars: int) -> str | None:
    if not title or not title.strip():
        return "no_title"
    if not body or len(body.strip()) < min_body_chars:
        return "no_body"
    return None


class ValidatePipeline:
    """Strip NUL characters from every text field (and bidi and other control characters from
    title, body and author); drop items without a title or a body.

    Settings: ``MANBA_VALIDATE_ENABLED`` (default on), ``MANBA_MIN_BODY_CHARS``
    (default 40). Stats: ``manba/drop/<reason>``.
    """

    def __init__(self, min_body_chars: int = DEFAULT_MIN_BODY_CHARS, stats: StatsCollector | None = None):
        self.min_body_chars = min_body_chars
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not read_bool(settings, "MANBA_VALIDATE_ENABLED", True):
            raise NotConfigured("MANBA_VALIDATE_ENABLED is off")
        min_body = read_int(settings, "MANBA_MIN_BODY_CHARS", DEFAULT_MIN_BODY_CHARS)
        return cls(min_body_chars=min_body, stats=crawler.stats)

    def process_item(self, item: Any) -> Any:
        for _ in range(strip_nul_fields(item)):
            self._inc("manba/validate/nul_stripped")
        for _ in range(strip_control_fields(item)):
            self._inc("manba/validate/controls_stripped")
        adapter = ItemAdapter(item)
        reason = drop_reason(adapter.get("title"), adapter.get("body"), self.min_body_chars)
        if reason is not None:
            self._inc(f"manba/drop/{reason}")
            raise DropItem(reason)
        return item

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
