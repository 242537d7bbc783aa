"""The timeline's view: one column of uniform rows."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from viewer.ui.timeline.delegate import TimelineDelegate
from viewer.ui.timeline.model import IdRole


class TimelineView(QTableView):
    """The list: one column of uniform rows, smooth pixel scrolling, keyboard
    navigable. A table view because its header keeps the row geometry as one
    span when every row has the same height, while QListView lays out (and
    asks the model about) every row: seconds for a million results."""

    activatedPost = Signal(object)  # post id; Enter / double click: open the detail

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.horizontalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        vh = self.verticalHeader()
        vh.hide()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setAccessibleName("Timeline")
        self.activated.connect(lambda idx: self.activatedPost.emit(idx.data(IdRole)))

    def setItemDelegate(self, delegate: Any) -> None:  # type: ignore[override]
        super().setItemDelegate(delegate)
        self.verticalHeader().setDefaultSectionSize(delegate.row_height())
        self.verticalHeader().setMinimumSectionSize(1)
        self.verticalScrollBar().setSingleStep(max(8, delegate.row_height() // 4))

    def resizeEvent(self, e: Any) -> None:
        d = self.itemDelegate()
        if isinstance(d, TimelineDelegate):
            d.clear_cache()  # wrapped lines depend on the width
        super().resizeEvent(e)

    def move_current(self, step: int) -> None:
        """Next (+1) or previous (-1) post, as j/k do."""
        m = self.model()
        if m is None or m.rowCount() == 0:
            return
        cur = self.currentIndex().row()
        row = 0 if cur < 0 else max(0, min(m.rowCount() - 1, cur + step))
        idx = m.index(row, 0)
        # setCurrentIndex() reads the keyboard modifiers still held: with
        # Ctrl down (Ctrl+Down) it would add every post passed to the
        # selection, and a T afterwards would tag them all. Moving means
        # selecting this one post only.
        self.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.scrollTo(idx)

    def go_to_top(self) -> None:
        """Back to the first row with nothing current or selected (a new search:
        the post read before may not be among the results)."""
        m = self.model()
        if m is None or m.rowCount() == 0:
            self.selectionModel().clear()
            self.scrollToTop()
            return
        self.selectionModel().clear()
        self.scrollToTop()
