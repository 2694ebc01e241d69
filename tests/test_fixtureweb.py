"""The generated fixture web: determinism, ground truth that matches the pages, and the server."""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import re
import urllib.error
import urllib.request
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from scrapy.http import HtmlResponse

from core.items import ArticleItem
from core.registry import load_registry
from crawler.pages import page_class
from fixtureweb import SITE_IPS, FixtureServer, FixtureWeb, build, free_port
from fixtureweb.generate import FOREIGN_SLOTS
from fixtureweb.sites import SITES, file_for
from fixtureweb.templates import fanavaran_rendered

REGISTRY_SITES = ("ict", "isna", "93z", "fanavaran", "akharin", "shahr")


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> FixtureWeb:
    return build(tmp_path_factory.mktemp("web"), port=8765)


def digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def page_file(web: FixtureWeb, label: dict[str, Any]) -> Path:
    return web.root / label["site"] / file_for(urlsplit(label["url"]).path)


def test_build_is_deterministic(web: FixtureWeb, tmp_path: Path) -> None:
    again = build(tmp_path / "again", port=8765)
    assert digest(again.root) == digest(web.root)


def test_seed_and_port_change_the_output(web: FixtureWeb, tmp_path: Path) -> None:
    other = build(tmp_path / "other", port=8766, seed=7)
    assert other.labels["articles"][0]["url"].endswith(
        ":8766" + urlsplit(other.labels["articles"][0]["url"]).path
    )
    assert [a["title"] for a in other.labels["articles"]] != [a["title"] for a in web.labels["articles"]]


def articles_for(web: FixtureWeb, size: int) -> int:
    """``size`` articles, of which the two foreign slots the web always had, plus the English and
    Arabic pages ``fixtureweb.translations`` adds on top of them."""
    foreign = web.labels["translations"]
    return size - len(FOREIGN_SLOTS) + foreign["retellings"] + foreign["negatives"]


def test_sizes(web: FixtureWeb) -> None:
    roles = Counter((a["site"] == "ict", a["role"]) for a in web.labels["articles"])
    assert roles[(True, "origin")] >= 30
    outlets = [a for a in web.labels["articles"] if a["site"] != "ict"]
    assert len(outlets) >= 120
    assert {a["role"] for a in outlets} == {"copy", "own"}
    assert len(web.labels["articles"]) == articles_for(web, 200)
    assert len(web.labels["unregistered"]) >= 3


def test_size_scales(tmp_path: Path) -> None:
    big = build(tmp_path / "big", port=8765, size=1000)
    assert len(big.labels["articles"]) == articles_for(big, 1000)
    assert sum(a["role"] == "origin" for a in big.labels["articles"]) == 200


def test_every_site_is_present(web: FixtureWeb) -> None:
    assert set(web.labels["sites"]) == set(SITE_IPS)
    for key, info in web.labels["sites"].items():
        assert info["ip"] == SITE_IPS[key]
        assert info["base_url"] == web.base_url(key)
        assert info["in_registry"] == (key != "blog")
        assert (web.root / key / "robots.txt").is_file()
    sites = Counter(a["site"] for a in web.labels["articles"])
    assert set(sites) == set(REGISTRY_SITES)
    assert {a["site"] for a in web.labels["unregistered"]} == {"blog"}
    assert web.labels["generator"] == {"size": 200, "seed": 1405, "port": 8765}


def test_labels_match_the_pages(web: FixtureWeb) -> None:
    for label in web.labels["articles"] + web.labels["unregistered"]:
        text = html.unescape(page_file(web, label).read_text(encoding="utf-8"))
        assert label["title"] in text, label["url"]
        assert f'<link rel="canonical" href="{label["url"]}">' in text, label["url"]
        assert datetime.fromisoformat(label["published_at"]).utcoffset() is not None
        assert label["first_sentence"] and label["last_sentence"]


