"""The report page against hostile store values: titles, URLs, outlet and source names, credit
names, sentences and figures carrying markup, quotes, ampersands and bidirectional controls.

The page is parsed (lxml's HTML parser) and checked for what it holds, not for how it is
spelled: no element or attribute the report does not write, every value shown verbatim as text
(never as markup), only http(s) URLs as link targets, and no bidi control of the store's left
to reorder the text around it. The rule for bidi (README, "Syndication
report"): the page removes the store's embedding, override and isolate controls and its marks
(``core.text.controls``), and shows each store value in an isolate: a ``<bdi>`` (or an element
with ``dir``) in the page, FSI…PDI inside a tooltip.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import lxml.html
import pytest
from lxml.html import HtmlElement

from commands.report_html import href, render, script, web_url
from core.syndication.changes import Comparison, FigureChange, Row
from core.text.controls import strip_controls
from storage.report import (
    Coverage,
    Credited,
    Entry,
    Outlet,
    OutletReport,
    ReleaseReport,
    Report,
    coverage,
    outlet_table,
)

RLO, PDF, LRI, RLI, FSI, PDI = "\u202e", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069"
EMBEDDINGS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067"
"""Controls that open or close a scope: never in the page (FSI and PDI only as the page's pairs)."""
MARKS = "\u200e\u200f\u061c"


def hostile(label: str) -> str:
    """A store value that tries everything: markup, both quotes, entities, an override left open,
    an isolate closed that was never opened, marks."""
    return (
        f"{label} {RLO}<script>alert('{label}')</script> \"q\" 'a' & &amp; &lt;b&gt; "
        f'{RLI}x{PDI}{PDI}\u200f{LRI}\u202d<b onclick="alert(1)">bold</b>{PDF}'
    )


def shown(value: str) -> str:
    """What the page must show of ``value``: every character but the controls, spaces collapsed."""
    return " ".join(strip_controls(value).split())


HTTP_URL = "https://www.example-news.ir/news/1/?a=1&b=\"2\"&c='3'&d=<4>"
JAVASCRIPT_URL = "javascript:alert(document.domain)//"
SCRIPT_URL = "JaVaScRiPt:alert(2)"
DATA_URL = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="
T0 = datetime(2024, 9, 3, 6, 30, tzinfo=UTC)


def entry(n: int, url: str, outlet: Outlet, **values: Any) -> Entry:
    fields: dict[str, Any] = {
        "title": hostile(f"TITLE{n}"),
        "role": "copy",
        "published_at": T0 + timedelta(hours=n),
        "first_seen_at": T0 + timedelta(hours=n, minutes=5),
        "delay_seconds": n * 3600.0,
    }
    fields.update(values)
    return Entry(document_id=n, url=url, outlet=outlet, **fields)


def comparison() -> Comparison:
    before, after = hostile("BEFORE"), hostile("AFTER")
    return Comparison(
        against=JAVASCRIPT_URL,
        kept=0.5,
        cut=(hostile("CUT"),),
        added=(hostile("ADDED"),),
        reworded=((before, after),),
        figures=(FigureChange(hostile("FIGBEFORE"), hostile("FIGAFTER"), after),),
        title=(hostile("REFTITLE"), hostile("COPYTITLE")),
        rows=(
            Row("same", hostile("SAME"), hostile("SAME")),
            Row("changed", before, after),
            Row("cut", hostile("CUT"), None),
            Row("added", None, hostile("ADDED")),
        ),
    )


def hostile_report() -> Report:
    ministry = Outlet(hostile("SOURCEKEY"), hostile("SOURCENAME"))
    outlet = Outlet(hostile("OUTLETKEY"), hostile("OUTLETNAME"))
    unnamed = Outlet(hostile("BAREKEY"))
    origin = entry(0, HTTP_URL, ministry, role="origin", delay_seconds=0.0)
    copies = [
        entry(
            1,
            JAVASCRIPT_URL,
            outlet,
            chain=[Credited(hostile("CREDIT1"), "ict"), Credited(hostile("CREDIT2"), None)],
            credit="other",
            changes=comparison(),
        ),
        entry(2, DATA_URL, unnamed, published_at=None, delay_basis="first_seen"),
        entry(
            3,
            HTTP_URL,
            outlet,
            lang='en" onmouseover="alert(3)',
            link="translation",
            evidence={
                "figures": [hostile("EVFIGURE")],
                "names": [f"person:~{hostile('EVNAME')}"],
                "dates": [hostile("EVDATE")],
            },
        ),
    ]
    with_origin = ReleaseReport(
        release_id=1,
        title=hostile("RELEASE1"),
        source=ministry,
        zero=origin,
        zero_is_origin=True,
        date=T0,
        date_basis="published",
        copies=copies,
    )
    first = entry(4, SCRIPT_URL, outlet, title=hostile("TITLE4"), delay_seconds=0.0)
    without_origin = ReleaseReport(
        release_id=2,
        title=hostile("RELEASE2"),
        source=None,
        zero=first,
        zero_is_origin=False,
        date=T0 + timedelta(hours=4),
        date_basis="published",
        copies=[first, entry(5, DATA_URL, unnamed, title=hostile("TITLE5"), delay_seconds=600.0)],
    )
    releases = [without_origin, with_origin]
    return Report(
        releases=releases,
        outlets=outlet_table(releases),
        coverage=coverage(releases),
        own_stories=2,
        since=date(2024, 9, 1),
        until=date(2024, 9, 30),
        source=Outlet(hostile("FILTERKEY"), hostile("FILTERNAME")),
        generated_at=T0,
    )


@pytest.fixture(scope="module")
def page() -> str:
    return render(hostile_report())


@pytest.fixture(scope="module")
def tree(page: str) -> HtmlElement:
    return lxml.html.document_fromstring(page)


# What the report writes; lxml gives HTML and SVG names in lower case.
ELEMENTS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "p", "span",
    "bdi", "section", "div", "table", "thead", "tbody", "tr", "th", "td", "a", "details", "summary",
    "article", "del", "ins", "mark", "br", "dl", "dt", "dd", "svg", "line", "text", "rect", "circle",
    "label", "input", "select", "option", "script",
}  # fmt: skip
ATTRIBUTES = {
    "lang", "dir", "charset", "http-equiv", "content", "name", "class", "id", "href", "rel", "title",
    "style", "role", "aria-label", "viewbox", "width", "height", "xmlns", "direction", "x", "y", "x1",
    "y1", "x2", "y2", "cx", "cy", "r", "fill", "stroke", "stroke-width", "text-anchor", "transform",
    "hidden", "type", "placeholder", "autocomplete", "value", "aria-live", "data-release", "data-source",
    "data-day", "data-doc", "data-outlet", "data-changed", "data-sort",
}  # fmt: skip
BLOCKS = {"p", "td", "th", "div", "h1", "h2", "h3", "h4", "summary", "dt", "dd", "section", "article"}


