"""Tags, notes, saved searches, events, and the append-only audit log (DESIGN §6).

Every function takes a Collection (or its sqlite_utils Database) and plain
values and returns plain values, so the window calls them from a background
operation and the command line from a command, the same way. Each change is
one transaction together with its audit row: a curation action is either
done and logged, or neither.

Search answers `tag:` and `has:note` from these tables at query time, so
nothing here touches the full-text index.
"""
from __future__ import annotations

import getpass
import json
import os
import re
import threading
import unicodedata
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence, TYPE_CHECKING, TypeAlias

import sqlite_utils

from viewer.batching import in_chunks
from viewer.jobs import Job
from viewer.store import now_iso
from viewer.textproc import fold

if TYPE_CHECKING:
    from viewer.collection import Collection

ACTOR_ENV = "ARCHIVE_VIEWER_ACTOR"

# A tag must survive being typed after `tag:` in a query: letters and digits of
# any script, `_`, `-` and `.`; no spaces, quotes or colons.
_TAG_NAME = re.compile(r"^[\w\-.]{1,64}$")
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# Named colours people type on the command line; stored as hex, so the HTML
# report and the window never interpret a name.
NAMED_COLOURS = {
    "red": "#d64541", "orange": "#e67e22", "yellow": "#f1c40f", "green": "#27ae60",
    "teal": "#16a085", "blue": "#2e86de", "purple": "#8e44ad", "pink": "#e84393",
    "brown": "#8d6e63", "grey": "#7f8c8d", "gray": "#7f8c8d", "black": "#2d3436",
}
# New tags take the next colour of this cycle, so neighbours differ.
_PALETTE = ["#2e86de", "#27ae60", "#e67e22", "#8e44ad", "#d64541", "#16a085", "#e84393", "#8d6e63"]
MAX_NOTE_CHARS = 100_000
MAX_TITLE_CHARS = 500


class CurationError(ValueError):
    """A curation request that cannot be carried out; the message is for people."""


# Curation takes a collection or, inside a larger job, its database.
Db: TypeAlias = "Collection | sqlite_utils.Database"


def _db(target: Db) -> sqlite_utils.Database:
    if isinstance(target, sqlite_utils.Database):
        return target
    return target.db


def _rowid(cur: Any) -> int:
    """The id SQLite gave the row just inserted (never None after an INSERT)."""
    rowid = cur.lastrowid
    assert rowid is not None
    return int(rowid)


def default_actor() -> str:
    """Who is curating: $ARCHIVE_VIEWER_ACTOR, else the login name."""
    env = os.environ.get(ACTOR_ENV)
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers, services)
        return "unknown"


# -- the audit log -------------------------------------------------------------

_recording = threading.local()


@contextmanager
def recording() -> Iterator[list[int]]:
    """Collect the audit ids of the actions this thread does inside the block:
    what the window's Undo takes back as one step."""
    stack = getattr(_recording, "stack", None)
    if stack is None:
        stack = _recording.stack = []
    ids: list[int] = []
    stack.append(ids)
    try:
        yield ids
    finally:
        stack.pop()


def _audit(db: sqlite_utils.Database, action: str, detail: dict[str, Any], actor: str | None) -> int:
    """Append one row; called inside the action's own transaction."""
    cur = db.conn.execute(
        "INSERT INTO audit(ts, action, actor, detail) VALUES (?, ?, ?, ?)",
        [now_iso(), action, actor or default_actor(),
         json.dumps(detail, ensure_ascii=False, separators=(",", ":"))])
    audit_id = _rowid(cur)
    for ids in getattr(_recording, "stack", ()):
        ids.append(audit_id)
    return audit_id


def log_action(target: Db, action: str, detail: dict[str, Any], actor: str | None = None) -> int:
    """Append an action done elsewhere (an export) to the audit log."""
    db = _db(target)
    with db.conn:
        return _audit(db, action, detail, actor)


def audit_log(target: Db, limit: int | None = None, action: str | None = None) -> list[dict[str, Any]]:
    """The log, newest first, each row with its detail decoded."""
    db = _db(target)
    sql = "SELECT id, ts, action, actor, detail FROM audit"
    args: list[Any] = []
    if action:
        sql += " WHERE action = ?"
        args.append(action)
    sql += " ORDER BY id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(int(limit))
    out = []
    for r in db.execute(sql, args).fetchall():
        try:
            detail = json.loads(r[4]) if r[4] else {}
        except ValueError:
            detail = {"unreadable": r[4]}
        out.append({"id": r[0], "ts": r[1], "action": r[2], "actor": r[3], "detail": detail})
    return out


# -- tags ------------------------------------------------------------------------

def check_tag_name(name: str) -> str:
    """The tag name to store, or CurationError saying what is wrong with it."""
    if not isinstance(name, str):
        raise CurationError("a tag name must be text")
    clean = unicodedata.normalize("NFC", name.strip()).lstrip("#")
    if not clean:
        raise CurationError("a tag needs a name")
    if not _TAG_NAME.match(clean):
        raise CurationError(
            f"{name!r} is not a usable tag name: use up to 64 letters, digits, '_', '-' or '.', no spaces")
    return clean


