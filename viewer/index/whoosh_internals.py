"""Every use of Whoosh's private or undocumented internals, in one place.

The program reads and writes Whoosh indexes faster than Whoosh's public API
allows (bulk columns, whole posting blocks, segments written in bulk, several
segments committed at once). That rests on names Whoosh does not promise to
keep: underscore attributes of its writers, readers and matchers, and the
layout of its W3 codec. They are used here and nowhere else, so an upgrade
of Whoosh means reading this one file; pyproject.toml pins whoosh-reloaded
to the versions these were tested with (TESTED_WITH).

Each reader helper checks what it relies on and returns None when the
running Whoosh differs, and the caller falls back to the public API.
`writer_supported` does the same for the fast segment writer
(viewer.index.segment_writer), which viewer.index.build then replaces with
Whoosh's own SegmentWriter.
"""
from __future__ import annotations

import io
import logging
import pickle
import struct
import zlib
from array import array
from typing import Any, Iterable

import numpy as np

from whoosh.codec.base import Segment
from whoosh.columns import Column, NumericColumn, VarBytesColumn
from whoosh.reading import IndexReader
from whoosh.writing import SegmentWriter

try:
    from whoosh.codec import whoosh3 as _w3
except ImportError:  # pragma: no cover - a Whoosh without the W3 codec
    _w3 = None

log = logging.getLogger(__name__)

# whoosh-reloaded releases this module was tested with (pyproject pins them).
TESTED_WITH = ("2.7.5",)

_W3_NAMES = ("W3Codec", "W3TermInfo", "WHOOSH3_HEADER_MAGIC", "LENGTHS_COLUMN", "_lenfield")
_PERDOC_NAMES = ("_has_column", "_create_column", "_get_column", "_fieldlengths")
_FIELD_NAMES = ("_fieldmap", "_postfile", "_tindex")
_WRITER_NAMES = ("_added", "_flush_segment", "_close_segment", "_finalize_segment", "_commit_toc", "_finish")


# ---------------------------------------------------------------------------
# writing segments
# ---------------------------------------------------------------------------


def w3_available() -> bool:
    """Whether this Whoosh has the W3 codec laid out as the fast writer expects."""
    return _w3 is not None and all(hasattr(_w3, n) for n in _W3_NAMES) \
        and all(hasattr(SegmentWriter, n) for n in _WRITER_NAMES if n != "_added")


def writer_supported(writer: SegmentWriter) -> bool:
    """Whether an opened SegmentWriter has the internals BulkSegmentWriter uses."""
    pdw, fw = writer.perdocwriter, writer.fieldwriter
    return (w3_available() and isinstance(writer.codec, _w3.W3Codec) and hasattr(writer, "_added")
            and all(hasattr(pdw, a) for a in _PERDOC_NAMES) and all(hasattr(fw, a) for a in _FIELD_NAMES))


class BulkSegmentWriter(SegmentWriter):
    """A SegmentWriter whose segment files are written by `write_segment()`
    (a subclass's) instead of Whoosh's posting pool, which it never fills."""

    def _flush_segment(self) -> None:
        self.write_segment()

    def write_segment(self) -> None:
        raise NotImplementedError

    def mark_added(self) -> None:
        """Tell Whoosh the segment holds documents (it then finalises it)."""
        self._added = True


def finish_part(writer: SegmentWriter) -> Any:
    """Close a writer used only to write a segment, not to commit: its
    finished segment, or None (files removed) when it holds no documents."""
    if not writer._added:
        writer._close_segment()
        return None
    return writer._finalize_segment()


def commit_segments(writer: SegmentWriter, segments: list[Any]) -> None:
    """Commit `writer` (its deletions, its lock) with exactly these segments
    as the index's table of contents: the old ones kept plus new ones that
    part writers finished (Whoosh's commit adds only its own)."""
    writer._close_segment()
    writer._commit_toc(segments)
    writer._finish()


def delete_in_segment(segment: Any, docnum: int) -> None:
    """Mark a document of a segment that no table of contents lists yet as
    deleted (the commit that lists it records the deletion)."""
    segment.delete_document(docnum)


def reader_of_segments(ix: Any, segments: list[Any], generation: int) -> IndexReader:
    """A reader over exactly these segments (deletions included) before
    any table of contents lists them: what a commit is about to publish."""
    return type(ix)._reader(ix.storage, ix.schema, list(segments), generation)


def column_writer(writer: SegmentWriter, name: str, ctype: Column) -> Any:
    """The per-document writer's column writer for `name`, created once."""
    pdw = writer.perdocwriter
    if not pdw._has_column(name):
        pdw._create_column(name, ctype)
    return pdw._get_column(name)


def write_numeric_column(colwriter: Any, data: bytes, count: int) -> None:
    """A whole NumericColumn in one write: `data` is `count` big-endian
    values, what NumericColumn.Writer.add would have written one by one."""
    colwriter._dbfile.write(data)
    colwriter._count = count


