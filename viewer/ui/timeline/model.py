"""The timeline's list model: one row per id of a result set, in its order.

Rows are read from SQLite a page at a time when the view asks for them and
kept in a small cache, so a million results cost a list of ints.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable, Sequence

import sqlite_utils
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from viewer.store.rows import PostRow, load_rows

PAGE = 32
MAX_PAGES = 48  # ~1,500 rows in memory at most

PostRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2
HighlightRole = Qt.ItemDataRole.UserRole + 3

Highlighter = Callable[[str], "list[tuple[int, int]]"]


class TimelineModel(QAbstractListModel):
    """Rows are the ids of one result set, in its order."""

    resultsChanged = Signal()

    def __init__(self, db: sqlite_utils.Database, parent: Any = None):
        super().__init__(parent)
        self._db = db
        self._ids: Sequence[int] = ()
        self._pages: OrderedDict[int, list[PostRow | None]] = OrderedDict()
        self._highlighter: Highlighter | None = None
        self._highlights: OrderedDict[int, list[tuple[int, int]]] = OrderedDict()

    # -- feeding -------------------------------------------------------------
    def set_results(self, ids: Sequence[int], highlighter: Highlighter | None = None) -> None:
        self.beginResetModel()
        self._ids = ids
        self._highlighter = highlighter
        self._pages.clear()
        self._highlights.clear()
        self.endResetModel()
        self.resultsChanged.emit()

    def invalidate_rows(self) -> None:
        """Forget cached rows (after an import or a curation change) and repaint."""
        self._pages.clear()
        self._highlights.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0), self.index(len(self._ids) - 1))

    @property
    def loaded_pages(self) -> int:
        """Pages of rows held in memory now."""
        return len(self._pages)

    @property
    def ids(self) -> Sequence[int]:
        return self._ids

    def row_of(self, post_id: int) -> int:
        try:
            return self._ids.index(post_id)
        except ValueError:
            return -1

    # -- Qt model --------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == IdRole:
            return self._ids[index.row()]
        if role not in (PostRole, HighlightRole, Qt.ItemDataRole.DisplayRole,
                        Qt.ItemDataRole.AccessibleTextRole):
            return None
        row = self.post(index.row())
        if row is None:
            return None
        if role == PostRole:
            return row
        if role == HighlightRole:
            return self._highlight(row)
        return f"{row.author_name or ''} @{row.author_handle or ''}: {row.display_text}"

    def post(self, i: int) -> PostRow | None:
        page_no = i // PAGE
        page = self._pages.get(page_no)
        if page is None:
            page = self._load_page(page_no)
        else:
            self._pages.move_to_end(page_no)
        return page[i - page_no * PAGE]

    def _load_page(self, page_no: int) -> list[PostRow | None]:
        ids = list(self._ids[page_no * PAGE:(page_no + 1) * PAGE])
        rows = load_rows(self._db, ids)
        page = [rows.get(pid) for pid in ids]
        self._pages[page_no] = page
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return page

    def _highlight(self, row: PostRow) -> list[tuple[int, int]]:
        if self._highlighter is None:
            return []
        got = self._highlights.get(row.id)
        if got is None:
            try:
                got = list(self._highlighter(row.display_text))
            except Exception:  # a highlighter problem must never break painting
                got = []
            self._highlights[row.id] = got
            if len(self._highlights) > PAGE * MAX_PAGES:
                self._highlights.popitem(last=False)
        return got
