"""similar:ID and copies:N as masks over an index generation: the post ids
come from viewer.patterns (SQLite), the ranks from the generation, and the
masks are kept until the database changes (an import, a reindex)."""
from __future__ import annotations

from typing import Any

from viewer.patterns.clusters import posts_with_copies, similar_posts
from viewer.search.columns import Generation
from viewer.search.masks import mask_from_ranks
from viewer.search.query import Copies, Similar


class ClusterMasks:
    def __init__(self) -> None:
        self._key: Any = None
        self._cache: dict[Any, int] = {}

    def mask(self, db: Any, g: Generation, node: Similar | Copies) -> int:
        conn = db.conn
        key = (id(g), conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
        if key != self._key:
            self._cache.clear()
            self._key = key
        m = self._cache.get(node)
        if m is None:
            if isinstance(node, Similar):
                pids = similar_posts(db, node.post_id)
            else:
                pids = posts_with_copies(db, node.at_least)
            ranks = g.ranks_of(sorted(pids))
            m = mask_from_ranks(g.n, ranks[ranks >= 0].tolist())
            self._cache[node] = m
        return m
