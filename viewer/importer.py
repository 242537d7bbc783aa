"""Sources → formats → store → index, with progress and cancel.

The one entry point that the command line and the window share. Each file is
recognised by its content, parsed as a stream of records, and written in
batches; a cancel (or a kill) between batches leaves whole posts only, and
importing the same file again picks up where it stopped.
"""
from __future__ import annotations

import contextlib
import gc
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Protocol

from viewer import formats
from viewer.collection import Collection
from viewer.errors import CollectionError, DiskFull, explain
from viewer.formats import ParseOptions
from viewer.formats.aside import parse as parse_aside
from viewer.jobs import Cancelled, Job
from viewer.model import Post, Problem, User, location_numbers
from viewer.patterns.aside import AsideClusterer
from viewer.processes import GC_YOUNG_THRESHOLD
from viewer.sources import SourceFile, UnsafeArchive, expand
from viewer.store import Store
from viewer.store.rawcodec import AsideCompressor

BATCH_POSTS = 5000
# The report keeps the first this many failures (and notices) in memory and
# counts the rest; every one of them is in the collection's `problems`
# table as soon as its batch is written (`archive-viewer failures`).
MAX_REPORTED = 1000
# A file that gives this many records in a row that are not posts (a stream
# of `{}`, a decompression bomb of junk lines) is not read further: reading
# on would cost minutes for nothing. A million stream notices in a row is
# more than any real harvest holds.
MAX_JUNK_RUN = 1_000_000


class IndexSink(Protocol):
    """What the importer tells the search index (the index module provides it)."""

    def posts_changed(self, ids: list[int]) -> None: ...

    def commit(self, job: Job | None = None) -> None: ...

    # Optional: `close()`, called when the import ends, stops any work the
    # sink started in the background that no commit finished.


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


class _Capped(list):
    """A list that keeps its first MAX_REPORTED items and counts the rest, so
    two million junk lines cost a number, not two million objects."""

    def __init__(self) -> None:
        super().__init__()
        self.total = 0

    def append(self, item: object) -> None:
        self.total += 1
        if len(self) < MAX_REPORTED:
            super().append(item)

    def extend(self, items: object) -> None:
        for item in items:  # type: ignore[attr-defined]
            self.append(item)


@dataclass
class ImportReport:
    added: int = 0
    merged: int = 0
    unchanged: int = 0
    referenced: int = 0
    # The first MAX_REPORTED of each; `failed` and `notice_total` count all.
    failures: list[Failure] = field(default_factory=_Capped)
    # Records the archive's tool wrote that were never posts (stream notices,
    # system messages, errors about unavailable posts), and what was changed
    # to read a file or store a value: nothing was lost.
    notices: list[Failure] = field(default_factory=_Capped)
    files: list[FileReport] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why) not archive files
    cancelled: bool = False
    # Stopped while indexing: every post is stored, not all are searchable
    # yet (the index is marked dirty; importing again or `reindex` finishes).
    index_pending: bool = False
    import_id: int | None = None
    # Set when the search index could not take the new posts: the command
    # line says so loudly and exits non-zero ("run reindex").
    index_problem: str | None = None

    @property
    def failed(self) -> int:
        return getattr(self.failures, "total", len(self.failures))

    @property
    def notice_total(self) -> int:
        return getattr(self.notices, "total", len(self.notices))

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
            # All of them are in the collection: `archive-viewer failures`.
            "failures_listed": len(self.failures),
            "failures_total": self.failed,
            "failures_command": f"archive-viewer failures --import {self.import_id}" if self.import_id else None,
            "notice_count": self.notice_total,
            "notices": [f.as_json() for f in self.notices],
            "files": [vars(f) for f in self.files],
            "skipped": [{"file": p, "reason": r} for p, r in self.skipped],
            "cancelled": self.cancelled,
            "index_pending": self.index_pending,
            "index_problem": self.index_problem,
            "import_id": self.import_id,
        }


def _total_size(files: list[SourceFile]) -> int:
    return sum(f.size() or 0 for f in files)


