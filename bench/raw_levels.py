"""Raw records: zlib level, with and without the preset dictionary, against
time and size (issue 15 item 5).

    python bench/raw_levels.py COLLECTION [--sample 20000]

Recompresses a sample of the collection's verbatim records one by one, as
the store writes them (scale_bench.raw_levels), and prints per way the
bytes per record (= MB per million records), the size against plain zlib
level 1, and the CPU seconds per million records.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from scale_bench import raw_levels  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("collection", type=Path)
    ap.add_argument("--sample", type=int, default=20_000)
    args = ap.parse_args()
    out = raw_levels(args.collection, args.sample)
    print(f"{out['records']:,} records, {out['verbatim_mb']} MB verbatim, {out['stored_mb']} MB as stored; "
          f"1-minute load {os.getloadavg()[0]:.2f}")
    for name, r in out["levels"].items():
        print(f"{name:30s} {r['bytes_per_record']:5d} B/record  {r['size_vs_zlib1']:.3f} of zlib 1  "
              f"{r['cpu_s_per_million']:6.1f} s CPU per million")


if __name__ == "__main__":
    main()
