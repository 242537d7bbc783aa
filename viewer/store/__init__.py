"""The SQLite schema and every write of imported records, with the merge rules.

One post id is one row however many files and formats it came from: each
field is filled from the richest source, entities are the union of what every
source saw, and every source is remembered with its verbatim record. A batch
of posts is written in one transaction, so a killed import leaves only whole
posts behind.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import operator
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import sqlite_utils

from viewer.batching import in_chunks
from viewer.model import Media, Post, Problem, User
from viewer.store import rawcodec
from viewer.textproc import normalize_handle, normalize_tag

SCHEMA_VERSION = 1
# A post whose text is longer than this is refused with a reason, never cut:
# the longest post X allows is 25,000 characters; ten times that is damage.
MAX_TEXT_CHARS = 250_000
# A post whose verbatim record is larger than this is refused (one record of
# any archive is a few KiB; the same limit as one line of a file).
MAX_RECORD_BYTES = 16 * 1024 * 1024
# SQLite stores integers in 64 bits, signed.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
# What a record's values can make SQLite's driver raise: a failed batch is
# retried record by record, so that only the bad record is lost.
RECORD_ERRORS = (OverflowError, UnicodeError, ValueError, TypeError, sqlite3.InterfaceError,
                 sqlite3.IntegrityError, sqlite3.DataError, RecursionError)
# A media file larger than this in an archive is recorded, not copied.
MAX_MEDIA_BYTES = 512 * 1024 * 1024
_EXT = re.compile(r"^[a-z0-9]{1,5}$")

POST_COLUMNS: dict[str, type] = {
    "id": int,
    "created_at": str,  # ISO-8601 UTC, "2016-10-17T05:12:00Z"
    "created_ts": int,  # seconds since the epoch, UTC
    "author_id": int,
    "author_handle": str,
    "author_name": str,
    "text": str,
    "text_full": int,
    "lang": str,
    "kind": str,
    "retweet_of": int,
    "quote_of": int,
    "reply_to": int,
    "reply_to_user_id": int,
    "reply_to_handle": str,
    "conversation_id": int,
    "source_app": str,
    "retweet_count": int,
    "reply_count": int,
    "like_count": int,
    "quote_count": int,
    "place": str,
    "collected": int,
    "deleted": int,
    "media_count": int,
    # Bumped on every change, so the index can tell a stale document.
    "rev": int,
}

# Fields where any source's value is as good as another's: the first one
# known stays, a later source only fills what is missing.
_FILL_FIELDS = (
    "created_at", "created_ts", "author_id", "author_handle", "author_name", "lang",
    "retweet_of", "quote_of", "reply_to", "reply_to_user_id", "reply_to_handle",
    "conversation_id", "source_app", "place",
)
# Public counts grow over time: the largest seen is the most recent.
_COUNT_FIELDS = ("retweet_count", "reply_count", "like_count", "quote_count")
_KIND_RANK = {"post": 0, "reply": 1, "quote": 2, "retweet": 3}


_POST_COLS = list(POST_COLUMNS)
# A row's values in column order, in C (a generator per row showed in profiles).
_post_values = operator.itemgetter(*_POST_COLS)
_UPSERT_POST = (f"INSERT OR REPLACE INTO posts({', '.join(_POST_COLS)}) "
                f"VALUES ({', '.join('?' * len(_POST_COLS))})")


@contextlib.contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction that holds SQLite's write lock from its first
    statement, so what it reads cannot change before it writes (two imports,
    or an import and a tag from the window, never lose each other's rows)."""
    if conn.in_transaction:
        conn.commit()
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def connect(path: Path) -> sqlite_utils.Database:
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    db.enable_wal()
    # WAL with NORMAL is durable up to the last checkpoint and never corrupt:
    # what a kill -9 can lose is the last transaction, never half of one.
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA cache_size=-65536")
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create every table of DESIGN §2 that is missing; never drops data."""
    t = db.table
    if "posts" not in db.table_names():
        t("posts").create(POST_COLUMNS, pk="id", not_null={"text", "kind", "collected", "deleted", "rev"},
                          defaults={"collected": 1, "deleted": 0, "rev": 1, "text_full": 1, "media_count": 0})
        # Only the indexes a query reads: each one costs every imported post
        # a B-tree insert (the largest part of writing a batch). Most posts
        # retweet, quote and reply to nothing, so those three index only the
        # posts that do; `= ?`, `IN (...)` and joins on them still use it.
        # Collections made before keep their indexes, which cost only time.
        for cols in (["author_handle"], ["collected", "created_ts"]):
            t("posts").create_index(cols, if_not_exists=True)
        for col in ("retweet_of", "quote_of", "reply_to"):
            db.execute(f"CREATE INDEX IF NOT EXISTS idx_posts_{col} ON posts ({col}) WHERE {col} IS NOT NULL")
    t("users").create({
        "id": int, "handle": str, "handle_norm": str, "name": str, "bio": str, "location": str,
        "url": str, "followers_count": int, "following_count": int, "tweet_count": int,
        "listed_count": int, "verified": int, "created_at": str, "profile_image_url": str,
    }, pk="id", if_not_exists=True)
    t("hashtags").create({"post_id": int, "tag": str, "norm": str},
                         pk=("post_id", "norm"), if_not_exists=True)
    t("mentions").create({"post_id": int, "handle": str, "handle_norm": str, "user_id": int},
                         pk=("post_id", "handle_norm"), if_not_exists=True)
    t("urls").create({"post_id": int, "url": str, "expanded": str, "display": str},
                     pk=("post_id", "url"), if_not_exists=True)
    t("media").create({
        "post_id": int, "key": str, "type": str, "url": str, "alt_text": str, "width": int,
        "height": int, "file": str, "sha256": str, "size": int, "archive_name": str,
    }, pk=("post_id", "key"), if_not_exists=True)
    t("sources").create({
        "id": int, "path": str, "name": str, "sha256": str, "format": str, "size": int,
        "started_at": str, "finished_at": str, "status": str, "added": int, "merged": int,
        "unchanged": int, "referenced": int, "failed": int, "import_id": int,
    }, pk="id", if_not_exists=True)
    t("imports").create({
        "id": int, "started_at": str, "finished_at": str, "paths": str, "status": str,
        "added": int, "merged": int, "unchanged": int, "failed": int,
    }, pk="id", if_not_exists=True)
    # The verbatim record of each post from each source, and where it was.
    t("raw").create({
        "post_id": int, "source_id": int, "location": str, "collected": int, "data": bytes,
    }, pk=("post_id", "source_id"), if_not_exists=True)
    # `notice` 1: a record the archive's tool wrote that was never a post
    # (viewer.model.Problem), counted apart from the failures.
    t("problems").create({"id": int, "source_id": int, "location": str, "reason": str, "notice": int},
                         pk="id", if_not_exists=True)
    if "notice" not in t("problems").columns_dict:
        t("problems").add_column("notice", int)
    t("tags").create({"id": int, "name": str, "colour": str, "created_at": str},
                     pk="id", if_not_exists=True)
    t("post_tags").create({"post_id": int, "tag_id": int, "added_by": str, "added_at": str},
                          pk=("post_id", "tag_id"), if_not_exists=True)
    t("notes").create({"id": int, "post_id": int, "text": str, "author": str,
                       "created_at": str, "updated_at": str}, pk="id", if_not_exists=True)
    t("saved_searches").create({"id": int, "name": str, "query": str, "created_at": str},
                               pk="id", if_not_exists=True)
    t("events").create({"id": int, "date": str, "title": str, "text": str, "created_at": str},
                       pk="id", if_not_exists=True)
    t("audit").create({"id": int, "ts": str, "action": str, "actor": str, "detail": str},
                      pk="id", if_not_exists=True)
    t("meta").create({"key": str, "value": str}, pk="key", if_not_exists=True)
    for table, cols, unique in (
        ("mentions", ["handle_norm"], False),
        ("raw", ["source_id"], False), ("post_tags", ["tag_id"], False),
        ("notes", ["post_id"], False), ("media", ["sha256"], False),
        ("problems", ["source_id"], False), ("sources", ["sha256"], False),
        ("tags", ["name"], True), ("saved_searches", ["name"], True),
        ("users", ["handle_norm"], False),
        # `stats`: each top hashtag's most used written form, read from the
        # index alone; it serves every lookup by `norm` as well.
        ("hashtags", ["norm", "tag"], False),
    ):
        t(table).create_index(cols, unique=unique, if_not_exists=True)
    # `stats`: the deleted posts are few; counting them must not read every post.
    db.execute("CREATE INDEX IF NOT EXISTS idx_posts_deleted ON posts (deleted) WHERE deleted = 1")
    # The audit log is append-only inside SQLite itself, whoever writes to it.
    for op in ("UPDATE", "DELETE"):
        db.execute(f"CREATE TRIGGER IF NOT EXISTS audit_no_{op.lower()} BEFORE {op} ON audit "
                   "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
    db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
    db.conn.commit()


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso(dt: datetime | None) -> str | None:
    if not dt:
        return None
    if dt.tzinfo is timezone.utc and dt.year >= 1000:
        # What every parser gives (formats.common.parse_time): isoformat is
        # half the cost of strftime, a twentieth of a large import's parsing.
        return dt.isoformat(timespec="seconds")[:19] + "Z"
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ts(dt: datetime | None) -> int | None:
    return int(dt.timestamp()) if dt else None


def post_row(p: Post) -> dict[str, Any]:
    return {
        "id": p.id,
        "created_at": _iso(p.created_at),
        "created_ts": _ts(p.created_at),
        "author_id": p.author_id,
        "author_handle": p.author_handle,
        "author_name": p.author_name,
        "text": p.text or "",
        "text_full": int(bool(p.text_full)),
        "lang": p.lang,
        "kind": p.kind,
        "retweet_of": p.retweet_of,
        "quote_of": p.quote_of,
        "reply_to": p.reply_to,
        "reply_to_user_id": p.reply_to_user_id,
        "reply_to_handle": p.reply_to_handle,
        "conversation_id": p.conversation_id,
        "source_app": p.source_app,
        "retweet_count": p.retweet_count,
        "reply_count": p.reply_count,
        "like_count": p.like_count,
        "quote_count": p.quote_count,
        "place": p.place,
        "collected": int(bool(p.collected)),
        "deleted": int(bool(p.deleted)),
        "media_count": len(p.media),
        "rev": 1,
    }


# Accounts whose last written row a Store remembers (about 2 KB each).
USERS_REMEMBERED = 100_000


class RecordRefused(ValueError):
    """A post that cannot be stored; the message says why, for people."""


# The Post fields stored as integers (flags and derived columns aside).
_INT_FIELDS = tuple(k for k, v in POST_COLUMNS.items() if v is int and k not in (
    "id", "created_ts", "text_full", "collected", "deleted", "media_count", "rev"))


def _screen(p: Post) -> None:
    """Refuse, with a reason, a post no honest archive has: cheap checks on
    every post before the batch is written."""
    if not isinstance(p.id, int) or isinstance(p.id, bool) or not 0 < p.id <= INT_MAX:
        raise RecordRefused(f"post id {str(p.id)[:40]} is not a whole number from 1 to 2^63-1")
    if not isinstance(p.text, str):
        raise RecordRefused(f"post {p.id}: its text is a {type(p.text).__name__}, not text")
    if len(p.text) > MAX_TEXT_CHARS:
        raise RecordRefused(f"post {p.id}: a text of {len(p.text):,} characters, over the limit of "
                            f"{MAX_TEXT_CHARS:,}; not stored")
    if len(p.raw) > MAX_RECORD_BYTES:
        raise RecordRefused(f"post {p.id}: a record of {len(p.raw):,} bytes, over the 16 MiB limit; not stored")


# In a Python string every surrogate is a lone one (pairs are combined).
_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean_str(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate ("\ud800" in JSON) cannot be stored as text.
            return _SURROGATE.sub("\ufffd", value)
    return value


def _fit_int(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and not INT_MIN <= value <= INT_MAX:
        return None
    return value


def mend_post(p: Post) -> list[str]:
    """Make a post storable where a value of it cannot be (numbers past 64
    bits dropped, lone surrogates replaced by U+FFFD, a date that has no
    place on the calendar dropped); returns what was changed, for the report.
    Raises RecordRefused when the post itself cannot be kept."""
    _screen(p)
    fixed: list[str] = []
    for f in _INT_FIELDS:
        v = getattr(p, f, None)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool)):
            setattr(p, f, None)
            fixed.append(f"{f} was a {type(v).__name__}, not a number; left empty")
        elif _fit_int(v) is None and v is not None:
            setattr(p, f, None)
            fixed.append(f"{f} {str(v)[:30]}… is past SQLite's 64-bit integers; left empty")
    for f in ("text", "author_handle", "author_name", "lang", "reply_to_handle", "source_app", "place", "location"):
        v = getattr(p, f, None)
        if v is not None and not isinstance(v, str):
            setattr(p, f, "" if f == "text" else None)
            fixed.append(f"{f} was a {type(v).__name__}, not text; left empty")
            continue
        c = _clean_str(v)
        if c is not v:
            setattr(p, f, c)
            fixed.append(f"{f} held a lone surrogate (invalid Unicode); replaced by U+FFFD")
    if p.created_at is not None:
        try:
            _iso(p.created_at)
            _ts(p.created_at)
        except (OverflowError, ValueError, OSError) as e:
            fixed.append(f"the date {p.created_at!r} cannot be stored ({e}); left empty")
            p.created_at = None
    p.hashtags = [_clean_str(t) for t in p.hashtags if isinstance(t, str)]
    for m in p.mentions:
        m.handle = _clean_str(m.handle) if isinstance(m.handle, str) else ""
        m.user_id = _fit_int(m.user_id) if isinstance(m.user_id, int) else None
    for u in p.urls:
        u.url = _clean_str(u.url) if isinstance(u.url, str) else ""
        u.expanded = _clean_str(u.expanded) if isinstance(u.expanded, str) else None
        u.display = _clean_str(u.display) if isinstance(u.display, str) else None
    for md in p.media:
        md.key = _clean_str(md.key) if isinstance(md.key, str) else str(md.key)
        md.url = _clean_str(md.url) if isinstance(md.url, str) else None
        md.alt_text = _clean_str(md.alt_text) if isinstance(md.alt_text, str) else None
        md.width = _fit_int(md.width) if isinstance(md.width, int) else None
        md.height = _fit_int(md.height) if isinstance(md.height, int) else None
    return fixed


def mend_user(u: User) -> None:
    for f, v in list(vars(u).items()):
        if isinstance(v, str):
            setattr(u, f, _clean_str(v))
        elif isinstance(v, int) and not isinstance(v, bool):
            setattr(u, f, _fit_int(v))
    if u.created_at is not None:
        try:
            _iso(u.created_at)
        except (OverflowError, ValueError, OSError):
            u.created_at = None


def _richer_text(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether the new text should replace the old: a full text beats a cut
    one; between two of the same kind, the longer (more links expanded)."""
    if not new["text"]:
        return False
    if not old["text"]:
        return True
    if new["text_full"] != old["text_full"]:
        return bool(new["text_full"])
    return len(new["text"]) > len(old["text"])