def write_field_lengths(writer: SegmentWriter, fieldname: str, lengths: array, total: int) -> None:
    """The per-document length bytes of a field (Whoosh's one-byte encoding)
    and its total length, as the per-document writer keeps them."""
    w = column_writer(writer, _w3._lenfield(fieldname), _w3.LENGTHS_COLUMN)
    write_numeric_column(w, lengths.tobytes(), len(lengths))
    writer.perdocwriter._fieldlengths[fieldname] += total


def field_lengths(segment: Segment) -> dict[str, int]:
    """The total length of each field over a written segment's documents
    (what the W3 per-document writer stored in the segment)."""
    return dict(getattr(segment, "_fieldlengths", None) or {})


def numeric_typecode(ctype: Column) -> str | None:
    """The struct/array typecode of a plain NumericColumn, else None."""
    return ctype._typecode if type(ctype) is NumericColumn else None


class TermsOut:
    """Where a field writer puts posting lists and term entries."""

    def __init__(self, fieldwriter: Any):
        self.fieldwriter = fieldwriter
        self.postfile = fieldwriter._postfile
        self._add = fieldwriter._tindex.add
        self._fieldmap = fieldwriter._fieldmap

    def field_prefix(self, fieldname: str) -> int:
        """The field's number in the terms table (valid after start_field)."""
        return int(self._fieldmap[fieldname])

    def add_term(self, key: bytes, info: Any) -> None:
        self._add(key, info.to_bytes())


def postings_header() -> bytes:
    return bytes(_w3.WHOOSH3_HEADER_MAGIC)


def term_info(*, weight: float, df: int, minlength: int | None, maxlength: int, maxweight: float,
              minid: int, maxid: int, offset: int, length: int) -> Any:
    """A W3 terms-table entry for a posting list written at offset."""
    ti = _w3.W3TermInfo(weight=weight, df=df, minlength=minlength, maxlength=maxlength, maxweight=maxweight,
                        minid=minid, maxid=maxid)
    ti.set_extent(offset, length)
    return ti


# ---------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------


def numeric_column_bulk(cr: Any, typecode: str, n: int) -> array | None:
    """A NumericColumn reader's values for documents 0..n-1 in one read, or
    None when `cr` is not the reader this expects."""
    try:
        if not isinstance(cr, NumericColumn.Reader) or cr._typecode != typecode:
            return None
        count = min(cr._count, n)
        out = array(typecode)
        out.frombytes(bytes(cr._dbfile.get(cr._basepos, count * out.itemsize)))
        if out.itemsize > 1 and array("H", [1]).tobytes()[0] == 1:
            out.byteswap()  # Whoosh packs them big-endian
        if count < n:
            out.extend(array(typecode, [cr._default]) * (n - count))
        return out
    except (AttributeError, TypeError, ValueError) as e:
        log.warning("reading column values one by one: %s", e)
        return None


def varbytes_column_bulk(cr: Any, n: int) -> list[bytes] | None:
    """A VarBytesColumn reader's values for documents 0..n-1 in one read,
    or None when `cr` is not the reader this expects."""
    try:
        if not isinstance(cr, VarBytesColumn.Reader):
            return None
        offsets, lengths = cr._offsets, cr._lengths
        total = offsets[n - 1] + lengths[n - 1] if n else 0
        data = bytes(cr._dbfile.get(cr._basepos, total))
        return list(map(data.__getitem__, map(slice, offsets, map(int.__add__, offsets, lengths))))
    except (AttributeError, TypeError, ValueError, IndexError) as e:
        log.warning("reading column values one by one: %s", e)
        return None


def deleted_docs(seg: IndexReader) -> frozenset[int]:
    """The deleted document numbers of one segment's reader, as a set."""
    if not seg.has_deletions():
        return frozenset()
    found = getattr(seg, "deleted_docs_set", None)
    return frozenset(found) if found is not None else frozenset(seg.all_doc_ids()) ^ frozenset(
        range(seg.doc_count_all()))


def posting_docs(matcher: Any) -> np.ndarray | None:
    """The document numbers (within the segment) of a posting list, or None
    when `matcher` is not Whoosh's W3 leaf matcher (then read `all_ids()`).
    A deletion filter around it is looked through: callers treat deleted
    documents themselves.

    The whole list is read in one call and its blocks are parsed from
    memory: the matcher's own block walk reads each block's length and
    info pickle a few bytes at a time through the compound file, about
    twenty calls a block, a third of a common word's search at several
    million posts. A block whose gaps are all below 256 (a common word's)
    is read straight from its pickle's bytes: unpickling makes an int
    object of each id, and turning them back into an array cost more than
    the rest of a search."""
    m = getattr(matcher, "child", matcher)
    if type(m).__name__ != "W3LeafMatcher":
        return None
    if all(hasattr(m, a) for a in ("_postfile", "_startoffset", "_length")) and _w3 is not None \
            and hasattr(_w3, "WHOOSH3_HEADER_MAGIC"):
        length = m._length
        # A term info read back from disk holds its length as a 1-tuple
        # (W3TermInfo.from_bytes keeps struct.unpack's tuple); Whoosh's own
        # walk never uses it.
        if isinstance(length, tuple) and len(length) == 1:
            length = length[0]
        if isinstance(length, int) and isinstance(m._startoffset, int):
            return _docs_from_bytes(m._postfile.get(m._startoffset, length))
    needed = ("_read_data", "_lastblock", "_goto", "_nextoffset", "_atend", "_data")
    if not all(hasattr(m, a) for a in needed):
        return None
    blocks = []
    while not m._atend:
        if m._data is None:
            m._read_data()
        blocks.append(m._data[0])
        if m._lastblock:
            break
        m._goto(m._nextoffset)
    return _undelta([len(b) for b in blocks], np.array([x for b in blocks for x in b], dtype=np.int64))


