"""Import benchmark: archive-viewer against twarc-csv on the same twarc2 file.

Both run in this one process's lifetime on the same machine and input, so
the ratio holds even on a shared, noisy machine where a bare time would not.

    python bench/import_bench.py [--posts 100000] [--repeat 1]

twarc-csv 0.7.2 is installed into its own venv under bench/cache/ (never a
project dependency). Prints both times, the ratios, posts/s and peak memory,
and writes them to bench/out/import.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / "cache"
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

from gen_twarc2 import generate  # noqa: E402
from run_measured import Measured, measure  # noqa: E402

TWARC_VENV = CACHE / "twarc-venv"


def ensure_twarc_csv() -> Path:
    exe = TWARC_VENV / "bin" / "twarc2"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(TWARC_VENV)], check=True)
        subprocess.run([str(TWARC_VENV / "bin" / "pip"), "install", "-q", "twarc-csv==0.7.2",
                        # twarc-csv 0.7.2 calls DataFrame.applymap, gone in pandas 3.
                        "pandas<3"], check=True)
    return exe


def ensure_input(n: int) -> Path:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"twarc2-{n}.jsonl"
    if not path.exists():
        generate(n, path)
    return path


def run_viewer(src: Path, index: bool, code: Path | None = None) -> Measured:
    """`archive-viewer import` of src into a new collection; with `code`,
    the viewer package found there (another commit's, for a before/after
    in one run) instead of this checkout's."""
    tmp = Path(tempfile.mkdtemp(prefix="av-bench-"))
    try:
        cmd = [str(ROOT / ".venv" / "bin" / "python"), "-m", "viewer", "import", "--collection", str(tmp / "c"),
               str(src)]
        if not index:
            cmd.insert(4, "--no-index")
        env = {**os.environ, "PYTHONPATH": str(code)} if code is not None else None
        m = measure(cmd, env=env)
        if m.returncode != 0:
            raise SystemExit(f"archive-viewer import failed with status {m.returncode}")
        return m
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_twarc(exe: Path, src: Path) -> Measured:
    with tempfile.TemporaryDirectory() as tmp:
        # twarc2 asks for API keys before any command unless a token is set;
        # csv never uses it (and this machine has no network anyway).
        env = {**os.environ, "BEARER_TOKEN": "offline-benchmark"}
        m = measure([str(exe), "csv", str(src), str(Path(tmp) / "out.csv")], env=env)
        if m.returncode != 0:
            raise SystemExit(f"twarc2 csv failed with status {m.returncode}")
        return m


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posts", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=1, help="runs of each; the best of each is compared")
    ap.add_argument("--skip-index", action="store_true", help="only time the import into SQLite")
    ap.add_argument("--code", type=Path,
                    help="run the viewer package found in this folder (a snapshot of this checkout, so that "
                         "editing it during the run changes nothing) instead of the checkout's")
    ap.add_argument("--baseline-code", type=Path,
                    help="a folder holding another version's viewer package (e.g. `git archive main viewer | "
                         "tar -x -C DIR`): its import with index runs interleaved too, as the baseline")
    args = ap.parse_args()

    exe = ensure_twarc_csv()
    src = ensure_input(args.posts)
    results: dict[str, list[Measured]] = {"twarc_csv": [], "import_sqlite": [], "import_index": [],
                                          "baseline_index": []}
    load_before = os.getloadavg()[0]
    for _ in range(args.repeat):
        # Interleaved, so that a noisy neighbour hits both tools alike.
        results["twarc_csv"].append(run_twarc(exe, src))
        code = args.code.resolve() if args.code is not None else None
        results["import_sqlite"].append(run_viewer(src, index=False, code=code))
        if not args.skip_index:
            results["import_index"].append(run_viewer(src, index=True, code=code))
        if args.baseline_code is not None:
            results["baseline_index"].append(run_viewer(src, index=True, code=args.baseline_code.resolve()))

    best = {k: min(v, key=lambda m: m.seconds) for k, v in results.items() if v}
    tw = best["twarc_csv"].seconds
    # CPU time (user + system, worker processes included) says what each
    # tool costs when the machine is shared and wall time is mostly waiting.
    tw_cpu = min(m.cpu_s for m in results["twarc_csv"])
    report: dict[str, object] = {"posts": args.posts, "input_mb": round(src.stat().st_size / 1e6, 1),
                                 "runs": args.repeat,
                                 "load_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)]}
    for k, m in best.items():
        cpu = min(r.cpu_s for r in results[k])
        report[k] = {"seconds": round(m.seconds, 2), "cpu_seconds": round(cpu, 2), "peak_mb": round(m.peak_mb, 1),
                     "posts_per_s": round(args.posts / m.seconds), "ratio_to_twarc_csv": round(m.seconds / tw, 2),
                     "cpu_ratio_to_twarc_csv": round(cpu / tw_cpu, 2),
                     # Every run, and its ratio to the twarc-csv run of the same round: on a
                     # busy machine the best of each can come from different moments.
                     "runs": [{"seconds": round(r.seconds, 2), "cpu_seconds": round(r.cpu_s, 2),
                               "peak_mb": round(r.peak_mb, 1), "ratio_in_round": round(r.seconds / t.seconds, 2),
                               "cpu_ratio_in_round": round(r.cpu_s / t.cpu_s, 2)}
                              for r, t in zip(results[k], results["twarc_csv"], strict=True)]}
    OUT.mkdir(exist_ok=True)
    (OUT / "import.json").write_text(json.dumps(report, indent=2))
    print(f"input: {args.posts:,} twarc2 posts, {report['input_mb']} MB; 1-minute load "
          f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    for k, label, goal in (("twarc_csv", "twarc2 csv (twarc-csv 0.7.2)", None),
                           ("import_sqlite", "archive-viewer import --no-index", "ratio ≤ 1.0, < 500 MB"),
                           ("import_index", "archive-viewer import (with index)", "ratio ≤ 1.0, < 1 GB"),
                           ("baseline_index", "baseline import (with index)", None)):
        if k in report:
            r = report[k]
            assert isinstance(r, dict)
            print(f"{label:38s} {r['seconds']:7.2f} s (CPU {r['cpu_seconds']:6.2f} s)  {r['posts_per_s']:>7,} posts/s"
                  f"  peak {r['peak_mb']:6.1f} MB  ratio {r['ratio_to_twarc_csv']:.2f}"
                  f" (CPU {r['cpu_ratio_to_twarc_csv']:.2f})"
                  + (f"   (goal {goal})" if goal else ""))
            if k != "twarc_csv" and args.repeat > 1:
                rounds = "  ".join(f"{x['ratio_in_round']:.2f} (CPU {x['cpu_ratio_in_round']:.2f})"
                                   for x in r["runs"])
                print(f"{'':38s} ratio in each round: {rounds}")


if __name__ == "__main__":
    main()
