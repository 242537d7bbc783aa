"""Sources → formats → store → index, with progress and cancel.

The one entry point that the command line and the window share. Each file is
recognised by its content, parsed as a stream of records, and written in
batches; a cancel (or a kill) between batches leaves whole posts only, and
importing the same file again picks up where it stopped.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from viewer import formats
from viewer.collection import Collection
from viewer.formats import ParseOptions
from viewer.jobs import Cancelled, Job
from viewer.model import Post, Problem, User, location_numbers
from viewer.patterns import PatternSink
from viewer.sources import SourceFile, UnsafeArchive, expand
from viewer.store import Store

BATCH_POSTS = 5000


class IndexSink(Protocol):
    """What the importer tells the search index (the index module provides it)."""

    def posts_changed(self, ids: list[int]) -> None: ...

    def commit(self, job: Job | None = None) -> None: ...


@dataclass
class Failure:
    """A record (or file) that could not be imported, or a notice."""

    file: str
    where: str | None  # the place as people read it: "line 3, data[7]", "the file"
    reason: str

    @property
    def line(self) -> int | None:
        return location_numbers(self.where or "")[0]

    @property
    def entry(self) -> int | None:
        return location_numbers(self.where or "")[1]

    def as_json(self) -> dict[str, str | int | None]:
        # 1-based integers or null, never text, so that a script can trust them.
        return {"file": self.file, "line": self.line, "entry": self.entry, "reason": self.reason}


@dataclass
class FileReport:
    path: str
    format: str | None
    status: str  # imported, already imported, resumed, skipped, failed, cancelled
    added: int = 0
    merged: int = 0
    unchanged: int = 0
    referenced: int = 0
    failed: int = 0
    notices: int = 0
    note: str = ""


@dataclass
class ImportReport:
    added: int = 0
    merged: int = 0
    unchanged: int = 0
    referenced: int = 0
    failures: list[Failure] = field(default_factory=list)
    # Records the archive's tool wrote that were never posts (stream notices,
    # system messages, errors about unavailable posts): nothing was lost.
    notices: list[Failure] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why) not archive files
    cancelled: bool = False
    # Stopped while indexing: every post is stored, not all are searchable
    # yet (the index is marked dirty; importing again or `reindex` finishes).
    index_pending: bool = False

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def imported_files(self) -> int:
        return sum(1 for f in self.files if f.status in ("imported", "resumed", "already imported"))

    @property
    def nothing_done(self) -> bool:
        """True when not one file could be read as an archive."""
        return not any(f.status in ("imported", "resumed", "already imported", "cancelled") for f in self.files)

    def as_json(self) -> dict:
        return {
            "added": self.added,
            "merged": self.merged,
            "unchanged": self.unchanged,
            "referenced": self.referenced,
            "failed": self.failed,
            "failures": [f.as_json() for f in self.failures],
            "notice_count": len(self.notices),
            "notices": [f.as_json() for f in self.notices],
            "files": [vars(f) for f in self.files],
            "skipped": [{"file": p, "reason": r} for p, r in self.skipped],
            "cancelled": self.cancelled,
            "index_pending": self.index_pending,
        }


def _total_size(files: list[SourceFile]) -> int:
    return sum(f.size() or 0 for f in files)


def import_paths(
    coll: Collection,
    paths: list[Path | str],
    options: ParseOptions | None = None,
    job: Job | None = None,
    index: IndexSink | None = None,
) -> ImportReport:
    """Import every archive found under `paths` into the collection."""
    options = options or ParseOptions()
    job = job or Job()
    report = ImportReport()
    store = Store(coll.db, coll.media_dir)
    # Near-copy and same-image clusters grow batch by batch (viewer.patterns).
    patterns = PatternSink(coll)
    import_id = store.begin_import([str(p) for p in paths])

    # Expand everything first, so progress has a total.
    todo: list[SourceFile] = []
    for p in paths:
        try:
            opened = expand(Path(p))
        except (OSError, UnsafeArchive) as e:
            report.failures.append(Failure(str(p), None, _os_reason(e)))
            report.files.append(FileReport(str(p), None, "failed", note=_os_reason(e)))
            continue
        for member, why in opened.refused:
            report.failures.append(Failure(f"{opened.path}!{member}", None, why))
        todo.extend(opened.files)

    total = _total_size(todo) or None
    done_before = 0
    status = "complete"
    try:
        for src in todo:
            job.check()
            size = src.size() or 0
            job.progress(done_before, total, f"Reading {src.display}", report.added + report.merged)
            _import_file(src, store, import_id, options, job, index, report, done_before, total, patterns)
            done_before += size
    except Cancelled:
        report.cancelled = True
        status = "cancelled"
    finally:
        if index is not None:
            # The indexing phase, with its own progress ("Indexing", posts
            # done of posts to index). A cancel here stops it between
            # batches: the rows stay, the index stays marked dirty, and the
            # next import (or reindex) finishes it. What was written before a
            # cancel while reading is still made searchable, with progress
            # but no second cancel to wait for.
            index_job = job if not report.cancelled else job.follower()
            try:
                index.commit(index_job)
            except Cancelled:
                report.cancelled = True
                report.index_pending = True
                status = "cancelled"
        store.finish_import(import_id, status, report.added, report.merged, report.unchanged, report.failed)
    if not report.cancelled:
        job.progress(done_before, total, "Done", report.added + report.merged)
    return report


def _os_reason(e: BaseException) -> str:
    if isinstance(e, PermissionError):
        return "cannot be read: permission denied"
    if isinstance(e, FileNotFoundError):
        return "no such file or folder"
    if isinstance(e, IsADirectoryError):
        return "is a folder"
    return str(e) or type(e).__name__


def _import_file(src: SourceFile, store: Store, import_id: int, options: ParseOptions, job: Job,
                 index: IndexSink | None, report: ImportReport, done_before: int, total: int | None,
                 patterns: PatternSink | None = None) -> None:
    try:
        fmt = formats.detect(src)
    except (OSError, UnsafeArchive, EOFError, ValueError) as e:
        report.failures.append(Failure(src.display, None, f"unreadable: {_os_reason(e)}"))
        report.files.append(FileReport(src.display, None, "failed", note=_os_reason(e)))
        return
    if fmt is None:
        if src.explicit:
            reason = "not a tweet archive this program recognises"
            report.failures.append(Failure(src.display, None, reason))
            report.files.append(FileReport(src.display, None, "failed", note=reason))
        else:
            report.skipped.append((src.display, "not a tweet archive file"))
        return
    if fmt.auxiliary:
        report.skipped.append((src.display, f"{fmt.label}: read alongside the posts"))
        return

    try:
        sha = src.sha256()
    except OSError as e:
        report.failures.append(Failure(src.display, None, f"unreadable: {_os_reason(e)}"))
        report.files.append(FileReport(src.display, fmt.name, "failed", note=_os_reason(e)))
        return
    earlier = store.find_source(sha)
    if earlier and earlier["status"] == "complete":
        fr = FileReport(src.display, earlier["format"], "already imported",
                        unchanged=(earlier["added"] or 0) + (earlier["merged"] or 0) + (earlier["unchanged"] or 0),
                        note=f"already imported on {earlier['finished_at']}; nothing changed")
        report.unchanged += fr.unchanged
        report.files.append(fr)
        return
    if earlier:
        source_id = earlier["id"]
        store.resume_source(source_id, import_id, src.display)
        fr = FileReport(src.display, fmt.name, "resumed", note="an earlier import of this file was interrupted")
    else:
        source_id = store.start_source(import_id, src.display, src.name, sha, fmt.name, src.size())
        fr = FileReport(src.display, fmt.name, "imported")
    report.files.append(fr)

    posts: list[Post] = []
    users: list[User] = []
    problems: list[Problem] = []
    seen_post = False
    read_as: dict[str, int] = {}

    def flush() -> None:
        nonlocal posts, users, problems
        if not (posts or users or problems):
            return
        res = store.write_batch(source_id, posts, users, problems)
        failed = 0
        for p in problems:
            if p.notice:
                report.notices.append(Failure(src.display, p.location, p.reason))
                fr.notices += 1
            else:
                report.failures.append(Failure(src.display, p.location, p.reason))
                failed += 1
        for post in posts:
            if post.collected and post.read_as:
                read_as[post.read_as] = read_as.get(post.read_as, 0) + 1
        fr.added += len(res.added)
        fr.merged += len(res.merged)
        fr.unchanged += len(res.unchanged)
        fr.referenced += len(res.referenced)
        fr.failed += failed
        report.added += len(res.added)
        report.merged += len(res.merged)
        report.unchanged += len(res.unchanged)
        report.referenced += len(res.referenced)
        if index is not None and res.changed:
            index.posts_changed(res.changed)
        if patterns is not None and res.changed:
            patterns.posts_changed(res.changed)
        posts, users, problems = [], [], []
        job.progress(done_before + _consumed(src), total, f"Importing {src.display}",
                     report.added + report.merged)

    try:
        for item in fmt.parse(src, options):
            if isinstance(item, Post):
                posts.append(item)
                seen_post = True
                if len(posts) >= BATCH_POSTS:
                    job.check()
                    flush()
            elif isinstance(item, User):
                users.append(item)
            else:
                problems.append(item)
        job.check()
        flush()
    except Cancelled:
        store.finish_source(source_id, "cancelled")
        fr.status = "cancelled"
        raise
    except (OSError, UnsafeArchive, EOFError, UnicodeError) as e:
        # The file broke midway (truncated gzip, a bomb refused): keep what
        # was read, report the rest.
        problems.append(Problem("the file", f"reading stopped: {_os_reason(e)}"))
        flush()
    if read_as:
        # The general readers (JSON, CSV) say which specific format they read.
        fr.format = max(read_as.items(), key=lambda kv: kv[1])[0]
    if not seen_post and not fr.failed and not fr.referenced:
        quiet = bool(fr.notices) or fmt.name in ("x-archive", "grailbird")
        store.record_file_problem(source_id, "the file", "no tweets in this file", notice=quiet)
        if quiet:
            # Only notices, or an account archive's empty file (no deleted
            # posts, no notes): nothing was lost.
            report.notices.append(Failure(src.display, "the file", "no tweets in this file"))
            fr.notices += 1
        else:
            report.failures.append(Failure(src.display, "the file", "no tweets in this file"))
            fr.failed += 1
    store.finish_source(source_id, "complete")


def _consumed(src: SourceFile) -> int:
    return src.consumed

