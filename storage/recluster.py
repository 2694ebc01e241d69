"""Rebuild releases and the band index from stored documents (``scrapy recluster``).

Run after changing the copy threshold or the MinHash scheme. Every document's fingerprint
is recomputed from its stored body and credit phrases, ``minhash_bands`` and
``documents.norm_hash`` are rewritten, and documents are grouped again with the same rules
as the store applies one item at a time (``storage.clusters.choose``):

* edges: a copy placed by origin following → its origin (kept whatever the threshold: it is
  not a text decision); equal norm_hash; a shared band verified by the copy decision
  (``core.syndication.decide.compare``) ≥ threshold;
* a translation (``documents.link``) → the Persian document its stored evidence was judged
  against (``storage.translations``: not a text decision either, joined after the text edges);
* edges are joined strongest first (following, then by score, then by ids), except one that
  would put two origins in one release: origins stay the heads of their own releases.

Deterministic and idempotent: each group keeps its head's current release id when it can
(else the lowest free one of its members', else a new one), so a second run changes nothing.
The whole rebuild is one transaction; on PostgreSQL it locks out writers while it runs.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from core.syndication.decide import Fingerprint, copy_score, fingerprint
from core.syndication.similarity import COPY_THRESHOLD
from storage.bands import bucket_of, ensure_buckets, indexed, window_date
from storage.changes import refresh_changes
from storage.clusters import Fingerprints, followed, head_of, phrases_of, refresh_release
from storage.models import TRANSLATION, Document, MinhashBand, Release

CHUNK = 500
MAX_BUCKET = 200
"""Members of one (band, hash) bucket compared pairwise; a larger bucket (a flood of one
text) is chained in id order instead, which its equal norm_hash joins anyway."""


@dataclass(frozen=True)
class ReclusterReport:
    documents: int
    releases_before: int
    releases_after: int
    moved: int
    """Documents whose release changed."""
    threshold: float


class _Groups:
    """Union-find that refuses to join two groups that each hold an origin."""

    def __init__(self, ids: Iterable[int], origins: set[int]) -> None:
        self.parent = {i: i for i in ids}
        self.has_origin = {i: i in origins for i in self.parent}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.has_origin[ra] and self.has_origin[rb]:
            return False
        keep, drop = min(ra, rb), max(ra, rb)
        self.parent[drop] = keep
        self.has_origin[keep] = self.has_origin[ra] or self.has_origin[rb]
        return True


def _fingerprints(session: Session, docs: list[Document]) -> dict[int, Fingerprint]:
    found: dict[int, Fingerprint] = {}
    for start in range(0, len(docs), CHUNK):
        chunk = docs[start : start + CHUNK]
        phrases = phrases_of(session, [d.id for d in chunk])
        for d in chunk:
            found[d.id] = fingerprint(d.body, phrases[d.id])
    return found


def _rewrite_index(session: Session, docs: list[Document], prints: dict[int, Fingerprint]) -> None:
    session.execute(delete(MinhashBand))
    bucket = {d.id: bucket_of(window_date(d.published_at, d.first_seen_at, d.fetched_at)) for d in docs}
    ensure_buckets(session.connection(), set(bucket.values()))
    rows = [
        {"bucket": bucket[d.id], "band": band, "hash": value, "document_id": d.id}
        for d in docs
        for band, value in indexed(prints[d.id].bands)
    ]
    for start in range(0, len(rows), CHUNK * 32):
        session.execute(insert(MinhashBand), rows[start : start + CHUNK * 32])
    for d in docs:
        if d.norm_hash != prints[d.id].norm_hash:
            d.norm_hash = prints[d.id].norm_hash


Edge = tuple[int, float, int, int]
"""(rank: 0 following, 1 text; −score; lower id; higher id) — sorted ascending, strongest first."""


def _edges(
    docs: list[Document], prints: dict[int, Fingerprint], origin_of: dict[int, int | None], threshold: float
) -> list[Edge]:
    edges: set[Edge] = set()
    for d in docs:
        origin = origin_of.get(d.release_id)
        if followed(d) and origin is not None and origin != d.id:
            edges.add((0, 0.0, min(d.id, origin), max(d.id, origin)))
    by_hash: dict[str, list[int]] = defaultdict(list)
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    for d in docs:
        fp = prints[d.id]
        if fp.bands:
            by_hash[fp.norm_hash].append(d.id)
        for band, value in enumerate(fp.bands):
            buckets[(band, value)].append(d.id)
    for ids in by_hash.values():
        edges.update((1, -1.0, a, b) for a, b in itertools.pairwise(sorted(ids)))
    checked: set[tuple[int, int]] = set()
    for ids in buckets.values():
        if len(ids) < 2:
            continue
        ordered = sorted(ids)
        pairs = (
            itertools.combinations(ordered, 2) if len(ordered) <= MAX_BUCKET else itertools.pairwise(ordered)
        )
        for a, b in pairs:
            if (a, b) in checked:
                continue
            checked.add((a, b))
            score = copy_score(prints[a], prints[b], threshold)
            if score is not None:
                edges.add((1, -score, a, b))
    return sorted(edges)


def recluster(session: Session, *, threshold: float = COPY_THRESHOLD) -> ReclusterReport:
    """Regroup every stored document into releases (see the module docstring)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE documents, releases, minhash_bands IN EXCLUSIVE MODE"))
    docs = list(session.scalars(select(Document).order_by(Document.id)))
    releases = {r.id: r for r in session.scalars(select(Release).order_by(Release.id))}
    before = len(releases)
    prints = _fingerprints(session, docs)
    _rewrite_index(session, docs, prints)
    origin_of = {r.id: r.origin_document_id for r in releases.values()}
    groups = _Groups((d.id for d in docs), {d.id for d in docs if d.role == "origin"})
    for _rank, _score, a, b in _edges(docs, prints, origin_of, threshold):
        groups.join(a, b)
    for d in docs:
        persian = (d.link_evidence or {}).get("document_id") if d.link == TRANSLATION else None
        if persian in groups.parent:
            groups.join(persian, d.id)

    members: dict[int, list[Document]] = defaultdict(list)
    for d in docs:
        members[groups.find(d.id)].append(d)
    claimed: set[int] = set()
    moved = 0
    targets: list[Release] = []
    for root in sorted(members):
        group = members[root]
        head = head_of(group)
        current = [head.release_id, *sorted({d.release_id for d in group})]
        release_id = next((r for r in current if r not in claimed and r in releases), None)
        if release_id is None:
            release = Release(title=head.title, text=head.body, first_seen_at=head.first_seen_at)
            session.add(release)
            session.flush()
            releases[release.id] = release
            release_id = release.id
        claimed.add(release_id)
        targets.append(releases[release_id])
        for d in group:
            if d.release_id != release_id:
                d.release_id = release_id
                moved += 1
    session.flush()
    for release_id, release in releases.items():
        if release_id not in claimed:
            release.origin_document_id = None
    session.flush()
    cache = Fingerprints(session, prints)
    for release in targets:
        refresh_release(session, release, cache)
    for release_id, release in releases.items():
        if release_id not in claimed:
            session.delete(release)
    session.flush()
    for release in targets:  # a copy whose reference changed gets its changes worked out again
        refresh_changes(session, release.id)
    session.flush()
    return ReclusterReport(len(docs), before, len(claimed), moved, threshold)