def extract(web: FixtureWeb, label: dict[str, Any]) -> ArticleItem:
    """The item the site's page object makes of a labelled page (rendered, for fanavaran)."""
    site = label["site"]
    body = page_file(web, label).read_text(encoding="utf-8")
    if site == "fanavaran":
        number = urlsplit(label["url"]).path.strip("/").rsplit("/", 1)[-1]
        api = (web.root / site / "api" / "articles" / f"{number}.json").read_text(encoding="utf-8")
        body = fanavaran_rendered(body, api)
    response = HtmlResponse(url=label["url"], body=body.encode("utf-8"), encoding="utf-8")
    return page_class(SITES[site].page)(response, site).to_item()


def test_page_objects_agree_with_the_labels(web: FixtureWeb) -> None:
    """Every labelled page, through its site's page object, gives the labelled fields."""
    wrong = []
    for label in web.labels["articles"] + web.labels["unregistered"]:
        item = extract(web, label)
        checks = {
            "title": item.title == label["title"],
            "date": item.published_at == datetime.fromisoformat(label["published_at"]),
            "first": item.body.startswith(label["first_sentence"]),
            "last": item.body.endswith(label["last_sentence"]),
            "canonical": item.canonical_url == label["url"],
        }
        wrong += [(label["url"], name) for name, ok in checks.items() if not ok]
    assert not wrong, wrong[:10]


def test_copies_point_at_labelled_origins(web: FixtureWeb) -> None:
    origins = {a["url"]: a for a in web.labels["articles"] if a["role"] == "origin"}
    assert all(a["site"] == "ict" and a["release"] for a in origins.values())
    assert all(a["attribution"] == [] for a in origins.values())
    copies = [a for a in web.labels["articles"] if a["role"] == "copy"]
    for copy in copies:
        if copy["lang"] != "fa":  # a foreign retelling may credit no one (tests/test_fixture_translations.py)
            assert copy["copy_of"] == copy["translation_of"] and copy["link"] == "translation"
            continue
        assert copy["attribution"], copy["url"]
        assert "credit" in copy["edits"] or "source_label" in copy["edits"]
        if copy["copy_of"] is None:  # a release of a ministry with no site on this web
            assert copy["release"].startswith("CRA-") and copy["attribution"][-1]["source"] == "cra"
        else:
            assert origins[copy["copy_of"]]["release"] == copy["release"]
    # outlet → agency → ministry
    hops = [a for a in copies if [x["source"] for x in a["attribution"]] == ["isna", "ict"]]
    assert len(hops) >= 3 and all(a["site"] != "isna" for a in hops)
    sources = Counter(x["source"] for a in copies for x in a["attribution"])
    assert {"ict", "isna", "cra", "mehr", None} <= set(sources)
    for own in (a for a in web.labels["articles"] if a["role"] == "own" and a["lang"] == "fa"):
        assert own["release"] is None and own["copy_of"] is None and own["attribution"] == []


def test_label_keys(web: FixtureWeb) -> None:
    for label in web.labels["articles"] + web.labels["unregistered"]:
        assert isinstance(label["listed"], bool) and label["lang"] in ("fa", "en", "ar")
        assert label["credit_shape"]
        for hop in label["attribution"]:
            assert set(hop) == {"source", "name", "kind"} and hop["name"]


def test_amp_variants_land_on_their_post(web: FixtureWeb) -> None:
    """93z links ``/amp/…`` variants from its listing; each names the post as canonical and reads the same."""
    variants = web.labels["variants"]
    assert len(variants) >= 5
    labels = {a["url"]: a for a in web.labels["articles"]}
    listings = "".join(p.read_text(encoding="utf-8") for p in (web.root / "93z" / "category").rglob("*.html"))
    for variant, canonical in variants.items():
        label = labels[canonical]
        assert label["site"] == "93z" and urlsplit(variant).path == "/amp" + urlsplit(canonical).path
        assert f'href="{urlsplit(variant).path}"' in listings
        page = web.root / "93z" / file_for(urlsplit(variant).path)
        amp = page_class("93z")(
            HtmlResponse(url=variant, body=page.read_bytes(), encoding="utf-8"), "93z"
        ).to_item()
        main = extract(web, label)
        assert amp.url == variant and amp.canonical_url == canonical
        assert (amp.title, amp.body, amp.published_at) == (main.title, main.body, main.published_at)


