"""The column file of one index generation: what a search needs per post,
in time order, written at commit and memory-mapped by the searcher.

Reading every per-post column out of the Whoosh segments and sorting by
time costs seconds and hundreds of MB at a million posts; every command
paid it at open. The commit that makes a generation writes the same
columns once, already ordered, as fixed-width arrays in one file
(`_<index name>_<generation>.cols`, next to the segments). Opening maps it:
nothing is read until a query touches a column, and then only that column.

Layout: MAGIC, a little-endian u32 header length, a JSON header (counts,
the segments it was built from, where each array starts), then the arrays,
each 8-byte aligned, in native little-endian order:

    pid    int64  [n]      post id by rank (rank = time order, then id)
    ts     int64  [n]      created_ts by rank
    kind, flags, lang      uint8 [n]   (lang: a code of the lang table)
    author uint32 [n]      a code of the author table (0: none)
    taglist uint32 [n]     a code of the distinct hashtag lists
    docrank int32 [total]  index document number -> rank (-1: deleted)
    bypid_pid int64 [n], bypid_rank int32 [n]   ids sorted, for id -> rank
    <table>_off uint32, <table>_blob bytes      shown names of author, tag
    <table>_key_*, _khash, _kcode, _form_*, _fhash, _fidx   what a later
                           commit needs to extend a table (table_sections)
    taglists_off uint32, taglists_codes uint32  the tag codes of each list

The header also holds the language table (names, shown forms, and each
written form with its count).

A commit does not build the file from the segments: it carries the
previous generation's file forward with what the commit changed
(viewer.index.colmerge), and a whole build (`reindex`, a first import, a
file being mended) is that carry from an empty file, a group of segments at
a time, in bounded memory. `build` (in memory) remains for a generation
that has no file and as the reference the tests compare with.

The file is written under a temporary name and renamed before the commit
writes its table of contents, so a kill at any point leaves the previous
generation and its column file whole. Files of the first layout (AVCOLS1,
without the tables a carry extends) are still read; the next commit over
one builds whole.
"""
from __future__ import annotations

import json
import logging
import mmap
import os
import struct
import zlib
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterator, NamedTuple

import numpy as np
from whoosh.index import Index
from whoosh.reading import IndexReader

from viewer.index.columns import deleted_docs, segment_columns
from viewer.index.schema import NO_TIME, TAG_SEP
from viewer.textproc import normalize_handle, normalize_tag

log = logging.getLogger(__name__)

MAGIC = b"AVCOLS2\n"
# Files of the first layout (no name-form tables) are still read; a commit
# over one rebuilds whole.
OLD_MAGICS = (b"AVCOLS1\n",)
SUFFIX = ".cols"
_ALIGN = 8

# Segment signature: what makes a column file belong to a generation.
Signature = list[list[Any]]


def name_hash(raw: bytes) -> int:
    """A 64-bit hash of a name that is the same in every process (Python's
    hash() is salted per process): how a later commit finds a name in the
    tables without decoding them all. Equal hashes are told apart by the
    bytes themselves."""
    return (zlib.crc32(raw) << 32) | zlib.adler32(raw)


def path_for(index_dir: Path, name: str, generation: int) -> Path:
    # Named like Whoosh's table of contents (a leading underscore): Whoosh
    # deletes any "<name>_<word>.<ext>" that is not a live segment's file.
    return Path(index_dir) / f"_{name}_{generation}{SUFFIX}"


def signature(reader: IndexReader) -> Signature:
    """The segments of a reader as (id, documents, deleted), in order."""
    out: Signature = []
    for seg, _ in leaves(reader):
        out.append([seg.segment().segment_id(), seg.doc_count_all(), len(deleted_docs(seg))])
    return out


def leaves(reader: IndexReader) -> list[tuple[Any, int]]:
    """The segment readers of `reader` (none for Whoosh's empty reader, which
    stands for an index with no segment)."""
    if reader.doc_count_all() == 0:
        return []
    return list(reader.leaf_readers())


# ---------------------------------------------------------------------------
# building: the columns of a set of segments, in memory
# ---------------------------------------------------------------------------


