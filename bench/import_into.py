"""Importing at scale (issue 15 item 3): one more generated million posts
imported into an existing collection, through the real `archive-viewer
import`, against the same million imported into an empty one.

    python bench/import_into.py COLLECTION --part 12 [--baseline]

The file is part PART of bench/gen_twarc2.py (a million posts over the
same nine months as parts 0-9, ids between theirs: a second harvest of the
same weeks), generated once into bench/cache/twarc2-parts/. COLLECTION is
changed: it holds the part afterwards (use a copy, or a cache you mean to
grow). With --baseline the same file is also imported into a new, empty
collection first, for the ratio of the two rates.

Prints, and appends to bench/out/import-into.jsonl: wall and CPU time,
posts per second, the peak memory of the whole process tree (RSS and PSS)
and of the import's own process, each helper process's share by name
(its RSS at the tree's peak, its own peak, about its CPU seconds), the
collection's posts before, and the machine's load.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_twarc2 import generate  # noqa: E402
from run_measured import measure  # noqa: E402

EXE = HERE.parent / ".venv" / "bin" / "archive-viewer"
PARTS = HERE / "cache" / "twarc2-parts"
OUT = HERE / "out"
PART_POSTS = 1_000_000


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def ensure_part(part: int) -> Path:
    path = PARTS / f"harvest-{part:02d}.jsonl"
    if not path.exists():
        PARTS.mkdir(parents=True, exist_ok=True)
        tmp = PARTS / f".{path.name}.part"  # hidden until whole: a folder import passes over it
        print(f"generating {path} …", flush=True)
        generate(PART_POSTS, tmp, part=part)
        tmp.rename(path)
    return path


def posts_in(collection: Path) -> int:
    db = collection / "collection.db"
    if not db.exists():
        return 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT count(*) FROM posts WHERE collected = 1").fetchone()[0]


def run(collection: Path, src: Path) -> dict:
    before_posts = posts_in(collection)
    before = load()
    m = measure([str(EXE), "import", "--collection", str(collection), str(src)], every=0.5, pss=True)
    if m.returncode != 0:
        raise SystemExit(f"archive-viewer import failed with status {m.returncode}")
    added = posts_in(collection) - before_posts
    return {"collection": str(collection), "posts_before": before_posts, "added": added,
            "seconds": round(m.seconds, 1), "cpu_s": round(m.cpu_s, 1),
            "posts_per_s": round(added / m.seconds) if m.seconds else None,
            "peak_tree_rss_mb": round(m.peak_mb), "peak_tree_pss_mb": round(m.peak_pss_mb),
            "peak_main_rss_mb": round(m.main_peak_mb), "by_process": m.by_name,
            "load_before": before, "load_after": load()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("collection", type=Path)
    ap.add_argument("--part", type=int, required=True, help="which million of gen_twarc2 (10 and up are new)")
    ap.add_argument("--baseline", action="store_true", help="also import it into an empty collection first")
    args = ap.parse_args()
    src = ensure_part(args.part)
    report: dict = {"part": args.part, "file": str(src)}
    if args.baseline:
        tmp = Path(tempfile.mkdtemp(prefix="av-into-"))
        try:
            report["empty"] = run(tmp / "c", src)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    report["into"] = run(args.collection, src)
    if "empty" in report and report["into"]["posts_per_s"]:
        report["rate_empty_to_into"] = round(report["empty"]["posts_per_s"] / report["into"]["posts_per_s"], 2)
    OUT.mkdir(exist_ok=True)
    with open(OUT / "import-into.jsonl", "a") as f:
        f.write(json.dumps(report) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
