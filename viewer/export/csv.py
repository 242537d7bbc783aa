"""CSV export: twarc-csv's columns where we hold the field, then our own.

The column names and their order are those of twarc-csv 0.7.2's
DEFAULT_TWEET_COLUMNS (DocNow/twarc-csv, dataframe_converter.py) for every
field the collection keeps; lists are JSON, as twarc-csv writes them. After
them come what twarc-csv has no column for: the post's kind, whether it was
collected, its media, where it came from, and the curator's tags and notes.

Ids are plain digits and the file is UTF-8 without a byte-order mark, as
twarc-csv writes them, so pandas, R and twarc's own utilities read it back
unchanged (with ids read as strings, as their users do). A spreadsheet would
round a 19-digit id through a float: the `xlsx` export (viewer/export/xlsx.py)
is the file for spreadsheets, with ids as text cells.

A text cell that would start a formula (`=`, `+`, `-`, `@`, a tab) is
prefixed with `'` by default, so a hostile post opened in a spreadsheet
cannot run one; `guard_formulas=False` writes text exactly as stored.

Every field is quoted; newlines inside a text stay newlines (quoted, as the
CSV standard has it), where twarc-csv writes a literal backslash-n.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Sequence

import orjson

from viewer.export.common import (
    Bundle,
    ExportResult,
    atomic_file,
    iter_bundles,
    record_export,
    target_db,
    note_missing,
)
from viewer.jobs import Job

# (twarc-csv column, kind of value). "text" cells (what an archive wrote) are
# guarded against formulas; "id" and "number" cells are digits; "ours" are
# written by this program in a form that starts with no formula sign (an ISO
# time, a JSON list, a word). The xlsx export writes "id" cells as text.
TWARC_COLUMNS: list[tuple[str, str]] = [
    ("id", "id"),
    ("conversation_id", "id"),
    ("referenced_tweets.replied_to.id", "id"),
    ("referenced_tweets.retweeted.id", "id"),
    ("referenced_tweets.quoted.id", "id"),
    ("author_id", "id"),
    ("in_reply_to_user_id", "id"),
    ("in_reply_to_username", "text"),
    ("retweeted_user_id", "id"),
    ("retweeted_username", "text"),
    ("quoted_user_id", "id"),
    ("quoted_username", "text"),
    ("created_at", "ours"),
    ("text", "text"),
    ("lang", "text"),
    ("source", "text"),
    ("public_metrics.reply_count", "number"),
    ("public_metrics.retweet_count", "number"),
    ("public_metrics.quote_count", "number"),
    ("public_metrics.like_count", "number"),
    ("entities.hashtags", "ours"),
    ("entities.mentions", "ours"),
    ("entities.urls", "ours"),
    ("author.id", "id"),
    ("author.created_at", "ours"),
    ("author.username", "text"),
    ("author.name", "text"),
    ("author.description", "text"),
    ("author.url", "text"),
    ("author.location", "text"),
    ("author.profile_image_url", "text"),
    ("author.public_metrics.followers_count", "number"),
    ("author.public_metrics.following_count", "number"),
    ("author.public_metrics.listed_count", "number"),
    ("author.public_metrics.tweet_count", "number"),
    ("author.verified", "text"),
    ("geo.full_name", "text"),
]
OUR_COLUMNS: list[tuple[str, str]] = [
    ("kind", "ours"),
    ("collected", "ours"),
    ("deleted", "ours"),
    ("media_urls", "ours"),
    ("media_files", "ours"),
    ("sources", "ours"),
    ("tags", "ours"),
    ("notes", "ours"),
]
COLUMNS = [name for name, _ in TWARC_COLUMNS + OUR_COLUMNS]
_KINDS = [kind for _, kind in TWARC_COLUMNS + OUR_COLUMNS]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _jlist(values: list[Any]) -> str:
    # twarc-csv writes lists as JSON; an empty list is an empty cell there too.
    return orjson.dumps(values).decode() if values else ""


def _twarc_time(iso: str | None) -> str:
    """'2016-10-17T05:12:00Z' as twarc-csv writes v2 times: '…:00.000Z'."""
    if not iso:
        return ""
    return iso[:-1] + ".000Z" if iso.endswith("Z") and "." not in iso else iso


def row_of(b: Bundle) -> list[Any]:
    """One CSV row, values as plain Python (None for an empty cell)."""
    p, a = b.post, b.author or {}
    rt = b.refs.get(p.get("retweet_of") or -1, {})
    qt = b.refs.get(p.get("quote_of") or -1, {})
    verified = a.get("verified")
    urls = [u.get("expanded") or u.get("url") for u in b.urls if u.get("expanded") or u.get("url")]
    where = [f"{s['name'] or s['path']}: {s['location']}" if s.get("location") else (s["name"] or s["path"] or "")
             for s in b.sources]
    return [
        p["id"],
        p.get("conversation_id"),
        p.get("reply_to"),
        p.get("retweet_of"),
        p.get("quote_of"),
        p.get("author_id"),
        p.get("reply_to_user_id"),
        p.get("reply_to_handle"),
        rt.get("author_id"),
        rt.get("author_handle"),
        qt.get("author_id"),
        qt.get("author_handle"),
        _twarc_time(p.get("created_at")),
        p.get("text"),
        p.get("lang"),
        p.get("source_app"),
        p.get("reply_count"),
        p.get("retweet_count"),
        p.get("quote_count"),
        p.get("like_count"),
        _jlist(["#" + h for h in b.hashtags]),
        _jlist(["@" + m["handle"] for m in b.mentions]),
        _jlist(urls),
        a.get("id", p.get("author_id")),
        _twarc_time(a.get("created_at")),
        p.get("author_handle") or a.get("handle"),
        p.get("author_name") or a.get("name"),
        a.get("bio"),
        a.get("url"),
        a.get("location"),
        a.get("profile_image_url"),
        a.get("followers_count"),
        a.get("following_count"),
        a.get("listed_count"),
        a.get("tweet_count"),
        None if verified is None else bool(verified),
        p.get("place"),
        p.get("kind"),
        bool(p.get("collected")),
        bool(p.get("deleted")),
        _jlist([m["url"] for m in b.media if m.get("url")]),
        _jlist(["media/" + m["file"] for m in b.media if m.get("file")]),
        _jlist(where),
        _jlist([t["name"] for t in b.tags]),
        _jlist([n["text"] for n in b.notes]),
    ]


def _plain_cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "True" if value else "False"
    return value if value.__class__ is str else str(value)


def _text_cell(value: Any) -> str:
    s = _plain_cell(value)
    return "'" + s if s and s.startswith(_FORMULA_START) else s


_GUARDED_ROW = [_text_cell if k == "text" else _plain_cell for k in _KINDS]


def export_csv(target: Any, ids: Sequence[int], out: Path | str, *, guard_formulas: bool = True,
               job: Job | None = None, query: str | None = None, actor: str | None = None) -> ExportResult:
    """Write the posts `ids` (in that order) to a CSV file at `out`."""
    db = target_db(target)
    out = Path(out)
    ids = [int(i) for i in ids]
    written = 0
    with atomic_file(out) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, quoting=csv.QUOTE_ALL)
            w.writerow(COLUMNS)
            for batch in iter_bundles(db, ids, job, "Writing CSV"):
                if guard_formulas:
                    w.writerows([[conv(v) for conv, v in zip(_GUARDED_ROW, row_of(b), strict=True)] for b in batch])
                else:
                    w.writerows([[_plain_cell(v) for v in row_of(b)] for b in batch])
                written += len(batch)
    result = ExportResult("csv", str(out), written, records=written)
    note_missing(result, len(ids))
    record_export(target, result, ids, query, actor)
    return result


def read_id(cell: str) -> int:
    """A post id back from a cell (also of an older export, which wrote
    ids as `="…"` spreadsheet formulas)."""
    s = cell.strip()
    if s.startswith('="') and s.endswith('"'):
        s = s[2:-1]
    return int(s)