def check_colour(colour: str) -> str:
    """A colour as '#rrggbb', from '#rgb', '#rrggbb' or a plain name."""
    if not isinstance(colour, str):
        raise CurationError("a colour must be text")
    c = colour.strip().lower()
    if c in NAMED_COLOURS:
        return NAMED_COLOURS[c]
    if not c.startswith("#"):
        c = "#" + c
    if not _HEX.match(c):
        raise CurationError(
            f"{colour!r} is not a colour: use #rrggbb, #rgb or one of {', '.join(sorted(NAMED_COLOURS))}")
    if len(c) == 4:
        c = "#" + "".join(ch * 2 for ch in c[1:])
    return c


def _tag_row(db: sqlite_utils.Database, name: str) -> dict[str, Any] | None:
    """The tag whose name matches, as `tag:` does: case and Arabic spelling folded."""
    want = fold(name.strip().lstrip("#"))
    for r in db.execute("SELECT id, name, colour, created_at FROM tags").fetchall():
        if fold(r[1]) == want:
            return {"id": r[0], "name": r[1], "colour": r[2], "created_at": r[3]}
    return None


def _need_tag(db: sqlite_utils.Database, name: str) -> dict[str, Any]:
    tag = _tag_row(db, name)
    if tag is None:
        raise CurationError(f"no tag named {name!r}")
    return tag


def _count(db: sqlite_utils.Database, tag_id: int) -> int:
    return db.execute("SELECT count(*) FROM post_tags WHERE tag_id = ?", [tag_id]).fetchone()[0]


def list_tags(target: Db) -> list[dict[str, Any]]:
    """Every tag with its colour and how many posts carry it, by name."""
    db = _db(target)
    rows = db.execute(
        "SELECT t.id, t.name, t.colour, t.created_at, count(pt.post_id) FROM tags t "
        "LEFT JOIN post_tags pt ON pt.tag_id = t.id GROUP BY t.id").fetchall()
    tags = [{"id": r[0], "name": r[1], "colour": r[2], "created_at": r[3], "count": r[4]} for r in rows]
    return sorted(tags, key=lambda t: fold(t["name"]))


def get_tag(target: Db, name: str) -> dict[str, Any] | None:
    db = _db(target)
    tag = _tag_row(db, name)
    if tag is not None:
        tag["count"] = _count(db, tag["id"])
    return tag


def _next_colour(db: sqlite_utils.Database) -> str:
    n = db.execute("SELECT count(*) FROM tags").fetchone()[0]
    return _PALETTE[n % len(_PALETTE)]


def _create(db: sqlite_utils.Database, name: str, colour: str | None, actor: str | None) -> dict[str, Any]:
    clean = check_tag_name(name)
    if _tag_row(db, clean) is not None:
        raise CurationError(f"a tag named {clean!r} already exists")
    col = check_colour(colour) if colour else _next_colour(db)
    created = now_iso()
    cur = db.conn.execute("INSERT INTO tags(name, colour, created_at) VALUES (?, ?, ?)", [clean, col, created])
    tag = {"id": _rowid(cur), "name": clean, "colour": col, "created_at": created}
    _audit(db, "tag-create", {"tag": clean, "tag_id": tag["id"], "colour": col}, actor)
    return tag


def create_tag(target: Db, name: str, colour: str | None = None, actor: str | None = None) -> dict[str, Any]:
    """A new tag; CurationError when the name is taken (case-insensitively)."""
    db = _db(target)
    with db.conn:
        tag = _create(db, name, colour, actor)
    return {**tag, "count": 0}


def rename_tag(target: Db, old: str, new: str, actor: str | None = None) -> dict[str, Any]:
    """Rename a tag, keeping its posts; the log keeps both names."""
    db = _db(target)
    with db.conn:
        tag = _need_tag(db, old)
        clean = check_tag_name(new)
        other = _tag_row(db, clean)
        if other is not None and other["id"] != tag["id"]:
            raise CurationError(f"a tag named {other['name']!r} already exists")
        db.conn.execute("UPDATE tags SET name = ? WHERE id = ?", [clean, tag["id"]])
        _audit(db, "tag-rename", {"tag_id": tag["id"], "from": tag["name"], "to": clean}, actor)
    return {**tag, "name": clean, "count": _count(db, tag["id"])}


def recolour_tag(target: Db, name: str, colour: str, actor: str | None = None) -> dict[str, Any]:
    db = _db(target)
    col = check_colour(colour)
    with db.conn:
        tag = _need_tag(db, name)
        db.conn.execute("UPDATE tags SET colour = ? WHERE id = ?", [col, tag["id"]])
        _audit(db, "tag-recolour", {"tag": tag["name"], "tag_id": tag["id"], "from": tag["colour"], "to": col}, actor)
    return {**tag, "colour": col, "count": _count(db, tag["id"])}


