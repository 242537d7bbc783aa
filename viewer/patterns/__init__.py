"""Patterns across posts (DESIGN §6b): near-copy texts, re-posted images,
the accounts that amplify and the network of who retweets, quotes,
mentions and replies to whom. No Qt, no network.

Clusters are kept in tables of their own in collection.db (`text_band_chunks`,
`text_clusters`, `image_hashes`) and the near-copies' band files
(`<collection>/text_bands/`), derived from the posts like the index:
the importer hands each written batch to a `PatternSink`, which clusters
the new posts against everything before (work per post, never per pair of
posts), and `rebuild` recomputes them all (`archive-viewer reindex`).
"""
from __future__ import annotations

from typing import Any, Iterable

from viewer.batching import in_chunks
from viewer.collection import Collection
from viewer.jobs import Job
from viewer.patterns import image_clusters, text_clusters

__all__ = ["PatternSink", "ensure_tables", "rebuild", "REBUILD_BATCH"]

REBUILD_BATCH = 5000


def ensure_tables(db: Any) -> None:
    text_clusters.ensure_tables(db)
    image_clusters.ensure_tables(db)


def _media_files(db: Any, ids: Iterable[int]) -> list[str]:
    out: list[str] = []
    for chunk in in_chunks(list(ids), 900):
        out.extend(r[0] for r in db.execute(
            f"SELECT DISTINCT sha256 FROM media WHERE post_id IN ({','.join('?' * len(chunk))}) "
            "AND sha256 IS NOT NULL AND file IS NOT NULL AND type IN ('photo', 'image')", chunk))
    return out


class PatternSink:
    """What the importer tells the clusters: `posts_changed(ids)` after each
    batch it wrote (clustered then and there, one transaction)."""

    def __init__(self, coll: Collection):
        self.coll = coll
        ensure_tables(coll.db)
        self.text = text_clusters.TextClusterer()

    def posts_changed(self, ids: list[int]) -> None:
        if not ids:
            return
        conn = self.coll.db.conn
        try:
            with conn:
                self.text.add_posts(conn, ids)
                image_clusters.add_files(conn, self.coll.media_dir, _media_files(conn, ids))
        finally:
            self.text.settle(conn)  # the band files follow the transaction, committed or not


def rebuild(coll: Collection, job: Job | None = None) -> int:
    """Recompute every cluster from the posts; returns the posts clustered."""
    db = coll.db
    ensure_tables(db)
    conn = db.conn
    with conn:
        text_clusters.clear(conn)
        image_clusters.clear(conn)
    ids = [r[0] for r in conn.execute("SELECT id FROM posts WHERE collected = 1 AND kind != 'retweet' ORDER BY id")]
    done = 0
    text = text_clusters.TextClusterer(backfill=False)
    for chunk in in_chunks(ids, REBUILD_BATCH):
        if job is not None:
            job.check()
            job.progress(done, len(ids), "Finding near-copies", done)
        try:
            with conn:
                text.add_posts(conn, chunk)
                image_clusters.add_files(conn, coll.media_dir, _media_files(conn, chunk))
        finally:
            text.settle(conn)
        done += len(chunk)
    return done
