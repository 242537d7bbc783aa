"""The main window (DESIGN §5): search bar, histogram across the top, facet
sidebar, timeline, detail pane, status bar; import by drag and drop or the
menu. Wiring only: each piece lives in its own module."""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QFileDialog, QInputDialog, QLabel, QMainWindow, QSplitter, QVBoxLayout,
                               QWidget)

from viewer import store
from viewer.collection import Collection
from viewer.importer import ImportReport
from viewer.clock import COMMON_ZONES, Clock
from viewer.ui.curation.controller import install_curation
from viewer.ui.patterns import install_campaigns
from viewer.ui.detail.pane import DetailPane
from viewer.ui.search.facets import FacetPanel
from viewer.store.first_rows import CollectedInTimeOrder
from viewer.ui.chart.histogram_view import HistogramPanel, events_from_rows
from viewer.ui.io.import_panel import ImportPanel, ImportSummary
from viewer.ui.io.sources_panel import SourcesPanel
from viewer.ui import help as help_dialogs
from viewer.ui import theme
from viewer.ui.ops import Op
from viewer.store.post_detail import load_detail
from viewer.search.query_edit import add_terms, remove_terms, toggle_any, toggle_exclude, toggle_facet
from viewer.search.query_edit import tokens as query_edit_tokens
from viewer.ui.search.search_bar import SearchBar
from viewer.ui.search.runner import Results, SearchSession
from viewer.ui.settings import Settings
from viewer.ui.timeline.thumbs import ThumbCache
from viewer.ui.timeline import IdRole, TimelineDelegate, TimelineModel, TimelineView
from viewer.search.vocabulary import load_vocabulary

log = logging.getLogger(__name__)


def open_read_only(path: Path) -> Collection:
    """The GUI thread's own connection, which cannot write: reads never wait
    on an import (WAL), and no write can ever happen on the GUI thread. A new
    collection gets its schema first, before anything else could be writing."""
    if not Collection.exists(path):
        Collection.open(path).close()
    db = store.connect(Path(path) / "collection.db")
    db.execute("PRAGMA query_only = ON")
    return Collection(Path(path), db)


# Windows opened by a switch of collection, kept alive until they close.
_open_windows: set["MainWindow"] = set()