def delete_tag(target: Db, name: str, actor: str | None = None) -> dict[str, Any]:
    """Delete a tag and take it off every post; the log keeps which posts had it."""
    db = _db(target)
    with db.conn:
        tag = _need_tag(db, name)
        ids = [r[0] for r in db.execute(
            "SELECT post_id FROM post_tags WHERE tag_id = ? ORDER BY post_id", [tag["id"]]).fetchall()]
        db.conn.execute("DELETE FROM post_tags WHERE tag_id = ?", [tag["id"]])
        db.conn.execute("DELETE FROM tags WHERE id = ?", [tag["id"]])
        _audit(db, "tag-delete", {"tag": tag["name"], "tag_id": tag["id"], "colour": tag["colour"],
                                  "count": len(ids), "ids": [str(i) for i in ids]}, actor)
    return {**tag, "count": len(ids)}


def _load_selection(db: sqlite_utils.Database, ids: Iterable[int]) -> int:
    """Put the ids into the temporary table `_sel` (one statement for all of
    them, so 100,000 ids cost tens of milliseconds); returns how many."""
    db.conn.execute("CREATE TEMP TABLE IF NOT EXISTS _sel(id INTEGER PRIMARY KEY)")
    db.conn.execute("DELETE FROM temp._sel")
    db.conn.executemany("INSERT OR IGNORE INTO temp._sel(id) VALUES (?)", ((int(i),) for i in ids))
    return db.execute("SELECT count(*) FROM temp._sel").fetchone()[0]


def _as_ids(ids: Iterable[int | str]) -> list[int]:
    out = []
    for i in ids:
        try:
            out.append(int(i))
        except (TypeError, ValueError):
            raise CurationError(f"{i!r} is not a post id") from None
    return out


def tag_posts(target: Db, name: str, ids: Iterable[int | str], *, colour: str | None = None,
              query: str | None = None, actor: str | None = None, job: Job | None = None) -> dict[str, Any]:
    """Put a tag on many posts in one transaction, creating the tag if needed.

    Returns {tag, requested, added, already, missing}: `added` newly tagged,
    `already` had the tag, `missing` ids that are no post of this collection
    (left alone). `query` is only recorded in the log, to say where the ids
    came from.
    """
    db = _db(target)
    wanted = _as_ids(ids)
    if job is not None:
        job.check()
        job.progress(0, len(wanted), "Tagging")
    with db.conn:
        tag = _tag_row(db, name) or _create(db, name, colour, actor)
        n = _load_selection(db, wanted)
        new_ids = [r[0] for r in db.execute(
            "SELECT s.id FROM temp._sel s JOIN posts p ON p.id = s.id "
            "WHERE NOT EXISTS (SELECT 1 FROM post_tags pt WHERE pt.post_id = s.id AND pt.tag_id = ?) "
            "ORDER BY s.id", [tag["id"]]).fetchall()]
        known = db.execute("SELECT count(*) FROM temp._sel s JOIN posts p ON p.id = s.id").fetchone()[0]
        db.conn.execute(
            "INSERT OR IGNORE INTO post_tags(post_id, tag_id, added_by, added_at) "
            "SELECT s.id, ?, ?, ? FROM temp._sel s JOIN posts p ON p.id = s.id",
            [tag["id"], actor or default_actor(), now_iso()])
        detail: dict[str, Any] = {"tag": tag["name"], "tag_id": tag["id"], "requested": n,
                                  "added": len(new_ids), "ids": [str(i) for i in new_ids]}
        if query is not None:
            detail["query"] = query
        _audit(db, "tag", detail, actor)
        db.conn.execute("DELETE FROM temp._sel")
    if job is not None:
        job.progress(len(wanted), len(wanted), "Tagged")
    return {"tag": tag["name"], "tag_id": tag["id"], "colour": tag["colour"], "requested": n,
            "added": len(new_ids), "already": known - len(new_ids), "missing": n - known}


def untag_posts(target: Db, name: str, ids: Iterable[int | str], *, query: str | None = None,
                actor: str | None = None, job: Job | None = None) -> dict[str, Any]:
    """Take a tag off many posts in one transaction.

    Returns {tag, requested, removed, not_tagged}.
    """
    db = _db(target)
    wanted = _as_ids(ids)
    if job is not None:
        job.check()
    with db.conn:
        tag = _need_tag(db, name)
        n = _load_selection(db, wanted)
        gone = [r[0] for r in db.execute(
            "SELECT pt.post_id FROM post_tags pt JOIN temp._sel s ON s.id = pt.post_id "
            "WHERE pt.tag_id = ? ORDER BY pt.post_id", [tag["id"]]).fetchall()]
        db.conn.execute(
            "DELETE FROM post_tags WHERE tag_id = ? AND post_id IN (SELECT id FROM temp._sel)", [tag["id"]])
        detail: dict[str, Any] = {"tag": tag["name"], "tag_id": tag["id"], "requested": n,
                                  "removed": len(gone), "ids": [str(i) for i in gone]}
        if query is not None:
            detail["query"] = query
        _audit(db, "untag", detail, actor)
        db.conn.execute("DELETE FROM temp._sel")
    return {"tag": tag["name"], "tag_id": tag["id"], "requested": n, "removed": len(gone),
            "not_tagged": n - len(gone)}


