"""The elements of a large JSON array, read from a stream one at a time.

An X archive's tweets.js, a Grailbird month or a JSON array of tweets is one
JSON document that can run to gigabytes; parsing it whole needs several times
its size in memory. This reader keeps only a window of text (a chunk plus the
element being read), so memory is bounded by the largest element, at most
`MAX_ELEMENT_CHARS`.

It stops at the first element it cannot read (`damage` says why, `count` how
many were read before it): a damaged file is rare and small next to the
limit, and the caller re-reads it whole with the resynchronising readers,
passing over the elements already handed out.
"""
from __future__ import annotations

import codecs
import json
from typing import IO, Any, Iterator

# One element (one tweet entry) larger than this is taken for damage.
MAX_ELEMENT_CHARS = 16 * 1024 * 1024
CHUNK_BYTES = 1 << 20
_WS = " \t\r\n"
_DECODER = json.JSONDecoder()


class ArrayStream:
    """Iterate to get the elements of the array whose `[` comes first in
    `initial` (after white space) followed by the rest of `stream`."""

    def __init__(self, stream: IO[bytes], initial: bytes = b""):
        self._f = stream
        self._utf8 = codecs.getincrementaldecoder("utf-8")("replace")
        self._buf = self._utf8.decode(initial)
        self._pos = 0
        self._eof = False
        self.count = 0
        self.damage: str | None = None
        # The text after the closing `]` that was already read.
        self.rest = ""

    def _more(self) -> bool:
        if self._eof:
            return False
        data = self._f.read(CHUNK_BYTES)
        if self._pos:
            self._buf = self._buf[self._pos:]
            self._pos = 0
        if not data:
            self._eof = True
            self._buf += self._utf8.decode(b"", final=True)
            return False
        self._buf += self._utf8.decode(data)
        return True

    def _skip_ws(self) -> str | None:
        """The next character that is not white space (not consumed)."""
        while True:
            buf, pos, n = self._buf, self._pos, len(self._buf)
            while pos < n and buf[pos] in _WS:
                pos += 1
            self._pos = pos
            if pos < n:
                return buf[pos]
            if not self._more():
                return None

    def starts_array(self) -> bool:
        """Whether the document is an array (its `[` is then consumed)."""
        ch = self._skip_ws()
        if ch == "\ufeff":
            self._pos += 1
            ch = self._skip_ws()
        if ch != "[":
            return False
        self._pos += 1
        return True

    def __iter__(self) -> Iterator[Any]:
        expect_value = True
        first = True
        while True:
            ch = self._skip_ws()
            if ch is None:
                self.damage = "the array is cut short"
                return
            if ch == "]" and (first or not expect_value):
                self.rest = self._buf[self._pos + 1:]
                self._pos = len(self._buf)
                return
            if not expect_value:
                if ch != ",":
                    self.damage = "expected ',' or ']' between elements"
                    return
                self._pos += 1
                expect_value = True
                continue
            try:
                el, end = _DECODER.raw_decode(self._buf, self._pos)
            except (ValueError, RecursionError) as e:
                # Most often the element goes on in the next chunk.
                if len(self._buf) - self._pos > MAX_ELEMENT_CHARS or not self._more():
                    self.damage = str(e)[:100]
                    return
                continue
            if end >= len(self._buf) and not self._eof:
                # A number or literal may go on in the next chunk: read it again.
                self._more()
                continue
            self._pos = end
            self.count += 1
            first = expect_value = False
            yield el
