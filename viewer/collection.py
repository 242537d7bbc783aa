"""A collection: one folder that can be copied to another laptop as it is.

    <collection>/collection.db   SQLite (WAL): the source of truth
    <collection>/index/          Whoosh index, derivable from the database
    <collection>/media/          image files from archives, by sha256
    <collection>/thumbs/         thumbnail cache, disposable
    <collection>/text_bands/     near-copy band files, derivable from the database
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

import sqlite_utils

try:
    import fcntl
except ImportError:  # Windows: imports rely on SQLite's own locking alone
    fcntl = None  # type: ignore[assignment]

from viewer import store
from viewer.errors import CollectionDamaged, NotACollection, explain

ENV_VAR = "ARCHIVE_VIEWER_COLLECTION"
_SQLITE_MAGIC = b"SQLite format 3\x00"
# Held by each import for its whole run: a second import of the same
# collection waits (and says so) rather than interleave with it.
IMPORT_LOCK = "import.lock"


def default_path() -> Path:
    """The collection used when none is named: in the user's data folder."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "archive-viewer" / "collection"


class Collection:
    def __init__(self, path: Path, db: sqlite_utils.Database):
        self.path = Path(path)
        self.db = db

    @classmethod
    def open(cls, path: Path | str, create: bool = True) -> "Collection":
        """Open the collection at `path`, creating the folder and schema if
        asked; each thread that writes opens its own (SQLite connections are
        not shared across threads)."""
        path = Path(path).expanduser()
        dbfile = path / "collection.db"
        if not create and not dbfile.exists():
            raise FileNotFoundError(f"{path}: no collection here")
        check_file(dbfile)
        path.mkdir(parents=True, exist_ok=True)
        for sub in ("media", "thumbs", "index"):
            (path / sub).mkdir(exist_ok=True)
        try:
            db = store.connect(dbfile)
        except sqlite3.Error as e:
            raise explain(e, where=str(dbfile)) or CollectionDamaged(dbfile, str(e)) from e
        try:
            tables = set(db.table_names())
            if tables and "meta" not in tables and "posts" not in tables:
                raise NotACollection(f"{dbfile}: a SQLite database of another program, not an archive-viewer "
                                     "collection; name another folder with --collection")
            store.ensure_schema(db)
        except sqlite3.Error as e:
            db.close()
            raise explain(e, where=str(dbfile)) or CollectionDamaged(dbfile, str(e)) from e
        except BaseException:
            db.close()
            raise
        return cls(path, db)

    @contextlib.contextmanager
    def import_lock(self, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the collection's import lock; `on_wait` hears once that
        another import holds it. The lock dies with its process (a flock),
        so one left by a killed import is simply taken over."""
        if fcntl is None:
            yield
            return
        fd = os.open(self.path / IMPORT_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            told = False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if not told and on_wait is not None:
                        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                        who = f" (process {holder})" if holder.isdigit() else ""
                        on_wait(f"Waiting for another import into this collection to finish{who}…")
                        told = True
                    time.sleep(0.1)
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            yield
        finally:
            os.close(fd)  # releases the lock

    @staticmethod
    def exists(path: Path | str) -> bool:
        return (Path(path).expanduser() / "collection.db").exists()

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def media_dir(self) -> Path:
        return self.path / "media"

    @property
    def index_dir(self) -> Path:
        return self.path / "index"

    @property
    def thumbs_dir(self) -> Path:
        return self.path / "thumbs"

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Collection":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_file(dbfile: Path) -> None:
    """Refuse a collection.db that is empty or not SQLite at all, instead of
    letting SQLite treat an empty file as a new database (and silently
    start over) or fail later with its own words."""
    try:
        with open(dbfile, "rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except IsADirectoryError:
        raise NotACollection(f"{dbfile}: a folder, not a collection database") from None
    if not head:
        raise NotACollection(f"{dbfile}: an empty file (0 bytes), not a collection; it was left as it is. "
                             "Move it away to start a new collection here, or run `archive-viewer repair` "
                             "if it was one.")
    if head != _SQLITE_MAGIC:
        if len(head) < len(_SQLITE_MAGIC) and _SQLITE_MAGIC.startswith(head):
            raise CollectionDamaged(dbfile, "the file is cut short")
        raise NotACollection(f"{dbfile}: not an archive-viewer collection (not a SQLite database); "
                             "it was left as it is")
