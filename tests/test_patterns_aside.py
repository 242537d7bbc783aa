"""An import clusters near-copies in a process of its own while it reads on
(viewer.patterns.aside): the clusters are the ones clustering in line
gives, and a process that dies leaves its batch to be clustered in line.
The bundled sample, real SQLite, real band files, real processes."""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from pathlib import Path

import pytest
from conftest import SAMPLE

from viewer import importer
from viewer.collection import Collection
from viewer.importer import import_paths
from viewer.index import build as index_build
from viewer.index import index_sink
from viewer.jobs import Job, Progress
from viewer.patterns import PatternSink, text_clusters
from viewer.patterns.aside import AsideClusterer
from viewer.store.rawcodec import AsideCompressor

pytestmark = pytest.mark.slow


def _clusters(coll: Collection) -> list[tuple[int, int]]:
    return list(coll.db.execute("SELECT post_id, cluster FROM text_clusters ORDER BY post_id"))


def _bands(coll: Collection) -> list[bytes]:
    return [r[0] for r in coll.db.execute("SELECT posts FROM text_band_chunks ORDER BY chunk")]


def _sample_import(path: Path, monkeypatch: pytest.MonkeyPatch, min_batch: int) -> Collection:
    monkeypatch.setattr(importer, "BATCH_POSTS", 400)
    monkeypatch.setattr(AsideClusterer, "MIN_BATCH", min_batch)
    coll = Collection.open(path)
    import_paths(coll, [SAMPLE])
    return coll


def test_an_import_clusters_aside_and_finds_the_clusters_clustering_in_line_finds(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG, logger="viewer.patterns.aside")
    aside = _sample_import(tmp_path / "aside", monkeypatch, min_batch=1)
    assert [r.getMessage() for r in caplog.records] == ["near-copies clustered in a process of their own"]
    in_line = _sample_import(tmp_path / "in-line", monkeypatch, min_batch=10**9)
    try:
        found = _clusters(aside)
        assert len({c for _, c in found}) >= 10
        assert found == _clusters(in_line)
        assert _bands(aside) == _bands(in_line)
        for name in ("ids.i8", "sketches.u1"):
            assert (tmp_path / "aside" / "text_bands" / name).read_bytes() == \
                (tmp_path / "in-line" / "text_bands" / name).read_bytes()
    finally:
        aside.close()
        in_line.close()


def test_a_clustering_process_killed_midway_leaves_its_batch_to_be_clustered_in_line(tmp_path, monkeypatch):
    coll = _sample_import(tmp_path / "c", monkeypatch, min_batch=10**9)
    try:
        ids = [r[0] for r in coll.db.execute("SELECT id FROM posts WHERE collected = 1 ORDER BY id")]
        # What clustering these posts as one batch in line gives (a batch's
        # clusters depend on how the posts were batched).
        text_clusters.clear(coll.db)
        PatternSink(coll).posts_changed(ids)
        expected = _clusters(coll)
        assert len({c for _, c in expected}) >= 10
        text_clusters.clear(coll.db)
        assert _clusters(coll) == []
        monkeypatch.setattr(AsideClusterer, "MIN_BATCH", 1)
        sink = AsideClusterer(coll)
        sink.posts_changed(ids)
        for pid in list(sink._pool._processes):  # the clustering process, as a kill -9 from outside
            os.kill(pid, signal.SIGKILL)
        sink.close()
        assert sink.batches_aside == 0
        assert _clusters(coll) == expected
    finally:
        coll.close()


def test_the_reading_helpers_have_ended_when_the_index_commit_starts(tmp_path, monkeypatch):
    # The clustering process and the compressor sat idle beside the index
    # commit's workers, at the peak of an import's memory.
    monkeypatch.setattr(importer, "BATCH_POSTS", 1200)
    monkeypatch.setattr(AsideClusterer, "MIN_BATCH", 1)
    monkeypatch.setattr(AsideCompressor, "MIN_BATCH", 1)
    helpers_by_phase: dict[str, set[int]] = {}

    def progress(p: Progress) -> None:
        phase = p.message.split(" ")[0]
        helpers_by_phase.setdefault(phase, set()).update(c.pid for c in multiprocessing.active_children())

    coll = Collection.open(tmp_path / "c")
    try:
        import_paths(coll, [SAMPLE], job=Job(progress), index=index_sink(coll))
    finally:
        coll.close()
    assert len(helpers_by_phase["Reading"]) == 2  # the clustering process and the compressor
    assert helpers_by_phase["Indexing"] == set()


@pytest.mark.skipif(not Path("/proc/self/comm").exists(), reason="process names are read from Linux's /proc")
def test_each_helper_process_of_an_import_shows_by_name(tmp_path, monkeypatch):
    # In top or ps, and in the benchmarks' memory and CPU by process.
    monkeypatch.setattr(importer, "BATCH_POSTS", 1200)
    monkeypatch.setattr(AsideClusterer, "MIN_BATCH", 1)
    monkeypatch.setattr(AsideCompressor, "MIN_BATCH", 1)
    monkeypatch.setattr(index_build, "LIVE_MIN", 1000)
    names: set[str] = set()

    def progress(p: Progress) -> None:
        for child in multiprocessing.active_children():
            try:
                names.add(Path(f"/proc/{child.pid}/comm").read_text().strip())
            except OSError:  # ended meanwhile
                pass

    coll = Collection.open(tmp_path / "c")
    try:
        import_paths(coll, [SAMPLE], job=Job(progress), index=index_sink(coll))
    finally:
        coll.close()
    assert {"av-clusters", "av-compress", "av-index-live"} <= names
