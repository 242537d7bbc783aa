"""A collection: one folder that can be copied to another laptop as it is.

    <collection>/collection.db   SQLite (WAL): the source of truth
    <collection>/index/          Whoosh index, derivable from the database
    <collection>/media/          image files from archives, by sha256
    <collection>/thumbs/         thumbnail cache, disposable
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import sqlite_utils

from viewer import store

ENV_VAR = "ARCHIVE_VIEWER_COLLECTION"


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
        if not create and not (path / "collection.db").exists():
            raise FileNotFoundError(f"{path}: no collection here")
        path.mkdir(parents=True, exist_ok=True)
        for sub in ("media", "thumbs", "index"):
            (path / sub).mkdir(exist_ok=True)
        db = store.connect(path / "collection.db")
        store.ensure_schema(db)
        return cls(path, db)

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
