"""Near-copy band files benchmark (issues 15 and 16): what a small import
into a large collection costs once its posts are clustered.

For each code tree named (this worktree's, and say a `git archive main`
unpacked elsewhere for the code before), on its own copy of a large
collection (default: bench/cache/scale-1000000-orig, a copy of
bench/make_collection.py's or scale_bench's 1M collection):

1. `archive-viewer import --no-index` of 1,000 new posts (gen_twarc2's part
   1: ids no other part has). A collection without clusters yet is
   clustered whole first (the backfill): the one-off re-cluster.
2. the same with 1,000 more (part 2), then part 3: the steady state, an
   import into a clustered collection;
3. (with --rebuild-files) the band files deleted, then 1,000 more (part 4):
   the files rebuilt from SQLite;
4. 1,000 more (part 5) with the clustering switched off
   (PatternSink.posts_changed made a no-op, here only): the import's own
   time and memory, so the clustering's share is the difference with 2.

Each step: wall and CPU seconds (user + system) and the peak resident
memory of the whole process tree (bench/run_measured.py), with the load
average before and after. Steps alternate between the trees so a noisy
neighbour hits both alike.

    nice -n 5 python bench/bands_bench.py [--collection DIR] [--tree before=/tmp/main --tree after=.]

Figures go to stdout and bench/out/bands.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / "cache"
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

from run_measured import measure  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
# `archive-viewer` run from the code tree given as argv[1].
CLI = ("import sys; sys.path.insert(0, sys.argv.pop(1)); {}from viewer.cli import main; "
       "sys.argv[0] = 'archive-viewer'; main()")
# Clustering off: in line (the sink made a no-op) and, where the code has
# it, never in the clustering process (every batch counts as small).
OFF = ("import viewer.patterns as p; p.PatternSink.posts_changed = lambda self, ids: None; "
       "import importlib.util as u; a = u.find_spec('viewer.patterns.aside') and "
       "__import__('viewer.patterns.aside', fromlist=['x']); a and setattr(a.AsideClusterer, 'MIN_BATCH', 1 << 62); ")


def batch(part: int, n: int = 1000) -> Path:
    path = CACHE / f"twarc2-{n}-part{part}.jsonl"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        subprocess.run([sys.executable, str(HERE / "gen_twarc2.py"), str(n), str(path), str(part)], check=True)
    return path


def step(tree: Path, coll: Path, src: Path, clustering: bool = True) -> dict:
    load = os.getloadavg()[0]
    m = measure([PY, "-c", CLI.format("" if clustering else OFF), str(tree), "import", "--no-index",
                 "--collection", str(coll), str(src)])
    if m.returncode != 0:
        raise SystemExit(f"import into {coll} with {tree} failed ({m.returncode})")
    return {"wall_s": round(m.seconds, 1), "cpu_s": round(m.cpu_s, 1), "peak_mb": round(m.peak_mb),
            "load": [round(load, 1), round(os.getloadavg()[0], 1)]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--collection", type=Path, default=CACHE / "scale-1000000-orig")
    ap.add_argument("--tree", action="append", default=[], help="LABEL=PATH of a code tree (repeatable)")
    ap.add_argument("--rebuild-files", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the copies (bench/cache/bands-LABEL)")
    args = ap.parse_args()
    trees = dict(t.split("=", 1) for t in args.tree) or {"after": str(ROOT)}
    copies = {}
    for label in trees:
        dst = CACHE / f"bands-{label}"
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(args.collection, dst)
        copies[label] = dst
    report: dict = {"collection": str(args.collection), "trees": trees}
    steps = [("first import (clusters the collection whole if it has none)", 1),
             ("import into the clustered collection", 2), ("again", 3)]
    if args.rebuild_files:
        steps.append(("band files deleted, rebuilt at the import", 4))
    steps.append(("clustering switched off (the import alone)", 5))
    for name, part in steps:
        src = batch(part)
        for label, tree in trees.items():
            if part == 4:
                shutil.rmtree(copies[label] / "text_bands", ignore_errors=True)
            r = step(Path(tree), copies[label], src, clustering=part != 5)
            report.setdefault(label, []).append({"step": name, **r})
            print(f"{label:8s} {name:62s} wall {r['wall_s']:7.1f} s  CPU {r['cpu_s']:7.1f} s  "
                  f"peak {r['peak_mb']:5d} MB  load {r['load'][0]} -> {r['load'][1]}", flush=True)
    for label, dst in copies.items():
        bands = dst / "text_bands"
        report.setdefault("band_files_mb", {})[label] = round(
            sum(p.stat().st_size for p in bands.iterdir()) / 1e6, 1) if bands.exists() else None
        if not args.keep:
            shutil.rmtree(dst, ignore_errors=True)
    OUT.mkdir(exist_ok=True)
    (OUT / "bands.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
