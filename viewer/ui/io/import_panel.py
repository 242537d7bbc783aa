"""Importing from the window: a progress panel with cancel while a worker
thread imports, then a summary that lists the bad records.

The worker opens its own Collection (its own SQLite connection); the GUI
thread only reads, and WAL lets it keep reading while the import writes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar,
                               QPushButton, QVBoxLayout, QWidget)

from viewer.collection import Collection
from viewer.curation import load_events_beside
from viewer.importer import Failure, FileReport, ImportReport, import_paths
from viewer.index import index_sink
from viewer.jobs import Job, Progress
from viewer.ui.ops import Op

FAILURES_SHOWN = 2000


def run_import(collection_path: Path, paths: list[Path], job: Job) -> ImportReport:
    """The worker's side: its own connection, the importer, the index."""
    with Collection.open(collection_path) as coll:
        report = import_paths(coll, paths, job=job, index=index_sink(coll))
        if not report.cancelled:
            load_events_beside(coll, paths)
        return report


class ImportPanel(QWidget):
    """A strip above the status bar while an import runs."""

    finished = Signal(object)  # ImportReport
    failed = Signal(str)
    progressed = Signal(object)  # Progress

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar(self)
        self.bar.setMinimumWidth(240)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self.cancel)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.bar)
        lay.addWidget(self.cancel_button)
        self.op: Op[ImportReport] | None = None
        self.phase = ""  # "reading" the files, then "indexing" them
        self.hide()

    @property
    def running(self) -> bool:
        return self.op is not None

    def start(self, collection_path: Path, paths: list[Path],
              runner: Callable[[Path, list[Path], Job], ImportReport] = run_import) -> bool:
        """Begin importing; False when an import is already running."""
        if self.op is not None:
            return False
        names = ", ".join(Path(p).name for p in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
        self.label.setText(f"Importing {names} …")
        self.bar.setRange(0, 0)
        self.bar.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel")
        self.show()
        self.op = Op(self, lambda job: runner(collection_path, list(paths), job)) \
            .progress(self._progress).success(self._done).failure(self._failed)
        self.op.run_in_background()
        return True

    def cancel(self) -> None:
        if self.op is None:
            self.hide()  # the button reads "Close" under a warning left after an import
            return
        self.op.cancel()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Stopping …")

    def _progress(self, p: Progress) -> None:
        if p.total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(min(1000, int(1000 * p.done / p.total)))
        self.phase = "indexing" if p.message.startswith("Indexing") else "reading"
        if self.phase == "indexing":
            # The second phase: the posts are stored; now they are made searchable.
            of = f" of {p.total:,}" if p.total else ""
            self.label.setText(f"Indexing for search: {p.done:,}{of} posts")
        else:
            self.label.setText(f"{p.message} — {p.posts:,} posts" if p.message else f"{p.posts:,} posts")
        self.progressed.emit(p)

    def _done(self, report: ImportReport) -> None:
        self.op = None
        if report.index_problem:
            # The posts are stored but search does not see them: a line that
            # stays until it is closed, not only a dialog that may be closed
            # unread (or never shown, for the first launch's sample).
            self.label.setText(index_problem_line(report))
            self.bar.hide()
            self.cancel_button.setEnabled(True)
            self.cancel_button.setText("Close")
        else:
            self.hide()
        self.finished.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self.op = None
        self.hide()
        self.failed.emit(f"The import stopped: {exc}")


def stored_report(db: Any, import_id: int) -> ImportReport:
    """An earlier import's report, as the collection keeps it: its files with
    their counts and every record it could not read."""
    r = ImportReport()
    row = db.execute("SELECT status FROM imports WHERE id = ?", [import_id]).fetchone()
    r.cancelled = bool(row and row[0] == "cancelled")
    for sid, path, fmt, status, added, merged, unchanged, referenced, failed in db.execute(
            "SELECT id, path, format, status, added, merged, unchanged, referenced, failed FROM sources "
            "WHERE import_id = ? ORDER BY id", [import_id]).fetchall():
        shown = "imported" if status == "complete" else (status or "")
        r.files.append(FileReport(path, fmt, shown, added or 0, merged or 0, unchanged or 0, referenced or 0,
                                  failed or 0))
        r.added += added or 0
        r.merged += merged or 0
        r.unchanged += unchanged or 0
        r.referenced += referenced or 0
        for location, reason in db.execute("SELECT location, reason FROM problems WHERE source_id = ? ORDER BY id",
                                           [sid]).fetchall():
            r.failures.append(Failure(path, location, reason))
    return r


def index_problem_line(r: ImportReport) -> str:
    """The line the command line prints when the index could not be updated."""
    return f"Search index NOT updated: {r.index_problem}"


def summary_text(r: ImportReport) -> str:
    lines = []
    if r.index_pending:
        lines.append("Cancelled while indexing. Every post read is stored, but not all are searchable yet; "
                     "import again (or run reindex) to finish.")
    elif r.cancelled:
        lines.append("Cancelled. The posts written so far are kept; import again to finish.")
    lines.append(f"{r.added:,} posts added, {r.merged:,} merged, {r.unchanged:,} unchanged, "
                 f"{r.referenced:,} referenced originals, {r.failed:,} records failed, "
                 f"{len(r.notices):,} notices (not posts; nothing lost).")
    if r.index_problem:
        lines.append(index_problem_line(r))
    for f in r.files:
        if f.status == "already imported":
            lines.append(f"{f.path}: already imported, nothing changed.")
        elif f.status in ("imported", "resumed", "cancelled"):
            lines.append(f"{f.path} [{f.format}] {f.status}: {f.added:,} added, {f.merged:,} merged, "
                         f"{f.unchanged:,} unchanged, {f.failed:,} failed")
        elif f.status == "failed":
            lines.append(f"{f.path}: {f.note}")
    if r.skipped:
        lines.append(f"Passed over {len(r.skipped)} files that hold no posts.")
    return "\n".join(lines)


def failures_text(r: ImportReport) -> str:
    out = [f"{f.file}: {f.where}: {f.reason}" if f.where else f"{f.file}: {f.reason}"
           for f in r.failures[:FAILURES_SHOWN]]
    if len(r.failures) > FAILURES_SHOWN:
        out.append(f"… and {len(r.failures) - FAILURES_SHOWN:,} more (all of them: archive-viewer import --json)")
    return "\n".join(out)


class ImportSummary(QDialog):
    """What the import did, with every bad record's file, line and reason.

    Every part that grows with the import (one line per file, one per bad
    record) scrolls inside the dialog, and the dialog never grows past the
    screen: a 60-file archive keeps its Close button and its failures on
    screen."""

    def __init__(self, report: ImportReport, parent: Any = None, title: str | None = None):
        super().__init__(parent)
        self.setWindowTitle(title or ("Import cancelled" if report.cancelled else "Import finished"))
        self.report = report
        lines = summary_text(report).split("\n")
        head = (2 if report.cancelled else 1) + (1 if report.index_problem else 0)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setText("\n".join(lines[:head]))
        self.files = QPlainTextEdit(self)
        self.files.setReadOnly(True)
        self.files.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.files.setPlainText("\n".join(lines[head:]))
        self.files.setAccessibleName("Files imported")
        self.failures = QPlainTextEdit(self)
        self.failures.setReadOnly(True)
        self.failures.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.failures.setPlainText(failures_text(report))
        self.failures.setAccessibleName("Records that could not be imported")
        for text in (self.files, self.failures):
            # Read-only, but the keyboard still moves through it (Ctrl+End, Page Down).
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                         | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.failures_label = QLabel(f"Records that could not be imported ({report.failed:,}):", self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        buttons.accepted.connect(self.close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(QLabel(f"Files ({len(report.files):,}):", self))
        lay.addWidget(self.files, 1)
        lay.addWidget(self.failures_label)
        lay.addWidget(self.failures, 2)
        self.failures.setVisible(bool(report.failures))
        self.failures_label.setVisible(bool(report.failures))
        lay.addWidget(buttons)
        self._fit(720, 520 if report.failures or len(report.files) > 4 else 260)

    def _fit(self, width: int, height: int) -> None:
        """The size wanted, within the screen the window is on (with room for
        the title bar and a panel)."""
        screen = (self.parentWidget().screen() if self.parentWidget() is not None else None) or self.screen()
        avail = screen.availableGeometry() if screen is not None else None
        if avail is not None:
            width = min(width, avail.width() - 40)
            height = min(height, avail.height() - 80)
            self.setMaximumSize(avail.width(), avail.height() - 40)
        # The scrolled parts may shrink to a few lines each: never the dialog past the screen.
        self.files.setMinimumHeight(60)
        self.failures.setMinimumHeight(80)
        self.resize(width, height)
