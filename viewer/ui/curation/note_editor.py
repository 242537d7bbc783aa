"""The note editor under the detail pane: the current post's note as plain
text (QPlainTextEdit: a note, like a post, is never markup). Ctrl+S saves;
saving empty text, or Delete, removes the note. Unsaved text is saved when
the reader moves to another post, so nothing typed is lost."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QSizePolicy, QVBoxLayout,
                               QWidget)

from viewer import curation


class NoteEditor(QWidget):
    saved = Signal(object)  # post id, once the note is written (or deleted)

    def __init__(self, curator: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.curator = curator
        self.post_id: int | None = None
        self._loaded = ""  # the note as stored
        self.title = QLabel("&Note", self)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName("noteEdit")
        self.edit.setAccessibleName("Note on this post")
        self.edit.setPlaceholderText("A note on this post — Ctrl+S saves; has:note finds noted posts")
        self.edit.setTabChangesFocus(True)
        # About four lines: the post above keeps the room.
        self.edit.setFixedHeight(self.edit.fontMetrics().lineSpacing() * 4 + 12)
        self.title.setBuddy(self.edit)
        self.save_button = QPushButton("&Save", self)
        self.save_button.setToolTip("Save the note (Ctrl+S)")
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.setToolTip("Delete this post's note")
        for b in (self.save_button, self.delete_button):
            b.setAutoDefault(False)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title)
        head.addWidget(self.status, 1)
        head.addWidget(self.save_button)
        head.addWidget(self.delete_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 4, 10, 6)
        lay.setSpacing(2)
        lay.addLayout(head)
        lay.addWidget(self.edit)
        sc = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(self.save)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        self.edit.textChanged.connect(self._update)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.set_post(None)

    @property
    def modified(self) -> bool:
        return self.post_id is not None and self.edit.toPlainText().strip() != self._loaded.strip()

    def set_post(self, post_id: int | None) -> None:
        """Show this post's note; leaving a post saves what was typed on it."""
        if post_id == self.post_id:
            if not self.modified:
                self._load()  # the stored note may have changed (the command line, a refresh)
            return
        if self.modified:
            self.save()
        self.post_id = post_id
        self._load()

    def _load(self) -> None:
        notes = curation.notes_for(self.curator.db, self.post_id) if self.post_id is not None else []
        self._loaded = notes[-1]["text"] if notes else ""
        self.edit.blockSignals(True)
        self.edit.setPlainText(self._loaded)
        self.edit.blockSignals(False)
        self.edit.setEnabled(self.post_id is not None)
        self._update()

    def _update(self) -> None:
        has_post = self.post_id is not None
        self.save_button.setEnabled(has_post and self.modified)
        self.delete_button.setEnabled(has_post and bool(self._loaded))
        if not has_post:
            self.status.setText("")
        elif self.modified:
            self.status.setText("· not saved")
        else:
            self.status.setText("· saved" if self._loaded else "")

    def save(self) -> None:
        if self.post_id is None or not self.modified:
            return
        self._write(self.post_id, self.edit.toPlainText())

    def delete(self) -> None:
        if self.post_id is None:
            return
        self.edit.setPlainText("")
        self._write(self.post_id, "")

    def _write(self, pid: int, text: str) -> None:
        self.status.setText("· saving …")

        def done(note: Any) -> None:
            if pid == self.post_id and self.edit.toPlainText().strip() == text.strip():
                self._loaded = note["text"] if note else ""
                self._update()
            self.saved.emit(pid)

        self.curator.write("notes", lambda c, job: curation.set_note(c, pid, text), done=done,
                           error=lambda msg: self.status.setText(f"· not saved: {msg}"), touched=[pid])