def test_every_design_edit_occurs(web: FixtureWeb) -> None:
    edits = Counter(e for a in web.labels["articles"] for e in a["edits"])
    for name in (
        "credit",
        "source_label",
        "headline",
        "cut_last",
        "reorder",
        "arabic_letters",
        "no_zwnj",
        "digits",
        "boilerplate",
        "keep_first",
    ):
        assert edits[name] >= 3, name


def _shingles(text: str) -> set[tuple[str, ...]]:
    table = str.maketrans(
        {"ي": "ی", "ك": "ک", "\u200c": " "} | {c: str(i % 10) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")}
    )
    words = re.findall(r"\w+", text.translate(table))
    return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}


def test_copies_are_near_and_different_releases_are_far(web: FixtureWeb) -> None:
    labels = {a["url"]: a for a in web.labels["articles"]}
    bodies = {url: _shingles(extract(web, a).body) for url, a in labels.items() if a["role"] != "own"}

    def jaccard(a: str, b: str) -> float:
        return len(bodies[a] & bodies[b]) / len(bodies[a] | bodies[b])

    origins = [u for u, a in labels.items() if a["role"] == "origin"]
    far = max(jaccard(a, b) for a, b in itertools.combinations(origins, 2))
    persian = [(u, a) for u, a in labels.items() if a["role"] == "copy" and a["lang"] == "fa"]
    # A copy keeping only the opening of a long release is far by Jaccard (containment catches it:
    # tests/test_fixture_syndication.py).
    near = min(
        jaccard(u, a["copy_of"]) for u, a in persian if a["copy_of"] and "keep_first" not in a["edits"]
    )
    assert far < 0.35 and near > 0.5, (far, near)
    # Copies of a release that is not on the web are near each other.
    by_release: dict[str, list[str]] = {}
    for u, a in persian:
        if a["copy_of"] is None:
            by_release.setdefault(a["release"], []).append(u)
    assert len(by_release) >= 2 and all(len(us) >= 2 for us in by_release.values())
    assert min(jaccard(a, b) for us in by_release.values() for a, b in itertools.combinations(us, 2)) > 0.4


def test_registry_is_readable(web: FixtureWeb) -> None:
    registry = load_registry(web.registry_path)
    assert {s.key for s in registry} == set(REGISTRY_SITES) | {"cra", "mehr", "fars"}
    assert {"سازمان تنظیم مقررات و ارتباطات رادیویی", "رگولاتوری"} <= set(registry.get("cra").names)
    assert registry.get("fanavaran").render is True
    assert registry.get("akharin").feeds and registry.get("shahr").sitemaps
    assert registry.get("ict").listings and registry.get("isna").listings
    ict = registry.get("ict")
    assert "مرکز روابط عمومی و اطلاع‌رسانی وزارت ارتباطات و فناوری اطلاعات" in ict.names
    assert {"وزارت ارتباطات", "ICT ministry", "Ministry of ICT"} <= set(ict.names)
    assert {"ایسنا", "خبرگزاری دانشجویان ایران", "ISNA"} <= set(registry.get("isna").names)
    assert ict.origin is not None and ict.origin.search and "{query}" in ict.origin.search
    for label in web.labels["articles"]:
        source = registry.for_url(label["url"])
        assert source is not None and source.key == label["site"]
        assert source.article_pattern and re.search(source.article_pattern, label["url"])
    assert registry.for_url(web.labels["unregistered"][0]["url"]) is None


def test_the_javascript_outlet_hides_its_body(web: FixtureWeb) -> None:
    rendered = [a for a in web.labels["articles"] if a["site"] == "fanavaran"]
    assert rendered and all(a.get("script_only_text") for a in rendered)
    for label in rendered:
        plain = page_file(web, label).read_text(encoding="utf-8")
        assert label["script_only_text"] not in plain
        assert label["first_sentence"] not in plain
    assert all("script_only_text" not in a for a in web.labels["articles"] if a["site"] != "fanavaran")