class Names:
    """Distinct values and their codes (code 0: none), each decoded and
    normalised once. Facets show a value in its most used written form
    (#FreeMosul rather than #FREEMOSUL)."""

    def __init__(self, normalise: Callable[[str], str]) -> None:
        self.normalise = normalise
        self.codes: dict[Any, int] = {None: 0}
        self.names: list[Any] = [None]
        self.forms: list[Counter] = [Counter()]
        self.raw: dict[bytes, int] = {b"": 0}

    def code(self, raw: bytes, count: int = 1) -> int:
        c = self.raw.get(raw)
        if c is None:
            key = self.normalise(raw.decode("utf-8", "replace")) or None
            c = self.codes.get(key)
            if c is None:
                c = self.codes[key] = len(self.names)
                self.names.append(key)
                self.forms.append(Counter())
            self.raw[raw] = c
        if c and count:
            self.forms[c][raw] += count
        return c

    def shown(self, code: int) -> str:
        forms = self.forms[code]
        if not forms:
            return self.names[code] or ""
        best = max(forms.items(), key=lambda f: (f[1], f[0]))[0]
        return best.decode("utf-8", "replace")


class Built:
    """The columns of one generation as numpy arrays (see the module's
    layout), plus the name tables."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self.langs = Names(str.lower)
        self.authors = Names(normalize_handle)
        self.tags = Names(normalize_tag)
        self.taglists: list[tuple[int, ...]] = [()]
        self.shift: dict[int, int] = {}
        self.n = self.total_docs = self.first_dated = 0


# The per-post arrays in file order: (key, dtype, length: "n" live documents
# or "total" documents of the segments).
ROWS: list[tuple[str, Any, str]] = [
    ("pid", np.int64, "n"), ("ts", np.int64, "n"), ("kind", np.uint8, "n"), ("flags", np.uint8, "n"),
    ("lang", np.uint8, "n"), ("author", np.uint32, "n"), ("taglist", np.uint32, "n"),
    ("docrank", np.int32, "total"), ("bypid_pid", np.int64, "n"), ("bypid_rank", np.int32, "n"),
]


def _gather(reader: IndexReader) -> tuple[Built, dict[str, np.ndarray], np.ndarray, list[tuple[int, int, bool]]]:
    """Every segment's columns, concatenated by document number (codes of
    the name tables), and the live documents ordered by (time, post id)."""
    b = Built()
    list_codes: dict[bytes, int] = {b"": 0}
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("pid", "ts", "kind", "flags", "lang", "author",
                                                          "taglist", "live")}
    segs: list[tuple[int, int, bool]] = []
    for seg, offset in leaves(reader):
        n = seg.doc_count_all()
        cols = segment_columns(seg, ("pid", "ts", "kind", "flags", "lang", "author_c", "tags_c"))
        # Each distinct value is decoded once, then one dict lookup a document.
        for raw, count in Counter(cols["lang"]).items():
            b.langs.code(raw, count)
        for raw, count in Counter(cols["author_c"]).items():
            b.authors.code(raw, count)
        for raw, count in Counter(cols["tags_c"]).items():
            if raw not in list_codes:
                list_codes[raw] = len(b.taglists)
                b.taglists.append(tuple(dict.fromkeys(b.tags.code(v, 0) for v in raw.split(TAG_SEP) if v)))
            for v in raw.split(TAG_SEP):
                if v:
                    b.tags.code(v, count)
        parts["pid"].append(np.asarray(cols["pid"], dtype=np.int64))
        parts["ts"].append(np.asarray(cols["ts"], dtype=np.int64))
        parts["kind"].append(np.frombuffer(bytes(cols["kind"]), dtype=np.uint8))
        parts["flags"].append(np.frombuffer(bytes(cols["flags"]), dtype=np.uint8))
        # Past 255 languages (only in a hostile archive) the rest share code 255.
        parts["lang"].append(np.minimum(np.fromiter(map(b.langs.raw.__getitem__, cols["lang"]), np.int64, n),
                                        255).astype(np.uint8))
        parts["author"].append(np.fromiter(map(b.authors.raw.__getitem__, cols["author_c"]), np.uint32, n))
        parts["taglist"].append(np.fromiter(map(list_codes.__getitem__, cols["tags_c"]), np.uint32, n))
        live = np.ones(n, dtype=bool)
        deleted = deleted_docs(seg)
        if deleted:
            live[np.fromiter(deleted, np.int64, len(deleted))] = False
        parts["live"].append(live)
        segs.append((offset, n, bool(deleted)))
    # One column at a time, each segment's piece freed as it is joined: at
    # ten million posts every copy held at once is ~35 bytes a post more.
    cat: dict[str, np.ndarray] = {}
    for k in list(parts):
        pieces = parts.pop(k)
        cat[k] = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
        del pieces
    live = cat.pop("live")
    total = b.total_docs = int(live.size)
    if total and live.all():
        # Time, then post id (lexsort's last key is the first one).
        order = np.lexsort((cat["pid"], cat["ts"]))
    else:
        docs = np.flatnonzero(live) if total else np.zeros(0, dtype=np.int64)
        order = docs[np.lexsort((cat["pid"][docs], cat["ts"][docs]))] if docs.size else docs
    b.n = int(order.size)
    return b, cat, order, segs


def _rows(b: Built, cat: dict[str, np.ndarray], order: np.ndarray,
          segs: list[tuple[int, int, bool]]) -> Iterator[tuple[str, np.ndarray]]:
    """The per-post arrays in file order, each made when asked for: the
    columns of `cat` are consumed (freed) one by one. Sets b.shift and
    b.first_dated on the way (before the first array is handed out)."""
    n = b.n
    docrank = np.full(b.total_docs, -1, dtype=np.int32)
    docrank[order] = np.arange(n, dtype=np.int32)
    # Segments whose documents hold consecutive ranks (what a rebuild writes,
    # and an import of newer posts): document number + shift = rank.
    for offset, cnt, has_deleted in segs:
        if cnt and not has_deleted:
            first = int(docrank[offset])
            if np.array_equal(docrank[offset:offset + cnt], np.arange(first, first + cnt, dtype=np.int32)):
                b.shift[offset] = first - offset
    pid = cat.pop("pid")[order]
    ts = cat.pop("ts")[order]
    b.first_dated = int(np.searchsorted(ts, NO_TIME, side="right"))
    yield "pid", pid
    yield "ts", ts
    del ts
    for key, dtype, _ in ROWS[2:7]:
        yield key, cat.pop(key)[order].astype(dtype, copy=False)
    yield "docrank", docrank
    del docrank, order
    bypid = np.argsort(pid, kind="stable")
    yield "bypid_pid", pid[bypid]
    yield "bypid_rank", bypid.astype(np.int32)


def build(reader: IndexReader) -> Built:
    """Read the per-post columns of every segment of `reader` and order the
    live documents by (time, post id)."""
    b, cat, order, segs = _gather(reader)
    b.arrays = dict(_rows(b, cat, order, segs))
    return b


# ---------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------


def blob_arrays(items: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Byte strings as offsets and one blob (item i: blob[off[i]:off[i+1]])."""
    off = np.zeros(len(items) + 1, dtype=np.uint32)
    np.cumsum([len(e) for e in items], out=off[1:])
    return off, np.frombuffer(b"".join(items), dtype=np.uint8)


