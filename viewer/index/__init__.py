"""The Whoosh full-text index: one document per collected post (DESIGN §2, §4).

SQLite is the source of truth and the index is derived from it: an import
tells the index which posts changed (`index_sink`), `reindex` rebuilds it
from scratch and `verify` reports where the two disagree.

A document holds what Whoosh answers (the analysed words, hashtags, mentions,
author and reply-to handles) and, as per-document columns, what the searcher
keeps in memory for sorting, filters, facets and the histogram (post id,
time, kind, media flags, language, author, hashtags) and what `verify`
compares (the post's `rev` and its retweeted original's). A retweet's
document carries its original's full text, hashtags, mentions and media, so
it is found as the original is.

Each build of the index gets its own Whoosh index name, kept in the `meta`
table (`index_name`); `reindex` writes a new one beside the old and switches
the name when it is complete, so a search meanwhile reads the old one and a
kill never leaves a half-built index in use. `index_state` is "dirty" from
the moment a writer may change the index until its changes are committed:
a collection left dirty by a kill is checked and mended by the next import
(or `reindex`).

Documents are written by viewer.index.segment_writer (Whoosh's own segment format,
written in bulk: several times faster than Whoosh's writer), in worker
processes for large batches; each commit adds new segments and marks the
replaced documents deleted, and small segments are folded together by
rewriting their posts, so their number stays low.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import re
import shutil
import sqlite3
import sys
import threading
import time
import uuid
from array import array
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple

try:
    import fcntl
except ImportError:  # Windows: one writer at a time rests on Whoosh's own lock
    fcntl = None  # type: ignore[assignment]

from whoosh import index as whoosh_index
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import COLUMN, FieldType, Schema
from whoosh.formats import Existence, Positions
from whoosh.index import Index, LockError
from whoosh.reading import IndexReader
from whoosh.writing import SegmentWriter

from viewer.index import segment_writer
from viewer.collection import Collection
from viewer.jobs import Job
from viewer.textproc import ANALYSIS_VERSION, exact_analyzer, normalize_handle, text_analyzer

__all__ = [
    "IndexSink", "VerifyReport", "index_sink", "reindex", "verify", "update_posts",
    "open_index", "is_dirty", "schema", "segment_columns", "KIND_CODES", "KIND_NAMES",
    "FLAG_MEDIA", "FLAG_IMAGES", "FLAG_VIDEOS", "FLAG_LINKS", "NO_TIME", "TAG_SEP",
]

# Bump when the schema or what goes into a document changes; with
# textproc.ANALYSIS_VERSION it says whether an index can still be searched.
LAYOUT_VERSION = 1

KIND_CODES = {"post": 0, "reply": 1, "quote": 2, "retweet": 3}
KIND_NAMES = {v: k for k, v in KIND_CODES.items()}
# Bits of the `flags` column.
FLAG_MEDIA, FLAG_IMAGES, FLAG_VIDEOS, FLAG_LINKS = 1, 2, 4, 8
# created_ts of a post no archive dated: sorts first, outside every range.
NO_TIME = -(2**62)
TAG_SEP = b"\x1f"

# A batch of at least this many posts is written by worker processes.
PARALLEL_MIN = 20_000
# Ids per SQL "IN (…)", under SQLite's 999-variable limit of old builds;
# also the unit of work handed to a worker.
CHUNK = 900
# Postings per block (Whoosh writes 128): fewer, larger blocks make reading a
# common word's million postings quicker.
BLOCK = 1024
# From this many segments on, the small ones (at most FOLD_MAX posts, or a
# twentieth of the index) are folded together at the next commit.
MAX_SEGMENTS = 8
FOLD_MAX = 20_000

# Seconds a writer waits for another to finish with the index.
LOCK_WAIT = 30.0

_WRITING = "WRITING.lock"
_held = threading.local()


@contextlib.contextmanager
def writing(coll: Collection, timeout: float | None = None) -> Iterator[None]:
    """Hold the collection's one index-writer lock while the block runs.

    Whoosh locks one index; a rebuild writes a new index beside it and then
    removes the old, so an import committing to the old one meanwhile (the
    window and the command line at once, or a search mending the index
    while an import writes) would lose segments. Every write takes this lock
    first, so they run one after another. Re-entrant within a thread, since a
    commit may turn into a rebuild. Raises LockError after `timeout` s
    (LOCK_WAIT by default).
    """
    key = str(coll.index_dir)
    held: dict[str, int] = getattr(_held, "dirs", None) or {}
    _held.dirs = held
    if key in held:
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    coll.index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(coll.index_dir / _WRITING, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            deadline = time.monotonic() + (LOCK_WAIT if timeout is None else timeout)
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise LockError("the search index is being written by another program") from None
                    time.sleep(0.05)
        held[key] = 1
        try:
            yield
        finally:
            del held[key]
    finally:
        os.close(fd)  # closing the descriptor releases the lock


_META_NAME = "index_name"
_META_STATE = "index_state"
_META_FORMAT = "index_format"

_TEXT_FIELDS = (("text", "phrases"),)
_KEYWORD_FIELDS = ("author", "hashtags", "mentions", "to")
_COLUMNS = ("pid", "rev", "orig_rev", "ts", "kind", "flags", "lang", "author_c", "tags_c")


def index_format() -> str:
    return f"{LAYOUT_VERSION}.{ANALYSIS_VERSION}"


def schema() -> Schema:
    """Text analysed for Arabic and English (viewer.textproc); hashtags,
    mentions and handles as exact folded keywords; the rest as columns.
    Nothing is stored: SQLite holds every row."""
    exact = lambda: FieldType(Existence(), exact_analyzer(), scorable=False)  # noqa: E731
    return Schema(
        # The words twice: once each per post, to match and score (posting
        # blocks of bare document numbers are the quickest to read; a word
        # is rarely repeated in a tweet, so counting it once loses little),
        # and with positions, for phrases.
        text=FieldType(Existence(), text_analyzer(), scorable=True),
        phrases=FieldType(Positions(), text_analyzer(), scorable=False),
        hashtags=exact(),
        mentions=exact(),
        author=exact(),
        to=exact(),
        pid=COLUMN(NumericColumn("q")),
        rev=COLUMN(NumericColumn("q")),
        orig_rev=COLUMN(NumericColumn("q")),
        ts=COLUMN(NumericColumn("q", default=NO_TIME)),
        kind=COLUMN(NumericColumn("B")),
        flags=COLUMN(NumericColumn("B")),
        lang=COLUMN(VarBytesColumn()),
        author_c=COLUMN(VarBytesColumn()),  # the author's handle as written
        tags_c=COLUMN(VarBytesColumn()),  # hashtags as written, joined by TAG_SEP
    )


# ---------------------------------------------------------------------------
# meta, and opening the current index
# ---------------------------------------------------------------------------


def _meta(db: Any, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def _set_meta(db: Any, **values: str) -> None:
    conn = db.conn
    with conn:
        conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", list(values.items()))


def is_dirty(coll: Collection) -> bool:
    """True when a writer started changing the index and did not finish."""
    return _meta(coll.db, _META_STATE) == "dirty"


def index_name(coll: Collection) -> str | None:
    return _meta(coll.db, _META_NAME)


def open_index(coll: Collection) -> Index | None:
    """The collection's current index; None when there is none yet, it is
    unreadable, or it was built with another analysis (queries would not
    find its terms)."""
    name = _meta(coll.db, _META_NAME)
    if not name or _meta(coll.db, _META_FORMAT) != index_format():
        return None
    try:
        if not whoosh_index.exists_in(str(coll.index_dir), indexname=name):
            return None
        return whoosh_index.open_dir(str(coll.index_dir), indexname=name)
    except Exception:  # a damaged table of contents: rebuilt, never fatal
        return None


_OURS = re.compile(r"^_?(IX[0-9a-f]{12})[_.]")


def _remove_other_indexes(index_dir: Path, keep: str) -> None:
    """Delete the files of earlier builds and of builds a kill interrupted."""
    for entry in os.scandir(index_dir):
        m = _OURS.match(entry.name)
        if m and m.group(1) != keep:
            try:
                if entry.is_dir():
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass  # still open elsewhere (Windows): the next build retries


# ---------------------------------------------------------------------------
# documents, read from SQLite
# ---------------------------------------------------------------------------


class Doc(NamedTuple):
    pid: int
    rev: int
    orig_rev: int
    ts: int
    kind: int
    flags: int
    lang: bytes
    author_c: bytes
    tags_c: bytes
    text: str
    author: list[str]
    hashtags: list[str]
    mentions: list[str]
    to: list[str]

    def columns(self) -> tuple:
        return (self.pid, self.rev, self.orig_rev, self.ts, self.kind, self.flags, self.lang,
                self.author_c, self.tags_c)


def _chunks(seq: list[int], n: int | None = None) -> Iterator[list[int]]:
    n = n or CHUNK
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def _group(db: Any, sql: str, ids: list[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for chunk in _chunks(ids):
        for pid, *value in db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk):
            out.setdefault(pid, []).append(value[0] if len(value) == 1 else tuple(value))
    return out


def documents(db: Any, ids: list[int]) -> list[Doc]:
    """The documents of those of `ids` that are collected posts (the others
    get none). `db` is a sqlite3 connection or sqlite_utils Database."""
    marks = ",".join("?" * len(ids))
    # "+p.collected": keep SQLite on the primary key, not the collected index.
    rows = db.execute(
        f"""SELECT p.id, p.rev, p.created_ts, p.kind, p.lang, p.author_handle, p.reply_to_handle,
                   p.text, p.retweet_of, o.id, o.rev, o.text, o.lang
            FROM posts p LEFT JOIN posts o ON o.id = p.retweet_of
            WHERE p.id IN ({marks}) AND +p.collected = 1""", ids).fetchall()
    if not rows:
        return []
    every = sorted({r[0] for r in rows} | {r[9] for r in rows if r[9] is not None})
    tags = _group(db, "SELECT post_id, norm, tag FROM hashtags WHERE post_id IN ({marks})", every)
    mentions = _group(db, "SELECT post_id, handle_norm FROM mentions WHERE post_id IN ({marks})", every)
    media = _group(db, "SELECT post_id, type FROM media WHERE post_id IN ({marks})", every)
    links = _group(db, "SELECT DISTINCT post_id, 1 FROM urls WHERE post_id IN ({marks})", every)
    docs = []
    order = {pid: i for i, pid in enumerate(ids)}
    rows.sort(key=lambda r: order[r[0]])  # as asked: the writer keeps documents in time order
    for (pid, rev, ts, kind, lang, author, to, text, _, oid, orev, otext, olang) in rows:
        sources = (pid,) if oid is None else (pid, oid)
        if otext:
            # A retweet's own text is often cut ("RT @x: …"); the original's
            # is whole, and is what the reader sees.
            text = f"{text}\n{otext}" if text else otext
        seen_tags: dict[str, str] = {}
        for s in sources:
            for norm, shown in tags.get(s, ()):
                seen_tags.setdefault(norm, shown)
        kinds_of_media = {t for s in sources for t in media.get(s, ())}
        flags = 0
        if kinds_of_media:
            flags |= FLAG_MEDIA
        if "photo" in kinds_of_media:
            flags |= FLAG_IMAGES
        if kinds_of_media & {"video", "animated_gif"}:
            flags |= FLAG_VIDEOS
        if any(s in links for s in sources):
            flags |= FLAG_LINKS
        lang = (lang or olang or "").lower()
        docs.append(Doc(
            pid=pid, rev=rev or 0, orig_rev=orev or 0,
            ts=ts if ts is not None else NO_TIME,
            kind=KIND_CODES.get(kind, 0), flags=flags,
            lang=lang.encode(), author_c=(author or "").encode(),
            tags_c=TAG_SEP.join(t.encode() for t in seen_tags.values()),
            text=text or "",
            author=[normalize_handle(author)] if author else [],
            hashtags=list(seen_tags),
            mentions=sorted({m for s in sources for m in mentions.get(s, ())}),
            to=[normalize_handle(to)] if to else [],
        ))
    return docs


def _time_order(db: Any, ids: set[int]) -> list[int]:
    """The collected posts among `ids`, by (time, id): the order the
    searcher ranks posts in. Segments written in this order let it map
    document numbers to ranks by an offset instead of a lookup."""
    if len(ids) > 50_000:
        # Most of the collection: one ordered pass over the time index.
        rows = db.execute("SELECT id FROM posts WHERE collected = 1 "
                          "ORDER BY coalesce(created_ts, ?), id", [NO_TIME])
        return [r[0] for r in rows if r[0] in ids]
    keyed = []
    for chunk in _chunks(sorted(ids)):
        marks = ",".join("?" * len(chunk))
        keyed.extend(db.execute(f"SELECT coalesce(created_ts, ?), id FROM posts WHERE id IN ({marks}) "
                                "AND +collected = 1", [NO_TIME, *chunk]))
    keyed.sort()
    return [pid for _, pid in keyed]


def _with_retweets(db: Any, ids: Iterable[int]) -> set[int]:
    """`ids` and the collected retweets of any of them: a retweet's document
    holds its original's text, so it changes when the original does."""
    out = set(ids)
    for chunk in _chunks(sorted(out)):
        marks = ",".join("?" * len(chunk))
        out.update(r[0] for r in db.execute(
            f"SELECT id FROM posts WHERE retweet_of IN ({marks}) AND +collected = 1", chunk))
    return out


