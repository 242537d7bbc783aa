"""The archives in view (View › Sources…): every file imported into the
collection with its format, SHA-256, when, what it added and merged, and the
records it could not read; from here an earlier import's report opens again
and the timeline narrows to one file's posts (`source:` in the query)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel,
                               QPlainTextEdit, QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from viewer.ui.io.import_panel import ImportSummary, stored_report

COLUMNS = ["File", "Format", "SHA-256", "Imported", "Status", "Added", "Merged", "Unchanged", "Failed"]
PROBLEMS_SHOWN = 2000


def list_sources(db: Any) -> list[dict[str, Any]]:
    """Every imported file, newest import first."""
    keys = ("id", "path", "name", "sha256", "format", "size", "started_at", "finished_at", "status", "added",
            "merged", "unchanged", "referenced", "failed", "import_id")
    return [dict(zip(keys, r, strict=True)) for r in db.execute(
        f"SELECT {', '.join(keys)} FROM sources ORDER BY import_id DESC, id").fetchall()]


class SourcesPanel(QDialog):
    filterRequested = Signal(str)  # the query text that shows one source's posts

    def __init__(self, db: Any, parent: Any = None):
        super().__init__(parent)
        self.setWindowTitle("Sources of this collection")
        self.db = db
        self.report: ImportSummary | None = None
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName("Imported files")
        hdr = self.table.horizontalHeader()
        hdr.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(COLUMNS)):
            hdr.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.problems_label = QLabel(self)
        self.problems = QPlainTextEdit(self)
        self.problems.setReadOnly(True)
        self.problems.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.problems.setAccessibleName("Records this file could not give")
        self.filter_button = QPushButton("Show its posts", self)
        self.filter_button.setToolTip("Narrow the timeline to the posts read from this file")
        self.report_button = QPushButton("Open its import report", self)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.filter_button)
        buttons.addWidget(self.report_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        lower = QSplitter(Qt.Orientation.Vertical, self)
        lower.addWidget(self.table)
        box = QWidget(self)
        box_lay = QVBoxLayout(box)
        box_lay.setContentsMargins(0, 0, 0, 0)
        box_lay.addWidget(self.problems_label)
        box_lay.addWidget(self.problems)
        lower.addWidget(box)
        lower.setSizes([300, 160])
        lay = QVBoxLayout(self)
        lay.addWidget(lower, 1)
        lay.addLayout(buttons)
        self.table.itemSelectionChanged.connect(self._selected)
        self.filter_button.clicked.connect(self._filter)
        self.report_button.clicked.connect(self.open_report)
        self.resize(1000, 520)
        self.reload()

    def reload(self) -> None:
        self.sources = list_sources(self.db)
        self.table.setRowCount(len(self.sources))
        for row, src in enumerate(self.sources):
            values = [src["path"] or src["name"], src["format"] or "", src["sha256"] or "",
                      (src["finished_at"] or src["started_at"] or "").replace("T", " ")[:19],
                      src["status"] or "", f"{src['added'] or 0:,}", f"{src['merged'] or 0:,}",
                      f"{src['unchanged'] or 0:,}", f"{src['failed'] or 0:,}"]
            for col, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                if col == 2:
                    item.setToolTip(str(value))
                    item.setText(str(value)[:16] + ("…" if len(str(value)) > 16 else ""))
                if col >= 5:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        if self.sources:
            self.table.selectRow(0)
        self._selected()

    def current(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.sources[rows[0].row()] if rows else None

    def _selected(self) -> None:
        src = self.current()
        self.filter_button.setEnabled(src is not None)
        self.report_button.setEnabled(src is not None and src["import_id"] is not None)
        if src is None:
            self.problems_label.setText("No file imported yet." if not self.sources else "")
            self.problems.setPlainText("")
            return
        rows = self.db.execute("SELECT location, reason FROM problems WHERE source_id = ? ORDER BY id LIMIT ?",
                               [src["id"], PROBLEMS_SHOWN + 1]).fetchall()
        self.problems_label.setText(f"Records and notices of {src['name'] or src['path']} ({src['failed'] or 0:,}):")
        lines = [f"{loc}: {why}" if loc else str(why) for loc, why in rows[:PROBLEMS_SHOWN]]
        if len(rows) > PROBLEMS_SHOWN:
            lines.append("… and more (all of them: the import report)")
        self.problems.setPlainText("\n".join(lines) if lines else "Every record of this file was read.")

    def query_for(self, src: dict[str, Any]) -> str:
        """`source:` with the file's SHA-256 prefix: unique, whatever the name."""
        return f"source:{(src['sha256'] or '')[:12]}" if src["sha256"] else f'source:"{src["name"]}"'

    def _filter(self) -> None:
        src = self.current()
        if src is not None:
            self.filterRequested.emit(self.query_for(src))

    def open_report(self) -> ImportSummary | None:
        src = self.current()
        if src is None or src["import_id"] is None:
            return None
        report = stored_report(self.db, src["import_id"])
        self.report = ImportSummary(report, self, title=f"Import of {src['finished_at'] or src['started_at'] or ''}")
        self.report.show()
        return self.report