def merge_rows(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The row that results from a post already stored meeting another
    source's view of it; equal to `old` when the new source adds nothing."""
    out = dict(old)
    for f in _FILL_FIELDS:
        if out.get(f) is None and new.get(f) is not None:
            out[f] = new[f]
    for f in _COUNT_FIELDS:
        if new.get(f) is not None and (out.get(f) is None or new[f] > out[f]):
            out[f] = new[f]
    if _richer_text(old, new):
        out["text"] = new["text"]
        out["text_full"] = new["text_full"]
    if _KIND_RANK.get(new["kind"], 0) > _KIND_RANK.get(out["kind"], 0):
        out["kind"] = new["kind"]
    out["collected"] = max(old["collected"], new["collected"])
    out["deleted"] = max(old["deleted"], new["deleted"])
    out["media_count"] = max(old.get("media_count") or 0, new.get("media_count") or 0)
    return out


def _merge_posts_in_batch(posts: Iterable[Post]) -> dict[int, tuple[dict[str, Any], list[Post]]]:
    """Rows keyed by id, the same id seen twice in one batch merged already."""
    rows: dict[int, tuple[dict[str, Any], list[Post]]] = {}
    for p in posts:
        row = post_row(p)
        if p.id in rows:
            prev, seen = rows[p.id]
            merged = merge_rows(prev, row)
            seen.append(p)
            rows[p.id] = (merged, seen)
        else:
            rows[p.id] = (row, [p])
    return rows


@dataclass
class BatchResult:
    added: list[int] = field(default_factory=list)
    merged: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    referenced: list[int] = field(default_factory=list)
    # Every post whose row changed (new or merged), collected or not: what
    # the index must look at again.
    changed: list[int] = field(default_factory=list)
    # Records that could not be stored, and values that had to be mended to
    # be stored: already written to `problems`, for the report too.
    refused: list[Problem] = field(default_factory=list)
    mended: list[Problem] = field(default_factory=list)

    def absorb(self, other: "BatchResult") -> None:
        for f in ("added", "merged", "unchanged", "referenced", "changed", "refused", "mended"):
            getattr(self, f).extend(getattr(other, f))


class MediaStore:
    """Copies archive media into media/ by content hash; nothing is ever
    written under a name that comes from the archive."""

    def __init__(self, media_dir: Path):
        self.dir = Path(media_dir)

    def put(self, media: Media) -> tuple[str, str, int] | None:
        """(relative file, sha256, size) of the stored copy, or None when the
        file cannot be read or is too large."""
        local = media.local
        if local is None:
            return None
        if local.size is not None and local.size > MAX_MEDIA_BYTES:
            return None
        ext = os.path.splitext(local.name)[1].lower().lstrip(".")
        ext = ext if _EXT.match(ext) else "bin"
        h = hashlib.sha256()
        size = 0
        self.dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out, local.open() as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    size += len(chunk)
                    if size > MAX_MEDIA_BYTES:
                        raise OSError("media file larger than the limit")
                    h.update(chunk)
                    out.write(chunk)
            digest = h.hexdigest()
            rel = f"{digest[:2]}/{digest}.{ext}"
            dest = self.dir / rel
            if dest.exists():
                os.unlink(tmp)
            else:
                dest.parent.mkdir(exist_ok=True)
                # rename is atomic: a kill leaves either no file or a whole one.
                os.replace(tmp, dest)
            return rel, digest, size
        except Exception:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            return None


def _compress(raw: bytes) -> bytes:
    # zlib level 1 with a preset dictionary of what tweet records repeat
    # (viewer.store.rawcodec): a quarter to two fifths smaller, verbatim.
    return rawcodec.compress(raw)


def decompress(blob: bytes) -> bytes:
    return rawcodec.decompress(blob)


class Store:
    """Writes of one import, on one connection."""

    def __init__(self, db: sqlite_utils.Database, media_dir: Path,
                 aside: rawcodec.AsideCompressor | None = None):
        self.db = db
        self.media = MediaStore(media_dir)
        # Where a large batch's raw records are compressed (the importer's
        # compressing process); None: here.
        self.aside = aside
        # Called before each batch's write transaction, once everything that
        # needs no lock is done: the importer's wait for the clustering of
        # the batch before (which writes too), put off as late as it can be.
        self.before_write: Callable[[], None] | None = None
        # Each account's row as this Store last wrote it (bounded): a harvest
        # repeats its authors on every page, and a record that changes
        # nothing in a row written a batch ago needs no upsert.
        self._users_written: dict[int, list[Any]] = {}

    # -- sources -----------------------------------------------------------
    def begin_import(self, paths: list[str]) -> int:
        cur = self.db.execute(
            "INSERT INTO imports(started_at, paths, status, added, merged, unchanged, failed) "
            "VALUES (?, ?, 'running', 0, 0, 0, 0)", [now_iso(), json.dumps(paths)])
        self.db.conn.commit()
        return int(cur.lastrowid or 0)

    def finish_import(self, import_id: int, status: str, added: int, merged: int, unchanged: int, failed: int) -> None:
        self.db.execute(
            "UPDATE imports SET finished_at=?, status=?, added=?, merged=?, unchanged=?, failed=? WHERE id=?",
            [now_iso(), status, added, merged, unchanged, failed, import_id])
        self.db.conn.commit()

    def find_source(self, sha256: str) -> dict[str, Any] | None:
        """The most useful earlier import of the same bytes: a complete one
        first, else an interrupted one to resume."""
        rows = list(self.db.query(
            "SELECT * FROM sources WHERE sha256 = ? ORDER BY status = 'complete' DESC, id DESC LIMIT 1",
            [sha256]))
        return rows[0] if rows else None

    def start_source(self, import_id: int, path: str, name: str, sha256: str, fmt: str, size: int | None) -> int:
        cur = self.db.execute(
            "INSERT INTO sources(path, name, sha256, format, size, started_at, status, added, merged, "
            "unchanged, referenced, failed, import_id) VALUES (?, ?, ?, ?, ?, ?, 'running', 0, 0, 0, 0, 0, ?)",
            [path, name, sha256, fmt, size, now_iso(), import_id])
        self.db.conn.commit()
        return int(cur.lastrowid or 0)

    def resume_source(self, source_id: int, import_id: int, path: str) -> None:
        self.db.execute("UPDATE sources SET status='running', import_id=?, path=? WHERE id=?",
                        [import_id, path, source_id])
        self.db.conn.commit()

    def finish_source(self, source_id: int, status: str, fmt: str | None = None) -> None:
        """`fmt`: the specific format the file turned out to hold (a JSON
        file's `v2`, a CSV's `csv-rtweet`), known only once it is read."""
        self.db.execute("UPDATE sources SET status=?, finished_at=?, format=COALESCE(?, format) WHERE id=?",
                        [status, now_iso(), fmt, source_id])
        self.db.conn.commit()

    def record_import_problem(self, import_id: int, path: str, reason: str, location: str = "the file") -> None:
        """A path that could not be read at all: a source row of its own
        (status 'failed'), so `failures` lists it with the records."""
        with immediate(self.db.conn):
            cur = self.db.execute(
                "INSERT INTO sources(path, name, format, started_at, finished_at, status, added, merged, unchanged, "
                "referenced, failed, import_id) VALUES (?, ?, NULL, ?, ?, 'failed', 0, 0, 0, 0, 1, ?)",
                [path, os.path.basename(path), now_iso(), now_iso(), import_id])
            self.db.execute("INSERT INTO problems(source_id, location, reason, notice) VALUES (?, ?, ?, 0)",
                            [cur.lastrowid, location, reason])

    def record_file_problem(self, source_id: int, location: str, reason: str, notice: bool = False) -> None:
        with self.db.conn:
            self.db.execute("INSERT INTO problems(source_id, location, reason, notice) VALUES (?, ?, ?, ?)",
                            [source_id, location, reason, int(notice)])
            if not notice:
                self.db.execute("UPDATE sources SET failed = failed + 1 WHERE id=?", [source_id])

    # -- the batch write -----------------------------------------------------
    def write_batch(self, source_id: int, posts: list[Post], users: list[User],
                    problems: list[Problem]) -> BatchResult:
        """Merge one batch into the collection, in one transaction.

        A post that cannot be stored (screened out, or whose values make the
        write fail) is refused with a reason and written to `problems`; the
        rest of the batch is kept: a failed batch is written again record by
        record. Disk and database errors are not the record's fault and
        are raised."""
        refused: list[Problem] = []
        keep: list[Post] = []
        for p in posts:
            try:
                _screen(p)
                keep.append(p)
            except RecordRefused as e:
                refused.append(Problem(p.location or f"post {str(p.id)[:40]}", str(e)))
        try:
            result = self._write_batch(source_id, keep, users, problems + refused)
            result.refused.extend(refused)
            return result
        except RECORD_ERRORS:
            pass
        result = BatchResult(refused=refused)
        for p in keep:
            try:
                result.absorb(self._write_batch(source_id, [p], [], []))
                continue
            except RECORD_ERRORS:
                pass
            where = p.location or f"post {p.id}"
            try:
                fixed = mend_post(p)
                result.absorb(self._write_batch(source_id, [p], [], []))
                result.mended.extend(Problem(where, f"post {p.id}: {f}", notice=True) for f in fixed)
            except RecordRefused as e:
                result.refused.append(Problem(where, str(e)))
            except RECORD_ERRORS as e:
                result.refused.append(Problem(where, f"post {p.id} cannot be stored: {type(e).__name__}: "
                                                     f"{_clean_str(str(e))[:200]}"))
        for u in users:
            try:
                self._write_batch(source_id, [], [u], [])
            except RECORD_ERRORS:
                mend_user(u)
                try:
                    self._write_batch(source_id, [], [u], [])
                except RECORD_ERRORS as e:
                    result.refused.append(Problem(f"user {str(u.id)[:40]}",
                                                  f"account record cannot be stored: {type(e).__name__}"))
        notes = [Problem(_clean_str(str(p.location)), _clean_str(str(p.reason)), notice=p.notice)
                 for p in [*problems, *result.refused, *result.mended]]
        self._write_batch(source_id, [], [], notes)
        return result

    def _write_batch(self, source_id: int, posts: list[Post], users: list[User],
                     problems: list[Problem]) -> BatchResult:
        result = BatchResult()
        rows = _merge_posts_in_batch(posts)
        ids = list(rows)
        raws = self._raw_records(rows)
        # Compressed aside while the rows below are written (or here).
        compressed = (self.aside.submit([p.raw for _, p, _ in raws]) if self.aside is not None
                      else (lambda: [_compress(p.raw) for _, p, _ in raws]))
        # Media copies happen before the transaction: a file on disk that no
        # row names yet is harmless; a row naming a missing file is not.
        stored_media: dict[tuple[int, str], tuple[str, str, int]] = {}
        for pid, (_, seen) in rows.items():
            for p in seen:
                for m in p.media:
                    if m.local is not None and (pid, m.key) not in stored_media:
                        got = self.media.put(m)
                        if got:
                            stored_media[(pid, m.key)] = got
        if self.before_write is not None:
            try:
                self.before_write()
            except RECORD_ERRORS as e:  # not this batch's fault: never retried record by record
                raise RuntimeError(f"{type(e).__name__} before the batch's write: {e}") from e
        with immediate(self.db.conn):
            existing = self._existing(ids)
            known = self._known_sources(ids, source_id)
            to_write: list[dict[str, Any]] = []
            for pid, (row, _seen) in rows.items():
                old = existing.get(pid)
                collected_here = bool(row["collected"])
                if old is None:
                    to_write.append(row)
                    result.changed.append(pid)
                    (result.added if collected_here else result.referenced).append(pid)
                    continue
                merged = merge_rows(old, row)
                # A source new to this post may bring hashtags, mentions or
                # media the row itself does not show: the index must see it.
                changed = merged != old or pid not in known
                if changed:
                    merged["rev"] = (old.get("rev") or 1) + 1
                    to_write.append(merged)
                    result.changed.append(pid)
                if not collected_here:
                    if pid not in known:
                        result.referenced.append(pid)
                elif not old["collected"]:
                    result.added.append(pid)  # known only as an original until now
                elif known.get(pid):
                    result.unchanged.append(pid)
                else:
                    result.merged.append(pid)
            if to_write:
                # The hot path of every import: a fixed-column executemany is
                # several times faster than insert_all, which inspects each
                # value; the schema itself stays sqlite-utils' (ensure_schema).
                self.db.conn.executemany(_UPSERT_POST, [_post_values(r) for r in to_write])
            self._write_entities(rows, stored_media)
            self._write_raw(source_id, raws, compressed())
            users_written = self._write_users(users)
            if problems:
                self.db.conn.executemany(
                    "INSERT INTO problems(source_id, location, reason, notice) VALUES (?, ?, ?, ?)",
                    [(source_id, p.location, p.reason, int(p.notice)) for p in problems])
            self.db.execute(
                "UPDATE sources SET added = added + ?, merged = merged + ?, unchanged = unchanged + ?, "
                "referenced = referenced + ?, failed = failed + ? WHERE id = ?",
                [len(result.added), len(result.merged), len(result.unchanged), len(result.referenced),
                 sum(1 for p in problems if not p.notice), source_id])
        # Committed: the rows written are now what the table holds.
        if len(self._users_written) + len(users_written) > USERS_REMEMBERED:
            self._users_written.clear()
        self._users_written.update(users_written)
        return result

    def _existing(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        for chunk in in_chunks(ids):
            marks = ",".join("?" * len(chunk))
            for r in self.db.query(f"SELECT * FROM posts WHERE id IN ({marks})", chunk):
                out[r["id"]] = r
        return out

    def _known_sources(self, ids: list[int], source_id: int) -> dict[int, int]:
        """Posts this source has already recorded, and whether it collected
        them itself (1) or only carried them inside another post (0)."""
        out: dict[int, int] = {}
        for chunk in in_chunks(ids):
            marks = ",".join("?" * len(chunk))
            out.update(self.db.execute(
                f"SELECT post_id, collected FROM raw WHERE source_id = ? AND post_id IN ({marks})",
                [source_id, *chunk]).fetchall())
        return out

    def _write_entities(self, rows: dict[int, tuple[dict[str, Any], list[Post]]],
                        stored_media: dict[tuple[int, str], tuple[str, str, int]]) -> None:
        tags, mentions, urls, media = [], [], [], []
        for pid, (_, seen) in rows.items():
            for p in seen:
                for tag in p.hashtags:
                    norm = normalize_tag(tag)
                    if norm:
                        tags.append((pid, tag.lstrip("#＃"), norm))
                for m in p.mentions:
                    norm = normalize_handle(m.handle)
                    if norm:
                        mentions.append((pid, m.handle.lstrip("@"), norm, m.user_id))
                for u in p.urls:
                    key = u.url or u.expanded
                    if key:
                        urls.append((pid, key, u.expanded, u.display))
                for md in p.media:
                    file, sha, size = stored_media.get((pid, md.key)) or (None, None, None)
                    media.append((pid, md.key, md.type, md.url, md.alt_text, md.width, md.height,
                                  file, sha, size, md.local.name if md.local else None))
        c = self.db.conn
        if tags:
            c.executemany("INSERT OR IGNORE INTO hashtags(post_id, tag, norm) VALUES (?, ?, ?)", tags)
        if mentions:
            c.executemany(
                "INSERT INTO mentions(post_id, handle, handle_norm, user_id) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(post_id, handle_norm) DO UPDATE SET "
                "user_id = coalesce(mentions.user_id, excluded.user_id)", mentions)
        if urls:
            c.executemany(
                "INSERT INTO urls(post_id, url, expanded, display) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(post_id, url) DO UPDATE SET expanded = coalesce(urls.expanded, excluded.expanded), "
                "display = coalesce(urls.display, excluded.display)", urls)
        if media:
            c.executemany(
                "INSERT INTO media(post_id, key, type, url, alt_text, width, height, file, sha256, size, archive_name) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(post_id, key) DO UPDATE SET "
                "url = coalesce(media.url, excluded.url), alt_text = coalesce(media.alt_text, excluded.alt_text), "
                "width = coalesce(media.width, excluded.width), height = coalesce(media.height, excluded.height), "
                "file = coalesce(media.file, excluded.file), sha256 = coalesce(media.sha256, excluded.sha256), "
                "size = coalesce(media.size, excluded.size), "
                "archive_name = coalesce(media.archive_name, excluded.archive_name)", media)

    @staticmethod
    def _raw_records(rows: dict[int, tuple[dict[str, Any], list[Post]]]) -> list[tuple[int, Post, int]]:
        """Each post's record to keep verbatim (with the row's collected
        flag): where this source collected the post itself rather than only
        carried it inside another post."""
        out = []
        for pid, (row, seen) in rows.items():
            best = max(seen, key=lambda p: (p.collected, len(p.raw)))
            out.append((pid, best, int(bool(row["collected"]))))
        return out

    def _write_raw(self, source_id: int, raws: list[tuple[int, Post, int]], blobs: list[bytes]) -> None:
        out = []
        for (pid, best, collected), blob in zip(raws, blobs, strict=True):
            out.append((pid, source_id, best.location, collected, blob))
        # A later record collecting a post this source first saw embedded
        # replaces the embedded one; never the other way round.
        self.db.conn.executemany(
            "INSERT INTO raw(post_id, source_id, location, collected, data) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(post_id, source_id) DO UPDATE SET location = excluded.location, "
            "collected = excluded.collected, data = excluded.data "
            "WHERE excluded.collected > raw.collected", out)

    def _write_users(self, users: list[User]) -> dict[int, list[Any]]:
        """Upsert the accounts' rows; returns the rows written, by id."""
        # One row per account: a harvest repeats each author on every page
        # (twenty records of one account in a batch is common), and one
        # upsert per record cost more than the rest of the users' write.
        # Each column takes the latest record's value where it has one, as
        # the upserts one after another did.
        by_id: dict[int, list[Any]] = {}
        for u in users:
            if u.id is None:
                continue
            row = [u.id, u.handle, normalize_handle(u.handle) if u.handle else None, u.name, u.bio,
                   u.location, u.url, u.followers_count, u.following_count, u.tweet_count,
                   u.listed_count, None if u.verified is None else int(u.verified),
                   _iso(u.created_at), u.profile_image_url]
            seen = by_id.get(u.id)
            if seen is None:
                by_id[u.id] = row
                continue
            for i, value in enumerate(row):
                if value is not None:
                    seen[i] = value
        rows: dict[int, list[Any]] = {}
        for uid, row in by_id.items():
            before = self._users_written.get(uid)
            if before is not None:
                # The upsert keeps a value where the record has none: with
                # every value it has already in the row, it would change nothing.
                if all(v is None or v == b for v, b in zip(row, before, strict=True)):
                    continue
                row = [b if v is None else v for v, b in zip(row, before, strict=True)]
            rows[uid] = row
        if not rows:
            return rows
        cols = ["id", "handle", "handle_norm", "name", "bio", "location", "url", "followers_count",
                "following_count", "tweet_count", "listed_count", "verified", "created_at", "profile_image_url"]
        # The latest record's values win where it has them ("as last seen").
        updates = ", ".join(f"{c} = coalesce(excluded.{c}, users.{c})" for c in cols[1:])
        self.db.conn.executemany(
            f"INSERT INTO users({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
            f"ON CONFLICT(id) DO UPDATE SET {updates}", list(rows.values()))
        return rows


