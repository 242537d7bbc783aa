"""The store's one read layer: posts and what hangs off them, by post id.

The timeline's rows (viewer.store.rows), the detail pane
(viewer.store.post_detail) and every export read through these functions,
so the SQL that knows where entities, media, provenance, tags and notes live
is written once. Each takes any number of ids, reads them in a few bulk
queries (chunked under SQLite's variable limit) and answers a dict keyed by
post id; ids the collection does not have are simply absent. Entities keep
the order the importer wrote them in (rowid), which is the order of the
text.

Plain reads on the caller's connection: sqlite_utils.Database or
sqlite3.Connection alike (both have `execute`).
"""
from __future__ import annotations

import sqlite3
from typing import Any, Iterable, Sequence

import sqlite_utils

from viewer.batching import in_chunks
from viewer.store import decompress

Db = sqlite_utils.Database | sqlite3.Connection
Row = dict[str, Any]


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _dicts(db: Db, sql: str, args: Sequence[Any]) -> Iterable[Row]:
    cur = db.execute(sql, list(args))
    cols = [d[0] for d in cur.description]
    for r in cur.fetchall():
        yield dict(zip(cols, r, strict=True))


def _by_id(db: Db, table: str, ids: Iterable[int], columns: str) -> dict[int, Row]:
    wanted = sorted({int(i) for i in ids})
    out: dict[int, Row] = {}
    for chunk in in_chunks(wanted):
        for r in _dicts(db, f"SELECT {columns} FROM {table} WHERE id IN ({_marks(len(chunk))})", chunk):
            out[r["id"]] = r
    return out


def _per_post(db: Db, sql: str, post_ids: Iterable[int]) -> dict[int, list[Row]]:
    """Rows of a per-post table, grouped by post; `sql` selects post_id and
    has one {marks} placeholder for the ids."""
    wanted = sorted({int(i) for i in post_ids})
    out: dict[int, list[Row]] = {}
    for chunk in in_chunks(wanted):
        for r in _dicts(db, sql.format(marks=_marks(len(chunk))), chunk):
            out.setdefault(r["post_id"], []).append(r)
    return out


def posts(db: Db, ids: Iterable[int], columns: str = "*") -> dict[int, Row]:
    """Post rows by id (`columns` must include id)."""
    return _by_id(db, "posts", ids, columns)


def users(db: Db, ids: Iterable[int]) -> dict[int, Row]:
    """User rows by id."""
    return _by_id(db, "users", ids, "*")


def hashtags(db: Db, post_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each post's hashtags as written, in text order."""
    got = _per_post(db, "SELECT post_id, tag FROM hashtags WHERE post_id IN ({marks}) ORDER BY post_id, rowid",
                    post_ids)
    return {pid: [r["tag"] for r in rows] for pid, rows in got.items()}


def mentions(db: Db, post_ids: Iterable[int]) -> dict[int, list[Row]]:
    """Each post's mentions: {post_id, handle, user_id}, in text order."""
    return _per_post(db, "SELECT post_id, handle, user_id FROM mentions WHERE post_id IN ({marks}) "
                         "ORDER BY post_id, rowid", post_ids)


def urls(db: Db, post_ids: Iterable[int]) -> dict[int, list[Row]]:
    """Each post's links: {post_id, url, expanded, display}, in text order."""
    return _per_post(db, "SELECT post_id, url, expanded, display FROM urls WHERE post_id IN ({marks}) "
                         "ORDER BY post_id, rowid", post_ids)


def media(db: Db, post_ids: Iterable[int]) -> dict[int, list[Row]]:
    """Each post's media rows (every column), in the post's order."""
    return _per_post(db, "SELECT * FROM media WHERE post_id IN ({marks}) ORDER BY post_id, rowid", post_ids)


def sources(db: Db) -> dict[int, Row]:
    """Every imported file: {id, path, name, sha256, format, size, finished_at}."""
    return {r["id"]: r for r in _dicts(
        db, "SELECT id, path, name, sha256, format, size, finished_at FROM sources", [])}


def raw_records(db: Db, post_ids: Iterable[int], with_data: bool = False) -> dict[int, list[Row]]:
    """Where each post came from: {post_id, source_id, location, collected}
    per source that held it, by source, and with `with_data` the verbatim
    record as `data` (bytes, decompressed)."""
    cols = "post_id, source_id, location, collected" + (", data" if with_data else "")
    got = _per_post(db, f"SELECT {cols} FROM raw WHERE post_id IN ({{marks}}) ORDER BY post_id, source_id",
                    post_ids)
    if with_data:
        for rows in got.values():
            for r in rows:
                r["data"] = decompress(r["data"]) if r["data"] is not None else None
    return got


def tags(db: Db, post_ids: Iterable[int]) -> dict[int, list[Row]]:
    """Each post's curator tags by name: {post_id, id, name, colour, added_by, added_at}."""
    return _per_post(db, "SELECT pt.post_id, t.id, t.name, t.colour, pt.added_by, pt.added_at "
                         "FROM post_tags pt JOIN tags t ON t.id = pt.tag_id "
                         "WHERE pt.post_id IN ({marks}) ORDER BY pt.post_id, t.name", post_ids)


def notes(db: Db, post_ids: Iterable[int]) -> dict[int, list[Row]]:
    """Each post's curator notes, oldest first:
    {id, post_id, text, author, created_at, updated_at}."""
    return _per_post(db, "SELECT id, post_id, text, author, created_at, updated_at FROM notes "
                         "WHERE post_id IN ({marks}) ORDER BY post_id, id", post_ids)


def with_notes(db: Db, post_ids: Iterable[int]) -> set[int]:
    """Those of the posts that have a note."""
    return set(_per_post(db, "SELECT DISTINCT post_id FROM notes WHERE post_id IN ({marks})", post_ids))
