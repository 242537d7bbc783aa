"""The LSH band keys of every clustered post, on disk in the collection
folder (mapped while small, read where needed once big), so that an
import opens them without reading them and its memory grows with its
batch, not with the collection.

    <collection>/text_bands/state.json      what the files hold (the manifest)
    <collection>/text_bands/ids.i8          post id of each position (int64)
    <collection>/text_bands/sketches.u1     64-byte sketch of each position
    <collection>/text_bands/NNNNNNNN.keys   a run: band keys, sorted (uint32)
    <collection>/text_bands/NNNNNNNN.pos    the position of each key's post (int32)
    <collection>/text_bands/NNNNNNNN.fence  every FENCE-th key of the run, read into memory

A log-structured merge tree: adding a batch writes it as a new sorted run,
then merges the last two runs while the older is no more than twice the
newer (as the in-memory index of the version before did: the runs, and so
the lookups, are the same), so there are O(log n) runs and a key is rewritten O(log n) times.
A merge streams both runs in blocks of `BLOCK` keys; nothing the size of
the collection is ever sorted or held in memory.

A lookup finds a key's block through the run's fence (in memory: 1/64 of
the run), then reads that block of 64 keys (256 bytes; blocks close
together in one read), so a query reads one block. Small files are mapped; big ones are read, not mapped, so that
what an import holds is what its batch asked for (see `_Run`).

Changes are made in new files; `state.json` names the files that hold
committed data and is replaced in one rename (`commit`). Until then a
crash or `rollback` leaves the previous state whole: files it does not
name are deleted, and the position arrays cut back, the next time the
store is locked. The caller stores in the manifest (`tag`) what it needs
to tell whether the files agree with its own source of truth. One writer
at a time: `lock` takes an flock held until the changes are committed or
rolled back.
"""
from __future__ import annotations

import json
import mmap
import os
from pathlib import Path
from typing import Any, BinaryIO, Literal

import numpy as np

try:
    import fcntl
except ImportError:  # Windows: one writer is the import lock's business alone
    fcntl = None  # type: ignore[assignment]

VERSION = 1
STATE = "state.json"
LOCK = "lock"
IDS = "ids.i8"
SKETCHES = "sketches.u1"
# Keys of a run per entry of its fence: 1/64 of the keys in memory, and a
# block of 256 bytes (one page, rarely two) read per query.
FENCE = 64
# Keys per step of a merge (2 MB of keys and 2 MB of positions a side,
# about 35 MB in all with the sort's temporaries).
BLOCK = 1 << 19
# Rows of a file this close are read together (see _read_rows).
GAP_BYTES = 4096
# Queries of a big run looked up together: what is read at once stays
# under SLICE * GAP_BYTES (16 MB).
SLICE = 4096
# A file up to this size is mapped; a bigger one is read where needed (see _Run).
SMALL_BYTES = 8 << 20


def _map(path: Path, dtype: Any, count: int, width: int = 1) -> np.ndarray:
    """`count` rows of a file, mapped read-only (an empty array for none)."""
    shape = (count, width) if width > 1 else (count,)
    if count == 0:
        return np.empty(shape, dtype=dtype)
    size = count * width * np.dtype(dtype).itemsize
    with open(path, "rb") as f:
        mm = mmap.mmap(f.fileno(), size, access=mmap.ACCESS_READ)
    return np.frombuffer(mm, dtype=dtype, count=count * width).reshape(shape)


