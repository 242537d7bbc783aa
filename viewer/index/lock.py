"""One index writer at a time, across threads and programs."""
from __future__ import annotations

import contextlib
import os
import threading
import time
from typing import Iterator

try:
    import fcntl
except ImportError:  # Windows: one writer at a time rests on Whoosh's own lock
    fcntl = None  # type: ignore[assignment]

from whoosh.index import LockError

from viewer.collection import Collection

# Seconds a writer waits for another to finish with the index.
LOCK_WAIT = 30.0

_WRITING = "WRITING.lock"
_held = threading.local()


@contextlib.contextmanager
def writing(coll: Collection, timeout: float | None = None) -> Iterator[None]:
    """Hold the collection's one index-writer lock while the block runs.

    Whoosh locks one index; a rebuild writes a new index beside it and then
    removes the old, so an import committing to the old one meanwhile (the
    window and the command line at once, or a search mending the index
    while an import writes) would lose segments. Every write takes this lock
    first, so they run one after another. Re-entrant within a thread, since a
    commit may turn into a rebuild. Raises LockError after `timeout` s
    (LOCK_WAIT by default).
    """
    key = str(coll.index_dir)
    held: dict[str, int] = getattr(_held, "dirs", None) or {}
    _held.dirs = held
    if key in held:
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    coll.index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(coll.index_dir / _WRITING, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            deadline = time.monotonic() + (LOCK_WAIT if timeout is None else timeout)
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise LockError("the search index is being written by another program") from None
                    time.sleep(0.05)
        held[key] = 1
        try:
            yield
        finally:
            del held[key]
    finally:
        os.close(fd)  # closing the descriptor releases the lock
