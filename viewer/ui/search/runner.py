"""The current search, run on one dedicated thread.

The window says what it wants (query, sort, selected range, zoomed view);
this runs the search off the GUI thread, newest request wins, and hands back
one `Results`: the whole query's result set (for the chart) and the result
set within the selected range (for the list and the facets).

It answers in two steps, because counting facets over a million posts costs
more than finding them: first the rows and the chart (`rowsReady`), then
the facets (`resultsReady`), unless a newer request made them pointless.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timezone, tzinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from viewer.collection import Collection
from viewer.jobs import Job, Progress
from viewer.search.histogram import choose_unit
from viewer.ui.ops import LatestOnly
from viewer.search import QueryError, Searcher, query_edit

log = logging.getLogger(__name__)


@dataclass
class Results:
    query: str
    sort: str
    full: Any  # ResultSet of the query over all dates
    listed: Any  # ResultSet within the selected range (= full without one)
    histogram: Any  # what the chart shows: full's, or the zoomed view's
    range: tuple[int, int] | None
    view: tuple[int, int] | None
    seconds: float
    facets: dict[str, list[tuple[str, int]]] | None = None  # of `listed`, once counted


# The facet groups whose values combine with OR (Ctrl+click).
FACETS_COMPOSED = ("hashtags", "authors", "tags", "langs", "kinds")


class _Worker:
    """Lives on the search thread: its own connection and searcher."""

    def __init__(self, collection_path: Path):
        self.path = collection_path
        self.coll: Collection | None = None
        self.searcher: Any = None
        self.prepared = False
        # Set by the window while its own import writes the index: the
        # searcher then only reads (two writers would wreck the index).
        self.importing = False
        # Facet counts of a query with one group's own filter left out.
        self._facet_cache: dict[tuple[str, tuple[int, int] | None], dict[str, list[tuple[str, int]]]] = {}

    def _ready(self, job: Job) -> Any:
        if self.searcher is None:
            self.coll = Collection.open(self.path)
            self.searcher = Searcher(self.coll)
            self.prepared = False
        if not self.prepared and not self.importing:
            # An index missing or half-written (a killed import) is mended
            # before the first search; the window shows the progress.
            self.searcher.prepare(job)
            self.prepared = True
        return self.searcher

    def refresh(self) -> None:
        self._facet_cache.clear()
        if self.searcher is None:
            return
        try:
            self.searcher.refresh()
        except Exception:  # the index changed shape (a reindex): start again
            log.info("search index changed under the searcher; reopening", exc_info=True)
            self.reset()

    def run(self, query: str, sort: str, rng: tuple[int, int] | None, view: tuple[int, int] | None,
            full: Any, tz: tzinfo, job: Job) -> Results:
        try:
            return self._run(query, sort, rng, view, full, tz, job)
        except QueryError:
            raise
        except Exception:
            # The index was replaced under this searcher (an import rebuilt
            # it): start again on a fresh one, once.
            log.info("search failed on a replaced index; retrying once", exc_info=True)
            self.reset()
            return self._run(query, sort, rng, view, None, tz, job)

    def composed_facets(self, r: Results) -> dict[str, list[tuple[str, int]]]:
        """The facet groups that have values applied, each counted as if its
        own values were not (multi-select faceting, as Timesketch and shops
        do): with from:a applied the authors still list b, so b can be added
        (OR). Only those groups; the others are the results' own."""
        facets: dict[str, list[tuple[str, int]]] = {}
        if self.searcher is None:
            return facets
        for group in FACETS_COMPOSED:
            rest, applied = query_edit.without_facet_terms(r.query, group)
            if not applied:
                continue
            # Typing "#Fre…" asks for the hashtags of the same rest query at
            # every keystroke: counted once, until the collection changes.
            key = (rest, r.range)
            others = self._facet_cache.get(key)
            if others is None:
                try:
                    if r.range:
                        found = self.searcher.search(rest, sort="time", since_ts=r.range[0], until_ts=r.range[1])
                    else:
                        found = self.searcher.search(rest, sort="time")
                except QueryError:
                    continue
                others = found.facets
                if len(self._facet_cache) >= 16:
                    self._facet_cache.clear()
                self._facet_cache[key] = others
            facets[group] = others.get(group, [])
        return facets

    def reset(self) -> None:
        self._facet_cache.clear()
        if self.searcher is not None:
            try:
                self.searcher.close()
            except Exception:  # closing a half-replaced index must not stop the switch
                log.warning("closing the searcher failed", exc_info=True)
        if self.coll is not None:
            self.coll.close()
        self.searcher = self.coll = None
        self.prepared = False

    def _run(self, query: str, sort: str, rng: tuple[int, int] | None, view: tuple[int, int] | None,
             full: Any, tz: tzinfo, job: Job) -> Results:
        t0 = time.perf_counter()
        s = self._ready(job)
        if full is None:
            full = s.search(query, sort=sort)
            _touch(full)
        if rng:
            listed = s.search(query, sort=sort, since_ts=rng[0], until_ts=rng[1])
            _touch(listed)
        else:
            listed = full
        if view:
            hist = full.histogram_for(choose_unit(view[1] - view[0]), view[0], view[1], tz)
        else:
            # Days of the zone the analyst reads times in.
            hist = full.histogram_for(None, None, None, tz)
        return Results(query, sort, full, listed, hist, rng, view, time.perf_counter() - t0)


