"""What the family tables share: the row shapes and the one check every row goes through."""

from __future__ import annotations

from core.attribution import Chain, NameIndex, find_attributions

Expected = list[tuple[str | None, str]]
"""A chain nearest first, as (registry key or None, name as written)."""
Case = tuple[str, Expected, bool]
"""(text, expected chain, own reporting)"""
PublisherCase = tuple[str, str, Expected, bool]
"""(text, publisher, expected chain, own reporting)"""


def pairs(chain: Chain) -> Expected:
    return [(a.source, a.name) for a in chain.attributions]


def case_ids(cases: list[Case]) -> list[str]:
    return [f"case{i:03d}" for i in range(len(cases))]


def check(names: NameIndex, text: str, expected: Expected, own: bool, publisher: str | None = None) -> None:
    chain = find_attributions(text, names, publisher=publisher)
    assert pairs(chain) == expected
    assert chain.own_reporting is own
