"""The band store alone at ten million posts (issue 15 item 3): what one
import batch costs in time and memory once the collection's band files
hold 10M posts' keys (210M entries), without building a 10M collection.

1. Build (cached in bench/cache/bands-synthetic-N/): N posts of random band
   keys and sketches added through `BandStore.add` in batches of --batch,
   committed after each, as imports do (the merges included). Timed.
2. In a new process: open the store, add a batch of --posts posts (a
   twentieth of whose keys are keys already stored, as near-copies would
   be), look them all up, read the candidates' ids and sketches, commit:
   what `TextClusterer._add` asks of the store. Wall and CPU seconds, and
   the process's peak resident memory (VmHWM, mapped file pages included)
   against its memory before opening the store (Python and numpy loaded).
   Three batches, each in its own process.

    nice -n 5 python bench/bands_scale.py [--n 10000000] [--batch 50000] [--posts 5000]
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from viewer.patterns.band_store import BandStore  # noqa: E402
from viewer.patterns.text_clusters import BANDS, BUCKET_SAMPLE, NUM_PERM  # noqa: E402


def build(folder: Path, n: int, batch: int) -> dict:
    done = folder / "built.json"
    if done.exists():
        return json.loads(done.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    rng = np.random.default_rng(15)
    store = BandStore(folder, BANDS, NUM_PERM)
    t, c = time.perf_counter(), time.process_time()
    for lo in range(0, n, batch):
        m = min(batch, n - lo)
        store.add(np.arange(lo, lo + m, dtype=np.int64), rng.integers(0, 2**32, (m, BANDS), dtype=np.uint32),
                  rng.integers(0, 256, (m, NUM_PERM), dtype=np.uint8))
        store.commit({"chunk": lo // batch + 1})
        store.release()
    out = {"n": n, "batch": batch, "build_s": round(time.perf_counter() - t, 1),
           "build_cpu_s": round(time.process_time() - c, 1), "runs": [r.length for r in store.runs],
           "files_mb": round(sum(p.stat().st_size for p in folder.iterdir()) / 1e6)}
    done.write_text(json.dumps(out))
    return out


def _status(field: str) -> int:
    with open("/proc/self/status") as f:
        return int(next(line for line in f if line.startswith(field)).split()[1]) // 1024


def one_batch(folder: Path, posts: int, seed: int) -> dict:
    """Runs in its own process (see main)."""
    rng = np.random.default_rng(seed)
    base = _status("VmRSS:")
    t, c = time.perf_counter(), time.process_time()
    store = BandStore(folder, BANDS, NUM_PERM)
    opened = time.perf_counter() - t
    keys = rng.integers(0, 2**32, (posts, BANDS), dtype=np.uint32)
    # Near-copies: a twentieth of the keys are keys of stored posts.
    some = store.runs[0]
    pick = rng.integers(0, some.length, posts * BANDS // 20)
    keys.ravel()[rng.choice(posts * BANDS, len(pick), replace=False)] = [
        some.read(int(i), int(i) + 1)[0][0] for i in pick]
    n0 = store.n
    pos = store.add(np.arange(n0, n0 + posts, dtype=np.int64), keys,
                    rng.integers(0, 256, (posts, NUM_PERM), dtype=np.uint8))
    q, cand = store.lookup(keys.ravel(), BUCKET_SAMPLE)
    cand = cand[cand < pos[q // BANDS]]
    ids, sk = store.ids_at(cand), store.sketches_at(cand)
    store.commit({"chunk": -seed})
    store.release()
    return {"open_s": round(opened, 3), "batch_s": round(time.perf_counter() - t, 2),
            "batch_cpu_s": round(time.process_time() - c, 2), "candidates": int(len(ids)),
            "read_mb": round((ids.nbytes + sk.nbytes) / 1e6, 1), "rss_before_mb": base,
            "peak_mb": _status("VmHWM:"), "growth_mb": _status("VmHWM:") - base, "runs": len(store.runs)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--batch", type=int, default=50_000)
    ap.add_argument("--posts", type=int, default=5000)
    ap.add_argument("--one", nargs=2, metavar=("FOLDER", "SEED"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_batch(Path(args.one[0]), args.posts, int(args.one[1]))))
        return
    folder = HERE / "cache" / f"bands-synthetic-{args.n}"
    built = build(folder, args.n, args.batch)
    print(f"built {built['n']:,} posts in batches of {built['batch']:,}: {built['build_s']} s wall, "
          f"{built['build_cpu_s']} s CPU; {built['files_mb']} MB of files; runs {built['runs']}", flush=True)
    for seed in (1, 2, 3):
        out = subprocess.run([sys.executable, __file__, "--posts", str(args.posts), "--one", str(folder), str(seed)],
                             check=True, capture_output=True, text=True).stdout
        r = json.loads(out)
        print(f"a batch of {args.posts:,} posts: open {r['open_s']} s, add + lookup + reads {r['batch_s']} s wall "
              f"{r['batch_cpu_s']} s CPU; {r['candidates']:,} candidates; memory {r['rss_before_mb']} MB before, "
              f"peak {r['peak_mb']} MB (+{r['growth_mb']} MB); {r['runs']} runs", flush=True)


if __name__ == "__main__":
    main()
