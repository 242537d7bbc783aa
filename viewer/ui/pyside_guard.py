"""A guard against a reference-counting bug of PySide6 6.12.0 on Python 3.11.

That binding releases references it never took: to None on every call of a
Qt method that returns nothing (QWidget.update, QObject.setObjectName,
QCoreApplication.processEvents, …), and to True or False on every emission
of a signal carrying a bool to a Python slot. From Python 3.12 on these
objects are immortal and nothing happens; on 3.11 their counts fall by one
per call, and after some thousands of calls (seconds of scrolling) the
interpreter aborts with "Fatal Python error: none_dealloc" (or
bool_dealloc). PySide6 6.11.3 does not have the bug.

Until the dependency is pinned past it, the window adds the missing
references itself, on a timer, ahead of the losses: nothing is allocated,
and where the bug is absent the check finds nothing and installs nothing.
"""
from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

LOW = 1_000_000  # top up below this many references …
HIGH = 10_000_000  # … to this many (far more than a timer interval can lose)
INTERVAL_MS = 200
GUARDED = (None, True, False)

_timer: QTimer | None = None


class _Probe(QObject):
    flag = Signal(bool)


def affected() -> bool:
    """True when void Qt calls or bool signals lose references here."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    probe = _Probe()
    probe.flag.connect(lambda _: None)
    before = [sys.getrefcount(o) for o in GUARDED]
    for _ in range(64):
        probe.setObjectName("probe")
        probe.flag.emit(True)
        probe.flag.emit(False)
    after = [sys.getrefcount(o) for o in GUARDED]
    return any(a <= b - 32 for a, b in zip(after, before))


def top_up() -> None:
    """Give back the references the binding took. CPython < 3.12 keeps an
    object's count in its first field (ob_refcnt, a Py_ssize_t)."""
    for obj in GUARDED:
        have = sys.getrefcount(obj)
        if have < LOW:
            ctypes.c_ssize_t.from_address(id(obj)).value += HIGH - have


def install(app: QCoreApplication) -> bool:
    """Keep None, True and False alive for as long as the application runs;
    True when the binding needed it."""
    global _timer
    if _timer is not None:
        top_up()
        return True
    if not affected():
        return False
    top_up()
    _timer = QTimer(app)
    _timer.setInterval(INTERVAL_MS)
    _timer.timeout.connect(top_up)
    _timer.start()
    return True
