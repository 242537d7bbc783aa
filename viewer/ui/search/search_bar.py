"""The search bar: search as you type (debounced), history, completion of
#hashtags, @handles and tag: names, the operator cheat-sheet one click away,
and a malformed query's message shown under the bar."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QComboBox, QCompleter, QFrame, QHBoxLayout, QLabel, QLineEdit, QMenu,
                               QPlainTextEdit, QToolButton, QVBoxLayout, QWidget)

from viewer.search.query import OPERATORS
from viewer.search.query_edit import word_at
from viewer.search.vocabulary import Vocabulary

DEBOUNCE_MS = 200
HISTORY_MAX = 30
# A query searched as you type joins the history once it has stood this long
# (the words typed on the way to it are not searches anyone meant).
HISTORY_SETTLE_MS = 1500

TIPS = """\
Arabic is matched without diacritics and prefixes: الموصل finds والموصل and بالموصل.
Tab or ↓ picks a completion for #, @, from:, to: and tag:.  Ctrl+F comes back here.
Drag across the chart to narrow the dates; click a facet to filter, click it again to remove it."""


_EDITING = (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo, QKeySequence.StandardKey.Copy,
            QKeySequence.StandardKey.Cut, QKeySequence.StandardKey.Paste, QKeySequence.StandardKey.SelectAll)


def sc_is_not_editing(pressed: QKeySequence) -> bool:
    """Undo, copy, paste … typed in the box stay the box's own."""
    return not any(pressed in QKeySequence.keyBindings(k) for k in _EDITING)


def cheat_sheet_text() -> str:
    """The operators as the search module documents them, plus the window's tips."""
    width = max(len(s) for s, _ in OPERATORS)
    return "\n".join(f"{s.ljust(width)}   {what}" for s, what in OPERATORS) + "\n\n" + TIPS


class CheatSheet(QFrame):
    """The operators, as a popup next to the bar; plain text, selectable."""

    def __init__(self, parent: Any = None):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        text = QPlainTextEdit(self)
        text.setReadOnly(True)
        text.setPlainText(cheat_sheet_text())
        font = text.font()
        font.setFamily("DejaVu Sans Mono")
        font.setStyleHint(font.StyleHint.Monospace)
        text.setFont(font)
        text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        text.setMinimumSize(760, 330)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(text)


