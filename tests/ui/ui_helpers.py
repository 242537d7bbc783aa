"""Helpers for the window's tests: collections made of given posts, and what
the search itself answers (to compare the window with)."""
from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "viewer" / "resources" / "sample" / "mosul"
# Each run renders here (git-ignored); the PNGs committed beside it in
# snapshots/ are the ones a person looked at, to compare with.
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots" / "latest"
# How long a test waits for the window's background work before failing. Only
# a failing test ever waits this long, so it is sized for a shared machine
# under heavy load (a 20 s wait once ran out at load 9), not for speed.
WAIT_MS = 60_000


def build_collection(path: Path, posts: list, users: list | None = None) -> Path:
    """A collection holding exactly these viewer.model.Post records, indexed."""
    from viewer.collection import Collection
    from viewer.store import Store
    from viewer.index import index_sink

    with Collection.open(path) as coll:
        store = Store(coll.db, coll.media_dir)
        import_id = store.begin_import(["test"])
        source = store.start_source(import_id, "test.jsonl", "test.jsonl", "0" * 64, "v1", 0)
        res = store.write_batch(source, posts, users or [], [])
        store.finish_source(source, "complete")
        sink = index_sink(coll)
        if sink is not None:
            sink.posts_changed(res.changed)
            sink.commit()
    return path


def post(i: int, text: str, **kw):  # type: ignore[no-untyped-def]
    """A Post dated i minutes into the offensive, with a raw record."""
    from viewer.model import Post

    created = datetime(2016, 10, 17, 5, 0, tzinfo=timezone.utc).timestamp() + 60 * i
    fields = dict(id=780_000_000_000_000_000 + i, created_at=datetime.fromtimestamp(created, timezone.utc),
                  text=text, author_id=42, author_handle="reporter_mosul", author_name="Reporter",
                  lang="en", location=f"line {i + 1}")
    fields.update(kw)
    p = Post(**fields)
    if not p.raw:
        p.raw = json.dumps({"id_str": str(p.id), "full_text": text}, ensure_ascii=False).encode()
    return p


def search_total(path: Path, query: str, **kw) -> int:  # type: ignore[no-untyped-def]
    """What the search itself says, to compare the window with."""
    from viewer.collection import Collection
    from viewer.search import Searcher

    with Collection.open(path) as coll:
        return Searcher(coll).search(query, **kw).total


def search_ids(path: Path, query: str, **kw) -> list[int]:  # type: ignore[no-untyped-def]
    from viewer.collection import Collection
    from viewer.search import Searcher

    with Collection.open(path) as coll:
        return list(Searcher(coll).search(query, **kw).ids)


def copy_collection(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    return dest
