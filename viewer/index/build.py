"""Writing the index: new segments from SQLite in bulk (in worker
processes for large batches), deletions, folding of small segments, and
the commit that switches generations."""
from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import sqlite3
import struct
import uuid
from array import array
from pathlib import Path
from multiprocessing.context import SpawnContext
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np
import sqlite_utils

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index, LockError
from whoosh.reading import IndexReader
from whoosh.codec.base import Segment
from whoosh.writing import SegmentWriter

from viewer.collection import Collection
from viewer.errors import is_disk_full
from viewer.index import colfile, lock, segment_writer, whoosh_internals
from viewer.index.columns import deleted_docs, numeric_column
from viewer.index.documents import Doc, documents, time_order, with_retweets
from viewer.index.idsets import member_mask
from viewer.index.lock import writing
from viewer.index.schema import (
    COLUMNS,
    KEYWORD_FIELDS,
    META_FORMAT,
    META_NAME,
    META_STATE,
    TEXT_FIELDS,
    index_format,
    is_dirty,
    open_index,
    remove_other_indexes,
    schema,
    set_meta,
)
from viewer.index.verify import compare
from viewer.jobs import Job
from viewer.processes import die_with_parent

log = logging.getLogger(__name__)

# What documents are read from: the collection's database, or a worker's
# read-only connection to it.
ReadDb = sqlite3.Connection | sqlite_utils.Database

# A batch of at least this many posts is written by worker processes.
PARALLEL_MIN = 20_000
# Ids per SQL "IN (…)", under SQLite's 999-variable limit of old builds;
# also the unit of work handed to a worker.
CHUNK = 900
# Postings per block (Whoosh writes 128): fewer, larger blocks make reading a
# common word's million postings quicker.
BLOCK = 1024
# From this many segments on, the smallest ones are folded together at the
# next commit: at most FOLD_SHARE times as many posts as the commit writes
# itself (or FOLD_MAX posts, for a small one), so that folding never costs
# an import more than a share of its own work. (A twentieth of the index,
# as before, was every segment at ten million posts: the import of one
# more million rewrote all ten.)
MAX_SEGMENTS = 8
FOLD_MAX = 20_000
FOLD_SHARE = 2
# Only a segment less full than this is folded (1.0: a part writer started
# another past MAX_POSTINGS). Rewriting full segments makes as many full
# segments again: a million posts imported into six million rewrote up to
# two million documents at its commit and left as many segments.
FOLD_FULL = 0.5


def _add(writer: SegmentWriter, doc: Doc) -> None:
    if isinstance(writer, segment_writer.FastSegmentWriter):
        writer.add({"text": doc.text},
                   {"author": doc.author, "hashtags": doc.hashtags, "mentions": doc.mentions, "to": doc.to},
                   doc.columns())
        return
    fields = dict(zip(COLUMNS, doc.columns(), strict=True))
    fields["text"] = fields["phrases"] = doc.text
    for name in KEYWORD_FIELDS:
        values = getattr(doc, name)
        if values:
            fields[name] = " ".join(values)
    writer.add_document(**fields)


# Set to "whoosh" to write with Whoosh's own (slower) writer, the path taken
# when the running Whoosh is laid out differently from what the fast writer
# knows; the tests run the index suite both ways so that path stays alive.
# An environment variable, so worker processes follow it.
WRITER_ENV = "ARCHIVE_VIEWER_INDEX_WRITER"


def _part_writer(ix: Index) -> SegmentWriter:
    """A writer of new segments that takes no lock (the build holds it)."""
    if os.environ.get(WRITER_ENV) != "whoosh" and segment_writer.supported():
        try:
            return segment_writer.FastSegmentWriter(ix, TEXT_FIELDS, KEYWORD_FIELDS, COLUMNS,
                                                    blocksize=BLOCK, _lk=False)
        except TypeError as e:
            log.warning("indexing with Whoosh's own writer: %s", e)
    return SegmentWriter(ix, _lk=False)


def _finish_part(writer: SegmentWriter) -> Segment | None:
    """Close a part writer; its segment (None if it holds no documents)."""
    return whoosh_internals.finish_part(writer)