def _touch(rs: Any) -> None:
    """Make a result set compute what the list reads, here and not there."""
    rs.total, rs.ids  # noqa: B018


class SearchSession(QObject):
    rowsReady = Signal(object)  # Results: the list and the chart can show it
    preparing = Signal(str)  # what long work the first search is doing
    resultsReady = Signal(object)  # Results, with its facets counted
    failed = Signal(str)  # a message for the user (malformed query, no index …)
    facetsRefined = Signal(object)  # Results whose applied groups are now counted without their own filter

    REFINE_AFTER_MS = 350

    def __init__(self, collection_path: Path, parent: Any = None):
        super().__init__(parent)
        self.runner = LatestOnly(self)
        self.worker = _Worker(Path(collection_path))
        self.query = ""
        self.sort = "time"
        self.range: tuple[int, int] | None = None
        self.view: tuple[int, int] | None = None
        self.tz: tzinfo = timezone.utc
        self.current: Results | None = None
        self._full_key: tuple[str, str] | None = None
        self._refresh_pending = False
        self.busy = False
        self._to_refine: Results | None = None
        self._refine_timer = QTimer(self)
        self._refine_timer.setSingleShot(True)
        self._refine_timer.setInterval(self.REFINE_AFTER_MS)
        self._refine_timer.timeout.connect(self._refine)

    # -- what the window asks for ------------------------------------------------
    def search(self, query: str) -> None:
        self.query = query
        self._run(reuse_full=False)

    def set_sort(self, sort: str) -> None:
        self.sort = sort
        self._run(reuse_full=False)

    def set_range(self, start: int, end: int) -> None:
        self.range = (start, end)
        self._run(reuse_full=True)

    def clear_range(self) -> None:
        self.range = None
        self._run(reuse_full=True)

    def zoom(self, start: int, end: int) -> None:
        self.view = (start, end)
        self._run(reuse_full=True)

    def reset(self) -> None:
        """Whole span, nothing selected."""
        self.range = None
        self.view = None
        self._run(reuse_full=True)

    def set_zone(self, tz: tzinfo) -> None:
        """Bucket the chart's days in this zone."""
        self.tz = tz
        self._run(reuse_full=True)

    def set_importing(self, importing: bool) -> None:
        """Read only, never mend the index, while the window's import runs."""
        self.worker.importing = importing

    def refresh(self) -> None:
        """The collection changed (an import): search again on fresh data."""
        self._full_key = None
        self._run(reuse_full=False, refresh=True)

    def close(self) -> None:
        self.runner.cancel_pending()
        self.runner.wait(5000)

    # -- running -------------------------------------------------------------------
    def _run(self, reuse_full: bool, refresh: bool = False) -> None:
        query, sort, rng, view, tz = self.query, self.sort, self.range, self.view, self.tz
        full = None
        if reuse_full and self.current is not None and self._full_key == (query, sort):
            full = self.current.full
        worker = self.worker
        self.busy = True
        # The older answer's recount is moot now; issued after this request
        # it would also take its place on the one search thread, and this
        # answer would never be shown.
        self._refine_timer.stop()
        self._to_refine = None
        # A refresh must survive being overtaken by a newer request.
        self._refresh_pending = self._refresh_pending or refresh

        def run(job: Job) -> Results:
            if self._refresh_pending:
                self._refresh_pending = False
                worker.refresh()
            return worker.run(query, sort, rng, view, full, tz, job)

        self.runner.run(run, self._done, self._failed, self._progress)

    def _done(self, r: Results) -> None:
        self.current = r
        self._full_key = (r.query, r.sort)
        self.rowsReady.emit(r)
        t0 = time.perf_counter()

        def count(job: Job) -> Any:
            return r.listed.facets

        def counted(facets: Any) -> None:
            self.busy = False
            r.facets = dict(facets)
            r.seconds += time.perf_counter() - t0
            self.resultsReady.emit(r)
            if any(query_edit.without_facet_terms(r.query, g)[1] for g in FACETS_COMPOSED):
                # The groups with values applied are counted again without
                # them once typing has paused: a keystroke never waits on it.
                self._to_refine = r
                self._refine_timer.start()

        self.runner.run(count, counted, self._failed)

    def _refine(self) -> None:
        r = self._to_refine
        if r is None or r is not self.current or self.busy:
            return
        worker = self.worker

        def refined(groups: dict[str, list[tuple[str, int]]]) -> None:
            if r is self.current and r.facets is not None and groups:
                r.facets.update(groups)
                self.facetsRefined.emit(r)

        self.runner.run(lambda job: worker.composed_facets(r), refined, lambda e: None)

    def _progress(self, p: Progress) -> None:
        if p.message:
            pct = f" {100 * p.done // p.total}%" if p.total else ""
            self.preparing.emit(f"{p.message}{pct} …")

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, QueryError):
            self.failed.emit(getattr(exc, "message", None) or str(exc))
        else:
            self.failed.emit(f"The search could not run: {type(exc).__name__}: {exc}")

