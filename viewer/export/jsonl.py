"""JSONL export: the original records, one per line, that import again.

Each exported post is written as the verbatim record (or records: one per
source that collected it) the collection keeps in `raw`, so that importing the
file into a fresh collection, here or in a twarc-style tool, gives the same
posts. Three kinds of record do not stand on their own as a line, and are
written in the nearest form that does, with the original inside:

- a tweet from a twarc2 *response page* was kept as its `data[i]` object;
  without the page's `includes` its author's handle and the retweeted or
  quoted original are lost. It is written as a one-tweet page,
  `{"data": [tweet], "includes": {...}}`, whose includes are rebuilt: the
  verbatim records of the referenced posts, and the users, media and places
  from the collection;
- an X account-archive entry `{"tweet": {...}}` names no author (the archive
  holds it in account.js): it is written as the v1.1 status it is, with a
  `user` object for its author;
- a record that no reader recognises alone (a CSV row) is written as a
  one-tweet v2 page built from the collection's row.

A sidecar `<out>.provenance.csv` says, line by line, which post each line is,
which source file and location it came from, and how it was written.
Posts that were never collected themselves (originals only known through a
retweet or quote) are not written as lines of their own: they travel inside
the records that reference them.
"""
from __future__ import annotations

import csv
import json
from contextlib import ExitStack
from itertools import groupby
from pathlib import Path
from typing import Any, Sequence

import orjson
import sqlite_utils

from viewer import formats
from viewer.export.common import (
    ExportResult,
    atomic_file,
    record_export,
    sources_table,
    target_db,
    Target,
)
from viewer.formats.common import media_id
from viewer.jobs import Job
from viewer.store import reading

BATCH = 1000
PROVENANCE_SUFFIX = ".provenance.csv"
REBUILT = "v2 page built from the collection"
_MEDIA_PREFIX = {"photo": "3", "video": "7", "animated_gif": "16"}


