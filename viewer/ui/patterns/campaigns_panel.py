"""The Campaigns panel and the detail pane's "N near-copies" line.

The panel lists the largest near-copy text and same-image clusters among
the posts the window lists: the search's results, narrowed to the dates
brushed on the histogram. A double-click (or Enter) searches
`similar:<first post>`, which lists the cluster."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from viewer import store
from viewer.collection import Collection
from viewer.patterns.clusters import Cluster, clusters_of, iso, list_clusters
from viewer.ui.ops import LatestOnly

SHOWN = 50  # clusters listed in the panel
PostRole = Qt.ItemDataRole.UserRole + 1


def _day(clock: Any, ts: int | None) -> str:
    if ts is None:
        return "?"
    if clock is None:
        return (iso(ts) or "?")[:10]
    return clock.datetime(ts).strftime("%Y-%m-%d")


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
        self.model = QStandardItemModel(0, 4, self)
        self.model.setHorizontalHeaderLabels(["Posts", "Accounts", "Span", "Kind"])
        self.view = QTreeView(self)
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.activated.connect(self._activated)
        self.view.doubleClicked.connect(self._activated)
        lay.addWidget(self.caption)
        lay.addWidget(self.view, 1)
        self.clusters: list[Cluster] = []

    def set_clusters(self, clusters: list[Cluster], clock: Any = None) -> None:
        self.clusters = clusters
        self.model.removeRows(0, self.model.rowCount())
        for c in clusters[:SHOWN]:
            span = _day(clock, c.first_ts) + " – " + _day(clock, c.last_ts)
            items = [QStandardItem(f"{c.size:,}"), QStandardItem(f"{c.accounts:,}"), QStandardItem(span),
                     QStandardItem(c.kind)]
            items[0].setData(c.posts[0], PostRole)
            items[0].setToolTip(c.id)
            self.model.appendRow(items)
        n = len(clusters)
        self.caption.setText("Campaigns: none in these posts" if not n
                             else f"Campaigns: {n:,} cluster{'s' if n != 1 else ''} in these posts")
        self.updated.emit()

    def _activated(self, index: QModelIndex) -> None:
        pid = self.model.item(index.row(), 0).data(PostRole) if index.isValid() else None
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
        if tabs is not None and hasattr(tabs, "addTab"):
            tabs.addTab(self.panel, "Campaigns")
        else:
            window.sidebar.addWidget(self.panel)
        window.detail.add_footer(self.copies)
        self.panel.searchRequested.connect(self._search)
        self.copies.searchRequested.connect(self._search)
        window.rowsApplied.connect(self.refresh)
        window.detailShown.connect(self.show_post)
        window.importFinished.connect(lambda _report: self.refresh())

    def _search(self, query: str) -> None:
        self.window.search_bar.set_text(query)

    def refresh(self) -> None:
        r = self.window.results
        if r is None:
            return
        listed = r.listed
        everything = r.range is None and not (r.query or "").strip()
        ids = None if everything else listed.ids
        reader = self._reader

        def work(_job: Any) -> list[Cluster]:
            within = None if ids is None else set(ids)
            return list_clusters(reader.db(), within=within)

        self.runner.run(work, lambda found: self.panel.set_clusters(found, self.window.clock),
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