def texts(tree: HtmlElement) -> Iterator[tuple[HtmlElement, str]]:
    """Every text node with the element it belongs to (a tail belongs to the parent)."""
    for element in tree.iter():
        if element.text:
            yield element, element.text
        if element.tail and element.getparent() is not None:
            yield element.getparent(), element.tail


def test_no_element_or_attribute_is_injected(tree: HtmlElement) -> None:
    tags = {element.tag for element in tree.iter() if isinstance(element.tag, str)}
    assert tags <= ELEMENTS, tags - ELEMENTS
    names = {name for element in tree.iter() for name in element.attrib}
    assert names <= ATTRIBUTES, names - ATTRIBUTES
    # The one script is the page's own, as shipped: no store value reaches it.
    assert [s.text for s in tree.xpath("//script")] == [str(script()[0])] and not tree.xpath("//b")


def test_only_http_urls_are_link_targets(tree: HtmlElement) -> None:
    hrefs = [a.get("href") for a in tree.iter("a")]
    assert all(h.startswith(("#", "http://", "https://")) for h in hrefs), hrefs
    assert HTTP_URL in hrefs  # the URL intact, its quotes and brackets included
    values = [value for element in tree.iter() for value in element.attrib.values()]
    assert not any(v.lower().lstrip().startswith(("javascript:", "data:")) for v in values)
    assert JAVASCRIPT_URL in tree.text_content()  # a reference's URL: shown, not linked


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://www.isna.ir/news/1/", True),
        ("HTTP://WWW.ISNA.IR/", True),
        (JAVASCRIPT_URL, False),
        (SCRIPT_URL, False),
        (" javascript:alert(1)", False),
        (DATA_URL, False),
        ("//www.isna.ir/news/1/", False),
        ("/news/1/", False),
    ],
)
def test_which_urls_become_links(url: str, linked: bool) -> None:
    assert web_url(url) is linked


def test_a_link_target_keeps_its_controls_encoded() -> None:
    """Dropping a control from a URL would send the reader elsewhere; it is percent-encoded."""
    assert href(f"https://www.isna.ir/news/{RLO}1/") == "https://www.isna.ir/news/%E2%80%AE1/"


