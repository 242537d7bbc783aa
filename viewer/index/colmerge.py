"""A commit's column file made from the previous generation's, at a cost
that follows what the commit changed.

Rebuilding the column file (viewer.index.colfile) from every segment at
each commit read each post's values out of Whoosh (a Python byte string a
post and column), coded the names and sorted everything: 1.1 s CPU and
~100 bytes a post at a million posts, paid by a ten-post import, ten times
that at ten million. Yet a commit changes little: it marks some documents
deleted, adds new segments, and drops old segments whose documents are all
deleted (small ones folded into a new one). So the next generation's file
is the previous one with:

- the ranks of the newly deleted documents taken out (their ranks come
  from the previous file's docrank: nothing is read from Whoosh for them);
- the live documents of the new segments, read from Whoosh (those segments
  only), sorted by (time, post id) and merged in at the places a binary
  search of the previous time column gives (ties in time settled by post
  id over only the tied posts: `_positions`);
- the name tables extended: each written form of an author or hashtag is in
  the file with its code and how many documents carry it, found through a
  hash index (colfile.name_hash), so a form is looked up, never all of them
  decoded; new names get the next codes. Codes are never renumbered, so a
  carried file may number names in another order than a build from nothing:
  the posts' names are the same, which is what `verify` compares. The
  forms of dropped segments are counted out (reading those segments' names:
  this very commit rewrote their posts, so that is in proportion too), and
  each touched name's shown form is chosen again;
- hashtag lists of the new documents appended (a list may then be there
  twice: facets count through the tags, so that is harmless; a whole build
  writes each once).

Writing it (Merge): with few changes, each per-post array is copied from
the previous file as runs between them, by the kernel (copy_file_range: the
data never passes through this process), with the new values written in
between; the arrays whose values move (docrank, the ranks of the id index)
are streamed a piece of CHUNK values at a time through a step function of
the rank. With many changes (a large import) every array is streamed by
pieces. Memory holds a piece, the new documents and the tables, never a
whole array of the previous file; an import of millions is carried a group
of about GROUP documents at a time (`in_steps`), and a whole build is that
carry from an empty file, so memory is bounded by a group whatever the
index's size (an in-memory build of every column with its sort temporaries
held ~100 bytes a post: a gigabyte at ten million).

The new file is written under a temporary name and renamed, before the
commit's table of contents, as a whole build is. Whenever the previous file
cannot be carried (another layout, segments it does not describe, a
deletion it does not know, an id twice) the caller builds whole. A file
damaged on disk is carried as it is: `verify` reports it, and `reindex`
(or the next import after an interrupted one, which runs verify) builds it
whole.
"""
from __future__ import annotations

import logging
import os
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
from whoosh.index import Index
from whoosh.reading import IndexReader

from viewer.index import colfile, whoosh_internals
from viewer.index.columns import deleted_docs, segment_columns
from viewer.index.schema import NO_TIME, TAG_SEP
from viewer.textproc import normalize_handle, normalize_tag

log = logging.getLogger(__name__)

# Values per piece when an array is streamed from the old file to the new.
CHUNK = 1 << 18
# Up to this many ranks taken out and new values, an array is copied as runs
# of the previous file between them.
MAX_RUNS = 20_000
# Documents per step of a whole build: its memory is about 100 bytes a
# document of a step (plus 4 a segment's document), whatever the index's size.
GROUP = 1_000_000

_NEW_COLS = ("pid", "ts", "kind", "flags", "lang", "author_c", "tags_c")
_NAME_COLS = ("lang", "author_c", "tags_c")


class CannotCarry(Exception):
    """The previous file does not describe what this commit starts from."""


def carry_forward(ix: Index, prev: colfile.Mapped, segments: list[Any], dropped: list[Any], generation: int,
                  path: Path) -> bool:
    """Write the file of the generation made of `segments` at `path` from
    `prev` (the previous generation's file); False when it cannot be."""
    known = {sid for sid, _, _ in prev.segments}
    start = 0
    while start < len(segments) and segments[start].segment_id() in known:
        start += 1
    try:
        in_steps(ix, prev, segments, start, dropped, generation, path)
        return True
    except CannotCarry as e:
        log.info("column file rebuilt whole: %s", e)
        return False


