"""One index writer at a time, across threads and programs: a rebuild never
removes an index another writer is committing to."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from archive_factory import v1_status, write_jsonl

from viewer.index import IndexSink, LockError, reindex, writing
from viewer.importer import import_paths


def _hold_lock_in_another_program(coll_dir):
    """A second program that takes the writer lock and keeps it until told."""
    code = textwrap.dedent(f"""
        import sys
        from viewer.collection import Collection
        from viewer.index import writing
        coll = Collection.open({str(coll_dir)!r})
        with writing(coll):
            print("held", flush=True)
            sys.stdin.readline()
    """)
    p = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "held"
    return p


def test_a_writer_waits_for_another_programs_writer_then_gives_up_clearly(collection, tmp_path):
    holder = _hold_lock_in_another_program(collection.path)
    try:
        with pytest.raises(LockError, match="being written by another program"):
            with writing(collection, timeout=0.3):
                pass
    finally:
        holder.communicate("done\n", timeout=30)
    with writing(collection, timeout=0.3):
        pass  # free again once the other program is done


def test_an_import_whose_index_is_busy_keeps_its_posts_and_says_so(collection, tmp_path, monkeypatch):
    from viewer.index import lock as index

    monkeypatch.setattr(index, "LOCK_WAIT", 0.3)
    holder = _hold_lock_in_another_program(collection.path)
    try:
        sink = IndexSink(collection)
        report = import_paths(collection, [write_jsonl(tmp_path / "s.jsonl", [v1_status(i) for i in range(5)])],
                              index=sink)
    finally:
        holder.communicate("done\n", timeout=30)
    assert report.added == 5
    assert "busy" in sink.problem
    # The next writer mends what the busy one could not write.
    assert reindex(collection) == 5


def test_a_commit_that_turns_into_a_rebuild_does_not_wait_on_itself(collection, tmp_path):
    with writing(collection, timeout=0.3):
        import_paths(collection, [write_jsonl(tmp_path / "s.jsonl", [v1_status(1)])], index=IndexSink(collection))
    from viewer.index import verify

    assert verify(collection).ok
