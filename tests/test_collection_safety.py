"""Never lose a record (issue 12), the collection's side: two imports at once,
kill -9 during indexing, a full disk, a damaged collection.db or index. Real
processes, real SQLite, real Whoosh."""
from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from archive_factory import snowflake, v1_status, write_jsonl

from viewer.collection import Collection

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str, limit: int | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    def cap() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "viewer", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, preexec_fn=cap)


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "viewer", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)


def posts(coll_dir: Path) -> list[tuple]:
    con = sqlite3.connect(coll_dir / "collection.db")
    try:
        return con.execute("SELECT id, collected, kind, text, retweet_of FROM posts ORDER BY id").fetchall()
    finally:
        con.close()


def originals_and_retweets(tmp_path: Path, n: int) -> tuple[Path, Path]:
    """A file of n posts, and a file of n retweets carrying those posts as
    their originals: imported together in any order, every original stays
    collected."""
    a = write_jsonl(tmp_path / "originals.jsonl", [v1_status(i) for i in range(n)])
    rts = []
    for i in range(n):
        rt = v1_status(n + i, text=f"RT @reporter_mosul: Update {i}", handle="relay")
        rt["retweeted_status"] = v1_status(i)
        rts.append(rt)
    b = write_jsonl(tmp_path / "retweets.jsonl", rts)
    return a, b


def test_two_imports_at_once_give_what_one_after_the_other_gives(tmp_path):
    a, b = originals_and_retweets(tmp_path, 3000)
    seq = tmp_path / "seq"
    assert cli("import", "--no-index", "--collection", str(seq), str(a)).returncode == 0
    assert cli("import", "--no-index", "--collection", str(seq), str(b)).returncode == 0
    both = tmp_path / "both"
    Collection.open(both).close()
    p1 = start("import", "--no-index", "--collection", str(both), str(b))
    p2 = start("import", "--no-index", "--collection", str(both), str(a))
    for p in (p1, p2):
        p.wait(timeout=300)
        assert p.returncode == 0, p.stderr.read()
    assert posts(both) == posts(seq)
    con = sqlite3.connect(both / "collection.db")
    assert con.execute("SELECT count(*) FROM posts WHERE collected = 1").fetchone()[0] == 6000


def test_the_same_file_imported_twice_at_once_is_imported_once(tmp_path):
    src = write_jsonl(tmp_path / "big.jsonl", [v1_status(i) for i in range(20_000)])
    coll = tmp_path / "c"
    Collection.open(coll).close()
    first = start("import", "--no-index", "--json", "--collection", str(coll), str(src))
    deadline = time.monotonic() + 60
    lock = coll / "import.lock"
    # The second starts once the first holds the collection.
    while time.monotonic() < deadline and not (lock.exists() and lock.read_text().strip() == str(first.pid)):
        time.sleep(0.02)
    second = start("import", "--no-index", "--json", "--collection", str(coll), str(src))
    out1, _ = first.communicate(timeout=300)
    out2, err2 = second.communicate(timeout=300)
    assert first.returncode == second.returncode == 0
    assert "Waiting for another import into this collection" in err2
    assert json.loads(out1)["added"] == 20_000
    assert json.loads(out2)["files"][0]["status"] == "already imported"
    con = sqlite3.connect(coll / "collection.db")
    assert con.execute("SELECT count(*), sum(added) FROM sources").fetchone() == (1, 20_000)