# ---------------------------------------------------------------------------
# bulk reads of the index's columns
# ---------------------------------------------------------------------------


def _numeric_column(seg: IndexReader, name: str, typecode: str, n: int) -> array:
    """One segment's numeric column as an array indexed by document number,
    read in one go (Whoosh's reader unpacks values one by one: ~1 s per
    million documents); Whoosh's reader is the fallback."""
    if not seg.has_column(name):
        default = seg.schema[name].column_type.default_value()
        return array(typecode, [default]) * n
    cr = seg.column_reader(name, translate=False)
    try:
        if isinstance(cr, NumericColumn.Reader) and cr._typecode == typecode:
            count = min(cr._count, n)
            out = array(typecode)
            out.frombytes(bytes(cr._dbfile.get(cr._basepos, count * out.itemsize)))
            if out.itemsize > 1 and array("H", [1]).tobytes()[0] == 1:
                out.byteswap()  # Whoosh packs them big-endian
            if count < n:
                out.extend(array(typecode, [cr._default]) * (n - count))
            return out
    except (AttributeError, TypeError, ValueError):
        pass
    return array(typecode, (cr[i] for i in range(n)))


def _bytes_column(seg: IndexReader, name: str, n: int) -> list[bytes]:
    """One segment's VarBytes column as a list of bytes, read in one go."""
    if not seg.has_column(name):
        return [b""] * n
    cr = seg.column_reader(name, translate=False)
    try:
        if isinstance(cr, VarBytesColumn.Reader):
            offsets, lengths = cr._offsets, cr._lengths
            total = offsets[n - 1] + lengths[n - 1] if n else 0
            data = bytes(cr._dbfile.get(cr._basepos, total))
            return list(map(data.__getitem__, map(slice, offsets, map(int.__add__, offsets, lengths))))
    except (AttributeError, TypeError, ValueError, IndexError):
        pass
    return [cr[i] for i in range(n)]


