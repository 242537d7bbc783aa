"""The facet sidebar: hashtags, authors, curator tags, languages and kinds with
their counts in the current result set. A click adds the filter to the query,
a second click takes it out again; filters in force are shown checked."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QVBoxLayout, QWidget

from viewer.search import query_edit
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
    toggled = Signal(str, str)  # facet, value

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
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view)
        self._stale_timer = QTimer(self)
        self._stale_timer.setSingleShot(True)
        self._stale_timer.setInterval(250)
        self._stale_timer.timeout.connect(lambda: self.view.setEnabled(False))

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
                active = query_edit.has_terms(query, query_edit.facet_terms(key, value))
                item.setCheckState(Qt.CheckState.Checked if active else Qt.CheckState.Unchecked)
                item.setToolTip(("Remove this filter" if active else "Show only these posts")
                                + f": {' '.join(query_edit.facet_terms(key, value))}")
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
            self.toggled.emit(facet, value)
