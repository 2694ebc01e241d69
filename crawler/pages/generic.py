"""The fallback for hosts without a page object: trafilatura, then ArticlePage's meta defaults."""

from __future__ import annotations

import copy
import re
from datetime import datetime
from functools import cached_property
from typing import Any

import trafilatura
from parsel import Selector

from core.text.dates import DATE_LINE_CHARS, date_line, parse_published
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


_NOT_ARTICLE = frozenset(
    {"header", "nav", "footer", "aside", "a", "li", "script", "style", "noscript", "head"}
)
"""A date inside these is the site's (today's date in the masthead), a link's or a list item's (the
dates of related stories), not the article's."""
_DATE_HINT = re.compile(r"date|time|publish|تاریخ|انتشار", re.IGNORECASE)
_COMMENTS = re.compile(r"comment|نظر", re.IGNORECASE)
BYLINE_REACH = 60
"""Elements between the headline and a date line for the date to be taken as the article's."""


def _outside_article(node: Any) -> bool:
    for up in node.iterancestors():
        if up.tag in _NOT_ARTICLE or _COMMENTS.search(f"{up.get('class', '')} {up.get('id', '')}"):
            return True
    return node.tag in _NOT_ARTICLE


def visible_date(selector: Selector) -> datetime | None:
    """The publication date a page shows only as text, as in «۱۶ مهر ۱۴۰۳ ساعت ۱۰:۴۵» beside its
    headline: the date line (:func:`core.text.dates.date_line`) nearest the ``<h1>`` (within
    :data:`BYLINE_REACH` elements; above it, only in the headline's own box), after it rather than
    before, one marked as a date (its class,
    or «تاریخ انتشار») rather than not. Lines in the masthead, menus, links, lists and comments are
    not the article's. Without an ``<h1>``: the first marked line, else the first line."""
    nodes = [node for node in selector.root.iter() if isinstance(node.tag, str)]
    headline = next((i for i, node in enumerate(nodes) if node.tag == "h1"), None)
    # Above the headline only what shares its box counts: a kicker line, not the masthead.
    beside = set() if headline is None else set(nodes[headline].getparent().iter())
    best: tuple[float, datetime] | None = None
    for position, node in enumerate(nodes):
        if len(node) > 6:  # a container: its lines are its children's
            continue
        text = " ".join(node.text_content().split())
        if len(text) > DATE_LINE_CHARS or not any(c.isdigit() for c in text):
            continue
        found = date_line(text)
        if found is None or _outside_article(node):
            continue
        marked = bool(_DATE_HINT.search(f"{node.get('class', '')} {node.get('itemprop', '')} {text}"))
        if headline is None:
            score = float(position) - (len(nodes) if marked else 0)
        else:
            distance = position - headline if position > headline else 3 * (headline - position)
            if distance > BYLINE_REACH or (position < headline and node not in beside):
                continue
            score = distance / (2 if marked else 1)
        if best is None or score < best[0]:
            best = (score, found)
    return best[1] if best else None


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
        # Meta tags carry the time and zone; a date line by the headline carries the time; trafilatura's
        # date is a bare day (and a Gregorian guess), so it comes last.
        exact = super().published_at()
        if exact is not None:
            return exact
        shown = visible_date(self.response.selector)
        if shown is not None:
            return shown
        day = self._field("date")
        return parse_published(day) if day else None
