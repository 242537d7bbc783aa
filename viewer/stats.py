"""What a collection holds, in numbers: for `stats` and the window's status bar."""
from __future__ import annotations

from typing import Any

import sqlite_utils


def collection_stats(db: sqlite_utils.Database, top: int = 10) -> dict[str, Any]:
    one = lambda sql, args=(): db.execute(sql, args).fetchone()[0]  # noqa: E731
    posts = one("SELECT count(*) FROM posts")
    collected = one("SELECT count(*) FROM posts WHERE collected = 1")
    authors = one("SELECT count(DISTINCT lower(author_handle)) FROM posts "
                  "WHERE collected = 1 AND author_handle IS NOT NULL")
    first, last = db.execute(
        "SELECT min(created_at), max(created_at) FROM posts WHERE collected = 1").fetchone()
    # Show each tag in its most used display form, counted over its normalised form.
    hashtags = [
        {"tag": r[1], "count": r[2]}
        for r in db.execute(
            """SELECT h.norm,
                      (SELECT tag FROM hashtags h2 WHERE h2.norm = h.norm
                       GROUP BY tag ORDER BY count(*) DESC, tag LIMIT 1),
                      count(*) AS n
               FROM hashtags h JOIN posts p ON p.id = h.post_id AND p.collected = 1
               GROUP BY h.norm ORDER BY n DESC, h.norm LIMIT ?""", [top]).fetchall()
    ]
    top_authors = [
        {"author": r[0], "count": r[1]}
        for r in db.execute(
            """SELECT author_handle, count(*) AS n FROM posts
               WHERE collected = 1 AND author_handle IS NOT NULL
               GROUP BY lower(author_handle) ORDER BY n DESC, author_handle LIMIT ?""", [top]).fetchall()
    ]
    kinds = {r[0]: r[1] for r in db.execute(
        "SELECT kind, count(*) FROM posts WHERE collected = 1 GROUP BY kind").fetchall()}
    return {
        "posts": posts,
        "collected": collected,
        "referenced_only": posts - collected,
        "deleted": one("SELECT count(*) FROM posts WHERE deleted = 1"),
        "authors": authors,
        "first": first,
        "last": last,
        "hashtags": hashtags,
        "top_authors": top_authors,
        "kinds": kinds,
        "media": one("SELECT count(*) FROM media"),
        "media_files": one("SELECT count(DISTINCT sha256) FROM media WHERE file IS NOT NULL"),
        "sources": one("SELECT count(*) FROM sources WHERE status = 'complete'"),
        "failed_records": one("SELECT count(*) FROM problems WHERE coalesce(notice, 0) = 0"),
        "notices": one("SELECT count(*) FROM problems WHERE notice = 1"),
    }
