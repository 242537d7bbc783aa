"""Campaign patterns benchmark (issue 16).

1. Import with clustering on (it always is) against twarc-csv on the same
   twarc2 file (bench/import_bench.py's input and tools), in the same run,
   interleaved so a noisy neighbour hits all alike: twarc2 csv, then
   `archive-viewer import --no-index`, then the same import with the
   clustering switched off (PatternSink.posts_changed made a no-op, in this
   benchmark only), which gives the clustering's own share. Wall and CPU
   seconds (user + system, children included) of each, best of --repeat
   runs, with the machine's load average before and after: on a shared
   machine the CPU ratio is the steadier figure.
2. `archive-viewer clusters --json` on a large collection (bench/make_collection.py's,
   clustered once), cold and warm, end to end as a user runs it.

    nice python bench/patterns_bench.py [--posts 100000] [--repeat 2] [--skip-large] [--large 1000000]

Figures go to stdout and bench/out/patterns.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from import_bench import ensure_input, ensure_twarc_csv, run_twarc  # noqa: E402
from run_measured import Measured, measure  # noqa: E402

EXE = str(ROOT / ".venv" / "bin" / "archive-viewer")
PY = str(ROOT / ".venv" / "bin" / "python")
# The same command with the clustering switched off, for its share only.
NO_CLUSTERING = ("import sys; import viewer.patterns as p; p.PatternSink.posts_changed = lambda self, ids: None; "
                 "import viewer.patterns.aside as a; a.AsideClusterer.MIN_BATCH = 1 << 62; "
                 "from viewer.cli import main; sys.argv[0] = 'archive-viewer'; main()")


def _import(cmd: list[str], src: Path) -> Measured:
    tmp = Path(tempfile.mkdtemp(prefix="av-pbench-"))
    try:
        m = measure([*cmd, "import", "--no-index", "--collection", str(tmp / "c"), str(src)])
        if m.returncode != 0:
            raise SystemExit(f"import failed: {cmd}")
        return m
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def import_figures(posts: int, repeat: int) -> dict:
    exe = ensure_twarc_csv()
    src = ensure_input(posts)
    runs: dict[str, list[Measured]] = {"twarc_csv": [], "import_clustering": [], "import_no_clustering": []}
    load_before = os.getloadavg()
    for _ in range(repeat):
        runs["twarc_csv"].append(run_twarc(exe, src))
        runs["import_clustering"].append(_import([EXE], src))
        runs["import_no_clustering"].append(_import([PY, "-c", NO_CLUSTERING], src))
    load_after = os.getloadavg()
    wall = {k: min(m.seconds for m in v) for k, v in runs.items()}
    cpu = {k: min(m.cpu_s for m in v) for k, v in runs.items()}
    out: dict = {"posts": posts, "repeat": repeat, "load_before": [round(x, 2) for x in load_before],
                 "load_after": [round(x, 2) for x in load_after]}
    for k in runs:
        out[k] = {"wall_s": round(wall[k], 2), "cpu_s": round(cpu[k], 2),
                  "wall_ratio": round(wall[k] / wall["twarc_csv"], 2), "cpu_ratio": round(cpu[k] / cpu["twarc_csv"], 2)}
    out["clustering_cpu_s"] = round(cpu["import_clustering"] - cpu["import_no_clustering"], 2)
    return out


def clusters_figures(n: int) -> dict:
    from make_collection import build

    from viewer.collection import Collection
    from viewer.patterns import rebuild

    path = build(n)
    mark = path / ".patterns"
    rebuild_s = None
    if not mark.exists():
        with Collection.open(path) as coll:
            t = time.perf_counter()
            rebuild(coll)
            rebuild_s = round(time.perf_counter() - t, 1)
        mark.write_text("done\n")
    runs = []
    out = b""
    for _ in range(3):
        t = time.perf_counter()
        out = subprocess.run([EXE, "clusters", "--collection", str(path), "--json"], check=True,
                             capture_output=True).stdout
        runs.append(time.perf_counter() - t)
    found = json.loads(out)["clusters"]
    q = []
    for _ in range(2):
        t = time.perf_counter()
        subprocess.run([EXE, "clusters", "--collection", str(path), "--query", "الموصل", "--json"], check=True,
                       capture_output=True)
        q.append(time.perf_counter() - t)
    return {"collection_posts": n, "clustering_rebuild_s": rebuild_s, "clusters": len(found),
            "clustered_posts": sum(c["size"] for c in found),
            "clusters_json_cold_s": round(runs[0], 2), "clusters_json_warm_s": round(min(runs[1:]), 2),
            "clusters_query_warm_s": round(min(q), 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posts", type=int, default=100_000)
    ap.add_argument("--large", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--skip-import", action="store_true")
    ap.add_argument("--skip-large", action="store_true")
    args = ap.parse_args()
    report: dict = {}
    if not args.skip_import:
        report["import"] = r = import_figures(args.posts, args.repeat)
        print(f"import of {r['posts']:,} twarc2 posts, best of {r['repeat']}, load average {r['load_before'][0]} "
              f"before, {r['load_after'][0]} after:")
        for k, label in (("twarc_csv", "twarc2 csv (twarc-csv 0.7.2)"),
                         ("import_clustering", "import --no-index, clustering on"),
                         ("import_no_clustering", "import --no-index, clustering off")):
            m = r[k]
            print(f"  {label:36s} wall {m['wall_s']:7.2f} s (ratio {m['wall_ratio']:.2f})  "
                  f"CPU {m['cpu_s']:7.2f} s (ratio {m['cpu_ratio']:.2f})")
        print(f"  clustering's own CPU: {r['clustering_cpu_s']} s (goal: clustering on within 1.3x of twarc-csv)")
    if not args.skip_large:
        report["clusters"] = c = clusters_figures(args.large)
        print(f"clusters --json on {c['collection_posts']:,} posts ({c['clusters']} clusters, "
              f"{c['clustered_posts']:,} posts in them): cold {c['clusters_json_cold_s']} s, warm "
              f"{c['clusters_json_warm_s']} s (goal < 1 s); with --query الموصل warm {c['clusters_query_warm_s']} s")
    OUT.mkdir(exist_ok=True)
    (OUT / "patterns.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
