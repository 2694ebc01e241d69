"""Who does a Persian (or English, Arabic) news text credit, nearest source first?

Pure logic, no Scrapy: ``find_attributions(text, NameIndex.from_registry(registry), publisher=key)``.
The grammar is in ``grammar``, the registry's names in ``names``, the spelling variants in ``normalise``.
"""

from __future__ import annotations

from core.attribution.grammar import find_attributions, guess_kind
from core.attribution.model import Attribution, Chain
from core.attribution.names import NameIndex

__all__ = ["Attribution", "Chain", "NameIndex", "find_attributions", "guess_kind"]
