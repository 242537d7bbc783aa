"""Sets of posts as byte masks over time ranks: one byte a post, 0 or 1,
held as an int so AND, OR and NOT are single C operations."""
from collections import deque
from itertools import repeat
from typing import Any, Iterable

# ---------------------------------------------------------------------------
# masks: one byte per rank, 0 or 1, as an int (for &, |, ^) or bytes
# ---------------------------------------------------------------------------


def ones(n: int) -> int:
    return int.from_bytes(b"\x01" * n, "little")


def mask_from_ranks(n: int, ranks: Iterable[int]) -> int:
    # One spare byte at the end takes rank -1 (deleted documents).
    buf = bytearray(n + 1)
    deque(map(buf.__setitem__, ranks, repeat(1)), maxlen=0)
    del buf[n:]
    return int.from_bytes(buf, "little")


def range_mask(n: int, lo: int, hi: int) -> int:
    lo, hi = max(0, lo), min(n, hi)
    if hi <= lo:
        return 0
    return int.from_bytes(b"\x00" * lo + b"\x01" * (hi - lo), "little")


def translate_table(pred: Any) -> bytes:
    return bytes(1 if pred(i) else 0 for i in range(256))


def equal_table(value: int) -> bytes:
    return bytes(1 if i == value else 0 for i in range(256))


def column_mask(column: bytes, table: bytes) -> int:
    return int.from_bytes(column.translate(table), "little")
