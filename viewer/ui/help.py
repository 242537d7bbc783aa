"""Help › Keyboard shortcuts and Help › About."""
from __future__ import annotations

from importlib import metadata
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout

# Keys that belong to the list (widget shortcuts, so typing elsewhere stays typing).
LIST_KEYS = [("J / ↓", "Next post"), ("K / ↑", "Previous post"), ("Enter", "Open the post in the detail pane"),
             ("T", "Tag the selection"), ("Shift+T", "Remove a tag from the selection"),
             ("N", "Write a note on the current post"), ("Shift+click", "Select a run of posts"),
             ("Ctrl+click", "Select one more post (in the list); pick one more value (in the facets)"),
             ("Esc (search box)", "Clear the search")]


def version() -> str:
    try:
        return metadata.version("archive-viewer")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def shortcuts(window: Any) -> list[tuple[str, str]]:
    """(keys, what) of every menu action with a shortcut, menu by menu, then
    the list's own keys."""
    out: list[tuple[str, str]] = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        title = menu_action.text().replace("&", "")
        for a in _actions(menu):
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in a.shortcuts()]
            label = a.text().split("\t")[0].replace("&", "")
            if not keys and "\t" in a.text():
                keys = [a.text().split("\t", 1)[1]]
            if keys:
                out.append((", ".join(keys), f"{title} › {label}"))
    return out + LIST_KEYS


def _actions(menu: Any) -> list[QAction]:
    found: list[QAction] = []
    for a in menu.actions():
        if a.menu() is not None:
            found.extend(_actions(a.menu()))
        elif not a.isSeparator():
            found.append(a)
    return found


class ShortcutsDialog(QDialog):
    def __init__(self, window: Any):
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcuts(window)
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setHorizontalHeaderLabels(["Keys", "What they do"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, (keys, what) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(keys))
            self.table.setItem(r, 1, QTableWidgetItem(what))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(buttons)
        self.resize(560, 520)

    def rows(self) -> list[tuple[str, str]]:
        return [(self.table.item(r, 0).text(), self.table.item(r, 1).text()) for r in range(self.table.rowCount())]


class AboutDialog(QDialog):
    def __init__(self, coll: Any, parent: Any = None):
        super().__init__(parent)
        self.setWindowTitle("About archive-viewer")
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setText(
            f"archive-viewer {version()}\n\n"
            "Search, read and curate saved tweet archives, entirely offline:\n"
            "nothing is fetched from the network, ever.\n\n"
            f"Collection: {coll.name}\n{coll.path}")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.label)
        lay.addWidget(buttons)
