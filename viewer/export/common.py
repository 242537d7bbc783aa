"""What the exports (CSV, XLSX, JSONL, HTML) share: posts loaded with everything a report shows
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
from viewer.collection import Collection
from viewer.jobs import Job
from viewer.store import reading

# What an export reads: a collection, or its database.
Target = Collection | sqlite_utils.Database

BATCH = 1000
FORMATS = ("csv", "xlsx", "jsonl", "html")


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


def target_db(target: Target) -> sqlite_utils.Database:
    """The database of a Collection, or the database itself."""
    return target.db if isinstance(target, Collection) else target


def sources_table(db: sqlite_utils.Database) -> dict[int, dict[str, Any]]:
    return reading.sources(db)


def load_bundles(db: sqlite_utils.Database, ids: Sequence[int],
                 sources: dict[int, dict[str, Any]] | None = None) -> list[Bundle]:
    """The bundles of these posts, in the order given; unknown ids are left out."""
    ids = [int(i) for i in ids]
    if not ids:
        return []
    sources = sources if sources is not None else sources_table(db)
    posts = reading.posts(db, ids)
    found = [i for i in ids if i in posts]
    if not found:
        return []
    out = {i: Bundle(posts[i]) for i in found}
    for pid, tags in reading.hashtags(db, found).items():
        out[pid].hashtags = tags
    for pid, rows in reading.mentions(db, found).items():
        out[pid].mentions = rows
    for pid, rows in reading.urls(db, found).items():
        out[pid].urls = rows
    for pid, rows in reading.media(db, found).items():
        out[pid].media = rows
    for pid, rows in reading.raw_records(db, found).items():
        for r in rows:
            s = sources.get(r["source_id"], {})
            out[pid].sources.append({
                "source_id": r["source_id"], "name": s.get("name"), "path": s.get("path"),
                "sha256": s.get("sha256"), "format": s.get("format"), "location": r["location"],
                "collected": r["collected"]})
    for pid, chips in reading.tags(db, found).items():
        out[pid].tags = [{"id": t["id"], "name": t["name"], "colour": t["colour"]} for t in chips]
    for pid, notes in reading.notes(db, found).items():
        out[pid].notes = notes
    ref_ids = {p[k] for p in posts.values() for k in ("retweet_of", "quote_of", "reply_to") if p.get(k)}
    refs = reading.posts(db, ref_ids, "id, created_at, author_id, author_handle, author_name, text, kind") \
        if ref_ids else {}
    users = reading.users(db, {p["author_id"] for p in posts.values() if p.get("author_id") is not None})
    for b in out.values():
        author_id = b.post.get("author_id")
        b.author = users.get(author_id) if author_id is not None else None
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


def collected_ids(target: Target) -> list[int]:
    """Every post the collection collected itself, oldest first: what an
    export of "everything" means (originals only known through a retweet or
    quote come along inside their retweets and quotes)."""
    db = target_db(target)
    return [r[0] for r in db.execute(
        "SELECT id FROM posts WHERE collected = 1 ORDER BY created_ts, id").fetchall()]


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


@contextmanager
def atomic_file(out: Path, suffix: str = "") -> Iterator[Path]:
    """A temporary file beside `out`, moved onto `out` when the block ends
    without an error and removed when it does not."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_parts(out)
    # The writer's process id in the name: what a killed export left behind
    # is told from one still being written, and removed by the next export.
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.{os.getpid()}.", suffix=suffix + ".part")
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


def note_missing(result: ExportResult, asked: int) -> None:
    """One skipped line for the ids asked for that are no post of the
    collection (the writers skip them silently as they read)."""
    if asked > result.posts:
        result.skipped.append({"id": "", "reason": f"{asked - result.posts} ids are no post of this collection"})


def record_export(target: Target, result: ExportResult, ids: Sequence[int], query: str | None,
                  actor: str | None = None) -> None:
    """The audit-log entry of a finished export: what went where, and which posts."""
    detail: dict[str, Any] = {"format": result.format, "path": result.path, "posts": result.posts,
                              "records": result.records, "ids": [str(i) for i in ids]}
    if query is not None:
        detail["query"] = query
    if result.skipped:
        detail["skipped"] = len(result.skipped)
    curation.log_action(target, "export", detail, actor)


def _remove_stale_parts(out: Path) -> None:
    prefix = f".{out.name}."
    try:
        entries = list(os.scandir(out.parent))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".part")):
            continue
        pid = name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            try:
                os.unlink(entry.path)
            except OSError:
                pass


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
