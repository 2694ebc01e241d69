"""The fallback for hosts without a page object: trafilatura, then ArticlePage's meta defaults."""

from __future__ import annotations

import copy
import re
from datetime import datetime
from functools import cached_property
from typing import Any

import trafilatura
from parsel import Selector

from core.text.dates import parse_published
from crawler.pages.base import ArticlePage, clean_line

# trafilatura drops characters that are not "printable", and ZWNJ (U+200C) is one of
# them, yet it is part of Persian spelling («می‌شود»). Swap it for a printable stand-in
# that Persian text does not use and swap it back afterwards.
_ZWNJ = re.compile(r"\u200c|&zwnj;|&#8204;|&#x200c;", re.IGNORECASE)
_STAND_IN = "\u203f"

_BLOCKS = ("div", "td", "section", "article", "main")
_INLINE = "./*[self::a or self::b or self::strong or self::span or self::em or self::i or self::font]//text()"
_BREAKS = frozenset({"br", "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"})
MIN_BLOCK_TEXT = 150
"""Characters of its own text a block needs to be taken for the article by :func:`densest_block`."""


def densest_block(selector: Selector) -> list[str]:
    """The lines of the block that holds the most text of its own (text directly inside it or in
    inline elements, not in nested blocks), split at ``<br>`` and block children: the article of
    an older CMS page that sets its body in a table cell or a ``div`` with ``<br>`` between the
    paragraphs, where trafilatura (which leaves layout tables out) finds nothing."""
    best, most = None, MIN_BLOCK_TEXT - 1
    for node in selector.root.iter(*_BLOCKS):
        own = sum(len(t.strip()) for t in node.xpath("./text()") + node.xpath(_INLINE))
        if own > most:
            best, most = node, own
    if best is None:
        return []
    block = copy.deepcopy(best)
    for child in list(block.iter("script", "style", "noscript")):
        child.drop_tree()
    for child in block.iter(*_BREAKS):
        child.tail = "\n" + (child.tail or "")
        if child.tag != "br":
            child.text = "\n" + (child.text or "")
    return [line for line in (clean_line(x) for x in block.text_content().split("\n")) if line]


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
            return super().paragraphs() or densest_block(self.response.selector)
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
