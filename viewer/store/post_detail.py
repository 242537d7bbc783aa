"""Everything the detail pane shows about one post, read in one go: the post,
its author, the original it retweets or quotes, the reply thread as far as
the collection has it, links, provenance with the verbatim records, tags and
notes."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from viewer.store import decompress
from viewer.store.rows import PostRow, load_rows

THREAD_UP = 40
THREAD_DOWN = 60
RAW_SHOWN = 200_000  # characters of one raw record shown; the rest is elided


@dataclass
class RawRecord:
    source_name: str
    source_path: str
    format: str | None
    location: str | None
    collected: bool
    json_text: str


@dataclass
class PostDetail:
    row: PostRow
    post: dict[str, Any]
    author: dict[str, Any] | None
    original: PostRow | None
    ancestors: list[PostRow] = field(default_factory=list)  # oldest first
    replies: list[PostRow] = field(default_factory=list)
    urls: list[tuple[str, str | None]] = field(default_factory=list)  # (as in text, expanded)
    raw: list[RawRecord] = field(default_factory=list)
    tags: list[tuple[str, str | None, str | None, str | None]] = field(default_factory=list)
    notes: list[tuple[str, str | None, str | None]] = field(default_factory=list)


def _pretty(blob: bytes | None) -> str:
    if blob is None:
        return ""
    data = decompress(blob)
    try:
        text = json.dumps(json.loads(data), ensure_ascii=False, indent=2)
    except (ValueError, UnicodeDecodeError):
        # Not JSON (a CSV row, say): shown as it was.
        text = data.decode("utf-8", "replace")
    if len(text) > RAW_SHOWN:
        text = text[:RAW_SHOWN] + f"\n… ({len(text) - RAW_SHOWN:,} more characters)"
    return text


def load_detail(db: sqlite_utils.Database, post_id: int) -> PostDetail | None:
    rows = load_rows(db, [post_id])
    row = rows.get(post_id)
    if row is None:
        return None
    post = next(db.query("SELECT * FROM posts WHERE id = ?", [post_id]))
    author = None
    if post.get("author_id") is not None:
        author = next(db.query("SELECT * FROM users WHERE id = ?", [post["author_id"]]), None)
    original = None
    oid = row.retweet_of or row.quote_of
    if oid:
        original = load_rows(db, [oid]).get(oid)
    d = PostDetail(row=row, post=post, author=author, original=original)

    # Up the reply chain as far as the collection has it.
    chain: list[int] = []
    seen = {post_id}
    parent = post.get("reply_to")
    while parent and parent not in seen and len(chain) < THREAD_UP:
        seen.add(parent)
        r = db.execute("SELECT reply_to FROM posts WHERE id = ?", [parent]).fetchone()
        if r is None:
            break
        chain.append(parent)
        parent = r[0]
    if chain:
        got = load_rows(db, chain)
        d.ancestors = [got[i] for i in reversed(chain) if i in got]
    reply_ids = [r[0] for r in db.execute(
        "SELECT id FROM posts WHERE reply_to = ? ORDER BY created_ts LIMIT ?", [post_id, THREAD_DOWN]).fetchall()]
    if reply_ids:
        got = load_rows(db, reply_ids)
        d.replies = [got[i] for i in reply_ids if i in got]

    d.urls = [(r[0], r[1]) for r in db.execute(
        "SELECT url, expanded FROM urls WHERE post_id = ? ORDER BY rowid", [post_id]).fetchall()]
    for name, path, fmt, location, collected, data in db.execute(
            "SELECT s.name, s.path, s.format, r.location, r.collected, r.data FROM raw r "
            "LEFT JOIN sources s ON s.id = r.source_id WHERE r.post_id = ? ORDER BY r.source_id", [post_id]).fetchall():
        d.raw.append(RawRecord(name or "?", path or "?", fmt, location, bool(collected), _pretty(data)))
    d.tags = [tuple(r) for r in db.execute(
        "SELECT t.name, t.colour, pt.added_by, pt.added_at FROM post_tags pt JOIN tags t ON t.id = pt.tag_id "
        "WHERE pt.post_id = ? ORDER BY t.name", [post_id]).fetchall()]
    d.notes = [tuple(r) for r in db.execute(
        "SELECT text, author, coalesce(updated_at, created_at) FROM notes WHERE post_id = ? ORDER BY id",
        [post_id]).fetchall()]
    return d
