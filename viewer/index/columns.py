"""Bulk reads of a segment's per-document columns."""
from __future__ import annotations

from array import array
from typing import Any, Iterable

try:
    import fcntl
except ImportError:  # Windows: one writer at a time rests on Whoosh's own lock
    fcntl = None  # type: ignore[assignment]

from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.reading import IndexReader

# bulk reads of the index's columns
# ---------------------------------------------------------------------------


def numeric_column(seg: IndexReader, name: str, typecode: str, n: int) -> array:
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
            out[name] = numeric_column(seg, name, col._typecode, n)
        else:
            out[name] = _bytes_column(seg, name, n)
    return out


def deleted_docs(seg: IndexReader) -> frozenset:
    return seg.deleted_docs_set if seg.has_deletions() else frozenset()
