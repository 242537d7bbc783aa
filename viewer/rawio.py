"""The one shape of every small stream wrapper the readers stack up
(decompress, count, limit, check a CRC, transcode, mend line ends): a raw,
read-only stream over another one, handing out chunks a subclass makes."""
from __future__ import annotations

import io
from typing import IO, Any


class ChunkReader(io.RawIOBase):
    """Subclasses give `_next_chunk(size)`: the next bytes (any length; b""
    only at the end). `first` is handed out before any chunk."""

    # Whether closing this closes the stream underneath.
    closes_raw = True

    def __init__(self, raw: IO[bytes] | Any, first: bytes = b""):
        self._raw = raw
        self._pending = memoryview(first)

    def readable(self) -> bool:
        return True

    def _next_chunk(self, size: int) -> bytes:
        return self._raw.read(size)

    def readinto(self, b: Any) -> int:
        if not self._pending.nbytes:
            self._pending = memoryview(self._next_chunk(max(len(b), 1)))
        n = min(len(b), self._pending.nbytes)
        b[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        try:
            raw = getattr(self, "_raw", None)
            if self.closes_raw and raw is not None:
                raw.close()
        finally:
            super().close()
