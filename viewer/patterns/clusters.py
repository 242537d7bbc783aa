"""Reading the clusters: the largest ones (of the collection or of a result
set), the cluster of a post, and the posts of clusters of a given size.

Only collected posts count, and never retweets: a cluster's size is the
number of distinct collected posts in it (for a result set, in it and in
the result set), its accounts the distinct authors of those posts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Collection as Coll, Iterable


KINDS = ("text", "image")

# CROSS JOIN keeps SQLite's join order: from the (small) cluster tables
# into the posts by key, never a scan of a million posts or media rows.
_MEMBERS = {
    "text": ("SELECT c.cluster, p.id, p.author_id, p.author_handle, p.created_ts FROM text_clusters c "
             "CROSS JOIN posts p ON p.id = c.post_id WHERE p.collected = 1 AND p.kind != 'retweet'"),
    "image": ("SELECT DISTINCT h.cluster, p.id, p.author_id, p.author_handle, p.created_ts FROM image_hashes h "
              "CROSS JOIN media m ON m.sha256 = h.sha256 CROSS JOIN posts p ON p.id = m.post_id "
              "WHERE m.file IS NOT NULL AND p.collected = 1 AND p.kind != 'retweet'"),
}


@dataclass
class Cluster:
    kind: str  # "text" or "image"
    label: int
    posts: list[int]  # oldest first
    accounts: int
    first_ts: int | None
    last_ts: int | None

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.label}"

    @property
    def size(self) -> int:
        return len(self.posts)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "size": self.size, "accounts": self.accounts,
                "first": iso(self.first_ts), "last": iso(self.last_ts), "posts": [str(p) for p in self.posts]}


def iso(ts: int | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _conn(db: Any) -> Any:
    return db.conn if hasattr(db, "conn") else db


def _ready(conn: Any) -> bool:
    """False in a collection made before clusters existed (until an import
    or `reindex` makes them): it simply has none yet."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name IN ('text_clusters', 'image_hashes')")}
    return len(names) == 2


def _group(kind: str, rows: Iterable[tuple], within: Coll[int] | None) -> dict[int, list[tuple]]:
    by: dict[int, list[tuple]] = {}
    for label, pid, author_id, handle, ts in rows:
        if within is None or pid in within:
            by.setdefault(label, []).append((pid, author_id if author_id is not None else handle, ts))
    return by


def _cluster(kind: str, label: int, members: list[tuple]) -> Cluster:
    members.sort(key=lambda m: (m[2] is None, m[2] or 0, m[0]))
    times = [m[2] for m in members if m[2] is not None]
    return Cluster(kind, label, [m[0] for m in members], len({m[1] for m in members}),
                   min(times) if times else None, max(times) if times else None)


def list_clusters(db: Any, kind: str | None = None, min_size: int = 2,
                  within: Coll[int] | None = None) -> list[Cluster]:
    """Clusters of at least `min_size` posts, largest first (then the most
    accounts, then the earliest); with `within`, only those posts count."""
    conn = _conn(db)
    out: list[Cluster] = []
    if not _ready(conn):
        return out
    for k in (kind,) if kind else KINDS:
        for label, members in _group(k, conn.execute(_MEMBERS[k]), within).items():
            if len(members) >= max(min_size, 2):
                out.append(_cluster(k, label, members))
    out.sort(key=lambda c: (-c.size, -c.accounts, c.first_ts or 0, c.id))
    return out


def clusters_of(db: Any, post_id: int) -> list[Cluster]:
    """The clusters (text, then images) that hold this post, with at least
    one other post."""
    conn = _conn(db)
    out: list[Cluster] = []
    if not _ready(conn):
        return out
    labels: list[tuple[str, int]] = [("text", r[0]) for r in conn.execute(
        "SELECT cluster FROM text_clusters WHERE post_id = ?", [post_id])]
    labels += [("image", r[0]) for r in conn.execute(
        "SELECT DISTINCT h.cluster FROM media m JOIN image_hashes h ON h.sha256 = m.sha256 "
        "WHERE m.post_id = ? AND m.file IS NOT NULL ORDER BY h.cluster", [post_id])]
    for kind, label in labels:
        if kind == "text":
            rows = conn.execute(_MEMBERS["text"] + " AND c.cluster = ?", [label])
        else:
            rows = conn.execute(_MEMBERS["image"] + " AND h.cluster = ?", [label])
        members = _group(kind, rows, None).get(label, [])
        if len(members) >= 2:
            out.append(_cluster(kind, label, members))
    return out


def excerpts(db: Any, post_ids: Iterable[int], width: int = 160) -> dict[int, str]:
    """The text of each post on one line, cut to `width` characters: what
    a list of clusters shows of each (its first post)."""
    conn = _conn(db)
    ids = list(dict.fromkeys(post_ids))
    out: dict[int, str] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        for pid, text in conn.execute(f"SELECT id, text FROM posts WHERE id IN ({','.join('?' * len(chunk))})",
                                      chunk):
            line = " ".join((text or "").split())
            out[pid] = line if len(line) <= width else line[:width - 1] + "…"
    return out


def similar_posts(db: Any, post_id: int) -> set[int]:
    """The posts in the same text or image cluster as this one (itself
    included, when it is in one)."""
    return {p for c in clusters_of(db, post_id) for p in c.posts}


def posts_with_copies(db: Any, n: int) -> set[int]:
    """Posts whose text or image cluster has at least `n` posts."""
    return {p for c in list_clusters(db, min_size=max(n, 2)) for p in c.posts}
