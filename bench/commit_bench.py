"""What a small change's index commit costs on a large collection (issue
15), before and after the column file is carried forward from the previous
generation (viewer.index.colmerge) instead of rebuilt whole at every
commit; and what a whole rebuild of the column file (`reindex`, a first
import, a mend) and `verify` cost, with their memory.

    python bench/commit_bench.py --collection PATH [--before DIR] [--runs 3] [--posts 10]
    python bench/commit_bench.py --synthetic 10000000 [--runs 3]

--group N: documents per step of a whole build (colmerge.GROUP) in this
code's runs, to show that its memory follows the group, not the index.

PATH: a collection of the scale benchmark, e.g. a COPY of
bench/cache/scale-1000000 (every run commits to it). DIR: a checkout of the
code to compare with (e.g. `git archive main viewer | tar -x -C DIR`); it
runs with this worktree's .venv. Each figure is a fresh process; a round
runs, in this order, before/after so that each "after" small commit starts
from a file of its own layout: small commit (before), verify (before),
verify (after), whole rebuild (before), whole rebuild (after), small commit
(after). A small commit re-indexes --posts collected posts (what a small
import that changes them commits). Printed per figure: median wall and CPU
seconds of the operation and of its column-file part, the process's peak
RSS (VmHWM) and its baseline before the operation, and the peak summed RSS
of the process tree (sampled), with `uptime` load before and after.

--synthetic N: the part of a small carried commit that grows with the
collection, at N posts without an index of N posts: a column file of N
synthetic posts is written, then carried forward with --posts posts taken
out and as many merged in (viewer.index.colmerge.Merge streaming every
per-post array from the old file to the new, with fsync), in a fresh
process each run. The rest of a small commit (Whoosh, the new segment, the
tables) does not grow with the collection: see the 1M figures.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from run_measured import measure  # noqa: E402

PY = ROOT / ".venv" / "bin" / "python"

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
from viewer.collection import Collection
from viewer.index import colfile, update_posts, verify
from viewer.index.schema import open_index
leaves = getattr(colfile, "leaves", None) or colfile._leaves

def hwm_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0

mode, path, posts, group = {mode!r}, {path!r}, {posts}, {group}
if group:
    from viewer.index import colmerge
    colmerge.GROUP = group
coll = Collection.open(path, create=False)
spent = [0.0, 0.0]
real = colfile.write_for_segments
def timed(*a, **k):
    t, c = time.perf_counter(), time.process_time()
    try:
        return real(*a, **k)
    finally:
        spent[0] += time.perf_counter() - t
        spent[1] += time.process_time() - c
colfile.write_for_segments = timed
out = {{}}
if mode == "verify":
    base = hwm_mb()
    t, c = time.perf_counter(), time.process_time()
    report = verify(coll)
    out.update(seconds=time.perf_counter() - t, cpu=time.process_time() - c, ok=report.ok)
elif mode == "small":
    n = coll.db.execute("SELECT count(*) FROM posts WHERE collected = 1").fetchone()[0]
    at = int(time.time() * 1000) % max(1, n - posts)
    ids = [r[0] for r in coll.db.execute(
        "SELECT id FROM posts WHERE collected = 1 ORDER BY id LIMIT ? OFFSET ?", (posts, at))]
    base = hwm_mb()
    t, c = time.perf_counter(), time.process_time()
    update_posts(coll, ids)
    out.update(seconds=time.perf_counter() - t, cpu=time.process_time() - c)
else:  # the current generation's column file, rebuilt whole
    ix = open_index(coll)
    with ix.reader() as r:
        gen = r.generation()
        segs = [seg.segment() for seg, _ in leaves(r)]
        base = hwm_mb()
        t, c = time.perf_counter(), time.process_time()
        if "whole" in real.__code__.co_varnames:
            colfile.write_for_segments(ix, coll.index_dir, gen, segs, whole=True)
        else:
            colfile.write_for_segments(ix, coll.index_dir, gen, segs)
        out.update(seconds=time.perf_counter() - t, cpu=time.process_time() - c, posts=r.doc_count())
    ix.close()
out.update(cols_seconds=spent[0], cols_cpu=spent[1], base_mb=base, hwm_mb=hwm_mb())
print(json.dumps(out))
"""


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def run(mode: str, path: str, posts: int, code: Path, group: int = 0) -> dict:
    script = CHILD.format(root=str(code), mode=mode, path=path, posts=posts, group=group if code == ROOT else 0)
    out = Path(os.environ.get("TMPDIR", "/tmp")) / f"commit-bench-{os.getpid()}.json"
    with open(out, "w") as f:
        m = measure([str(PY), "-c", script], stdout=f, every=0.02)
    text = out.read_text()
    out.unlink()
    if m.returncode != 0:
        raise SystemExit(f"{mode} run failed:\n{text[-3000:]}")
    got = json.loads(text.strip().splitlines()[-1])
    got["tree_peak_mb"] = m.peak_mb
    got["process_seconds"] = m.seconds
    return got


