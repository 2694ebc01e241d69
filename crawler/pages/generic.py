"""The fallback for hosts without a page object: trafilatura, then ArticlePage's meta defaults."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cached_property
from typing import Any

import trafilatura

from crawler.pages.base import ArticlePage, clean_line
from crawler.text.dates import parse_published

# trafilatura drops characters that are not "printable", and ZWNJ (U+200C) is one of
# them, yet it is part of Persian spelling («می‌شود»). Swap it for a printable stand-in
# that Persian text does not use and swap it back afterwards.
_ZWNJ = re.compile(r"\u200c|&zwnj;|&#8204;|&#x200c;", re.IGNORECASE)
_STAND_IN = "\u203f"


class GenericPage(ArticlePage):
    name = "generic"

    @cached_property
    def _extracted(self) -> Any:
        html = self.response.text
        if _STAND_IN not in html:
            html = _ZWNJ.sub(_STAND_IN, html)
        return trafilatura.bare_extraction(
            html,
            url=self.response.url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )

    def _field(self, name: str) -> str | None:
        doc = self._extracted
        if doc is None:
            return None
        value = doc.get(name) if isinstance(doc, dict) else getattr(doc, name, None)
        if not isinstance(value, str) or not value.strip():
            return None
        return value.replace(_STAND_IN, "\u200c")

    def title(self) -> str:
        found = self._field("title")
        return clean_line(found) if found else super().title()

    def paragraphs(self) -> list[str]:
        text = self._field("text")
        if not text:
            return super().paragraphs()
        lines = text.split("\n")
        # trafilatura keeps the headline as the first line when it sits inside <article>.
        while lines and clean_line(lines[0]) in ("", self.title()):
            lines.pop(0)
        return lines

    def published_at(self) -> datetime | None:
        # Meta tags carry the time and zone; trafilatura's date is a bare day, so it comes second.
        exact = super().published_at()
        if exact is not None:
            return exact
        day = self._field("date")
        return parse_published(day) if day else None
