"""The JSON reader: JSON lines, a JSON array, or one whole JSON document.

Every object found is handed to the object format that claims it (v1.1
status, v2 page or flattened tweet, snscrape tweet). What no format claims —
stream notices, API errors, counts and list responses — is reported with its
line, and the lines around it still import.
"""
from __future__ import annotations

import io
from typing import IO, Any, Generator, Iterator

from ..rawio import ChunkReader
from ..model import Item, Post, Problem
from ..sources import SourceFile
from . import ParseOptions, RecordContext, object_format_for, register_file
from ..textdecode import MAX_LINE_BYTES, bounded_lines
from . import jsonstream
from .arraystream import ArrayStream, Cursor, Damaged
from .common import about_unavailable_posts, dump, loads

# A whole (not line-delimited) JSON document other than an array, a v1
# search response or a v2 page (which are read element by element) is read
# into memory at once; past this size it must be JSON lines. A damaged
# document is read again whole, within this limit, to resynchronise.
MAX_DOCUMENT_BYTES = 1024 * 1024 * 1024
# A v1 search response or v2 page up to this size is read whole (the usual
# API page: fastest); a larger one is streamed (`_object_stream`).
WHOLE_OBJECT_BYTES = 4 * 1024 * 1024
# What a streamed object document keeps in memory besides the record being
# read, in characters of JSON: its small members (`search_metadata`, `meta`,
# `errors`) and a v2 page's `includes`, which complete its posts (authors,
# media, places, quoted originals). Includes past it are still imported (each
# user and original read again from the file), but the posts that needed them
# go without, and a notice says so.
MAX_KEPT_CHARS = 32 * 1024 * 1024
# The arrays of records in an object document: v1 search, v2 page.
_RECORDS = ("statuses", "data")

# Streaming API notices: one key each, never a post.
_NOTICES = {
    "limit": "a rate-limit notice from the streaming API",
    "delete": "a deletion notice from the streaming API",
    "scrub_geo": "a location-scrub notice from the streaming API",
    "status_withheld": "a withheld-status notice from the streaming API",
    "user_withheld": "a withheld-user notice from the streaming API",
    "disconnect": "a disconnect notice from the streaming API",
    "warning": "a stall warning from the streaming API",
    "friends": "a friends list from the user streaming API",
    "event": "an event from the user streaming API",
}


def _describe_error(obj: dict[str, Any]) -> str | None:
    """A readable reason when the object is an API error, not a post."""
    if "errors" in obj and "data" not in obj and "includes" not in obj:
        errs = obj.get("errors") or []
        first = errs[0] if isinstance(errs, list) and errs else {}
        if isinstance(first, dict):
            msg = first.get("message") or first.get("detail") or first.get("title") or "error"
        else:
            msg = str(first)
        return f"an API error response: {msg}"
    if isinstance(obj.get("type"), str) and "/problems/" in obj["type"]:
        return f"an API error response: {obj.get('title') or obj.get('detail') or obj['type']}"
    return None


def _unclaimed(obj: dict[str, Any]) -> str:
    keys = ", ".join(sorted(obj)[:8])
    return f"not a tweet (an object with keys {keys})" if keys else "an empty object"


def route(value: Any, ctx: RecordContext, whole_record: bool = True) -> Iterator[Item]:
    """Records from one JSON value, whatever its shape."""
    if isinstance(value, list):
        if not value:
            yield Problem(ctx.location, "an empty list: no tweets")
            return
        for i, el in enumerate(value):
            yield from route_element(el, i, ctx)
        return
    if not isinstance(value, dict):
        yield Problem(ctx.location, f"not a tweet (a JSON {type(value).__name__})")
        return
    if len(value) <= 2:
        for key, what in _NOTICES.items():
            if key in value:
                yield Problem(ctx.location, what, notice=True)
                return
    err = _describe_error(value)
    if err:
        yield Problem(ctx.location, err, notice=about_unavailable_posts(value))
        return
    if isinstance(value.get("statuses"), list):  # a v1.1 search response
        for i, el in enumerate(value["statuses"]):
            raw = jsonstream.verbatim(el, dump)
            if raw is None:
                yield Problem(f"{ctx.location}, statuses[{i}]", "nested too deeply to be read")
                continue
            yield from route(el, RecordContext(f"{ctx.location}, statuses[{i}]", raw, ctx.src, ctx.options))
        return
    fmt = object_format_for(value)
    if fmt is None:
        yield Problem(ctx.location, _unclaimed(value))
        return
    try:
        for item in fmt.parse(value, ctx):
            if isinstance(item, Post):
                item.read_as = fmt.name
            yield item
    except Exception as e:  # a hostile record must not stop the file
        yield Problem(ctx.location, f"could not read this {fmt.label}: {type(e).__name__}: {e}")


def route_element(el: Any, i: int, ctx: RecordContext) -> Iterator[Item]:
    """Records from element `i` of an array read in the context `ctx`."""
    loc = f"{ctx.location}, [{i}]" if ctx.location.startswith("line") else f"entry {i + 1}"
    yield from route_element_at(el, loc, ctx)


