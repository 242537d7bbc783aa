"""The few failures every part of the program must explain in words: a full
disk, a damaged or foreign collection. The core raises these; the command line
and the window show their message (never a traceback) and exit or carry on.
"""
from __future__ import annotations

import errno
import sqlite3


class CollectionError(Exception):
    """A collection that cannot be used as it is; the message says what to do."""


class DiskFull(CollectionError):
    """The disk (or the user's quota, or a file size limit) ran out mid-write."""

    def __init__(self, written: int | None = None, where: str = "the collection"):
        self.written = written
        if written is not None:
            super().__init__(f"The disk is full (writing {where}): {written:,} posts written; free space and "
                             "import again (what was written is kept and the import picks up where it stopped).")
        else:
            super().__init__(f"The disk is full (writing {where}): free space and try again; "
                             "nothing already stored was lost.")


class CollectionDamaged(CollectionError):
    """collection.db is not a readable SQLite database any more."""

    def __init__(self, path: object, detail: str):
        self.path = path
        self.detail = detail
        super().__init__(f"{path}: the collection database is damaged ({detail}). "
                         "Run `archive-viewer repair` to recover what can still be read into a fresh "
                         "collection (the damaged file is kept).")


class NotACollection(CollectionError):
    """collection.db exists but is empty or not ours: never re-created over."""


_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def is_disk_full(e: BaseException) -> bool:
    if isinstance(e, OSError) and e.errno in _FULL_ERRNOS:
        return True
    if isinstance(e, sqlite3.Error):
        code = getattr(e, "sqlite_errorcode", None)
        # SQLITE_FULL (13), and SQLITE_IOERR_WRITE (778) which a write past
        # RLIMIT_FSIZE or a quota ends in.
        if code in (13, 778) or "database or disk is full" in str(e):
            return True
    return False


def is_damage(e: BaseException) -> bool:
    if isinstance(e, sqlite3.DatabaseError) and not isinstance(e, sqlite3.OperationalError):
        return any(s in str(e) for s in ("malformed", "not a database", "file is not a database", "corrupt"))
    if isinstance(e, sqlite3.OperationalError):
        return "malformed" in str(e) or "corrupt" in str(e)
    return False


def explain(e: BaseException, written: int | None = None, where: str = "the collection") -> CollectionError | None:
    """The CollectionError an exception from SQLite or the file system stands
    for, or None when it is something else."""
    if isinstance(e, CollectionError):
        return e
    if is_disk_full(e):
        return DiskFull(written, where)
    if is_damage(e):
        return CollectionDamaged(where, str(e))
    return None
