"""Issue 12, items 4 and 5 in one process: a busy index is reported loudly
(and mended by the next import), a lock left by a dead process is taken over."""
from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys

from archive_factory import v1_status, write_jsonl
from click.testing import CliRunner

from viewer.cli import _load_commands, cli
from viewer.collection import IMPORT_LOCK, Collection
from viewer.index import lock as index_lock

_load_commands()


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_an_index_that_cannot_be_committed_is_reported_with_exit_1_and_mended_next_time(tmp_path, monkeypatch):
    coll = tmp_path / "c"
    first = write_jsonl(tmp_path / "a.jsonl", [v1_status(i) for i in range(20)])
    assert run("import", "--collection", str(coll), str(first)).exit_code == 0
    monkeypatch.setattr(index_lock, "LOCK_WAIT", 0.3)
    # Another program holds the index's writer lock for the whole import.
    fd = os.open(coll / "index" / "WRITING.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        second = write_jsonl(tmp_path / "b.jsonl", [v1_status(i) for i in range(20, 30)])
        res = run("import", "--json", "--collection", str(coll), str(second))
    finally:
        os.close(fd)
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    assert report["added"] == 10
    assert "reindex" in report["index_problem"]
    assert "WARNING: the search index was busy" in res.stderr
    assert run("verify", "--collection", str(coll)).exit_code == 1
    # The next import finds the index behind and brings it up to date.
    third = write_jsonl(tmp_path / "c.jsonl", [v1_status(30)])
    assert run("import", "--collection", str(coll), str(third)).exit_code == 0
    check = run("verify", "--json", "--collection", str(coll))
    assert check.exit_code == 0 and json.loads(check.stdout)["indexed"] == 31


def test_an_import_lock_left_by_a_dead_process_is_taken_over_at_once(tmp_path):
    coll = tmp_path / "c"
    Collection.open(coll).close()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    (coll / IMPORT_LOCK).write_text(dead)
    src = write_jsonl(tmp_path / "a.jsonl", [v1_status(0)])
    res = run("import", "--no-index", "--collection", str(coll), str(src))
    assert res.exit_code == 0
    assert "Waiting" not in res.stderr
    assert (coll / IMPORT_LOCK).read_text() == str(os.getpid())