def write_part(db: ReadDb, ix: Index, id_chunks: Iterable[list[int] | np.ndarray],
               progress: Callable[[int], None] | None = None) -> list[Segment]:
    """Write the documents of the ids into new segments (one more each time
    the one in hand holds as many postings as memory allows); returns them."""
    segments: list[Segment] = []
    w = _part_writer(ix)
    for chunk in id_chunks:
        if isinstance(chunk, np.ndarray):
            chunk = chunk.tolist()
        for doc in documents(db, chunk):
            _add(w, doc)
        if getattr(w, "postings_held", 0) > segment_writer.MAX_POSTINGS:
            full = _finish_part(w)
            if full is not None:
                segments.append(full)
            w = _part_writer(ix)
        if progress is not None:
            progress(len(chunk))
    seg = _finish_part(w)
    if seg is not None:
        segments.append(seg)
    return segments


def _worker(me: int, db_path: str, index_dir: str, name: str, tasks: Queue, results: Queue,
            parent: int | None = None, batches: bool = False) -> None:
    """A worker process: writes the chunks of ids it is given into segments.

    With `batches`, each task is the ids one import batch changed (the
    live writer's): the worker adds the retweets that carry them and writes
    them in time order, CHUNK ids at a time."""
    if parent is not None:
        die_with_parent(parent, "av-index-live" if batches else f"av-index-{me}")
    try:
        db = sqlite3.connect(Path(db_path).resolve().as_uri() + "?mode=ro", uri=True, timeout=60)
        ix = whoosh_index.open_dir(index_dir, indexname=name)

        def chunks() -> Iterator[list[int] | np.ndarray]:
            while True:
                chunk = tasks.get()
                if chunk is None:
                    return
                if batches:
                    yield from _id_chunks(time_order(db, with_retweets(db, chunk)))
                else:
                    yield chunk

        def progress(n: int) -> None:
            results.put(("progress", me, n))

        results.put(("done", me, write_part(db, ix, chunks(), progress)))
    except BaseException as e:  # reported to the parent, which raises it
        results.put(("error", me, f"{type(e).__name__}: {e}"))


def _mp_context() -> SpawnContext:
    # spawn (a fresh interpreter, ~0.5 s of imports per worker), never fork:
    # a forked worker maps every page of the importer (its modules, SQLite's
    # cache, the import's state: ~300 MB at a million posts), and each such
    # worker's resident set counted them again, so two workers showed the
    # importer three times over (1.3 GB for a 1M import). Forking a process
    # that runs other threads (the window's Qt threads) can also deadlock.
    return multiprocessing.get_context("spawn")


def _id_chunks(ids: np.ndarray) -> Iterator[np.ndarray]:
    for i in range(0, ids.size, CHUNK):
        yield ids[i:i + CHUNK]


def _write_new(coll: Collection, ix: Index, ids: np.ndarray, job: Job | None, done: int,
               total: int) -> list[Segment]:
    """New segments with the documents of `ids`: in worker processes for a
    large batch, here for a small one."""
    def progress(n: int) -> None:
        nonlocal done
        done += n
        if job is not None:
            job.check()
            job.progress(done, total, "Indexing", done)

    workers = min((os.cpu_count() or 1), 4)
    if ids.size < PARALLEL_MIN or workers < 2:
        return write_part(coll.db, ix, _id_chunks(ids), progress)
    return _write_in_workers(coll, ix, ids, workers, job, progress)


