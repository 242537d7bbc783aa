"""The per-post columns of one index generation, ordered by time: mapped
from the generation's column file (viewer.index.colfile) when it has one,
built in memory from the segments otherwise (an index written before
column files, or whose file is missing); and the curation tables a search
reads live."""
from __future__ import annotations

from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

import numpy as np

from viewer.index import KIND_CODES, colfile
from viewer.search.masks import ones

# A language with at least 1/LANG_MASK_SHARE of the posts gets a mask of its
# own (a byte per post) for the lang: filter.
LANG_MASK_SHARE = 200

# ---------------------------------------------------------------------------
# the columns of one index generation
# ---------------------------------------------------------------------------


class Names:
    """A generation's table of values: `shown(code)` is the value as facets
    show it, `codes` maps a normalised value to its code (built on first
    use)."""

    def __init__(self, shown: Callable[[int], str], normalised: Callable[[], list[Any]] | None = None):
        self._shown = shown
        self._normalised = normalised

    def shown(self, code: int) -> str:
        return self._shown(int(code))

    @cached_property
    def codes(self) -> dict[Any, int]:
        values = self._normalised() if self._normalised is not None else []
        return {v: c for c, v in enumerate(values) if v is not None}


def _view(arr: np.ndarray, fmt: str) -> memoryview:
    """A memoryview over a numpy array that indexes to Python ints (what the
    bisect and map based code paths want), without a copy."""
    view: Any = np.ascontiguousarray(arr).data  # typed loosely: cast() wants a literal format
    return view.cast("B").cast(fmt)


@dataclass(frozen=True)
class Picked:
    """The ranks facets count over: those of the selection, or, when it
    holds most of the collection, those outside it, taken from the whole
    collection's counts (a negation that keeps 90 % of ten million posts
    then counts one million)."""
    ranks: np.ndarray
    outside: bool


