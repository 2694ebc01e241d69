"""The store's tables.

One ``documents`` row per canonical URL (the identity of a page); every document
belongs to exactly one ``releases`` row (the story it is a copy of, or its own).
Timestamps are stored in UTC and always come back timezone-aware, on SQLite too.

``attributions`` holds each document's credit chain, nearest source first;
``document_versions`` the earlier title and body of a document whose text changed;
``minhash_bands`` each document's indexed MinHash band hashes (``core.syndication.minhash``),
keyed by (publication month, band, hash), so near-duplicate search is an indexed lookup in the
months near a document's date rather than a scan (``storage.bands``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("origin", "copy", "own")
TRANSLATION = "translation"
"""``documents.link`` of a copy in another language than its release (``storage.translations``)."""


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, whatever the backend.

    SQLite has no time zones: the value is stored as naive UTC and UTC is attached
    again on the way out. Naive datetimes are refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the store only takes timezone-aware datetimes")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
        list[dict[str, Any]]: JSON(),
    }


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Source(TimestampMixin, Base):
    """A registry entry, mirrored so documents and releases can point at it."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    names: Mapped[list[str]]
    hosts: Mapped[list[str]]
    boilerplate: Mapped[list[str]] = mapped_column(default=list, server_default="[]")
    """Lines the source puts in its article bodies that are not the story (a copy's changes
    never count them as added)."""


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    spider: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    """``running`` until the spider closes, then ``finished`` or ``failed`` (a close-time check
    failed); ``killed`` when a later run on the same host found its process gone."""
    finish_reason: Mapped[str | None] = mapped_column(String(64))
    stats: Mapped[dict[str, Any] | None]
    items_scraped: Mapped[int] = mapped_column(default=0)
    items_dropped: Mapped[int] = mapped_column(default=0)
    documents_created: Mapped[int] = mapped_column(default=0)
    documents_updated: Mapped[int] = mapped_column(default=0)
    documents_unchanged: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    sources: Mapped[list[str] | None]
    """Registry keys the run crawled (``None`` for a spider that does not crawl by source)."""
    checks: Mapped[list[dict[str, Any]] | None]
    """Close-time checks that failed (``core.checks``): ``[{"check", "source", "message"}]``;
    a run with any is ``failed``."""
    worker: Mapped[str | None] = mapped_column(String(255))
    """``host:pid`` of the process that ran it (several run at once in a distributed crawl)."""


class PageCheck(Base):
    """The last fetch of a listing page, feed or sitemap: its validators for a conditional GET
    (ETag, Last-Modified) and when it was checked and last changed."""

    __tablename__ = "page_checks"

    url: Mapped[str] = mapped_column(Text, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    source_key: Mapped[str | None] = mapped_column(String(64))
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    status: Mapped[int] = mapped_column(Integer)
    checked_at: Mapped[datetime]
    changed_at: Mapped[datetime | None]


class SourcePoll(Base):
    """When a source is next due, and how its last polls went (``core.recrawl``)."""

    __tablename__ = "source_polls"

    source_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    interval_seconds: Mapped[int] = mapped_column(Integer)
    next_poll_at: Mapped[datetime]
    last_polled_at: Mapped[datetime | None]
    seen: Mapped[int] = mapped_column(Integer, default=0)
    """Article URLs its listings, feeds and sitemaps showed in the last poll."""
    known: Mapped[int] = mapped_column(Integer, default=0)
    """Of those, already in the store."""
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))


