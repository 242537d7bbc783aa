"""The tag picker: choose a tag from the collection's, or type a new one."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QCompleter, QDialog, QDialogButtonBox, QLabel, QVBoxLayout,
                               QWidget)

from viewer.curation import CurationError, check_tag_name
from viewer.ui.curation.widgets import error_label, show_error, swatch


class TagPicker(QDialog):
    """One combo box: the existing tags (with their colour and count), and,
    when `allow_new`, whatever name is typed. Enter picks, Escape cancels."""

    picked = Signal(str)  # the tag name

    def __init__(self, parent: QWidget | None, title: str, prompt: str, tags: list[dict[str, Any]],
                 allow_new: bool = True):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.allow_new = allow_new
        self.names = [t["name"] for t in tags]
        self.prompt = QLabel(self)
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.prompt.setText(prompt)
        self.combo = QComboBox(self)
        self.combo.setEditable(allow_new)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMinimumWidth(260)
        for t in tags:
            count = t.get("count")
            self.combo.addItem(swatch(t.get("colour")), t["name"], t["name"])
            if count is not None:
                self.combo.setItemData(self.combo.count() - 1, f"{count:,} posts", Qt.ItemDataRole.ToolTipRole)
        if allow_new:
            self.combo.setCurrentIndex(-1)
            self.combo.setEditText("")
            self.combo.lineEdit().setPlaceholderText("a tag name, new or existing")
            comp = QCompleter(self.names, self)
            comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            comp.setFilterMode(Qt.MatchFlag.MatchContains)
            self.combo.setCompleter(comp)
        self.prompt.setBuddy(self.combo)
        self.error = error_label(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Tag" if allow_new else "Remove")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.prompt)
        lay.addWidget(self.combo)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.combo.setFocus()

    def choice(self) -> str:
        if self.allow_new:
            return self.combo.currentText().strip()
        return str(self.combo.currentData() or "")

    def set_choice(self, name: str) -> None:
        i = self.combo.findData(name)
        if i >= 0:
            self.combo.setCurrentIndex(i)
        elif self.allow_new:
            self.combo.setEditText(name)

    def show_error(self, message: str | None) -> None:
        show_error(self.error, message)

    def accept(self) -> None:
        name = self.choice()
        try:
            name = check_tag_name(name)
        except CurationError as e:
            self.show_error(str(e))
            return
        if not self.allow_new and name not in self.names:
            self.show_error("Choose one of the tags listed.")
            return
        super().accept()
        self.picked.emit(name)