class MainWindow(QMainWindow):
    rowsApplied = Signal()  # the list and the chart show the latest results
    resultsApplied = Signal()  # … and the facets too
    importFinished = Signal(object)  # ImportReport
    detailShown = Signal(object)  # post id (64-bit: not a C int)
    collectionSwitched = Signal(object)  # the MainWindow that took over
    facetsRefined = Signal()  # the facet groups in use are counted without their own filter
    # The one change signal (Anki's operation_did_execute): after any write
    # to the collection is shown, what changed: "posts" (an import), "tags",
    # "notes", "searches", "events". Parts that show such data listen here.
    collectionChanged = Signal(str)

    def __init__(self, collection_path: Path, settings: Settings | None = None, query: str | None = None):
        super().__init__()
        self.collection_path = Path(collection_path)
        self.settings = settings or Settings()
        self.settings.use_collection(self.collection_path)
        self._settings_scope = self.settings.scope
        self.replaced_by: MainWindow | None = None
        self.coll = open_read_only(self.collection_path)
        self.clock = Clock(self.settings.time_zone)
        self.setWindowTitle(f"archive-viewer — {self.coll.name}")
        self.setAcceptDrops(True)
        self.results: Results | None = None
        self.summary: ImportSummary | None = None
        self.sources_panel: SourcesPanel | None = None
        self._search_started = 0.0
        self.last_update_seconds = 0.0
        self._preparing = ""

        # Pieces.
        self.search_bar = SearchBar(self)
        self.search_bar.history = self.settings.history
        self.chart_panel = HistogramPanel(self)
        self.chart = self.chart_panel.chart
        self.facets = FacetPanel(self)
        self.thumbs = ThumbCache(self.coll.media_dir, self.coll.thumbs_dir, parent=self)
        self.model = TimelineModel(self.coll.db, self)
        self.delegate = TimelineDelegate(self.thumbs, self.clock, self)
        self.delegate.set_font(self.font())
        self.timeline = TimelineView(self)
        self.timeline.setModel(self.model)
        self.timeline.setItemDelegate(self.delegate)
        self.detail = DetailPane(self.coll.media_dir, self.clock, self)
        self.import_panel = ImportPanel(self)
        self.session = SearchSession(self.collection_path, self)
        self.session.tz = self.clock.tzinfo
        self.chart.set_zone(self.clock.tzinfo, self.clock.short_label())

        # Layout: chart on top; facets | timeline | detail below.
        # The sidebar column: facets, and below them whatever curation adds.
        self.sidebar = QSplitter(Qt.Orientation.Vertical, self)
        self.sidebar.setChildrenCollapsible(False)
        self.sidebar.addWidget(self.facets)
        self.body = QSplitter(Qt.Orientation.Horizontal, self)
        self.body.addWidget(self.sidebar)
        self.body.addWidget(self.timeline)
        self.body.addWidget(self.detail)
        self.body.setStretchFactor(0, 0)
        self.body.setStretchFactor(1, 3)
        self.body.setStretchFactor(2, 2)
        self.body.setSizes([220, 640, 460])
        self.vsplit = QSplitter(Qt.Orientation.Vertical, self)
        self.vsplit.addWidget(self.chart_panel)
        self.vsplit.addWidget(self.body)
        self.vsplit.setStretchFactor(0, 0)
        self.vsplit.setStretchFactor(1, 1)
        self.vsplit.setSizes([150, 600])
        central = QWidget(self)
        lay = QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.search_bar)
        lay.addWidget(self.vsplit, 1)
        lay.addWidget(self.import_panel)
        self.setCentralWidget(central)

        self.count_label = QLabel(self)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.zone_label = QLabel(self)
        self.collection_label = QLabel(self)
        self.collection_label.setTextFormat(Qt.TextFormat.PlainText)
        self.collection_label.setText(f"Collection: {self.coll.name}")
        self.collection_label.setToolTip(str(self.coll.path))
        self.statusBar().addWidget(self.count_label, 1)
        self.statusBar().addPermanentWidget(self.zone_label)
        self.statusBar().addPermanentWidget(self.collection_label)
        self._update_zone_label()

        self._build_menus()
        self._connect()
        install_curation(self)
        install_campaigns(self)
        self._restore()
        self.load_events()
        self._vocabulary_loaded = False
        if self.settings.geometry is None:
            self.resize(1366, 768)
        start = query if query is not None else self.settings.last_query
        self.search_bar.set_sort(self.settings.sort)
        self.session.sort = self.settings.sort
        self.search_bar.set_text(start, search=False)
        self._first_search: str | None = start
        if not start.strip() and self.session.sort != "relevance":
            # The whole collection in time order needs no search to start
            # with; the search starts once these rows are on screen, so that
            # loading its values never delays them.
            self.model.set_results(CollectedInTimeOrder(self.coll.db, newest_first=self.session.sort == "-time"))
            if self.model.rowCount():
                self.timeline.selectionModel().setCurrentIndex(
                    self.model.index(0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
                self.count_label.setText(f"{self.model.rowCount():,} posts (searching …)")
            self.timeline.viewport().installEventFilter(self)
            QTimer.singleShot(1000, self._start_first_search)  # if the list is never painted
        else:
            self._start_first_search()

    # -- wiring ---------------------------------------------------------------------
    def _connect(self) -> None:
        self.search_bar.searchRequested.connect(self.search)
        self.search_bar.sortChanged.connect(self._sort_changed)
        self.session.rowsReady.connect(self._apply_rows)
        self.session.resultsReady.connect(self._apply_facets)
        self.session.facetsRefined.connect(self._refine_facets)
        self.session.failed.connect(self._search_failed)
        self.session.preparing.connect(self._show_preparing)
        self.chart.rangeSelected.connect(self.session.set_range)
        self.chart.selectionCleared.connect(self.session.clear_range)
        self.chart.zoomRequested.connect(self.session.zoom)
        self.chart_panel.resetRequested.connect(self.reset_chart)
        self.facets.toggled.connect(self.toggle_facet)
        self.facets.anyToggled.connect(self.toggle_facet_any)
        self.facets.excludeToggled.connect(self.toggle_facet_exclude)
        self.timeline.selectionModel().currentChanged.connect(self._current_changed)
        self.timeline.activatedPost.connect(lambda _: self.open_detail())
        self.detail.openPost.connect(self.show_post)
        self.detail.navigated.connect(self.show_post)
        self.detail.copied.connect(lambda what: self.statusBar().showMessage(
            {"text": "Copied the post's text", "link": "Copied the post's link (as text)",
             "id": "Copied the post's id"}[what], 4000))
        self.thumbs.ready.connect(lambda _: self.timeline.viewport().update())
        self.import_panel.finished.connect(self._import_done)
        self.import_panel.failed.connect(self._import_failed)

    def _show_preparing(self, message: str) -> None:
        self._preparing = message
        self.statusBar().showMessage(message, 4000)

    def _build_menus(self) -> None:
        mb = self.menuBar()
        file = mb.addMenu("&File")
        # One collection per investigation: each in its own folder, one at a time in the window.
        a = file.addAction("&New collection…", self.new_collection_dialog)
        a.setShortcut(QKeySequence("Ctrl+Shift+N"))
        a = file.addAction("&Open collection…", self.open_collection_dialog)
        a.setShortcut(QKeySequence(QKeySequence.StandardKey.Open))
        self.recent_menu = file.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._fill_recent()
        file.addSeparator()
        a = file.addAction("&Import files…", self.import_files_dialog)
        a.setShortcut(QKeySequence("Ctrl+I"))
        file.addAction("Import a &folder…", self.import_folder_dialog)
        file.addSeparator()
        # Exports (posts, chart) go from here on; parts add theirs before this.
        self.export_anchor = file.addAction("Export chart as &PNG…", lambda: self.chart_panel._export("png"))
        file.addAction("Export chart as &SVG…", lambda: self.chart_panel._export("svg"))
        file.addSeparator()
        q = file.addAction("&Quit", self.close)
        q.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))

        edit = mb.addMenu("&Edit")  # filled by curation
        view = mb.addMenu("&View")
        zones = view.addMenu("&Time zone")
        group = QActionGroup(self)
        names = list(COMMON_ZONES)
        if self.clock.zone not in names:
            names.append(self.clock.zone)
        for z in names:
            act = zones.addAction("Local time" if z == "local" else z)
            act.setCheckable(True)
            act.setChecked(z == self.clock.zone)
            act.setData(z)
            group.addAction(act)
            act.triggered.connect(lambda _=False, z=z: self.set_time_zone(z))
        self._zone_group = group
        zones.addSeparator()
        zones.addAction("Other zone…", self._ask_zone)
        scheme = view.addMenu("&Appearance")
        sgroup = QActionGroup(self)
        for key, label in (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")):
            act = scheme.addAction(label)
            act.setCheckable(True)
            act.setChecked(key == self.settings.color_scheme)
            sgroup.addAction(act)
            act.triggered.connect(lambda _=False, k=key: self.set_color_scheme(k))
        view.addSeparator()
        a = view.addAction("&Sources…", self.show_sources)
        a.setShortcut(QKeySequence("Ctrl+Shift+O"))
        a.setStatusTip("Every imported file: format, SHA-256, what it added, what it could not read")
        view.addSeparator()
        self.detail_action = view.addAction("&Detail pane")
        self.detail_action.setCheckable(True)
        self.detail_action.setChecked(True)
        self.detail_action.toggled.connect(self.detail.setVisible)
        self.facets_action = view.addAction("&Facets")
        self.facets_action.setCheckable(True)
        self.facets_action.setChecked(True)
        self.facets_action.toggled.connect(self.facets.setVisible)

        go = mb.addMenu("&Go")
        a = go.addAction("&Search", self.focus_search)
        a.setShortcuts([QKeySequence("Ctrl+F"), QKeySequence("Ctrl+L"), QKeySequence("/")])
        a = go.addAction("&Next post", lambda: self.timeline.move_current(1))
        a.setShortcut(QKeySequence("Ctrl+Down"))
        a = go.addAction("&Previous post", lambda: self.timeline.move_current(-1))
        a.setShortcut(QKeySequence("Ctrl+Up"))
        a = go.addAction("&Open detail", self.open_detail)
        a.setShortcut(QKeySequence("Ctrl+Return"))
        a = go.addAction("&Reset dates", self.reset_chart)
        a.setShortcut(QKeySequence("Ctrl+0"))
        go.addSeparator()
        self.back_action = go.addAction("&Back", lambda: self.detail.go(-1))
        self.back_action.setShortcut(QKeySequence("Alt+Left"))
        self.forward_action = go.addAction("&Forward", lambda: self.detail.go(1))
        self.forward_action.setShortcut(QKeySequence("Alt+Right"))
        go.addSeparator()
        self.copy_text_action = go.addAction("Copy post &text", self.detail._copy("text"))
        self.copy_text_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_link_action = go.addAction("Copy post &link", self.detail._copy("link"))
        self.copy_link_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.copy_id_action = go.addAction("Copy post &id", self.detail._copy("id"))
        # j/k in the list, as in mail and feed readers.
        for key, step in (("J", 1), ("K", -1)):
            sc = QShortcut(QKeySequence(key), self.timeline)
            sc.setContext(Qt.ShortcutContext.WidgetShortcut)
            sc.activated.connect(lambda step=step: self.timeline.move_current(step))

        help_menu = mb.addMenu("&Help")
        help_menu.addAction("Search &operators", self.search_bar.show_cheat_sheet)
        help_menu.addAction("&Keyboard shortcuts", self.show_shortcuts)
        help_menu.addSeparator()
        help_menu.addAction("&About archive-viewer", self.show_about)
        # The menus by role, for the parts that add to them.
        self.menus = {"file": file, "edit": edit, "view": view, "go": go, "help": help_menu}

    def _restore(self) -> None:
        s = self.settings
        if s.geometry is not None:
            self.restoreGeometry(s.geometry)
        if s.window_state is not None:
            self.restoreState(s.window_state)
        for name, split in (("body", self.body), ("vertical", self.vsplit), ("sidebar", self.sidebar)):
            state = s.splitter(name)
            if state is not None:
                split.restoreState(state)

    def save_state(self) -> None:
        s = self.settings
        s.geometry = self.saveGeometry()
        s.window_state = self.saveState()
        s.set_splitter("body", self.body.saveState())
        s.set_splitter("vertical", self.vsplit.saveState())
        s.set_splitter("sidebar", self.sidebar.saveState())
        # This window's collection's keys, even when another window (a switch)
        # has moved the shared settings on to its own collection.
        scope, s.scope = s.scope, self._settings_scope
        s.last_query = self.search_bar.text()
        self.search_bar.add_history(self.search_bar.text())
        s.history = self.search_bar.history
        s.scope = scope
        s.sort = self.session.sort
        s.time_zone = self.clock.zone
        s.sync()

    def closeEvent(self, e: QCloseEvent) -> None:
        if self.import_panel.running:
            # Stopped between two batches: what was written stays whole, and
            # importing again finishes the job.
            self.import_panel.cancel()
        self.save_state()
        self.session.close()
        self.thumbs.wait(3000)
        # Background work (the import, images) ends before the window does.
        QThreadPool.globalInstance().waitForDone(30_000)
        super().closeEvent(e)

    # -- search ---------------------------------------------------------------------------
    @property
    def settled(self) -> bool:
        """No search is on its way: list, chart and facets are current."""
        return self._first_search is None and not self.session.busy

    def _start_first_search(self) -> None:
        if self._first_search is None:
            return
        query, self._first_search = self._first_search, None
        self.timeline.viewport().removeEventFilter(self)
        self.search(query)

    def eventFilter(self, obj: Any, e: QEvent) -> bool:
        if e.type() == QEvent.Type.Paint and self._first_search is not None and obj is self.timeline.viewport():
            # Right after this first paint of the list.
            QTimer.singleShot(0, self._start_first_search)
        return super().eventFilter(obj, e)

    def search(self, query: str) -> None:
        self._search_started = time.perf_counter()
        self.session.search(query)

    def _sort_changed(self, sort: str) -> None:
        self._search_started = time.perf_counter()
        self.session.set_sort(sort)

    def _apply_rows(self, r: Results) -> None:
        """The list and the chart, as soon as the search has found the posts."""
        previous = self.results
        self.results = r
        # A new question (other words or another order) starts at its first
        # result; brushing dates or a refresh after curation keeps the reader
        # on the post they were reading, if it is still there.
        new_search = previous is not None and (previous.query, previous.sort) != (r.query, r.sort)
        self.search_bar.show_error(None)
        if self._preparing and self.statusBar().currentMessage() == self._preparing:
            self.statusBar().clearMessage()  # "building the search index …" is over; other news stays
        keep = None if new_search else self.current_post_id()
        self.model.set_results(r.listed.ids, r.listed.highlight)
        if new_search:
            self.timeline.go_to_top()
            self.detail.show_empty("Pick a post to read it here." if self.model.rowCount()
                                   else "No posts match this search.")
        self.chart.set_histogram(r.histogram)
        if r.range:
            self.chart.set_selection(*r.range)
        else:
            self.chart.clear_selection(emit=False)
        self.chart_panel._sync()
        self.chart_panel.update_caption(r.full.total)
        self.facets.set_stale(True)
        self._update_count()
        row = self.model.row_of(keep) if keep is not None and self.model.rowCount() <= 200_000 else -1
        if row >= 0:
            # The post being read is still among the results: stay on it.
            self.timeline.setCurrentIndex(self.model.index(row))
            self.timeline.scrollTo(self.model.index(row))
        elif self.detail.detail is None and self.model.rowCount() and not new_search:
            # Nothing read yet (the window just opened): the first post.
            self.timeline.selectionModel().setCurrentIndex(
                self.model.index(0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
        elif not self.model.rowCount():
            self.detail.show_empty("No posts match this search.")
        self.rowsApplied.emit()

    def _apply_facets(self, r: Results) -> None:
        """The facets, counted after the rows; then everything is current."""
        self.facets.set_facets(r.facets or {}, r.query)
        self.facets.set_stale(False)
        self._update_count()
        if self._search_started:
            self.last_update_seconds = time.perf_counter() - self._search_started
        if not self._vocabulary_loaded:
            # After the first answer, so it never competes with it.
            self._vocabulary_loaded = True
            self.load_vocabulary()
        self.resultsApplied.emit()

    def _refine_facets(self, r: Results) -> None:
        """The groups with values applied, counted without them (Ctrl+click
        can add a second value); shown when they are still this search's."""
        if r is self.results:
            self.facets.set_facets(r.facets or {}, r.query)
            self.facetsRefined.emit()

    def _search_failed(self, message: str) -> None:
        self.search_bar.show_error(message)
        self.statusBar().showMessage(message, 8000)
        self.resultsApplied.emit()

    def _update_count(self) -> None:
        r = self.results
        if r is None:
            self.count_label.setText("")
            return
        if r.range:
            text = f"{r.listed.total:,} of {r.full.total:,} posts in the selected dates"
        else:
            text = f"{r.full.total:,} posts"
        self.count_label.setText(text)
        self.count_label.setToolTip(f"Searched in {r.seconds * 1000:.0f} ms")

    def toggle_facet(self, facet: str, value: str) -> None:
        self.search_bar.set_text(toggle_facet(self.search_bar.text(), facet, value))

    def toggle_facet_any(self, facet: str, value: str) -> None:
        self.search_bar.set_text(toggle_any(self.search_bar.text(), facet, value))

    def toggle_facet_exclude(self, facet: str, value: str) -> None:
        self.search_bar.set_text(toggle_exclude(self.search_bar.text(), facet, value))

    def reset_chart(self) -> None:
        self.chart.clear_selection(emit=False)
        self.session.reset()

    def focus_search(self) -> None:
        self.search_bar.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_bar.edit.selectAll()

    # -- the current post -------------------------------------------------------------------
    def current_post_id(self) -> int | None:
        idx = self.timeline.currentIndex()
        return idx.data(IdRole) if idx.isValid() else None

    def _current_changed(self, current: QModelIndex, _prev: QModelIndex) -> None:
        if not current.isValid():
            return
        pid = current.data(IdRole)
        if self.detail.detail is not None and self.detail.detail.row.id == pid:
            return  # already shown (the same post after a new search)
        self.show_post(pid, select=False)

    def show_post(self, post_id: int, select: bool = True) -> None:
        d = load_detail(self.coll.db, post_id)
        if d is None:
            self.detail.show_empty("This post is no longer in the collection.")
            return
        hl = []
        if self.results is not None:
            try:
                hl = list(self.results.listed.highlight(d.row.display_text))
            except Exception:  # highlighting must never keep a post from showing
                log.warning("highlighting post %s failed", post_id, exc_info=True)
                hl = []
        self.detail.show_detail(d, hl)
        if select:
            row = self.model.row_of(post_id)
            if row >= 0:
                self.timeline.setCurrentIndex(self.model.index(row))
        self.detailShown.emit(post_id)

    def open_detail(self) -> None:
        if not self.detail.isVisible():
            self.detail_action.setChecked(True)
        self.detail.tabs.setCurrentIndex(0)
        self.detail.tabs.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    # -- collections ---------------------------------------------------------------------------
    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        here = str(self.collection_path.expanduser().resolve())
        for path in self.settings.recent_collections:
            a = self.recent_menu.addAction(f"{Path(path).name}  —  {path}")
            a.setData(path)
            a.setEnabled(path != here and Collection.exists(Path(path)))
            a.triggered.connect(lambda _=False, p=path: self.switch_collection(Path(p)))
        if not self.recent_menu.actions():
            self.recent_menu.addAction("No other collection yet").setEnabled(False)

    def new_collection_dialog(self) -> QInputDialog:
        """Ask for a name; the collection is a folder beside this one."""
        dlg = QInputDialog(self)
        dlg.setWindowTitle("New collection")
        dlg.setLabelText(f"Name of the new collection (a folder in {self.collection_path.parent}):")
        dlg.textValueSelected.connect(lambda name: self.new_collection(name))
        self.name_dialog = dlg
        dlg.open()
        return dlg

    def new_collection(self, name: str) -> "MainWindow | None":
        clean = name.strip()
        if not clean or clean in (".", "..") or any(c in clean for c in "/\\:\0"):
            self.statusBar().showMessage("A collection's name is one folder name, like mosul-2016.", 8000)
            return None
        path = self.collection_path.parent / clean
        if path.exists():
            self.statusBar().showMessage(f"{path} exists already: open it with File › Open collection…", 8000)
            return None
        Collection.open(path).close()
        return self.switch_collection(path)

    def open_collection_dialog(self) -> QFileDialog:
        dlg = QFileDialog(self, "Open a collection (its folder)", str(self.collection_path.parent))
        dlg.setFileMode(QFileDialog.FileMode.Directory)
        dlg.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dlg.fileSelected.connect(lambda folder: self.open_collection(Path(folder)))
        self.folder_dialog = dlg
        dlg.open()
        return dlg

    def open_collection(self, path: Path) -> "MainWindow | None":
        if not Collection.exists(path):
            self.statusBar().showMessage(f"{path}: not a collection (make one with File › New collection…)", 8000)
            return None
        return self.switch_collection(path)

    def switch_collection(self, path: Path) -> "MainWindow | None":
        """Another collection, in a window of its own: this one (its list,
        caches, searcher, curation state) closes, so nothing of one
        collection can ever show in the other's."""
        if Path(path).expanduser().resolve() == self.collection_path.expanduser().resolve():
            return self
        if self.import_panel.running:
            self.statusBar().showMessage("An import is running: wait for it or cancel it first.", 8000)
            return None
        self.save_state()
        new = MainWindow(Path(path), self.settings)
        new.setGeometry(self.geometry())
        self.replaced_by = new
        _open_windows.add(new)
        new.destroyed.connect(lambda *_: _open_windows.discard(new))
        new.show()
        self.close()
        self.collectionSwitched.emit(new)
        return new

    # -- help -------------------------------------------------------------------------------
    def show_shortcuts(self) -> QDialog:
        self.help_dialog = help_dialogs.ShortcutsDialog(self)
        self.help_dialog.show()
        return self.help_dialog

    def show_about(self) -> QDialog:
        self.help_dialog = help_dialogs.AboutDialog(self.coll, self)
        self.help_dialog.show()
        return self.help_dialog

    # -- sources ----------------------------------------------------------------------------
    def show_sources(self) -> SourcesPanel:
        if self.sources_panel is None:
            self.sources_panel = SourcesPanel(self.coll.db, self)
            self.sources_panel.filterRequested.connect(self.filter_to_source)
            self.collectionChanged.connect(lambda what: self.sources_panel.reload() if what == "posts" else None)
        else:
            self.sources_panel.reload()
        self.sources_panel.show()
        self.sources_panel.raise_()
        return self.sources_panel

    def filter_to_source(self, term: str) -> None:
        """The timeline narrowed to one file's posts: its `source:` added to
        the query, in place of any other source."""
        query = self.search_bar.text()
        others = [t for t in query_edit_tokens(query) if t.lower().startswith("source:")]
        self.search_bar.set_text(add_terms(remove_terms(query, others), [term]))

    # -- time zone and appearance ----------------------------------------------------------
    def set_time_zone(self, zone: str) -> None:
        self.clock.set_zone(zone)
        self.settings.time_zone = self.clock.zone
        self._update_zone_label()
        self.chart.set_zone(self.clock.tzinfo, self.clock.short_label())
        self._search_started = time.perf_counter()
        self.session.set_zone(self.clock.tzinfo)
        self.delegate.clear_cache()
        self.timeline.viewport().update()
        pid = self.current_post_id()
        if pid is not None:
            self.show_post(pid, select=False)

    def _ask_zone(self) -> None:
        zone, ok = QInputDialog.getText(self, "Time zone", "A zone name such as Asia/Baghdad, UTC or local:",
                                        text=self.clock.zone)
        if ok and zone.strip():
            self.set_time_zone(zone.strip())

    def _update_zone_label(self) -> None:
        self.zone_label.setText(f"Times: {self.clock.label()}")

    def set_color_scheme(self, scheme: str) -> None:
        self.settings.color_scheme = scheme
        theme.apply_color_scheme(scheme)
        self.delegate.clear_cache()
        self.timeline.viewport().update()

    # -- collection data -------------------------------------------------------------------
    def load_events(self) -> None:
        """The curation issue owns the events table; the chart only reads it."""
        rows = self.coll.db.execute("SELECT date, title, text FROM events ORDER BY date").fetchall()
        self.chart.set_events(events_from_rows(rows))

    def load_vocabulary(self) -> None:
        path = self.collection_path

        def load(job: Any) -> Any:
            with Collection.open(path) as c:
                return load_vocabulary(c.db)

        Op(self, load).success(self.search_bar.set_vocabulary).failure(lambda e: None).run_in_background()

    # -- import ---------------------------------------------------------------------------------
    def import_paths(self, paths: list[Path]) -> bool:
        paths = [Path(p) for p in paths]
        if not paths:
            return False
        self.session.set_importing(True)
        if not self.import_panel.start(self.collection_path, paths):
            self.statusBar().showMessage("An import is already running; wait for it or cancel it.", 6000)
            return False
        return True

    def import_files_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Import archives", str(Path.home()),
            "Tweet archives (*.zip *.js *.json *.jsonl *.csv *.gz *.bz2 *.xz);;All files (*)")
        if files:
            self.import_paths([Path(f) for f in files])

    def import_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of archives", str(Path.home()))
        if folder:
            self.import_paths([Path(folder)])

    def _import_done(self, report: ImportReport) -> None:
        self.session.set_importing(False)
        self.delegate.clear_cache()  # a merge may have changed rows already drawn
        self.model.invalidate_rows()
        self.session.refresh()
        self.load_events()
        self.load_vocabulary()
        self._vocabulary_loaded = True
        if not getattr(self, "_quiet_import", False):
            self.summary = ImportSummary(report, self)
            self.summary.show()
        self._quiet_import = False
        self.importFinished.emit(report)
        self.collectionChanged.emit("posts")

    def _import_failed(self, message: str) -> None:
        self.session.set_importing(False)
        self.session.refresh()
        self.statusBar().showMessage(message, 15000)

    def import_sample(self, sample: Path) -> None:
        """First launch: the bundled sample, with the progress panel, no summary
        dialog (the window filling up is the summary)."""
        self._quiet_import = True
        self.import_paths([sample])

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:
        if e.mimeData().hasUrls() and any(u.isLocalFile() for u in e.mimeData().urls()):
            e.acceptProposedAction()
        else:
            e.ignore()

    def dragMoveEvent(self, e: Any) -> None:
        if e.mimeData().hasUrls():
            e.acceptProposedAction()

    def dropEvent(self, e: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in e.mimeData().urls() if u.isLocalFile()]
        if paths:
            e.acceptProposedAction()
            self.import_paths(paths)
