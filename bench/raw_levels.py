"""Raw records: zlib level (with the preset dictionary) against time and size.

    python bench/raw_levels.py COLLECTION [--sample 100000]

Reads the verbatim records of an existing collection, compresses each alone
at levels 1, 3, 6 and 9 as viewer.store.rawcodec does, and prints per level
the CPU time per record, the total size, and both scaled to a million
records; also plain zlib level 1 (no dictionary) for reference. Writes
bench/out/raw_levels.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from viewer.store import rawcodec  # noqa: E402


def _records(db_path: Path, sample: int) -> list[bytes]:
    conn = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return [rawcodec.decompress(r[0]) for r in conn.execute("SELECT data FROM raw LIMIT ?", [sample])]
    finally:
        conn.close()


def _measure(records: list[bytes], compress: object) -> tuple[float, int]:
    assert callable(compress)
    start = time.process_time()
    total = sum(len(compress(r)) for r in records)
    return time.process_time() - start, total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("collection", type=Path)
    ap.add_argument("--sample", type=int, default=100_000)
    args = ap.parse_args()
    records = _records(args.collection / "collection.db", args.sample)
    n = len(records)
    if not n:
        raise SystemExit("no raw records in that collection")
    raw_mb = sum(map(len, records)) / 1e6
    rows = []
    for level in (1, 3, 6, 9):
        primed = zlib.compressobj(level, zdict=rawcodec.DICTIONARY)

        def with_dict(r: bytes, primed: "zlib._Compress" = primed) -> bytes:
            c = primed.copy()
            return c.compress(r) + c.flush()

        cpu, size = _measure(records, with_dict)
        rows.append({"codec": f"zlib {level} + dictionary", "us_per_record": round(1e6 * cpu / n, 1),
                     "mb": round(size / 1e6, 2),
                     "mb_per_million": round(size / n, 1)})
    cpu, size = _measure(records, lambda r: zlib.compress(r, 1))
    rows.append({"codec": "zlib 1, no dictionary", "us_per_record": round(1e6 * cpu / n, 1),
                 "mb": round(size / 1e6, 2),
                 "mb_per_million": round(size / n, 1)})
    report = {"records": n, "raw_mb": round(raw_mb, 2), "raw_mb_per_million": round(raw_mb * 1e6 / n, 1),
              "load_1min": round(os.getloadavg()[0], 2), "levels": rows}
    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / "raw_levels.json").write_text(json.dumps(report, indent=2))
    print(f"{n:,} records, {raw_mb:.1f} MB uncompressed ({report['raw_mb_per_million']} MB per million); "
          f"1-minute load {report['load_1min']}")
    for r in rows:
        # µs per record is also s of CPU per million records; bytes per record, MB per million.
        print(f"{r['codec']:24s} {r['us_per_record']:6.1f} µs/record (s CPU per million)  "
              f"{r['mb']:7.2f} MB ({r['mb_per_million']:6.1f} MB per million)")


if __name__ == "__main__":
    main()
