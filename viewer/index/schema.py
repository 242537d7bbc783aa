"""What a document of the index holds, and which Whoosh index of the
collection is the current one (its name and state live in SQLite's meta)."""
from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import COLUMN, FieldType, Schema
from whoosh.formats import Existence, Positions
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index

from viewer.collection import Collection
from viewer.textproc import ANALYSIS_VERSION, exact_analyzer, text_analyzer

log = logging.getLogger(__name__)

# Bump when the schema or what goes into a document changes; with
# textproc.ANALYSIS_VERSION it says whether an index can still be searched.
LAYOUT_VERSION = 1

KIND_CODES = {"post": 0, "reply": 1, "quote": 2, "retweet": 3}
KIND_NAMES = {v: k for k, v in KIND_CODES.items()}
# Bits of the `flags` column.
FLAG_MEDIA, FLAG_IMAGES, FLAG_VIDEOS, FLAG_LINKS = 1, 2, 4, 8
# created_ts of a post no archive dated: sorts first, outside every range.
NO_TIME = -(2**62)
TAG_SEP = b"\x1f"

META_NAME = "index_name"
META_STATE = "index_state"
META_FORMAT = "index_format"

TEXT_FIELDS = (("text", "phrases"),)
KEYWORD_FIELDS = ("author", "hashtags", "mentions", "to")
COLUMNS = ("pid", "rev", "orig_rev", "ts", "kind", "flags", "lang", "author_c", "tags_c")


def index_format() -> str:
    return f"{LAYOUT_VERSION}.{ANALYSIS_VERSION}"


def schema() -> Schema:
    """Text analysed for Arabic and English (viewer.textproc); hashtags,
    mentions and handles as exact folded keywords; the rest as columns.
    Nothing is stored: SQLite holds every row."""
    exact = lambda: FieldType(Existence(), exact_analyzer(), scorable=False)  # noqa: E731
    return Schema(
        # The words twice: once each per post, to match and score (posting
        # blocks of bare document numbers are the quickest to read; a word
        # is rarely repeated in a tweet, so counting it once loses little),
        # and with positions, for phrases.
        text=FieldType(Existence(), text_analyzer(), scorable=True),
        phrases=FieldType(Positions(), text_analyzer(), scorable=False),
        hashtags=exact(),
        mentions=exact(),
        author=exact(),
        to=exact(),
        pid=COLUMN(NumericColumn("q")),
        rev=COLUMN(NumericColumn("q")),
        orig_rev=COLUMN(NumericColumn("q")),
        ts=COLUMN(NumericColumn("q", default=NO_TIME)),
        kind=COLUMN(NumericColumn("B")),
        flags=COLUMN(NumericColumn("B")),
        lang=COLUMN(VarBytesColumn()),
        author_c=COLUMN(VarBytesColumn()),  # the author's handle as written
        tags_c=COLUMN(VarBytesColumn()),  # hashtags as written, joined by TAG_SEP
    )


# ---------------------------------------------------------------------------
# meta, and opening the current index
# ---------------------------------------------------------------------------


def get_meta(db: Any, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(db: Any, **values: str) -> None:
    conn = db.conn
    with conn:
        conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", list(values.items()))


def is_dirty(coll: Collection) -> bool:
    """True when a writer started changing the index and did not finish."""
    return get_meta(coll.db, META_STATE) == "dirty"


def index_name(coll: Collection) -> str | None:
    return get_meta(coll.db, META_NAME)


def open_index(coll: Collection) -> Index | None:
    """The collection's current index; None when there is none yet, it is
    unreadable, or it was built with another analysis (queries would not
    find its terms)."""
    name = get_meta(coll.db, META_NAME)
    if not name or get_meta(coll.db, META_FORMAT) != index_format():
        return None
    try:
        if not whoosh_index.exists_in(str(coll.index_dir), indexname=name):
            return None
        # Without mmap: Whoosh would wrap each mapped sub-file of a segment
        # in a BytesIO, copying every posting list into memory at open
        # (260 MB at a million posts); plain reads fetch only what is used.
        return FileStorage(str(coll.index_dir), supports_mmap=False).open_index(indexname=name)
    except Exception:  # a damaged table of contents: rebuilt, never fatal
        log.warning("the search index %s cannot be opened; it will be rebuilt", name, exc_info=True)
        return None


_OURS = re.compile(r"^_?(IX[0-9a-f]{12})[_.]")


def remove_other_indexes(index_dir: Path, keep: str) -> None:
    """Delete the files of earlier builds and of builds a kill interrupted."""
    for entry in os.scandir(index_dir):
        m = _OURS.match(entry.name)
        if m and m.group(1) != keep:
            try:
                if entry.is_dir():
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass  # still open elsewhere (Windows): the next build retries
