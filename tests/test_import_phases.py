"""The import's indexing phase: reported as its own progress, stopped by a
cancel between batches with the collection consistent, finished by the next
import."""
from __future__ import annotations

import io

from archive_factory import v1_status, write_jsonl

from viewer.cli.imports import _Bar
from viewer.collection import Collection
from viewer.importer import import_paths
from viewer.index import index_sink, verify
from viewer.jobs import Job, Progress
from viewer.search import Searcher

POSTS = 4000


def harvest(tmp_path):  # type: ignore[no-untyped-def]
    return write_jsonl(tmp_path / "harvest.jsonl", [v1_status(i, f"Mosul update {i}") for i in range(POSTS)])


def test_indexing_reports_its_own_steps_and_done_comes_after_it(tmp_path):
    seen: list[Progress] = []
    with Collection.open(tmp_path / "c") as coll:
        import_paths(coll, [harvest(tmp_path)], job=Job(seen.append), index=index_sink(coll))
    phases = [p.message.split(" ")[0] for p in seen]
    first_index = phases.index("Indexing")
    assert "Importing" in phases[:first_index]
    steps = [p for p in seen if p.message == "Indexing"]
    assert len(steps) >= 3 and steps[-1].done == steps[-1].total == POSTS
    assert [p.done for p in steps] == sorted(p.done for p in steps)
    assert phases[-1] == "Done" and phases.index("Done") > first_index


def test_a_cancel_while_indexing_keeps_every_post_and_the_next_import_finishes_the_index(tmp_path):
    path = tmp_path / "c"
    archive = harvest(tmp_path)
    job = Job()
    job._on_progress = lambda p: job.cancel() if p.message == "Indexing" else None  # type: ignore[method-assign]
    with Collection.open(path) as coll:
        report = import_paths(coll, [archive], job=job, index=index_sink(coll))
        assert report.cancelled and report.index_pending
        assert coll.db.execute("SELECT count(*) FROM posts").fetchone()[0] == POSTS
        assert coll.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert not verify(coll).ok
    with Collection.open(path) as coll:
        again = import_paths(coll, [archive], index=index_sink(coll))
        assert not again.cancelled and again.files[0].status == "already imported"
        assert verify(coll).ok
        assert Searcher(coll).search("mosul").total == POSTS


def test_the_command_lines_bar_names_the_phase(monkeypatch):
    out = io.StringIO()
    out.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stderr", out)
    bar = _Bar()
    bar(Progress(50, 100, "Importing harvest.jsonl", 50))
    bar(Progress(30, 100, "Indexing", 30))
    text = out.getvalue()
    assert "reading  [" in text and "indexing [" in text