class Generation:
    """Every live document of one index generation, by rank (time order).

    `cols` holds numpy arrays (pid, ts, kind, flags, lang, author, taglist,
    docrank, bypid_pid, bypid_rank), views of a memory mapping or arrays in
    memory; what a query needs beyond them (masks) is made on first use."""

    def __init__(self, reader: Any, cols: dict[str, np.ndarray], n: int, total_docs: int, first_dated: int,
                 shift: dict[int, int], names: dict[str, Names], taglists: Callable[[], tuple[np.ndarray,
                                                                                          np.ndarray]],
                 source: str, keep: Any = None):
        self.reader = reader
        self.cols = cols
        self.n = n
        self.total_docs = total_docs
        self.first_dated = first_dated
        self.shift = shift
        self._wholes: dict[str, np.ndarray] = {}
        self.names = names
        self._taglists = taglists
        self.source = source  # "file" (mapped) or "memory" (built at open)
        self._keep = keep  # the mapping, alive as long as the views
        self.pids = _view(cols["pid"], "q")
        self.ts = _view(cols["ts"], "q")
        self.docrank = _view(cols["docrank"], "i")

    @classmethod
    def mapped(cls, reader: Any, m: colfile.Mapped) -> "Generation":
        a = m.arrays
        shown = colfile.names_of(m)
        langs = m.header["langs"]
        names = {"lang": Names(shown["lang"], lambda: langs), "author": Names(shown["author"]),
                 "tag": Names(shown["hashtag"])}
        return cls(reader, a, m.n, m.total_docs, m.first_dated, m.shift, names,
                   lambda: (a["taglists_off"], a["taglists_codes"]), "file", m)

    @classmethod
    def built(cls, reader: Any) -> "Generation":
        b = colfile.build(reader)
        names = {"lang": Names(b.langs.shown, lambda: b.langs.names), "author": Names(b.authors.shown),
                 "tag": Names(b.tags.shown)}

        def taglists() -> tuple[np.ndarray, np.ndarray]:
            off = np.zeros(len(b.taglists) + 1, dtype=np.int64)
            np.cumsum([len(t) for t in b.taglists], out=off[1:])
            return off, np.fromiter((c for t in b.taglists for c in t), np.uint32)

        return cls(reader, b.arrays, b.n, b.total_docs, b.first_dated, b.shift, names, taglists, "memory")

    # -- what the evaluation reads ---------------------------------------------
    @cached_property
    def all(self) -> int:
        return ones(self.n)

    @cached_property
    def flags(self) -> bytes:
        return self.cols["flags"].tobytes()

    @cached_property
    def lang(self) -> bytes:
        return self.cols["lang"].tobytes()

    @cached_property
    def kind_masks(self) -> dict[int, int]:
        kind = self.cols["kind"]
        return {c: _mask(kind == c) for c in KIND_CODES.values()}

    @cached_property
    def lang_masks(self) -> dict[int, int]:
        """Masks of the languages with a fair share of the posts."""
        counts = np.bincount(self.cols["lang"], minlength=256)
        lang = self.cols["lang"]
        return {int(c): _mask(lang == c) for c in np.flatnonzero(counts * LANG_MASK_SHARE >= max(self.n, 1))}

    def lang_mask(self, code: int) -> int:
        m = self.lang_masks.get(code)
        return m if m is not None else _mask(self.cols["lang"] == code)

    # -- facets: counts over a selection (a byte per rank, 0 or 1) -------------
    def picked(self, sel: bytes, total: int) -> Picked:
        """Computed once per result set, then used for every facet."""
        b = np.frombuffer(sel, dtype=np.uint8)
        if 2 * total > b.size:
            return Picked(np.flatnonzero(b == 0), True)
        if total * 64 > b.size:
            return Picked(np.flatnonzero(b), False)
        # Few hits: find the 8-byte words that hold one, then look inside
        # those only (an eighth of the scan).
        whole = b.size // 8 * 8
        words = np.flatnonzero(b[:whole].view(np.uint64))
        cand = (words[:, None] * 8 + np.arange(8)).ravel()
        tail = np.flatnonzero(b[whole:]) + whole
        return Picked(np.concatenate([cand[b[cand] != 0], tail]), False)

    def _count(self, column: np.ndarray, p: Picked, whole_key: str) -> np.ndarray:
        counts = np.bincount(column[p.ranks])
        if not p.outside:
            return counts
        whole = self._whole_counts(whole_key, column)
        out = whole.copy()
        out[:counts.size] -= counts
        return out

    def _whole_counts(self, key: str, column: np.ndarray) -> np.ndarray:
        # Per generation, counted at the first search that needs it.
        found = self._wholes.get(key)
        if found is None:
            found = self._wholes[key] = np.bincount(column)
        return found

    def counts(self, key: str, p: Picked) -> dict[int, int]:
        """Posts per code of the `author`, `lang` or `kind` column."""
        return _nonzero(self._count(self.cols[key], p, key))

    def hashtag_counts(self, p: Picked) -> dict[int, int]:
        """Posts per hashtag code: posts per distinct hashtag list first
        (most posts share a few lists), then spread over their tags."""
        per_list = self._count(self.cols["taglist"], p, "taglist")
        off, codes = self._taglists()
        return _nonzero(colfile.posts_per_tag(per_list, off, codes))

    # -- ids and time ------------------------------------------------------------
    def ids_of(self, sel: bytes, newest_first: bool) -> np.ndarray:
        ids = self.cols["pid"][np.frombuffer(sel, dtype=np.bool_)]
        return ids[::-1] if newest_first else ids

    def ids_at(self, ranks: Any) -> list[int]:
        return self.cols["pid"][np.asarray(ranks, dtype=np.int64)].tolist() if len(ranks) else []

    def ranks_of(self, pids: list[int]) -> np.ndarray:
        """The rank of each post id (-1 for one not in this generation)."""
        by_pid, by_rank = self.cols["bypid_pid"], self.cols["bypid_rank"]
        want = np.asarray(pids, dtype=np.int64)
        if not by_pid.size or not want.size:
            return np.full(want.size, -1, dtype=np.int64)
        i = np.minimum(np.searchsorted(by_pid, want), by_pid.size - 1)
        return np.where(by_pid[i] == want, by_rank[i], -1).astype(np.int64)

    def rank_of(self, pid: int) -> int:
        return int(self.ranks_of([pid])[0])

    def time_range(self, start: int | None, end: int | None) -> tuple[int, int]:
        lo = self.first_dated if start is None else max(self.first_dated, bisect_left(self.ts, start))
        hi = self.n if end is None else bisect_left(self.ts, end)
        return lo, hi


