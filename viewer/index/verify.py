"""Does the index agree with SQLite?"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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


def compare(coll: Collection, ix: Index) -> VerifyReport:
    report = VerifyReport(dirty=is_dirty(coll))
    want: dict[int, tuple[int, int]] = {
        pid: (rev or 0, orev or 0) for pid, rev, orev in coll.db.execute(
            "SELECT p.id, p.rev, o.rev FROM posts p LEFT JOIN posts o ON o.id = p.retweet_of "
            "WHERE p.collected = 1")}
    report.posts = len(want)
    seen: set[int] = set()
    with ix.reader() as r:
        for seg, _ in r.leaf_readers():
            cols = segment_columns(seg, ("pid", "rev", "orig_rev"))
            deleted = deleted_docs(seg)
            for d, (pid, rev, orev) in enumerate(zip(cols["pid"], cols["rev"], cols["orig_rev"], strict=True)):
                if d in deleted:
                    continue
                report.indexed += 1
                expect = want.get(pid)
                if expect is None or pid in seen:
                    report.extra.append(pid)
                elif expect != (rev, orev):
                    report.stale.append(pid)
                seen.add(pid)
        report.columns = check_columns(coll, ix.indexname, r, set(want))
    report.missing = sorted(set(want) - seen)
    report.extra.sort()
    report.stale.sort()
    return report


def check_columns(coll: Collection, name: str, reader: IndexReader, collected: set[int]) -> str | None:
    """What is wrong with the column file of the generation `reader` reads,
    compared with its segments and with the posts SQLite holds; None when
    it agrees (or there is nothing indexed to describe)."""
    if reader.doc_count_all() == 0:
        return None
    path = colfile.path_for(coll.index_dir, name, reader.generation())
    try:
        m = colfile.Mapped(path)
    except colfile.ColumnFileError as e:
        return f"the column file of the index is missing or unreadable ({e})"
    problems = colfile.disagreements(m, reader)
    if not problems and set(m.arrays["pid"].tolist()) != collected:
        problems.append("its posts are not the collected posts of the database")
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
