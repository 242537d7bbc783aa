"""Campaign patterns benchmark (issue 16).

1. Import with clustering on (it always is) against twarc-csv on the same
   twarc2 file (bench/import_bench.py's input, tools and measurement), plus
   the clustering's own share: `viewer.patterns.rebuild` over the imported
   collection, which does the same work the import did batch by batch.
2. `archive-viewer clusters --json` on a large collection (bench/make_collection.py's,
   clustered once), cold and warm, end to end as a user runs it.

    python bench/patterns_bench.py [--posts 100000] [--large 1000000] [--repeat 1]

Figures go to stdout and bench/out/patterns.json.
"""
from __future__ import annotations

import argparse
import json
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
from run_measured import measure  # noqa: E402

EXE = str(ROOT / ".venv" / "bin" / "archive-viewer")


def import_figures(posts: int, repeat: int) -> dict:
    exe = ensure_twarc_csv()
    src = ensure_input(posts)
    tw, imp, idx = [], [], []
    rebuild_s = None
    clusters_found = None
    for _ in range(repeat):
        tw.append(run_twarc(exe, src).seconds)
        tmp = Path(tempfile.mkdtemp(prefix="av-pbench-"))
        try:
            m = measure([EXE, "import", "--no-index", "--collection", str(tmp / "c"), str(src)])
            if m.returncode != 0:
                raise SystemExit("import failed")
            imp.append(m.seconds)
            from viewer.collection import Collection
            from viewer.patterns import rebuild
            from viewer.patterns.clusters import list_clusters

            with Collection.open(tmp / "c") as coll:
                t = time.perf_counter()
                rebuild(coll)
                s = time.perf_counter() - t
                rebuild_s = s if rebuild_s is None else min(rebuild_s, s)
                clusters_found = len(list_clusters(coll.db))
            m = measure([EXE, "import", "--collection", str(tmp / "d"), str(src)])
            if m.returncode != 0:
                raise SystemExit("import failed")
            idx.append(m.seconds)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    t = min(tw)
    return {"posts": posts, "twarc_csv_s": round(t, 2),
            "import_no_index_s": round(min(imp), 2), "ratio_no_index": round(min(imp) / t, 2),
            "import_with_index_s": round(min(idx), 2), "ratio_with_index": round(min(idx) / t, 2),
            "clustering_alone_s": round(rebuild_s or 0, 2), "clusters": clusters_found}


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
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--skip-import", action="store_true")
    ap.add_argument("--skip-large", action="store_true")
    args = ap.parse_args()
    report: dict = {}
    if not args.skip_import:
        report["import"] = r = import_figures(args.posts, args.repeat)
        print(f"import of {r['posts']:,} twarc2 posts: twarc-csv {r['twarc_csv_s']} s; archive-viewer --no-index "
              f"(clustering on) {r['import_no_index_s']} s, ratio {r['ratio_no_index']} (goal ≤ 1.3); with index "
              f"{r['import_with_index_s']} s, ratio {r['ratio_with_index']}; clustering alone "
              f"{r['clustering_alone_s']} s, {r['clusters']} clusters")
    if not args.skip_large:
        report["clusters"] = c = clusters_figures(args.large)
        print(f"clusters --json on {c['collection_posts']:,} posts ({c['clusters']} clusters, "
              f"{c['clustered_posts']:,} posts in them): cold {c['clusters_json_cold_s']} s, warm "
              f"{c['clusters_json_warm_s']} s (goal < 1 s); with --query الموصل warm {c['clusters_query_warm_s']} s")
    OUT.mkdir(exist_ok=True)
    (OUT / "patterns.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