class Release(TimestampMixin, Base):
    """One story: an origin's press release, or an outlet's own piece, and its copies."""

    __tablename__ = "releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    """The attributed source: the issuer for an origin, the chain's last source for a copy."""
    # documents.release_id points back here, hence use_alter: the cycle is closed
    # by an ALTER after both tables exist.
    origin_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL", use_alter=True), index=True
    )
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class Document(TimestampMixin, Base):
    """One fetched article page, identified by its canonical URL."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("role IN ('origin', 'copy', 'own')", name="role"),
        Index("ix_documents_site_published_at", "site", "published_at"),
        Index("ix_documents_url", "url"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    canonical_url: Mapped[str] = mapped_column(Text, unique=True)
    url: Mapped[str] = mapped_column(Text)
    site: Mapped[str] = mapped_column(String(255))
    """Registry key, or the host name for a host the registry does not know."""
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="RESTRICT"), index=True)
    """The release this document belongs to: its origin's for a linked copy, else its own."""
    role: Mapped[str] = mapped_column(String(8))
    similarity: Mapped[float | None] = mapped_column(Float)
    """The copy decision's similarity (``core.syndication.decide.copy_similarity``) to the release's
    head, or to the origin that origin following linked it to (the head itself is not compared)."""
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    """What this copy changed against its release's reference (``core.syndication.changes``,
    the export's ``changes``); None unless the role is copy."""
    changes_key: Mapped[str | None] = mapped_column(String(64), default=None)
    """What ``changes`` was computed from (rule version, reference and both texts): a different
    key means it is recomputed (``storage.changes.refresh_changes``)."""
    link: Mapped[str | None] = mapped_column(String(16), default=None)
    """How a copy was linked when no text measure could: ``translation`` for a retelling in another
    language (``storage.translations``); None otherwise."""
    link_evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    """Why it was linked (``core.syndication.translation.Verdict.as_dict``): figures, names, dates,
    source and time that agreed."""
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    """Extracted body as published (not normalised)."""
    title_norm: Mapped[str] = mapped_column(Text, default="", server_default="")
    body_norm: Mapped[str] = mapped_column(Text, default="", server_default="")
    """Normalised title and body (for matching; ``title``/``body`` stay as published)."""
    own_reporting: Mapped[bool] = mapped_column(default=False, server_default=false())
    """The text credits the outlet's own reporter."""
    origin_status: Mapped[str | None] = mapped_column(String(32))
    """How the search for the original release went (found, not_found, disabled, …)."""
    published_at: Mapped[datetime | None]
    """UTC instant; the offset the page used is kept in ``published_offset``."""
    published_offset: Mapped[int | None] = mapped_column(Integer)
    """UTC offset of the published date as written on the page, in seconds."""
    author: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8), default="fa")
    raw_hash: Mapped[str] = mapped_column(String(64))
    """sha256 of the raw response body of the last fetch that changed the row."""
    body_hash: Mapped[str] = mapped_column(String(64), index=True)
    """sha256 of ``body`` exactly as stored (exact-duplicate key, not normalised)."""
    norm_hash: Mapped[str] = mapped_column(String(64), index=True, default="", server_default="")
    """sha256 of the match text (``core.syndication.decide.norm_hash``): equal means the same
    release. Empty for rows stored before migration 0003 until ``scrapy recluster`` runs."""
    extractor: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    fetched_at: Mapped[datetime]
    """When the text now stored was fetched."""
    checked_at: Mapped[datetime | None]
    """When the page was last fetched, changed or not (incremental crawling re-checks from here)."""
    crawl_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_runs.id", ondelete="SET NULL"), index=True
    )
    """The crawl run that last wrote the row."""

    def published_local(self) -> datetime | None:
        """``published_at`` in the offset the page itself used."""
        if self.published_at is None:
            return None
        if self.published_offset is None:
            return self.published_at
        return self.published_at.astimezone(timezone(timedelta(seconds=self.published_offset)))


class DocumentAttribution(Base):
    """One element of a document's attribution chain (``position`` 0 is the nearest source)."""

    __tablename__ = "attributions"
    __table_args__ = (UniqueConstraint("document_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    source_key: Mapped[str | None] = mapped_column(String(64))
    """Registry key as attribution resolved it; kept even if the source row goes."""
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(32))
    phrase: Mapped[str] = mapped_column(Text)


class DocumentVersion(Base):
    """An earlier title and body of a document, kept when a later fetch changed its text."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    """1 for the first text the document had, 2 for the next, …; the current text is in ``documents``."""
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    raw_hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime | None]
    fetched_at: Mapped[datetime]
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)


class MinhashBand(Base):
    """One indexed LSH band hash of one document, filed under the document's publication month
    (``storage.bands``: ``bucket``, 0 for an undated document). The primary key
    (bucket, band, hash, document_id) is also the lookup index: finding the documents of a
    window that share a band is an equality probe per month, never a scan. On SQLite the table
    has no rowid (the key is the table); on PostgreSQL it is partitioned by month
    (``storage.bands.ensure_buckets`` creates the partitions)."""

    __tablename__ = "minhash_bands"
    __table_args__ = ({"sqlite_with_rowid": False, "postgresql_partition_by": "RANGE (bucket)"},)

    bucket: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    hash: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, autoincrement=False, index=True
    )


class CrossLingualKey(Base):
    """A figure a document states (``core.syndication.translation.Evidence.index_keys``), indexed
    so that a retelling in another language finds the Persian releases stating its figures near its
    date, and a new Persian release the retellings stored before it. Only Persian documents that
    start a release (or are an origin) and documents in other languages have rows."""

    __tablename__ = "crosslingual_keys"
    __table_args__ = (
        Index("ix_crosslingual_keys_lookup", "key", "persian", "at"),
        {"sqlite_with_rowid": False},
    )

    key: Mapped[str] = mapped_column(String(48), primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, autoincrement=False, index=True
    )
    persian: Mapped[bool] = mapped_column()
    at: Mapped[datetime]
    """The document's publication (its first sighting when undated)."""