@pytest.mark.parametrize(
    "label",
    [
        "RELEASE1", "RELEASE2", "TITLE1", "TITLE2", "TITLE3", "TITLE4", "TITLE5", "SOURCENAME",
        "SOURCEKEY", "OUTLETNAME", "OUTLETKEY", "BAREKEY", "FILTERNAME", "FILTERKEY", "CREDIT1",
        "CREDIT2", "SAME", "CUT", "ADDED", "REFTITLE", "COPYTITLE",
    ],
)  # fmt: skip
def test_every_value_is_shown_as_text(tree: HtmlElement, label: str) -> None:
    assert shown(hostile(label)) in shown(tree.text_content())


@pytest.mark.parametrize(
    ("selector", "labels"),
    [
        (".figure-mark", ["FIGBEFORE", "FIGAFTER"]),
        (".evidence", ["EVFIGURE", "EVNAME", "EVDATE"]),
    ],
)
def test_tooltips_keep_the_values_verbatim(tree: HtmlElement, selector: str, labels: list[str]) -> None:
    (element,) = [e for e in tree.iter() if selector[1:] in (e.get("class") or "").split()]
    for label in labels:
        assert shown(hostile(label)) in shown(element.get("title"))


def test_the_svg_tooltips_keep_titles_verbatim(tree: HtmlElement) -> None:
    tooltips = [shown(t.text_content()) for t in tree.iter("title")]
    for label in ("TITLE1", "TITLE2", "TITLE3", "TITLE5"):
        assert any(shown(hostile(label)) in tip for tip in tooltips), label


def balanced(text: str) -> bool:
    """No scope-opening control but FSI, each FSI closed by a PDI, no PDI left over."""
    depth = 0
    for char in text:
        if char in EMBEDDINGS or char in MARKS:
            return False
        if char == FSI:
            depth += 1
        elif char == PDI:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def test_no_bidi_control_of_the_store_reaches_the_page(tree: HtmlElement) -> None:
    for element, text in texts(tree):
        assert balanced(text), (element.tag, element.get("class"), text)
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert balanced(value), (element.tag, name, value)


def isolated(element: HtmlElement, text: str) -> bool:
    """Whether ``text`` (a text node of ``element``) cannot reorder text around it: it is inside a
    ``<bdi>`` or an element with ``dir`` before any block, or it is all of its block."""
    node: HtmlElement | None = element
    while node is not None:
        if node.tag == "bdi" or node.get("dir") is not None:
            return True
        if node.tag in BLOCKS or node.tag == "text":
            return " ".join(node.text_content().split()) == " ".join(text.split())
        node = node.getparent()
    return False


LABELS = ("RELEASE", "TITLE", "SOURCE", "OUTLET", "BAREKEY", "FILTER", "CREDIT", "REFTITLE", "COPYTITLE")


def test_every_value_sits_in_an_isolate(tree: HtmlElement) -> None:
    checked = 0
    for element, text in texts(tree):
        if element.tag in ("title", "style") or not any(label in text for label in LABELS):
            continue
        checked += 1
        assert isolated(element, text), (element.tag, element.get("class"), text)
    assert checked > 20


def in_isolates(text: str, label: str) -> bool:
    """Whether every occurrence of ``label`` in ``text`` lies between an FSI and its PDI."""
    start = text.find(label)
    while start != -1:
        if text.count(FSI, 0, start) <= text.count(PDI, 0, start):
            return False
        start = text.find(label, start + 1)
    return True


def test_tooltip_values_sit_in_isolates(tree: HtmlElement) -> None:
    tooltips = [t.text_content() for t in tree.iter("title") if t.getparent().tag != "head"]
    tooltips += [e.get("title") for e in tree.iter() if e.get("title")]
    checked = 0
    for tip in tooltips:
        for label in (*LABELS, "FIG", "EV"):
            if label in tip:
                checked += 1
                assert in_isolates(tip, label), tip
    assert checked > 5


def test_the_page_still_reads_as_a_report(tree: HtmlElement) -> None:
    assert len(tree.xpath("//svg")) == 2
    assert len(tree.xpath("//circle")) == 5 and len(tree.xpath("//rect")) == 1
    assert len(tree.xpath("//article")) == 2
    assert tree.get("dir") == "rtl"


def test_an_empty_outlet_table_and_report_render() -> None:
    empty = Report(releases=[], outlets=[], coverage=Coverage(), own_stories=0)
    assert "هیچ خبری" in render(empty)
    row = OutletReport(Outlet(hostile("ONLY")), copies=1, not_credited=1)
    page = render(Report(releases=[], outlets=[row], coverage=Coverage(copies=1), own_stories=0))
    assert page.replace(f"<script>{script()[0]}</script>", "").count("<script") == 0
    assert shown(hostile("ONLY")) in shown(lxml.html.document_fromstring(page).text_content())