def segment_columns(seg: IndexReader, names: Iterable[str]) -> dict[str, Any]:
    """The named columns of one segment (numeric ones as arrays, byte ones as
    lists), indexed by the segment's document numbers."""
    n = seg.doc_count_all()
    out: dict[str, Any] = {}
    for name in names:
        col = seg.schema[name].column_type
        if isinstance(col, NumericColumn):
            out[name] = _numeric_column(seg, name, col._typecode, n)
        else:
            out[name] = _bytes_column(seg, name, n)
    return out


def _live(seg: IndexReader) -> frozenset:
    return seg.deleted_docs_set if seg.has_deletions() else frozenset()


# ---------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------


def _add(writer: Any, doc: Doc) -> None:
    if isinstance(writer, segment_writer.FastSegmentWriter):
        writer.add({"text": doc.text},
                   {"author": doc.author, "hashtags": doc.hashtags, "mentions": doc.mentions, "to": doc.to},
                   doc.columns())
        return
    fields = dict(zip(_COLUMNS, doc.columns()))
    fields["text"] = fields["phrases"] = doc.text
    for name in _KEYWORD_FIELDS:
        values = getattr(doc, name)
        if values:
            fields[name] = " ".join(values)
    writer.add_document(**fields)


def _part_writer(ix: Index) -> Any:
    """A writer of new segments that takes no lock (the build holds it)."""
    if segment_writer.supported():
        try:
            return segment_writer.FastSegmentWriter(ix, _TEXT_FIELDS, _KEYWORD_FIELDS, _COLUMNS,
                                                    blocksize=BLOCK, _lk=False)
        except TypeError:
            pass  # a Whoosh laid out otherwise: its own (slower) writer
    return SegmentWriter(ix, _lk=False)


