"""File → Export posts…: the selection or the current results as CSV, JSONL
of the original records, or an offline HTML report. The export runs on a
worker with its own connection, with a progress bar and Cancel; a cancelled
export leaves nothing behind (viewer.export writes to a temporary name)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from PySide6.QtCore import QThreadPool, Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QProgressBar, QPushButton, QRadioButton, QVBoxLayout, QWidget)

from viewer.collection import Collection
from viewer.export import export
from viewer.jobs import Cancelled, Job, Progress
from viewer.ui.curation.widgets import error_label, show_error
from viewer.ui.ops import Op

FORMATS = [("csv", "&CSV (twarc-csv columns, tags and notes; for pandas, R, twarc)", ".csv"),
           ("xlsx", "E&xcel workbook (ids kept exact as text; posts and sources sheets)", ".xlsx"),
           ("jsonl", "&JSONL (the original records, re-importable)", ".jsonl"),
           ("html", "&HTML report (one offline file with images, tags, notes, provenance)", ".html")]


class ExportDialog(QDialog):
    exported = Signal(object)  # viewer.export.ExportResult
    ended = Signal(str)  # the closing message, whatever the outcome

    def __init__(self, parent: QWidget | None, collection_path: Path, selection: Sequence[int],
                 results: Sequence[int], query: str = "", pool: QThreadPool | None = None):
        super().__init__(parent)
        self.pool = pool  # None: the application's pool
        self.setWindowTitle("Export posts")
        self.collection_path = Path(collection_path)
        self.selection = list(selection)
        self.results = list(results)
        self.query = query
        self.op: Op[Any] | None = None
        self.result: Any = None

        self.formats = QButtonGroup(self)
        fmt_box = QVBoxLayout()
        for i, (key, label, _) in enumerate(FORMATS):
            b = QRadioButton(label, self)
            b.setProperty("format", key)
            self.formats.addButton(b, i)
            fmt_box.addWidget(b)
        self.formats.button(0).setChecked(True)

        n_sel, n_res = len(self.selection), len(self.results)
        self.scope_selection = QRadioButton(f"The &selected {'post' if n_sel == 1 else 'posts'} ({n_sel:,})", self)
        where = f" of “{query}”" if query.strip() else ""
        self.scope_results = QRadioButton(f"All &results{where} ({n_res:,})", self)
        self.scope_selection.setEnabled(n_sel > 0)
        (self.scope_selection if n_sel > 1 else self.scope_results).setChecked(True)
        scope_box = QVBoxLayout()
        scope_box.addWidget(self.scope_selection)
        scope_box.addWidget(self.scope_results)

        self.path = QLineEdit(self)
        self.path.setText(str(Path.home() / "archive-viewer-export.csv"))
        self.browse = QPushButton("&Browse…", self)
        self.browse.setAutoDefault(False)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse)

        form = QFormLayout()
        form.addRow("Format:", fmt_box)
        form.addRow("Posts:", scope_box)
        out_label = QLabel("&Save to:", self)
        out_label.setBuddy(self.path)
        form.addRow(out_label, path_row)

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.hide()
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = error_label(self)
        self.export_button = QPushButton("&Export", self)
        self.export_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.progress)
        lay.addWidget(self.message)
        lay.addWidget(self.error)
        lay.addLayout(buttons)
        self.resize(560, 0)

        self.formats.idToggled.connect(lambda i, on: on and self._format_changed())
        self.browse.clicked.connect(self._browse)
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel_or_close)

    # -- choices ---------------------------------------------------------------------------
    @property
    def format(self) -> str:
        return self.formats.checkedButton().property("format")

    def set_format(self, key: str) -> None:
        for i, (k, _, _) in enumerate(FORMATS):
            if k == key:
                self.formats.button(i).setChecked(True)

    def _suffix(self) -> str:
        return next(s for k, _, s in FORMATS if k == self.format)

    def _format_changed(self) -> None:
        p = Path(self.path.text().strip() or "export")
        if p.suffix.lower() in {s for _, _, s in FORMATS}:
            self.path.setText(str(p.with_suffix(self._suffix())))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(),
                                              f"{self.format.upper()} (*{self._suffix()});;All files (*)")
        if path:
            self.path.setText(path)

    def chosen_ids(self) -> list[int]:
        return self.selection if self.scope_selection.isChecked() else self.results

    @property
    def running(self) -> bool:
        return self.op is not None and not self.op.done

    # -- running -------------------------------------------------------------------------------
    def start(self) -> None:
        if self.running:
            return
        out = self.path.text().strip()
        ids = self.chosen_ids()
        show_error(self.error, None)
        self.message.setText("")
        if not out:
            show_error(self.error, "Say where to save the export.")
            return
        if not ids:
            show_error(self.error, "There are no posts to export.")
            return
        out_path = Path(out).expanduser()
        fmt, coll_path, query = self.format, self.collection_path, self.query
        query_arg = query if self.scope_results.isChecked() and query.strip() else None

        def run(job: Job) -> Any:
            with Collection.open(coll_path) as coll:
                return export(coll, fmt, ids, out_path, job=job, query=query_arg)

        self.progress.setRange(0, max(1, len(ids)))
        self.progress.setValue(0)
        self.progress.show()
        self.message.setText(f"Exporting {len(ids):,} posts …")
        for w in (self.export_button, self.browse, self.path, self.scope_selection, self.scope_results,
                  *self.formats.buttons()):
            w.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self.result = None
        self.op = Op(self, run, self.pool).progress(self._progressed).success(self._done).failure(self._failed)
        self.op.run_in_background()

    def _progressed(self, p: Progress) -> None:
        if p.total:
            self.progress.setRange(0, p.total)
            self.progress.setValue(min(p.done, p.total))

    def _finish(self, text: str) -> None:
        self.progress.setVisible(self.result is not None)  # full when done; gone when not
        self.message.setText(text)
        self.cancel_button.setText("Close")
        self.cancel_button.setFocus()
        for w in (self.export_button, self.browse, self.path, *self.formats.buttons(), self.scope_results):
            w.setEnabled(True)
        self.scope_selection.setEnabled(bool(self.selection))
        self.ended.emit(text)

    def _done(self, result: Any) -> None:
        self.result = result
        self.progress.setValue(self.progress.maximum())
        text = f"Wrote {result.posts:,} {'post' if result.posts == 1 else 'posts'} to {result.path}"
        if result.records and result.records != result.posts:
            text += f" ({result.records:,} records)"
        text += "."
        if result.skipped:
            text += f" Left out {len(result.skipped):,}: " + "; ".join(sorted({s['reason'] for s in result.skipped}))
        self._finish(text)
        self.exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self._finish("Cancelled: nothing was written.")
        elif isinstance(exc, OSError):
            self._finish("")
            show_error(self.error, f"Cannot write {self.path.text()}: {exc.strerror or exc}")
        else:
            self._finish("")
            show_error(self.error, str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}")

    def cancel_or_close(self) -> None:
        if self.running and self.op is not None:
            self.cancel_button.setEnabled(False)
            self.message.setText("Cancelling …")
            self.op.cancel()
            self.cancel_button.setEnabled(True)
            return
        self.reject()

    def reject(self) -> None:
        """Escape or closing the window while an export runs cancels it."""
        if self.running and self.op is not None:
            self.op.cancel()
        super().reject()