_INDEX_WITH_WORKERS = """
import sys
import viewer.index.build as b
b.PARALLEL_MIN = 500
b.CHUNK = 20
from viewer.cli import main
sys.argv = ["archive-viewer", *sys.argv[1:]]
main()
"""


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")
def test_kill_9_during_indexing_leaves_no_worker_and_the_next_import_completes_the_index(tmp_path):
    src = write_jsonl(tmp_path / "a.jsonl", [v1_status(i) for i in range(6000)])
    coll = tmp_path / "c"
    proc = subprocess.Popen([sys.executable, "-c", _INDEX_WITH_WORKERS, "import", "--collection", str(coll),
                             str(src)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        workers = [c for c in _children(proc.pid) if _alive(c)]
        if len(workers) >= 2:
            break
        time.sleep(0.01)
    assert len(workers) >= 2, "no index workers seen; the import ended first"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers), "index workers outlived their parent"

    more = write_jsonl(tmp_path / "b.jsonl", [v1_status(i) for i in range(6000, 6010)])
    done = cli("import", "--collection", str(coll), str(more), timeout=120)
    assert done.returncode == 0, done.stderr
    check = cli("verify", "--json", "--collection", str(coll))
    report = json.loads(check.stdout)
    assert check.returncode == 0 and report["ok"]
    assert report["indexed"] == len(posts(coll))


def test_a_full_disk_during_import_is_one_sentence_and_exit_1(tmp_path):
    coll = tmp_path / "c"
    Collection.open(coll).close()
    src = write_jsonl(tmp_path / "big.jsonl", [v1_status(i) for i in range(15_000)])
    res = cli("import", "--no-index", "--collection", str(coll), str(src), limit=1536 * 1024)
    assert res.returncode == 1
    assert "The disk is full" in res.stderr and "free space and import again" in res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    # What was written is whole and the import finishes once there is room.
    kept = len(posts(coll))
    assert kept < 15_000
    again = cli("import", "--no-index", "--collection", str(coll), str(src))
    assert again.returncode == 0, again.stderr
    con = sqlite3.connect(coll / "collection.db")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM posts").fetchone()[0] == 15_000


def test_a_full_disk_during_reindex_is_one_sentence_and_exit_1(tmp_path):
    coll = tmp_path / "c"
    src = write_jsonl(tmp_path / "a.jsonl", [v1_status(i) for i in range(3000)])
    assert cli("import", "--no-index", "--collection", str(coll), str(src)).returncode == 0
    res = cli("reindex", "--collection", str(coll), limit=200 * 1024)
    assert res.returncode == 1
    assert "The disk is full" in res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    assert cli("reindex", "--collection", str(coll)).returncode == 0
    assert cli("verify", "--collection", str(coll)).returncode == 0


def test_a_zero_byte_collection_db_is_refused_and_left_alone(tmp_path):
    coll = tmp_path / "c"
    coll.mkdir()
    (coll / "collection.db").write_bytes(b"")
    for args in (["stats"], ["import", str(write_jsonl(tmp_path / "a.jsonl", [v1_status(0)]))]):
        res = cli(*args, "--collection", str(coll))
        assert res.returncode == 1
        assert "an empty file (0 bytes), not a collection" in res.stderr + res.stdout
    assert (coll / "collection.db").stat().st_size == 0


def test_a_database_of_another_program_is_refused(tmp_path):
    coll = tmp_path / "c"
    coll.mkdir()
    con = sqlite3.connect(coll / "collection.db")
    con.execute("CREATE TABLE invoices (id INTEGER, total REAL)")
    con.commit()
    con.close()
    res = cli("stats", "--collection", str(coll))
    assert res.returncode == 1 and "another program" in res.stdout + res.stderr
    con = sqlite3.connect(coll / "collection.db")
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["invoices"]


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path):
    coll = tmp_path / "c"
    coll.mkdir()
    text = b"id,text\n1,not a database\n" * 100
    (coll / "collection.db").write_bytes(text)
    res = cli("stats", "--collection", str(coll))
    assert res.returncode == 1 and "not a SQLite database" in res.stdout + res.stderr
    assert (coll / "collection.db").read_bytes() == text


def test_opening_the_collection_again_keeps_what_this_process_commits_after_another_program_closes_it(tmp_path):
    # The window opens the collection again for each import. Opening it once
    # read the file's header by hand, and closing that descriptor dropped
    # SQLite's locks: the next program to close the collection then deleted
    # the WAL, and the window's later commits (tags, an import) went to a
    # deleted file.
    coll = Collection.open(tmp_path / "c")
    try:
        coll.db.execute("CREATE TABLE probe (n INTEGER)")
        with coll.db.conn:
            coll.db.conn.executemany("INSERT INTO probe VALUES (?)", [(i,) for i in range(100)])
        Collection.open(tmp_path / "c", create=False).close()
        assert cli("stats", "--collection", str(tmp_path / "c")).returncode == 0
        with coll.db.conn:
            coll.db.conn.executemany("INSERT INTO probe VALUES (?)", [(i,) for i in range(100, 250)])
        other = subprocess.run([sys.executable, "-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1])"
                                ".execute('SELECT count(*) FROM probe').fetchone()[0])",
                                str(tmp_path / "c" / "collection.db")], capture_output=True, text=True, check=True)
        assert other.stdout.strip() == "250"
    finally:
        coll.close()