def _finish_part(writer: Any) -> Any:
    """Close a part writer; its segment (None if it holds no documents)."""
    if not writer._added:
        writer._close_segment()
        return None
    return writer._finalize_segment()


def write_part(db: Any, ix: Index, id_chunks: Iterable[list[int]], progress: Any = None) -> list[Any]:
    """Write the documents of the ids into new segments (one more each time
    the one in hand holds as many postings as memory allows); returns them."""
    segments: list[Any] = []
    w = _part_writer(ix)
    for chunk in id_chunks:
        for doc in documents(db, chunk):
            _add(w, doc)
        if getattr(w, "postings_held", 0) > segment_writer.MAX_POSTINGS:
            segments.append(_finish_part(w))
            w = _part_writer(ix)
        if progress is not None:
            progress(len(chunk))
    seg = _finish_part(w)
    if seg is not None:
        segments.append(seg)
    return segments


def _worker(me: int, db_path: str, index_dir: str, name: str, tasks: Any, results: Any) -> None:
    """A worker process: writes the chunks of ids it is given into segments."""
    try:
        db = sqlite3.connect(Path(db_path).resolve().as_uri() + "?mode=ro", uri=True, timeout=60)
        ix = whoosh_index.open_dir(index_dir, indexname=name)

        def chunks() -> Iterator[list[int]]:
            while True:
                chunk = tasks.get()
                if chunk is None:
                    return
                yield chunk

        def progress(n: int) -> None:
            results.put(("progress", me, n))

        results.put(("done", me, write_part(db, ix, chunks(), progress)))
    except BaseException as e:  # reported to the parent, which raises it
        results.put(("error", me, f"{type(e).__name__}: {e}"))