def _loads(data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def _dumps(obj: Any) -> bytes:
    try:
        return orjson.dumps(obj)
    except TypeError:  # an integer past 64 bits, which only a hostile record has
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def _v2_time(iso: str | None) -> str | None:
    if not iso:
        return None
    return iso[:-1] + ".000Z" if iso.endswith("Z") and "." not in iso else iso


def is_v2_tweet(obj: Any) -> bool:
    """A bare v2 tweet object (a page's `data[i]`), not a flattened one."""
    return (isinstance(obj, dict) and "id_str" not in obj and "data" not in obj and "includes" not in obj
            and ("author_id" in obj or "edit_history_tweet_ids" in obj)
            and not isinstance(obj.get("author"), dict))


def is_archive_entry(obj: Any) -> bool:
    return isinstance(obj, dict) and set(obj) == {"tweet"} and isinstance(obj["tweet"], dict)


class _Lookup:
    """Users, media and v2 records of referenced posts, fetched per batch."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.users: dict[int, dict[str, Any]] = {}
        self.media: dict[tuple[int, str], dict[str, Any]] = {}
        self.v2: dict[int, dict[str, Any]] = {}
        self.posts: dict[int, dict[str, Any]] = {}
        # Users a post mentions by handle only (older v2 data): the page
        # resolved them through its includes, so the rebuilt page must too.
        self.mentioned: dict[int, list[int]] = {}

    def prefetch(self, post_ids: list[int], tweets: list[dict[str, Any]]) -> None:
        """Everything the v2 pages of this batch will ask for, in a few queries."""
        ref_ids = sorted({i for t in tweets for i in _ref_ids(t)} - set(self.v2))
        for pid, records in reading.raw_records(self.db, ref_ids, with_data=True).items():
            # A source that collected the post itself before an embedded copy.
            for r in sorted(records, key=lambda r: (not r["collected"], r["source_id"])):
                obj = _loads(r["data"])
                if is_v2_tweet(obj):
                    self.v2[pid] = obj
                    break
        every = [*tweets, *(self.v2[i] for i in ref_ids if i in self.v2)]
        tweet_ids = sorted({i for i in (_int(t.get("id")) for t in every) if i is not None})
        for pid, ments in reading.mentions(self.db, tweet_ids).items():
            known = [m["user_id"] for m in ments if m["user_id"] is not None]
            if known:
                self.mentioned.setdefault(pid, []).extend(known)
        wanted = {u for t in every for u in _user_ids(t)}
        wanted.update(u for i in tweet_ids for u in self.mentioned.get(i, []))
        self.users.update(reading.users(self.db, wanted - set(self.users)))
        media_posts = {*post_ids, *(i for i in ref_ids if i in self.v2)}
        for pid, items in reading.media(self.db, media_posts).items():
            for m in items:
                self.media[(pid, m["key"])] = m
        self.posts.update(reading.posts(self.db, media_posts - set(self.posts)))

    def clear(self) -> None:
        self.users.clear()
        self.media.clear()
        self.v2.clear()
        self.posts.clear()
        self.mentioned.clear()




def _dict(value: Any) -> dict[str, Any]:
    """A record's sub-object, or an empty one where a hostile record has
    something else."""
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _ref_ids(t: dict[str, Any]) -> list[int]:
    out: list[int] = []
    for r in t.get("referenced_tweets") or []:
        rid = _int(r.get("id")) if isinstance(r, dict) else None
        if rid is not None:
            out.append(rid)
    return out


def _user_ids(t: dict[str, Any]) -> list[int]:
    out = [_int(t.get("author_id")), _int(t.get("in_reply_to_user_id"))]
    ents = _dict(t.get("entities"))
    for m in ents.get("mentions") or []:
        if isinstance(m, dict):
            out.append(_int(m.get("id")))
    return [u for u in out if u is not None]


def v2_user(u: dict[str, Any]) -> dict[str, Any]:
    """A users row as the v2 user object twarc2 would have included."""
    out: dict[str, Any] = {"id": str(u["id"])}
    for key, col in (("username", "handle"), ("name", "name"), ("description", "bio"),
                     ("location", "location"), ("url", "url"), ("profile_image_url", "profile_image_url")):
        if u.get(col) is not None:
            out[key] = u[col]
    if u.get("created_at"):
        out["created_at"] = _v2_time(u["created_at"])
    if u.get("verified") is not None:
        out["verified"] = bool(u["verified"])
    metrics = {k: u[c] for k, c in (("followers_count", "followers_count"), ("following_count", "following_count"),
                                    ("tweet_count", "tweet_count"), ("listed_count", "listed_count"))
               if u.get(c) is not None}
    if metrics:
        out["public_metrics"] = metrics
    return out


def _post_author(p: dict[str, Any]) -> dict[str, Any] | None:
    if p.get("author_id") is None:
        return None
    u: dict[str, Any] = {"id": str(p["author_id"])}
    if p.get("author_handle"):
        u["username"] = p["author_handle"]
    if p.get("author_name"):
        u["name"] = p["author_name"]
    return u


def _v2_media(key: str, row: dict[str, Any]) -> dict[str, Any]:
    m: dict[str, Any] = {"media_key": key, "type": row.get("type") or "photo"}
    for k in ("url", "alt_text", "width", "height"):
        if row.get(k) is not None:
            m[k] = row[k]
    return m


def v2_page(tweet: dict[str, Any], pid: int, look: _Lookup) -> dict[str, Any]:
    """A one-tweet v2 page around a bare tweet, its includes rebuilt."""
    refs = [look.v2[i] for i in _ref_ids(tweet) if i in look.v2 and i != pid]
    every = [tweet, *refs]
    users: dict[str, dict[str, Any]] = {}
    for t in every:
        tid = _int(t.get("id"))
        for uid in [*_user_ids(t), *look.mentioned.get(tid or -1, [])]:
            if str(uid) in users:
                continue
            if uid in look.users:
                users[str(uid)] = v2_user(look.users[uid])
            elif tid in look.posts and look.posts[tid].get("author_id") == uid:
                got = _post_author(look.posts[tid])
                if got:
                    users[str(uid)] = got
    media: dict[str, dict[str, Any]] = {}
    places: dict[str, dict[str, Any]] = {}
    for t in every:
        tid = _int(t.get("id"))
        att = _dict(t.get("attachments"))
        for key in att.get("media_keys") or []:
            if not isinstance(key, str) or key in media or tid is None:
                continue
            # The exported tweet's own row first: a retweet's row says what
            # its page held about the original's photo, while the original's
            # row may hold more, learnt from another source.
            mid = media_id(key) or ""
            row = look.media.get((pid, mid)) or look.media.get((tid, mid))
            if row is not None and any(row.get(k) is not None for k in ("url", "alt_text", "width", "height")):
                media[key] = _v2_media(key, row)
        geo = _dict(t.get("geo"))
        place_id = geo.get("place_id")
        post = look.posts.get(tid) if tid is not None else None
        if isinstance(place_id, str) and place_id not in places and post and post.get("place"):
            places[place_id] = {"id": place_id, "full_name": post["place"]}
    includes: dict[str, Any] = {}
    if users:
        includes["users"] = list(users.values())
    if refs:
        includes["tweets"] = refs
    if media:
        includes["media"] = list(media.values())
    if places:
        includes["places"] = list(places.values())
    return {"data": [tweet], "includes": includes}


def v2_from_row(pid: int, db: sqlite_utils.Database, look: _Lookup) -> dict[str, Any]:
    """A v2 page built from the collection's own row, for a post whose
    record no reader recognises alone."""
    p = reading.posts(db, [pid])[pid]
    t: dict[str, Any] = {"id": str(pid), "text": p["text"]}
    if p.get("created_at"):
        t["created_at"] = _v2_time(p["created_at"])
    for k, col in (("author_id", "author_id"), ("conversation_id", "conversation_id"),
                   ("in_reply_to_user_id", "reply_to_user_id")):
        if p.get(col) is not None:
            t[k] = str(p[col])
    if p.get("lang"):
        t["lang"] = p["lang"]
    if p.get("source_app"):
        t["source"] = p["source_app"]
    refs = [{"type": ty, "id": str(p[col])} for ty, col in (("retweeted", "retweet_of"), ("quoted", "quote_of"),
                                                          ("replied_to", "reply_to")) if p.get(col)]
    if refs:
        t["referenced_tweets"] = refs
    metrics = {k: p[k] for k in ("retweet_count", "reply_count", "like_count", "quote_count") if p.get(k) is not None}
    if metrics:
        t["public_metrics"] = metrics
    ents: dict[str, Any] = {}
    tags = reading.hashtags(db, [pid]).get(pid)
    if tags:
        ents["hashtags"] = [{"tag": x} for x in tags]
    ments = reading.mentions(db, [pid]).get(pid)
    if ments:
        ents["mentions"] = [{"username": m["handle"], **({"id": str(m["user_id"])} if m["user_id"] is not None
                                                           else {})} for m in ments]
    urls = reading.urls(db, [pid]).get(pid)
    if urls:
        ents["urls"] = [{k: v for k, v in (("url", u["url"]), ("expanded_url", u["expanded"]),
                                           ("display_url", u["display"])) if v}
                        for u in urls]
    if ents:
        t["entities"] = ents
    media = reading.media(db, [pid]).get(pid, [])
    if media:
        t["attachments"] = {"media_keys": [f"{_MEDIA_PREFIX.get(m['type'] or '', '3')}_{m['key']}" for m in media]}
    look.posts[pid] = p
    for m in media:
        look.media[(pid, m["key"])] = m
    if p.get("author_id") is not None and p["author_id"] not in look.users:
        look.users.update(reading.users(db, [p["author_id"]]))
    return v2_page(t, pid, look)


def _archive_status(entry: dict[str, Any], post: dict[str, Any], look: _Lookup) -> dict[str, Any]:
    tweet = dict(entry["tweet"])
    if "user" not in tweet and post.get("author_id") is not None:
        u = look.users.get(post["author_id"]) or {}
        user: dict[str, Any] = {"id_str": str(post["author_id"])}
        handle = post.get("author_handle") or u.get("handle")
        name = post.get("author_name") or u.get("name")
        if handle:
            user["screen_name"] = handle
        if name:
            user["name"] = name
        tweet["user"] = user
    return tweet


def _plan(db: sqlite_utils.Database, chunk: list[int], result: ExportResult
          ) -> list[tuple[int, dict[str, Any], int, str, Any, bytes]]:
    """The records to write for a batch of posts: (post id, post, source,
    location, decoded record, verbatim bytes), in the order given."""
    posts = reading.posts(db, chunk, "id, collected, author_id, author_handle, author_name, place")
    raws = {pid: [(r["source_id"], r["location"], r["collected"], r["data"]) for r in records]
            for pid, records in reading.raw_records(db, chunk, with_data=True).items()}
    plan = []
    for pid in chunk:
        post = posts.get(pid)
        if post is None:
            result.skipped.append({"id": str(pid), "reason": "no such post in this collection"})
            continue
        if not post["collected"]:
            result.skipped.append({"id": str(pid), "reason": "only known as the original of another post: "
                                   "it travels inside that post's record"})
            continue
        recs = raws.get(pid, [])
        # The records where a source collected the post itself; an embedded
        # copy only when there is nothing else.
        own = [r for r in recs if r[2]] or recs
        seen: set[bytes] = set()
        for source_id, location, _, data in own:
            if data not in seen:
                seen.add(data)
                try:
                    obj = _loads(data)
                except ValueError:  # a damaged record: the row stands in for it
                    obj = None
                plan.append((pid, post, source_id, location, obj, data))
        if not own:
            plan.append((pid, post, 0, "", None, b""))
        result.posts += 1
    return plan


def _line(db: sqlite_utils.Database, pid: int, post: dict[str, Any], obj: Any, data: bytes,
          look: _Lookup) -> tuple[bytes, str]:
    """One output line for one record, and how it was written."""
    if is_v2_tweet(obj):
        return _dumps(v2_page(obj, pid, look)), "v2 page rebuilt around the record"
    if is_archive_entry(obj):
        return _dumps(_archive_status(obj, post, look)), "account-archive tweet with its author"
    if isinstance(obj, dict) and formats.object_format_for(obj) is not None:
        if b"\n" in data or b"\r" in data:
            return _dumps(obj), "verbatim, made one line"
        return data, "verbatim"
    return _dumps(v2_from_row(pid, db, look)), REBUILT


def _lines_of(db: sqlite_utils.Database, records: list[tuple[int, dict[str, Any], int, str, Any, bytes]],
              look: _Lookup) -> list[tuple[int, str, bytes, str]]:
    """The lines of one post: (source, location, line, how), each different
    line once. Every source's record is kept, even when another record
    already says most of it: the merge of all of them, in the order they
    were imported, is what made the collection's post."""
    out, seen = [], set()
    for pid, post, source_id, location, obj, data in records:
        body, how = _line(db, pid, post, obj, data, look)
        if body not in seen:
            seen.add(body)
            out.append((source_id, location, body, how))
    return out


def export_jsonl(target: Target, ids: Sequence[int], out: Path | str, *, provenance: bool = True,
                 job: Job | None = None, query: str | None = None, actor: str | None = None) -> ExportResult:
    """Write the records of the posts `ids` (in that order) to `out`."""
    db = target_db(target)
    out = Path(out)
    ids = [int(i) for i in ids]
    sources = sources_table(db)
    look = _Lookup(db)
    result = ExportResult("jsonl", str(out), 0)
    prov_path = out.with_name(out.name + PROVENANCE_SUFFIX)
    total = len(ids)
    with ExitStack() as stack:
        tmp = stack.enter_context(atomic_file(out))
        f = stack.enter_context(open(tmp, "wb"))
        pw = None
        if provenance:
            ptmp = stack.enter_context(atomic_file(prov_path))
            pw = csv.writer(stack.enter_context(open(ptmp, "w", encoding="utf-8", newline="")),
                            quoting=csv.QUOTE_ALL)
            pw.writerow(["line", "post", "source", "source_sha256", "location", "written_as"])
        line = 0
        for start in range(0, total, BATCH):
            if job is not None:
                job.check()
                job.progress(start, total, "Writing JSONL", posts=result.posts)
            plan = _plan(db, ids[start:start + BATCH], result)
            look.clear()
            look.prefetch([p[0] for p in plan], [p[4] for p in plan if is_v2_tweet(p[4])])
            for pid, group in groupby(plan, key=lambda p: p[0]):
                for source_id, location, body, how in _lines_of(db, list(group), look):
                    f.write(body)
                    f.write(b"\n")
                    line += 1
                    if pw is not None:
                        src = sources.get(source_id, {})
                        pw.writerow([line, str(pid), src.get("path") or src.get("name") or "",
                                     src.get("sha256") or "", location, how])
        result.records = line
        if job is not None:
            job.progress(total, total, "Done", posts=result.posts)
    if provenance:
        result.files.append(str(prov_path))
    record_export(target, result, ids, query, actor)
    return result
