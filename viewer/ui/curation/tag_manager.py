"""The tag manager: every tag with its colour and count; create, rename,
recolour, delete. Each change goes through viewer.curation (so it lands in
the audit log) on a worker, like every write of the window."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QColorDialog, QDialog, QHBoxLayout, QHeaderView,
                               QInputDialog, QLineEdit, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from viewer import curation
from viewer.ui.curation.widgets import confirm, error_label, show_error, swatch

NameRole = Qt.ItemDataRole.UserRole + 1


class TagManager(QDialog):
    def __init__(self, curator: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.curator = curator
        self.setWindowTitle("Tags")
        self.resize(420, 420)
        self.list = QTreeWidget(self)
        self.list.setColumnCount(2)
        self.list.setHeaderLabels(["Tag", "Posts"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAccessibleName("Tags")
        hdr = self.list.header()
        hdr.setStretchLastSection(False)
        hdr.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hdr.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.new_button = QPushButton("&New…", self)
        self.rename_button = QPushButton("&Rename…", self)
        self.colour_button = QPushButton("&Colour…", self)
        self.delete_button = QPushButton("&Delete…", self)
        self.close_button = QPushButton("Close", self)
        self.error = error_label(self)
        side = QVBoxLayout()
        for b in (self.new_button, self.rename_button, self.colour_button, self.delete_button):
            b.setAutoDefault(False)
            side.addWidget(b)
        side.addStretch(1)
        side.addWidget(self.close_button)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.error)
        self.new_button.clicked.connect(self.new_tag)
        self.rename_button.clicked.connect(self.rename_selected)
        self.colour_button.clicked.connect(self.recolour_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.close_button.clicked.connect(self.close)
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        self.list.itemActivated.connect(lambda *_: self.rename_selected())
        for key, slot in ((QKeySequence.StandardKey.Delete, self.delete_selected), ("F2", self.rename_selected)):
            sc = QShortcut(QKeySequence(key), self.list)
            sc.setContext(Qt.ShortcutContext.WidgetShortcut)
            sc.activated.connect(slot)
        # The dialogs it opens, kept for whoever answers them (a person, a test).
        self.input: QInputDialog | None = None
        self.colour_dialog: QColorDialog | None = None
        self.confirmation: Any = None
        self._pending_select: str | None = None  # a tag just made or renamed: select it when listed
        self.reload()

    # -- the list --------------------------------------------------------------------
    def reload(self) -> None:
        keep = self._pending_select or self.selected_name()
        self._pending_select = None
        self.list.clear()
        for t in self.curator.tags():
            item = QTreeWidgetItem([t["name"], f"{t['count']:,}"])
            item.setIcon(0, swatch(t["colour"], 14))
            item.setData(0, NameRole, t["name"])
            item.setToolTip(0, f"{t['name']} · {t['colour']} · created {t['created_at']}")
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(item)
            if t["name"] == keep:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.topLevelItemCount():
            self.list.setCurrentItem(self.list.topLevelItem(0))
        self._enable()

    def names(self) -> list[tuple[str, str]]:
        """(name, count text) of each row as shown."""
        return [(self.list.topLevelItem(i).text(0), self.list.topLevelItem(i).text(1))
                for i in range(self.list.topLevelItemCount())]

    def select(self, name: str) -> None:
        for i in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(i)
            if item.data(0, NameRole) == name:
                self.list.setCurrentItem(item)

    def selected_name(self) -> str | None:
        item = self.list.currentItem() if hasattr(self, "list") else None
        return item.data(0, NameRole) if item is not None else None

    def _enable(self) -> None:
        has = self.selected_name() is not None
        for b in (self.rename_button, self.colour_button, self.delete_button):
            b.setEnabled(has)

    def _error(self, message: str | None) -> None:
        show_error(self.error, message)

    def _write(self, fn: Any) -> None:
        self._error(None)
        self.curator.write("tags", fn, error=self._error)

    # -- the actions ----------------------------------------------------------------------
    def _ask_text(self, title: str, label: str, text: str, then: Any) -> QInputDialog:
        dlg = QInputDialog(self)
        dlg.setWindowTitle(title)
        dlg.setLabelText(label)
        dlg.setTextValue(text)
        dlg.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dlg.textValueSelected.connect(then)
        self.input = dlg
        dlg.open()
        return dlg

    def new_tag(self) -> QInputDialog:
        def create(name: str) -> None:
            try:
                clean = curation.check_tag_name(name)
            except curation.CurationError as e:
                self._error(str(e))
                return
            self._pending_select = clean
            self._write(lambda c, job: curation.create_tag(c, clean))
        return self._ask_text("New tag", "Name of the new tag:", "", create)

    def rename_selected(self) -> QInputDialog | None:
        old = self.selected_name()
        if old is None:
            return None

        def rename(new: str) -> None:
            try:
                clean = curation.check_tag_name(new)
            except curation.CurationError as e:
                self._error(str(e))
                return
            if clean != old:
                self._pending_select = clean
                self._write(lambda c, job: curation.rename_tag(c, old, clean))
        return self._ask_text("Rename tag", f"New name for “{old}”:", old, rename)

    def recolour_selected(self) -> QColorDialog | None:
        name = self.selected_name()
        if name is None:
            return None
        tag = curation.get_tag(self.curator.db, name)
        dlg = QColorDialog(QColor(tag["colour"]) if tag and tag.get("colour") else QColor("#2e86de"), self)
        dlg.setWindowTitle(f"Colour of “{name}”")
        dlg.colorSelected.connect(
            lambda c: self._write(lambda coll, job: curation.recolour_tag(coll, name, c.name())))
        self.colour_dialog = dlg
        dlg.open()
        return dlg

    def delete_selected(self) -> Any:
        name = self.selected_name()
        if name is None:
            return None
        tag = curation.get_tag(self.curator.db, name)
        n = tag["count"] if tag else 0
        self.confirmation = confirm(
            self, "Delete tag",
            f"Delete the tag “{name}” and take it off {n:,} {'post' if n == 1 else 'posts'}?\n"
            "The audit log keeps which posts had it.",
            "Delete", lambda: self._write(lambda c, job: curation.delete_tag(c, name)))
        return self.confirmation