def build_whole(ix: Index, segments: list[Any], generation: int, path: Path) -> None:
    """The file of `segments` built from nothing: an empty file carried
    forward. An in-memory build of every column with its sort temporaries
    held ~100 bytes a post (a gigabyte at ten million); this holds a
    group's worth (see in_steps)."""
    if not segments:
        write_empty(path)
        return
    empty = path.with_name(f"{path.name}.{os.getpid()}.empty.tmp")
    write_empty(empty)
    try:
        in_steps(ix, colfile.Mapped(empty), segments, 0, [], generation, path)
    finally:
        _unlink(empty)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def in_steps(ix: Index, prev: colfile.Mapped, segments: list[Any], start: int, dropped: list[Any],
             generation: int, path: Path) -> None:
    """Carry `prev` (describing segments[:start] as they were) forward to
    `segments`, the new ones (segments[start:]) a group of about GROUP
    documents at a time, each step reading only its group from Whoosh and
    writing an intermediate file: memory is bounded by a group whatever
    the sizes of the index and of the change; the price is rewriting the
    file once a group (~43 bytes a post each time). `prev` is closed."""
    ends: list[int] = []  # where each step's segments end
    docs = 0
    for i in range(start, len(segments)):
        n = segments[i].doc_count_all()
        if docs and docs + n > GROUP:
            ends.append(i)
            docs = 0
        docs += n
    ends.append(len(segments))
    steps = [path.with_name(f"{path.name}.{os.getpid()}.step{i}.tmp") for i in range(2)]
    try:
        for i, end in enumerate(ends):
            target = path if i == len(ends) - 1 else steps[i % 2]
            reader = whoosh_internals.reader_of_segments(ix, segments[:end], generation)
            gone = whoosh_internals.reader_of_segments(ix, dropped, generation) if dropped and not i else None
            try:
                carry(prev, reader, gone, target)
            finally:
                reader.close()
                if gone is not None:
                    gone.close()
                prev.close()
            if target != path:
                prev = colfile.Mapped(target)
    finally:
        prev.close()
        for step in steps:
            _unlink(step)


def write_empty(path: Path) -> None:
    """The file of an index with no documents."""
    header = {"n": 0, "total_docs": 0, "first_dated": 0, "segments": [], "shift": {},
              **colfile.lang_header(colfile.Names(str.lower))}
    parts: list[colfile.Part] = [(key, dtype, 0, np.zeros(0, dtype=dtype)) for key, dtype, _ in colfile.ROWS]
    tables = {**colfile.table_sections("author", [b""], [b""], [], [], []),
              **colfile.table_sections("tag", [b""], [b""], [], [], []), **colfile.taglist_sections([()])}
    parts += [(key, arr.dtype, int(arr.size), arr) for key, arr in tables.items()]
    colfile.write_parts(path, header, parts)


# ---------------------------------------------------------------------------
# name tables
# ---------------------------------------------------------------------------


def _lookup(hashes: np.ndarray, index: np.ndarray, off: np.ndarray, blob: np.ndarray,
            items: list[bytes]) -> list[int | None]:
    """Where each item is in a table of byte strings (off/blob) through its
    hash index; None for one that is not there."""
    if not items:
        return []
    hs = np.fromiter(map(colfile.name_hash, items), np.uint64, len(items))
    at = np.searchsorted(hashes, hs, side="left").tolist()
    out: list[int | None] = []
    size = hashes.size
    for item, h, i in zip(items, hs.tolist(), at, strict=True):
        found = None
        while i < size and int(hashes[i]) == h:
            j = int(index[i])
            if bytes(blob[int(off[j]):int(off[j + 1])]) == item:
                found = j
                break
            i += 1
        out.append(found)
    return out