def _mp_context() -> Any:
    # fork is fast, but forking a process that runs other threads can
    # deadlock the child; the window runs Qt threads Python's threading
    # module does not count. spawn then (a fresh interpreter, ~0.3 s).
    if (threading.active_count() == 1 and "PySide6.QtCore" not in sys.modules
            and "fork" in multiprocessing.get_all_start_methods()):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _write_new(coll: Collection, ix: Index, ids: list[int], job: Job | None, done: int,
               total: int) -> list[Any]:
    """New segments with the documents of `ids`: in worker processes for a
    large batch, here for a small one."""
    workers = min((os.cpu_count() or 1), 4)
    if len(ids) < PARALLEL_MIN or workers < 2:
        def progress(n: int) -> None:
            nonlocal done
            done += n
            if job is not None:
                job.check()
                job.progress(done, total, "Indexing", done)
        return write_part(coll.db, ix, _chunks(ids), progress)

    ctx = _mp_context()
    # Each worker gets an even, contiguous share of the (time-ordered) ids
    # on its own queue, so its segments follow one another in time.
    queues = [ctx.Queue() for _ in range(workers)]
    results = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(i, str(coll.path / "collection.db"), str(coll.index_dir),
                                                ix.indexname, q, results), daemon=True)
             for i, q in enumerate(queues)]
    for p in procs:
        p.start()
    try:
        chunks = list(_chunks(ids))
        for w, q in enumerate(queues):
            for chunk in chunks[w * len(chunks) // workers:(w + 1) * len(chunks) // workers]:
                q.put(chunk)
            q.put(None)
        by_worker: dict[int, list[Any]] = {}
        finished: set[int] = set()
        while len(finished) < len(procs):
            if job is not None:
                job.check()
            try:
                msg = results.get(timeout=0.5)
            except queue.Empty:
                for i, p in enumerate(procs):
                    if i not in finished and not p.is_alive() and results.empty():
                        raise RuntimeError("an indexing process ended without finishing its work")
                continue
            kind, who, value = msg
            if kind == "progress":
                done += value
                if job is not None:
                    job.progress(done, total, "Indexing", done)
            elif kind == "done":
                finished.add(who)
                by_worker[who] = value
            else:
                raise RuntimeError(f"indexing failed: {value}")
        for p in procs:
            p.join()
        return [seg for w in sorted(by_worker) for seg in by_worker[w]]
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
                p.join()


def _docnums_of(reader: IndexReader, pids: set[int]) -> list[int]:
    """Every live document number whose post id is in `pids`."""
    found: list[int] = []
    for seg, offset in reader.leaf_readers():
        col = _numeric_column(seg, "pid", "q", seg.doc_count_all())
        deleted = _live(seg)
        # One pass in C over the segment: a membership test per document.
        for d in compress(range(len(col)), map(pids.__contains__, col)):
            if d not in deleted:
                found.append(offset + d)
    return found


def _small_segments(reader: IndexReader) -> set[int]:
    """Post ids of the small segments, once segments are many: rewriting them
    into one new segment keeps a search from visiting dozens. Only small
    ones (the leftovers of small imports) are folded, so a ten-post import
    never rewrites a large part of the index."""
    segs = [(seg.doc_count(), seg) for seg, _ in reader.leaf_readers() if seg.doc_count()]
    if len(segs) < MAX_SEGMENTS:  # the commit adds one more
        return set()
    total = sum(n for n, _ in segs)
    small = [seg for n, seg in segs if n <= max(FOLD_MAX, total // 20)]
    if len(small) < 2:
        return set()
    out: set[int] = set()
    for seg in small:
        col = _numeric_column(seg, "pid", "q", seg.doc_count_all())
        deleted = _live(seg)
        out.update(p for d, p in enumerate(col) if d not in deleted)
    return out


def _commit(coll: Collection, ix: Index, ids: set[int], job: Job | None, fresh: bool) -> int:
    """Replace the documents of `ids` (delete the old ones, write those that
    should exist) in one commit; returns the documents written."""
    # Holding a SegmentWriter holds the index's lock for the whole change;
    # it also records the deletions and writes the new table of contents.
    parent = SegmentWriter(ix, timeout=LOCK_WAIT)
    try:
        with parent.reader() as r:
            if not fresh:
                ids = ids | _small_segments(r)
            if not fresh and ids:
                for d in _docnums_of(r, ids):
                    parent.delete_document(d)
        order = _time_order(coll.db, ids)
        segments = _write_new(coll, ix, order, job, 0, len(order))
        if job is not None:
            job.check()
        kept = [s for s in parent.segments if s.doc_count() > 0]
        parent._close_segment()
        parent._commit_toc(kept + segments)
        parent._finish()
    except BaseException:
        if not parent.is_closed:
            parent.cancel()
        raise
    return sum(s.doc_count_all() for s in segments)


def _new_index(coll: Collection) -> tuple[Index, str]:
    coll.index_dir.mkdir(parents=True, exist_ok=True)
    name = "IX" + uuid.uuid4().hex[:12]
    return whoosh_index.create_in(str(coll.index_dir), schema(), indexname=name), name


def reindex(coll: Collection, job: Job | None = None) -> int:
    """Rebuild the index from SQLite; returns the number of documents.

    The new index is written beside the current one and takes over only
    when complete, so searches meanwhile read the old one, and a cancel or a
    kill leaves the old one in use (marked dirty, so the next import checks
    and mends it)."""
    with writing(coll):
        _set_meta(coll.db, **{_META_STATE: "dirty"})
        ix, name = _new_index(coll)
        try:
            ids = {r[0] for r in coll.db.execute("SELECT id FROM posts WHERE collected = 1")}
            count = _commit(coll, ix, ids, job, fresh=True)
        finally:
            ix.close()
        _set_meta(coll.db, **{_META_NAME: name, _META_FORMAT: index_format(), _META_STATE: "clean"})
        _remove_other_indexes(coll.index_dir, keep=name)
    return count


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
        self._pending: set[int] = set()
        self._was_dirty = is_dirty(coll)
        # Why the last commit left the index behind (another program was
        # writing it), for the caller to tell the user; None when it did not.
        self.problem: str | None = None
        _set_meta(coll.db, **{_META_STATE: "dirty"})

    def posts_changed(self, ids: list[int]) -> None:
        self._pending.update(ids)

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
        self._pending.clear()
        self._was_dirty = False
        self.problem = None
        _set_meta(coll.db, **{_META_STATE: "clean"})

    def _commit(self, job: Job | None) -> None:
        coll = self.coll
        ix = open_index(coll)
        if ix is None:
            # The first import, or an index another version built: build all.
            reindex(coll, job)
            return
        try:
            pending = _with_retweets(coll.db, self._pending)
            if self._was_dirty:
                report = _compare(coll, ix)
                pending.update(report.missing, report.stale, report.extra)
            if pending:
                _commit(coll, ix, pending, job, fresh=False)
        finally:
            ix.close()


def index_sink(coll: Collection) -> IndexSink:
    return IndexSink(coll)


def update_posts(coll: Collection, ids: list[int]) -> None:
    """Re-index a few posts after a change made outside an import."""
    sink = IndexSink(coll)
    sink.posts_changed(list(ids))
    sink.commit()


# ---------------------------------------------------------------------------
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

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.stale or self.problem)

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
        }


def _compare(coll: Collection, ix: Index) -> VerifyReport:
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
            deleted = _live(seg)
            for d, (pid, rev, orev) in enumerate(zip(cols["pid"], cols["rev"], cols["orig_rev"])):
                if d in deleted:
                    continue
                report.indexed += 1
                expect = want.get(pid)
                if expect is None or pid in seen:
                    report.extra.append(pid)
                elif expect != (rev, orev):
                    report.stale.append(pid)
                seen.add(pid)
    report.missing = sorted(set(want) - seen)
    report.extra.sort()
    report.stale.sort()
    return report


def verify(coll: Collection) -> VerifyReport:
    """Compare the index with SQLite: post id and rev of every document."""
    ix = open_index(coll)
    if ix is None:
        ids = [r[0] for r in coll.db.execute("SELECT id FROM posts WHERE collected = 1 ORDER BY id")]
        name = _meta(coll.db, _META_NAME)
        if name and _meta(coll.db, _META_FORMAT) != index_format():
            problem = "the index was built by another version of archive-viewer"
        elif name:
            problem = "the index is missing or unreadable"
        else:
            problem = "there is no index yet" if ids else None
        return VerifyReport(posts=len(ids), missing=ids, problem=problem, dirty=is_dirty(coll))
    try:
        return _compare(coll, ix)
    finally:
        ix.close()