def route_element_at(el: Any, loc: str, ctx: RecordContext) -> Iterator[Item]:
    """Records from one element of an array, found at `loc`."""
    raw = jsonstream.verbatim(el, dump)
    if raw is None:
        yield Problem(loc, "nested too deeply to be read")
        return
    yield from route(el, RecordContext(loc, raw, ctx.src, ctx.options))


def _elements_at(src: SourceFile, path: tuple[str, ...]) -> Iterator[Any]:
    """The elements of the array at `path` (keys from the top object down)
    of the file's one JSON document, read from the file as a stream."""
    with src.open() as f:
        cur = Cursor(f)
        cur.skip_bom()
        yield from _walk(cur, path)


def _walk(cur: Cursor, path: tuple[str, ...]) -> Iterator[Any]:
    for key in cur.members():
        want = "[" if len(path) == 1 else "{"
        if key == path[0] and cur.peek() == want:
            yield from cur.elements() if len(path) == 1 else _walk(cur, path[1:])
            return
        cur.skip()


class JsonFile:
    name = "json"
    label = "JSON / JSON lines"
    auxiliary = False

    def sniff(self, src: SourceFile, head: str) -> bool:
        stripped = head.lstrip()
        return stripped.startswith("{") or stripped.startswith("[") or (
            not stripped and src.logical_name.endswith((".json", ".jsonl", ".ndjson"))
        )

    def parse(self, src: SourceFile, options: ParseOptions) -> Iterator[Item]:
        with src.open() as f:
            # A first line longer than a JSON line may be is the start of a
            # document (an array on one line): never more of it in memory.
            first = f.readline(MAX_LINE_BYTES + 1)
            if not first.strip():
                rest = f.read(1 << 16)
                if not rest.strip() and not first.strip():
                    yield Problem("the file", "empty file: no tweets")
                    return
                first, stream = first + rest, f
            else:
                stream = f
            chained = io.BufferedReader(_Chain(first, stream), 1 << 20)
            # A document that starts on one line and goes on over others (a
            # pretty-printed response) cannot be read line by line.
            firstline = first.split(b"\n", 1)[0].strip().lstrip(b"\xef\xbb\xbf")
            if _is_whole_value(firstline):
                yield from self._lines(chained, src, options)
            else:
                yield from self._document(chained, src, options)

    def _document(self, stream: IO[bytes], src: SourceFile, options: ParseOptions) -> Iterator[Item]:
        """An array element by element (memory bounded by the largest
        element); anything else, or an array the stream cannot read to its
        end, read whole."""
        head = b""
        while len(head) <= MAX_DOCUMENT_BYTES:
            chunk = stream.read(1 << 16)
            head += chunk
            if not chunk or head.lstrip().lstrip(b"\xef\xbb\xbf").lstrip():
                break
        body = head.lstrip().lstrip(b"\xef\xbb\xbf").lstrip()
        if not body.startswith(b"["):
            head += stream.read(max(0, WHOLE_OBJECT_BYTES + 1 - len(head)))
            if body.startswith(b"{") and len(head) > WHOLE_OBJECT_BYTES:
                streamed = yield from self._object_stream(head, stream, src, options)
                if streamed:
                    return
                with src.open() as f:  # damaged, or not one of ours: read whole
                    yield from self._whole(f.read(MAX_DOCUMENT_BYTES + 1), src, options)
                return
            yield from self._whole(head + stream.read(MAX_DOCUMENT_BYTES + 1 - len(head)), src, options)
            return
        elements = ArrayStream(stream, head)
        elements.starts_array()
        ctx = RecordContext("the file", b"", src, options)
        for i, el in enumerate(elements):
            yield from route_element(el, i, ctx)
        if elements.damage is not None:
            # Read it again whole, to resynchronise past the damage.
            with src.open() as f:
                data = f.read(MAX_DOCUMENT_BYTES + 1)
            yield from self._whole(data, src, options, skip=elements.count)
            return
        if not elements.count:
            yield Problem("the file", "an empty list: no tweets")
        tail = elements.rest.encode("utf-8") + stream.read(MAX_DOCUMENT_BYTES + 1)
        if tail.strip():  # documents written one after another
            yield from self._whole(tail, src, options)

    def _object_stream(self, head: bytes, stream: IO[bytes], src: SourceFile, options: ParseOptions
                       ) -> Generator[Item, None, bool]:
        """A v1 search response or v2 page too large to read whole, read in
        two passes over the file: the first reads every member but keeps only
        the small ones and the `includes` (within `MAX_KEPT_CHARS`), checking
        the whole document on the way; the second hands out the records one
        at a time. False (nothing handed out) for a damaged document, one with
        no array of records, or one followed by more text: those are read
        whole."""
        cur = Cursor(stream, head)
        cur.skip_bom()
        kept = 0
        over = False
        records: str | None = None
        skeleton: dict[str, Any] = {}
        includes: dict[str, Any] = {}
        try:
            for key in cur.members():
                ch = cur.peek()
                if records is None and key in _RECORDS and ch == "[":
                    records = key
                    for _ in cur.elements():
                        pass
                elif key == "includes" and ch == "{":
                    for part in cur.members():
                        if cur.peek() != "[":
                            includes[part] = cur.value()
                            kept += cur.last_chars
                            continue
                        kept_els = includes[part] = []
                        for el in cur.elements():
                            if kept + cur.last_chars <= MAX_KEPT_CHARS:
                                kept_els.append(el)
                                kept += cur.last_chars
                            else:
                                over = True
                else:
                    skeleton[key] = cur.value()
                    kept += cur.last_chars
                if kept > MAX_KEPT_CHARS and not over:
                    return False
            if cur.peek() is not None:
                return False
        except Damaged:
            return False
        if records is None:
            return False
        ctx = RecordContext("entry 1", b"", src, options)
        if records == "statuses":
            if _describe_error(skeleton):
                return False  # an API error response: reported as one, read whole
            try:
                for i, el in enumerate(_elements_at(src, ("statuses",))):
                    yield from route_element_at(el, f"entry 1, statuses[{i}]", ctx)
            except Damaged as e:
                yield Problem("the file", f"the file changed while it was read ({e})")
            return True
        page = dict(skeleton, data=[], includes=includes)
        fmt = object_format_for(page)
        if fmt is None or not hasattr(fmt, "page_items"):
            return False
        if over:
            yield Problem("entry 1", f"the page's includes are over {MAX_KEPT_CHARS // 2**20} MiB: every user and "
                          "original past that was imported, but posts whose author, media or place lies past it "
                          "were imported without them", notice=True)
        entries = ((f"entry 1, data[{i}]", el) for i, el in enumerate(_elements_at(src, ("data",))))
        try:
            yield from fmt.page_items(
                page, entries, includes, ctx,
                originals=((f"entry 1, includes.tweets[{j}]", t) for j, t in
                           enumerate(_elements_at(src, ("includes", "tweets")))) if over else None,
                users=_elements_at(src, ("includes", "users")) if over else None)
        except Damaged as e:
            yield Problem("the file", f"the file changed while it was read ({e})")
        return True

    def _lines(self, stream: IO[bytes], src: SourceFile, options: ParseOptions) -> Iterator[Item]:
        seen_any = False
        memo: dict[str, Any] = {}
        for n, line in enumerate(bounded_lines(stream, src.notice), 1):
            if n == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            body = line.strip()
            if not body:
                continue
            seen_any = True
            loc = f"line {n}"
            try:
                value = loads(body)
            except ValueError as e:
                yield Problem(loc, f"not valid JSON ({_short(e)})")
                continue
            yield from route(value, RecordContext(loc, body, src, options, memo))
        if not seen_any:
            yield Problem("the file", "empty file: no tweets")

    def _whole(self, data: bytes, src: SourceFile, options: ParseOptions, skip: int = 0) -> Iterator[Item]:
        """One document read whole; `skip` elements of a top-level array
        were already handed out."""
        if len(data) > MAX_DOCUMENT_BYTES:
            yield Problem("the file", "a single JSON document over 1 GiB; split it into JSON lines")
            return
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            value = loads(data)
        except (ValueError, RecursionError):
            if jsonstream.looks_like_lines(data):  # JSON lines after all, with a broken first line
                yield from self._lines(io.BufferedReader(_Chain(data, io.BytesIO()), 1 << 20), src, options)
                return
            if skip:
                docs, damage = jsonstream.damaged_documents(data, _a_record)
                yield from (Problem(loc, why) for loc, why in damage)
                if docs and isinstance(docs[0], list):
                    yield from _route_from(docs[0], skip, src, options)
                ctx = RecordContext("the file", b"", src, options)
                for i in range(1, len(docs)):
                    yield from route_element(docs[i], i, ctx)
                return
            value, damage = jsonstream.damaged_document(data, _a_record)  # keep every intact record
            yield from (Problem(loc, why) for loc, why in damage)
            if value is None:
                return
        if skip and isinstance(value, list):
            yield from _route_from(value, skip, src, options)
            return
        yield from route(value, RecordContext("entry 1" if isinstance(value, dict) else "the file",
                                              data, src, options))


def _route_from(elements: list[Any], skip: int, src: SourceFile, options: ParseOptions) -> Iterator[Item]:
    ctx = RecordContext("the file", b"", src, options)
    for i in range(skip, len(elements)):
        yield from route_element(elements[i], i, ctx)


def _a_record(value: Any) -> bool:
    """Whether a value found past damage in a top-level array can be one of
    its records (an inner object of a tweet, a hashtag, cannot)."""
    return isinstance(value, dict) and (object_format_for(value) is not None or "statuses" in value)


def _is_whole_value(line: bytes) -> bool:
    if not line:
        return False
    try:
        loads(line)
        return True
    except ValueError:
        return False


def _short(e: Exception) -> str:
    s = str(e)
    return s if len(s) < 120 else s[:117] + "…"


class _Chain(ChunkReader):
    """Bytes already read, then the rest of the stream (left open)."""

    closes_raw = False

    def __init__(self, first: bytes, rest: Any):
        super().__init__(rest, first)


register_file(JsonFile())
