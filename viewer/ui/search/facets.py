"""The facet sidebar: hashtags, authors, curator tags, languages and kinds with
their counts in the current result set. A click adds the filter to the query,
a second click takes it out again; filters in force are shown checked."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QMenu, QTreeView, QVBoxLayout, QWidget

from viewer.search import query_edit
from viewer.ui import theme
from viewer.ui.bidi import isolated

GROUPS = [("hashtags", "Hashtags"), ("authors", "Authors"), ("tags", "Curator tags"),
          ("langs", "Languages"), ("kinds", "Kinds")]
KIND_LABELS = {"post": "posts", "reply": "replies", "retweet": "retweets", "quote": "quotes"}
# The codes Twitter assigns (ISO 639-1, plus its own q-codes for posts with
# no language to detect).
LANG_NAMES = {
    "ar": "Arabic", "en": "English", "ku": "Kurdish", "ckb": "Central Kurdish (Sorani)", "tr": "Turkish",
    "fr": "French", "fa": "Persian", "de": "German", "es": "Spanish", "ur": "Urdu", "he": "Hebrew",
    "ru": "Russian", "it": "Italian", "nl": "Dutch", "pt": "Portuguese", "sv": "Swedish", "no": "Norwegian",
    "da": "Danish", "fi": "Finnish", "pl": "Polish", "uk": "Ukrainian", "el": "Greek", "hi": "Hindi",
    "ja": "Japanese", "ko": "Korean", "zh": "Chinese", "in": "Indonesian", "id": "Indonesian", "tl": "Tagalog",
    "ht": "Haitian Creole", "et": "Estonian", "lt": "Lithuanian", "lv": "Latvian", "cy": "Welsh",
    "eu": "Basque", "ca": "Catalan", "ro": "Romanian", "hu": "Hungarian", "cs": "Czech", "sl": "Slovenian",
    "is": "Icelandic", "bg": "Bulgarian", "sr": "Serbian", "th": "Thai", "vi": "Vietnamese", "ps": "Pashto",
    "sd": "Sindhi", "am": "Amharic", "bn": "Bengali", "ta": "Tamil",
    "und": "undetermined",
    "qme": "media only", "zxx": "no text (media or links only)", "qht": "hashtags only",
    "qam": "mentions only", "qct": "cashtags only", "qst": "too short to tell",
}
# What the codes that are not languages mean, for the tooltip.
LANG_EXPLAINED = {
    "und": "Twitter could not tell the language of this text.",
    "qme": "Twitter's code for a post that is only media (an image or a video).",
    "zxx": "ISO code for 'no linguistic content': a post of only media or links.",
    "qht": "Twitter's code for a post of only hashtags.",
    "qam": "Twitter's code for a post of only @mentions.",
    "qct": "Twitter's code for a post of only $cashtags.",
    "qst": "Twitter's code for a text too short to detect its language.",
}

FacetRole = Qt.ItemDataRole.UserRole + 10
ValueRole = Qt.ItemDataRole.UserRole + 11
StateRole = Qt.ItemDataRole.UserRole + 12  # "in", "out" or None


def label_for(facet: str, value: str) -> str:
    """The facet value as shown: a hashtag, a handle or a tag name as one
    isolate, so it reads in its own direction in the left-to-right list."""
    if facet == "hashtags":
        return isolated("#" + value.lstrip("#"))
    if facet == "authors":
        return isolated("@" + value.lstrip("@"))
    if facet == "kinds":
        return KIND_LABELS.get(value, value)
    if facet == "langs":
        name = LANG_NAMES.get(value)
        return f"{name} ({value})" if name else value
    return isolated(value)


class FacetPanel(QWidget):
    """Facets compose as in Timesketch: a click applies a value (or takes it
    off), Ctrl+click adds it to its group's OR (two authors at once), and the
    context menu leaves a value out (-from:x). What is applied is always
    the query text, shown in the search bar."""

    toggled = Signal(str, str)  # facet, value: a plain click
    anyToggled = Signal(str, str)  # Ctrl+click: OR within the group
    excludeToggled = Signal(str, str)  # leave out / stop leaving out

    PER_GROUP = 12

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.model = QStandardItemModel(self)
        self.model.setHorizontalHeaderLabels(["Facet", "Posts"])
        self.view = QTreeView(self)
        self.view.setModel(self.model)
        self.view.setHeaderHidden(True)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.setExpandsOnDoubleClick(False)
        self.view.setAccessibleName("Facets")
        # Clicks only: `activated` also fires on double clicks (and on single
        # clicks on some desktops), which would toggle twice.
        self.view.clicked.connect(self._clicked)
        self.view.installEventFilter(self)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.menu: QMenu | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view)
        self._stale_timer = QTimer(self)
        self._stale_timer.setSingleShot(True)
        self._stale_timer.setInterval(250)
        self._stale_timer.timeout.connect(lambda: self.view.setEnabled(False))
        self._style_indicators()

    def set_facets(self, facets: dict[str, list[tuple[str, int]]], query: str) -> None:
        self.model.removeRows(0, self.model.rowCount())
        bold = QFont(self.font())
        bold.setBold(True)
        for key, title in GROUPS:
            values = list(facets.get(key) or [])[: self.PER_GROUP]
            head = QStandardItem(title)
            head.setFont(bold)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            head_count = QStandardItem("")
            head_count.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for value, count in values:
                value = str(value)
                item = QStandardItem(label_for(key, value))
                item.setData(key, FacetRole)
                item.setData(value, ValueRole)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                state = query_edit.facet_state(query, key, value)
                term = " ".join(query_edit.facet_terms(key, value))
                item.setCheckState(Qt.CheckState.Checked if state == "in" else Qt.CheckState.Unchecked)
                item.setData(state, StateRole)
                if state == "out":
                    font = QFont(self.font())
                    font.setStrikeOut(True)
                    item.setFont(font)
                    item.setText("not " + item.text())
                tip = {"in": f"Applied ({term}): click to remove",
                       "out": f"Left out (-{term}): click to stop leaving it out"}.get(
                           str(state), f"Click: only these posts ({term}); Ctrl+click: also these (OR); "
                                       "right-click to leave them out")
                explained = LANG_EXPLAINED.get(value) if key == "langs" else None
                item.setToolTip(tip + (f"\n{explained}" if explained else ""))
                num = QStandardItem(f"{count:,}")
                num.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                num.setData(key, FacetRole)
                num.setData(value, ValueRole)
                num.setFlags(Qt.ItemFlag.ItemIsEnabled)
                head.appendRow([item, num])
            if not values:
                none = QStandardItem("none")
                none.setFlags(Qt.ItemFlag.NoItemFlags)
                head.appendRow([none, QStandardItem("")])
            self.model.appendRow([head, head_count])
        self.view.expandAll()
        hdr = self.view.header()
        hdr.setStretchLastSection(False)
        hdr.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hdr.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

    def set_stale(self, stale: bool) -> None:
        """Greyed while the counts of a newer search are being made, if that
        takes long enough to notice (no flicker on every keystroke)."""
        if stale:
            self._stale_timer.start()
        else:
            self._stale_timer.stop()
            self.view.setEnabled(True)

    def find(self, facet: str, value: str) -> QModelIndex:
        """The index of one facet value (for tests and keyboard users)."""
        for r in range(self.model.rowCount()):
            head = self.model.item(r, 0)
            for c in range(head.rowCount()):
                child = head.child(c, 0)
                if child.data(FacetRole) == facet and child.data(ValueRole) == value:
                    return child.index()
        return QModelIndex()

    def values(self, facet: str) -> list[tuple[str, str, bool]]:
        """(value, count text, checked) of one group as shown."""
        out = []
        for r in range(self.model.rowCount()):
            head = self.model.item(r, 0)
            for c in range(head.rowCount()):
                child = head.child(c, 0)
                if child.data(FacetRole) == facet:
                    out.append((child.data(ValueRole), head.child(c, 1).text(),
                                child.checkState() == Qt.CheckState.Checked))
        return out

    def eventFilter(self, obj: Any, e: Any) -> bool:
        if obj is self.view and e.type() == QEvent.Type.KeyPress and e.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self._clicked(self.view.currentIndex())
            return True
        return super().eventFilter(obj, e)

    def _clicked(self, index: QModelIndex) -> None:
        facet = index.data(FacetRole)
        value = index.data(ValueRole)
        if facet and value is not None:
            if QApplication.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier:
                self.anyToggled.emit(facet, value)
            else:
                self.toggled.emit(facet, value)

    def context_menu_for(self, index: QModelIndex) -> QMenu | None:
        facet = index.data(FacetRole)
        value = index.data(ValueRole)
        if not facet or value is None:
            return None
        state = index.siblingAtColumn(0).data(StateRole)
        menu = QMenu(self.view)
        label = label_for(facet, value)
        if state == "in":
            menu.addAction(f"Remove {label}", lambda: self.toggled.emit(facet, value))
        else:
            menu.addAction(f"Only {label}", lambda: self.toggled.emit(facet, value))
            menu.addAction(f"Also {label} (OR)\tCtrl+click", lambda: self.anyToggled.emit(facet, value))
        menu.addAction(f"Stop leaving out {label}" if state == "out" else f"Leave out {label}",
                       lambda: self.excludeToggled.emit(facet, value))
        return menu

    def _context_menu(self, pos: Any) -> None:
        self.menu = self.context_menu_for(self.view.indexAt(pos))
        if self.menu is not None:
            self.menu.popup(self.view.viewport().mapToGlobal(pos))

    def changeEvent(self, e: Any) -> None:
        if e.type() == QEvent.Type.PaletteChange:
            self._style_indicators()
        super().changeEvent(e)

    def _style_indicators(self) -> None:
        """Check boxes that show on a dark palette: the style draws their
        frame a shade darker than the window, which on dark is invisible."""
        if theme.is_dark(self.palette()):
            pal = self.palette()
            border = theme.mix(pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text), 0.6).name()
            fill = pal.color(QPalette.ColorRole.Base).name()
            on = pal.color(QPalette.ColorRole.Highlight).name()
            self.view.setStyleSheet(
                f"QTreeView::indicator {{ width: 12px; height: 12px; border: 1px solid {border};"
                f" border-radius: 2px; background: {fill}; }}"
                f"QTreeView::indicator:checked {{ background: {on}; border-color: {border}; }}")
        else:
            self.view.setStyleSheet("")
