"""Large JSON documents read from a stream one element at a time.

An X archive's tweets.js, a Grailbird month, a JSON array of tweets, a v1
search response or a v2 page merged from many is one JSON document that can
run to gigabytes; parsing it whole needs several times its size in memory.
`Cursor` keeps only a window of text (a chunk plus the value being read) and
walks arrays element by element and objects member by member, so memory is
bounded by the largest value taken whole, at most `MAX_ELEMENT_CHARS`.

It stops at the first thing it cannot read (`Damaged`): a damaged file is
rare and small next to the limit, and the callers re-read it whole with the
resynchronising readers, passing over what was already handed out.
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


class Damaged(ValueError):
    """The document cannot be read on from here."""


class Cursor:
    """A position in the JSON text of `initial` followed by the rest of
    `stream`."""

    def __init__(self, stream: IO[bytes], initial: bytes = b""):
        self._f = stream
        self._utf8 = codecs.getincrementaldecoder("utf-8")("replace")
        self._buf = self._utf8.decode(initial)
        self._pos = 0
        self._eof = False
        # The length of the text of the last value taken whole.
        self.last_chars = 0

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

    def peek(self) -> str | None:
        """The next character that is not white space (not consumed), or
        None at the end of the text."""
        while True:
            buf, pos, n = self._buf, self._pos, len(self._buf)
            while pos < n and buf[pos] in _WS:
                pos += 1
            self._pos = pos
            if pos < n:
                return buf[pos]
            if not self._more():
                return None

    def take(self, ch: str) -> bool:
        """Consume `ch` when it is next (after white space)."""
        if self.peek() == ch:
            self._pos += 1
            return True
        return False

    def skip_bom(self) -> None:
        if self.peek() == "\ufeff":
            self._pos += 1

    def rest(self) -> str:
        """The text already read past the position (consumed)."""
        out = self._buf[self._pos:]
        self._pos = len(self._buf)
        return out

    def value(self) -> Any:
        """The next value, taken whole."""
        while True:
            if self.peek() is None:
                raise Damaged("the document is cut short")
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except (ValueError, RecursionError) as e:
                # Most often the value goes on in the next chunk.
                if len(self._buf) - self._pos > MAX_ELEMENT_CHARS or not self._more():
                    raise Damaged(str(e)[:100]) from None
                continue
            if end >= len(self._buf) and not self._eof:
                # A number or literal may go on in the next chunk: read it again.
                self._more()
                continue
            self.last_chars = end - self._pos
            self._pos = end
            return value

    def elements(self) -> Iterator[Any]:
        """Each element of the array that comes next, taken whole."""
        if not self.take("["):
            raise Damaged("expected an array")
        if self.take("]"):
            return
        while True:
            yield self.value()
            if self.take(","):
                continue
            if self.take("]"):
                return
            raise Damaged("expected ',' or ']' between elements" if self.peek() else "the array is cut short")

    def members(self) -> Iterator[str]:
        """The key of each member of the object that comes next; the caller
        consumes each member's value (with `value`, `elements`, `members` or
        `skip`) before asking for the next key."""
        if not self.take("{"):
            raise Damaged("expected an object")
        if self.take("}"):
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise Damaged("a key that is not a string")
            if not self.take(":"):
                raise Damaged("expected ':' after a key")
            yield key
            if self.take(","):
                continue
            if self.take("}"):
                return
            raise Damaged("expected ',' or '}' between members" if self.peek() else "the object is cut short")

    def skip(self) -> None:
        """Pass over the next value, an array or object part by part."""
        ch = self.peek()
        if ch == "[":
            for _ in self.elements():
                pass
        elif ch == "{":
            for _ in self.members():
                self.skip()
        else:
            self.value()


class ArrayStream:
    """Iterate to get the elements of the array whose `[` comes first in
    `initial` (after white space) followed by the rest of `stream`; `damage`
    says why it stopped early, `count` how many elements were handed out."""

    def __init__(self, stream: IO[bytes], initial: bytes = b""):
        self._cur = Cursor(stream, initial)
        self.count = 0
        self.damage: str | None = None
        # The text after the closing `]` that was already read.
        self.rest = ""

    def starts_array(self) -> bool:
        """Whether the document is an array."""
        self._cur.skip_bom()
        return self._cur.peek() == "["

    def __iter__(self) -> Iterator[Any]:
        try:
            for el in self._cur.elements():
                self.count += 1
                yield el
        except Damaged as e:
            self.damage = str(e)
            return
        self.rest = self._cur.rest()
