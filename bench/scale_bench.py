"""Scale benchmark (issue 15): collections of 100k, 1M (and 10M) posts built
through the real `archive-viewer import` of a generated twarc2 file, then,
per size:

- the import: time and peak memory (whole process tree), and twarc-csv
  converting the same file in the same run, as a ratio;
- disk: the collection's size per million posts, split into SQLite (raw
  records apart) and the index (segments and the column file);
- cold commands: `search` (total, 50 newest, facets, histogram) and `stats`
  as whole processes, several runs, median time and peak memory;
- SQLite FTS5 over the same posts answering the same question cold (count,
  50 newest, top authors, posts per day for `civilians`), alternated with
  our `search` in the same runs, as a ratio;
- warm searches in one process: total + 50 newest + facets + histogram per
  query of bench/search_bench.py (words fitted to the generated data), plus
  `tag:` over 100k tagged posts (a tenth of a smaller collection) and a
  negation keeping about 90 %, median and p95.

    python bench/scale_bench.py [--sizes 100000,1000000] [--runs 5] [--warm-runs 20]
    python bench/scale_bench.py --sizes 1000000,10000000   # the 10M run
    python bench/scale_bench.py --sizes 100000 --ui        # with the window's figures
    nohup setsid nice -n 19 .venv/bin/python bench/scale_bench.py --sizes 10000000 --build-only \
        > bench/out/build-10M.log 2>&1 &                   # build (or resume) the 10M collection

Inputs and collections are cached under bench/cache/ (git-ignored); an
already built one in /work/main/bench/cache or another worktree's is reused
by path.

Above a million posts the input is a harvest: a folder of files of a
million posts each (bench/gen_twarc2.py parts 0, 1, …, distinct ids; part 0
is the 1M file), imported into one collection by ONE `archive-viewer import
FOLDER`. Such a build is never thrown away: running the script again runs the
same command again, which skips the files already imported ("already
imported"), resumes the one that was cut short, and finishes the index, as a
user's interrupted import does. Each run is appended to the collection's
bench-runs.jsonl (time, CPU, peak RSS and PSS of the process tree, exit
status, load, the commit of the code); the import runs from a copy of the
code at the current commit (bench/cache/code-COMMIT), so editing the
worktree during an hours-long build changes nothing under it.

Figures go to stdout and bench/out/scale.json, with the machine's load
(`uptime`) when each part ran.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / "cache"
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from gen_twarc2 import generate  # noqa: E402
from import_bench import ensure_twarc_csv, run_twarc  # noqa: E402
from run_measured import Measured, measure  # noqa: E402

EXE = ROOT / ".venv" / "bin" / "archive-viewer"
PY = ROOT / ".venv" / "bin" / "python"
# Where other checkouts may already hold a built input or collection.
OTHER_CACHES = ["/work/main/bench/cache", *sorted(glob.glob("/work/wt/*/bench/cache"))]

BENCH_TAG = "scale-bench"  # the curator tag put on a tenth of the posts (at most 100k)

# search_bench.py's queries, with its made-up rare word and handle replaced
# by what the generated twarc2 data holds (bench/gen_twarc2.py).
QUERIES = [
    ("common English word", "civilians"),
    ("common Arabic word, prefixed forms", "الموصل"),
    ("rare (one account's mentions)", "@bench_user_209"),
    ("hashtag", "#FreeMosul"),
    ("from:", "from:bench_user_7"),
    ("since:/until: (a month)", "since:2017-01-01 until:2017-02-01"),
    ("combined", "(الموصل OR mosul) -filter:retweets since:2016-10-17 until:2017-02-19"),
    ("tag: (curator tag)", f'tag:"{BENCH_TAG}"'),
    ("negation (keeps 86 %)", "-#Iraq"),
]
COLD_QUERY = "civilians"


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _find(name: str) -> Path | None:
    for d in [str(CACHE), *OTHER_CACHES]:
        p = Path(d) / name
        if p.exists() and (not p.is_dir() or (p / ".complete").exists()):
            return p
    return None


def ensure_input(n: int) -> Path:
    name = f"twarc2-{n}.jsonl"
    found = _find(name)
    if found is not None:
        return found
    CACHE.mkdir(exist_ok=True)
    path = CACHE / name
    tmp = path.with_suffix(".part")
    generate(n, tmp)
    tmp.rename(path)
    return path


PART = 1_000_000  # posts per file of a harvest


def ensure_harvest(n: int) -> Path:
    """The folder of n // PART twarc2 files (generated once, deterministic)."""
    folder = CACHE / f"twarc2-{n}"
    folder.mkdir(parents=True, exist_ok=True)
    for part in range(n // PART):
        path = folder / f"harvest-{part:02d}.jsonl"
        if path.exists():
            continue
        if part == 0:
            first = ensure_input(PART)
            try:
                os.link(first, path)  # the same bytes, no second copy on disk
                continue
            except OSError:
                pass
        # Written under a hidden name (a folder import passes over it) and
        # renamed when whole, so a kill never leaves half a file to import.
        tmp = folder / f".{path.name}.part"
        print(f"generating {path} …", flush=True)
        if part == 0:
            shutil.copyfile(ensure_input(PART), tmp)
        else:
            generate(PART, tmp, part=part)
        tmp.rename(path)
    return folder


def frozen_code() -> tuple[Path, str]:
    """A copy of the code at the current commit, to run a long import from."""
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=ROOT,
                            check=True).stdout.strip()
    dest = CACHE / f"code-{commit[:12]}"
    if not (dest / "viewer").is_dir():
        tmp = CACHE / f".code-{commit[:12]}.part"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", commit, "viewer"], capture_output=True, cwd=ROOT, check=True)
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive.stdout, check=True)
        tmp.rename(dest)
    dirty = subprocess.run(["git", "status", "--porcelain", "viewer"], capture_output=True, text=True,
                           cwd=ROOT).stdout.strip()
    return dest, commit + (" (worktree had uncommitted changes under viewer/, not used)" if dirty else "")


