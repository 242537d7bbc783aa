"""Does the index agree with SQLite?"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from whoosh.index import Index
from whoosh.reading import IndexReader

from viewer.collection import Collection
from viewer.index import colfile
from viewer.index.columns import deleted_docs, segment_columns
from viewer.index.schema import (
    META_FORMAT,
    META_NAME,
    get_meta,
    index_format,
    is_dirty,
    open_index,
)

# verify
# ---------------------------------------------------------------------------


@dataclass
class VerifyReport:
    posts: int = 0  # collected posts in SQLite
    indexed: int = 0  # live documents in the index
    missing: list[int] = field(default_factory=list)  # collected posts with no document
    extra: list[int] = field(default_factory=list)  # documents of no collected post, or a second one
    stale: list[int] = field(default_factory=list)  # documents older than their post (rev differs)
    problem: str | None = None  # no index, unreadable, or built with another analysis
    dirty: bool = False  # a writer did not finish (a kill), whatever the counts say
    # What is wrong with the generation's column file (viewer.index.colfile),
    # e.g. "its ts column differs"; None when it agrees with the segments.
    columns: str | None = None

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.stale or self.problem or self.columns)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "posts": self.posts,
            "indexed": self.indexed,
            "missing": [str(i) for i in self.missing],
            "extra": [str(i) for i in self.extra],
            "stale": [str(i) for i in self.stale],
            "problem": self.problem,
            "interrupted": self.dirty,
            "columns": self.columns,
        }


def _collected(coll: Collection) -> tuple[np.ndarray, np.ndarray]:
    """Every collected post's id (ascending) and what its document must
    carry: its rev and its retweeted original's (0 for none), as arrays (a
    dict of ten million posts held ~1.5 GB)."""
    n = coll.db.execute("SELECT count(*) FROM posts WHERE collected = 1").fetchone()[0]
    rows = coll.db.execute(
        "SELECT p.id, COALESCE(p.rev, 0), COALESCE(o.rev, 0) FROM posts p "
        "LEFT JOIN posts o ON o.id = p.retweet_of WHERE p.collected = 1 ORDER BY p.id")
    got = np.fromiter(rows, dtype=[("id", np.int64), ("rev", np.int64), ("orev", np.int64)], count=n)
    return got["id"].copy(), np.stack([got["rev"], got["orev"]], axis=1)


def _indexed(reader: IndexReader) -> tuple[np.ndarray, np.ndarray]:
    """Every live document's post id and (rev, orig_rev), in document order."""
    pids: list[np.ndarray] = []
    revs: list[np.ndarray] = []
    for seg, _ in reader.leaf_readers():
        n = seg.doc_count_all()
        cols = segment_columns(seg, ("pid", "rev", "orig_rev"))
        live = np.ones(n, dtype=bool)
        deleted = deleted_docs(seg)
        if deleted:
            live[np.fromiter(deleted, np.int64, len(deleted))] = False
        pids.append(np.asarray(cols["pid"], dtype=np.int64)[live])
        revs.append(np.stack([np.asarray(cols["rev"], dtype=np.int64)[live],
                              np.asarray(cols["orig_rev"], dtype=np.int64)[live]], axis=1))
    if not pids:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 2), dtype=np.int64)
    return np.concatenate(pids), np.concatenate(revs)


def compare(coll: Collection, ix: Index) -> VerifyReport:
    report = VerifyReport(dirty=is_dirty(coll))
    want, want_rev = _collected(coll)
    report.posts = int(want.size)
    with ix.reader() as r:
        pids, revs = _indexed(r)
        report.indexed = int(pids.size)
        # A post's first document (in document order) is checked; any other
        # one is extra, as is a document of no collected post.
        order = np.argsort(pids, kind="stable")
        sorted_pids = pids[order]
        first = np.ones(sorted_pids.size, dtype=bool)
        first[1:] = sorted_pids[1:] != sorted_pids[:-1]
        at = np.minimum(np.searchsorted(want, sorted_pids), max(want.size - 1, 0))
        known = (want[at] == sorted_pids) if want.size else np.zeros(sorted_pids.size, dtype=bool)
        checked = first & known
        stale = checked & np.any(want_rev[at] != revs[order], axis=1) if want.size else checked
        report.extra = np.sort(sorted_pids[~checked]).tolist()
        report.stale = np.sort(sorted_pids[stale]).tolist()
        report.missing = want[~np.isin(want, sorted_pids[first], assume_unique=True)].tolist()
        del pids, revs, order, sorted_pids
        report.columns = check_columns(coll, ix, r, want)
    return report


def check_columns(coll: Collection, ix: Index, reader: IndexReader, collected: np.ndarray) -> str | None:
    """What is wrong with the column file of the generation `reader` reads,
    compared with its segments and with the posts SQLite holds (`collected`:
    their ids, ascending); None when it agrees (or there is nothing indexed
    to describe)."""
    if reader.doc_count_all() == 0:
        return None
    path = colfile.path_for(coll.index_dir, ix.indexname, reader.generation())
    try:
        m = colfile.Mapped(path)
    except colfile.ColumnFileError as e:
        return f"the column file of the index is missing or unreadable ({e})"
    try:
        problems = colfile.disagreements_with_rebuild(m, ix, reader)
        if not problems and not np.array_equal(m.arrays["bypid_pid"], collected):
            problems.append("its posts are not the collected posts of the database")
    finally:
        m.close()
    return f"the column file {path.name} disagrees with the index: {'; '.join(problems)}" if problems else None


def verify(coll: Collection) -> VerifyReport:
    """Compare the index with SQLite: post id and rev of every document."""
    ix = open_index(coll)
    if ix is None:
        ids = [r[0] for r in coll.db.execute("SELECT id FROM posts WHERE collected = 1 ORDER BY id")]
        name = get_meta(coll.db, META_NAME)
        problem: str | None
        if name and get_meta(coll.db, META_FORMAT) != index_format():
            problem = "the index was built by another version of archive-viewer"
        elif name:
            problem = "the index is missing or unreadable"
        else:
            problem = "there is no index yet" if ids else None
        return VerifyReport(posts=len(ids), missing=ids, problem=problem, dirty=is_dirty(coll))
    try:
        return compare(coll, ix)
    except Exception as e:  # a segment file missing or cut short
        ids = [r[0] for r in coll.db.execute("SELECT id FROM posts WHERE collected = 1 ORDER BY id")]
        return VerifyReport(posts=len(ids), missing=ids, dirty=is_dirty(coll),
                            problem=f"the index is damaged ({type(e).__name__}: {str(e)[:200]})")
    finally:
        ix.close()
