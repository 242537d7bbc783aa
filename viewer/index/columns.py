"""Bulk reads of a segment's per-document columns."""
from __future__ import annotations

from array import array
from typing import Any, Iterable

from whoosh.reading import IndexReader

from viewer.index import whoosh_internals



def numeric_column(seg: IndexReader, name: str, typecode: str, n: int) -> array:
    """One segment's numeric column as an array indexed by document number,
    read in one go (Whoosh's reader unpacks values one by one: ~1 s per
    million documents); Whoosh's reader is the fallback."""
    if not seg.has_column(name):
        default = seg.schema[name].column_type.default_value()
        return array(typecode, [default]) * n
    cr = seg.column_reader(name, translate=False)
    bulk = whoosh_internals.numeric_column_bulk(cr, typecode, n)
    return bulk if bulk is not None else array(typecode, (cr[i] for i in range(n)))


def _bytes_column(seg: IndexReader, name: str, n: int) -> list[bytes]:
    """One segment's VarBytes column as a list of bytes, read in one go."""
    if not seg.has_column(name):
        return [b""] * n
    cr = seg.column_reader(name, translate=False)
    bulk = whoosh_internals.varbytes_column_bulk(cr, n)
    return bulk if bulk is not None else [cr[i] for i in range(n)]


def segment_columns(seg: IndexReader, names: Iterable[str]) -> dict[str, Any]:
    """The named columns of one segment (numeric ones as arrays, byte ones as
    lists), indexed by the segment's document numbers."""
    n = seg.doc_count_all()
    out: dict[str, Any] = {}
    for name in names:
        col = seg.schema[name].column_type
        typecode = whoosh_internals.numeric_typecode(col)
        if typecode is not None:
            out[name] = numeric_column(seg, name, typecode, n)
        else:
            out[name] = _bytes_column(seg, name, n)
    return out


def deleted_docs(seg: IndexReader) -> frozenset[int]:
    return whoosh_internals.deleted_docs(seg)
