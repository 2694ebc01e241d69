"""The probe set: real documents from a generated fixture web, as the crawl would store them.

Each labelled Persian page goes through its site's page object, normalisation and attribution
(no origin following). A seeded sample of ``probe`` pages is timed; the rest are **resident**:
stored for real before the synthetic signatures, so that probe copies find their release's other
members through the band index (candidate verification, joins) and own stories find nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse

from core.attribution import NameIndex
from core.items import ArticleItem
from core.registry import load_registry
from crawler.pages import page_class
from fixtureweb import FixtureWeb, build
from fixtureweb.sites import SITES, file_for
from fixtureweb.templates import fanavaran_rendered
from pipelines.attribution import attribute_item
from pipelines.normalise import normalise_item


@dataclass(frozen=True)
class ProbeSet:
    resident: list[ArticleItem]
    probe: list[ArticleItem]
    composition: dict[str, int]
    """Probe items by labelled role, and how many have a release-mate among the residents."""


def saved_page(root: Path, url: str, site: str) -> str:
    """An article page of the fixture web in ``root`` as the generator saved it; the JavaScript
    outlet's as a browser leaves it (its script's paragraphs in the DOM)."""
    path = urlsplit(url).path
    html = (root / site / file_for(path)).read_text(encoding="utf-8")
    if site == "fanavaran":
        number = path.strip("/").rsplit("/", 1)[-1]
        api = (root / site / "api" / "articles" / f"{number}.json").read_text(encoding="utf-8")
        html = fanavaran_rendered(html, api)
    return html


def _extract(web: FixtureWeb, label: dict[str, Any]) -> ArticleItem:
    html = saved_page(web.root, label["url"], label["site"])
    response = HtmlResponse(url=label["url"], body=html.encode("utf-8"), encoding="utf-8")
    return page_class(SITES[label["site"]].page)(response, label["site"]).to_item()


def probe_set(out_dir: Path, *, size: int, probe: int, seed: int = 7) -> ProbeSet:
    web = build(out_dir, port=8765, size=size)
    registry = load_registry(web.registry_path)
    names = NameIndex.from_registry(registry)
    labels = [a for a in web.labels["articles"] if a.get("lang", "fa") == "fa"]
    rng = random.Random(seed)
    rng.shuffle(labels)
    if probe >= len(labels):
        raise ValueError(f"probe {probe} must be smaller than the {len(labels)} Persian pages")
    chosen, rest = labels[:probe], labels[probe:]
    resident_releases = {a["release"] for a in rest if a["release"] is not None}
    composition: dict[str, int] = {}
    for a in chosen:
        composition[a["role"]] = composition.get(a["role"], 0) + 1
        if a["release"] in resident_releases:
            composition["has_resident_mate"] = composition.get("has_resident_mate", 0) + 1
    items = {a["url"]: attribute_item(normalise_item(_extract(web, a)), names, registry) for a in labels}
    return ProbeSet(
        resident=[items[a["url"]] for a in rest],
        probe=[items[a["url"]] for a in chosen],
        composition=composition,
    )
