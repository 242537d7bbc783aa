"""The one way the window runs work off the GUI thread (Anki's operations).

    Op(parent, lambda job: core_call(..., job=job))
        .progress(on_progress).success(on_done).failure(on_error)
        .run_in_background()

The function runs on a worker thread and gets a `viewer.jobs.Job`: it reports
progress through it and checks its cancel flag between batches. Every callback
runs on the GUI thread. A function that touches the collection opens its own
`Collection` (SQLite connections belong to one thread); the GUI thread only
ever reads, so it never waits on a write.
"""
from __future__ import annotations

import logging
import time
import traceback
from typing import Any, Callable, Generic, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from viewer.jobs import Cancelled, Job, Progress

log = logging.getLogger(__name__)

T = TypeVar("T")

# Progress is shown to a person: more than ~20 updates a second is noise
# that only costs the GUI thread time.
PROGRESS_INTERVAL = 0.05

# Ops keep themselves alive until their callbacks have run, so a caller may
# fire and forget.
_running: set["Op[Any]"] = set()


class _Signals(QObject):
    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, op: "Op[Any]"):
        super().__init__()
        self.setAutoDelete(True)
        self._op = op

    def run(self) -> None:
        op = self._op
        try:
            result = op._fn(op.job)
        except BaseException as e:  # noqa: BLE001 - every failure reaches the GUI, never a silent thread death
            e.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            _emit(op._signals.failed, e)
        else:
            _emit(op._signals.succeeded, result)


def _emit(signal: Any, value: Any) -> None:
    try:
        signal.emit(value)
    except RuntimeError:
        pass  # the window that asked is gone: nobody is left to tell


class Op(QObject, Generic[T]):
    """One call of a core function on a worker thread."""

    finished = Signal()

    def __init__(self, parent: QObject | None, fn: Callable[[Job], T], pool: QThreadPool | None = None):
        # Owned by Qt, never by Python: the worker thread may drop the last
        # Python reference to this op, and a Python-owned QObject would then be
        # destroyed on that thread, against Qt's rule (a crash, now and then).
        # deleteLater() in _finish destroys it, and its signals, on the GUI thread.
        super().__init__(parent if parent is not None else QCoreApplication.instance())
        self._fn = fn
        self._pool = pool or QThreadPool.globalInstance()
        self._on_success: list[Callable[[T], Any]] = []
        self._on_failure: list[Callable[[BaseException], Any]] = []
        self._on_progress: list[Callable[[Progress], Any]] = []
        self._last_progress = 0.0
        self.done = False
        self.job = Job(self._report)
        # The signals object lives in the GUI thread; emitting from the worker
        # queues the call, so our slots (and the callbacks) run here.
        self._signals = _Signals(self)
        self._signals.progressed.connect(self._progressed, Qt.ConnectionType.QueuedConnection)
        self._signals.succeeded.connect(self._succeeded, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)

    def success(self, cb: Callable[[T], Any]) -> "Op[T]":
        self._on_success.append(cb)
        return self

    def failure(self, cb: Callable[[BaseException], Any]) -> "Op[T]":
        self._on_failure.append(cb)
        return self

    def progress(self, cb: Callable[[Progress], Any]) -> "Op[T]":
        self._on_progress.append(cb)
        return self

    def run_in_background(self) -> "Op[T]":
        _running.add(self)
        self._pool.start(_Runnable(self))
        return self

    def cancel(self) -> None:
        """Ask the work to stop at its next check; failure callbacks then get
        `Cancelled` unless the function chose to return normally."""
        self.job.cancel()

    # -- worker side ---------------------------------------------------------
    def _report(self, p: Progress) -> None:
        now = time.monotonic()
        if now - self._last_progress < PROGRESS_INTERVAL and p.message != "Done":
            return
        self._last_progress = now
        _emit(self._signals.progressed, p)

    # -- GUI side ----------------------------------------------------------------
    @Slot(object)
    def _progressed(self, p: Progress) -> None:
        if self.done:
            return
        for cb in self._on_progress:
            cb(p)

    @Slot(object)
    def _succeeded(self, result: T) -> None:
        self._finish()
        for cb in self._on_success:
            cb(result)
        self.finished.emit()

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        self._finish()
        if not self._on_failure and not isinstance(exc, (Cancelled, Stale)):
            # Nobody asked to hear about it: at least never lose it.
            log.error("background work failed: %s", getattr(exc, "__traceback_text__", repr(exc)))
        for cb in self._on_failure:
            cb(exc)
        self.finished.emit()

    def _finish(self) -> None:
        self.done = True
        _running.discard(self)
        self.deleteLater()


class Stale(Exception):
    """A newer request replaced this one before it started."""


class LatestOnly(QObject):
    """Runs requests one at a time on one dedicated thread, dropping any that
    a newer request has made pointless (search as you type: only the last
    keystroke's answer matters). The thread never changes, so per-thread
    resources (a searcher, its SQLite connection) can live on it."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.pool.setExpiryTimeout(-1)
        self._generation = 0

    def run(self, fn: Callable[[Job], T], success: Callable[[T], Any],
            failure: Callable[[BaseException], Any] | None = None,
            progress: Callable[[Progress], Any] | None = None) -> Op[T]:
        self._generation += 1
        gen = self._generation

        def guarded(job: Job) -> T:
            if gen != self._generation:
                raise Stale()
            return fn(job)

        def ok(result: T) -> None:
            if gen == self._generation:
                success(result)

        def bad(exc: BaseException) -> None:
            if gen == self._generation and not isinstance(exc, Stale) and failure is not None:
                failure(exc)

        op = Op(self, guarded, self.pool).success(ok).failure(bad)
        if progress is not None:
            op.progress(progress)
        return op.run_in_background()

    def cancel_pending(self) -> None:
        """Drop every queued request (their callbacks will not run)."""
        self._generation += 1

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)