def _appended(off: np.ndarray, blob: np.ndarray, items: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    if not items:
        return off, blob
    ends = int(off[-1]) + np.cumsum([len(b) for b in items], dtype=np.int64)
    if ends[-1] >= 2 ** 32:
        raise CannotCarry("a name table outgrows its offsets")
    return (np.concatenate([off, ends.astype(np.uint32)]),
            np.concatenate([blob, np.frombuffer(b"".join(items), dtype=np.uint8)]))


def _replaced(off: np.ndarray, blob: np.ndarray, changes: dict[int, bytes]) -> tuple[np.ndarray, np.ndarray]:
    """off/blob with the strings of some entries replaced."""
    if not changes:
        return off, blob
    lengths = np.diff(off.astype(np.int64))
    pieces: list[np.ndarray] = []
    last = 0
    for c in sorted(changes):
        pieces.append(blob[int(off[last]):int(off[c])])
        pieces.append(np.frombuffer(changes[c], dtype=np.uint8))
        lengths[c] = len(changes[c])
        last = c + 1
    pieces.append(blob[int(off[last]):int(off[-1])])
    new_off = np.zeros(lengths.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_off[1:])
    if new_off[-1] >= 2 ** 32:
        raise CannotCarry("a name table outgrows its offsets")
    return new_off.astype(np.uint32), np.concatenate(pieces)


def _hash_inserted(hashes: np.ndarray, index: np.ndarray, items: list[bytes],
                   first: int) -> tuple[np.ndarray, np.ndarray]:
    """The hash index with items numbered first, first+1, … added, in the
    order a rebuild's stable sort gives (hash, then number)."""
    if not items:
        return hashes, index
    hs = np.fromiter(map(colfile.name_hash, items), np.uint64, len(items))
    order = np.argsort(hs, kind="stable")
    hs = hs[order]
    at = np.searchsorted(hashes, hs, side="right")
    return np.insert(hashes, at, hs), np.insert(index, at, (order + first).astype(np.uint32))


class Table:
    """An author or hashtag table of a previous file, being extended."""

    FIELDS = ("off", "blob", "key_off", "key_blob", "khash", "kcode", "form_off", "form_blob", "form_code",
              "form_count", "fhash", "fidx")

    def __init__(self, m: colfile.Mapped, key: str, normalise: Callable[[str], str]):
        self.key = key
        self.normalise = normalise
        self.a = {f: m.arrays[f"{key}_{f}"] for f in self.FIELDS}
        self.codes = self.a["off"].size - 1
        self.forms = self.a["form_off"].size - 1
        self.new_keys: list[bytes] = []
        self.new_forms: list[bytes] = []
        self.new_form_code: list[int] = []
        self.new_form_count: list[int] = []
        self.delta: dict[int, int] = {}  # a previous form's number -> change of its count
        self.touched: set[int] = set()
        self.new_form_at: dict[bytes, int] = {}  # forms and names added by this carry
        self.new_key_at: dict[bytes, int] = {}

    def apply(self, deltas: dict[bytes, int]) -> dict[bytes, int]:
        """Count each form's documents in (positive) or out (negative);
        returns the code of each form."""
        a = self.a
        codes: dict[bytes, int] = {}
        rest: list[bytes] = []
        for raw, d in deltas.items():
            i = self.new_form_at.get(raw)
            if i is None:
                rest.append(raw)
                continue
            self.new_form_count[i] += d
            codes[raw] = self.new_form_code[i]
        unknown: dict[bytes, bytes] = {}  # raw -> normalised name of a form not in the table
        for raw, fi in zip(rest, _lookup(a["fhash"], a["fidx"], a["form_off"], a["form_blob"], rest),
                           strict=True):
            if fi is not None:
                c = codes[raw] = int(a["form_code"][fi])
                self.delta[fi] = self.delta.get(fi, 0) + deltas[raw]
                self.touched.add(c)
                continue
            if deltas[raw] < 0:
                raise CannotCarry(f"a {self.key} of a dropped segment is not in the previous file")
            name = self.normalise(raw.decode("utf-8", "replace")) or None
            if name is None:
                codes[raw] = 0
            else:
                unknown[raw] = name.encode("utf-8")
        keys = [k for k in dict.fromkeys(unknown.values()) if k not in self.new_key_at]
        for k, found in zip(keys, _lookup(a["khash"], a["kcode"], a["key_off"], a["key_blob"], keys),
                            strict=True):
            if found is None:
                found = self.codes + len(self.new_keys)
                self.new_keys.append(k)
            self.new_key_at[k] = int(found)
        for raw, k in unknown.items():
            c = codes[raw] = self.new_key_at[k]
            self.new_form_at[raw] = len(self.new_forms)
            self.new_forms.append(raw)
            self.new_form_code.append(c)
            self.new_form_count.append(deltas[raw])
            self.touched.add(c)
        return codes

    def sections(self) -> dict[str, np.ndarray]:
        a, key = self.a, self.key
        count = np.array(a["form_count"], dtype=np.int64)
        if self.delta:
            idx = np.fromiter(self.delta.keys(), np.int64, len(self.delta))
            count[idx] += np.fromiter(self.delta.values(), np.int64, len(self.delta))
        count = np.concatenate([count, np.asarray(self.new_form_count, dtype=np.int64)])
        form_code = np.concatenate([a["form_code"], np.asarray(self.new_form_code, dtype=np.uint32)])
        form_off, form_blob = _appended(a["form_off"], a["form_blob"], self.new_forms)
        key_off, key_blob = _appended(a["key_off"], a["key_blob"], self.new_keys)
        # The shown form of each touched name: its most used form (then the
        # greatest), as Names.shown chooses; a name with none left shows
        # its normalised form, as a rebuild would if it still had one.
        total = self.codes + len(self.new_keys)
        touched = np.zeros(total, dtype=bool)
        touched[np.fromiter(self.touched, np.int64, len(self.touched))] = True
        touched[0] = False
        best: dict[int, tuple[int, bytes]] = {}
        for fi in np.flatnonzero(touched[form_code]).tolist():
            n = int(count[fi])
            if n <= 0:
                continue
            c = int(form_code[fi])
            cand = (n, bytes(form_blob[int(form_off[fi]):int(form_off[fi + 1])]))
            if c not in best or cand > best[c]:
                best[c] = cand
        shown: dict[int, bytes] = {}
        for c in np.flatnonzero(touched).tolist():
            raw = best[c][1] if c in best else bytes(key_blob[int(key_off[c]):int(key_off[c + 1])])
            shown[c] = raw.decode("utf-8", "replace").encode("utf-8")
        off, blob = _replaced(a["off"], a["blob"], {c: s for c, s in shown.items() if c < self.codes})
        off, blob = _appended(off, blob, [shown[c] for c in range(self.codes, total)])
        out = {"off": off, "blob": blob, "key_off": key_off, "key_blob": key_blob}
        out["khash"], out["kcode"] = _hash_inserted(a["khash"], a["kcode"], self.new_keys, self.codes)
        out.update(form_off=form_off, form_blob=form_blob, form_code=form_code, form_count=count)
        out["fhash"], out["fidx"] = _hash_inserted(a["fhash"], a["fidx"], self.new_forms, self.forms)
        return {f"{key}_{f}": out[f] for f in self.FIELDS}


def _langs(header: dict[str, Any]) -> colfile.Names:
    """The language table of a previous file, as a build's Names."""
    names = colfile.Names(str.lower)
    names.names = list(header["langs"])
    names.codes = {k: c for c, k in enumerate(names.names)}
    names.forms = [Counter() for _ in names.names]
    for hexraw, c, n in header["lang_forms"]:
        raw = bytes.fromhex(hexraw)
        names.raw[raw] = int(c)
        names.forms[int(c)][raw] = int(n)
    return names


def _count_langs(names: colfile.Names, deltas: dict[bytes, int]) -> None:
    for raw, d in deltas.items():
        if d >= 0:
            names.code(raw, d)
            continue
        c = names.raw.get(raw)
        if c is None:
            raise CannotCarry("a language of a dropped segment is not in the previous file")
        if c:
            names.forms[c][raw] += d
            if names.forms[c][raw] <= 0:
                del names.forms[c][raw]


# ---------------------------------------------------------------------------
# merging ranks
# ---------------------------------------------------------------------------


def _positions(ts_old: np.ndarray, pid_old: np.ndarray, ts_n: np.ndarray, pid_n: np.ndarray) -> np.ndarray:
    """For each new post, how many of the previous generation's posts
    come before it in (time, post id) order. Only the previous posts that
    share a time with a new one are read (a binary search finds the rest)."""
    lo = np.searchsorted(ts_old, ts_n, side="left")
    hi = np.searchsorted(ts_old, ts_n, side="right")
    pos = lo.astype(np.int64)
    tie = np.flatnonzero(hi > lo)
    if not tie.size:
        return pos
    starts, first = np.unique(lo[tie], return_index=True)
    lens = (hi[tie][first] - starts).astype(np.int64)
    g = np.repeat(starts - np.cumsum(lens) + lens, lens) + np.arange(int(lens.sum()))
    g_ts, g_pid = np.asarray(ts_old[g]), np.asarray(pid_old[g])
    m = g.size
    # New before an equal previous one (an equal one is its old document).
    is_old = np.concatenate([np.ones(m, dtype=np.int8), np.zeros(tie.size, dtype=np.int8)])
    order = np.lexsort((is_old, np.concatenate([g_pid, pid_n[tie]]), np.concatenate([g_ts, ts_n[tie]])))
    old_sorted = order < m
    before: np.ndarray = np.cumsum(old_sorted) - old_sorted
    which = order[~old_sorted] - m
    c: np.ndarray = before[~old_sorted]
    prev = np.maximum(c - 1, 0)
    same = (c > 0) & (g_ts[prev] == ts_n[tie][which])
    pos[tie[which]] = np.where(same, g[prev] + 1, lo[tie[which]])
    return pos


class Merge:
    """Where the ranks go: `dead` (sorted previous ranks taken out) and
    `ins` (for each new value, in order, how many kept previous values
    come before it)."""

    def __init__(self, n_old: int, dead: np.ndarray, ins: np.ndarray):
        self.n_old = n_old
        self.dead = dead.astype(np.int64, copy=False)
        self.ins = ins.astype(np.int64, copy=False)
        self._f = self.dead - np.arange(dead.size)  # kept index -> ranks taken out before it
        self.out_new = self.ins + np.arange(ins.size)  # the new values' places in the result
        self.n = n_old - dead.size + ins.size
        self._step: tuple[np.ndarray, np.ndarray] | None = None

    def new_place(self, r: np.ndarray) -> np.ndarray:
        """The place in the result of kept previous values at places r."""
        if not (self.dead.size or self.ins.size):
            return r
        if self.dead.size + self.ins.size > MAX_RUNS:
            j = r - np.searchsorted(self.dead, r, side="left")
            return j + np.searchsorted(self.ins, j, side="right")
        if self._step is None:
            # Few changes: a kept rank moves by a step function of it (-1
            # past each rank taken out, +1 from the first kept rank a new
            # value precedes), one lookup instead of two.
            steps = np.concatenate([self.dead + 1, self.ins + np.searchsorted(self._f, self.ins, side="right")])
            moves = np.concatenate([np.full(self.dead.size, -1), np.ones(self.ins.size, dtype=np.int64)])
            order = np.argsort(steps, kind="stable")
            self._step = steps[order], np.concatenate([[0], np.cumsum(moves[order])])
        steps, moved = self._step
        return r + moved[np.searchsorted(steps, r, side="right")]

    def pieces(self, prev: colfile.Mapped, key: str, new: np.ndarray, dtype: Any,
               transform: Callable[[np.ndarray], np.ndarray] | None = None) -> Callable[[], Iterator[Any]]:
        """The merged array: previous values (optionally transformed) with
        the new ones in place. Untransformed, with few places that change,
        as runs of the previous file to copy (colfile.Copy: the kernel
        copies them) between the new values; else CHUNK values at a time."""
        if transform is None and self.dead.size + self.ins.size <= MAX_RUNS:
            return lambda: self._runs(prev, key, new)
        return lambda: self._chunks(prev, key, new, dtype, transform)

    def _runs(self, prev: colfile.Mapped, key: str, new: np.ndarray) -> Iterator[Any]:
        # Where, in previous ranks, the new values go (before rank R; a
        # dead rank is never one), and the dead ranks, in order.
        before = (self.ins + np.searchsorted(self._f, self.ins, side="right")).tolist()
        dead = self.dead.tolist()
        cur = i = d = 0
        while i < len(before) or d < len(dead):
            if d >= len(dead) or (i < len(before) and before[i] <= dead[d]):
                at, j = before[i], i
                while j < len(before) and before[j] == at:
                    j += 1
                if at > cur:
                    yield prev.span(key, cur, at)
                    cur = at
                yield new[i:j]
                i = j
            else:
                at = dead[d]
                if at > cur:
                    yield prev.span(key, cur, at)
                cur = at + 1
                d += 1
        if self.n_old > cur:
            yield prev.span(key, cur, self.n_old)

    def _chunks(self, prev: colfile.Mapped, key: str, new: np.ndarray, dtype: Any,
                transform: Callable[[np.ndarray], np.ndarray] | None) -> Iterator[np.ndarray]:
        for a in range(0, self.n, CHUNK):
            b = min(a + CHUNK, self.n)
            s0, s1 = (int(x) for x in np.searchsorted(self.out_new, [a, b]))
            cnt = (b - a) - (s1 - s0)
            if cnt:
                j0, j1 = a - s0, a - s0 + cnt - 1
                r0, r1 = (int(x) for x in np.array([j0, j1]) + np.searchsorted(self._f, [j0, j1], side="right"))
                span = prev.read(key, r0, r1 + 1)
                if span.size != cnt:  # ranks taken out in this piece
                    d0, d1 = np.searchsorted(self.dead, [r0, r1 + 1])
                    span = np.delete(span, self.dead[d0:d1] - r0)
                if transform is not None:
                    span = transform(span)
            else:
                span = np.zeros(0, dtype=dtype)
            if s1 > s0:
                span = np.insert(span, self.out_new[s0:s1] - a - np.arange(s1 - s0), new[s0:s1])
            yield span.astype(dtype, copy=False)


# ---------------------------------------------------------------------------
# the carry
# ---------------------------------------------------------------------------


def _docrank_chunks(prev: colfile.Mapped, poff: int, cnt: int) -> Iterator[tuple[int, np.ndarray]]:
    """A segment's previous docrank (it starts at poff and holds cnt
    values) read a CHUNK at a time, with where each piece starts."""
    for lo in range(0, cnt, CHUNK):
        yield lo, prev.read("docrank", poff + lo, poff + min(lo + CHUNK, cnt))


def _within(sorted_docs: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """The documents of a sorted array in lo..hi-1, counted from lo."""
    a, b = np.searchsorted(sorted_docs, [lo, hi])
    return sorted_docs[a:b] - lo


def _deleted(seg: IndexReader) -> np.ndarray:
    d = deleted_docs(seg)
    return np.fromiter(d, np.int64, len(d))


def _counts(col: list[bytes], sign: int, split: bool = False) -> dict[bytes, int]:
    """Documents per value (per hashtag of a list, with `split`)."""
    out: dict[bytes, int] = {}
    for raw, n in Counter(col).items():
        for v in (raw.split(TAG_SEP) if split else (raw,)):
            if v or not split:
                out[v] = out.get(v, 0) + sign * n
    return out


class _Coder:
    """The previous file's name tables and hashtag lists, extended by the
    documents of new segments (coded a segment at a time, so no segment's
    byte strings outlive it) and counted out for dropped ones."""

    def __init__(self, prev: colfile.Mapped):
        self.prev = prev
        self.langs = _langs(prev.header)
        self.authors = Table(prev, "author", normalize_handle)
        self.tags = Table(prev, "tag", normalize_tag)
        self.n_lists = prev.arrays["taglists_off"].size - 1
        self.list_code: dict[bytes, int] = {b"": 0}
        self.new_lists: list[tuple[int, ...]] = []

    def drop(self, seg: IndexReader) -> None:
        cols = segment_columns(seg, _NAME_COLS)
        _count_langs(self.langs, _counts(cols["lang"], -1))
        self.authors.apply(_counts(cols["author_c"], -1))
        self.tags.apply(_counts(cols["tags_c"], -1, split=True))

    def add(self, seg: IndexReader) -> dict[str, np.ndarray]:
        """The live documents of a new segment: pid, ts, kind, flags and
        the codes of lang, author, taglist, and `doc` (its number there)."""
        n = seg.doc_count_all()
        cols = segment_columns(seg, _NEW_COLS)
        _count_langs(self.langs, _counts(cols["lang"], 1))
        author_code = self.authors.apply(_counts(cols["author_c"], 1))
        tag_code = self.tags.apply(_counts(cols["tags_c"], 1, split=True))
        for raw in dict.fromkeys(cols["tags_c"]):
            if raw not in self.list_code:
                self.list_code[raw] = self.n_lists + len(self.new_lists)
                self.new_lists.append(tuple(dict.fromkeys(tag_code[v] for v in raw.split(TAG_SEP) if v)))
        live = np.ones(n, dtype=bool)
        live[_deleted(seg)] = False
        docs = np.flatnonzero(live)
        lang_raw = self.langs.raw
        return {
            "pid": np.asarray(cols["pid"], dtype=np.int64)[docs],
            "ts": np.asarray(cols["ts"], dtype=np.int64)[docs],
            "kind": np.frombuffer(bytes(cols["kind"]), dtype=np.uint8)[docs],
            "flags": np.frombuffer(bytes(cols["flags"]), dtype=np.uint8)[docs],
            # Past 255 languages (only in a hostile archive) the rest share code 255.
            "lang": np.minimum(np.fromiter(map(lang_raw.__getitem__, cols["lang"]), np.int64, n),
                               255).astype(np.uint8)[docs],
            "author": np.fromiter(map(author_code.__getitem__, cols["author_c"]), np.uint32, n)[docs],
            "taglist": np.fromiter(map(self.list_code.__getitem__, cols["tags_c"]), np.uint32, n)[docs],
            "doc": docs,
        }

    def tables(self) -> dict[str, np.ndarray]:
        out = {**self.authors.sections(), **self.tags.sections()}
        lists_off = self.prev.arrays["taglists_off"]
        ends = int(lists_off[-1]) + np.cumsum([len(t) for t in self.new_lists], dtype=np.int64)
        out["taglists_off"] = np.concatenate([lists_off, ends.astype(np.uint32)])
        out["taglists_codes"] = np.concatenate([self.prev.arrays["taglists_codes"],
                                                np.fromiter((c for t in self.new_lists for c in t), np.uint32)])
        return out


def carry(prev: colfile.Mapped, reader: IndexReader, gone: IndexReader | None, path: Path) -> None:
    """Write the file of `reader`'s segments at `path` from `prev`; `gone`
    reads the previous segments this generation drops."""
    sig = colfile.signature(reader)
    leaves = colfile.leaves(reader)
    prev_at: dict[str, tuple[int, int, int]] = {}
    off = 0
    for i, (sid, cnt, _) in enumerate(prev.segments):
        prev_at[sid] = (i, off, int(cnt))
        off += int(cnt)
    if off != prev.total_docs:
        raise CannotCarry("the previous file's documents do not add up")
    kept: list[tuple[Any, int, int, int]] = []
    new: list[tuple[Any, int]] = []
    last = -1
    for seg, offset in leaves:
        sid = seg.segment().segment_id()
        if sid not in prev_at:
            new.append((seg, offset))
            continue
        i, poff, cnt = prev_at[sid]
        if new or i <= last or cnt != seg.doc_count_all():
            raise CannotCarry("segments in another order than the previous file's")
        last = i
        kept.append((seg, offset, poff, cnt))
    kept_ids = {seg.segment().segment_id() for seg, _, _, _ in kept}
    gone_leaves = colfile.leaves(gone) if gone is not None else []
    if sorted(s.segment().segment_id() for s, _ in gone_leaves) != sorted(set(prev_at) - kept_ids):
        raise CannotCarry("a previous segment is neither kept nor dropped")

    # The previous ranks this commit takes out: documents it deleted in kept
    # segments, and every live one of a dropped segment.
    # A segment's docrank is read a CHUNK at a time: at ten million posts
    # one segment can hold most of them, and its ranks with their
    # temporaries whole were most of a large import's memory peak.
    dead_parts = [np.zeros(0, dtype=np.int64)]
    kept_deleted: list[np.ndarray] = []
    for seg, _, poff, cnt in kept:
        now = np.sort(_deleted(seg))
        for lo, sl in _docrank_chunks(prev, poff, cnt):
            was = np.flatnonzero(sl < 0) + lo
            if was.size and not np.isin(was, now).all():
                raise CannotCarry("a document the previous file has deleted is live")
            r = sl[_within(now, lo, lo + sl.size)]
            dead_parts.append(r[r >= 0].astype(np.int64))
        kept_deleted.append(now)
    for seg, _ in gone_leaves:
        _, poff, cnt = prev_at[seg.segment().segment_id()]
        for _lo, sl in _docrank_chunks(prev, poff, cnt):
            dead_parts.append(sl[sl >= 0].astype(np.int64))
    dead = np.sort(np.concatenate(dead_parts))
    del dead_parts
    if dead.size and np.any(np.diff(dead) == 0):
        raise CannotCarry("a rank is taken out twice")

    coder = _Coder(prev)
    for seg, _ in gone_leaves:
        coder.drop(seg)
    got: dict[str, list[np.ndarray]] = {}
    for seg, offset in new:
        for key, arr in coder.add(seg).items():
            got.setdefault(key, []).append(arr + offset if key == "doc" else arr)
    vals: dict[str, np.ndarray] = {}
    for key, dtype, _ in colfile.ROWS[:7]:
        parts_ = got.pop(key, [])
        vals[key] = np.concatenate(parts_) if parts_ else np.zeros(0, dtype=dtype)
    parts_ = got.pop("doc", [])
    vals["doc"] = np.concatenate(parts_) if parts_ else np.zeros(0, dtype=np.int64)
    del parts_
    order = np.lexsort((vals["pid"], vals["ts"]))
    for key in list(vals):  # one at a time: a second copy of all is ~35 bytes a post
        vals[key] = vals.pop(key)[order]
    del order

    a = prev.arrays
    n_old = prev.n
    pos = _positions(a["ts"], a["pid"], vals["ts"], vals["pid"])
    merge = Merge(n_old, dead, pos - np.searchsorted(dead, pos, side="left"))
    del pos

    # docrank: a kept segment's documents move to their new ranks; the new
    # segments' live documents get theirs. Made a segment at a time, twice
    # (for the header's shifts, then for the file), never whole.
    kept_total = sum(cnt for _, _, _, cnt in kept)
    total = kept_total + sum(seg.doc_count_all() for seg, _ in new)
    tail = np.full(total - kept_total, -1, dtype=np.int32)
    tail[vals.pop("doc") - kept_total] = merge.out_new

    def kept_docrank(i: int) -> Iterator[tuple[int, np.ndarray]]:
        """Segment i's new docrank, a CHUNK at a time, with where each
        piece starts in the segment."""
        _, _, poff, cnt = kept[i]
        now = kept_deleted[i]
        for lo, sl in _docrank_chunks(prev, poff, cnt):
            sl = sl.copy()
            sl[_within(now, lo, lo + sl.size)] = -1
            if dead.size or merge.ins.size:
                live = sl >= 0
                sl[live] = merge.new_place(sl[live].astype(np.int64))
            yield lo, sl

    def docrank_pieces() -> Iterator[np.ndarray]:
        for i in range(len(kept)):
            for _lo, piece in kept_docrank(i):
                yield piece
        yield tail

    shift: dict[int, int] = {}
    for i, (seg, offset, _, cnt) in enumerate(kept):
        if cnt and not seg.has_deletions():
            first: int | None = None
            for lo, d in kept_docrank(i):
                first = int(d[0]) if first is None else first
                if not np.array_equal(d, np.arange(first + lo, first + lo + d.size, dtype=np.int32)):
                    break
            else:
                if first is not None:
                    shift[offset] = first - offset
    for seg, offset in new:
        cnt = seg.doc_count_all()
        if cnt and not seg.has_deletions():
            d = tail[offset - kept_total:offset - kept_total + cnt]
            if np.array_equal(d, np.arange(int(d[0]), int(d[0]) + cnt, dtype=np.int32)):
                shift[offset] = int(d[0]) - offset

    # Post ids in id order: the dead ids out, the new ones in.
    bypid_old = a["bypid_pid"]
    dead_pids = np.asarray(a["pid"][dead]) if dead.size else np.zeros(0, dtype=np.int64)
    bdel = np.searchsorted(bypid_old, dead_pids)
    if bdel.size and (np.any(bdel >= n_old) or not np.array_equal(bypid_old[np.minimum(bdel, n_old - 1)],
                                                                   dead_pids)):
        raise CannotCarry("the previous file's id index misses an id")
    bdel.sort()
    by_id = np.argsort(vals["pid"], kind="stable")
    pn = vals["pid"][by_id]
    if pn.size > 1 and np.any(np.diff(pn) == 0):
        raise CannotCarry("a post id twice among the new documents")
    q = np.searchsorted(bypid_old, pn, side="left")
    if n_old and q.size:
        hit = (q < n_old) & (np.asarray(bypid_old[np.minimum(q, n_old - 1)]) == pn)
        if np.any(hit & ~np.isin(q, bdel)):
            raise CannotCarry("a new document's post id is already in the generation")
    by_id_merge = Merge(n_old, bdel, q - np.searchsorted(bdel, q, side="left"))
    rank_by_id = merge.out_new[by_id].astype(np.int32)
    del q, by_id

    first_dated = (prev.first_dated - int(np.searchsorted(dead, prev.first_dated, side="left"))
                   + int(np.count_nonzero(vals["ts"] <= NO_TIME)))
    header = {"n": merge.n, "total_docs": total, "first_dated": first_dated, "segments": sig,
              "shift": {str(o): v for o, v in shift.items()}, **colfile.lang_header(coder.langs)}

    parts: list[colfile.Part] = []
    for key, dtype, _ in colfile.ROWS:
        if key == "docrank":
            parts.append((key, dtype, total, docrank_pieces))
        elif key == "bypid_pid":
            parts.append((key, dtype, by_id_merge.n, by_id_merge.pieces(prev, key, pn, dtype)))
        elif key == "bypid_rank":
            parts.append((key, dtype, by_id_merge.n, by_id_merge.pieces(
                prev, key, rank_by_id, dtype, lambda r: merge.new_place(r.astype(np.int64)).astype(np.int32))))
        else:
            parts.append((key, dtype, merge.n, merge.pieces(prev, key, vals[key], dtype)))
    tables = coder.tables()
    parts += [(key, arr.dtype, int(arr.size), arr) for key, arr in tables.items()]
    colfile.write_parts(path, header, parts)
