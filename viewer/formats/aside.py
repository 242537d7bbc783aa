"""A large file's records parsed in a process of their own.

Parsing (decoding JSON, mapping each record to a Post) was two fifths of a
million-post import's critical path, on the importer's one core, while
the importer's writes to SQLite held the same core: the import could never
be faster than the two one after the other. Parsed in a spawned process,
the next records are ready while the importer writes the last ones.

Only files the JSON and CSV readers take from a folder on disk: their
records carry nothing that cannot cross to another process (an account
archive's media are read from the archive as they are stored). The child
reads the file itself (only its name crosses) and sends the items back in
chunks, a few chunks ahead at most, so memory stays that of a batch.

Whatever goes wrong in the child goes wrong the same way as it would
here: an exception the parser raised is raised here, after the records
before it. If the process dies or cannot start, the file is parsed here,
from the first record not yet handed over, so nothing is lost or doubled.
"""
from __future__ import annotations

import copyreg
import dataclasses
import gc
import io
import logging
import os
import pickle
import queue
import threading
from typing import Any, Callable, Iterator, cast

from viewer.model import Item, Media, Mention, Post, Problem, Url, User
from viewer.processes import GC_YOUNG_THRESHOLD, die_with_parent
from viewer.sources import FolderContainer, SourceFile

from . import FileFormat, ParseOptions, by_name

log = logging.getLogger(__name__)

# A smaller file is parsed here: starting an interpreter (a few tenths of
# a second) costs more than it saves below a few thousand posts.
MIN_BYTES = 16 << 20
FORMATS = ("json", "csv")
# Items a message carries (fewer when their records pass CHUNK_BYTES), and
# messages the child may hold ready before the importer takes them: about
# two of the importer's batches, and tens of MB however large the records.
CHUNK = 1000
CHUNK_BYTES = 4 << 20
AHEAD = 10


def parse(fmt: FileFormat, src: SourceFile, options: ParseOptions,
          min_bytes: int | None = None) -> Iterator[Item]:
    """The items of `fmt.parse(src, options)`, in the same order, with
    `src.consumed`, `src.notices` and `src.damage` kept as that would;
    parsed in another process when the file is large enough to gain."""
    size = src.size() or 0
    if (fmt.name not in FORMATS or not isinstance(src.container, FolderContainer)
            or size < (MIN_BYTES if min_bytes is None else min_bytes)):
        return fmt.parse(src, options)
    return _parse_aside(fmt, src, options)


# -- what crosses between the processes ---------------------------------------
# A post as the tuple of its fields, rebuilt by calling the class: a third
# of the time pickle's default (an object and its __dict__) takes to load,
# and the load is on the importer's core.


def _rebuild(cls: type, values: tuple) -> Any:
    return cls(*values)


def _as_fields(cls: type) -> Callable[[Any], Any]:
    count = len(dataclasses.fields(cls))

    def reduce(obj: Any) -> Any:
        values = obj.__dict__
        if len(values) != count:  # an attribute some parser added: pickled whole
            return obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
        return _rebuild, (cls, tuple(values.values()))

    return reduce


_TABLE = copyreg.dispatch_table.copy()
_TABLE.update({cls: _as_fields(cls) for cls in (Post, User, Mention, Url, Media, Problem)})


def _dumps(message: object) -> bytes:
    out = io.BytesIO()
    pickler = pickle.Pickler(out, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _TABLE
    pickler.dump(message)
    return out.getvalue()


# -- the child ---------------------------------------------------------------


def _child(parent: int, conn: Any, fmt_name: str, src: SourceFile, options: ParseOptions) -> None:
    die_with_parent(parent, "av-parse")
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])  # as in the importer
    # The sends happen in a thread: a send waits for the importer to read,
    # and parsing goes on meanwhile, up to AHEAD messages ahead.
    ready: queue.Queue[bytes | None] = queue.Queue(AHEAD)

    def send() -> None:
        while (data := ready.get()) is not None:
            conn.send_bytes(data)

    sender = threading.Thread(target=send, name="av-parse-send", daemon=True)
    sender.start()
    told = len(src.notices)  # the importer has these already

    def message(kind: str, payload: object) -> None:
        nonlocal told
        new = src.notices[told:]
        told = len(src.notices)
        ready.put(_dumps((kind, payload, src.consumed, new, src.damage)))

    fmt = cast(FileFormat, by_name(fmt_name))
    items: list[Item] = []
    held = 0
    try:
        for item in fmt.parse(src, options):
            items.append(item)
            held += len(getattr(item, "raw", b""))
            if len(items) >= CHUNK or held >= CHUNK_BYTES:
                message("items", items)
                items, held = [], 0
        message("items", items)
        message("end", None)
    except BaseException as e:  # raised in the importer, after the items before it
        message("items", items)
        try:
            pickle.loads(pickle.dumps(e))
            message("raised", e)
        except Exception:
            message("raised", RuntimeError(f"{type(e).__name__}: {e}"))
    ready.put(None)
    sender.join()
    conn.close()


# -- the importer's side -----------------------------------------------------


def _parse_aside(fmt: FileFormat, src: SourceFile, options: ParseOptions) -> Iterator[Item]:
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")  # never fork: the importer holds SQLite
    given = 0  # items handed to the importer
    try:
        receiver, sender = ctx.Pipe(duplex=False)
        child_src = dataclasses.replace(src, notices=list(src.notices))
        proc = ctx.Process(target=_child, name="av-parse", daemon=True,
                           args=(os.getpid(), sender, fmt.name, child_src, options))
        proc.start()
    except (OSError, RuntimeError, pickle.PicklingError) as e:
        log.info("parsing in line: the parsing process could not start (%s)", e)
        yield from fmt.parse(src, options)
        return
    sender.close()  # the child's end: the child's exit then ends our reads
    try:
        while True:
            try:
                kind, payload, consumed, notices, damage = pickle.loads(receiver.recv_bytes())
            except (EOFError, OSError, pickle.UnpicklingError) as e:
                log.info("parsing in line: the parsing process ended (%s)", type(e).__name__)
                break
            src.consumed = consumed
            src.notices.extend(notices)
            src.damage = damage
            if kind == "items":
                for item in payload:
                    given += 1
                    yield item
            elif kind == "end":
                return
            else:
                raise payload
    finally:
        receiver.close()
        if proc.is_alive():
            proc.kill()  # cancelled, or stopped early: it parses a file, nothing else
        proc.join()
    # The child died before the end: the rest is parsed here.
    yield from _rest_here(fmt, src, options, given)


def _rest_here(fmt: FileFormat, src: SourceFile, options: ParseOptions, given: int) -> Iterator[Item]:
    """The file parsed again here, without the first `given` items: the
    importer has them, and the notices said while reading up to them."""
    mark = len(src.notices)
    count = 0
    for item in fmt.parse(src, options):
        count += 1
        if count <= given:
            continue  # nothing reaches the importer meanwhile: src.notices is ours
        if count == given + 1:
            del src.notices[mark:]
        yield item
    if count <= given:
        del src.notices[mark:]