def hash_index(items: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """The items' hashes in ascending order, and the item each belongs to."""
    h = np.fromiter(map(name_hash, items), np.uint64, len(items))
    order = np.argsort(h, kind="stable")
    return h[order], order.astype(np.uint32)


def table_sections(key: str, shown: list[bytes], keys: list[bytes], forms: list[bytes],
                   form_code: Any, form_count: Any) -> dict[str, np.ndarray]:
    """A name table's sections: what readers use (`<key>_off/_blob`, the
    shown name by code) and what lets a later commit extend it without
    reading every post again: the normalised name by code with a hash
    index (`_key_*`, `_khash/_kcode`), and every written form of a name
    with its code and how many documents carry it (`_form_*`, indexed by
    `_fhash/_fidx`): the counts decide which form is shown."""
    out: dict[str, np.ndarray] = {}
    out[f"{key}_off"], out[f"{key}_blob"] = blob_arrays(shown)
    out[f"{key}_key_off"], out[f"{key}_key_blob"] = blob_arrays(keys)
    out[f"{key}_khash"], out[f"{key}_kcode"] = hash_index(keys)
    out[f"{key}_form_off"], out[f"{key}_form_blob"] = blob_arrays(forms)
    out[f"{key}_form_code"] = np.asarray(form_code, dtype=np.uint32)
    out[f"{key}_form_count"] = np.asarray(form_count, dtype=np.int64)
    out[f"{key}_fhash"], out[f"{key}_fidx"] = hash_index(forms)
    return out


def taglist_sections(taglists: list[tuple[int, ...]]) -> dict[str, np.ndarray]:
    lists_off = np.zeros(len(taglists) + 1, dtype=np.uint32)
    np.cumsum([len(t) for t in taglists], out=lists_off[1:])
    return {"taglists_off": lists_off,
            "taglists_codes": np.fromiter((c for t in taglists for c in t), np.uint32)}


def _forms(names: Names) -> list[tuple[bytes, int, int]]:
    return [(raw, c, names.forms[c].get(raw, 0)) for raw, c in names.raw.items() if c]


def lang_header(names: Names) -> dict[str, Any]:
    """The language table, in the header (a few dozen names at most)."""
    return {"langs": [names.names[c] for c in range(len(names.names))],
            "langs_shown": [names.shown(c) for c in range(len(names.names))],
            "lang_forms": [[raw.hex(), c, n] for raw, c, n in _forms(names)]}


# An array of the file, as written: its key, dtype, length, and its values
# (an array, or a function giving them in consecutive pieces: arrays, or
# Copy: bytes of another file).
Part = tuple[str, Any, int, Any]


class Copy(NamedTuple):
    """Values to copy as they are from another file: `nbytes` bytes at
    `offset` of file descriptor `fd`, holding `values` values."""
    fd: int
    offset: int
    nbytes: int
    values: int


def _copy(f: Any, piece: Copy) -> None:
    """Copy bytes of another file to the end of `f`, in the kernel where
    it can (no pass through this process: a carried file is mostly runs
    of the previous one)."""
    f.flush()
    pos, left, src = f.tell(), piece.nbytes, piece.offset
    copy_range = getattr(os, "copy_file_range", None)
    while left and copy_range is not None:
        try:
            done = copy_range(piece.fd, f.fileno(), left, src, pos)
        except OSError:
            break
        if not done:
            break
        pos, left, src = pos + done, left - done, src + done
    f.seek(pos)
    while left:
        data = os.pread(piece.fd, min(left, 1 << 24), src)
        if not data:
            raise ColumnFileError("a column file ended while it was being copied")
        f.write(data)
        left, src = left - len(data), src + len(data)


def write_parts(path: Path, header: dict[str, Any], parts: list[Part]) -> None:
    """Write a column file atomically (a temporary file renamed over
    `path`): `header` plus the sections of `parts`, each array taken from
    its source only when its turn comes and dropped once written, so a
    writer holds one array (or one piece of one) at a time."""
    sections: dict[str, list[Any]] = {}
    pos = 0
    for key, dtype, count, _ in parts:
        dt = np.dtype(dtype).newbyteorder("<")
        sections[key] = [pos, dt.str, int(count)]
        pos += -(-dt.itemsize * int(count) // _ALIGN) * _ALIGN
    head = json.dumps({**header, "sections": sections}, ensure_ascii=False).encode("utf-8")
    start = -(-(len(MAGIC) + 4 + len(head)) // _ALIGN) * _ALIGN
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(MAGIC + struct.pack("<I", len(head)) + head)
            for key, _, count, source in parts:
                at, dtype, _ = sections[key]
                f.write(b"\0" * (start + at - f.tell()))
                pieces = [source] if isinstance(source, np.ndarray) else source()
                written = 0
                for arr in pieces:
                    if isinstance(arr, Copy):
                        _copy(f, arr)
                        written += arr.values
                        continue
                    written += int(arr.size)
                    out = np.ascontiguousarray(arr).astype(np.dtype(dtype), copy=False)
                    f.write(out.data.cast("B") if out.size else b"")
                    del out
                    del arr
                if written != count:
                    raise ValueError(f"column {key}: {written} values where the header says {count}")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_for_segments(ix: Index, index_dir: Path, generation: int, segments: list[Any],
                       dropped: list[Any] | None = None, whole: bool = False) -> Path:
    """Write the column file of the generation a commit is about to make
    of `segments` (deletions included), before its table of contents
    exists. `dropped`: the previous generation's segments that this one
    leaves out (all their documents deleted). The previous generation's
    file is carried forward (viewer.index.colmerge) unless `whole` is set
    (the file is being mended) or it cannot be; then the file is built
    from every segment, each column written as soon as it is made and
    then dropped."""
    from viewer.index import colmerge

    path = path_for(index_dir, ix.indexname, generation)
    if not whole and generation > 1:
        prev = open_previous(index_dir, ix.indexname, generation - 1)
        if prev is not None:
            try:
                if colmerge.carry_forward(ix, prev, segments, dropped or [], generation, path):
                    log.debug("column file of generation %d carried forward", generation)
                    return path
            finally:
                prev.close()
    log.debug("column file of generation %d built whole", generation)
    colmerge.build_whole(ix, segments, generation, path)
    return path


def open_previous(index_dir: Path, name: str, generation: int) -> Mapped | None:
    """The column file of an earlier generation, if it has the tables a
    later commit extends (files of the first layout do not)."""
    m = _mapped(path_for(index_dir, name, generation))
    return m if m is not None and "author_fhash" in m.arrays and "lang_forms" in m.header else None


def _mapped(path: Path) -> Mapped | None:
    """The column file at `path`, mapped; None when it is absent or unreadable."""
    if not path.exists():
        return None
    try:
        return Mapped(path)
    except (ColumnFileError, KeyError, TypeError, ValueError):
        return None


# A file `verify` builds to compare with (and its steps): VERIFY_PREFIX, the
# process id, "-", the name of the file it checks, maybe a step's suffix.
VERIFY_PREFIX = ".verify-"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's
    return True


def remove_stale(index_dir: Path, name: str, keep: int) -> None:
    """Delete this index's column files of other generations (and temporary
    ones a kill left behind, a verify's once its process is gone); one that
    is still mapped elsewhere stays until a later commit (Windows)."""
    for entry in os.scandir(index_dir):
        if entry.name.startswith(VERIFY_PREFIX):
            pid = entry.name[len(VERIFY_PREFIX):].split("-", 1)[0]
            if pid.isdigit() and not _running(int(pid)):
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass
            continue
        if entry.name.startswith(f"_{name}_") and (entry.name.endswith(".tmp") or entry.name.endswith(SUFFIX)):
            if entry.name == path_for(index_dir, name, keep).name:
                continue
            try:
                os.unlink(entry.path)
            except OSError:
                pass


# ---------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------


class ColumnFileError(Exception):
    """A column file that is missing, truncated or not ours."""


class Mapped:
    """A column file mapped into memory: `arrays` are numpy views of the
    mapping (nothing is read until used)."""

    def __init__(self, path: Path):
        try:
            with open(path, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                if size < len(MAGIC) + 4:
                    raise ColumnFileError(f"{path.name} is truncated")
                self._mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except OSError as e:
            raise ColumnFileError(f"cannot read {path.name}: {e}") from e
        mm = self._mm
        if mm[:len(MAGIC)] != MAGIC and mm[:len(MAGIC)] not in OLD_MAGICS:
            raise ColumnFileError(f"{path.name} is not a column file")
        (hlen,) = struct.unpack("<I", mm[len(MAGIC):len(MAGIC) + 4])
        try:
            self.header: dict[str, Any] = json.loads(mm[len(MAGIC) + 4:len(MAGIC) + 4 + hlen])
        except ValueError as e:
            raise ColumnFileError(f"{path.name} has a damaged header") from e
        start = self._start = -(-(len(MAGIC) + 4 + hlen) // _ALIGN) * _ALIGN
        self.path = Path(path)
        self._fd: int | None = None
        self.arrays: dict[str, np.ndarray] = {}
        for key, (pos, dtype, count) in self.header["sections"].items():
            dt = np.dtype(dtype)
            if start + pos + dt.itemsize * count > size:
                raise ColumnFileError(f"{path.name} is truncated")
            self.arrays[key] = np.frombuffer(mm, dtype=dt, count=count, offset=start + pos)
        self.n = int(self.header["n"])
        self.total_docs = int(self.header["total_docs"])
        self.first_dated = int(self.header["first_dated"])
        self.shift = {int(k): int(v) for k, v in self.header["shift"].items()}
        self.segments: Signature = self.header["segments"]

    def read(self, key: str, lo: int, hi: int) -> np.ndarray:
        """Values lo..hi-1 of an array, read from the file (a copy): going
        through the whole of a large file this way keeps none of it
        resident, where reading the mapping would count it all in this
        process's memory."""
        pos, dtype, count = self.header["sections"][key]
        dt = np.dtype(dtype)
        lo, hi = max(0, lo), min(hi, int(count))
        if hi <= lo:
            return np.zeros(0, dtype=dt)
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDONLY)
        want = (hi - lo) * dt.itemsize
        data = os.pread(self._fd, want, self._start + pos + lo * dt.itemsize)
        if len(data) != want:
            raise ColumnFileError(f"{self.path.name} is truncated")
        return np.frombuffer(data, dtype=dt)

    def span(self, key: str, lo: int, hi: int) -> Copy:
        """Values lo..hi-1 of an array, as bytes of this file to copy."""
        pos, dtype, count = self.header["sections"][key]
        size = np.dtype(dtype).itemsize
        if not 0 <= lo <= hi <= int(count):
            raise ColumnFileError(f"{self.path.name}: values {lo}..{hi} of {key} asked, it has {count}")
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDONLY)
        return Copy(self._fd, self._start + pos + lo * size, (hi - lo) * size, hi - lo)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def open_for(index_dir: Path, name: str, generation: int, sig: Signature) -> Mapped | None:
    """The column file of this generation if there is one that was built
    from exactly these segments; None otherwise."""
    m = _mapped(path_for(index_dir, name, generation))
    return m if m is not None and m.segments == sig else None


def disagreements(m: Mapped, reader: IndexReader) -> list[str]:
    """Where a column file differs from the segments it claims to describe
    (empty when it agrees), checked over every document and column."""
    if m.segments != signature(reader):
        return ["it was built from other segments"]
    b = build(reader)
    out = [f"its {key} column differs" for key in ("pid", "ts", "kind", "flags", "docrank", "bypid_pid",
                                                   "bypid_rank")
           if not np.array_equal(m.arrays[key], b.arrays[key])]
    if (m.n, m.total_docs, m.first_dated, m.shift) != (b.n, b.total_docs, b.first_dated, b.shift):
        out.append("its counts differ")
    shown = names_of(m)
    for key, names in (("lang", b.langs), ("author", b.authors)):
        # Codes may be numbered differently; the names row by row must agree.
        mine = np.array([shown[key](c) for c in range(int(m.arrays[key].max(initial=0)) + 1)], dtype=object)
        theirs = np.array([names.shown(c) for c in range(len(names.names))], dtype=object)
        if m.arrays[key].size != b.arrays[key].size or not np.array_equal(mine[m.arrays[key]],
                                                                          theirs[b.arrays[key]]):
            out.append(f"its {key} column differs")
    mine_t = [tuple(shown["hashtag"](int(c)) for c in t) for t in taglists(m)]
    theirs_t = [tuple(b.tags.shown(c) for c in t) for t in b.taglists]
    if [mine_t[c] for c in m.arrays["taglist"].tolist()] != [theirs_t[c] for c in b.arrays["taglist"].tolist()]:
        out.append("its hashtag column differs")
    return out


def disagreements_with_rebuild(m: Mapped, ix: Index, reader: IndexReader) -> list[str]:
    """What `disagreements` finds, with memory bounded at any size: the
    reference is a file built whole beside the index (a temporary one, in
    steps: viewer.index.colmerge) and both are compared a piece at a
    time."""
    from viewer.index import colmerge

    if m.segments != signature(reader):
        return ["it was built from other segments"]
    # Named apart from the writers' files: a commit meanwhile (verify takes
    # no lock) cleans those, and Whoosh leaves names with a leading dot.
    ref_path = m.path.with_name(f"{VERIFY_PREFIX}{os.getpid()}-{m.path.name}")
    try:
        colmerge.build_whole(ix, [seg.segment() for seg, _ in leaves(reader)], reader.generation(), ref_path)
        ref = Mapped(ref_path)
        try:
            return differences(m, ref)
        finally:
            ref.close()
    finally:
        try:
            os.unlink(ref_path)
        except OSError:
            pass


_PIECE = 1 << 20


def _pieces(m: Mapped, key: str) -> Iterator[np.ndarray]:
    count = int(m.header["sections"][key][2])
    for lo in range(0, count, _PIECE):
        yield m.read(key, lo, lo + _PIECE)


def _same(a: Mapped, b: Mapped, key: str, map_a: np.ndarray | None = None,
          map_b: np.ndarray | None = None) -> bool:
    """Whether an array of two files holds the same values (through the
    maps given: code -> common number), read a piece at a time."""
    if a.header["sections"][key][2] != b.header["sections"][key][2]:
        return False
    for pa, pb in zip(_pieces(a, key), _pieces(b, key), strict=True):
        if map_a is not None and map_b is not None:
            if (pa.size and int(pa.max()) >= map_a.size) or (pb.size and int(pb.max()) >= map_b.size):
                return False
            pa, pb = map_a[pa], map_b[pb]
        if not np.array_equal(pa, pb):
            return False
    return True


def differences(m: Mapped, ref: Mapped) -> list[str]:
    """Where file `m` differs from `ref` (built whole from the same
    segments): the per-post arrays value by value, names by what they
    show (codes may be numbered differently)."""
    out = [f"its {key} column differs" for key in ("pid", "ts", "kind", "flags", "docrank", "bypid_pid",
                                                   "bypid_rank") if not _same(m, ref, key)]
    if (m.n, m.total_docs, m.first_dated, m.shift) != (ref.n, ref.total_docs, ref.first_dated, ref.shift):
        out.append("its counts differ")
    common: dict[Any, int] = {}

    def numbered(values: Iterator[Any], count: int) -> np.ndarray:
        return np.fromiter((common.setdefault(v, len(common)) for v in values), np.int64, count)

    for key, table in (("lang", "lang"), ("author", "author")):
        maps = []
        for f in (m, ref):
            shown = names_of(f)[key]
            size = len(f.header["langs_shown"]) if table == "lang" else int(f.arrays[f"{table}_off"].size - 1)
            maps.append(numbered((shown(c) for c in range(size)), size))
        if not _same(m, ref, key, maps[0], maps[1]):
            out.append(f"its {key} column differs")
    maps = []
    for f in (m, ref):
        tag = names_of(f)["hashtag"]
        ntags = int(f.arrays["tag_off"].size - 1)
        lists = taglists(f)
        maps.append(numbered((tuple(tag(int(c)) if c < ntags else None for c in t) for t in lists), len(lists)))
    if not _same(m, ref, "taglist", maps[0], maps[1]):
        out.append("its hashtag column differs")
    return out


def posts_per_tag(per_list: np.ndarray, off: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Posts per hashtag code, from posts per distinct hashtag list (most
    posts share a few lists): each list's count spread over its tags."""
    used = np.flatnonzero(per_list)
    starts, ends = off[used].astype(np.int64), off[used + 1].astype(np.int64)
    lengths = ends - starts
    if not lengths.sum():
        return np.zeros(0, dtype=np.int64)
    # The positions of every used list's codes, in one array.
    idx = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
    return np.bincount(codes[idx], weights=np.repeat(per_list[used], lengths)).astype(np.int64)


def taglists(m: Mapped) -> list[np.ndarray]:
    off, codes = m.arrays["taglists_off"], m.arrays["taglists_codes"]
    return [codes[int(off[i]):int(off[i + 1])] for i in range(off.size - 1)]


def names_of(m: Mapped) -> dict[str, Callable[[int], str]]:
    """Shown name of a code, per table."""
    langs = m.header["langs_shown"]

    def table(key: str) -> Callable[[int], str]:
        off, blob = m.arrays[f"{key}_off"], m.arrays[f"{key}_blob"]
        return lambda c: bytes(blob[int(off[c]):int(off[c + 1])]).decode("utf-8", "replace")

    return {"lang": lambda c: langs[c] if c < len(langs) else "", "author": table("author"),
            "hashtag": table("tag")}
