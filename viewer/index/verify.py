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


# Values per piece of a comparison, rows per fetch from SQLite.
_PIECE = 1 << 20


def _revs(rev: np.ndarray, orev: np.ndarray) -> np.ndarray:
    """A post's rev and its original's as one int64 (both are small
    counters), or two columns when one is out of range (a damaged index)."""
    if rev.size and (min(int(rev.min()), int(orev.min())) < 0 or max(int(rev.max()), int(orev.max())) >= 2 ** 31):
        return np.stack([rev, orev], axis=1)
    return (rev.astype(np.int64) << 32) | orev.astype(np.int64)


def _differ(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.ndim == b.ndim == 1:
        return a != b
    two = [x if x.ndim == 2 else np.stack([x >> 32, x & 0xFFFFFFFF], axis=1) for x in (a, b)]
    return np.any(two[0] != two[1], axis=1)


def _collected(coll: Collection) -> tuple[np.ndarray, np.ndarray]:
    """Every collected post's id (ascending) and what its document must
    carry (its rev and its retweeted original's, 0 for none; see _revs),
    as arrays: a dict of ten million posts held ~1.5 GB."""
    ids: list[np.ndarray] = []
    revs: list[np.ndarray] = []
    cur = coll.db.execute(
        "SELECT p.id, COALESCE(p.rev, 0), COALESCE(o.rev, 0) FROM posts p "
        "LEFT JOIN posts o ON o.id = p.retweet_of WHERE p.collected = 1 ORDER BY p.id")
    while True:
        rows = cur.fetchmany(_PIECE // 8)
        if not rows:
            break
        got = np.array(rows, dtype=np.int64).reshape(-1, 3)
        ids.append(got[:, 0].copy())
        revs.append(_revs(got[:, 1], got[:, 2]))
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(ids), _joined(revs)


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    if any(x.ndim == 2 for x in parts):
        parts = [x if x.ndim == 2 else np.stack([x >> 32, x & 0xFFFFFFFF], axis=1) for x in parts]
    return np.concatenate(parts)


def _indexed(reader: IndexReader) -> tuple[np.ndarray, np.ndarray]:
    """Every live document's post id and (rev, orig_rev) (see _revs), in
    post id order (documents of one post in document order)."""
    pids: list[np.ndarray] = []
    revs: list[np.ndarray] = []
    for seg, _ in reader.leaf_readers():
        n = seg.doc_count_all()
        cols = segment_columns(seg, ("pid", "rev", "orig_rev"))
        live = np.ones(n, dtype=bool)
        deleted = deleted_docs(seg)
        if deleted:
            live[np.fromiter(deleted, np.int64, len(deleted))] = False
        pids.append(np.frombuffer(cols.pop("pid"), dtype=np.int64)[live])
        revs.append(_revs(np.frombuffer(cols.pop("rev"), dtype=np.int64)[live],
                          np.frombuffer(cols.pop("orig_rev"), dtype=np.int64)[live]))
    if not pids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pid = np.concatenate(pids)
    del pids
    rev = _joined(revs)
    del revs
    order = np.argsort(pid, kind="stable")
    pid = pid[order]  # one at a time: both copies at once are 16 bytes a post more
    rev = rev[order]
    return pid, rev


def compare(coll: Collection, ix: Index) -> VerifyReport:
    report = VerifyReport(dirty=is_dirty(coll))
    want, want_rev = _collected(coll)
    report.posts = int(want.size)
    with ix.reader() as r:
        pids, revs = _indexed(r)
        report.indexed = int(pids.size)
        # A post's first document is checked; any other one is extra, as is
        # a document of no collected post. A piece at a time: the whole
        # comparison's temporaries held ~100 bytes a post.
        extra: list[np.ndarray] = []
        stale: list[np.ndarray] = []
        last = max(want.size - 1, 0)
        for lo in range(0, pids.size, _PIECE):
            part = pids[lo:lo + _PIECE]
            first = np.ones(part.size, dtype=bool)
            first[1:] = part[1:] != part[:-1]
            if lo:
                first[0] = part[0] != pids[lo - 1]
            at = np.minimum(np.searchsorted(want, part), last)
            checked = first & (want[at] == part) if want.size else np.zeros(part.size, dtype=bool)
            extra.append(part[~checked])
            stale.append(part[checked & _differ(want_rev[at], revs[lo:lo + _PIECE])] if want.size else part[:0])
        missing: list[np.ndarray] = []
        for lo in range(0, want.size, _PIECE):
            part = want[lo:lo + _PIECE]
            if not pids.size:
                missing.append(part)
                continue
            at = np.minimum(np.searchsorted(pids, part), pids.size - 1)
            missing.append(part[pids[at] != part])
        del pids, revs, want_rev
        report.extra = np.concatenate(extra).tolist() if extra else []
        report.stale = np.concatenate(stale).tolist() if stale else []
        report.missing = np.concatenate(missing).tolist() if missing else []
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
