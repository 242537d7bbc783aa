"""Progress and cancel for long work, shared by the command line and the window.

The core reports through a plain callback and checks a flag between batches;
it never knows whether a progress bar or a Qt signal is listening.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable


class Cancelled(Exception):
    """The user asked the work to stop; what was committed stays."""


@dataclass
class Progress:
    done: int  # units of work done (bytes read, posts written)
    total: int | None  # None when unknown
    message: str = ""
    posts: int = 0  # posts written so far


class Job:
    """One piece of long work: progress goes out, a cancel request comes in."""

    def __init__(self, on_progress: Callable[[Progress], None] | None = None):
        self._on_progress = on_progress
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise Cancelled when a cancel was asked for; called between batches,
        where stopping leaves nothing half written."""
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, done: int, total: int | None, message: str = "", posts: int = 0) -> None:
        if self._on_progress is not None:
            self._on_progress(Progress(done, total, message, posts))

    def follower(self) -> "Job":
        """A job that reports to the same listener but cannot be cancelled:
        for the short cleanup after a cancel (the index of what was written)."""
        return Job(self._on_progress)
