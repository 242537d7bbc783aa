"""What a small change's index commit costs on a large collection (issue
15): the column file carried forward from the previous generation
(viewer.index.colmerge) against rebuilt whole as every commit did before,
and a whole rebuild of the column file on its own (what `reindex`, the
first import and a mend pay), with its memory over the process's baseline.

    python bench/commit_bench.py --collection PATH [--runs 5] [--posts 10]

PATH is a collection of the scale benchmark (e.g. a COPY of
bench/cache/scale-1000000: every run commits to it). Each run is a fresh
process; "small commit" re-indexes --posts collected posts (what a small
import that changes them commits), the modes alternate run by run. Printed
per mode: median wall and CPU seconds of the whole commit and of its
column-file part, the process's peak RSS (VmHWM) and the peak summed RSS of
the process tree (sampled), with `uptime` load before and after.
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
from viewer.index import colfile, update_posts, whoosh_internals
from viewer.index.schema import open_index

def hwm_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0

mode, path, posts = {mode!r}, {path!r}, {posts}
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
if mode == "whole":
    colfile.open_previous = lambda *a, **k: None  # every commit rebuilds, as before
out = {{}}
if mode in ("carried", "whole"):
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
        segs = [seg.segment() for seg, _ in colfile.leaves(r)]
        base = hwm_mb()
        t, c = time.perf_counter(), time.process_time()
        colfile.write_for_segments(ix, coll.index_dir, gen, segs, whole=True)
        out.update(seconds=time.perf_counter() - t, cpu=time.process_time() - c, posts=r.doc_count())
    ix.close()
out.update(cols_seconds=spent[0], cols_cpu=spent[1], base_mb=base, hwm_mb=hwm_mb())
print(json.dumps(out))
"""


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def run(mode: str, path: str, posts: int) -> dict:
    script = CHILD.format(root=str(ROOT), mode=mode, path=path, posts=posts)
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--collection", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--posts", type=int, default=10)
    ap.add_argument("--modes", default="carried,whole,rebuild")
    args = ap.parse_args()
    modes = args.modes.split(",")
    print("load before:", uptime())
    results: dict[str, list[dict]] = {m: [] for m in modes}
    # A first commit so the file has the current layout (an older one is
    # rebuilt whole once).
    run("carried", args.collection, args.posts)
    for _ in range(args.runs):
        for mode in modes:
            results[mode].append(run(mode, args.collection, args.posts))
    print("load after: ", uptime())
    label = {"carried": f"small commit ({args.posts} posts), file carried forward",
             "whole": f"small commit ({args.posts} posts), file rebuilt whole (before)",
             "rebuild": "column file rebuilt whole, on its own"}
    print(f"{'':58} {'wall s':>7} {'cpu s':>6} {'cols s':>7} {'cols cpu':>8} {'VmHWM MB':>9} "
          f"{'base MB':>8} {'tree MB':>8}")
    for mode in modes:
        def med(k: str, rs: list[dict] = results[mode]) -> float:
            return statistics.median(r[k] for r in rs)

        print(f"{label[mode]:58} {med('seconds'):7.2f} {med('cpu'):6.2f} {med('cols_seconds'):7.2f} "
              f"{med('cols_cpu'):8.2f} {med('hwm_mb'):9.0f} {med('base_mb'):8.0f} {med('tree_peak_mb'):8.0f}")
    if "rebuild" in results:
        r = results["rebuild"]
        n = r[0]["posts"]
        extra = statistics.median(x["hwm_mb"] - x["base_mb"] for x in r)
        print(f"whole rebuild over the process's baseline: {extra:.0f} MB for {n} posts "
              f"= {extra * 2 ** 20 / max(n, 1):.0f} bytes a post")
    print(json.dumps({"runs": results, "load": uptime()}))


if __name__ == "__main__":
    main()