def _write_in_workers(coll: Collection, ix: Index, ids: np.ndarray, workers: int, job: Job | None,
                      progress: Callable[[int], None]) -> list[Segment]:
    ctx = _mp_context()
    # Each worker gets an even, contiguous share of the (time-ordered) ids
    # on its own queue, so its segments follow one another in time.
    queues = [ctx.Queue() for _ in range(workers)]
    results = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(i, str(coll.path / "collection.db"), str(coll.index_dir),
                                                ix.indexname, q, results, os.getpid()), daemon=True)
             for i, q in enumerate(queues)]
    for p in procs:
        p.start()
    try:
        # Slices of one int64 array (views: nothing is copied until a queue
        # pickles one, 7 KB each); a list of lists of Python ints held ~40
        # bytes a post here for the whole build.
        n_chunks = -(-ids.size // CHUNK)
        for w, q in enumerate(queues):
            for c in range(w * n_chunks // workers, (w + 1) * n_chunks // workers):
                q.put(ids[c * CHUNK:(c + 1) * CHUNK])
            q.put(None)
        by_worker = _gather(procs, results, job, progress)
        for p in procs:
            p.join()
        return [seg for w in sorted(by_worker) for seg in by_worker[w]]
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
                p.join()


def _gather(procs: Sequence[BaseProcess], results: Queue, job: Job | None,
            progress: Callable[[int], None]) -> dict[int, list[Segment]]:
    """The workers' messages until each is done: its segments by worker."""
    by_worker: dict[int, list[Segment]] = {}
    while len(by_worker) < len(procs):
        if job is not None:
            job.check()
        try:
            kind, who, value = results.get(timeout=0.5)
        except queue.Empty:
            for i, p in enumerate(procs):
                if i not in by_worker and not p.is_alive() and results.empty():
                    raise RuntimeError("an indexing process ended without finishing its work") from None
            continue
        if kind == "progress":
            progress(value)
        elif kind == "done":
            by_worker[who] = value
        else:
            raise RuntimeError(f"indexing failed: {value}")
    return by_worker


def _docnums_of(reader: IndexReader, pids: np.ndarray, skip: frozenset[str] = frozenset()) -> list[int]:
    """Every live document number whose post id is in `pids` (sorted,
    unique), outside the segments whose ids are in `skip`."""
    found: list[int] = []
    for seg, offset in reader.leaf_readers():
        if seg.segment().segment_id() in skip:
            continue
        col = np.frombuffer(numeric_column(seg, "pid", "q", seg.doc_count_all()), dtype=np.int64)
        deleted = deleted_docs(seg)
        for d in np.flatnonzero(member_mask(col, pids)).tolist():
            if d not in deleted:
                found.append(offset + d)
    return found


def _small_segments(reader: IndexReader, writing: int) -> tuple[frozenset[str], np.ndarray]:
    """Post ids of the smallest segments, once segments are many: rewriting
    them into one new segment keeps a search from visiting dozens. Only
    segments less full than FOLD_FULL, and only as
    many as the budget allows (see FOLD_SHARE; `writing`: the posts the
    commit writes itself), so a ten-post import never rewrites a large part
    of the index, nor a million-post one the other nine million. Returns
    the folded segments' ids and their live posts' ids (sorted, unique)."""
    live = [(seg.doc_count(), i, seg) for i, (seg, _) in enumerate(reader.leaf_readers()) if seg.doc_count()]
    none = np.zeros(0, dtype=np.int64)
    if len(live) < MAX_SEGMENTS:  # the commit adds one more
        return frozenset(), none
    segs = sorted((t for t in live if _fill(t[2].segment()) < FOLD_FULL), key=lambda t: (t[0], t[1]))
    budget = FOLD_SHARE * max(FOLD_MAX, writing)
    small = []
    used = 0
    for n, _, seg in segs:
        if used + n > budget:
            break
        small.append(seg)
        used += n
    if len(small) < 2:
        return frozenset(), none
    out = [none]
    for seg in small:
        col = np.frombuffer(numeric_column(seg, "pid", "q", seg.doc_count_all()), dtype=np.int64)
        deleted = deleted_docs(seg)
        if deleted:
            col = np.delete(col, np.fromiter(deleted, np.int64, len(deleted)))
        out.append(col)
    return frozenset(seg.segment().segment_id() for seg in small), np.unique(np.concatenate(out))


def _fill(seg: Segment) -> float:
    """About how full of live documents this segment is (1.0: as full as a
    part writer fills one before it starts another), from its text fields'
    total lengths. A document's distinct words are at most its words, and
    each is a posting in its field and one in the field's positional twin,
    as the writer counts them. Deleted documents count as space to reclaim."""
    per_word = 1 + sum(1 for _, twin in TEXT_FIELDS if twin)
    written = sum(whoosh_internals.field_lengths(seg).values()) * per_word / segment_writer.MAX_POSTINGS
    return written * seg.doc_count() / max(1, seg.doc_count_all())


def _drop_repeats(ix: Index, segments: list[Segment]) -> np.ndarray:
    """Mark deleted, in segments not yet committed (in the order they were
    written), every document of a post that a later one replaces; returns
    the post ids they hold (sorted, unique). A post changed by two batches
    of an import was written twice by the live writer, and the later
    document was read from the database after the later change."""
    if not segments:
        return np.zeros(0, dtype=np.int64)
    reader = whoosh_internals.reader_of_segments(ix, segments, 0)
    try:
        cols = [np.frombuffer(numeric_column(seg, "pid", "q", seg.doc_count_all()), dtype=np.int64)
                for seg, _ in reader.leaf_readers()]
    finally:
        reader.close()
    pids = np.concatenate(cols)
    # The last place of each id: reversed, np.unique gives the first.
    uniq, first_rev = np.unique(pids[::-1], return_index=True)
    if uniq.size < pids.size:
        keep = np.zeros(pids.size, dtype=bool)
        keep[pids.size - 1 - first_rev] = True
        starts = np.cumsum([0] + [c.size for c in cols])
        for d in np.flatnonzero(~keep).tolist():
            i = int(np.searchsorted(starts, d, side="right")) - 1
            whoosh_internals.delete_in_segment(segments[i], d - int(starts[i]))
    return uniq


def _commit(coll: Collection, ix: Index, ids: np.ndarray | None, job: Job | None, fresh: bool,
            whole_columns: bool = False, ready: list[Segment] | None = None) -> int:
    """Replace the documents of `ids` (sorted, unique; None: every collected
    post, into a fresh index) — delete the old ones, write those that
    should exist — in one commit; returns the documents written.

    `ready`: segments the live writer already wrote (not committed) with
    current documents of some of those posts; they join the commit and
    their posts are not written again."""
    ready = list(ready or [])
    covered = _drop_repeats(ix, ready)
    # Holding a SegmentWriter holds the index's lock for the whole change;
    # it also records the deletions and writes the new table of contents.
    parent = SegmentWriter(ix, timeout=lock.LOCK_WAIT)
    try:
        folded: frozenset[str] = frozenset()
        with parent.reader() as r:
            if not fresh and ids is not None:
                changed = np.union1d(ids, covered)
                folded, refolded = _small_segments(r, int(changed.size))
                ids = np.union1d(changed, refolded)
                # A folded segment is left out whole, as one whose every
                # document is deleted: its millions of documents are never
                # deleted one by one (each a Python int in Whoosh's sets).
                if changed.size:
                    for d in _docnums_of(r, changed, skip=folded):
                        parent.delete_document(d)
        order = time_order(coll.db, ids)
        if covered.size:
            order = order[~member_mask(order, covered)]
        done = int(covered.size)
        segments = ready + _write_new(coll, ix, order, job, done, done + int(order.size))
        if job is not None:
            job.check()
        kept = [s for s in parent.segments if s.doc_count() > 0 and s.segment_id() not in folded]
        dropped = [s for s in parent.segments if s.doc_count() == 0 or s.segment_id() in folded]
        # The generation's column file first: a kill before the table of
        # contents below leaves the previous generation (and its file) whole.
        # Carried forward from the previous generation's file unless that
        # is the one being mended.
        colfile.write_for_segments(ix, coll.index_dir, parent.generation, kept + segments, dropped,
                                   whole=whole_columns)
        whoosh_internals.commit_segments(parent, kept + segments)
    except BaseException:
        if not parent.is_closed:
            parent.cancel()
        raise
    colfile.remove_stale(coll.index_dir, ix.indexname, parent.generation)
    return sum(s.doc_count() for s in segments)


def _new_index(coll: Collection) -> tuple[Index, str]:
    coll.index_dir.mkdir(parents=True, exist_ok=True)
    name = "IX" + uuid.uuid4().hex[:12]
    # Without mmap, as open_index: the commit reads the new segments back to
    # build the column file, and through a mapping Whoosh copies each
    # segment's sub-files whole into memory (+490 MB at a million posts).
    storage = FileStorage(str(coll.index_dir), supports_mmap=False)
    return storage.create_index(schema(), indexname=name), name


def reindex(coll: Collection, job: Job | None = None) -> int:
    """Rebuild the index from SQLite; returns the number of documents.

    The new index is written beside the current one and takes over only
    when complete, so searches meanwhile read the old one, and a cancel or a
    kill leaves the old one in use (marked dirty, so the next import checks
    and mends it)."""
    with writing(coll):
        set_meta(coll.db, **{META_STATE: "dirty"})
        ix, name = _new_index(coll)
        return _fill_new_index(coll, ix, name, job)


def _fill_new_index(coll: Collection, ix: Index, name: str, job: Job | None,
                    ready: list[Segment] | None = None) -> int:
    """Write every collected post into the new index `ix` (those of `ready`
    segments are written already) and make it the collection's index."""
    try:
        count = _commit(coll, ix, None, job, fresh=True, ready=ready)
    finally:
        ix.close()
    set_meta(coll.db, **{META_NAME: name, META_FORMAT: index_format(), META_STATE: "clean"})
    remove_other_indexes(coll.index_dir, keep=name)
    return count


# From this many changed posts on, an import writes the index while it
# reads: a worker process turns each batch into documents on the second
# core as soon as the batch is stored, instead of every post being written
# after the last batch (that tail was a quarter of a large import's time).
LIVE_MIN = PARALLEL_MIN


class _LiveWriter:
    """One spawned worker that writes, into segments no table of contents
    lists yet, the documents of each batch the import hands it."""

    def __init__(self, coll: Collection, name: str):
        ctx = _mp_context()
        self.tasks: Queue = ctx.Queue()
        self.results: Queue = ctx.Queue()
        self.proc = ctx.Process(target=_worker, args=(0, str(coll.path / "collection.db"), str(coll.index_dir),
                                                      name, self.tasks, self.results, os.getpid(), True),
                                daemon=True)
        self.proc.start()
        self.written = 0  # documents the worker reported, for the progress

    def send(self, ids: np.ndarray) -> None:
        self.tasks.put(ids)

    def finish(self, job: Job | None) -> list[Segment]:
        """Wait for the worker to write what it was given; its segments."""
        def progress(n: int) -> None:
            self.written += n
            if job is not None:
                job.check()
                job.progress(self.written, None, "Indexing", self.written)

        self.tasks.put(None)
        segments = _gather([self.proc], self.results, job, progress)[0]
        self.proc.join()
        return segments

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join()


class IndexSink:
    """What the importer tells the index: `posts_changed(ids)` after each
    batch it wrote, `commit()` once at the end (also after a cancel).

    The ids are gathered and written in one pass at commit, with the
    retweets of changed originals: one Whoosh commit per import, none per
    record. The index is marked dirty as soon as the sink exists (the
    importer writes rows before it calls `posts_changed`), so a kill at any
    point shows in `verify`; a sink that finds the index dirty from an
    earlier run, missing, or built for another analysis, mends it first."""

    def __init__(self, coll: Collection):
        self.coll = coll
        # 8 bytes an id (repeats removed at commit); a set took ~60.
        self._pending = array("q")
        self._was_dirty = is_dirty(coll)
        # Why the last commit left the index behind (another program was
        # writing it), for the caller to tell the user; None when it did not.
        self.problem: str | None = None
        # The live writer of a large import, the index lock it holds until
        # the commit, and the new index it writes into when there was none.
        self._live: _LiveWriter | None = None
        self._live_lock: contextlib.ExitStack | None = None
        self._live_new: tuple[Index, str] | None = None
        self._live_tried = False
        set_meta(coll.db, **{META_STATE: "dirty"})

    def posts_changed(self, ids: list[int]) -> None:
        self._pending.extend(ids)
        if self._live is not None:
            if ids:
                self._live.send(np.array(ids, dtype=np.int64))
        elif not self._live_tried and len(self._pending) >= LIVE_MIN:
            self._live_tried = True
            self._go_live()

    def _go_live(self) -> None:
        """Start the live writer, with what changed so far as its first task.

        It holds the index's writer lock from here to the commit: another
        writer's commit meanwhile would delete the segments it has written
        and no table of contents lists yet (Whoosh removes such files). When
        another program holds the lock now, the import indexes at its end."""
        coll = self.coll
        stack = contextlib.ExitStack()
        try:
            stack.enter_context(writing(coll, timeout=0))
        except LockError:
            return
        try:
            ix = open_index(coll)
            if ix is None:
                self._live_new = _new_index(coll)
                name = self._live_new[1]
            else:
                name = ix.indexname
                ix.close()
            self._live = _LiveWriter(coll, name)
        except BaseException:
            stack.close()
            raise
        self._live_lock = stack
        self._live.send(np.unique(np.frombuffer(self._pending, dtype=np.int64)))

    def _end_live(self) -> None:
        if self._live is not None:
            self._live.stop()
        if self._live_new is not None:
            self._live_new[0].close()
        if self._live_lock is not None:
            self._live_lock.close()
        self._live = self._live_lock = self._live_new = None
        self._live_tried = False

    def close(self) -> None:
        """Stop a live writer without committing (the import failed): what
        it wrote is never listed, and the index stays marked dirty."""
        self._end_live()

    def commit(self, job: Job | None = None) -> None:
        coll = self.coll
        try:
            with writing(coll):
                self._commit(job)
        except LockError:
            # Another program is writing the index (an import in the window
            # while the command line imports too). The rows are safe in
            # SQLite and the index stays marked dirty, so the next import or
            # `reindex` brings it up to date; the import itself succeeded.
            self.problem = ("the search index was busy (being written by another program); "
                            "import again or run `archive-viewer reindex` to make these posts searchable")
            return
        finally:
            self._end_live()
        self._pending = array("q")
        self._was_dirty = False
        self.problem = None
        set_meta(coll.db, **{META_STATE: "clean"})

    def _live_segments(self, job: Job | None) -> list[Segment] | None:
        """What the live writer wrote, once it has written all it was given;
        None when there was none or it failed (then the commit writes all)."""
        if self._live is None:
            return None
        try:
            return self._live.finish(job)
        except RuntimeError:
            log.warning("the live index writer failed; indexing at the end instead", exc_info=True)
            return None

    def _commit(self, job: Job | None) -> None:
        coll = self.coll
        ready = self._live_segments(job)
        if self._live_new is not None:
            ix, name = self._live_new
            self._live_new = None
            if ready is None:
                ix.close()
                reindex(coll, job)
            else:
                set_meta(coll.db, **{META_STATE: "dirty"})
                _fill_new_index(coll, ix, name, job, ready)
            return
        ix = open_index(coll)
        if ix is None:
            # The first import, or an index another version built: build all.
            reindex(coll, job)
            return
        try:
            pending = with_retweets(coll.db, self._pending)
            mend_columns = False
            if self._was_dirty:
                report = compare(coll, ix)
                found = [*report.missing, *report.stale, *report.extra]
                if found:
                    pending = np.union1d(pending, np.array(found, dtype=np.int64))
                mend_columns = report.columns is not None  # the commit rewrites the file
            if pending.size or mend_columns:
                _commit(coll, ix, pending, job, fresh=False, whole_columns=mend_columns, ready=ready)
        except _INDEX_DAMAGE as e:
            if is_disk_full(e):
                raise
            # A segment file missing or cut short (a kill, a full disk, a
            # copy gone wrong): the index is rebuilt from the database.
            ix.close()
            reindex(coll, job)
        finally:
            ix.close()


# What reading a damaged index raises from inside Whoosh.
_INDEX_DAMAGE = (OSError, ValueError, EOFError, KeyError, IndexError, struct.error)


def index_sink(coll: Collection) -> IndexSink:
    return IndexSink(coll)


def update_posts(coll: Collection, ids: list[int]) -> None:
    """Re-index a few posts after a change made outside an import."""
    sink = IndexSink(coll)
    sink.posts_changed(list(ids))
    sink.commit()
