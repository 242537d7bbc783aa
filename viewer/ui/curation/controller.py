"""Curation in the window (DESIGN §5–6): tag the selection or every result,
manage tags, write notes, keep saved searches and events, export.

`install_curation(window)` is the one place this attaches to the main
window, through its public attributes only. Every write runs on a worker
through `ops.Op` with its own connection (the GUI thread's connection is
read-only); when it is done the window is brought up to date: cached rows
dropped so the chips repaint, the current search run again so `tag:` and
`has:note` results and the curator-tag facet follow, the detail pane and
the chart reloaded where they show what changed.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Protocol, Sequence, TypeVar

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMenu, QProgressDialog, QPushButton, QSplitter, QStatusBar, QTabWidget

from viewer import curation
from viewer.collection import Collection
from viewer.jobs import Cancelled, Job
from viewer.ui.curation.events_panel import EventsPanel
from viewer.ui.io.export_dialog import ExportDialog
from viewer.ui.curation.note_editor import NoteEditor
from viewer.ui.ops import Op
from viewer.ui.curation.saved_searches import SavedSearchesPanel
from viewer.ui.curation.tag_manager import TagManager
from viewer.ui.curation.widgets import swatch
from viewer.ui.curation.tag_menu import TagPicker
from viewer.ui.curation.undo import Step, UndoStack

T = TypeVar("T")


class Host(Protocol):
    """What curation needs of the window, named: the parts it talks to and
    the signals it listens on. (The window is the one implementation; tests
    and other windows can be others.)"""

    collection_path: Path
    coll: Collection
    results: Any  # the current Results, or None
    timeline: Any  # TimelineView
    model: Any  # TimelineModel
    detail: Any  # DetailPane
    search_bar: Any  # SearchBar
    session: Any  # SearchSession
    sidebar: QSplitter
    menus: dict[str, QMenu]
    export_anchor: QAction
    detail_action: QAction
    copy_text_action: QAction
    copy_link_action: QAction
    copy_id_action: QAction
    rowsApplied: Any  # Signal()
    resultsApplied: Any  # Signal()
    detailShown: Any  # Signal(object)
    collectionChanged: Any  # Signal(str): the one change signal

    def statusBar(self) -> QStatusBar: ...

    def current_post_id(self) -> int | None: ...

    def show_post(self, post_id: int, select: bool = True) -> None: ...

    def load_events(self) -> None: ...

    def load_vocabulary(self) -> None: ...

# Above this many posts a write shows a progress dialog: below it the write
# is over before a dialog could be read.
BUSY_DIALOG_FROM = 2000
# Restoring the selection after the list is rebuilt scans the result ids once;
# past this size the scan would be felt, and such a list is rarely hand-picked.
RESTORE_SELECTION_UP_TO = 200_000


def selected_ids(window: Host) -> list[int]:
    """The post ids of the list's selection, in list order; the current post
    when nothing is selected. Read from the selection's ranges, so a select-all
    over a million rows costs one slice, not a million indexes."""
    sm = window.timeline.selectionModel()
    ids = window.model.ids
    out: list[int] = []
    ranges = sorted(((r.top(), r.bottom()) for r in sm.selection()), key=lambda r: r[0])
    seen: set[int] = set()
    for top, bottom in ranges:
        for pid in ids[top:bottom + 1]:
            if pid not in seen:
                seen.add(pid)
                out.append(int(pid))
    if not out:
        pid = window.current_post_id()
        if pid is not None:
            out.append(int(pid))
    return out


def result_ids(window: Host) -> tuple[list[int], str]:
    """Every post the list shows now (within a selected date range, if any),
    and the query that found them (for the audit log)."""
    r = window.results
    if r is not None:
        return [int(i) for i in r.listed.ids], r.query
    return [int(i) for i in window.model.ids], window.search_bar.text()


class Curator(QObject):
    """Runs curation writes for one window and brings the window up to date."""

    # What changed ("tags", "notes", "searches", "events") — emitted once the
    # window shows it (the search has been run again where that matters).
    changed = Signal(str)
    failed = Signal(str)  # a message for the user
    bulk_done = Signal(str)  # a tagging or untagging is written: what it did, in words

    def __init__(self, window: Host):
        super().__init__(window)
        self.window = window
        self.path = Path(window.collection_path)
        self._after_rows: list[Callable[[], None]] = []
        self._after_results: list[Callable[[], None]] = []
        self.busy: QProgressDialog | None = None
        self.undo_stack = UndoStack(self)
        window.rowsApplied.connect(self._rows_applied)
        window.resultsApplied.connect(self._results_applied)

    # -- reads (the GUI thread's own read-only connection) ---------------------------
    @property
    def db(self) -> Any:
        return self.window.coll.db

    def tags(self) -> list[dict[str, Any]]:
        return curation.list_tags(self.db)

    def tags_on(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """The tags any of these posts carry, by name."""
        seen: dict[int, dict[str, Any]] = {}
        for tags in curation.tags_of(self.db, list(ids)).values():
            for t in tags:
                seen[t["id"]] = t
        return sorted(seen.values(), key=lambda t: t["name"].casefold())

    # -- writes ------------------------------------------------------------------------
    def write(self, what: str, fn: Callable[[Collection, Job], T], *, done: Callable[[T], Any] | None = None,
              error: Callable[[str], Any] | None = None, posts: int = 0, busy_text: str = "",
              touched: Sequence[int] | None = None) -> Op[Any]:
        """Run `fn(collection, job)` on a worker with its own connection, then
        show what changed. `touched`: the posts whose rows changed (None: any)."""
        path = self.path

        def run(job: Job) -> tuple[T, Step | None]:
            with Collection.open(path) as coll:
                with curation.recording() as written:
                    result = fn(coll, job)
                # What Undo can take back of it, labelled while the rows are at hand.
                ids = [i for i in written if curation.undoable(coll, i)]
                step = Step(ids, curation.describe(coll, ids[-1]), what) if ids else None
                return result, step

        op: Op[tuple[T, Step | None]] = Op(self, run)
        if posts >= BUSY_DIALOG_FROM:
            self._show_busy(busy_text or "Working …")

        def ok(got: tuple[T, Step | None]) -> None:
            result, step = got
            self._hide_busy()
            if step is not None:
                step.posts = list(touched or [])
                self.undo_stack.push(step)
            if done is not None:
                done(result)
            self._refresh(what, touched)

        def bad(exc: BaseException) -> None:
            self._hide_busy()
            if isinstance(exc, Cancelled):
                return
            msg = str(exc) if isinstance(exc, curation.CurationError) else f"{type(exc).__name__}: {exc}"
            self.window.statusBar().showMessage(msg, 10_000)
            if error is not None:
                error(msg)
            self.failed.emit(msg)

        return op.success(ok).failure(bad).run_in_background()

    # -- undo and redo -------------------------------------------------------------------
    def undo(self) -> Op[Any] | None:
        step = self.undo_stack.take_undo()
        if step is None:
            self.window.statusBar().showMessage("Nothing to undo.", 4000)
            return None
        return self._revert(step, self.undo_stack.undone, self.undo_stack.redone, "Undid")

    def redo(self) -> Op[Any] | None:
        step = self.undo_stack.take_redo()
        if step is None:
            self.window.statusBar().showMessage("Nothing to redo.", 4000)
            return None
        return self._revert(step, self.undo_stack.redone, self.undo_stack.undone, "Redid")

    def _revert(self, step: Step, moved: Callable[[Step], None], restore: Callable[[Step], None],
                verb: str) -> Op[Any]:
        """Revert a step's audit rows, newest first, each logged as its own
        undo (or redo); the rows written become the opposite step."""
        path = self.path

        def run(job: Job) -> tuple[Step, list[int]]:
            with Collection.open(path) as coll:
                done = [curation.revert(coll, i) for i in reversed(step.ids)]
                ids = [d["audit_id"] for d in reversed(done)]
                posts = sorted({p for d in done for p in d["posts"]})
                return Step(ids, curation.describe(coll, ids[-1]), step.area, posts), posts

        def ok(got: tuple[Step, list[int]]) -> None:
            new_step, posts = got
            moved(new_step)
            self.window.statusBar().showMessage(f"{verb} {step.label}", 8000)
            self._refresh(step.area, posts or None)

        def bad(exc: BaseException) -> None:
            restore(step)  # nothing changed: the step stays where it was
            msg = str(exc) if isinstance(exc, curation.CurationError) else f"{type(exc).__name__}: {exc}"
            self.window.statusBar().showMessage(f"Could not {'undo' if verb == 'Undid' else 'redo'}: {msg}", 10_000)
            self.failed.emit(msg)

        return Op(self, run).success(ok).failure(bad).run_in_background()

    def _show_busy(self, text: str) -> None:
        dlg = QProgressDialog(text, "", 0, 0, self.window)
        dlg.setCancelButton(None)  # one transaction: there is no half-way to stop at
        dlg.setWindowTitle("archive-viewer")
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(0)
        dlg.show()
        self.busy = dlg

    def _hide_busy(self) -> None:
        if self.busy is not None:
            self.busy.close()
            self.busy.deleteLater()
            self.busy = None

    def _refresh(self, what: str, touched: Sequence[int] | None) -> None:
        w = self.window
        if what in ("tags", "notes"):
            keep = selected_ids(w) if w.timeline.selectionModel().hasSelection() else []
            w.model.invalidate_rows()  # the chips repaint from the tables at once
            pid = w.current_post_id()
            if pid is not None and w.detail.detail is not None and w.detail.detail.row.id == pid and (
                    touched is None or pid in set(touched)):
                w.show_post(pid, select=False)
            if what == "tags":
                w.load_vocabulary()  # `tag:` completion knows new names
            # The search again: `tag:` / `has:note` results and the tag facet.
            if len(keep) > 1:
                self._after_rows.append(lambda: self._reselect(keep))
            self._after_results.append(lambda: self.changed.emit(what))
            w.session.refresh()
        elif what == "events":
            w.load_events()
            self.changed.emit(what)
        else:
            self.changed.emit(what)

    def _rows_applied(self) -> None:
        todo, self._after_rows = self._after_rows, []
        for fn in todo:
            fn()

    def _results_applied(self) -> None:
        todo, self._after_results = self._after_results, []
        for fn in todo:
            fn()

    def _reselect(self, ids: list[int]) -> None:
        """The rows that were selected before the list was rebuilt, selected again."""
        w = self.window
        model = w.model
        if model.rowCount() > RESTORE_SELECTION_UP_TO:
            return
        wanted = set(ids)
        sel = QItemSelection()
        for row, pid in enumerate(model.ids):
            if pid in wanted:
                sel.select(model.index(row), model.index(row))
        if not sel.isEmpty():
            w.timeline.selectionModel().select(
                sel, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)

    # -- the actions -------------------------------------------------------------------------
    def tag(self, name: str, ids: Sequence[int], query: str | None = None,
            error: Callable[[str], Any] | None = None) -> Op[Any]:
        ids = list(ids)
        return self.write("tags", lambda c, job: curation.tag_posts(c, name, ids, query=query, job=job),
                          done=lambda r: self.bulk_done.emit(
                              f"Tagged {r['added']:,} {'post' if r['added'] == 1 else 'posts'} “{r['tag']}”"
                              + (f" ({r['already']:,} had it already)" if r["already"] else "")),
                          error=error, posts=len(ids), busy_text=f"Tagging {len(ids):,} posts …", touched=ids)

    def untag(self, name: str, ids: Sequence[int], query: str | None = None,
              error: Callable[[str], Any] | None = None) -> Op[Any]:
        ids = list(ids)
        return self.write("tags", lambda c, job: curation.untag_posts(c, name, ids, query=query, job=job),
                          done=lambda r: self.bulk_done.emit(
                              f"Took “{r['tag']}” off {r['removed']:,} {'post' if r['removed'] == 1 else 'posts'}"),
                          error=error, posts=len(ids), busy_text=f"Untagging {len(ids):,} posts …", touched=ids)


class CurationUI(QObject):
    """The menus, shortcuts, panels and dialogs of curation on one window."""

    def __init__(self, window: Host):
        super().__init__(window)
        self.window = window
        self.curator = Curator(window)
        self.picker: TagPicker | None = None
        self.last_tag: str | None = None
        self.manager: TagManager | None = None
        self.export_dialog: ExportDialog | None = None

        self.note_editor = NoteEditor(self.curator, window.detail)
        # Under the detail pane's tabs: the note of the post being read,
        # whichever tab is showing.
        window.detail.add_footer(self.note_editor)
        window.detailShown.connect(self.note_editor.set_post)
        window.rowsApplied.connect(self._follow_detail)

        self.saved = SavedSearchesPanel(self.curator, window)
        self.events = EventsPanel(self.curator, window)
        self.sidebar = self._sidebar()

        self._build_actions()
        self._build_menus()
        self._build_shortcuts()
        tl = window.timeline
        tl.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tl.customContextMenuRequested.connect(self.show_context_menu)
        self.curator.changed.connect(self._changed)
        self.curator.changed.connect(window.collectionChanged)
        self.undo_button = QPushButton("Undo", window)
        self.undo_button.setToolTip("Take back what was just done")
        self.undo_button.setFlat(True)
        self.undo_button.hide()
        self.undo_button.clicked.connect(self._undo_from_bar)
        window.statusBar().addWidget(self.undo_button)
        window.statusBar().messageChanged.connect(self._status_changed)
        self.curator.bulk_done.connect(self._bulk_done)
        if window.detail.detail is not None:
            self.note_editor.set_post(window.detail.detail.row.id)

    def _sidebar(self) -> QTabWidget:
        """Saved searches and events under the facets, in the window's
        sidebar column, so the timeline keeps its width."""
        tabs = QTabWidget()
        tabs.setObjectName("curationSidebar")
        tabs.setDocumentMode(True)
        tabs.addTab(self.saved, "Saved searches")
        tabs.addTab(self.events, "Events")
        column = self.window.sidebar
        column.addWidget(tabs)
        column.setStretchFactor(0, 3)
        column.setStretchFactor(1, 1)
        column.setSizes([420, 180])
        self.sidebar_column = column
        return tabs

    # -- actions ------------------------------------------------------------------------------
    def _action(self, text: str, slot: Callable[[], Any], shortcut: str | None = None,
                tip: str | None = None) -> QAction:
        a = QAction(text, self.window)
        a.triggered.connect(lambda _=False: slot())
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
        return a

    def _build_actions(self) -> None:
        # Single-letter keys belong to the list (a shortcut on the list widget,
        # below); the menus only show them, so typing "t" in the search bar or
        # a note stays typing.
        self.tag_action = self._action("&Tag selection…\tT", self.tag_selection,
                                       tip="Put a tag on the selected posts")
        self.untag_action = self._action("&Remove tag from selection…\tShift+T", self.untag_selection,
                                         tip="Take a tag off the selected posts")
        self.tag_all_action = self._action("Tag &all results…", self.tag_all_results,
                                           tip="Put a tag on every post of the current search")
        self.untag_all_action = self._action("Remove tag from all res&ults…", self.untag_all_results,
                                             tip="Take a tag off every post of the current search")
        self.note_action = self._action("Edit &note\tN", self.edit_note, tip="Write a note on the current post")
        self.manage_action = self._action("&Manage tags…", self.manage_tags, "Ctrl+Shift+G")
        self.save_search_action = self._action("&Save this search…", self.saved.save_current, "Ctrl+Shift+S")
        self.add_event_action = self._action("Add an &event…", self.events.add_event)
        self.export_action = self._action("&Export posts…", self.export, "Ctrl+E",
                                          tip="Write the selection or the results as CSV, JSONL or an HTML report")
        self.undo_action = self._action("&Undo", self.curator.undo, tip="Take back the last curation action")
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.redo_action = self._action("&Redo", self.curator.redo, tip="Do again what was undone")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(QKeySequence.StandardKey.Redo)])
        self.curator.undo_stack.changed.connect(self._undo_changed)
        self._undo_changed()
        self.sidebar_action = QAction("&Saved searches and events", self.window)
        self.sidebar_action.setCheckable(True)
        self.sidebar_action.setChecked(True)
        self.sidebar_action.toggled.connect(self.sidebar.setVisible)

    def _build_menus(self) -> None:
        menus = self.window.menus
        edit = menus["edit"]
        for a in (self.undo_action, self.redo_action, None, self.tag_action, self.untag_action, None,
                  self.tag_all_action, self.untag_all_action, None, self.note_action, None, self.manage_action,
                  self.save_search_action, self.add_event_action):
            edit.addSeparator() if a is None else edit.addAction(a)
        menus["view"].addAction(self.sidebar_action)
        self.edit_menu = edit
        # With the other exports, at the place the window keeps for them.
        menus["file"].insertAction(self.window.export_anchor, self.export_action)

    def _build_shortcuts(self) -> None:
        tl = self.window.timeline
        self.shortcuts = []
        for key, slot in (("T", self.tag_selection), ("Shift+T", self.untag_selection), ("N", self.edit_note)):
            sc = QShortcut(QKeySequence(key), tl)
            sc.setContext(Qt.ShortcutContext.WidgetShortcut)
            sc.activated.connect(slot)
            self.shortcuts.append(sc)

    def show_context_menu(self, pos: QPoint) -> None:
        self.context_menu = self.build_context_menu()
        self.context_menu.popup(self.window.timeline.viewport().mapToGlobal(pos))

    def build_context_menu(self) -> QMenu:
        """Tag and untag in one click, besides the dialogs."""
        menu = QMenu(self.window.timeline)
        ids = selected_ids(self.window)
        n = len(ids)
        menu.addAction(self.tag_action)
        quick = menu.addMenu(f"Tag {n:,} {'post' if n == 1 else 'posts'} with")
        for t in self.curator.tags()[:30]:
            a = quick.addAction(swatch(t["colour"]), t["name"])
            a.triggered.connect(lambda _=False, name=t["name"]: self.curator.tag(name, selected_ids(self.window)))
        quick.setEnabled(bool(ids) and not quick.isEmpty())
        on = self.curator.tags_on(ids) if n <= 10_000 else []
        off = menu.addMenu("Remove tag")
        for t in on:
            a = off.addAction(swatch(t["colour"]), t["name"])
            a.triggered.connect(lambda _=False, name=t["name"]: self.curator.untag(name, selected_ids(self.window)))
        off.setEnabled(bool(on))
        menu.addSeparator()
        menu.addAction(self.note_action)
        menu.addAction(self.tag_all_action)
        menu.addSeparator()
        w = self.window
        for a in (w.copy_text_action, w.copy_link_action, w.copy_id_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.export_action)
        return menu

    # -- what the actions do -------------------------------------------------------------------
    def _pick(self, title: str, prompt: str, tags: list[dict[str, Any]], allow_new: bool,
              apply: Callable[[str, Any], Any]) -> TagPicker:
        if self.picker is not None:
            self.picker.close()
        self.picker = TagPicker(self.window, title, prompt, tags, allow_new=allow_new)
        if self.last_tag and self.last_tag in self.picker.names:
            # Tagging runs of posts with one tag: Enter repeats it, typing replaces it.
            self.picker.set_choice(self.last_tag)
            if allow_new:
                self.picker.combo.lineEdit().selectAll()
        self.picker.picked.connect(lambda name: (setattr(self, "last_tag", name), apply(name, None)))
        self.picker.open()
        return self.picker

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 6000)

    def tag_selection(self) -> TagPicker | None:
        ids = selected_ids(self.window)
        if not ids:
            self._say("Select posts in the list first.")
            return None
        n = len(ids)
        return self._pick("Tag selection", f"Tag {n:,} selected {'post' if n == 1 else 'posts'} with:",
                          self.curator.tags(), True, lambda name, err: self.curator.tag(name, ids, error=err))

    def untag_selection(self) -> TagPicker | None:
        ids = selected_ids(self.window)
        tags = self.curator.tags_on(ids) if ids else []
        if not tags:
            self._say("The selected posts carry no tags." if ids else "Select posts in the list first.")
            return None
        n = len(ids)
        return self._pick("Remove tag", f"Take this tag off {n:,} selected {'post' if n == 1 else 'posts'}:",
                          tags, False, lambda name, err: self.curator.untag(name, ids, error=err))

    def tag_all_results(self) -> TagPicker | None:
        ids, query = result_ids(self.window)
        if not ids:
            self._say("The search has no results to tag.")
            return None
        where = f" for “{query}”" if query.strip() else ""
        return self._pick("Tag all results", f"Tag all {len(ids):,} results{where} with:", self.curator.tags(),
                          True, lambda name, err: self.curator.tag(name, ids, query=query, error=err))

    def untag_all_results(self) -> TagPicker | None:
        ids, query = result_ids(self.window)
        tags = [t for t in self.curator.tags() if t["count"]]
        if not ids or not tags:
            self._say("Nothing to untag.")
            return None
        return self._pick("Remove tag from all results", f"Take this tag off all {len(ids):,} results:", tags,
                          False, lambda name, err: self.curator.untag(name, ids, query=query, error=err))

    def edit_note(self) -> None:
        if self.window.current_post_id() is None:
            self._say("Select a post first.")
            return
        if not self.window.detail.isVisible():
            self.window.detail_action.setChecked(True)
        self.note_editor.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def manage_tags(self) -> TagManager:
        if self.manager is None:
            self.manager = TagManager(self.curator, self.window)
        self.manager.reload()
        self.manager.show()
        self.manager.raise_()
        self.manager.activateWindow()
        return self.manager

    def export(self) -> ExportDialog:
        if self.export_dialog is not None and self.export_dialog.running:
            self.export_dialog.raise_()
            return self.export_dialog
        sel = selected_ids(self.window) if self.window.timeline.selectionModel().hasSelection() else []
        ids, query = result_ids(self.window)
        self.export_dialog = ExportDialog(self.window, self.window.collection_path, sel, ids, query)
        self.export_dialog.exported.connect(
            lambda r: self._say(f"Exported {r.posts:,} posts to {r.path}"))
        self.export_dialog.open()
        return self.export_dialog

    def _undo_changed(self) -> None:
        stack = self.curator.undo_stack
        self.undo_action.setText(stack.undo_text)
        self.undo_action.setEnabled(bool(stack.undo_steps))
        self.redo_action.setText(stack.redo_text)
        self.redo_action.setEnabled(bool(stack.redo_steps))

    def _bulk_done(self, text: str) -> None:
        """How many posts changed, with an Undo button beside it for as long
        as the message stands."""
        bar = self.window.statusBar()
        bar.showMessage(text, 15_000)
        self.undo_button.show()

    def _status_changed(self, message: str) -> None:
        if not message:
            self.undo_button.hide()

    def _undo_from_bar(self) -> None:
        self.undo_button.hide()
        self.curator.undo()

    # -- keeping panels current ---------------------------------------------------------------
    def _changed(self, what: str) -> None:
        if what == "tags" and self.manager is not None:
            self.manager.reload()
        if what == "searches":
            self.saved.reload()
        if what == "events":
            self.events.reload()

    def _follow_detail(self) -> None:
        d = self.window.detail.detail
        self.note_editor.set_post(d.row.id if d is not None else None)


def install_curation(window: Host) -> CurationUI:
    """Attach curation to a MainWindow: Edit menu, T / Shift+T / N on the list,
    a context menu, the note editor under the detail pane, saved searches and
    events under the facets, File → Export posts…. Returns the object holding them
    (also kept as `window.curation`)."""
    existing = getattr(window, "curation", None)
    if isinstance(existing, CurationUI):
        return existing
    ui = CurationUI(window)
    window.curation = ui
    return ui
