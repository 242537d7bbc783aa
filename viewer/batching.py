"""Cutting id lists into pieces one SQL statement can take."""
from __future__ import annotations

from typing import Iterator, Sequence, TypeVar

T = TypeVar("T")

# Ids per SQL "IN (…)": under the 999-variable limit of older SQLite builds.
SQL_CHUNK = 900


def in_chunks(seq: Sequence[T], n: int = SQL_CHUNK) -> Iterator[list[T]]:
    """`seq` in consecutive lists of at most `n` items."""
    for i in range(0, len(seq), n):
        yield list(seq[i:i + n])