def _mask(flags: np.ndarray) -> int:
    return int.from_bytes(flags.view(np.uint8).tobytes(), "little")


def _nonzero(counts: np.ndarray) -> dict[int, int]:
    nz = np.flatnonzero(counts)
    return dict(zip(nz.tolist(), counts[nz].tolist(), strict=True))


def open_generation(reader: Any, index_dir: Path, name: str) -> Generation:
    """The generation `reader` reads: mapped from its column file when that
    was built from exactly these segments, else built in memory."""
    m = colfile.open_for(index_dir, name, reader.generation(), colfile.signature(reader))
    return Generation.mapped(reader, m) if m is not None else Generation.built(reader)


# ---------------------------------------------------------------------------
# curator tags and notes, live from SQLite
# ---------------------------------------------------------------------------


class Curation:
    """post_tags, tags and notes, as rank lists per tag; reloaded whenever
    the database changed (any commit, on any connection), so a tag applied
    a moment ago is searchable now, without touching the index."""

    def __init__(self) -> None:
        self.key: Any = None
        self.tag_ranks: dict[int, array] = {}  # tag id → ranks
        self.tag_names: dict[int, str] = {}
        self.note_ranks = array("i")

    def refresh(self, db: Any, gen: Generation) -> None:
        conn = db.conn
        key = (id(gen), conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
        if key == self.key:
            return
        self.tag_names = {tid: name for tid, name in conn.execute("SELECT id, name FROM tags")}
        rows = conn.execute("SELECT tag_id, post_id FROM post_tags ORDER BY tag_id").fetchall()
        by_tag: dict[int, array] = {}
        if rows:
            tids = np.fromiter((t for t, _ in rows), np.int64, len(rows))
            ranks = gen.ranks_of([p for _, p in rows])
            keep = ranks >= 0
            tids, ranks = tids[keep], ranks[keep]
            bounds = np.flatnonzero(np.diff(tids)) + 1
            for part_t, part_r in zip(np.split(tids, bounds), np.split(ranks, bounds), strict=True):
                if part_t.size:
                    by_tag[int(part_t[0])] = array("i", part_r.astype(np.int32).tobytes())
        self.tag_ranks = by_tag
        notes = [pid for (pid,) in conn.execute("SELECT DISTINCT post_id FROM notes")]
        note_ranks = gen.ranks_of(notes)
        self.note_ranks = array("i", note_ranks[note_ranks >= 0].astype(np.int32).tobytes())
        self.key = key

    def tag_ids(self, name: str) -> list[int]:
        """Tags named so (case and spacing aside: a curator types them)."""
        want = " ".join(name.split()).casefold()
        return [tid for tid, n in self.tag_names.items() if " ".join((n or "").split()).casefold() == want]


def empty_generation() -> Generation:
    """The generation of a collection with no index yet: nothing matches."""
    z8, zi = np.zeros(0, dtype=np.uint8), np.zeros(0, dtype=np.int64)
    cols: dict[str, np.ndarray] = {
        "pid": zi, "ts": zi, "kind": z8, "flags": z8, "lang": z8, "author": zi.astype(np.uint32),
        "taglist": zi.astype(np.uint32), "docrank": zi.astype(np.int32), "bypid_pid": zi,
        "bypid_rank": zi.astype(np.int32)}
    names = {k: Names(lambda c: "") for k in ("lang", "author", "tag")}
    return Generation(None, cols, 0, 0, 0, {}, names,
                      lambda: (np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint32)), "memory")