def test_robots_and_disallowed_drafts(web: FixtureWeb) -> None:
    for url in web.labels["disallowed"]:
        parts = urlsplit(url)
        site = next(k for k, ip in SITE_IPS.items() if ip == parts.hostname)
        assert (web.root / site / file_for(parts.path)).is_file()
        assert "Disallow: /admin/" in (web.root / site / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: http://127.0.0.7:8765/sitemap.xml" in (web.root / "shahr" / "robots.txt").read_text(
        "utf-8"
    )


# -- served ------------------------------------------------------------------
def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_free_port_is_bindable_everywhere() -> None:
    import socket

    port = free_port()
    for ip in SITE_IPS.values():
        with socket.socket() as s:
            s.bind((ip, port))


def test_server_serves_every_site(fixture_web: FixtureWeb) -> None:
    labels = fixture_web.labels["articles"] + fixture_web.labels["unregistered"]
    for site in SITE_IPS:
        label = next(a for a in labels if a["site"] == site)
        status, headers, body = fetch(label["url"])
        assert status == 200, label["url"]
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert label["title"] in html.unescape(body.decode("utf-8"))
        # Another site's address does not serve this page.
        other = "127.0.0.2" if site != "ict" else "127.0.0.3"
        assert fetch(label["url"].replace(SITE_IPS[site], other))[0] == 404


def test_entry_points_and_content_types(fixture_web: FixtureWeb) -> None:
    base = fixture_web.base_url
    expected = {
        base("ict") + "/fa/news": "text/html; charset=utf-8",
        base("ict") + "/fa/news?page=2": "text/html; charset=utf-8",
        base("ict") + "/fa/news/rss": "application/rss+xml; charset=utf-8",
        base("isna") + "/fa/service/ict?page=2": "text/html; charset=utf-8",
        base("93z") + "/category/news/page/2/": "text/html; charset=utf-8",
        base("fanavaran") + "/static/reader.js": "application/javascript",
        base("akharin") + "/rss.xml": "application/rss+xml; charset=utf-8",
        base("shahr") + "/sitemap.xml": "application/xml",
        base("shahr") + "/robots.txt": "text/plain; charset=utf-8",
    }
    for url, ctype in expected.items():
        status, headers, _ = fetch(url)
        assert (status, headers["Content-Type"]) == (200, ctype), url
    number = urlsplit(next(a for a in fixture_web.labels["articles"] if a["site"] == "fanavaran")["url"]).path
    status, headers, body = fetch(
        base("fanavaran") + "/api/articles/" + number.strip("/").split("/")[-1] + ".json"
    )
    assert status == 200 and headers["Content-Type"] == "application/json" and json.loads(body)["paragraphs"]
    assert fetch(base("93z") + "/no/such/page/")[0] == 404
    label = next(a for a in fixture_web.labels["articles"] if a["site"] == "93z")
    assert fetch(label["url"] + "?utm_source=related")[0] == 200


def test_conditional_requests(fixture_web: FixtureWeb) -> None:
    url = fixture_web.labels["articles"][0]["url"]
    status, headers, _ = fetch(url)
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    assert fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, {"If-None-Match": '"something-else"'})[0] == 200


def test_ministry_search(fixture_web: FixtureWeb) -> None:
    release = next(a for a in fixture_web.labels["articles"] if a["role"] == "origin")
    # Search copes with the spellings copies use: Arabic letters, no ZWNJ.
    query = release["title"].replace("ی", "ي").replace("ک", "ك").replace("\u200c", " ")
    status, _, body = fetch(fixture_web.base_url("ict") + "/fa/search?q=" + quote(query))
    assert status == 200
    assert urlsplit(release["url"]).path in body.decode("utf-8")
    status, _, body = fetch(fixture_web.base_url("ict") + "/fa/search?q=" + quote("واژه‌ای که نیست"))
    assert status == 200 and "موردی یافت نشد" in body.decode("utf-8")


def test_server_restarts_on_the_same_port(web: FixtureWeb) -> None:
    port = free_port()
    with FixtureServer(web.root, port) as server:
        assert fetch(server.base_url("blog") + "/")[0] == 200
    with FixtureServer(web.root, port) as server:
        assert fetch(server.base_url("ict") + "/robots.txt")[0] == 200
