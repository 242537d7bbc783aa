"""Documents, read from SQLite: what one post puts in the index."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, NamedTuple

from viewer.batching import in_chunks
from viewer.index.schema import (
    FLAG_IMAGES,
    FLAG_LINKS,
    FLAG_MEDIA,
    FLAG_VIDEOS,
    KIND_CODES,
    NO_TIME,
    TAG_SEP,
)
from viewer.textproc import normalize_handle

if TYPE_CHECKING:
    import numpy as np

# ---------------------------------------------------------------------------
# documents, read from SQLite
# ---------------------------------------------------------------------------


class Doc(NamedTuple):
    pid: int
    rev: int
    orig_rev: int
    ts: int
    kind: int
    flags: int
    lang: bytes
    author_c: bytes
    tags_c: bytes
    text: str
    author: list[str]
    hashtags: list[str]
    mentions: list[str]
    to: list[str]

    def columns(self) -> tuple:
        return (self.pid, self.rev, self.orig_rev, self.ts, self.kind, self.flags, self.lang,
                self.author_c, self.tags_c)


def _group(db: Any, sql: str, ids: list[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for chunk in in_chunks(ids):
        for pid, *value in db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk):
            out.setdefault(pid, []).append(value[0] if len(value) == 1 else tuple(value))
    return out


def documents(db: Any, ids: list[int]) -> list[Doc]:
    """The documents of those of `ids` that are collected posts (the others
    get none). `db` is a sqlite3 connection or sqlite_utils Database."""
    marks = ",".join("?" * len(ids))
    # "+p.collected": keep SQLite on the primary key, not the collected index.
    rows = db.execute(
        f"""SELECT p.id, p.rev, p.created_ts, p.kind, p.lang, p.author_handle, p.reply_to_handle,
                   p.text, p.retweet_of, o.id, o.rev, o.text, o.lang
            FROM posts p LEFT JOIN posts o ON o.id = p.retweet_of
            WHERE p.id IN ({marks}) AND +p.collected = 1""", ids).fetchall()
    if not rows:
        return []
    every = sorted({r[0] for r in rows} | {r[9] for r in rows if r[9] is not None})
    tags = _group(db, "SELECT post_id, norm, tag FROM hashtags WHERE post_id IN ({marks})", every)
    mentions = _group(db, "SELECT post_id, handle_norm FROM mentions WHERE post_id IN ({marks})", every)
    media = _group(db, "SELECT post_id, type FROM media WHERE post_id IN ({marks})", every)
    links = _group(db, "SELECT DISTINCT post_id, 1 FROM urls WHERE post_id IN ({marks})", every)
    docs = []
    order = {pid: i for i, pid in enumerate(ids)}
    rows.sort(key=lambda r: order[r[0]])  # as asked: the writer keeps documents in time order
    for (pid, rev, ts, kind, lang, author, to, text, _, oid, orev, otext, olang) in rows:
        sources = (pid,) if oid is None else (pid, oid)
        if otext:
            # A retweet's own text is often cut ("RT @x: …"); the original's
            # is whole, and is what the reader sees.
            text = f"{text}\n{otext}" if text else otext
        seen_tags: dict[str, str] = {}
        for s in sources:
            for norm, shown in tags.get(s, ()):
                seen_tags.setdefault(norm, shown)
        kinds_of_media = {t for s in sources for t in media.get(s, ())}
        flags = 0
        if kinds_of_media:
            flags |= FLAG_MEDIA
        if "photo" in kinds_of_media:
            flags |= FLAG_IMAGES
        if kinds_of_media & {"video", "animated_gif"}:
            flags |= FLAG_VIDEOS
        if any(s in links for s in sources):
            flags |= FLAG_LINKS
        lang = (lang or olang or "").lower()
        docs.append(Doc(
            pid=pid, rev=rev or 0, orig_rev=orev or 0,
            ts=ts if ts is not None else NO_TIME,
            kind=KIND_CODES.get(kind, 0), flags=flags,
            lang=lang.encode(), author_c=(author or "").encode(),
            tags_c=TAG_SEP.join(t.encode() for t in seen_tags.values()),
            text=text or "",
            author=[normalize_handle(author)] if author else [],
            hashtags=list(seen_tags),
            mentions=sorted({m for s in sources for m in mentions.get(s, ())}),
            to=[normalize_handle(to)] if to else [],
        ))
    return docs


def time_order(db: Any, ids: "np.ndarray | None") -> "np.ndarray":
    """The collected posts among `ids` (sorted, unique; None: all of them),
    by (time, id): the order the searcher ranks posts in. Segments written
    in this order let it map document numbers to ranks by an offset instead
    of a lookup. An int64 array: 8 bytes a post, where a list of Python ints
    took ~40 (400 MB at ten million)."""
    import numpy as np

    from viewer.index.idsets import member_mask

    if ids is None or ids.size > 50_000:
        # Most of the collection: one ordered pass over the time index. SQLite
        # puts a post without a time first, as NO_TIME does; ties go by id,
        # the rowid each index entry ends with, so nothing is sorted here
        # (`coalesce()` in the ORDER BY sorted every post in memory).
        rows = db.execute("SELECT id FROM posts WHERE collected = 1 ORDER BY created_ts, id")
        every = _fetch_ids(rows)
        return every if ids is None else every[member_mask(every, ids)]
    keyed: list[tuple[int, int]] = []
    for chunk in in_chunks(ids.tolist()):
        marks = ",".join("?" * len(chunk))
        keyed.extend(db.execute(f"SELECT coalesce(created_ts, ?), id FROM posts WHERE id IN ({marks}) "
                                "AND +collected = 1", [NO_TIME, *chunk]))
    keyed.sort()
    return np.fromiter((pid for _, pid in keyed), np.int64, len(keyed))


def _fetch_ids(rows: Any) -> "np.ndarray":
    """The first column of `rows` as an int64 array, a batch at a time."""
    import numpy as np

    parts = []
    while True:
        batch = rows.fetchmany(100_000)
        if not batch:
            break
        parts.append(np.fromiter((r[0] for r in batch), np.int64, len(batch)))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def with_retweets(db: Any, ids: Iterable[int]) -> "np.ndarray":
    """`ids` and the collected retweets of any of them (sorted, unique): a
    retweet's document holds its original's text, so it changes when the
    original does."""
    import numpy as np

    base = np.unique(np.fromiter(ids, np.int64))
    found: list[int] = []
    for chunk in in_chunks(base.tolist()):
        marks = ",".join("?" * len(chunk))
        found.extend(r[0] for r in db.execute(
            f"SELECT id FROM posts WHERE retweet_of IN ({marks}) AND +collected = 1", chunk))
    return np.union1d(base, np.array(found, dtype=np.int64)) if found else base