def import_paths(
    coll: Collection,
    paths: list[Path | str],
    options: ParseOptions | None = None,
    job: Job | None = None,
    index: IndexSink | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import every archive found under `paths` into the collection.

    One import at a time per collection: a second one waits for the first
    (`on_wait` hears it, as does the job's progress), so the same file
    started twice at once is imported once. Raises DiskFull (with the
    report so far as `.report`) when the disk fills up, CollectionDamaged
    when the database breaks."""
    job = job or Job()

    def waiting(message: str) -> None:
        job.progress(0, None, message, 0)
        if on_wait is not None:
            on_wait(message)

    with coll.import_lock(waiting), _fewer_collections():
        return _import_locked(coll, paths, options or ParseOptions(), job, index)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], GC_YOUNG_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _import_locked(coll: Collection, paths: list[Path | str], options: ParseOptions, job: Job,
                   index: IndexSink | None) -> ImportReport:
    # Large batches' raw records are compressed in a process of their own.
    aside = AsideCompressor()
    try:
        return _import_with(coll, paths, options, job, index, Store(coll.db, coll.media_dir, aside))
    finally:
        aside.close()


def _import_with(coll: Collection, paths: list[Path | str], options: ParseOptions, job: Job,
                 index: IndexSink | None, store: Store) -> ImportReport:
    report = ImportReport()
    # Near-copy and same-image clusters grow batch by batch (viewer.patterns),
    # in a process of their own while the next batch is read.
    patterns = AsideClusterer(coll)
    # The batch before clustered (its writes done, SQLite's write lock free)
    # before the next batch's transaction: waited for only once that
    # batch's rows are ready, so the clustering overlaps their making.
    store.before_write = patterns.ready
    try:
        import_id = store.begin_import([str(p) for p in paths])
    except sqlite3.Error as e:
        raise (explain(e, 0) or e) from None
    report.import_id = import_id

    # Expand everything first, so progress has a total.
    todo: list[SourceFile] = []
    for p in paths:
        try:
            opened = expand(Path(p))
        except (OSError, UnsafeArchive) as e:
            report.failures.append(Failure(str(p), None, _os_reason(e)))
            report.files.append(FileReport(str(p), None, "failed", note=_os_reason(e)))
            store.record_import_problem(import_id, str(p), _os_reason(e))
            continue
        for member, why in opened.refused:
            where = f"{opened.path}!{member}" if opened.path.is_file() else str(opened.path / member)
            report.failures.append(Failure(where, None, why))
            store.record_import_problem(import_id, where, why)
        for member, why in opened.notices:
            report.notices.append(Failure(f"{opened.path}!{member}", None, why))
        todo.extend(opened.files)

    total = _total_size(todo) or None
    done_before = 0
    status = "complete"
    failure: BaseException | None = None
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
    except (sqlite3.Error, OSError) as e:
        # The disk filled up or the database broke under us: what was
        # committed stays; say so in words and stop.
        failure = explain(e, report.added + report.merged) or e
        status = "failed"
    finally:
        # The reading's helper processes end before the index's commit, which
        # starts workers of its own: the clustering process (its SQLite cache
        # and band data, 230 MB into 3M posts) and the compressor would
        # otherwise sit idle beside them at the import's peak of memory.
        clustering_failure: BaseException | None = None
        try:
            patterns.close()
        except (sqlite3.Error, OSError) as e:
            clustering_failure = explain(e, report.added + report.merged) or e
        if store.aside is not None:
            store.aside.close()
        if index is not None and failure is None:
            # The indexing phase, with its own progress ("Indexing", posts
            # done of posts to index). A cancel here stops it between
            # batches: the rows stay, the index stays marked dirty, and the
            # next import (or reindex) finishes it. What was written before a
            # cancel while reading is still made searchable, with progress
            # but no second cancel to wait for.
            index_job = job if not report.cancelled else job.follower()
            try:
                _commit_index(index, index_job, report)
            except Cancelled:
                report.cancelled = True
                report.index_pending = True
                status = "cancelled"
        close = getattr(index, "close", None)
        if close is not None:
            # A live index writer the commit above did not end (the import
            # failed): stopped, its uncommitted segments never listed.
            close()
        failure = failure or clustering_failure
        try:
            store.finish_import(import_id, status, report.added, report.merged, report.unchanged, report.failed)
        except sqlite3.Error as e:
            failure = failure or explain(e, report.added + report.merged) or e
    if failure is not None:
        if isinstance(failure, DiskFull):
            failure.report = report  # type: ignore[attr-defined]
        raise failure
    if not report.cancelled:
        job.progress(done_before, total, "Done", report.added + report.merged)
    return report


def _commit_index(index: IndexSink, job: Job, report: ImportReport) -> None:
    """Commit the index; a failure there loses no post (the rows are in
    SQLite and the index stays marked dirty), so it is reported, not raised."""
    try:
        index.commit(job)
    except (Cancelled, KeyboardInterrupt):
        raise
    except Exception as e:
        known = explain(e, report.added + report.merged, "the search index")
        why = str(known) if isinstance(known, CollectionError) else f"{type(e).__name__}: {e}"
        report.index_problem = (f"the search index could not be updated ({why}); the posts are stored: "
                                "run `archive-viewer reindex` to make them searchable")
        return
    problem = getattr(index, "problem", None)
    if problem:
        report.index_problem = problem


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
                 patterns: AsideClusterer | None = None) -> None:
    try:
        fmt = formats.detect(src)
    except (OSError, UnsafeArchive, EOFError, ValueError, LookupError, RecursionError) as e:
        report.failures.append(Failure(src.display, None, f"unreadable: {_os_reason(e)}"))
        report.files.append(FileReport(src.display, None, "failed", note=_os_reason(e)))
        store.record_import_problem(import_id, src.display, f"unreadable: {_os_reason(e)}")
        return
    if fmt is None:
        if src.explicit:
            reason = "not a tweet archive this program recognises"
            report.failures.append(Failure(src.display, None, reason))
            report.files.append(FileReport(src.display, None, "failed", note=reason))
            store.record_import_problem(import_id, src.display, reason)
        else:
            report.skipped.append((src.display, "not a tweet archive file"))
        return
    if fmt.auxiliary:
        report.skipped.append((src.display, f"{fmt.label}: read alongside the posts"))
        return

    try:
        sha = src.sha256()
    except (OSError, UnsafeArchive) as e:
        report.failures.append(Failure(src.display, None, f"unreadable: {_os_reason(e)}"))
        report.files.append(FileReport(src.display, fmt.name, "failed", note=_os_reason(e)))
        store.record_import_problem(import_id, src.display, f"unreadable: {_os_reason(e)}")
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
    junk_run = 0
    read_as: dict[str, int] = {}

    def flush() -> None:
        nonlocal posts, users, problems
        for loc, what in src.notices:
            # A line refused for its size is a failure; a conversion that
            # lost nothing (an encoding, line ends, a row's stray byte) a notice.
            problems.append(Problem(loc, what, notice="not read" not in what))
        src.notices.clear()
        if not (posts or users or problems):
            return
        res = store.write_batch(source_id, posts, users, problems)
        failed = 0
        for p in [*problems, *res.refused, *res.mended]:
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

    # A large file is parsed in a process of its own while its batches are
    # written here (viewer.formats.aside).
    items = parse_aside(fmt, src, options)
    try:
        for item in items:
            if isinstance(item, Post):
                posts.append(item)
                seen_post = True
                junk_run = 0
                if len(posts) >= BATCH_POSTS:
                    job.check()
                    flush()
            elif isinstance(item, User):
                users.append(item)
            else:
                problems.append(item)
                junk_run += 1
                if len(problems) >= BATCH_POSTS:
                    flush()
                if junk_run >= MAX_JUNK_RUN:
                    problems.append(Problem(item.location, f"reading stopped: {MAX_JUNK_RUN:,} records in a row "
                                                           "were not tweets; the rest of the file was not read"))
                    break
        job.check()
        flush()
    except Cancelled:
        store.finish_source(source_id, "cancelled")
        fr.status = "cancelled"
        raise
    except (sqlite3.Error, DiskFull):
        raise  # not this file's fault: the import stops and says why
    except OSError as e:
        if explain(e) is not None:
            raise
        problems.append(Problem(_where(posts), f"reading stopped: {_os_reason(e)}"))
        flush()
    except (UnsafeArchive, EOFError, UnicodeError) as e:
        # The file broke midway (a bomb refused): keep what was read, report the rest.
        problems.append(Problem(_where(posts), f"reading stopped: {_os_reason(e)}"))
        flush()
    except RecursionError:
        problems.append(Problem(_where(posts), "reading stopped: nested too deeply"))
        flush()
    except MemoryError:
        posts.clear()
        problems.append(Problem("the file", "reading stopped: the computer ran out of memory on this file"))
        flush()
    except Exception as e:  # the last line of defence: one file's parser failed
        problems.append(Problem(_where(posts), f"reading stopped by an unexpected error "
                                               f"({type(e).__name__}: {str(e)[:200]}); the posts before "
                                               "it were imported"))
        flush()
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()  # a cancel or a failure: the parsing process ends now
    if src.damage:
        store.record_file_problem(source_id, "the file", src.damage)
        report.failures.append(Failure(src.display, "the file", src.damage))
        fr.failed += 1
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
    store.finish_source(source_id, "complete", fr.format)


def _consumed(src: SourceFile) -> int:
    return src.consumed


def _where(posts: list[Post]) -> str:
    last = posts[-1].location if posts else ""
    return f"after {last}" if last else "the file"

