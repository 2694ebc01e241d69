"""Helpers for ``scrapy shell``: turn whatever response you hold into Manba's item, and see what a
stored copy changed against its release's reference.

    $ scrapy shell ./tests/fixtures/93z/article.html
    >>> from crawler.shell import extract
    >>> extract(response, "93z")          # or extract(response): site guessed from the page's canonical host

    $ scrapy shell                        # or scrapy shell URL, then changes(response, settings)
    >>> from crawler.shell import changes
    >>> changes("https://www.isna.ir/news/1403061000039/", settings)   # every_row=True: unchanged too

``changes`` prints what ``scrapy changes URL`` prints: the copy's reference, the share kept, the title
and figures it changed and its cut, added and reworded sentences. It reads the store the settings
name (``MANBA_DATABASE_URL``; the project's settings when none are given), never the page fetched:
the stored text is what was compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import DropItem
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.utils.project import get_project_settings
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.attribution import NameIndex, find_attributions
from core.attribution.model import Chain
from core.items import ArticleItem
from core.registry import Registry, load_registry
from core.syndication.changes_text import format_text, shown
from core.text.persian import normalise
from crawler.config import database_url, sources_file
from crawler.pages import PAGES, page_class
from pipelines.attribution import attribute_item
from pipelines.normalise import normalise_item
from pipelines.validate import DEFAULT_MIN_BODY_CHARS, ValidatePipeline
from storage.db import StoreNotReady, make_engine
from storage.lookup import NoComparison, comparison_at
from storage.migrate import check_ready
from storage.models import Document
from storage.read import reading
from storage.write import Stored, StoreResult, store_document


@dataclass(frozen=True)
class PageChoice:
    """Which page object reads a response, the site name its item gets, and why."""

    page: str | None
    """A page object of ``crawler.pages`` (``None``: the generic extractor)."""
    site: str
    why: str
    warning: str | None = None

    @property
    def name(self) -> str:
        return self.page or "generic"


def choose_page(response: TextResponse, site: str | None, registry: Registry) -> PageChoice:
    """The page object a crawl would use for ``response``, as :func:`extract` and :func:`explain`
    use it. A saved page has a file:// URL, so without ``site`` the source is found from the page's
    own rel=canonical / og:url host, as a crawl would have found it. A ``site`` naming a page object
    (a fixture site: ``isna``, ``93z`` …) gets it even when the registry's source of that name has
    none, with a warning: the production registry reads every real site with the generic extractor."""
    if site is not None:
        source = registry.sources.get(site)
        how = f"site {site!r} given"
    else:
        declared = response.css(
            'link[rel="canonical"]::attr(href), meta[property="og:url"]::attr(content)'
        ).get()
        source = registry.for_url(declared or response.url)
        host = urlsplit(declared or response.url).hostname or "no host"
        how = f"the page's {'canonical ' if declared else ''}host {host}"
    name = source.key if source else site or urlsplit(response.url).hostname or "unknown"
    if source is not None and source.page is not None:
        return PageChoice(source.page, name, f"{how}: the registry's source {source.key!r} names it")
    if site is not None and site in PAGES:
        warning = (
            f"the registry's source {site!r} has no page object (a crawl would use the generic extractor); "
            f"using the page object named {site!r}, written for the fixture web's template"
            if source is not None
            else None
        )
        why = f"{how}: the page object of that name" + ("" if source else " (no such source in the registry)")
        return PageChoice(site, name, why, warning)
    if source is not None:
        return PageChoice(
            None,
            name,
            f"{how}: source {source.key!r}",
            f"source {source.key!r} has no page object: the generic extractor (trafilatura) reads it",
        )
    return PageChoice(
        None, name, f"{how}: no source in the registry", "no source in the registry for this page"
    )


def extract(response: TextResponse, site: str | None = None, registry: Registry | None = None) -> ArticleItem:
    """The item Manba's spiders would yield for ``response`` (see :func:`choose_page`; a warning is
    printed when a source has no page object)."""
    choice = choose_page(response, site, registry or load_registry())
    if choice.warning:
        print(f"warning: {choice.warning}")
    return page_class(choice.page)(response, choice.site).to_item()


def changes(
    url_or_response: str | Response, settings: BaseSettings | None = None, *, every_row: bool = False
) -> None:
    """Print what the stored copy at this URL (canonical or as crawled) changed against its
    release's reference, or one line saying why there is nothing to show.

    ``settings`` name the store (the shell's ``settings``; the project's when omitted); with
    ``every_row`` the unchanged sentences are printed too.
    """
    url = url_or_response.url if isinstance(url_or_response, Response) else url_or_response
    store = database_url(settings if settings is not None else get_project_settings())
    try:
        with reading(store) as session:
            doc, comparison = comparison_at(session, url)
            text = format_text(comparison, doc.canonical_url, every_row=every_row)
    except (StoreNotReady, NoComparison) as exc:
        print(f"no changes to show: {shown(str(exc))}")
        return
    print(text, end="")


@dataclass(repr=False)
class Explained:
    """What :func:`explain` found: the item as the pipelines left it (``None`` when no page object
    could read the response), the page object and why, what validation dropped, what the store
    would do."""

    choice: PageChoice
    item: ArticleItem | None
    dropped: str | None = None
    store: str = ""
    warnings: list[str] = field(default_factory=list)

    def __repr__(self) -> str:  # the shell echoes it: a line, not the whole item
        role = self.item.role if self.item is not None else None
        return f"<Explained {self.choice.name}: role {role}, {len(self.warnings)} warnings; .item, .store>"


def explain(
    response: TextResponse, site: str | None = None, settings: BaseSettings | None = None, *, lines: int = 3
) -> Explained:
    """Run one response through what a crawl does with it, without storing anything, and print it:
    the page object (and why), extraction (title, date, canonical URL), validation, hazm
    normalisation (the first ``lines`` normalised lines), attribution (the chain, the own-reporting
    flag, the role) and the copy decision against the store the settings name (the shell's
    ``settings``; the project's when omitted): the item is written in a transaction that is then
    rolled back, so the answer is the store's own. Origin following fetches other sites and is
    left to ``scrapy parse --pipelines URL``."""
    settings = settings if settings is not None else get_project_settings()
    registry = load_registry(sources_file(settings))
    choice = choose_page(response, site, registry)
    found = Explained(choice, None, warnings=[choice.warning] if choice.warning else [])
    item = page_class(choice.page)(response, choice.site).to_item()
    try:
        ValidatePipeline(settings.getint("MANBA_MIN_BODY_CHARS", DEFAULT_MIN_BODY_CHARS)).process_item(item)
    except DropItem as exc:
        found.dropped = str(exc)
    normalise_item(item)
    attribute_item(item, NameIndex.from_registry(registry), registry)
    found.item = item
    if item.published_at is None:
        found.warnings.append("no publication date found (meta tags, <time>, a date line by the headline)")
    found.store = (
        "not stored: dropped" if found.dropped else store_preview(item, database_url(settings), registry)
    )
    print(format_explained(found, lines=lines), end="")
    return found


def store_preview(item: ArticleItem, url: str, registry: Registry) -> str:
    """What storing ``item`` would do to the store at ``url``, found by storing it in a transaction
    that is rolled back."""
    try:
        engine = make_engine(url, create_dir=False)
    except StoreNotReady as exc:
        return f"no store to compare with: {exc}"
    try:
        check_ready(engine)
        with Session(engine) as session:
            session.begin()
            try:
                source_key = item.site if item.site in registry.sources else None
                stored = store_document(session, item, source_key=source_key, role=item.role or "own")
                return _placement(session, item, stored)
            finally:
                session.rollback()
    except StoreNotReady as exc:
        return f"no store to compare with: {exc}"
    finally:
        engine.dispose()


def _placement(session: Session, item: ArticleItem, stored: Stored) -> str:
    doc = session.get(Document, stored.document_id)
    assert doc is not None
    others = session.scalars(
        select(Document).where(Document.release_id == stored.release_id, Document.id != doc.id)
    ).all()
    where = f"release {stored.release_id}"
    if stored.result is StoreResult.UNCHANGED:
        return f"already stored, unchanged (document {doc.id}, {where}, role {doc.role})"
    verb = "create a document" if stored.result is StoreResult.CREATED else f"update document {doc.id}"
    if not others:
        return f"would {verb} as {doc.role} in a release of its own: no stored text like it"
    origin = next((o for o in others if o.role == "origin"), None)
    beside = f"beside {len(others)} stored document{'s' if len(others) != 1 else ''}"
    if origin is not None:
        beside += f", origin {origin.canonical_url}"
    similarity = f" (similarity {doc.similarity:.2f})" if doc.similarity is not None else ""
    return f"would {verb} as {doc.role} in {where} {beside}{similarity}"


def attribute(text: str, settings: BaseSettings | None = None, site: str | None = None) -> Chain:
    """Print and return the attribution chain of ``text`` and its own-reporting flag, with the
    registry the settings name; ``site``: the registry key of the site that published it (its
    credits to itself are left out)."""
    registry = load_registry(sources_file(settings if settings is not None else get_project_settings()))
    chain = find_attributions(text, NameIndex.from_registry(registry), publisher=site)
    print(f"chain         {chain.line() or 'no credit found'}")
    for a in chain.attributions:
        print(f"phrase        {a.phrase}")
    print(f"own reporting {'yes' if chain.own_reporting else 'no'}")
    return chain


def namespace(settings: BaseSettings) -> dict[str, Any]:
    """The shell's Manba objects, bound to its settings (the banner lists them: commands/shell.py)."""
    return {
        "explain": partial(explain, settings=settings),
        "extract": partial(extract, registry=load_registry(sources_file(settings))),
        "attribute": partial(attribute, settings=settings),
        "normalise": normalise,
        "changes": partial(changes, settings=settings),
    }


def format_explained(found: Explained, *, lines: int = 3) -> str:
    item = found.item
    rows = [("page object", f"{found.choice.name}: {found.choice.why}")]
    rows += [("warning", w) for w in found.warnings]
    if item is not None:
        chain = " ← ".join(
            f"{a.name} ({a.source or 'unresolved'}{', ' + a.kind if a.kind else ''})"
            for a in item.attributions
        )
        rows += [
            ("title", item.title),
            ("published", item.published_at.isoformat() if item.published_at else "none found"),
            ("canonical", item.canonical_url),
            ("chain", chain or "no credit found"),
            ("phrases", " | ".join(a.phrase for a in item.attributions) or "-"),
            ("own reporting", "yes" if item.own_reporting else "no"),
            ("role", item.role or "-"),
        ]
        if found.dropped:
            rows.append(("dropped", found.dropped))
        shown_lines = [line for line in item.body_norm.split("\n") if line.strip()]
        rows += [("normalised", line) for line in shown_lines[:lines]]
        if len(shown_lines) > lines:
            rows.append(("", f"… {len(shown_lines) - lines} more lines (item.body_norm)"))
    rows += [
        ("origin", "not followed in the shell (scrapy parse --pipelines URL follows it)"),
        ("store", found.store),
    ]
    return "".join(f"{label:<14}{value}\n" for label, value in rows)
