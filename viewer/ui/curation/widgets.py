"""Small pieces the curation dialogs share: a colour swatch icon and a
question that does not block the event loop."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def swatch(colour: str | None, size: int = 12) -> QIcon:
    """A round dot of a tag's colour, for menus and lists."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(Qt.PenStyle.NoPen)
    c = QColor(colour) if colour and QColor.isValidColorName(colour) else QColor("#f6e7c1")
    p.setBrush(c)
    p.drawEllipse(1, 1, size - 2, size - 2)
    p.end()
    return QIcon(pix)


def error_label(parent: QWidget) -> QLabel:
    """Where a dialog says what is wrong with what was typed (plain text)."""
    lab = QLabel(parent)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    lab.setWordWrap(True)
    lab.setStyleSheet("color: #c62828;")
    lab.hide()
    return lab


def show_error(label: QLabel, message: str | None) -> None:
    label.setText(message or "")
    label.setVisible(bool(message))


def confirm(parent: QWidget, title: str, text: str, yes: str, on_yes: Callable[[], Any]) -> QMessageBox:
    """Ask before destroying something, without blocking the event loop:
    `on_yes` runs if the person chooses `yes`. Enter and Escape both keep
    things as they are. The box is returned (tests answer it)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, "", QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # a tag name or a title is never markup
    box.setText(text)
    ok = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.yes_button = ok  # type: ignore[attr-defined]

    def done(_: int) -> None:
        if box.clickedButton() is ok:
            on_yes()
        box.deleteLater()

    box.finished.connect(done)
    box.open()
    return box