def posts_with_tag(target: Db, name: str) -> list[int]:
    db = _db(target)
    tag = _tag_row(db, name)
    if tag is None:
        return []
    return [r[0] for r in db.execute(
        "SELECT post_id FROM post_tags WHERE tag_id = ? ORDER BY post_id", [tag["id"]]).fetchall()]


def tags_of(target: Db, post_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Each post's tags ({id, name, colour}, by name), for chips and exports."""
    db = _db(target)
    out: dict[int, list[dict[str, Any]]] = {}
    for chunk in in_chunks(list(post_ids)):
        marks = ",".join("?" * len(chunk))
        for pid, tid, name, colour in db.execute(
                f"SELECT pt.post_id, t.id, t.name, t.colour FROM post_tags pt JOIN tags t ON t.id = pt.tag_id "
                f"WHERE pt.post_id IN ({marks}) ORDER BY t.name", chunk).fetchall():
            out.setdefault(pid, []).append({"id": tid, "name": name, "colour": colour})
    return out


# -- notes -------------------------------------------------------------------------

def _check_note(text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise CurationError("a note needs some text")
    if len(text) > MAX_NOTE_CHARS:
        raise CurationError(f"a note is limited to {MAX_NOTE_CHARS:,} characters")
    return text.strip()


def _need_post(db: sqlite_utils.Database, post_id: int) -> None:
    if db.execute("SELECT 1 FROM posts WHERE id = ?", [post_id]).fetchone() is None:
        raise CurationError(f"no post with id {post_id} in this collection")


def _note_row(db: sqlite_utils.Database, note_id: int) -> dict[str, Any]:
    r = db.execute("SELECT id, post_id, text, author, created_at, updated_at FROM notes WHERE id = ?",
                   [int(note_id)]).fetchone()
    if r is None:
        raise CurationError(f"no note with id {note_id}")
    return {"id": r[0], "post_id": r[1], "text": r[2], "author": r[3], "created_at": r[4], "updated_at": r[5]}


def add_note(target: Db, post_id: int | str, text: str, actor: str | None = None) -> dict[str, Any]:
    """A new note on a post."""
    db = _db(target)
    pid = _as_ids([post_id])[0]
    body = _check_note(text)
    who = actor or default_actor()
    with db.conn:
        _need_post(db, pid)
        ts = now_iso()
        cur = db.conn.execute(
            "INSERT INTO notes(post_id, text, author, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            [pid, body, who, ts, ts])
        nid = _rowid(cur)
        _audit(db, "note-add", {"note_id": nid, "post_id": str(pid), "text": body}, who)
    return {"id": nid, "post_id": pid, "text": body, "author": who, "created_at": ts, "updated_at": ts}


def edit_note(target: Db, note_id: int, text: str, actor: str | None = None) -> dict[str, Any]:
    """Change a note's text; the log keeps the text it had."""
    db = _db(target)
    body = _check_note(text)
    with db.conn:
        note = _note_row(db, note_id)
        ts = now_iso()
        db.conn.execute("UPDATE notes SET text = ?, updated_at = ? WHERE id = ?", [body, ts, note["id"]])
        _audit(db, "note-edit", {"note_id": note["id"], "post_id": str(note["post_id"]),
                                 "from": note["text"], "text": body}, actor)
    return {**note, "text": body, "updated_at": ts}


def delete_note(target: Db, note_id: int, actor: str | None = None) -> dict[str, Any]:
    db = _db(target)
    with db.conn:
        note = _note_row(db, note_id)
        db.conn.execute("DELETE FROM notes WHERE id = ?", [note["id"]])
        _audit(db, "note-delete", {"note_id": note["id"], "post_id": str(note["post_id"]), "text": note["text"],
                                   "author": note["author"], "created_at": note["created_at"]}, actor)
    return note


def notes_for(target: Db, post_id: int | str) -> list[dict[str, Any]]:
    """A post's notes, oldest first."""
    return notes_of(target, [_as_ids([post_id])[0]]).get(int(post_id), [])


def notes_of(target: Db, post_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    db = _db(target)
    out: dict[int, list[dict[str, Any]]] = {}
    for chunk in in_chunks(list(post_ids)):
        marks = ",".join("?" * len(chunk))
        for r in db.execute(
                f"SELECT id, post_id, text, author, created_at, updated_at FROM notes "
                f"WHERE post_id IN ({marks}) ORDER BY id", chunk).fetchall():
            out.setdefault(r[1], []).append(
                {"id": r[0], "post_id": r[1], "text": r[2], "author": r[3], "created_at": r[4], "updated_at": r[5]})
    return out


def set_note(target: Db, post_id: int | str, text: str, actor: str | None = None) -> dict[str, Any] | None:
    """What the detail pane's note editor saves: the post's (latest) note
    becomes `text`; a new note when it has none; empty text deletes it.
    Returns the note, or None when it was deleted or there was none."""
    pid = _as_ids([post_id])[0]
    existing = notes_for(target, pid)
    if not text or not text.strip():
        if existing:
            delete_note(target, existing[-1]["id"], actor)
        return None
    if existing:
        if existing[-1]["text"] == text.strip():
            return existing[-1]
        return edit_note(target, existing[-1]["id"], text, actor)
    return add_note(target, pid, text, actor)


# -- saved searches ---------------------------------------------------------------

def _check_label(value: str, what: str, limit: int = MAX_TITLE_CHARS) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CurationError(f"{what} cannot be empty")
    if len(value) > limit:
        raise CurationError(f"{what} is limited to {limit} characters")
    return value.strip()


def save_search(target: Db, name: str, query: str, actor: str | None = None) -> dict[str, Any]:
    """Save a query under a name; saving under an existing name replaces its query."""
    db = _db(target)
    label = _check_label(name, "a saved search's name")
    q = _check_label(query, "the query", 10_000)
    with db.conn:
        old = db.execute("SELECT id, query, created_at FROM saved_searches WHERE name = ?", [label]).fetchone()
        if old:
            db.conn.execute("UPDATE saved_searches SET query = ? WHERE id = ?", [q, old[0]])
            sid, created = old[0], old[2]
            _audit(db, "search-save", {"id": sid, "name": label, "from": old[1], "query": q}, actor)
        else:
            created = now_iso()
            cur = db.conn.execute("INSERT INTO saved_searches(name, query, created_at) VALUES (?, ?, ?)",
                                  [label, q, created])
            sid = _rowid(cur)
            _audit(db, "search-save", {"id": sid, "name": label, "query": q}, actor)
    return {"id": sid, "name": label, "query": q, "created_at": created}


def saved_searches(target: Db) -> list[dict[str, Any]]:
    db = _db(target)
    return [{"id": r[0], "name": r[1], "query": r[2], "created_at": r[3]} for r in db.execute(
        "SELECT id, name, query, created_at FROM saved_searches ORDER BY name COLLATE NOCASE").fetchall()]


def delete_saved_search(target: Db, name: str, actor: str | None = None) -> dict[str, Any]:
    db = _db(target)
    with db.conn:
        r = db.execute("SELECT id, name, query, created_at FROM saved_searches WHERE name = ?", [name]).fetchone()
        if r is None:
            raise CurationError(f"no saved search named {name!r}")
        db.conn.execute("DELETE FROM saved_searches WHERE id = ?", [r[0]])
        _audit(db, "search-delete", {"id": r[0], "name": r[1], "query": r[2], "created_at": r[3]}, actor)
    return {"id": r[0], "name": r[1], "query": r[2], "created_at": r[3]}


# -- events -------------------------------------------------------------------------

def check_event_date(value: str | date | datetime) -> str:
    """An event's date as stored: 'YYYY-MM-DD', or 'YYYY-MM-DDTHH:MM:SSZ' (UTC)
    when it has a time of day."""
    if isinstance(value, datetime):
        dt = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        raise CurationError("an event needs a date")
    s = value.strip()
    try:
        if len(s) == 10:
            return date.fromisoformat(s).isoformat()
        return check_event_date(datetime.fromisoformat(s[:-1] + "+00:00" if s.endswith("Z") else s))
    except ValueError:
        raise CurationError(f"{value!r} is not a date (use YYYY-MM-DD)") from None


def _event_row(db: sqlite_utils.Database, event_id: int) -> dict[str, Any]:
    r = db.execute("SELECT id, date, title, text, created_at FROM events WHERE id = ?", [int(event_id)]).fetchone()
    if r is None:
        raise CurationError(f"no event with id {event_id}")
    return {"id": r[0], "date": r[1], "title": r[2], "text": r[3], "created_at": r[4]}


def _add_event(db: sqlite_utils.Database, when: str, title: str, text: str | None) -> dict[str, Any]:
    created = now_iso()
    cur = db.conn.execute("INSERT INTO events(date, title, text, created_at) VALUES (?, ?, ?, ?)",
                          [when, title, text, created])
    return {"id": _rowid(cur), "date": when, "title": title, "text": text, "created_at": created}


def add_event(target: Db, when: str | date | datetime, title: str, text: str | None = None,
              actor: str | None = None) -> dict[str, Any]:
    db = _db(target)
    day = check_event_date(when)
    label = _check_label(title, "an event's title")
    body = text.strip() if isinstance(text, str) and text.strip() else None
    with db.conn:
        ev = _add_event(db, day, label, body)
        _audit(db, "event-add", {k: ev[k] for k in ("id", "date", "title", "text")}, actor)
    return ev


def edit_event(target: Db, event_id: int, *, when: str | date | datetime | None = None, title: str | None = None,
               text: str | None = None, actor: str | None = None) -> dict[str, Any]:
    """Change an event's date, title or text (what is None stays)."""
    db = _db(target)
    with db.conn:
        ev = _event_row(db, event_id)
        new = dict(ev)
        if when is not None:
            new["date"] = check_event_date(when)
        if title is not None:
            new["title"] = _check_label(title, "an event's title")
        if text is not None:
            new["text"] = text.strip() or None
        db.conn.execute("UPDATE events SET date = ?, title = ?, text = ? WHERE id = ?",
                        [new["date"], new["title"], new["text"], ev["id"]])
        _audit(db, "event-edit", {"id": ev["id"], "from": {k: ev[k] for k in ("date", "title", "text")},
                                  "to": {k: new[k] for k in ("date", "title", "text")}}, actor)
    return new


def delete_event(target: Db, event_id: int, actor: str | None = None) -> dict[str, Any]:
    db = _db(target)
    with db.conn:
        ev = _event_row(db, event_id)
        db.conn.execute("DELETE FROM events WHERE id = ?", [ev["id"]])
        _audit(db, "event-delete", {k: ev[k] for k in ("id", "date", "title", "text")}, actor)
    return ev


def list_events(target: Db) -> list[dict[str, Any]]:
    """Every event, in date order: what the histogram draws."""
    db = _db(target)
    return [{"id": r[0], "date": r[1], "title": r[2], "text": r[3], "created_at": r[4]} for r in db.execute(
        "SELECT id, date, title, text, created_at FROM events ORDER BY date, id").fetchall()]


def load_events_beside(target: Db, paths: list[Path | str]) -> list[dict[str, Any]]:
    """Load the `events.json` at the top of any imported folder (the bundled
    sample keeps its turning points there), so the histogram shows them after
    an import. A file that is not an events list is left alone: the import
    already said what it was."""
    added: list[dict[str, Any]] = []
    for p in paths:
        events = Path(p) / "events.json"
        if events.is_file():
            try:
                added.extend(load_events(target, events))
            except CurationError:
                continue
    return added


def load_events(target: Db, path: Path | str, actor: str | None = None) -> list[dict[str, Any]]:
    """Add the events of a JSON file `[{"date", "title", "text"}]` (the
    sample's events.json); an event with the same date and title already
    there is not added twice, so loading again changes nothing. Returns the
    events added."""
    db = _db(target)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as e:
        raise CurationError(f"{path}: cannot read events: {e}") from None
    if not isinstance(data, list):
        raise CurationError(f"{path}: expected a JSON list of events")
    wanted = []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise CurationError(f"{path}: event {i + 1} is not an object")
        try:
            wanted.append((check_event_date(item.get("date")),  # type: ignore[arg-type]
                           _check_label(item.get("title"), "an event's title"),  # type: ignore[arg-type]
                           item["text"].strip() or None if isinstance(item.get("text"), str) else None))
        except CurationError as e:
            raise CurationError(f"{path}: event {i + 1}: {e}") from None
    added = []
    with db.conn:
        have = {(r[0], r[1]) for r in db.execute("SELECT date, title FROM events").fetchall()}
        for when, title, text in wanted:
            if (when, title) in have:
                continue
            have.add((when, title))
            added.append(_add_event(db, when, title, text))
        if added:
            _audit(db, "events-load", {"file": str(path), "added": len(added),
                                       "ids": [e["id"] for e in added]}, actor)
    return added




# -- undo and redo -------------------------------------------------------------------
#
# Every curation action's audit row holds what it changed, so its inverse can
# be worked out from the log alone: undo reads the row, does the inverse in
# one transaction and logs that as an action of its own ("undo", pointing at
# the row it undoes). The inverse of an undo, stored with it, is its redo.
# Nothing is ever erased from the log.

UNDOABLE = {"tag", "untag", "note-add", "note-edit", "note-delete", "search-save", "search-delete",
            "event-add", "event-edit", "event-delete"}
# Which part of the window an action changes.
AREA = {"tag": "tags", "untag": "tags", "note-add": "notes", "note-edit": "notes", "note-delete": "notes",
        "search-save": "searches", "search-delete": "searches", "event-add": "events", "event-edit": "events",
        "event-delete": "events"}


def _audit_row(db: sqlite_utils.Database, audit_id: int) -> dict[str, Any]:
    r = db.execute("SELECT id, action, detail FROM audit WHERE id = ?", [int(audit_id)]).fetchone()
    if r is None:
        raise CurationError(f"no action {audit_id} in the audit log")
    return {"id": r[0], "action": r[1], "detail": json.loads(r[2]) if r[2] else {}}


def _inverse(action: str, d: dict[str, Any]) -> dict[str, Any]:
    """The operation that takes back one logged action."""
    if action == "tag":
        return {"op": "untag", "tag_id": d["tag_id"], "tag": d.get("tag"), "ids": d.get("ids", [])}
    if action == "untag":
        return {"op": "tag", "tag_id": d["tag_id"], "tag": d.get("tag"), "ids": d.get("ids", [])}
    if action == "note-add":
        return {"op": "note-remove", "note_id": d["note_id"], "post_id": d.get("post_id")}
    if action == "note-edit":
        return {"op": "note-text", "note_id": d["note_id"], "post_id": d.get("post_id"), "text": d["from"]}
    if action == "note-delete":
        return {"op": "note-insert", "note_id": d["note_id"], "post_id": d["post_id"], "text": d["text"],
                "author": d.get("author"), "created_at": d.get("created_at")}
    if action == "search-save":
        if "from" in d:
            return {"op": "search-query", "id": d["id"], "name": d.get("name"), "query": d["from"]}
        return {"op": "search-remove", "id": d["id"], "name": d.get("name")}
    if action == "search-delete":
        return {"op": "search-insert", "id": d["id"], "name": d["name"], "query": d["query"],
                "created_at": d.get("created_at")}
    if action == "event-add":
        return {"op": "event-remove", "id": d["id"]}
    if action == "event-edit":
        return {"op": "event-set", "id": d["id"], **d["from"]}
    if action == "event-delete":
        return {"op": "event-insert", "id": d["id"], "date": d["date"], "title": d["title"], "text": d.get("text")}
    raise CurationError(f"a {action!r} cannot be undone")


def _apply(db: sqlite_utils.Database, op: dict[str, Any], actor: str | None) -> tuple[dict[str, Any], list[int]]:
    """Do one operation inside the caller's transaction; returns the operation
    that takes it back and the posts whose rows changed."""
    kind = op["op"]
    if kind in ("tag", "untag"):
        if db.execute("SELECT 1 FROM tags WHERE id = ?", [op["tag_id"]]).fetchone() is None:
            raise CurationError(f"the tag {op.get('tag')!r} has been deleted since")
        _load_selection(db, _as_ids(op["ids"]))
        if kind == "tag":
            changed = [r[0] for r in db.execute(
                "SELECT s.id FROM temp._sel s JOIN posts p ON p.id = s.id WHERE NOT EXISTS "
                "(SELECT 1 FROM post_tags pt WHERE pt.post_id = s.id AND pt.tag_id = ?) ORDER BY s.id",
                [op["tag_id"]]).fetchall()]
            db.conn.execute(
                "INSERT OR IGNORE INTO post_tags(post_id, tag_id, added_by, added_at) "
                "SELECT s.id, ?, ?, ? FROM temp._sel s JOIN posts p ON p.id = s.id",
                [op["tag_id"], actor or default_actor(), now_iso()])
        else:
            changed = [r[0] for r in db.execute(
                "SELECT pt.post_id FROM post_tags pt JOIN temp._sel s ON s.id = pt.post_id "
                "WHERE pt.tag_id = ? ORDER BY pt.post_id", [op["tag_id"]]).fetchall()]
            db.conn.execute("DELETE FROM post_tags WHERE tag_id = ? AND post_id IN (SELECT id FROM temp._sel)",
                            [op["tag_id"]])
        db.conn.execute("DELETE FROM temp._sel")
        back = {**op, "op": "untag" if kind == "tag" else "tag", "ids": [str(i) for i in changed]}
        return back, changed
    if kind == "note-remove":
        note = _note_row(db, op["note_id"])
        db.conn.execute("DELETE FROM notes WHERE id = ?", [note["id"]])
        return {"op": "note-insert", "note_id": note["id"], "post_id": str(note["post_id"]), "text": note["text"],
                "author": note["author"], "created_at": note["created_at"]}, [note["post_id"]]
    if kind == "note-text":
        note = _note_row(db, op["note_id"])
        db.conn.execute("UPDATE notes SET text = ?, updated_at = ? WHERE id = ?", [op["text"], now_iso(), note["id"]])
        return {**op, "text": note["text"]}, [note["post_id"]]
    if kind == "note-insert":
        pid = int(op["post_id"])
        _need_post(db, pid)
        ts = now_iso()
        db.conn.execute("INSERT INTO notes(id, post_id, text, author, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        [op["note_id"], pid, op["text"], op.get("author") or actor or default_actor(),
                         op.get("created_at") or ts, ts])
        return {"op": "note-remove", "note_id": op["note_id"], "post_id": str(pid)}, [pid]
    if kind == "search-remove":
        r = db.execute("SELECT id, name, query, created_at FROM saved_searches WHERE id = ?", [op["id"]]).fetchone()
        if r is None:
            raise CurationError(f"the saved search {op.get('name')!r} is gone already")
        db.conn.execute("DELETE FROM saved_searches WHERE id = ?", [r[0]])
        return {"op": "search-insert", "id": r[0], "name": r[1], "query": r[2], "created_at": r[3]}, []
    if kind == "search-query":
        r = db.execute("SELECT query FROM saved_searches WHERE id = ?", [op["id"]]).fetchone()
        if r is None:
            raise CurationError(f"the saved search {op.get('name')!r} is gone")
        db.conn.execute("UPDATE saved_searches SET query = ? WHERE id = ?", [op["query"], op["id"]])
        return {**op, "query": r[0]}, []
    if kind == "search-insert":
        if db.execute("SELECT 1 FROM saved_searches WHERE name = ?", [op["name"]]).fetchone() is not None:
            raise CurationError(f"a saved search named {op['name']!r} exists again")
        db.conn.execute("INSERT INTO saved_searches(id, name, query, created_at) VALUES (?, ?, ?, ?)",
                        [op["id"], op["name"], op["query"], op.get("created_at") or now_iso()])
        return {"op": "search-remove", "id": op["id"], "name": op["name"]}, []
    if kind == "event-remove":
        ev = _event_row(db, op["id"])
        db.conn.execute("DELETE FROM events WHERE id = ?", [ev["id"]])
        return {"op": "event-insert", **{k: ev[k] for k in ("id", "date", "title", "text")}}, []
    if kind == "event-set":
        ev = _event_row(db, op["id"])
        db.conn.execute("UPDATE events SET date = ?, title = ?, text = ? WHERE id = ?",
                        [op["date"], op["title"], op.get("text"), ev["id"]])
        return {"op": "event-set", **{k: ev[k] for k in ("id", "date", "title", "text")}}, []
    if kind == "event-insert":
        db.conn.execute("INSERT INTO events(id, date, title, text, created_at) VALUES (?, ?, ?, ?, ?)",
                        [op["id"], op["date"], op["title"], op.get("text"), now_iso()])
        return {"op": "event-remove", "id": op["id"]}, []
    raise CurationError(f"unknown operation {kind!r}")


_OP_AREA = {"tag": "tags", "untag": "tags", "note-remove": "notes", "note-text": "notes", "note-insert": "notes",
            "search-remove": "searches", "search-query": "searches", "search-insert": "searches",
            "event-remove": "events", "event-set": "events", "event-insert": "events"}


def undoable(target: Db, audit_id: int) -> bool:
    """True when this logged action can be taken back (or, for an undo, redone)."""
    row = _audit_row(_db(target), audit_id)
    return row["action"] in UNDOABLE or row["action"] in ("undo", "redo")


def revert(target: Db, audit_id: int, actor: str | None = None) -> dict[str, Any]:
    """Take back the logged action `audit_id`, as one transaction with its own
    audit row: an "undo" of a curation action, or a "redo" when the action was
    itself an undo (and an "undo" again of a redo).

    Returns {audit_id (the new row), action, undoes, of, area, posts, changed}."""
    db = _db(target)
    with db.conn:
        row = _audit_row(db, audit_id)
        if row["action"] in ("undo", "redo"):
            op = row["detail"]["inverse"]
            action = "redo" if row["action"] == "undo" else "undo"
            original = row["detail"].get("of")
        elif row["action"] in UNDOABLE:
            op = _inverse(row["action"], row["detail"])
            action, original = "undo", row["action"]
        else:
            raise CurationError(f"a {row['action']!r} cannot be undone")
        back, posts = _apply(db, op, actor)
        detail = {"undoes": row["id"], "of": original, "op": op, "inverse": back,
                  "changed": len(posts) if op["op"] in ("tag", "untag") else 1}
        new_id = _audit(db, action, detail, actor)
    return {"audit_id": new_id, "action": action, "undoes": row["id"], "of": original,
            "area": _OP_AREA[op["op"]], "posts": posts, "changed": detail["changed"]}


def describe(target: Db, audit_id: int) -> str:
    """A few words for the Undo menu entry: 'tag “evidence” on 3 posts'."""
    row = _audit_row(_db(target), audit_id)
    d, a = row["detail"], row["action"]
    if a == "undo":
        return describe_op(d.get("inverse") or {})  # what redoing it does
    if a == "redo":
        return describe_op(d.get("op") or {})  # what it did
    if a == "tag":
        n = int(d.get("added", len(d.get("ids", []))))
        return f"tag “{d.get('tag')}” on {n:,} {'post' if n == 1 else 'posts'}"
    if a == "untag":
        n = int(d.get("removed", len(d.get("ids", []))))
        return f"removing “{d.get('tag')}” from {n:,} {'post' if n == 1 else 'posts'}"
    return {"note-add": "new note", "note-edit": "note edit", "note-delete": "note deletion",
            "search-save": f"saving search “{d.get('name')}”", "search-delete": f"deleting search “{d.get('name')}”",
            "event-add": f"new event “{d.get('title')}”", "event-edit": "event edit",
            "event-delete": f"deleting event “{d.get('title')}”"}.get(a, a)


def describe_op(op: dict[str, Any]) -> str:
    """What doing this operation does, in a few words."""
    kind = op.get("op")
    if kind in ("tag", "untag"):
        n = len(op.get("ids", []))
        verb = "tag" if kind == "tag" else "removing"
        where = "on" if kind == "tag" else "from"
        return f"{verb} “{op.get('tag')}” {where} {n:,} {'post' if n == 1 else 'posts'}"
    return {"note-remove": "note deletion", "note-text": "note edit", "note-insert": "new note",
            "search-remove": "deleting a search", "search-query": "saved search change",
            "search-insert": "saving a search", "event-remove": "deleting an event", "event-set": "event edit",
            "event-insert": "new event"}.get(str(kind), str(kind))
