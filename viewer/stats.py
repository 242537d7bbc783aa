"""What a collection holds, in numbers: for `stats`.

Two ways to the same figures. When the search index is clean and its
current generation has a column file (viewer.index.colfile), the per-post
figures (collected posts, kinds, authors, the top authors and the top
hashtags) are counted over that memory-mapped file: a few numpy passes over
arrays of a byte or four per post, instead of reading every row of `posts`
(25 s at a million posts from a cold disk). Everything else is SQL that an
index answers: the time span from (collected, created_ts), the deleted
posts from a partial index when the collection has one; without the file,
the hashtags from their norm index.
Without a usable column file (no index yet, an import under way, a file
from another generation) the per-post figures come from SQL, grouped the
same way, so both give the same answer (tests compare them).

Authors are grouped as the search groups them (viewer.textproc.
normalize_handle: no leading '@', case folded) and each is shown in its
most used written form (ties: the greater one), as the facets show them.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from viewer.textproc import normalize_handle

if TYPE_CHECKING:
    from viewer.collection import Collection

# created_ts between these (years 1000 to 9999) is written as an ISO string
# of fixed width, so the earliest string is the earliest time and an index
# on created_ts answers min/max(created_at).
_TS_FIXED_WIDTH = (-30610224000, 253402300799)
_KINDS = ("post", "reply", "quote", "retweet")


def collection_stats(coll: Collection | sqlite_utils.Database, top: int = 10,
                     use_columns: bool = True) -> dict[str, Any]:
    """The figures of `stats`. Given a Collection, per-post figures are read
    from the index's column file when it is current (`use_columns=False`:
    always from SQL)."""
    db = coll if isinstance(coll, sqlite_utils.Database) else coll.db
    one = lambda sql, args=(): db.execute(sql, args).fetchone()[0]  # noqa: E731
    cols = None
    if use_columns and not isinstance(coll, sqlite_utils.Database):
        cols = _columns(coll)
    per_post = _from_columns(cols, top) if cols is not None else _from_sql(db, top)
    first, last = _span(db)
    posts = one("SELECT count(*) FROM posts")
    out: dict[str, Any] = {
        "posts": posts,
        "collected": per_post["collected"],
        "referenced_only": posts - per_post["collected"],
        "deleted": one("SELECT count(*) FROM posts WHERE deleted = 1"),
        "authors": per_post["authors"],
        "first": first,
        "last": last,
        "hashtags": per_post["hashtags"] if "hashtags" in per_post else _hashtags(db, top),
        "top_authors": per_post["top_authors"],
        "kinds": per_post["kinds"],
        "media": one("SELECT count(*) FROM media"),
        "media_files": one("SELECT count(DISTINCT sha256) FROM media WHERE file IS NOT NULL"),
        "sources": one("SELECT count(*) FROM sources WHERE status = 'complete'"),
        "failed_records": one("SELECT count(*) FROM problems WHERE coalesce(notice, 0) = 0"),
        "notices": one("SELECT count(*) FROM problems WHERE notice = 1"),
    }
    return out


# ---------------------------------------------------------------------------
# per-post figures
# ---------------------------------------------------------------------------


def _top_authors(counts: dict[str, int], top: int) -> list[dict[str, Any]]:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [{"author": shown, "count": n} for shown, n in ranked]


def _from_sql(db: sqlite_utils.Database, top: int) -> dict[str, Any]:
    collected = db.execute("SELECT count(*) FROM posts WHERE collected = 1").fetchone()[0]
    # Each written form once, grouped here as the column file groups them.
    forms: dict[str, Counter[str]] = {}
    for handle, n in db.execute("SELECT author_handle, count(*) FROM posts WHERE collected = 1 "
                                "AND author_handle IS NOT NULL GROUP BY author_handle"):
        key = normalize_handle(handle)
        if key:
            forms.setdefault(key, Counter())[handle] += n
    counts: dict[str, int] = {}
    for written in forms.values():
        shown = max(written.items(), key=lambda f: (f[1], f[0].encode("utf-8")))[0]
        counts[shown] = counts.get(shown, 0) + sum(written.values())
    kinds = {r[0]: r[1] for r in db.execute(
        "SELECT kind, count(*) FROM posts WHERE collected = 1 GROUP BY kind ORDER BY kind").fetchall()}
    return {"collected": collected, "authors": len(forms), "top_authors": _top_authors(counts, top),
            "kinds": kinds}


def _columns(coll: Collection) -> Any:
    """The current index generation's column file, mapped, when the index is
    clean and the file was built from exactly its segments; else None."""
    from viewer.index import colfile
    from viewer.index.schema import index_name, is_dirty, open_index

    if is_dirty(coll):
        return None
    ix = open_index(coll)
    if ix is None:
        return None
    try:
        reader = ix.reader()
        try:
            if reader.doc_count_all() == 0:
                return None
            return colfile.open_for(Path(coll.index_dir), index_name(coll) or "", reader.generation(),
                                    colfile.signature(reader))
        finally:
            reader.close()
    except Exception:  # an unreadable index: SQL answers instead (verify tells what is wrong)
        return None
    finally:
        ix.close()


def _from_columns(m: Any, top: int) -> dict[str, Any]:
    import numpy as np

    from viewer.index import colfile
    from viewer.index.schema import KIND_NAMES

    a = m.arrays
    kinds_n = np.bincount(a["kind"], minlength=len(KIND_NAMES))
    kinds = {name: int(kinds_n[code]) for name, code in sorted((n, c) for c, n in KIND_NAMES.items())
             if kinds_n[code]}
    per_author = np.bincount(a["author"])
    per_author[:1] = 0  # code 0: no author
    authors = int(np.count_nonzero(per_author))
    shown = colfile.names_of(m)["author"]
    counts: dict[str, int] = {}
    if authors:
        k = min(top, authors)
        # Every author whose count reaches the top-th largest (ties included),
        # ranked by count then name as SQL would.
        floor = np.partition(per_author, per_author.size - k)[per_author.size - k]
        for c in np.flatnonzero(per_author >= max(int(floor), 1)).tolist():
            counts[shown(c)] = int(per_author[c])
    return {"collected": int(m.n), "authors": authors, "top_authors": _top_authors(counts, top),
            "kinds": kinds, "hashtags": _hashtags_from_columns(m, top)}


def _hashtags_from_columns(m: Any, top: int) -> list[dict[str, Any]]:
    """The most used hashtags, as _hashtags gives them, from the column
    file, counted as the facets count them. The SQL way reads every hashtag row (0.7 s at 6.8M posts, most of it
    finding each top tag's most used spelling)."""
    import numpy as np

    from viewer.index import colfile
    from viewer.textproc import normalize_tag

    a = m.arrays
    per_tag = colfile.posts_per_tag(np.bincount(a["taglist"]), a["taglists_off"], a["taglists_codes"])
    if not per_tag.size:
        return []
    per_tag[:1] = 0  # code 0: none
    shown = colfile.names_of(m)["hashtag"]
    nz = np.flatnonzero(per_tag)
    k = min(top, nz.size)
    floor = np.partition(per_tag[nz], nz.size - k)[nz.size - k] if k else 1
    ranked = sorted((-int(per_tag[c]), normalize_tag(shown(c)), shown(c))
                    for c in nz[per_tag[nz] >= max(int(floor), 1)].tolist())[:top]
    return [{"tag": tag, "count": -n} for n, _, tag in ranked]


# ---------------------------------------------------------------------------
# what SQL answers from an index
# ---------------------------------------------------------------------------


def _span(db: sqlite_utils.Database) -> tuple[str | None, str | None]:
    # Apart: SQLite answers a lone min() or max() from the index's end, but
    # scans the whole index for both at once.
    lo = db.execute("SELECT min(created_ts) FROM posts WHERE collected = 1").fetchone()[0]
    hi = db.execute("SELECT max(created_ts) FROM posts WHERE collected = 1").fetchone()[0]
    if lo is not None and _TS_FIXED_WIDTH[0] <= lo and hi <= _TS_FIXED_WIDTH[1]:
        at = "SELECT min(created_at) FROM posts WHERE collected = 1 AND created_ts = ?"
        return db.execute(at, [lo]).fetchone()[0], db.execute(at, [hi]).fetchone()[0]
    # A date before year 1000 or after 9999 (a hostile archive): read them all.
    first, last = db.execute("SELECT min(created_at), max(created_at) FROM posts WHERE collected = 1").fetchone()
    return first, last


def _hashtags(db: sqlite_utils.Database, top: int) -> list[dict[str, Any]]:
    """The most used hashtags of the collected posts, each in its most used
    written form: counted over the norm index, less the hashtags of posts
    known only as referenced originals (found through the collected index)."""
    counts = dict(db.execute("SELECT norm, count(*) FROM hashtags GROUP BY norm").fetchall())
    for norm, n in db.execute("SELECT h.norm, count(*) FROM posts p JOIN hashtags h ON h.post_id = p.id "
                              "WHERE p.collected = 0 GROUP BY h.norm"):
        counts[norm] -= n
    ranked = sorted(((-n, norm) for norm, n in counts.items() if n > 0 and norm is not None))[:top]
    out = []
    for n, norm in ranked:
        shown = db.execute("SELECT tag FROM hashtags WHERE norm = ? GROUP BY tag ORDER BY count(*) DESC, tag "
                           "LIMIT 1", [norm]).fetchone()[0]
        out.append({"tag": shown, "count": -n})
    return out
