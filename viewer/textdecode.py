"""Bytes to text for hostile archives: byte-order marks, UTF-16/32, old Mac
line ends, over-long lines and rows in another encoding.

Every file a format reads goes through `normalised()` first (from
`SourceFile.open`), so a tweets.js saved as UTF-16 by a Windows editor or a
JSON-lines file with lone CR line ends reads like any other: the formats only
ever see UTF-8 with LF line ends. What had to be changed is said in a notice,
never silently.
"""
from __future__ import annotations

import codecs
import io
import re
from typing import IO, BinaryIO, Callable, Iterator

from viewer.rawio import ChunkReader

# A line (a JSON-lines record, a CSV physical line) longer than this is not
# read: one record of a tweet archive is a few KiB; 16 MiB is only reached by
# damage or malice, and reading it whole would let one line take the memory.
MAX_LINE_BYTES = 16 * 1024 * 1024

# (byte-order mark, codec); the UTF-32 marks first, since UTF-32-LE's starts
# with UTF-16-LE's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

Notify = Callable[[str, str], None]  # (location, what happened)


def bom_encoding(head: bytes) -> tuple[str | None, int]:
    """The encoding a byte-order mark names, and the mark's length."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, len(bom)
    return None, 0


def _bomless_utf16(head: bytes) -> str | None:
    """UTF-16 without a mark, as some exporters write it: ASCII text has a NUL
    in every other byte. Only claimed when the pattern is unmistakable."""
    sample = head[:4096]
    if len(sample) < 16:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


class _Transcoder(ChunkReader):
    """A UTF-16/32 stream read as UTF-8, decoded incrementally so that any
    size stays in bounded memory; undecodable units become U+FFFD."""

    def __init__(self, raw: BinaryIO, encoding: str, skip: int):
        super().__init__(raw)
        self._dec = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._eof = False
        if skip:
            raw.read(skip)

    def _next_chunk(self, size: int) -> bytes:
        out = b""
        while not out and not self._eof:
            chunk = self._raw.read(1 << 16)
            if not chunk:
                self._eof = True
                out = self._dec.decode(b"", final=True).encode("utf-8", "surrogatepass")
            else:
                out = self._dec.decode(chunk).encode("utf-8", "surrogatepass")
        return out


_LONE_CR = re.compile(rb"\r(?!\n)")


class _CrToLf(ChunkReader):
    """Old Mac line ends (a lone CR) as LF; CRLF and everything else stay
    as they are, so every line number stays the same. `found` is called
    once, the first time a lone CR is met."""

    def __init__(self, raw: BinaryIO, found: Callable[[], None] | None = None):
        super().__init__(raw)
        self._found = found
        self._held = b""  # a CR at the end of a chunk: its next byte decides

    def _next_chunk(self, size: int) -> bytes:
        data = b""
        while True:
            chunk = self._raw.read(size)
            data = self._held + chunk
            self._held = b""
            if not chunk:
                break  # the end: a CR held back is a line end of its own
            if data.endswith(b"\r"):
                data, self._held = data[:-1], b"\r"
                if not data:
                    continue
            break
        if b"\r" in data:
            fixed = _LONE_CR.sub(b"\n", data)
            if fixed != data and self._found is not None:
                self._found()
                self._found = None
            data = fixed
        return data



def plan(head: bytes) -> tuple[str | None, int, bool]:
    """From the first bytes of a file: the encoding to transcode from (None
    for UTF-8), how many mark bytes to skip, and whether CR ends its lines."""
    enc, skip = bom_encoding(head)
    if enc == "utf-8":
        enc = None
    elif enc is None:
        enc = _bomless_utf16(head)
    sample = head[skip:]
    if enc is not None:
        try:
            sample = codecs.decode(sample[: len(sample) // 4 * 4], enc, errors="replace").encode()
        except (LookupError, ValueError):
            sample = b""
    lone_cr = b"\r" in sample and b"\n" not in sample
    return enc, skip, lone_cr


CR_NOTICE = "old Mac line ends (CR) read as line breaks"


def normalised(raw: BinaryIO, head: bytes, notify: Notify | None = None) -> tuple[BinaryIO, list[str]]:
    """`raw` (positioned at its start) as UTF-8 text with LF line ends, and
    what was changed to get there, for the import report (a lone CR met
    further on is told to `notify` when it is met)."""
    enc, skip, lone_cr = plan(head)
    done: list[str] = []
    stream: BinaryIO = raw
    if enc is not None:
        stream = io.BufferedReader(_Transcoder(stream, enc, skip), 1 << 16)
        done.append(f"read as {enc.upper()} (converted to UTF-8)")
    elif skip:
        stream.read(skip)
    if lone_cr:
        done.append(CR_NOTICE)

    def found() -> None:
        if not lone_cr and notify is not None:
            notify("the file", CR_NOTICE)

    stream = io.BufferedReader(_CrToLf(stream, found), 1 << 16)
    return stream, done


def bounded_lines(stream: IO[bytes], notify: Notify | None = None,
                  limit: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """The lines of a binary stream, each at most `limit` bytes; a longer one
    is skipped (its place kept by an empty line, so numbering holds) and
    reported, never cut."""
    n = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        n += 1
        if len(line) > limit and not line.endswith(b"\n"):
            size = len(line)
            while True:  # skip the rest of the line without holding it
                more = stream.readline(1 << 20)
                size += len(more)
                if not more or more.endswith(b"\n"):
                    break
            if notify is not None:
                notify(f"line {n}", f"a line of {size:,} bytes, over the {limit // (1024 * 1024)} MiB "
                                    "limit for one record; not read")
            yield b"\n"
            continue
        yield line


class RowDecoder(io.TextIOBase):
    """Text of a binary stream decoded line by line: UTF-8 where a line is
    UTF-8, else `fallback` for that line alone (each such line reported), so
    one stray byte never turns a whole file into mojibake."""

    def __init__(self, raw: BinaryIO, fallback: str = "cp1252", notify: Notify | None = None,
                 limit: int = MAX_LINE_BYTES):
        self._lines = bounded_lines(raw, notify, limit)
        self._fallback = fallback
        self._notify = notify
        self._n = 0
        self.fallbacks = 0

    def readable(self) -> bool:
        return True

    def _decode(self, line: bytes) -> str:
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            pass
        self.fallbacks += 1
        # Only the bytes that are not UTF-8 are read in the fallback: a row
        # of Arabic with one stray Windows byte keeps its Arabic.
        bad = 0

        def fallback(err: UnicodeError) -> tuple[str, int]:
            nonlocal bad
            assert isinstance(err, UnicodeDecodeError)
            chunk = err.object[err.start:err.end]
            bad += len(chunk)
            return chunk.decode(self._fallback, errors="replace"), err.end

        codecs.register_error("archive-viewer-row", fallback)
        text = line.decode("utf-8", errors="archive-viewer-row")
        if self._notify is not None:
            self._notify(f"line {self._n}", f"not UTF-8: {bad} byte{'s' if bad != 1 else ''} read as "
                                            f"{self._fallback}, the rest as UTF-8")
        return text

    def __next__(self) -> str:  # type: ignore[override]
        line = next(self._lines)
        self._n += 1
        text = self._decode(line)
        if self._n == 1:
            text = text.lstrip("\ufeff")
        return text

    def __iter__(self) -> "RowDecoder":  # type: ignore[override]
        return self

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        try:
            return next(self)
        except StopIteration:
            return ""
