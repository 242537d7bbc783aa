"""Small collections for the search tests, written as the importer writes
them (viewer.store.Store.write_batch) and indexed through the importer's
sink, so every test can count its expected results by hand."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable

from viewer.collection import Collection
from viewer.index import index_sink
from viewer.model import Media, Mention, Post, Url
from viewer.store import Store

_next_id = [900_000_000_000_000_000]


def when(text: str) -> datetime:
    """'2016-10-17T05:00' or '2016-10-17' as UTC."""
    fmt = "%Y-%m-%dT%H:%M:%S" if text.count(":") == 2 else "%Y-%m-%dT%H:%M" if "T" in text else "%Y-%m-%d"
    return datetime.strptime(text, fmt).replace(tzinfo=timezone.utc)


def post(text: str, at: str = "2016-10-17T05:00", author: str = "reporter", id: int | None = None,
         hashtags: Iterable[str] = (), mentions: Iterable[str] = (), media: Iterable[str] = (),
         urls: Iterable[str] = (), **kw: Any) -> Post:
    """A collected post; hashtags and mentions are also taken from the
    text's #words and @words, as the formats give them."""
    if id is None:
        _next_id[0] += 1
        id = _next_id[0]
    tags = list(hashtags) or [w[1:].rstrip(".,") for w in text.split() if w.startswith("#")]
    handles = list(mentions) or [w[1:].rstrip(".,:") for w in text.split() if w.startswith("@")]
    return Post(
        id=id, created_at=when(at), text=text, author_id=hash(author) & 0xFFFFFF, author_handle=author,
        author_name=author.title(), hashtags=tags, mentions=[Mention(h) for h in handles],
        media=[Media(f"{id}{i}", t, f"https://pbs.example/{id}{i}") for i, t in enumerate(media)],
        urls=[Url(u, u, u) for u in urls], raw=b'{"id": "%d"}' % id, location="test", **kw)


def store(coll: Collection, posts: list[Post]) -> list[int]:
    """Write posts as one import would; returns the ids whose rows changed."""
    s = Store(coll.db, coll.media_dir)
    import_id = s.begin_import(["test"])
    source_id = s.start_source(import_id, "test", "test", f"sha-{id(posts)}-{len(posts)}", "test", None)
    res = s.write_batch(source_id, posts, [], [])
    s.finish_source(source_id, "complete")
    s.finish_import(import_id, "complete", 0, 0, 0, 0)
    return res.changed


def add(coll: Collection, posts: list[Post]) -> list[Post]:
    """Store and index posts, as `archive-viewer import` does."""
    sink = index_sink(coll)
    sink.posts_changed(store(coll, posts))
    sink.commit()
    return posts