_BLOCK_LENGTH = struct.Struct("!i")
# Pickle opcodes of a block's id tuple (protocol 2): the ids follow a MARK
# and end at TUPLE; a small one is BININT1 and its byte, a larger BININT2
# (2 bytes) or BININT (4 bytes, signed), all little-endian.
_PICKLE_HEAD = b"\x80\x02("
_BININT1, _BININT2, _BININT, _TUPLE = 0x4B, 0x4D, 0x4A, 0x74


def _docs_from_bytes(data: bytes) -> np.ndarray:
    """Document numbers of a W3 posting list held in memory: a magic tag,
    then blocks of (signed length, last block when negative; an info
    pickle whose first item is the block's posting count and 4th the zlib
    level of the data; the data pickle, whose first item is the ids, the
    first absolute, then gaps)."""
    magic = _w3.WHOOSH3_HEADER_MAGIC
    if data[:len(magic)] != magic:
        raise ValueError("not a W3 posting list")
    f = io.BytesIO(data)
    pos = len(magic)
    sizes: list[int] = []
    # Either every block's gaps as bytes (firsts apart), or, once one block
    # has a gap of 256 or more, every block's ids as ints.
    firsts: list[int] = []
    gaps: list[bytes] = []
    ids: list[int] | None = None
    while pos < len(data):
        length = _BLOCK_LENGTH.unpack_from(data, pos)[0]
        last = length < 0
        end = pos + _BLOCK_LENGTH.size + abs(length)
        f.seek(pos + _BLOCK_LENGTH.size)
        info = pickle.load(f)
        body = data[f.tell():end]
        raw = zlib.decompress(body) if info[3] else body
        n = info[0]
        sizes.append(n)
        small = _small_gaps(raw, n) if ids is None else None
        if small is not None:
            firsts.append(small[0])
            gaps.append(small[1])
        else:
            if ids is None:
                ids = _as_ints(firsts, gaps)
            ids.extend(pickle.loads(raw)[0])
        if last:
            break
        pos = end
    if ids is not None:
        return _undelta(sizes, np.array(ids, dtype=np.int64))
    flat = np.empty(sum(sizes), dtype=np.int64)
    starts = np.cumsum([0] + sizes[:-1])
    is_first = np.zeros(flat.size, dtype=bool)
    is_first[starts] = True
    flat[starts] = firsts
    flat[~is_first] = np.frombuffer(b"".join(gaps), dtype=np.uint8)
    return _undelta(sizes, flat)


def _small_gaps(raw: bytes, n: int) -> tuple[int, bytes] | None:
    """(first id, the other gaps as one byte each) of a block whose gaps
    are all below 256, read from the pickle's bytes; None for any other."""
    if n < 1 or not raw.startswith(_PICKLE_HEAD):
        return None
    op, p = raw[3], 4
    if op == _BININT1:
        first, p = raw[p], p + 1
    elif op == _BININT2:
        first, p = raw[p] | raw[p + 1] << 8, p + 2
    elif op == _BININT:
        first, p = int.from_bytes(raw[p:p + 4], "little", signed=True), p + 4
    else:
        return None
    stop = p + 2 * (n - 1)
    if len(raw) <= stop or raw[stop] != _TUPLE:
        return None
    ops = raw[p:stop:2]
    if ops.count(_BININT1) != n - 1:
        return None
    return first, raw[p + 1:stop:2]


def _as_ints(firsts: list[int], gaps: list[bytes]) -> list[int]:
    out: list[int] = []
    for first, g in zip(firsts, gaps, strict=True):
        out.append(first)
        out.extend(g)
    return out


def _undelta(sizes: list[int], deltas: np.ndarray) -> np.ndarray:
    """Document numbers from delta-coded blocks of these sizes (the first
    id of each absolute), with one cumulative sum."""
    if not deltas.size:
        return deltas
    total = np.cumsum(deltas)
    at = np.cumsum([0] + sizes[:-1])
    # Each block restarts from its absolute first id: take away what the
    # blocks before it summed to.
    before = total[at] - deltas[at]
    return total - np.repeat(before, sizes)


def expanded_terms(query: Any, reader: IndexReader) -> Iterable[bytes | str]:
    """The index terms a multi-term query (Prefix, Wildcard, FuzzyTerm)
    stands for, lazily, without building the expanded query."""
    return query._btexts(reader)
