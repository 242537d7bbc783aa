"""`archive-viewer clusters --json` on a large collection, warm (issue 16:
under a second on the 1M collection).

    python bench/clusters_bench.py COLLECTION [--runs 7]

COLLECTION: a collection folder, e.g. the 1M one bench/scale_bench.py
builds (bench/cache/scale-1000000). It is only read (the command opens it
as any command does); point it at a copy if another process owns it.

Runs the whole command as a user does (a new process each time: start-up,
imports, opening the collection, the query, the JSON) `--runs` times after
one warm-up run, and prints the median and range of wall and CPU time
(user + system, from the child's rusage), then, in this process, the
import time of the command's modules and the query alone (list_clusters).
CPU is the figure to trust on a shared machine; wall is given with the
`uptime` load. Writes bench/out/clusters_bench.json.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"


def _load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def run_once(cmd: list[str]) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if res.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({res.returncode}): {res.stderr.decode(errors='replace')[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, len(json.loads(res.stdout)["clusters"])


def in_process(path: Path) -> dict:
    """Where the time goes: the imports of the clusters command, opening the
    collection, the query."""
    code = (
        "import time, json, sys\n"
        "t0 = time.perf_counter(); c0 = time.process_time()\n"
        "import viewer.cli as c; c._load_commands(['clusters'])\n"
        "from viewer.collection import Collection\n"
        "from viewer.patterns.clusters import list_clusters\n"
        "t1 = time.perf_counter(); c1 = time.process_time()\n"
        f"coll = Collection.open({str(path)!r}, create=False)\n"
        "t2 = time.perf_counter(); c2 = time.process_time()\n"
        "q = []\n"
        "for _ in range(5):\n"
        "    a = time.perf_counter(); found = list_clusters(coll.db); q.append(time.perf_counter() - a)\n"
        "q.sort()\n"
        "print(json.dumps({'imports_wall_s': t1 - t0, 'imports_cpu_s': c1 - c0, 'open_wall_s': t2 - t1,\n"
        "                  'open_cpu_s': c2 - c1, 'query_median_s': q[2], 'clusters': len(found)}))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in json.loads(res.stdout).items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("collection", type=Path)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    if not (args.collection / "collection.db").exists():
        sys.exit(f"{args.collection}: no collection here")
    exe = Path(sys.executable).with_name("archive-viewer")
    cmd = [str(exe) if exe.exists() else "archive-viewer", "--collection", str(args.collection), "clusters", "--json"]
    posts = int(subprocess.run(["sqlite3", "-readonly", str(args.collection / "collection.db"),
                                "SELECT count(*) FROM posts"], capture_output=True, text=True).stdout or 0)
    load_before = _load()
    run_once(cmd)  # warm-up: the page cache holds the database after this
    runs = [run_once(cmd) for _ in range(args.runs)]
    load_after = _load()
    walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
    breakdown = in_process(args.collection)
    report = {"collection": str(args.collection), "posts": posts, "clusters": runs[0][2], "runs": args.runs,
              "wall_median_s": round(statistics.median(walls), 3), "wall_range_s": [round(min(walls), 3),
                                                                                   round(max(walls), 3)],
              "cpu_median_s": round(statistics.median(cpus), 3), "cpu_range_s": [round(min(cpus), 3),
                                                                                 round(max(cpus), 3)],
              "in_process": breakdown, "load_before": load_before, "load_after": load_after,
              "niceness": os.nice(0)}
    print(f"clusters --json on {posts:,} posts ({report['clusters']} clusters), {args.runs} warm runs: "
          f"wall median {report['wall_median_s']} s (range {report['wall_range_s']}), "
          f"CPU median {report['cpu_median_s']} s (range {report['cpu_range_s']})")
    print(f"  in process: imports {breakdown['imports_cpu_s']} s CPU, opening {breakdown['open_cpu_s']} s CPU, "
          f"query {breakdown['query_median_s'] * 1000:.1f} ms")
    print(f"  load: before {load_before}; after {load_after}")
    OUT.mkdir(exist_ok=True)
    (OUT / "clusters_bench.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
