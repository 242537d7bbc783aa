"""What one timeline row shows, read from SQLite a page at a time.

Plain reads on the caller's connection (the GUI thread reads; it never writes,
and WAL means a running import never blocks it). One page of ids costs a
handful of primary-key lookups, whatever the size of the collection.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import sqlite_utils

_POST_COLS = ("id, created_ts, author_name, author_handle, text, lang, kind, reply_to_handle, "
              "retweet_of, quote_of, media_count, reply_to")


@dataclass
class MediaRef:
    key: str
    type: str | None
    url: str | None  # remote: shown as a reference, never fetched
    file: str | None  # relative to the collection's media/ folder
    sha256: str | None
    alt_text: str | None = None
    width: int | None = None
    height: int | None = None

    @property
    def local(self) -> bool:
        return bool(self.file and self.sha256)


@dataclass
class Original:
    """The retweeted or quoted post, as far as the collection knows it."""

    id: int
    author_name: str | None
    author_handle: str | None
    text: str
    created_ts: int | None
    media: list[MediaRef] = field(default_factory=list)


@dataclass
class PostRow:
    id: int
    created_ts: int | None
    author_name: str | None
    author_handle: str | None
    text: str
    lang: str | None
    kind: str
    reply_to_handle: str | None = None
    reply_to: int | None = None
    retweet_of: int | None = None
    quote_of: int | None = None
    original: Original | None = None
    hashtags: list[str] = field(default_factory=list)
    tags: list[tuple[str, str | None]] = field(default_factory=list)  # (name, colour)
    media: list[MediaRef] = field(default_factory=list)
    has_note: bool = False

    @property
    def display_text(self) -> str:
        """What the row reads: a retweet shows the retweeted post's text."""
        if self.kind == "retweet" and self.original is not None and self.original.text:
            return self.original.text
        return self.text

    @property
    def display_media(self) -> list[MediaRef]:
        if self.media:
            return self.media
        if self.kind == "retweet" and self.original is not None:
            return self.original.media
        return []


def _marks(n: int) -> str:
    return ",".join("?" * n)


def load_rows(db: sqlite_utils.Database, ids: Sequence[int]) -> dict[int, PostRow]:
    """The rows of these post ids (missing ones, e.g. deleted since the
    search, are simply absent)."""
    ids = list(ids)
    if not ids:
        return {}
    rows: dict[int, PostRow] = {}
    for r in db.execute(f"SELECT {_POST_COLS} FROM posts WHERE id IN ({_marks(len(ids))})", ids).fetchall():
        rows[r[0]] = PostRow(id=r[0], created_ts=r[1], author_name=r[2], author_handle=r[3], text=r[4] or "",
                             lang=r[5], kind=r[6] or "post", reply_to_handle=r[7], retweet_of=r[8],
                             quote_of=r[9], reply_to=r[11])
    media = _media(db, ids)
    for pid, items in media.items():
        if pid in rows:
            rows[pid].media = items
    originals = {ref for r in rows.values() if (ref := r.retweet_of or r.quote_of)}
    if originals:
        orig = _originals(db, list(originals))
        for r in rows.values():
            o = orig.get(r.retweet_of or r.quote_of or -1)
            if o is not None:
                r.original = o
    for pid, tag in db.execute(
            f"SELECT post_id, tag FROM hashtags WHERE post_id IN ({_marks(len(ids))}) ORDER BY post_id, rowid",
            ids).fetchall():
        if pid in rows:
            rows[pid].hashtags.append(tag)
    for pid, name, colour in db.execute(
            f"SELECT pt.post_id, t.name, t.colour FROM post_tags pt JOIN tags t ON t.id = pt.tag_id "
            f"WHERE pt.post_id IN ({_marks(len(ids))}) ORDER BY t.name", ids).fetchall():
        if pid in rows:
            rows[pid].tags.append((name, colour))
    for (pid,) in db.execute(f"SELECT DISTINCT post_id FROM notes WHERE post_id IN ({_marks(len(ids))})",
                             ids).fetchall():
        if pid in rows:
            rows[pid].has_note = True
    return rows


def _media(db: sqlite_utils.Database, ids: list[int]) -> dict[int, list[MediaRef]]:
    out: dict[int, list[MediaRef]] = {}
    for r in db.execute(
            f"SELECT post_id, key, type, url, file, sha256, alt_text, width, height FROM media "
            f"WHERE post_id IN ({_marks(len(ids))}) ORDER BY post_id, rowid", ids).fetchall():
        out.setdefault(r[0], []).append(MediaRef(*r[1:]))
    return out


def _originals(db: sqlite_utils.Database, ids: list[int]) -> dict[int, Original]:
    media = _media(db, ids)
    return {
        r[0]: Original(r[0], r[1], r[2], r[3] or "", r[4], media.get(r[0], []))
        for r in db.execute(
            f"SELECT id, author_name, author_handle, text, created_ts FROM posts WHERE id IN ({_marks(len(ids))})",
            ids).fetchall()
    }
