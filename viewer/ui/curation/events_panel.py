"""The events panel: the collection's events (date, title, text) in date
order, as the histogram marks them; add, edit and delete. A date is typed as
YYYY-MM-DD (an event with a time of day keeps it)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QHeaderView, QLineEdit, QPlainTextEdit, QPushButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from viewer import curation
from viewer.ui.curation.widgets import confirm, error_label, show_error

if TYPE_CHECKING:  # the controller imports these panels
    from viewer.ui.curation.controller import Curator, Host

IdRole = Qt.ItemDataRole.UserRole + 1


class EventDialog(QDialog):
    """Date, title and text of one event."""

    submitted = Signal(str, str, str)  # date, title, text

    def __init__(self, parent: QWidget | None, title: str, event: dict[str, Any] | None = None,
                 default_date: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.date = QLineEdit(self)
        self.date.setPlaceholderText("YYYY-MM-DD")
        self.title = QLineEdit(self)
        self.text = QPlainTextEdit(self)
        self.text.setTabChangesFocus(True)
        self.text.setMaximumHeight(120)
        if event:
            self.date.setText(event.get("date") or "")
            self.title.setText(event.get("title") or "")
            self.text.setPlainText(event.get("text") or "")
        else:
            self.date.setText(default_date)
        self.error = error_label(self)
        form = QFormLayout()
        form.addRow("&Date:", self.date)
        form.addRow("&Title:", self.title)
        form.addRow("Te&xt:", self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.resize(420, 260)

    def accept(self) -> None:
        try:
            when = curation.check_event_date(self.date.text())
            if not self.title.text().strip():
                raise curation.CurationError("an event needs a title")
        except curation.CurationError as e:
            show_error(self.error, str(e))
            return
        super().accept()
        self.submitted.emit(when, self.title.text().strip(), self.text.toPlainText())


class EventsPanel(QWidget):
    def __init__(self, curator: Curator, window: Host):
        super().__init__(window)
        self.curator = curator
        self.window = window
        self.list = QTreeWidget(self)
        self.list.setColumnCount(2)
        self.list.setHeaderLabels(["Date", "Event"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAccessibleName("Events")
        hdr = self.list.header()
        hdr.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.add_button = QPushButton("Add…", self)
        self.edit_button = QPushButton("Edit…", self)
        self.delete_button = QPushButton("Delete", self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for b in (self.add_button, self.edit_button, self.delete_button):
            b.setAutoDefault(False)
            row.addWidget(b)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.list, 1)
        lay.addLayout(row)
        self.add_button.clicked.connect(self.add_event)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.list.itemActivated.connect(lambda *_: self.edit_selected())
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        sc = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list)
        sc.setContext(Qt.ShortcutContext.WidgetShortcut)
        sc.activated.connect(self.delete_selected)
        self.dialog: EventDialog | None = None
        self.confirmation: Any = None
        self.reload()

    def reload(self) -> None:
        keep = self.selected_id()
        self.list.clear()
        for ev in curation.list_events(self.curator.db):
            item = QTreeWidgetItem([ev["date"][:10], ev["title"]])
            item.setData(0, IdRole, ev["id"])
            tip = ev["title"] + (f"\n\n{ev['text']}" if ev.get("text") else "")
            item.setToolTip(0, tip)
            item.setToolTip(1, tip)
            self.list.addTopLevelItem(item)
            if ev["id"] == keep:
                self.list.setCurrentItem(item)
        self._enable()

    def rows(self) -> list[tuple[str, str]]:
        return [(self.list.topLevelItem(i).text(0), self.list.topLevelItem(i).text(1))
                for i in range(self.list.topLevelItemCount())]

    def select(self, title: str) -> None:
        for i in range(self.list.topLevelItemCount()):
            if self.list.topLevelItem(i).text(1) == title:
                self.list.setCurrentItem(self.list.topLevelItem(i))

    def selected_id(self) -> int | None:
        item = self.list.currentItem() if hasattr(self, "list") else None
        return item.data(0, IdRole) if item is not None else None

    def _enable(self) -> None:
        has = self.selected_id() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def _default_date(self) -> str:
        """The date of the post being read: events are usually marked from one."""
        d = self.window.detail.detail
        if d is not None and d.row.created_ts is not None:
            from datetime import datetime, timezone

            return datetime.fromtimestamp(d.row.created_ts, timezone.utc).strftime("%Y-%m-%d")
        return ""

    def add_event(self) -> EventDialog:
        self.dialog = EventDialog(self.window, "Add an event", default_date=self._default_date())
        self.dialog.submitted.connect(lambda when, title, text: self.curator.write(
            "events", lambda c, job: curation.add_event(c, when, title, text)))
        self.dialog.open()
        return self.dialog

    def edit_selected(self) -> EventDialog | None:
        eid = self.selected_id()
        if eid is None:
            return None
        ev = next((e for e in curation.list_events(self.curator.db) if e["id"] == eid), None)
        if ev is None:
            return None
        self.dialog = EventDialog(self.window, "Edit event", ev)
        self.dialog.submitted.connect(lambda when, title, text: self.curator.write(
            "events", lambda c, job: curation.edit_event(c, eid, when=when, title=title, text=text)))
        self.dialog.open()
        return self.dialog

    def delete_selected(self) -> Any:
        eid = self.selected_id()
        item = self.list.currentItem()
        if eid is None or item is None:
            return None
        self.confirmation = confirm(
            self.window, "Delete event", f"Delete the event “{item.text(1)}” ({item.text(0)})?", "Delete",
            lambda: self.curator.write("events", lambda c, job: curation.delete_event(c, eid)))
        return self.confirmation
