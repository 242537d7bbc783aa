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
import stat
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
    start over) or fail later with its own words.

    The file is never opened here by hand: closing any descriptor of a
    file drops every POSIX lock this process holds on it, SQLite's
    included. Another program closing its connection then took this
    process's connections for gone, checkpointed and deleted the WAL under
    them, and what they committed afterwards went to a deleted file (the
    window opens the collection again for each import). SQLite keeps its
    own descriptors open while the process holds locks, so the header is
    read through SQLite."""
    try:
        st = os.stat(dbfile)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        raise NotACollection(f"{dbfile}: a folder, not a collection database")
    if st.st_size == 0:
        raise NotACollection(f"{dbfile}: an empty file (0 bytes), not a collection; it was left as it is. "
                             "Move it away to start a new collection here, or run `archive-viewer repair` "
                             "if it was one.")
    if st.st_size < len(_SQLITE_MAGIC):
        # Shorter than SQLite's header: no connection can hold it, so reading it is safe.
        with open(dbfile, "rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
        if _SQLITE_MAGIC.startswith(head):
            raise CollectionDamaged(dbfile, "the file is cut short")
        raise _not_sqlite(dbfile)
    try:
        conn = sqlite3.connect(f"{Path(dbfile).resolve().as_uri()}?mode=ro", uri=True)
        try:
            conn.execute("PRAGMA schema_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        if "not a database" in str(e):
            raise _not_sqlite(dbfile) from None
        # Locked, unreadable, a read-only folder: the open that follows says so in its words.


def _not_sqlite(dbfile: Path) -> NotACollection:
    return NotACollection(f"{dbfile}: not an archive-viewer collection (not a SQLite database); "
                          "it was left as it is")
