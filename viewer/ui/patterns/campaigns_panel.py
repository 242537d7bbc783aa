"""The Campaigns panel and the detail pane's "N near-copies" line.

The panel lists the largest near-copy text and same-image clusters among
the posts the window lists: the search's results, narrowed to the dates
brushed on the histogram. Each cluster takes two lines: its size, accounts
and time span, then the text of its first post across the whole width (in
its own reading direction), so the narrow sidebar column cuts nothing. A
double-click (or Enter) searches `similar:<first post>`, which lists the
cluster."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from viewer import store
from viewer.collection import Collection
from viewer.patterns.clusters import Cluster, clusters_of, excerpts, iso, list_clusters
from viewer.ui.bidi import is_rtl, isolated
from viewer.ui.ops import LatestOnly

SHOWN = 50  # clusters listed in the panel
PostRole = Qt.ItemDataRole.UserRole + 1
RtlRole = Qt.ItemDataRole.UserRole + 2
# The share of the sidebar column the Campaigns tab gets while it is shown
# (the facets above keep the rest), when it had less.
TAB_SHARE = 0.5


def _day(clock: Any, ts: int | None) -> str:
    if ts is None:
        return "?"
    if clock is None:
        return (iso(ts) or "?")[:10]
    return clock.datetime(ts).strftime("%Y-%m-%d")


def span_text(clock: Any, first: int | None, last: int | None) -> str:
    """The span in as few characters as stay unambiguous: one day, or the
    first day and the last without the year (and month) they share."""
    a, b = _day(clock, first), _day(clock, last)
    if a == b:
        return a
    if a[:4] == b[:4] and "?" not in (a + b):
        return f"{a} → {b[5:]}"
    return f"{a} → {b}"


class _ExcerptDelegate(QStyledItemDelegate):
    """Draws an excerpt in its own reading direction: Arabic right to left
    and aligned right, as in the timeline."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        if index.data(RtlRole):
            option.direction = Qt.LayoutDirection.RightToLeft
            option.displayAlignment = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class _Reader:
    """Lives on the panel's worker thread: its own read connection."""

    def __init__(self, path: Path):
        self.path = path
        self.coll: Collection | None = None

    def db(self) -> Any:
        if self.coll is None:
            # Read only, like the window's own connection: this thread never writes.
            db = store.connect(self.path / "collection.db")
            db.execute("PRAGMA query_only = ON")
            self.coll = Collection(self.path, db)
        return self.coll.db


class CampaignsPanel(QWidget):
    """Largest clusters of the listed posts: size, accounts, time span."""

    searchRequested = Signal(str)
    updated = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.caption = QLabel("Campaigns", self)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setToolTip("Near-copies of one text and re-posts of one picture among the listed posts; "
                                "double-click to list one.")
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Posts", "Accounts", "Span"])
        self.view = QTreeView(self)
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setItemsExpandable(False)
        self.view.setExpandsOnDoubleClick(False)
        self.view.setIndentation(0)
        self.view.setUniformRowHeights(True)
        self.view.setItemDelegate(_ExcerptDelegate(self.view))
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.view.header()
        header.setStretchLastSection(True)
        for col in range(2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.view.setMinimumWidth(self._widest_row())
        self.view.activated.connect(self._activated)
        self.view.doubleClicked.connect(self._activated)
        lay.addWidget(self.caption)
        lay.addWidget(self.view, 1)
        self.clusters: list[Cluster] = []

    def _widest_row(self) -> int:
        """The width the view needs for its widest possible first line (a
        cluster of 99,999 posts spanning two years) with no column cut: the
        sidebar column is never narrower than that while the panel is in it."""
        fm = self.view.fontMetrics()
        margin = 2 * (self.view.style().pixelMetric(self.view.style().PixelMetric.PM_FocusFrameHMargin) + 1)
        header = self.view.header()
        widest = ["99,999", "99,999", "2016-10-17 → 2017-06-29"]
        cols = sum(max(header.sectionSizeHint(c), fm.horizontalAdvance(t) + margin) for c, t in enumerate(widest))
        return cols + self.view.verticalScrollBar().sizeHint().width() + 2 * self.view.frameWidth() + 2

    def set_clusters(self, clusters: list[Cluster], clock: Any = None,
                     texts: dict[int, str] | None = None) -> None:
        """Show the clusters; `texts` holds the excerpt of each one's first
        post (see viewer.patterns.clusters.excerpts)."""
        self.clusters = clusters
        texts = texts or {}
        self.model.removeRows(0, self.model.rowCount())
        for row, c in enumerate(clusters[:SHOWN]):
            items = [QStandardItem(f"{c.size:,}"), QStandardItem(f"{c.accounts:,}"),
                     QStandardItem(span_text(clock, c.first_ts, c.last_ts))]
            tip = (f"{c.size:,} posts by {c.accounts:,} accounts, {_day(clock, c.first_ts)} to "
                   f"{_day(clock, c.last_ts)}; " + ("near-copies of one text" if c.kind == "text"
                                                   else "re-posts of one picture"))
            for item in items:
                item.setData(c.posts[0], PostRole)
                item.setToolTip(tip)
            items[1].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            items[0].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            text = texts.get(c.posts[0], "")
            shown = ("Picture: " if c.kind == "image" and not is_rtl(text) else "") + text
            excerpt = QStandardItem(isolated(shown) if shown else "(no text)")
            excerpt.setData(c.posts[0], PostRole)
            excerpt.setData(is_rtl(shown), RtlRole)
            excerpt.setToolTip(text)
            items[0].appendRow(excerpt)
            self.model.appendRow(items)
            self.view.setFirstColumnSpanned(0, self.model.index(row, 0), True)
        self.view.expandAll()
        n = len(clusters)
        self.caption.setText("Campaigns: none in these posts" if not n
                             else f"Campaigns: {n:,} cluster{'s' if n != 1 else ''} in these posts")
        self.updated.emit()

    def _activated(self, index: QModelIndex) -> None:
        pid = index.data(PostRole) if index.isValid() else None
        if pid is not None:
            self.searchRequested.emit(f"similar:{pid}")


class CopiesLine(QWidget):
    """Under the detail pane: "N near-copies by M accounts, first on …"."""

    searchRequested = Signal(str)
    updated = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.button = QPushButton("Show them", self)
        self.button.clicked.connect(self._show)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.button)
        self.post_id: int | None = None
        self.hide()

    def set_clusters(self, post_id: int, clusters: list[Cluster], clock: Any = None) -> None:
        self.post_id = post_id
        if not clusters:
            self.label.setText("")
            self.hide()
            self.updated.emit()
            return
        parts = []
        for c in clusters:
            others = c.size - 1
            what = "near-cop" + ("y" if others == 1 else "ies") if c.kind == "text" else \
                "re-post" + ("" if others == 1 else "s") + " of its picture"
            parts.append(f"{others:,} {what} by {c.accounts:,} account{'s' if c.accounts != 1 else ''}, "
                         f"first on {_day(clock, c.first_ts)}")
        self.label.setText("; ".join(parts))
        self.show()
        self.updated.emit()

    def _show(self) -> None:
        if self.post_id is not None:
            self.searchRequested.emit(f"similar:{self.post_id}")