class SearchBar(QWidget):
    searchRequested = Signal(str)  # debounced while typing, at once on Enter
    sortChanged = Signal(str)

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(
            "Search posts: words, \"phrases\", #hashtags, from:handle, lang:ar, since:2016-10-17 …")
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName("Search")
        self.history_button = QToolButton(self)
        self.history_button.setText("History")
        self.history_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.history_menu = QMenu(self.history_button)
        self.history_button.setMenu(self.history_menu)
        self.help_button = QToolButton(self)
        self.help_button.setText("?")
        self.help_button.setToolTip("Search operators (F1)")
        self.sort = QComboBox(self)
        self.sort.addItem("Oldest first", "time")
        self.sort.addItem("Newest first", "-time")
        self.sort.addItem("Best match", "relevance")
        self.sort.setToolTip("Order of the timeline")
        self.error = QLabel(self)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.sort)
        row.addWidget(self.history_button)
        row.addWidget(self.help_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 2)
        lay.setSpacing(2)
        lay.addLayout(row)
        lay.addWidget(self.error)

        self.history: list[str] = []
        self.vocabulary = Vocabulary()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._fire)
        self._last_sent: str | None = None
        self._history_timer = QTimer(self)
        self._history_timer.setSingleShot(True)
        self._history_timer.setInterval(HISTORY_SETTLE_MS)
        self._history_timer.timeout.connect(lambda: self.add_history(self._last_sent or ""))
        self._cheat: CheatSheet | None = None

        self._completions = QStringListModel(self)
        self.completer = QCompleter(self._completions, self)
        # The completer replaces one word, not the line: it is attached to the
        # edit as its widget, and we insert its choice ourselves.
        self.completer.setWidget(self.edit)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.activated[str].connect(self._insert_completion)

        self.edit.textEdited.connect(self._edited)
        self.edit.returnPressed.connect(self.submit)
        self.edit.installEventFilter(self)
        self.help_button.clicked.connect(self.show_cheat_sheet)
        self.history_menu.aboutToShow.connect(self._fill_history)
        self.sort.currentIndexChanged.connect(lambda _: self.sortChanged.emit(self.sort.currentData()))
        help_action = QAction(self)
        help_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        help_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        help_action.triggered.connect(self.show_cheat_sheet)
        self.addAction(help_action)

    # -- text --------------------------------------------------------------------
    def text(self) -> str:
        return self.edit.text()

    def set_text(self, text: str, search: bool = True) -> None:
        """Replace the query (a facet click, history, the last session's query)."""
        self.edit.setText(text)
        if search:
            self._timer.stop()
            self._fire()

    def submit(self) -> None:
        if self.completer.popup().isVisible():
            return
        self._timer.stop()
        self.add_history(self.text())
        self._fire(force=True)

    def _edited(self, _: str) -> None:
        self._timer.start()
        self._update_completions()

    def _fire(self, force: bool = False) -> None:
        q = self.text()
        if q == self._last_sent and not force:
            return
        self._last_sent = q
        self._history_timer.start()
        self.searchRequested.emit(q)

    def set_sort(self, sort: str) -> None:
        i = self.sort.findData(sort)
        if i >= 0:
            self.sort.setCurrentIndex(i)

    # -- errors ------------------------------------------------------------------
    def show_error(self, message: str | None) -> None:
        if message:
            self.error.setText(message)
            self.error.show()
        else:
            self.error.clear()
            self.error.hide()

    # -- history ------------------------------------------------------------------
    def add_history(self, query: str) -> None:
        q = query.strip()
        if not q:
            return
        if q in self.history:
            self.history.remove(q)
        self.history.insert(0, q)
        del self.history[HISTORY_MAX:]

    def _fill_history(self) -> None:
        self.history_menu.clear()
        if not self.history:
            a = self.history_menu.addAction("No searches yet")
            a.setEnabled(False)
        for q in self.history:
            a = self.history_menu.addAction(q)
            a.triggered.connect(lambda _=False, q=q: self.set_text(q))

    # -- completion ----------------------------------------------------------------
    def set_vocabulary(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary

    def current_word(self) -> str:
        start, end = word_at(self.edit.text(), self.edit.cursorPosition())
        return self.edit.text()[start:end]

    def _update_completions(self) -> None:
        word = self.current_word()
        found = self.vocabulary.complete(word) if word else []
        if not found or found == [word]:
            self.completer.popup().hide()
            return
        self._completions.setStringList(found)
        self.completer.setCompletionPrefix("")
        rect = self.edit.cursorRect()
        rect.setWidth(max(260, self.completer.popup().sizeHintForColumn(0) + 30))
        self.completer.complete(rect)

    def _insert_completion(self, choice: str) -> None:
        text = self.edit.text()
        start, end = word_at(text, self.edit.cursorPosition())
        new = text[:start] + choice + " " + text[end:].lstrip()
        self.edit.setText(new)
        self.edit.setCursorPosition(start + len(choice) + 1)
        self._timer.stop()
        self._fire()

    def eventFilter(self, obj: Any, e: Any) -> bool:
        if obj is self.edit and e.type() == QEvent.Type.ShortcutOverride and self._window_shortcut(e):
            # The line edit claims some Ctrl keys as emacs-style editing keys
            # (Ctrl+E: end of line); the window's own shortcuts win here, as
            # the focus is nearly always in this box.
            e.ignore()
            return True
        if obj is self.edit and e.type() == QEvent.Type.KeyPress:
            popup = self.completer.popup()
            if popup.isVisible() and e.key() == Qt.Key.Key_Tab:
                idx = popup.currentIndex()
                row = idx.row() if idx.isValid() else 0
                choice = self._completions.index(row).data()
                popup.hide()
                if choice:
                    self._insert_completion(choice)
                return True
            if e.key() == Qt.Key.Key_Escape and not popup.isVisible() and self.edit.text():
                self.edit.clear()
                self._timer.stop()
                self._fire()
                return True
        return super().eventFilter(obj, e)

    def _window_shortcut(self, e: Any) -> bool:
        """True when the key is the shortcut of one of the window's actions."""
        mods = e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if not mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        pressed = QKeySequence(e.keyCombination())
        window = self.window()
        for action in window.findChildren(QAction):
            if any(sc.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch for sc in action.shortcuts()):
                return action.isEnabled() and sc_is_not_editing(pressed)
        return False

    # -- help ------------------------------------------------------------------------
    def show_cheat_sheet(self) -> None:
        if self._cheat is None:
            self._cheat = CheatSheet(self)
        pos = self.help_button.mapToGlobal(self.help_button.rect().bottomRight())
        self._cheat.adjustSize()
        self._cheat.move(pos.x() - self._cheat.width(), pos.y() + 2)
        self._cheat.show()

    @property
    def cheat_sheet(self) -> CheatSheet | None:
        return self._cheat
