"""What one timeline row shows, read from SQLite a page at a time.

Plain reads on the caller's connection (the GUI thread reads; it never writes,
and WAL means a running import never blocks it). One page of ids costs a
handful of primary-key lookups, whatever the size of the collection.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import sqlite_utils

from viewer.store import reading

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


def load_rows(db: sqlite_utils.Database, ids: Sequence[int]) -> dict[int, PostRow]:
    """The rows of these post ids (missing ones, e.g. deleted since the
    search, are simply absent)."""
    ids = list(ids)
    if not ids:
        return {}
    rows: dict[int, PostRow] = {}
    for p in reading.posts(db, ids, _POST_COLS).values():
        rows[p["id"]] = PostRow(id=p["id"], created_ts=p["created_ts"], author_name=p["author_name"],
                                author_handle=p["author_handle"], text=p["text"] or "", lang=p["lang"],
                                kind=p["kind"] or "post", reply_to_handle=p["reply_to_handle"],
                                retweet_of=p["retweet_of"], quote_of=p["quote_of"], reply_to=p["reply_to"])
    # Entities of a post missing from `posts` (a hostile or damaged
    # collection) have no row to go to.
    for pid, items in _media(db, ids).items():
        if pid in rows:
            rows[pid].media = items
    originals = {ref for r in rows.values() if (ref := r.retweet_of or r.quote_of)}
    if originals:
        orig = _originals(db, list(originals))
        for r in rows.values():
            o = orig.get(r.retweet_of or r.quote_of or -1)
            if o is not None:
                r.original = o
    for pid, tags in reading.hashtags(db, ids).items():
        if pid in rows:
            rows[pid].hashtags = tags
    for pid, chips in reading.tags(db, ids).items():
        if pid in rows:
            rows[pid].tags = [(t["name"], t["colour"]) for t in chips]
    for pid in reading.with_notes(db, ids) & rows.keys():
        rows[pid].has_note = True
    return rows


def _media(db: sqlite_utils.Database, ids: list[int]) -> dict[int, list[MediaRef]]:
    return {pid: [MediaRef(m["key"], m["type"], m["url"], m["file"], m["sha256"], m["alt_text"], m["width"],
                           m["height"]) for m in items]
            for pid, items in reading.media(db, ids).items()}


def _originals(db: sqlite_utils.Database, ids: list[int]) -> dict[int, Original]:
    media = _media(db, ids)
    return {pid: Original(pid, r["author_name"], r["author_handle"], r["text"] or "", r["created_ts"],
                          media.get(pid, []))
            for pid, r in reading.posts(db, ids, "id, author_name, author_handle, text, created_ts").items()}