def _pread(f: BinaryIO, size: int, offset: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(f.fileno(), size, offset)
    f.seek(offset)  # Windows
    return f.read(size)


def _read_range(f: BinaryIO, start: int, stop: int, dtype: str) -> np.ndarray:
    """Rows start to stop of a file of `dtype` values, read (not mapped)."""
    item = np.dtype(dtype).itemsize
    return np.frombuffer(_pread(f, (stop - start) * item, start * item), dtype=dtype)


def _read_rows(f: BinaryIO, rows: np.ndarray, row_bytes: int) -> np.ndarray:
    """Some rows (sorted, distinct) of a file of `row_bytes`-byte rows, as
    uint8 (len(rows), row_bytes). Rows less than GAP_BYTES apart are read
    together: a read of a few KB costs what a read of a few bytes does, and
    where an import asks for much of a file (a large batch, a small file)
    it is read in long stretches. Rows past the end read as 0xFF bytes."""
    n = len(rows)
    if n == 0:
        return np.empty((0, row_bytes), dtype=np.uint8)
    gap = max(1, GAP_BYTES // row_bytes)
    brk = np.flatnonzero(np.diff(rows) > gap) + 1
    first = rows[np.concatenate(([0], brk))]
    last = rows[np.concatenate((brk - 1, [n - 1]))]
    lens = (last - first + 1) * row_bytes
    parts = [_pread(f, size, off) for size, off in zip(lens.tolist(), (first * row_bytes).tolist(), strict=True)]
    short = sum(lens.tolist()) - sum(map(len, parts))
    if short:  # the file's last row, cut short: as a run's last block is
        parts = [p + b"\xff" * (int(size) - len(p)) for p, size in zip(parts, lens.tolist(), strict=True)]
    # Whole rows end to end: row k of the result is row `at[k]` of the reads.
    read = np.frombuffer(b"".join(parts), dtype=f"V{row_bytes}")
    group = np.repeat(np.arange(len(first)), np.diff(np.concatenate(([0], brk, [n]))))
    base = np.concatenate(([0], np.cumsum(last - first + 1)[:-1]))
    at = base[group] + (rows - first[group])
    return read[at].view(np.uint8).reshape(n, row_bytes)


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError:  # mapped on Windows: the next lock's sweep removes it
        return


def read_state(folder: Path, bands: int, sketch_row: int) -> dict | None:
    """A folder's manifest, or None when it or a file it names is missing,
    cut short or of another version."""
    try:
        state = json.loads((folder / STATE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    try:
        if state.get("version") != VERSION or state.get("bands") != bands:
            return None
        n = int(state["n"])
        for name, length in state["runs"]:
            for ext, size in (("keys", 4 * length), ("pos", 4 * length), ("fence", 4 * -(-length // FENCE))):
                if (folder / f"{name}.{ext}").stat().st_size != size:
                    return None
        if n and ((folder / IDS).stat().st_size < 8 * n
                  or (folder / SKETCHES).stat().st_size < sketch_row * n):
            return None
    except (OSError, KeyError, TypeError, ValueError):
        return None
    return state


class _Run:
    """One sorted run of band keys and their positions. A small run is
    mapped (its pages stay: a few MB); a big one is read a block at a time,
    never mapped, since the kernel maps a whole folio of the page cache
    (64 KB or more) for each page touched, and random lookups would soon
    have the whole file counted in the process's memory."""

    def __init__(self, folder: Path, name: str, length: int):
        self.name, self.length = name, length
        self.big = length * 4 > SMALL_BYTES
        self.files = [open(folder / f"{name}.{ext}", "rb") for ext in ("keys", "pos")] if length else []
        if not self.big:
            self.keys = _map(folder / f"{name}.keys", "<u4", length)
            self.pos = _map(folder / f"{name}.pos", "<i4", length)
        self.fence = np.fromfile(folder / f"{name}.fence", dtype="<u4") if length else np.empty(0, dtype="<u4")

    def read(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Keys and positions start to stop (for a merge)."""
        return _read_range(self.files[0], start, stop, "<u4"), _read_range(self.files[1], start, stop, "<i4")

    def bound(self, key: int, side: Literal["left", "right"]) -> int:
        if not self.big:
            return int(np.searchsorted(self.keys, np.uint32(key), side))
        return int(self._bounds(np.array([key], dtype=np.uint32), side)[0][0])

    def _bounds(self, q: np.ndarray, side: Literal["left", "right"]) -> tuple[np.ndarray, np.ndarray]:
        """np.searchsorted(keys, q, side) for a big run, reading only the
        block of FENCE keys where each answer lies (blocks close together
        in one read); and the key there (-1 past the end)."""
        n, last_fence = self.length, len(self.fence) - 1
        j = np.searchsorted(self.fence, q, side).astype(np.int64)
        lim = np.minimum(j * FENCE, n)  # the answer lies in [lim - FENCE, lim]
        blocks = np.unique(j[j > 0] - 1)
        if not len(blocks):
            return lim, np.where(lim < n, self.fence[np.minimum(j, last_fence)].astype(np.int64), -1)
        brk = np.flatnonzero(np.diff(blocks) > max(1, GAP_BYTES // (4 * FENCE))) + 1
        first = blocks[np.concatenate(([0], brk))] * FENCE
        end = np.minimum((blocks[np.concatenate((brk - 1, [len(blocks) - 1]))] + 1) * FENCE, n)
        f = self.files[0]
        # The blocks read, end to end, are still sorted: one search for all.
        cat = np.frombuffer(b"".join([_pread(f, 4 * (e - s), 4 * s) for s, e in
                                      zip(first.tolist(), end.tolist(), strict=True)]), dtype="<u4")
        starts = np.concatenate(([0], np.cumsum(end - first)[:-1]))
        i = np.searchsorted(cat, q, side)
        seg = np.searchsorted(starts, i, "right") - 1
        mapped = first[seg] + (i - starts[seg])
        # Past its block, the first key not read is fence[j], not before q.
        at = np.minimum(mapped, lim)
        read = (mapped == at) & (i < len(cat))
        key = np.where(read, cat[np.minimum(i, len(cat) - 1)], self.fence[np.minimum(j, last_fence)]).astype(np.int64)
        return at, np.where(at < n, key, -1)

    def lookup(self, sk: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For sorted keys: the index of those found, and the [lo, hi) range
        of each in the run."""
        if not self.big:
            lo = np.searchsorted(self.keys, sk, "left")
            found = lo < self.length
            found[found] = self.keys[lo[found]] == sk[found]
            hit = np.flatnonzero(found)
            return hit, lo[hit], np.searchsorted(self.keys, sk[hit], "right")
        hits, los, his = [], [], []
        for s in range(0, len(sk), SLICE):
            q = sk[s:s + SLICE]
            lo, key = self._bounds(q, "left")
            hit = np.flatnonzero(key == q)
            if len(hit):
                hits.append(hit + s)
                los.append(lo[hit])
                his.append(self._bounds(q[hit], "right")[0])
        if not hits:
            e = np.empty(0, dtype=np.int64)
            return e, e, e
        return np.concatenate(hits), np.concatenate(los), np.concatenate(his)

    def positions(self, idx: np.ndarray) -> np.ndarray:
        if not self.big:
            return np.asarray(self.pos[idx], dtype=np.int32)
        u, inv = np.unique(idx, return_inverse=True)
        return _read_rows(self.files[1], u, 4).view("<i4").ravel()[inv].astype(np.int32)


class _Column:
    """An append-only array file (ids or sketches): mapped while small,
    read row by row once big (see _Run)."""

    def __init__(self, path: Path, dtype: str, width: int = 1):
        self.path, self.dtype, self.width = path, dtype, width
        self.row = np.dtype(dtype).itemsize * width
        self.array = _map(path, dtype, 0, width)
        self.file: BinaryIO | None = None

    def take(self, idx: np.ndarray, n: int) -> np.ndarray:
        if n * self.row <= SMALL_BYTES:
            if len(idx) and int(idx.max()) >= len(self.array):
                self.array = _map(self.path, self.dtype, n, self.width)
            return self.array[idx]
        if self.file is None:
            self.file = open(self.path, "rb")
        u, inv = np.unique(idx, return_inverse=True)
        raw = np.empty((len(u), self.row), dtype=np.uint8)
        for s in range(0, len(u), SLICE):  # each read stays under SLICE * GAP_BYTES
            raw[s:s + SLICE] = _read_rows(self.file, u[s:s + SLICE], self.row)
        rows = raw.view(self.dtype)
        return (rows.reshape(len(u), self.width) if self.width > 1 else rows.ravel())[inv]

    def append(self, values: np.ndarray, at: int) -> None:
        with open(self.path, "r+b" if self.path.exists() else "wb") as f:
            f.seek(at * self.row)
            f.write(np.ascontiguousarray(values, dtype=self.dtype).tobytes())

    def cut(self, n: int) -> None:
        """Drop what lies after row n (written by changes never committed)."""
        if self.path.exists() and self.path.stat().st_size > n * self.row:
            self.array = _map(self.path, self.dtype, 0, self.width)
            try:
                os.truncate(self.path, n * self.row)
            except OSError:  # still mapped (Windows): harmless, `append` writes over it
                pass


class BandStore:
    """The runs of a folder (see the module's docstring). `tag` is the
    caller's note of what the committed files hold; None when there are
    no usable files (missing, damaged or of another version)."""

    def __init__(self, folder: Path, bands: int, sketch_bytes: int):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.bands = bands
        self.ids = _Column(self.folder / IDS, "<i8")
        self.sketches = _Column(self.folder / SKETCHES, "u1", sketch_bytes)
        self._lock: BinaryIO | None = None
        self._load(self._read_state())

    # -- state -----------------------------------------------------------------------

    def _read_state(self) -> dict | None:
        return read_state(self.folder, self.bands, self.sketches.row)

    @staticmethod
    def peek(folder: Path, bands: int, sketch_bytes: int) -> dict | None:
        """The committed tag of a folder's files, or None, without opening them."""
        state = read_state(Path(folder), bands, sketch_bytes)
        return None if state is None else state.get("tag")

    def _load(self, state: dict | None) -> None:
        self.state = state
        s = state or {"n": 0, "runs": [], "seq": 0, "serial": 0}
        self.n = int(s["n"])
        self.seq = int(s["seq"])
        self.runs = [_Run(self.folder, name, length) for name, length in s["runs"]]
        self.committed_names = {name for name, _ in s["runs"]}
        self.dirty = False

    @property
    def tag(self) -> dict | None:
        return None if self.state is None else self.state.get("tag")

    @property
    def entries(self) -> int:
        return sum(r.length for r in self.runs)

    def lock(self) -> None:
        """Become the writer: waits for another one to commit or roll back,
        then takes up what it committed and sweeps away what a writer that
        died left behind."""
        if self._lock is not None:
            return
        self._lock = open(self.folder / LOCK, "a+b")
        if fcntl is not None:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX)
        state = self._read_state()
        if state != self.state:
            self._load(state)
        self._sweep()

    def unlock(self) -> None:
        if self._lock is not None and not self.dirty:
            self._lock.close()  # releases the flock
            self._lock = None

    def _sweep(self) -> None:
        keep = {STATE, LOCK, IDS, SKETCHES}
        keep |= {f"{n}.{e}" for n in self.committed_names for e in ("keys", "pos", "fence")}
        for p in self.folder.iterdir():
            if p.name not in keep:
                _unlink(p)
        self.ids.cut(self.n)
        self.sketches.cut(self.n)

    def commit(self, tag: dict) -> None:
        """Make the current files the committed state, noted with `tag`."""
        serial = (self.state or {}).get("serial", 0) + 1
        state = {"version": VERSION, "bands": self.bands, "serial": serial, "n": self.n, "seq": self.seq,
                 "runs": [[r.name, r.length] for r in self.runs], "tag": tag}
        tmp = self.folder / (STATE + ".tmp")
        tmp.write_text(json.dumps(state), "utf-8")
        os.replace(tmp, self.folder / STATE)
        old = self.committed_names
        self.state = state
        self.committed_names = {r.name for r in self.runs}
        self.dirty = False
        for name in old - self.committed_names:
            self._delete(name)

    def rollback(self) -> None:
        """Back to the committed state (the transaction these changes went
        with did not commit)."""
        if self.dirty:
            self._load(self.state)
            self._sweep()

    def reset(self, tag: dict) -> None:
        """Forget everything (committed at once: no files agree with nothing)."""
        self.lock()
        self.runs, self.n = [], 0
        self.committed_names = set()
        self.state = None
        for p in self.folder.iterdir():
            if p.name != LOCK:
                _unlink(p)
        self.ids = _Column(self.folder / IDS, "<i8")
        self.sketches = _Column(self.folder / SKETCHES, "u1", self.sketches.width)
        self.commit(tag)

    def release(self) -> None:
        """Let go of what was read for the last batch (the small files'
        mappings stay: they are bounded)."""
        self.ids.file = self.sketches.file = None

    # -- writing -----------------------------------------------------------------------

    def _delete(self, name: str) -> None:
        for ext in ("keys", "pos", "fence"):
            _unlink(self.folder / f"{name}.{ext}")

    def _new_name(self) -> str:
        self.seq += 1
        return f"{self.seq:08d}"

    def add(self, ids: np.ndarray, keys: np.ndarray, sketches: np.ndarray) -> np.ndarray:
        """Adds posts (ids, their keys: one row of `bands` each, and their
        sketches); returns their positions. Uncommitted until `commit`."""
        self.lock()
        self.dirty = True
        m = len(ids)
        pos = np.arange(self.n, self.n + m, dtype=np.int32)
        if m == 0:
            return pos
        self.ids.append(ids, self.n)
        self.sketches.append(sketches, self.n)
        self.n += m
        flat = keys.ravel()
        order = np.argsort(flat, kind="stable")
        name = self._new_name()
        with _RunWriter(self.folder, name) as w:
            w.write(flat[order], np.repeat(pos, self.bands)[order])
        self.runs.append(_Run(self.folder, name, len(flat)))
        while len(self.runs) > 1 and self.runs[-2].length <= 2 * self.runs[-1].length:
            older, newer = self.runs[-2], self.runs[-1]
            self.runs[-2:] = [self._merge(older, newer)]
            for r in (older, newer):
                if r.name not in self.committed_names:
                    self._delete(r.name)
        return pos

    def _merge(self, a: _Run, b: _Run) -> _Run:
        """One run of a's and b's keys, stably: for one key, a's (older)
        posts first. Streams both in blocks of BLOCK keys, cut at a key of
        the longer one so that each side's share is about its proportion."""
        name = self._new_name()
        na, nb = a.length, b.length
        ia = ib = 0
        with _RunWriter(self.folder, name) as w:
            while ia < na or ib < nb:
                if na - ia >= nb - ib:
                    ja = min(na, ia + BLOCK)
                    jb = nb if ja == na else b.bound(int(a.read(ja, ja + 1)[0][0]), "left")
                else:
                    jb = min(nb, ib + BLOCK)
                    ja = na if jb == nb else a.bound(int(b.read(jb, jb + 1)[0][0]), "right")
                ak, ap = a.read(ia, ja)
                bk, bp = b.read(ib, jb)
                # numpy's stable sort of 32-bit keys is a radix sort: three
                # times faster than placing each side by binary searches.
                k = np.concatenate([ak, bk])
                order = np.argsort(k, kind="stable")
                w.write(k[order], np.concatenate([ap, bp])[order])
                ia, ib = ja, jb
        return _Run(self.folder, name, na + nb)

    # -- reading -----------------------------------------------------------------------

    def lookup(self, keys: np.ndarray, sample: int) -> tuple[np.ndarray, np.ndarray]:
        """For a flat array of keys: (index into `keys`, position of a post
        with that key) for every match. A key shared by more than `sample`
        posts of a run is answered by its oldest and newest members there,
        so a post costs the same however large its cluster has grown."""
        qs, cs = [], []
        half = sample // 2
        by_key = np.argsort(keys, kind="stable")
        sk = keys[by_key]
        for run in self.runs:
            hit, lo, hi = run.lookup(sk)
            if not len(hit):
                continue
            cnt = hi - lo
            take = np.minimum(cnt, sample)
            q = np.repeat(by_key[hit], take)
            offs = np.arange(int(take.sum())) - np.repeat(np.cumsum(take) - take, take)
            t_rep = np.repeat(take, take)
            from_end = np.repeat(cnt > sample, take) & (offs >= half)
            idx = np.where(from_end, np.repeat(hi, take) - (t_rep - offs), np.repeat(lo, take) + offs)
            qs.append(q)
            cs.append(run.positions(idx))
        if not qs:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32)
        return np.concatenate(qs), np.concatenate(cs)

    def ids_at(self, pos: np.ndarray) -> np.ndarray:
        return np.asarray(self.ids.take(pos, self.n), dtype=np.int64)

    def sketches_at(self, pos: np.ndarray) -> np.ndarray:
        return np.asarray(self.sketches.take(pos, self.n))


class _RunWriter:
    """Writes a run's keys, positions and fence, block after block."""

    def __init__(self, folder: Path, name: str):
        self.paths = [folder / f"{name}.{ext}" for ext in ("keys", "pos", "fence")]
        self.written = 0

    def __enter__(self) -> "_RunWriter":
        self.files = [open(p, "wb") for p in self.paths]
        return self

    def write(self, keys: np.ndarray, pos: np.ndarray) -> None:
        fk, fp, ff = self.files
        fk.write(np.ascontiguousarray(keys, dtype="<u4").tobytes())
        fp.write(np.ascontiguousarray(pos, dtype="<i4").tobytes())
        ff.write(np.ascontiguousarray(keys[(-self.written) % FENCE::FENCE], dtype="<u4").tobytes())
        self.written += len(keys)

    def __exit__(self, *exc: object) -> None:
        for f in self.files:
            f.close()
