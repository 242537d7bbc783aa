"""An import killed with SIGKILL midway leaves a collection that opens, holds
only whole posts, and that a second import completes."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from archive_factory import v1_status, write_jsonl

from viewer.collection import Collection

pytestmark = pytest.mark.slow
N = 30_000


def _posts(db_path: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT count(*) FROM posts").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def test_kill_9_midway_then_import_again_completes(tmp_path):
    src = write_jsonl(tmp_path / "big.jsonl", [v1_status(i) for i in range(N)])
    coll_dir = tmp_path / "c"
    cmd = [sys.executable, "-m", "viewer", "import", "--no-index", "--collection", str(coll_dir), str(src)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db_path = coll_dir / "collection.db"
    deadline = time.monotonic() + 120
    # Wait for at least one committed batch, then kill without warning.
    while time.monotonic() < deadline and proc.poll() is None and _posts(db_path) == 0:
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed; make N larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    coll = Collection.open(coll_dir)
    db = coll.db
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    partial = db.execute("SELECT count(*) FROM posts").fetchone()[0]
    assert 0 < partial < N
    # Whole posts only: each one has its verbatim record and its hashtag.
    assert db.execute("SELECT count(*) FROM posts p WHERE NOT EXISTS "
                      "(SELECT 1 FROM raw r WHERE r.post_id = p.id)").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM hashtags").fetchone()[0] == partial
    assert db.execute("SELECT status FROM sources").fetchone()[0] == "running"
    coll.close()

    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "finished an interrupted import" in done.stdout
    coll = Collection.open(coll_dir)
    assert coll.db.execute("SELECT count(*) FROM posts").fetchone()[0] == N
    assert coll.db.execute("SELECT added, status FROM sources").fetchone() == (N, "complete")
    coll.close()
