"""A large import writes its index while it reads (a worker process takes
each stored batch), and ends with the same rows and index as one that
indexed everything at its end: after a merge across batches, into an
existing index, and after a cancel and a resume."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from viewer.collection import Collection
from viewer.importer import import_paths
from viewer.index import build as index_build
from viewer.index import index_sink, open_index, verify
from viewer.jobs import Job, Progress
from viewer.search import Searcher

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from gen_twarc2 import generate  # noqa: E402

POSTS = 1500
QUERIES = ["mosul", "civilians", "#الموصل", "aid convoy"]


@pytest.fixture
def live(monkeypatch):
    """Small batches and a low threshold, so that a test-sized import goes
    live after a few batches; records each live writer that was started."""
    monkeypatch.setattr("viewer.importer.BATCH_POSTS", 200)
    monkeypatch.setattr(index_build, "LIVE_MIN", 400)
    started: list[index_build._LiveWriter] = []

    class Recorded(index_build._LiveWriter):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(index_build, "_LiveWriter", Recorded)
    return started


@pytest.fixture(scope="module")
def harvest(tmp_path_factory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("harvest") / "twarc2.jsonl"
    generate(POSTS, path)
    return path


def _import(path: Path, files: list[Path], job: Job | None = None):  # type: ignore[no-untyped-def]
    with Collection.open(path) as coll:
        return import_paths(coll, list(files), job=job, index=index_sink(coll))


def _state(path: Path) -> tuple[list, dict[str, tuple[int, list[int]]]]:
    """The rows (id, rev, collected) and, per query, the total and the 50 newest."""
    with Collection.open(path) as coll:
        rows = coll.db.execute("SELECT id, rev, collected FROM posts ORDER BY id").fetchall()
        assert verify(coll).ok
        s = Searcher(coll)
        answers = {}
        for q in QUERIES:
            r = s.search(q)
            answers[q] = (r.total, [h.id for h in r.hits(0, 50)])
    return rows, answers


def _documents(path: Path) -> int:
    with Collection.open(path) as coll:
        ix = open_index(coll)
        assert ix is not None
        try:
            return ix.doc_count()
        finally:
            ix.close()


def test_a_large_import_indexes_while_reading_and_ends_as_one_that_indexes_at_the_end(tmp_path, harvest,
                                                                                       monkeypatch, live):
    _import(tmp_path / "live", [harvest])
    assert len(live) == 1
    monkeypatch.setattr(index_build, "LIVE_MIN", 10**9)
    _import(tmp_path / "end", [harvest])
    assert len(live) == 1
    assert _state(tmp_path / "live") == _state(tmp_path / "end")
    assert _state(tmp_path / "live")[1]["mosul"][0] > 0


def test_a_post_changed_by_a_later_batch_keeps_only_its_current_document(tmp_path, harvest, live):
    # The same posts again in another file (a space at each line's end): a
    # second source for each, so every post changes (a new revision) in a
    # batch after its first.
    again = tmp_path / "again.jsonl"
    again.write_bytes(harvest.read_bytes().replace(b"\n", b" \n"))
    report = _import(tmp_path / "c", [harvest, again])
    assert report.added > 0 and report.merged == report.added
    assert len(live) == 1
    rows, _ = _state(tmp_path / "c")  # verify: no stale and no extra document
    assert min(rev for _, rev, collected in rows if collected) >= 2
    assert _documents(tmp_path / "c") == sum(1 for *_, collected in rows if collected)


def test_a_live_import_into_an_existing_index_replaces_the_changed_documents(tmp_path, harvest, live,
                                                                             monkeypatch):
    small = tmp_path / "small.jsonl"
    small.write_text("".join(harvest.read_text(encoding="utf-8").splitlines(keepends=True)[:2]),
                     encoding="utf-8")
    monkeypatch.setattr(index_build, "LIVE_MIN", 10**9)
    _import(tmp_path / "c", [small])
    monkeypatch.setattr(index_build, "LIVE_MIN", 400)
    _import(tmp_path / "c", [harvest])
    assert len(live) == 1
    _import(tmp_path / "one-go", [small, harvest])
    assert _state(tmp_path / "c") == _state(tmp_path / "one-go")


def test_a_live_import_cancelled_midway_and_resumed_ends_with_the_same_rows_and_index(tmp_path, harvest, live):
    def cancel_late(p: Progress) -> None:
        if p.message.startswith("Importing") and p.posts >= 800:
            job.cancel()

    job = Job(cancel_late)
    first = _import(tmp_path / "c", [harvest], job)
    assert first.cancelled and len(live) == 1
    with Collection.open(tmp_path / "c") as coll:
        stored = coll.db.execute("SELECT count(*) FROM posts WHERE collected = 1").fetchone()[0]
        assert 800 <= stored < POSTS
        # What was read before the cancel is searchable.
        assert verify(coll).ok
    again = _import(tmp_path / "c", [harvest])
    assert again.files[0].status == "resumed"
    _import(tmp_path / "whole", [harvest])
    assert _state(tmp_path / "c") == _state(tmp_path / "whole")
