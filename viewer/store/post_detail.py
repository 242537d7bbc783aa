"""Everything the detail pane shows about one post, read in one go: the post,
its author, the original it retweets or quotes, the reply thread as far as
the collection has it, links, provenance with the verbatim records, tags and
notes."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from viewer.store import reading
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


def _pretty(data: bytes | None) -> str:
    if data is None:
        return ""
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
    post = reading.posts(db, [post_id])[post_id]
    author = None
    if post.get("author_id") is not None:
        author = reading.users(db, [post["author_id"]]).get(post["author_id"])
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

    d.urls = [(u["url"], u["expanded"]) for u in reading.urls(db, [post_id]).get(post_id, [])]
    records = reading.raw_records(db, [post_id], with_data=True).get(post_id, [])
    files = reading.sources(db) if records else {}
    for r in records:
        src = files.get(r["source_id"], {})
        d.raw.append(RawRecord(src.get("name") or "?", src.get("path") or "?", src.get("format"), r["location"],
                               bool(r["collected"]), _pretty(r["data"])))
    d.tags = [(t["name"], t["colour"], t["added_by"], t["added_at"])
              for t in reading.tags(db, [post_id]).get(post_id, [])]
    d.notes = [(n["text"], n["author"], n["updated_at"] or n["created_at"])
               for n in reading.notes(db, [post_id]).get(post_id, [])]
    return d
