"""An import's near-copy clustering in a process of its own.

Clustering a batch (reading its texts back, band lookups, linking) was a
quarter of a million-post import's critical path and nearly half of it at
ten million, all on the importer's one core while the other idled half the
time. It needs nothing from the importer but the ids of the posts a batch
changed: it reads everything else from SQLite, which the batch has
committed. So a spawned process with its own connection clusters batch N
while the importer parses batch N+1; the importer waits for it before it
writes N+1, so that the two never contend for SQLite's write lock (a
waiting writer sleeps in steps that overshoot) and at most one batch is
written but not yet clustered, as when clustering ran in line.

Small batches, a process that cannot start, and any failure of it are
clustered here instead (the PatternSink the importer had before), from
what SQLite and the band files hold: the band files follow SQLite's
transactions (viewer.patterns.text_clusters), so a child that died midway
left nothing half-done.
"""
from __future__ import annotations

import logging
import os
from concurrent.futures import Future
from typing import Any

from viewer.collection import Collection
from viewer.patterns import PatternSink
from viewer.processes import die_with_parent

log = logging.getLogger(__name__)

_CHILD_SINK: PatternSink | None = None


def _start(parent: int, path: str) -> None:
    global _CHILD_SINK
    die_with_parent(parent, "av-clusters")
    _CHILD_SINK = PatternSink(Collection.open(path, create=False))


def _cluster(ids: list[int]) -> None:
    assert _CHILD_SINK is not None
    _CHILD_SINK.posts_changed(ids)


class AsideClusterer:
    """What the importer tells the clusters, as PatternSink, but clustered
    in another process while the importer reads on. Call `ready()` before
    writing the next batch and `close()` when the import ends."""

    # A batch smaller than this is clustered here: starting the process
    # (an interpreter importing numpy) costs more than a small file's clustering.
    MIN_BATCH = 1000

    def __init__(self, coll: Collection):
        self.coll = coll
        self.here = PatternSink(coll)
        self._pool: Any = None
        self._broken = False
        self._pending: tuple[list[int], Future[None]] | None = None
        self.batches_aside = 0  # clustered by the other process

    def posts_changed(self, ids: list[int]) -> None:
        if not ids:
            return
        self.ready()
        if len(ids) < self.MIN_BATCH or self._broken:
            self.here.posts_changed(ids)
            return
        try:
            if self._pool is None:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                # spawn, never fork: a forked child would share the importer's
                # SQLite connection and map its pages.
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_start, initargs=(os.getpid(), str(self.coll.path)))
                log.debug("near-copies clustered in a process of their own")
            self._pending = (list(ids), self._pool.submit(_cluster, list(ids)))
        except (OSError, RuntimeError) as e:
            log.info("clustering in line: the clustering process could not start (%s)", e)
            self._broken = True
            self.here.posts_changed(ids)

    def ready(self) -> None:
        """Wait for the batch in hand to be clustered; cluster it here if
        the other process failed. An error of SQLite's (a full disk, say)
        is raised here, as it was when clustering ran in line."""
        if self._pending is None:
            return
        ids, future = self._pending
        self._pending = None
        try:
            future.result()
            self.batches_aside += 1
            return
        except Exception as e:  # the process died or failed: this batch again, here
            log.info("clustering in line: the clustering process failed (%s: %s)", type(e).__name__, e)
            self._broken = True
        self.here.posts_changed(ids)

    def close(self) -> None:
        """The last batch clustered, and the process ended."""
        try:
            self.ready()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