SYNTHETIC = r"""
import sys, time
sys.path.insert(0, {root!r})
import numpy as np
from pathlib import Path
from viewer.index import colfile, colmerge

def hwm_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0

n, posts, folder, make = {n}, {posts}, Path({folder!r}), {make}
old = folder / "old.cols"
if make:
    rng = np.random.default_rng(1)
    ts = np.sort(rng.integers(1_400_000_000, 1_500_000_000, n))
    arrays = {{"pid": np.arange(n, dtype=np.int64) * 7 + 1, "ts": ts, "kind": rng.integers(0, 4, n, dtype=np.uint8),
              "flags": rng.integers(0, 16, n, dtype=np.uint8), "lang": rng.integers(0, 20, n, dtype=np.uint8),
              "author": rng.integers(1, 50_000, n, dtype=np.uint32),
              "taglist": rng.integers(0, 500, n, dtype=np.uint32),
              "docrank": np.arange(n, dtype=np.int32), "bypid_pid": np.arange(n, dtype=np.int64) * 7 + 1,
              "bypid_rank": np.arange(n, dtype=np.int32)}}
    parts = [(k, d, n, arrays[k]) for k, d, _ in colfile.ROWS]
    header = {{"n": n, "total_docs": n, "first_dated": 0, "segments": [], "shift": {{}},
              **colfile.lang_header(colfile.Names(str.lower))}}
    colfile.write_parts(old, header, parts)
    print("{{}}")
    raise SystemExit
prev = colfile.Mapped(old)
base = hwm_mb()
t, c = time.perf_counter(), time.process_time()
rng = np.random.default_rng(int(time.time()))
dead = np.sort(rng.choice(n, posts, replace=False)).astype(np.int64)
new_ts = np.sort(rng.integers(1_400_000_000, 1_500_000_000, posts))
pos = np.searchsorted(prev.arrays["ts"], new_ts)
merge = colmerge.Merge(n, dead, pos - np.searchsorted(dead, pos, side="left"))
parts = []
for key, dtype, _ in colfile.ROWS:
    vals = np.zeros(posts, dtype=dtype)
    if key == "docrank":
        def pieces(key=key):
            for lo in range(0, n, colmerge.CHUNK):
                d = prev.read(key, lo, lo + colmerge.CHUNK)
                yield merge.new_place(d.astype(np.int64)).astype(np.int32)
            yield np.zeros(posts, dtype=np.int32)
        parts.append((key, dtype, n + posts, pieces))
    else:
        parts.append((key, dtype, merge.n, merge.pieces(prev, key, vals, dtype)))
header = {{"n": merge.n, "total_docs": n + posts, "first_dated": 0, "segments": [], "shift": {{}},
          **colfile.lang_header(colfile.Names(str.lower))}}
colfile.write_parts(folder / "new.cols", header, parts)
import json
print(json.dumps({{"seconds": time.perf_counter() - t, "cpu": time.process_time() - c, "base_mb": base,
                  "hwm_mb": hwm_mb(), "bytes": (folder / "new.cols").stat().st_size}}))
"""


