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

import logging
from array import array
from typing import Any, Iterable, Iterator

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


def posting_blocks(matcher: Any) -> Iterator[tuple[int, ...]] | None:
    """The delta-coded id tuples of a posting list, a block at a time (the
    first id of each absolute within the segment), or None when `matcher`
    is not Whoosh's W3 leaf matcher (then read `all_ids()`). A deletion
    filter around it is looked through: callers treat deleted documents
    themselves."""
    m = getattr(matcher, "child", matcher)
    needed = ("_read_data", "_lastblock", "_goto", "_nextoffset", "_atend", "_data")
    if type(m).__name__ != "W3LeafMatcher" or not all(hasattr(m, a) for a in needed):
        return None

    def blocks() -> Iterator[tuple[int, ...]]:
        while not m._atend:
            if m._data is None:
                m._read_data()
            yield m._data[0]
            if m._lastblock:
                break
            m._goto(m._nextoffset)

    return blocks()


def expanded_terms(query: Any, reader: IndexReader) -> Iterable[bytes | str]:
    """The index terms a multi-term query (Prefix, Wildcard, FuzzyTerm)
    stands for, lazily, without building the expanded query."""
    return query._btexts(reader)