def _imported(tmp_path: Path, n: int = 2000) -> Path:
    coll = tmp_path / "c"
    src = write_jsonl(tmp_path / "a.jsonl", [v1_status(i) for i in range(n)])
    assert cli("import", "--collection", str(coll), str(src)).returncode == 0
    return coll


def test_a_cut_collection_db_gets_a_message_and_repair_recovers_it(tmp_path):
    coll = _imported(tmp_path)
    db = coll / "collection.db"
    size = db.stat().st_size
    with open(db, "r+b") as f:
        f.truncate(size * 2 // 3)
    for args in (["stats"], ["search", "Mosul"], ["verify"]):
        res = cli(*args, "--collection", str(coll))
        assert res.returncode == 1, args
        assert "Traceback" not in res.stderr + res.stdout
        assert "repair" in res.stderr + res.stdout
    res = cli("repair", "--json", "--collection", str(coll))
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert Path(report["kept_as"]).stat().st_size == size * 2 // 3
    assert 0 < report["recovered"]["posts"] <= 2000
    assert report["indexed"] == report["recovered"]["posts"]
    assert cli("verify", "--collection", str(coll)).returncode == 0


def test_a_damaged_page_is_found_by_verify_and_repair_keeps_the_rest(tmp_path):
    coll = _imported(tmp_path)
    db = coll / "collection.db"
    size = db.stat().st_size
    with open(db, "r+b") as f:
        f.seek(size // 2)
        f.write(bytes(range(256)) * 48)  # three pages of garbage, the same every run
    res = cli("verify", "--collection", str(coll))
    assert res.returncode == 1 and "Traceback" not in res.stderr + res.stdout
    res = cli("repair", "--json", "--collection", str(coll))
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["recovered"]["posts"] > 1000
    assert cli("verify", "--collection", str(coll)).returncode == 0
    found = cli("search", "--ids", "Mosul", "--collection", str(coll))
    assert len(found.stdout.split()) == report["recovered"]["posts"]


def test_a_missing_index_segment_is_reported_then_mended_by_the_next_import(tmp_path):
    coll = _imported(tmp_path)
    for seg in (coll / "index").glob("*.seg"):
        seg.unlink()
    res = cli("search", "Mosul", "--collection", str(coll))
    assert res.returncode == 1 and "reindex" in res.stderr and "Traceback" not in res.stderr
    res = cli("verify", "--collection", str(coll))
    assert res.returncode == 1 and "Traceback" not in res.stderr + res.stdout
    more = write_jsonl(tmp_path / "b.jsonl", [v1_status(i) for i in range(2000, 2005)])
    assert cli("import", "--collection", str(coll), str(more)).returncode == 0
    check = cli("verify", "--json", "--collection", str(coll))
    assert check.returncode == 0 and json.loads(check.stdout)["indexed"] == 2005


def test_a_killed_export_leaves_no_part_file_behind_the_next_one(tmp_path):
    coll = _imported(tmp_path, 200)
    out = tmp_path / "out.jsonl"
    # What a kill -9 mid-export leaves: a part file of a process that is gone.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stale = tmp_path / f".out.jsonl.{dead}.abcd1234.part"
    stale.write_text("half")
    assert cli("export", "jsonl", str(out), "--collection", str(coll)).returncode == 0
    assert not stale.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    assert len(out.read_text().splitlines()) == 200
    assert snowflake(0)  # the factory's ids are what was exported


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl", "html"])
def test_an_export_on_a_full_disk_is_one_sentence_and_leaves_no_file(tmp_path, fmt):
    coll = tmp_path / "c"
    src = write_jsonl(tmp_path / "a.jsonl", [v1_status(i, text=f"Update {i} " + "from the river " * 20)
                                             for i in range(4000)])
    assert cli("import", "--no-index", "--collection", str(coll), str(src)).returncode == 0
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    res = cli("export", fmt, str(out_dir / f"all.{fmt}"), "--collection", str(coll), limit=256 * 1024)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "The disk is full (writing " in res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    assert list(out_dir.iterdir()) == []