def synthetic(n: int, posts: int, runs: int) -> None:
    import tempfile

    folder = Path(tempfile.mkdtemp(dir=HERE / "cache" if (HERE / "cache").is_dir() else None, prefix="synthetic-"))
    try:
        def child(make: bool) -> dict:
            script = SYNTHETIC.format(root=str(ROOT), n=n, posts=posts, folder=str(folder), make=make)
            out = subprocess.run([str(PY), "-c", script], capture_output=True, text=True)
            if out.returncode:
                raise SystemExit(out.stderr[-3000:])
            return json.loads(out.stdout.strip().splitlines()[-1])

        child(True)
        print("load before:", uptime())
        rs = [child(False) for _ in range(runs)]
        print("load after: ", uptime())

        def med(k: str) -> float:
            return statistics.median(r[k] for r in rs)

        print(f"carry of a {n}-post column file ({med('bytes') / 2 ** 20:.0f} MB), {posts} out and {posts} in: "
              f"{med('seconds'):.2f} s wall, {med('cpu'):.2f} s CPU, peak {med('hwm_mb'):.0f} MB "
              f"(baseline {med('base_mb'):.0f} MB), median of {runs}")
        print(json.dumps({"synthetic": n, "runs": rs, "load": uptime()}))
    finally:
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--collection")
    ap.add_argument("--synthetic", type=int)
    ap.add_argument("--group", type=int, default=0, help="documents per step of a whole build (this code)")
    ap.add_argument("--before", help="a checkout of the code to compare with")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--posts", type=int, default=10)
    args = ap.parse_args()
    if args.group:
        print(f"whole builds (and carries) in groups of {args.group} documents")
    if args.synthetic:
        synthetic(args.synthetic, args.posts, args.runs)
        return
    if not args.collection:
        ap.error("--collection or --synthetic")
    order = [("before", "small"), ("before", "verify"), ("after", "verify"), ("before", "rebuild"),
             ("after", "rebuild"), ("after", "small")]
    if not args.before:
        order = [(who, mode) for who, mode in order if who == "after"]
    code = {"before": Path(args.before) if args.before else ROOT, "after": ROOT}
    print("load before:", uptime())
    results: dict[tuple[str, str], list[dict]] = {k: [] for k in order}
    run("rebuild", args.collection, args.posts, ROOT, args.group)  # the file in this code's layout
    for _ in range(args.runs):
        for who, mode in order:
            results[(who, mode)].append(run(mode, args.collection, args.posts, code[who], args.group))
    print("load after: ", uptime())
    label = {"small": f"small commit ({args.posts} posts)", "rebuild": "column file rebuilt whole",
             "verify": "verify"}
    print(f"{'':36} {'wall s':>7} {'cpu s':>6} {'cols s':>7} {'cols cpu':>8} {'VmHWM MB':>9} "
          f"{'base MB':>8} {'tree MB':>8}")
    for who, mode in sorted(order, key=lambda k: (k[1], k[0] != "before")):
        def med(k: str, rs: list[dict] = results[(who, mode)]) -> float:
            return statistics.median(r.get(k, 0.0) for r in rs)

        print(f"{label[mode] + ', ' + who:36} {med('seconds'):7.2f} {med('cpu'):6.2f} {med('cols_seconds'):7.2f} "
              f"{med('cols_cpu'):8.2f} {med('hwm_mb'):9.0f} {med('base_mb'):8.0f} {med('tree_peak_mb'):8.0f}")
    for who in ("before", "after"):
        r = results.get((who, "rebuild"))
        if r:
            n = r[0]["posts"]
            extra = statistics.median(x["hwm_mb"] - x["base_mb"] for x in r)
            print(f"whole rebuild ({who}) over the process's baseline: {extra:.0f} MB for {n} posts "
                  f"= {extra * 2 ** 20 / max(n, 1):.0f} bytes a post")
    print(json.dumps({"runs": {f"{w} {m}": v for (w, m), v in results.items()}, "load": uptime()}))


if __name__ == "__main__":
    main()
