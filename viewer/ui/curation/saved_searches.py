"""The saved searches panel: the collection's saved queries by name. A click
(or Enter) runs one; "Save…" keeps the current query under a name (an
existing name gets the new query); Delete removes one."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QInputDialog, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from viewer import curation
from viewer.ui.curation.widgets import confirm

if TYPE_CHECKING:  # the controller imports these panels
    from viewer.ui.curation.controller import Curator, Host

QueryRole = Qt.ItemDataRole.UserRole + 1
NameRole = Qt.ItemDataRole.UserRole + 2


class SavedSearchesPanel(QWidget):
    def __init__(self, curator: Curator, window: Host):
        super().__init__(window)
        self.curator = curator
        self.window = window
        self.list = QListWidget(self)
        self.list.setAccessibleName("Saved searches")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setUniformItemSizes(True)
        self.save_button = QPushButton("Save…", self)
        self.save_button.setToolTip("Save the current search under a name (Ctrl+Shift+S)")
        self.delete_button = QPushButton("Delete", self)
        for b in (self.save_button, self.delete_button):
            b.setAutoDefault(False)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.save_button)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.list, 1)
        lay.addLayout(row)
        # A click runs the search; Enter too (itemActivated), a double click
        # only runs it once more, which changes nothing.
        self.list.itemClicked.connect(self._run_item)
        self.list.itemActivated.connect(self._run_item)
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        self.save_button.clicked.connect(self.save_current)
        self.delete_button.clicked.connect(self.delete_selected)
        sc = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list)
        sc.setContext(Qt.ShortcutContext.WidgetShortcut)
        sc.activated.connect(self.delete_selected)
        self.input: QInputDialog | None = None
        self.confirmation: Any = None
        self.reload()

    def reload(self) -> None:
        keep = self.selected_name()
        self.list.clear()
        for s in curation.saved_searches(self.curator.db):
            item = QListWidgetItem(s["name"])
            item.setData(QueryRole, s["query"])
            item.setData(NameRole, s["name"])
            item.setToolTip(s["query"])
            item.setStatusTip(s["query"])
            self.list.addItem(item)
            if s["name"] == keep:
                self.list.setCurrentItem(item)
        self._enable()

    def names(self) -> list[str]:
        return [self.list.item(i).data(NameRole) for i in range(self.list.count())]

    def item(self, name: str) -> QListWidgetItem | None:
        for i in range(self.list.count()):
            if self.list.item(i).data(NameRole) == name:
                return self.list.item(i)
        return None

    def selected_name(self) -> str | None:
        item = self.list.currentItem() if hasattr(self, "list") else None
        return item.data(NameRole) if item is not None else None

    def _enable(self) -> None:
        self.delete_button.setEnabled(self.list.currentItem() is not None)

    def _run_item(self, item: QListWidgetItem) -> None:
        self.run(item.data(QueryRole))

    def run(self, query: str) -> None:
        """As if typed into the search bar (history, completion, the bar's text)."""
        self.window.search_bar.set_text(query)

    def save_current(self) -> QInputDialog | None:
        query = self.window.search_bar.text().strip()
        if not query:
            self.window.statusBar().showMessage("Type a search first: an empty search shows everything.", 6000)
            return None
        dlg = QInputDialog(self.window)
        dlg.setWindowTitle("Save search")
        dlg.setLabelText(f"Save “{query}” as:")
        dlg.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dlg.setTextValue(query[:60])
        dlg.textValueSelected.connect(
            lambda name: self.curator.write("searches", lambda c, job: curation.save_search(c, name, query))
            if name.strip() else None)
        self.input = dlg
        dlg.open()
        return dlg

    def delete_selected(self) -> Any:
        name = self.selected_name()
        if name is None:
            return None
        self.confirmation = confirm(
            self.window, "Delete saved search", f"Delete the saved search “{name}”?", "Delete",
            lambda: self.curator.write("searches", lambda c, job: curation.delete_saved_search(c, name)))
        return self.confirmation
