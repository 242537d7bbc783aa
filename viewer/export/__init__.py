"""Exports of a selection or a result set (DESIGN §6): CSV, JSONL, HTML.

What the three share lives here: posts loaded with everything a report shows
(entities, author, tags, notes, the source files they came from) in batches,
so that 100,000 posts never sit in memory at once; output written to a
temporary name and moved into place only when complete, so a cancelled or
failed export leaves nothing half written; and the audit-log entry.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

import sqlite_utils

from viewer import curation
from viewer.jobs import Job

BATCH = 1000
FORMATS = ("csv", "jsonl", "html")


class ExportError(ValueError):
    """An export that cannot be made; the message is for people."""


@dataclass
class ExportResult:
    format: str
    path: str
    posts: int  # posts written
    records: int = 0  # lines/rows written (JSONL may write several per post)
    skipped: list[dict[str, str]] = field(default_factory=list)  # {id, reason}
    files: list[str] = field(default_factory=list)  # other files written (images, provenance)

    def as_json(self) -> dict[str, Any]:
        return {"format": self.format, "path": self.path, "posts": self.posts, "records": self.records,
                "skipped": self.skipped, "files": self.files}


@dataclass
class Bundle:
    """One post with everything an export shows about it."""

    post: dict[str, Any]
    author: dict[str, Any] | None = None
    hashtags: list[str] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    urls: list[dict[str, Any]] = field(default_factory=list)
    media: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    # Each source this post came from: {source_id, name, path, sha256, format, location, collected}
    sources: list[dict[str, Any]] = field(default_factory=list)
    # The retweeted, quoted and replied-to posts, when the collection has them.
    refs: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.post["id"]


def _db(target: Any) -> sqlite_utils.Database:
    return getattr(target, "db", target)


def _in(ids: Sequence[int]) -> str:
    return ",".join("?" * len(ids))


def _rows(db: sqlite_utils.Database, sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
    cur = db.execute(sql, list(args))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def sources_table(db: sqlite_utils.Database) -> dict[int, dict[str, Any]]:
    return {r["id"]: r for r in _rows(db, "SELECT id, path, name, sha256, format, size, finished_at FROM sources", [])}


def load_bundles(db: sqlite_utils.Database, ids: Sequence[int],
                 sources: dict[int, dict[str, Any]] | None = None) -> list[Bundle]:
    """The bundles of these posts, in the order given; unknown ids are left out."""
    ids = [int(i) for i in ids]
    if not ids:
        return []
    sources = sources if sources is not None else sources_table(db)
    marks = _in(ids)
    posts = {r["id"]: r for r in _rows(db, f"SELECT * FROM posts WHERE id IN ({marks})", ids)}
    found = [i for i in ids if i in posts]
    if not found:
        return []
    out = {i: Bundle(posts[i]) for i in found}
    marks = _in(found)
    # rowid order is the order the importer wrote the entities in.
    for r in db.execute(f"SELECT post_id, tag FROM hashtags WHERE post_id IN ({marks}) ORDER BY rowid",
                        found).fetchall():
        out[r[0]].hashtags.append(r[1])
    for r in _rows(db, f"SELECT post_id, handle, user_id FROM mentions WHERE post_id IN ({marks}) ORDER BY rowid",
                   found):
        out[r["post_id"]].mentions.append(r)
    for r in _rows(db, f"SELECT post_id, url, expanded, display FROM urls WHERE post_id IN ({marks}) ORDER BY rowid",
                   found):
        out[r["post_id"]].urls.append(r)
    for r in _rows(db, f"SELECT * FROM media WHERE post_id IN ({marks}) ORDER BY rowid", found):
        out[r["post_id"]].media.append(r)
    for r in _rows(db, f"SELECT post_id, source_id, location, collected FROM raw WHERE post_id IN ({marks}) "
                       f"ORDER BY post_id, source_id", found):
        s = sources.get(r["source_id"], {})
        out[r["post_id"]].sources.append({
            "source_id": r["source_id"], "name": s.get("name"), "path": s.get("path"), "sha256": s.get("sha256"),
            "format": s.get("format"), "location": r["location"], "collected": r["collected"]})
    for pid, tags in curation.tags_of(db, found).items():
        out[pid].tags = tags
    for pid, notes in curation.notes_of(db, found).items():
        out[pid].notes = notes
    ref_ids = sorted({p[k] for p in posts.values() for k in ("retweet_of", "quote_of", "reply_to") if p.get(k)})
    refs: dict[int, dict[str, Any]] = {}
    if ref_ids:
        refs = {r["id"]: r for r in _rows(
            db, f"SELECT id, created_at, author_id, author_handle, author_name, text, kind FROM posts "
                f"WHERE id IN ({_in(ref_ids)})", ref_ids)}
    user_ids = sorted({p["author_id"] for p in posts.values() if p.get("author_id") is not None})
    users = {}
    if user_ids:
        users = {r["id"]: r for r in _rows(db, f"SELECT * FROM users WHERE id IN ({_in(user_ids)})", user_ids)}
    for b in out.values():
        b.author = users.get(b.post.get("author_id"))
        for k in ("retweet_of", "quote_of", "reply_to"):
            rid = b.post.get(k)
            if rid and rid in refs:
                b.refs[rid] = refs[rid]
    return [out[i] for i in found]


def iter_bundles(db: sqlite_utils.Database, ids: Sequence[int], job: Job | None = None,
                 message: str = "Exporting", batch: int = BATCH) -> Iterator[list[Bundle]]:
    """Bundles batch by batch, with progress; a cancel stops between batches."""
    sources = sources_table(db)
    total = len(ids)
    for start in range(0, total, batch):
        if job is not None:
            job.check()
            job.progress(start, total, message, posts=start)
        yield load_bundles(db, ids[start:start + batch], sources)
    if job is not None:
        job.progress(total, total, "Done", posts=total)


def collected_ids(target: Any) -> list[int]:
    """Every post the collection collected itself, oldest first: what an
    export of "everything" means (originals only known through a retweet or
    quote come along inside their retweets and quotes)."""
    db = _db(target)
    return [r[0] for r in db.execute(
        "SELECT id FROM posts WHERE collected = 1 ORDER BY created_ts, id").fetchall()]


@contextmanager
def atomic_file(out: Path, suffix: str = "") -> Iterator[Path]:
    """A temporary file beside `out`, moved onto `out` when the block ends
    without an error and removed when it does not."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=suffix + ".part")
    os.close(fd)
    # mkstemp makes the file 0600; an export is a file to hand on, so it gets
    # the permissions any new file of the user gets (0666 less the umask).
    os.chmod(tmp, 0o666 & ~_umask())
    try:
        yield Path(tmp)
        os.replace(tmp, out)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    """The process's umask: from /proc where there is one (reading it by
    setting it would change it for other threads for a moment)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def record_export(target: Any, result: ExportResult, ids: Sequence[int], query: str | None,
                  actor: str | None = None) -> None:
    """The audit-log entry of a finished export: what went where, and which posts."""
    detail: dict[str, Any] = {"format": result.format, "path": result.path, "posts": result.posts,
                              "records": result.records, "ids": [str(i) for i in ids]}
    if query is not None:
        detail["query"] = query
    if result.skipped:
        detail["skipped"] = len(result.skipped)
    curation.log_action(target, "export", detail, actor)


def export(target: Any, fmt: str, ids: Sequence[int], out: Path | str, *, job: Job | None = None,
           query: str | None = None, actor: str | None = None, **options: Any) -> ExportResult:
    """One entry point for the window's export dialog and the command line."""
    if fmt == "csv":
        from viewer.export.csv import export_csv as fn
    elif fmt == "jsonl":
        from viewer.export.jsonl import export_jsonl as fn
    elif fmt == "html":
        from viewer.export.html import export_html as fn
    else:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return fn(target, ids, out, job=job, query=query, actor=actor, **options)