class CampaignsUI(QObject):
    def __init__(self, window: Any):
        super().__init__(window)
        self.window = window
        self.runner = LatestOnly(self)
        self.detail_runner = LatestOnly(self)
        self._reader = _Reader(window.collection_path)
        self._detail_reader = _Reader(window.collection_path)
        self.panel = CampaignsPanel(window)
        self.copies = CopiesLine(window.detail)
        # A tab beside saved searches and events, so the facets keep their
        # room in the sidebar column; a column of its own without curation.
        tabs = getattr(getattr(window, "curation", None), "sidebar", None)
        self._column_sizes: list[int] | None = None
        self._stale = True
        self._tabs = tabs if tabs is not None and hasattr(tabs, "addTab") else None
        if tabs is not None and hasattr(tabs, "addTab"):
            tabs.addTab(self.panel, "Campaigns")
            tabs.currentChanged.connect(lambda _i, t=tabs: self._tab_changed(t))
        else:
            window.sidebar.addWidget(self.panel)
        window.detail.add_footer(self.copies)
        self.panel.searchRequested.connect(self._search)
        self.copies.searchRequested.connect(self._search)
        window.rowsApplied.connect(self.refresh)
        window.detailShown.connect(self.show_post)
        window.importFinished.connect(lambda _report: self.refresh())

    def _tab_changed(self, tabs: Any) -> None:
        """Give the Campaigns tab room while it is shown (two lines a
        cluster), and the facets theirs back when another tab is chosen."""
        column = self.window.sidebar
        if column.indexOf(tabs) < 0:
            return
        if tabs.currentWidget() is self.panel:
            if self._stale:
                self.refresh()
            sizes = column.sizes()
            total = sum(sizes)
            mine = sizes[column.indexOf(tabs)]
            if total and mine < total * TAB_SHARE:
                self._column_sizes = sizes
                others = len(sizes) - 1
                share = round(total * (1 - TAB_SHARE) / max(others, 1))
                column.setSizes([round(total * TAB_SHARE) if w is tabs else share
                                 for w in (column.widget(i) for i in range(column.count()))])
        elif self._column_sizes is not None:
            column.setSizes(self._column_sizes)
            self._column_sizes = None

    def _search(self, query: str) -> None:
        self.window.search_bar.set_text(query)

    def refresh(self) -> None:
        r = self.window.results
        if r is None:
            return
        # Listing clusters reads every member from SQLite: at millions of
        # posts, doing it at each keystroke for a hidden tab took the search
        # thread's time. A hidden panel is brought up to date when shown.
        if self._tabs is not None and self._tabs.currentWidget() is not self.panel:
            self._stale = True
            return
        self._stale = False
        listed = r.listed
        everything = r.range is None and not (r.query or "").strip()
        ids = None if everything else listed.ids
        reader = self._reader

        def work(_job: Any) -> tuple[list[Cluster], dict[int, str]]:
            within = None if ids is None else set(ids)
            found = list_clusters(reader.db(), within=within)
            return found, excerpts(reader.db(), (c.posts[0] for c in found[:SHOWN]))

        self.runner.run(work, lambda res: self.panel.set_clusters(res[0], self.window.clock, res[1]),
                        lambda exc: self.panel.caption.setText(f"Campaigns: {exc}"))

    def show_post(self, post_id: int) -> None:
        reader = self._detail_reader
        self.detail_runner.run(lambda _job: clusters_of(reader.db(), post_id),
                               lambda found: self.copies.set_clusters(post_id, found, self.window.clock))

    def wait(self, msecs: int = 5000) -> bool:
        return self.runner.wait(msecs) and self.detail_runner.wait(msecs)


def install_campaigns(window: Any) -> CampaignsUI:
    """Attach the Campaigns panel and the detail pane's copies line to a
    MainWindow (kept as `window.campaigns`)."""
    existing = getattr(window, "campaigns", None)
    if isinstance(existing, CampaignsUI):
        return existing
    ui = CampaignsUI(window)
    window.campaigns = ui
    return ui
