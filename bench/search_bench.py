"""Search latency on collections of 100,000 and 1,000,000 fictional posts.

Each query is run as the window and the command line run it: one search,
then the total, the first 50 hits sorted by time (rows and highlighted
snippets read from SQLite), the facets and the histogram. The searcher is
opened once per collection (that cost is reported apart: it happens once per
index generation); its cache of term masks is emptied before every run, so
no run profits from the one before.

    python bench/search_bench.py [--sizes 100000 1000000] [--runs 30]

Collections are built once by bench/make_collection.py and cached under
bench/cache/. Figures go to stdout and bench/out/search.json.
Goal (issue 5): p95 ≤ 100 ms at 100k and ≤ 300 ms at 1M, for every query.
"""
from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from make_collection import RARE_WORD, build  # noqa: E402

from viewer.collection import Collection  # noqa: E402
from viewer.search import Searcher  # noqa: E402

QUERIES = [
    ("common English word", "civilians"),
    ("common Arabic word, prefixed forms", "الموصل"),
    ("rare word", RARE_WORD),
    ("hashtag", "#FreeMosul"),
    ("from:", "from:bababa_0"),
    ("since:/until: (a month)", "since:2017-01-01 until:2017-02-01"),
    ("combined", "(الموصل OR mosul) filter:media -filter:retweets since:2016-10-17 until:2017-02-19"),
]
GOAL_MS = {100_000: 100, 1_000_000: 300}


def one_run(searcher: Searcher, query: str) -> tuple[float, int]:
    searcher._terms.clear()  # no help from the previous run
    t = time.perf_counter()
    rs = searcher.search(query, sort="time")
    hits = rs.hits(0, 50)
    _ = rs.facets, rs.histogram  # both are computed on first use: part of the timing
    elapsed = time.perf_counter() - t
    assert len(hits) == min(50, rs.total)
    return elapsed, rs.total


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    k = (len(s) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def bench(n: int, runs: int) -> dict:
    path = build(n)
    coll = Collection.open(path)
    posts = coll.db.execute("SELECT count(*) FROM posts WHERE collected = 1").fetchone()[0]
    t = time.perf_counter()
    searcher = Searcher(coll)
    opened = time.perf_counter() - t
    print(f"\n{posts:,} posts ({path.name}); searcher opened in {opened * 1000:.0f} ms")
    out = {"posts": posts, "open_ms": round(opened * 1000, 1), "queries": []}
    goal = GOAL_MS.get(n)
    for label, q in QUERIES:
        one_run(searcher, q)  # warm the OS file cache and Python's
        times = []
        total = 0
        gc.collect()
        for _ in range(runs):
            dt, total = one_run(searcher, q)
            times.append(dt * 1000)
        med, p95 = statistics.median(times), percentile(times, 0.95)
        ok = "" if goal is None else ("  ok" if p95 <= goal else f"  OVER the {goal} ms goal")
        print(f"  {label:36s} {q[:48]!r:52s} {total:>9,} hits  median {med:6.1f} ms  p95 {p95:6.1f} ms{ok}")
        out["queries"].append({"label": label, "query": q, "hits": total, "median_ms": round(med, 1),
                               "p95_ms": round(p95, 1), "runs": runs})
    searcher.close()
    coll.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    report = {str(n): bench(n, args.runs) for n in args.sizes}
    OUT.mkdir(exist_ok=True)
    (OUT / "search.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