def _sources_state(path: Path) -> dict[str, Any]:
    db = sqlite3.connect(f"file:{path / 'collection.db'}?mode=ro", uri=True, timeout=60)
    try:
        files = dict(db.execute("SELECT status, count(*) FROM sources GROUP BY status").fetchall())
        posts = db.execute("SELECT count(*) FROM posts WHERE collected = 1").fetchone()[0]
        state = db.execute("SELECT value FROM meta WHERE key = 'index_state'").fetchone()
    except sqlite3.Error as e:
        return {"error": str(e)}
    finally:
        db.close()
    return {"files": files, "posts": posts, "index_state": state[0] if state else None}


def _nice_session() -> None:
    """Give this session's scheduling group our own niceness. With
    autogroups (Linux's default), a process started by `setsid` is a group
    of its own and gets a full share of the CPU whatever its nice value:
    `nice -n 19 setsid …` would not leave the machine to others."""
    try:
        with open("/proc/self/autogroup", "w") as f:
            f.write(str(os.nice(0)))
    except OSError:
        pass


def ensure_harvest_collection(n: int) -> tuple[Path, dict[str, Any]]:
    """Build, or resume building, the collection of a harvest (see above)."""
    name = f"scale-{n}"
    found = _find(name)
    if found is not None:
        return found, json.loads((found / "bench-import.json").read_text())
    _nice_session()
    folder = ensure_harvest(n)
    path = CACHE / name
    code, commit = frozen_code()
    env = {**os.environ, "PYTHONPATH": str(code)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    runs_log = path / "bench-runs.jsonl"
    print(f"building {name} from {folder} (one `archive-viewer import` of the folder; resumes) …", flush=True)
    OUT.mkdir(exist_ok=True)
    before = load()
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with open(OUT / f"import-{n}.log", "a") as log:
        log.write(f"\n== {started} {commit}\n")
        log.flush()
        # Sampled every half second: PSS is dear to read, and the run is long.
        m = measure([str(EXE), "import", "--collection", str(path), str(folder)], env=env, every=0.5,
                    pss=True, stdout=log)
    path.mkdir(exist_ok=True)  # (the import made it, unless it failed at once)
    run = {"started": started, "seconds": round(m.seconds, 1), "cpu_s": round(m.cpu_s, 1),
           "peak_rss_mb": round(m.peak_mb), "peak_pss_mb": round(m.peak_pss_mb), "returncode": m.returncode,
           "code": commit, "load_before": before, "load_after": load(), **_sources_state(path)}
    with open(runs_log, "a") as f:
        f.write(json.dumps(run) + "\n")
    print(json.dumps(run), flush=True)
    state = run
    if m.returncode != 0 or state.get("files", {}).get("complete", 0) < n // PART \
            or state.get("index_state") != "clean":
        raise SystemExit(f"{name}: not finished yet (status {m.returncode}); run again to resume")
    runs = [json.loads(line) for line in runs_log.read_text().splitlines() if line.strip()]
    info: dict[str, Any] = {
        "posts": n, "import_s": round(sum(r["seconds"] for r in runs), 1),
        "import_cpu_s": round(sum(r["cpu_s"] for r in runs), 1),
        "import_peak_mb": max(r["peak_rss_mb"] for r in runs),
        "import_peak_pss_mb": max(r["peak_pss_mb"] for r in runs),
        "import_runs": len(runs), "load_before": runs[0]["load_before"], "load_after": run["load_after"]}
    (path / "bench-import.json").write_text(json.dumps(info, indent=2))
    _tag(path, n)
    (path / ".complete").touch()
    return path, info


def ensure_collection(n: int, twarc: bool) -> tuple[Path, dict[str, Any]]:
    """The cached collection of n imported posts, and what its import cost."""
    if n > PART:
        return ensure_harvest_collection(n)
    name = f"scale-{n}"
    found = _find(name)
    if found is not None:
        info = json.loads((found / "bench-import.json").read_text())
        if twarc and "twarc_csv_s" not in info:
            info.update(_twarc(ensure_input(n)))
            (found / "bench-import.json").write_text(json.dumps(info, indent=2))
        return found, info
    src = ensure_input(n)
    path = CACHE / name
    if path.exists():
        shutil.rmtree(path)
    print(f"building {name} from {src} (the real import path) …", flush=True)
    before = load()
    m = measure([str(EXE), "import", "--collection", str(path), str(src)], every=0.2, pss=True)
    if m.returncode != 0:
        raise SystemExit(f"archive-viewer import failed with status {m.returncode}")
    info: dict[str, Any] = {"posts": n, "import_s": round(m.seconds, 1), "import_cpu_s": round(m.cpu_s, 1),
                            "import_peak_mb": round(m.peak_mb), "import_peak_pss_mb": round(m.peak_pss_mb),
                            "load_before": before, "load_after": load()}
    (path / "bench-import.json").write_text(json.dumps(info, indent=2))
    _tag(path, n)
    (path / ".complete").touch()
    if twarc:
        info.update(_twarc(src))
        (path / "bench-import.json").write_text(json.dumps(info, indent=2))
    return path, info


def _twarc(src: Path) -> dict[str, Any]:
    t = run_twarc(ensure_twarc_csv(), src)
    return {"twarc_csv_s": round(t.seconds, 1), "twarc_csv_cpu_s": round(t.cpu_s, 1),
            "twarc_csv_peak_mb": round(t.peak_mb), "twarc_load": load()}


def _tag(path: Path, n: int) -> None:
    """Put the bench tag on every tenth post (at most 100k), as a curator
    would through the app's own tables."""
    db = sqlite3.connect(path / "collection.db")
    with db:
        db.execute("INSERT INTO tags (name, created_at) VALUES (?, '2026-12-02T00:00:00Z')", (BENCH_TAG,))
        tid = db.execute("SELECT id FROM tags WHERE name = ?", (BENCH_TAG,)).fetchone()[0]
        ids = [r[0] for r in db.execute("SELECT id FROM posts WHERE collected = 1 ORDER BY id")][::10][:100_000]
        db.executemany("INSERT OR IGNORE INTO post_tags (post_id, tag_id, added_by, added_at) "
                       "VALUES (?, ?, 'bench', '2026-12-02T00:00:00Z')", ((pid, tid) for pid in ids))
    db.close()


# ---------------------------------------------------------------------------
# disk
# ---------------------------------------------------------------------------


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def disk(path: Path, posts: int) -> dict[str, Any]:
    db = sqlite3.connect(f"file:{path / 'collection.db'}?mode=ro", uri=True)
    raw = db.execute("SELECT sum(pgsize) FROM dbstat WHERE name = 'raw'").fetchone()[0] \
        if _has_dbstat(db) else None
    db.close()
    per_m = 1_000_000 / max(posts, 1)
    index = path / "index"
    cols = sum(f.stat().st_size for f in index.glob("*.cols"))
    out = {"db_mb": (path / "collection.db").stat().st_size / 1e6, "raw_table_mb": (raw or 0) / 1e6,
           "index_mb": _du(index) / 1e6, "columns_mb": cols / 1e6, "total_mb": _du(path) / 1e6}
    out.update({k.replace("_mb", "_mb_per_million"): round(v * per_m, 1) for k, v in list(out.items())})
    return {k: round(v, 1) for k, v in out.items()}


def _has_dbstat(db: sqlite3.Connection) -> bool:
    try:
        db.execute("SELECT 1 FROM dbstat LIMIT 1").fetchall()
        return True
    except sqlite3.Error:
        return False


def raw_levels(path: Path, sample: int = 20_000) -> dict[str, Any]:
    """What each way of compressing the raw records makes of them (a sample,
    decompressed and recompressed one by one as the store writes them): size
    relative to plain zlib level 1 (what collections built before the preset
    dictionary hold), and CPU seconds per million records (import time)."""
    import zlib

    from viewer.store import decompress, rawcodec

    db = sqlite3.connect(f"file:{path / 'collection.db'}?mode=ro", uri=True)
    blobs = [r[0] for r in db.execute("SELECT data FROM raw WHERE rowid % 10 = 0 LIMIT ?", (sample,))]
    db.close()
    raws = [decompress(b) for b in blobs]
    verbatim = sum(map(len, raws))
    out: dict[str, Any] = {"records": len(raws), "verbatim_mb": round(verbatim / 1e6, 1),
                           "stored_mb": round(sum(map(len, blobs)) / 1e6, 1), "levels": {}}
    per_m = 1_000_000 / max(len(raws), 1)
    ways: dict[str, Any] = {f"zlib {level}": (lambda r, lv=level: zlib.compress(r, lv)) for level in (1, 6, 9)}
    for level in (1, 3, 6, 9):
        primed = zlib.compressobj(level, zdict=rawcodec.DICTIONARY)

        def with_dictionary(r: bytes, primed: Any = primed) -> bytes:
            c = primed.copy()
            return bytes(c.compress(r) + c.flush())

        now = " (now)" if level == rawcodec.LEVEL else ""
        ways[f"zlib {level} + dictionary{now}"] = with_dictionary
    base = 0
    for name, f in ways.items():
        t = time.process_time()
        size = sum(len(f(r)) for r in raws)
        secs = time.process_time() - t
        base = base or size
        out["levels"][name] = {"size_vs_zlib1": round(size / base, 3), "bytes_per_record": round(size / len(raws)),
                               "cpu_s_per_million": round(secs * per_m, 1)}
    return out


# ---------------------------------------------------------------------------
# cold commands and FTS5
# ---------------------------------------------------------------------------

FTS5_QUESTION = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
q = sys.argv[2]
hits = "SELECT rowid FROM fts WHERE fts MATCH ?"
total = db.execute(f"SELECT count(*) FROM ({hits})", (q,)).fetchone()[0]
newest = db.execute(f"SELECT p.id, p.created_ts, p.author, p.text FROM p WHERE p.rowid IN ({hits}) "
                    "ORDER BY p.created_ts DESC LIMIT 50", (q,)).fetchall()
authors = db.execute(f"SELECT author, count(*) c FROM p WHERE p.rowid IN ({hits}) GROUP BY author "
                     "ORDER BY c DESC LIMIT 50", (q,)).fetchall()
days = db.execute(f"SELECT created_ts / 86400 d, count(*) FROM p WHERE p.rowid IN ({hits}) GROUP BY d ORDER BY d",
                  (q,)).fetchall()
print(total, len(newest), len(authors), len(days))
"""


def ensure_fts5(path: Path) -> Path:
    """The same collected posts in a plain SQLite FTS5 database (what a
    Datasette user would search), built once next to the collection."""
    fts = CACHE / f"{path.name}-fts5.db"
    if fts.exists():
        return fts
    CACHE.mkdir(exist_ok=True)
    tmp = fts.with_suffix(".part")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.execute(f"ATTACH DATABASE 'file:{path / 'collection.db'}?mode=ro' AS c")
    with db:
        db.execute("CREATE TABLE p (rowid INTEGER PRIMARY KEY, id INTEGER, created_ts INTEGER, author TEXT, "
                   "text TEXT)")
        db.execute("INSERT INTO p (id, created_ts, author, text) SELECT id, created_ts, author_handle, text "
                   "FROM c.posts WHERE collected = 1 ORDER BY created_ts")
        db.execute("CREATE INDEX p_ts ON p (created_ts)")
        db.execute("CREATE VIRTUAL TABLE fts USING fts5 (text, content='p', content_rowid='rowid')")
        db.execute("INSERT INTO fts (rowid, text) SELECT rowid, text FROM p")
    db.execute("DETACH DATABASE c")
    db.close()
    tmp.rename(fts)
    return fts


def median_of(runs: list[Measured]) -> dict[str, float]:
    return {"median_s": round(statistics.median(m.seconds for m in runs), 3),
            "median_cpu_s": round(statistics.median(m.cpu_s for m in runs), 3),
            "median_peak_mb": round(statistics.median(m.peak_mb for m in runs), 1),
            "runs": len(runs)}


def cold(path: Path, runs: int) -> dict[str, Any]:
    """Whole processes, alternated so a noisy neighbour hits each alike."""
    fts = ensure_fts5(path)
    cmds = {
        "search": [str(EXE), "search", "--collection", str(path), "--limit", "50", "--sort", "-time",
                   COLD_QUERY],
        "stats": [str(EXE), "stats", "--collection", str(path)],
        "fts5": [str(PY), "-c", FTS5_QUESTION, str(fts), COLD_QUERY],
    }
    got: dict[str, list[Measured]] = {k: [] for k in cmds}
    # As installed: with bytecode (this environment may say not to write it,
    # which would charge every run for compiling the sources).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for cmd in cmds.values():
        measure(cmd, env=env)  # the bytecode, and the OS file cache, as after any first use
    for _ in range(runs):
        for k, cmd in cmds.items():
            m = measure(cmd, env=env)
            if m.returncode != 0:
                raise SystemExit(f"{k} failed with status {m.returncode}: {' '.join(cmd)}")
            got[k].append(m)
    out = {k: median_of(v) for k, v in got.items()}
    out["search_to_fts5"] = round(out["search"]["median_s"] / out["fts5"]["median_s"], 2)
    out["search_to_fts5_cpu"] = round(out["search"]["median_cpu_s"] / max(out["fts5"]["median_cpu_s"], 1e-3), 2)
    out["load"] = load()
    return out


# ---------------------------------------------------------------------------
# warm searches
# ---------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    k = (len(s) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


WARM = """
import json, statistics, sys, time
from viewer.collection import Collection
from viewer.search import Searcher
path, runs, queries = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
coll = Collection.open(path, create=False)
t = time.perf_counter()
s = Searcher(coll)
opened = time.perf_counter() - t
out = {"open_ms": round(opened * 1000, 1), "source": s._gen.source, "posts": s._gen.n, "queries": []}
def once(q):
    s._terms.clear()  # no help from the previous run
    t, c = time.perf_counter(), time.process_time()
    rs = s.search(q, sort="-time")
    hits = rs.hits(0, 50)
    _ = rs.facets, rs.histogram
    return (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000, rs.total, len(hits)
for label, q in queries:
    first = once(q)[0]
    times, cpu, total = [], [], 0
    for _ in range(runs):
        ms, cms, total, _n = once(q)
        times.append(ms)
        cpu.append(cms)
    out["queries"].append({"label": label, "query": q, "hits": total, "first_ms": round(first, 1),
                           "times": times, "cpu": cpu})
print(json.dumps(out))
"""


def warm(path: Path, runs: int) -> dict[str, Any]:
    p = subprocess.run([str(PY), "-c", WARM, str(path), str(runs), json.dumps(QUERIES)], capture_output=True,
                       text=True, cwd=ROOT)
    if p.returncode != 0:
        raise SystemExit(p.stderr)
    out = json.loads(p.stdout)
    for q in out["queries"]:
        times, cpu = q.pop("times"), q.pop("cpu")
        q["median_ms"] = round(statistics.median(times), 1)
        q["p95_ms"] = round(percentile(times, 0.95), 1)
        # CPU time: what the query costs on a machine that is not shared.
        q["cpu_median_ms"] = round(statistics.median(cpu), 1)
        q["cpu_p95_ms"] = round(percentile(cpu, 0.95), 1)
        q["share"] = round(q["hits"] / max(out["posts"], 1), 3)
    out["load"] = load()
    return out


def ui(path: Path, runs: int) -> dict[str, Any]:
    """The window's figures (bench/ui_bench.py) on this collection."""
    p = subprocess.run([str(PY), str(HERE / "ui_bench.py"), "--collection", str(path), "--runs", str(runs)],
                       capture_output=True, text=True, cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    if p.returncode != 0:
        return {"error": p.stderr[-2000:]}
    out = json.loads((OUT / "ui.json").read_text())
    out["load"] = load()
    return out


# ---------------------------------------------------------------------------


def run_size(n: int, args: argparse.Namespace) -> dict[str, Any]:
    path, info = ensure_collection(n, twarc=not args.no_twarc)
    posts = sqlite3.connect(f"file:{path / 'collection.db'}?mode=ro", uri=True).execute(
        "SELECT count(*) FROM posts WHERE collected = 1").fetchone()[0]
    rep: dict[str, Any] = {"posts": posts, "collection": str(path), "import": info}
    if "twarc_csv_s" in info:
        info["ratio_to_twarc_csv"] = round(info["import_s"] / info["twarc_csv_s"], 2)
    rep["disk"] = disk(path, posts)
    rep["disk"]["raw_levels"] = raw_levels(path)
    if args.build_only:
        return rep
    rep["cold"] = cold(path, args.runs)
    rep["warm"] = warm(path, args.warm_runs)
    if args.ui:
        rep["ui"] = ui(path, args.runs)
    _print(n, rep)
    return rep


def _print(n: int, r: dict[str, Any]) -> None:
    print(f"\n== {r['posts']:,} posts ({r['collection']})")
    i = r["import"]
    line = (f"import: {i['import_s']} s wall, {i.get('import_cpu_s', '?')} s CPU, peak {i['import_peak_mb']} MB RSS "
            f"/ {i.get('import_peak_pss_mb', '?')} MB PSS (process tree)")
    if "twarc_csv_s" in i:
        line += f"; twarc-csv {i['twarc_csv_s']} s wall"
        if "twarc_csv_cpu_s" in i:
            line += f", {i['twarc_csv_cpu_s']} s CPU"
        line += f"; ratio {i['ratio_to_twarc_csv']} wall"
    print(line)
    d = r["disk"]
    print(f"disk per million posts: total {d['total_mb_per_million']} MB (SQLite {d['db_mb_per_million']}, raw "
          f"table {d['raw_table_mb_per_million']}, index {d['index_mb_per_million']}, column file "
          f"{d['columns_mb_per_million']})")
    lv = d["raw_levels"]
    print(f"raw records ({lv['records']:,} sampled, {lv['verbatim_mb']} MB verbatim): " + ", ".join(
        f"{k}: {v['size_vs_zlib1']:.0%} ({v['bytes_per_record']} B, {v['cpu_s_per_million']} s CPU/M)"
        for k, v in lv["levels"].items()))
    c = r["cold"]
    for k in ("search", "stats", "fts5"):
        print(f"cold {k:7s} median {c[k]['median_s']:.2f} s wall, {c[k]['median_cpu_s']:.2f} s CPU, "
              f"peak {c[k]['median_peak_mb']:.0f} MB "
              f"({c[k]['runs']} runs)")
    print(f"cold search / FTS5 same question: {c['search_to_fts5']} wall, {c['search_to_fts5_cpu']} CPU   "
          f"[{c['load']}]")
    w = r["warm"]
    print(f"warm (searcher opened in {w['open_ms']} ms from the {w['source']}):")
    for q in w["queries"]:
        print(f"  {q['label']:34s} {q['query'][:40]!r:44s} {q['hits']:>9,} hits ({q['share']:.0%})  "
              f"wall median {q['median_ms']:6.1f} p95 {q['p95_ms']:6.1f} ms; CPU median {q['cpu_median_ms']:6.1f} "
              f"p95 {q['cpu_p95_ms']:6.1f} ms")
    print(f"  [{w['load']}]")
    if "ui" in r:
        print("window (bench/ui_bench.py): " + json.dumps(r["ui"], ensure_ascii=False)[:1500])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,1000000", help="comma-separated post counts")
    ap.add_argument("--runs", type=int, default=5, help="cold runs of each command")
    ap.add_argument("--warm-runs", type=int, default=20, help="runs of each warm query")
    ap.add_argument("--no-twarc", action="store_true", help="skip twarc-csv (the import ratio)")
    ap.add_argument("--ui", action="store_true", help="also the window's figures (bench/ui_bench.py)")
    ap.add_argument("--build-only", action="store_true", help="build and cache the collections, measure nothing")
    args = ap.parse_args()
    report = {"load_start": load()}
    for n in (int(s) for s in args.sizes.split(",")):
        report[str(n)] = run_size(n, args)
    report["load_end"] = load()
    OUT.mkdir(exist_ok=True)
    (OUT / "scale.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\n{report['load_end']}")


if __name__ == "__main__":
    main()
