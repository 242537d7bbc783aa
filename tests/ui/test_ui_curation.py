"""Curation in the window, driven as a person would on a copy of the sample:
tag the selection with a key press and see the chips, tag every result,
manage tags, write notes, keep saved searches and events, export."""
from __future__ import annotations

import csv
import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QRunnable, Qt, QThreadPool
from PySide6.QtGui import QColor
from ui_helpers import SNAPSHOTS, WAIT_MS, search_ids

from viewer import curation
from viewer.collection import Collection
from viewer.ui.curation.controller import install_curation
from viewer.ui.timeline import IdRole, PostRole


@pytest.fixture
def curated(tmp_path: Path, sample_path: Path) -> Path:
    """A copy of the sample this test may write to (thumbnails are remade)."""
    dest = tmp_path / "collection"
    shutil.copytree(sample_path, dest, ignore=shutil.ignore_patterns("thumbs"))
    return dest


@pytest.fixture
def win(open_window, curated):  # type: ignore[no-untyped-def]
    """The window on the copy, with curation installed."""
    w = open_window(curated)
    install_curation(w)
    return w


def with_tag(path: Path, name: str, colour: str | None = None, ids: list[int] | None = None) -> None:
    """Set up, before the window opens: a tag, on these posts."""
    with Collection.open(path) as coll:
        if ids:
            curation.tag_posts(coll, name, ids, colour=colour)
        else:
            curation.create_tag(coll, name, colour)


def audit(path: Path, action: str) -> list[dict]:
    with Collection.open(path) as coll:
        return curation.audit_log(coll, action=action)


def click_row(qtbot, window, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    if not window.isActiveWindow():
        # A dialog just closed: offscreen, nothing hands the focus back.
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    tl = window.timeline
    idx = window.model.index(row)
    tl.scrollTo(idx)
    qtbot.mouseClick(tl.viewport(), Qt.MouseButton.LeftButton, modifier, tl.visualRect(idx).center())


def select_rows(qtbot, window, first: int, last: int) -> list[int]:  # type: ignore[no-untyped-def]
    """Click the first row, shift-click the last; the ids selected."""
    click_row(qtbot, window, first)
    click_row(qtbot, window, last, Qt.KeyboardModifier.ShiftModifier)
    return [window.model.index(r).data(IdRole) for r in range(first, last + 1)]


def type_query(qtbot, window, text: str) -> None:  # type: ignore[no-untyped-def]
    edit = window.search_bar.edit
    edit.setFocus()
    edit.selectAll()
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.keyClicks(edit, text)


def chips(window, row: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [name for name, _ in window.model.index(row).data(PostRole).tags]


def changed(qtbot, window):  # type: ignore[no-untyped-def]
    """Wait until a curation change is written and the window shows it."""
    return qtbot.waitSignal(window.curation.curator.changed, timeout=WAIT_MS)


# -- tagging the selection -------------------------------------------------------------------------

def test_pressing_t_on_a_selection_tags_those_posts_and_the_chips_appear(qtbot, win, curated):
    ids = select_rows(qtbot, win, 1, 3)
    qtbot.keyClick(win.timeline, Qt.Key.Key_T)
    picker = win.curation.picker
    assert picker is not None and picker.isVisible()
    assert "3 selected posts" in picker.prompt.text()
    with changed(qtbot, win):
        qtbot.keyClicks(picker.combo.lineEdit(), "verified")
        qtbot.keyClick(picker.combo.lineEdit(), Qt.Key.Key_Return)
    assert not picker.isVisible()
    assert [chips(win, r) for r in (1, 2, 3)] == [["verified"]] * 3
    assert "verified" not in chips(win, 0) and "verified" not in chips(win, 4)
    assert sorted(search_ids(curated, "tag:verified")) == sorted(ids)


def test_the_selection_stays_selected_after_tagging(qtbot, win):
    ids = select_rows(qtbot, win, 2, 5)
    qtbot.keyClick(win.timeline, Qt.Key.Key_T)
    with changed(qtbot, win):
        win.curation.picker.set_choice("check-later")
        win.curation.picker.accept()
    rows = sorted(i.row() for i in win.timeline.selectionModel().selectedRows())
    assert [win.model.index(r).data(IdRole) for r in rows] == ids


def test_tag_colon_in_the_search_bar_finds_the_posts_just_tagged(qtbot, win):
    ids = select_rows(qtbot, win, 0, 1)
    with changed(qtbot, win):
        win.curation.curator.tag("airstrike", ids)
    type_query(qtbot, win, "tag:airstrike")
    assert sorted(win.model.ids) == sorted(ids)


def test_a_tag_name_that_cannot_be_searched_is_refused_in_the_picker(qtbot, win, curated):
    select_rows(qtbot, win, 0, 0)
    picker = win.curation.tag_selection()
    qtbot.keyClicks(picker.combo.lineEdit(), "two words")
    qtbot.keyClick(picker.combo.lineEdit(), Qt.Key.Key_Return)
    assert picker.isVisible()
    assert "no spaces" in picker.error.text()
    assert curation.list_tags(win.coll.db) == []


def test_the_context_menu_tags_the_selection_with_an_existing_tag_in_one_click(qtbot, curated, open_window):
    with_tag(curated, "source-verified", "#27ae60")
    win = open_window(curated)
    install_curation(win)
    ids = select_rows(qtbot, win, 0, 1)
    menu = win.curation.build_context_menu()
    quick = next(a.menu() for a in menu.actions() if a.menu() and a.text().startswith("Tag 2 posts"))
    with changed(qtbot, win):
        next(a for a in quick.actions() if a.text() == "source-verified").trigger()
    assert sorted(search_ids(curated, "tag:source-verified")) == sorted(ids)
    assert chips(win, 0) == ["source-verified"]


def test_the_picker_offers_the_last_tag_used_so_enter_repeats_it(qtbot, win, curated):
    first = select_rows(qtbot, win, 0, 0)
    with changed(qtbot, win):
        win.curation.tag_selection().set_choice("checked")
        win.curation.picker.accept()
    second = select_rows(qtbot, win, 3, 3)
    qtbot.keyClick(win.timeline, Qt.Key.Key_T)
    with changed(qtbot, win):
        qtbot.keyClick(win.curation.picker.combo.lineEdit(), Qt.Key.Key_Return)
    assert sorted(search_ids(curated, "tag:checked")) == sorted(first + second)


def test_a_right_click_on_the_list_opens_the_tag_menu(qtbot, win):
    select_rows(qtbot, win, 0, 1)
    tl = win.timeline
    tl.customContextMenuRequested.emit(tl.visualRect(win.model.index(1)).center())
    menu = win.curation.context_menu
    assert menu.isVisible()
    assert any(a.text() == "Tag 2 posts with" for a in menu.actions())
    menu.close()


def test_shift_t_takes_a_tag_off_the_selection(qtbot, curated, open_window):
    with Collection.open(curated) as coll:
        first = [r[0] for r in coll.db.execute(
            "SELECT id FROM posts WHERE collected = 1 ORDER BY created_ts, id LIMIT 4").fetchall()]
    with_tag(curated, "duplicate", ids=first)
    win = open_window(curated)
    install_curation(win)
    assert win.model.index(0).data(IdRole) == first[0]  # oldest first
    select_rows(qtbot, win, 0, 1)
    qtbot.keyClick(win.timeline, Qt.Key.Key_T, Qt.KeyboardModifier.ShiftModifier)
    picker = win.curation.picker
    assert picker.choice() == "duplicate"
    with changed(qtbot, win):
        qtbot.keyClick(picker.combo, Qt.Key.Key_Return)
    assert chips(win, 0) == [] and chips(win, 1) == []
    assert chips(win, 2) == ["duplicate"]
    assert sorted(search_ids(curated, "tag:duplicate")) == sorted(first[2:])


# -- tagging every result --------------------------------------------------------------------------

def test_tag_all_results_tags_every_post_of_the_search_in_one_action(qtbot, win, curated):
    type_query(qtbot, win, "#FreeMosul")
    expected = search_ids(curated, "#FreeMosul")
    picker = win.curation.tag_all_results()
    assert f"{len(expected):,} results" in picker.prompt.text()
    with changed(qtbot, win):
        picker.set_choice("freemosul-campaign")
        picker.accept()
    assert sorted(search_ids(curated, "tag:freemosul-campaign")) == sorted(expected)
    log = audit(curated, "tag")
    assert len(log) == 1  # one action, one transaction, one entry
    assert log[0]["detail"]["query"] == "#FreeMosul"
    assert log[0]["detail"]["added"] == len(expected)
    facet = dict((v, n) for v, n, _ in win.facets.values("tags"))
    assert facet["freemosul-campaign"] == f"{len(expected):,}"


def test_tagging_every_post_of_the_collection_shows_progress_then_all_chips(qtbot, win, curated):
    n = win.model.rowCount()
    assert n > 2000  # enough to show the progress dialog
    picker = win.curation.tag_all_results()
    picker.set_choice("mosul-2016-17")
    with changed(qtbot, win):
        picker.accept()
        assert win.curation.curator.busy is not None and win.curation.curator.busy.isVisible()
    assert win.curation.curator.busy is None
    assert len(search_ids(curated, "tag:mosul-2016-17")) == n
    assert chips(win, n - 1) == ["mosul-2016-17"]


def test_the_edit_menu_offers_tagging_the_selection_and_all_results(win):
    texts = [a.text().split("\t")[0].replace("&", "") for a in win.curation.edit_menu.actions()]
    assert "Tag selection…" in texts and "Tag all results…" in texts and "Manage tags…" in texts
    menus = [a.text().replace("&", "") for a in win.menuBar().actions()]
    assert menus.index("Edit") == menus.index("File") + 1


# -- the tag manager -------------------------------------------------------------------------------

def test_the_tag_manager_lists_every_tag_with_its_count(qtbot, curated, open_window):
    ids = search_ids(curated, "#FreeMosul")[:7]
    with_tag(curated, "propaganda", ids=ids)
    with_tag(curated, "unused")
    win = open_window(curated)
    manager = install_curation(win).manage_tags()
    assert manager.names() == [("propaganda", "7"), ("unused", "0")]


def test_the_tag_manager_creates_a_tag(qtbot, win, curated):
    manager = win.curation.manage_tags()
    dlg = manager.new_tag()
    with changed(qtbot, win):
        dlg.setTextValue("casualties")
        dlg.accept()
    assert ("casualties", "0") in manager.names()
    assert audit(curated, "tag-create")[0]["detail"]["tag"] == "casualties"


def test_renaming_a_tag_relabels_its_chips_and_keeps_the_log(qtbot, curated, open_window):
    first = search_ids(curated, "")[:2]
    with_tag(curated, "misc", ids=first)
    win = open_window(curated)
    manager = install_curation(win).manage_tags()
    manager.select("misc")
    dlg = manager.rename_selected()
    with changed(qtbot, win):
        dlg.setTextValue("displacement")
        dlg.accept()
    assert manager.names() == [("displacement", "2")]
    assert chips(win, 0) == ["displacement"]
    assert sorted(search_ids(curated, "tag:displacement")) == sorted(first)
    entry = audit(curated, "tag-rename")[0]["detail"]
    assert (entry["from"], entry["to"]) == ("misc", "displacement")
    assert audit(curated, "tag")  # the tagging itself is still on the log


def test_recolouring_a_tag_through_the_colour_dialog(qtbot, curated, open_window):
    with_tag(curated, "smoke", "#2e86de", ids=search_ids(curated, "")[:1])
    win = open_window(curated)
    manager = install_curation(win).manage_tags()
    manager.select("smoke")
    dlg = manager.recolour_selected()
    with changed(qtbot, win):
        dlg.setCurrentColor(QColor("#123456"))
        dlg.accept()
    assert curation.get_tag(win.coll.db, "smoke")["colour"] == "#123456"
    assert win.model.index(0).data(PostRole).tags == [("smoke", "#123456")]
    assert audit(curated, "tag-recolour")[0]["detail"]["to"] == "#123456"


def test_deleting_a_tag_asks_first_then_takes_it_off_every_post(qtbot, curated, open_window):
    ids = search_ids(curated, "")[:3]
    with_tag(curated, "mistake", ids=ids)
    win = open_window(curated)
    manager = install_curation(win).manage_tags()
    manager.select("mistake")
    box = manager.delete_selected()
    assert "3 posts" in box.text()
    with changed(qtbot, win):
        box.yes_button.click()
    assert manager.names() == []
    assert chips(win, 0) == []
    assert search_ids(curated, "tag:mistake") == []
    assert sorted(int(i) for i in audit(curated, "tag-delete")[0]["detail"]["ids"]) == sorted(ids)


def test_cancelling_the_delete_question_keeps_the_tag(qtbot, curated, open_window):
    with_tag(curated, "keep-me", ids=search_ids(curated, "")[:1])
    win = open_window(curated)
    manager = install_curation(win).manage_tags()
    manager.select("keep-me")
    box = manager.delete_selected()
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert manager.names() == [("keep-me", "1")]
    assert audit(curated, "tag-delete") == []


# -- notes -----------------------------------------------------------------------------------------

def test_a_note_typed_under_the_detail_pane_and_saved_with_ctrl_s_is_found_by_has_note(qtbot, win, curated):
    click_row(qtbot, win, 4)
    pid = win.current_post_id()
    qtbot.keyClick(win.timeline, Qt.Key.Key_N)
    editor = win.curation.note_editor
    assert editor.edit.hasFocus()
    assert editor.post_id == pid
    qtbot.keyClicks(editor.edit, "Same video as the 17 Oct upload <b>not bold</b>")
    with changed(qtbot, win):
        qtbot.keyClick(editor.edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert [n["text"] for n in curation.notes_for(win.coll.db, pid)] == [
        "Same video as the 17 Oct upload <b>not bold</b>"]
    assert search_ids(curated, "has:note") == [pid]
    assert win.model.index(4).data(PostRole).has_note
    assert editor.status.text() == "· saved"
    assert audit(curated, "note-add")


def test_deleting_a_note_from_the_editor(qtbot, curated, open_window):
    pid = search_ids(curated, "")[0]
    with Collection.open(curated) as coll:
        curation.set_note(coll, pid, "first thoughts")
    win = open_window(curated)
    install_curation(win)
    editor = win.curation.note_editor
    assert (editor.post_id, editor.edit.toPlainText()) == (pid, "first thoughts")
    with changed(qtbot, win):
        qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert curation.notes_for(win.coll.db, pid) == []
    assert search_ids(curated, "has:note") == []


def test_moving_to_another_post_saves_the_note_being_typed(qtbot, win):
    click_row(qtbot, win, 0)
    pid = win.current_post_id()
    editor = win.curation.note_editor
    editor.edit.setFocus()
    qtbot.keyClicks(editor.edit, "check the minaret")
    with changed(qtbot, win):
        click_row(qtbot, win, 1)
    assert curation.notes_for(win.coll.db, pid)[0]["text"] == "check the minaret"
    assert editor.post_id == win.current_post_id() != pid
    assert editor.edit.toPlainText() == ""


# -- saved searches --------------------------------------------------------------------------------

def test_saving_the_current_search_lists_it_and_a_click_runs_it(qtbot, win, curated):
    type_query(qtbot, win, "#FreeMosul lang:en")
    dlg = win.curation.saved.save_current()
    with changed(qtbot, win):
        dlg.setTextValue("English campaign")
        dlg.accept()
    panel = win.curation.saved
    assert panel.names() == ["English campaign"]
    type_query(qtbot, win, "civilians")
    item = panel.item("English campaign")
    with qtbot.waitSignal(win.resultsApplied, timeout=WAIT_MS):
        qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton,
                         pos=panel.list.visualItemRect(item).center())
    assert win.search_bar.text() == "#FreeMosul lang:en"
    assert win.model.rowCount() == len(search_ids(curated, "#FreeMosul lang:en"))


def test_deleting_a_saved_search(qtbot, curated, open_window):
    with Collection.open(curated) as coll:
        curation.save_search(coll, "old", "#Mosul")
    win = open_window(curated)
    panel = install_curation(win).saved
    panel.list.setCurrentItem(panel.item("old"))
    box = panel.delete_selected()
    with changed(qtbot, win):
        box.yes_button.click()
    assert panel.names() == []
    assert audit(curated, "search-delete")[0]["detail"]["name"] == "old"


# -- events ----------------------------------------------------------------------------------------

def test_the_events_panel_lists_the_samples_turning_points(win):
    rows = win.curation.events.rows()
    assert len(rows) == 5
    assert rows[0] == ("2016-10-17", "Offensive to retake Mosul begins")


def test_an_event_added_in_the_panel_is_marked_on_the_histogram(qtbot, win, curated):
    dlg = win.curation.events.add_event()
    dlg.date.setText("2016-11-04")
    dlg.title.setText("Gogjali checkpoint")
    with changed(qtbot, win):
        qtbot.keyClicks(dlg.text, "first units enter the city limits")
        dlg.accept()
    assert ("2016-11-04", "Gogjali checkpoint") in win.curation.events.rows()
    assert "Gogjali checkpoint" in [e.title for e in win.chart.events]
    assert audit(curated, "event-add")[0]["detail"]["title"] == "Gogjali checkpoint"


def test_a_bad_event_date_is_explained_in_the_dialog(qtbot, win):
    dlg = win.curation.events.add_event()
    dlg.date.setText("4 Nov")
    dlg.title.setText("x")
    dlg.accept()
    assert dlg.isVisible()
    assert "YYYY-MM-DD" in dlg.error.text()


def test_editing_and_deleting_an_event_moves_and_removes_its_marker(qtbot, win, curated):
    panel = win.curation.events
    panel.select("East Mosul retaken")
    dlg = panel.edit_selected()
    assert dlg.date.text() == "2017-01-24"
    with changed(qtbot, win):
        dlg.title.setText("East Mosul declared retaken")
        dlg.accept()
    assert "East Mosul declared retaken" in [e.title for e in win.chart.events]
    panel.select("East Mosul declared retaken")
    box = panel.delete_selected()
    with changed(qtbot, win):
        box.yes_button.click()
    titles = [e.title for e in win.chart.events]
    assert len(titles) == 4 and not any("East Mosul" in t for t in titles)


# -- export ----------------------------------------------------------------------------------------

def test_exporting_the_selection_as_csv_ends_with_the_file_and_count(qtbot, win, tmp_path):
    ids = select_rows(qtbot, win, 0, 2)
    with changed(qtbot, win):
        win.curation.curator.tag("for-editor", ids)
    dlg = win.curation.export()
    assert dlg.scope_selection.isChecked()
    out = tmp_path / "out" / "selection.csv"
    dlg.path.setText(str(out))
    with qtbot.waitSignal(dlg.ended, timeout=WAIT_MS):
        qtbot.mouseClick(dlg.export_button, Qt.MouseButton.LeftButton)
    assert dlg.message.text() == f"Wrote 3 posts to {out}."
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(int(r["id"]) for r in rows) == sorted(ids)
    assert all("for-editor" in r["tags"] for r in rows)


def test_exporting_the_selection_as_an_excel_workbook(qtbot, win, tmp_path):
    import openpyxl

    ids = select_rows(qtbot, win, 0, 2)
    dlg = win.curation.export()
    excel = next(b for b in dlg.formats.buttons() if b.property("format") == "xlsx")
    qtbot.mouseClick(excel, Qt.MouseButton.LeftButton)
    assert dlg.path.text().endswith(".xlsx")
    out = tmp_path / "selection.xlsx"
    dlg.path.setText(str(out))
    with qtbot.waitSignal(dlg.ended, timeout=WAIT_MS):
        qtbot.mouseClick(dlg.export_button, Qt.MouseButton.LeftButton)
    assert dlg.message.text() == f"Wrote 3 posts to {out}."
    sheet = openpyxl.load_workbook(out)["posts"]
    assert sorted(int(row[0]) for row in sheet.iter_rows(min_row=2, values_only=True)) == sorted(ids)


def test_exporting_all_results_as_jsonl_with_progress(qtbot, win, curated, tmp_path):
    type_query(qtbot, win, "#FreeMosul")
    dlg = win.curation.export()
    assert dlg.scope_results.isChecked()
    dlg.set_format("jsonl")
    out = tmp_path / "results.jsonl"
    dlg.path.setText(str(out))
    with qtbot.waitSignal(dlg.exported, timeout=WAIT_MS) as got:
        qtbot.mouseClick(dlg.export_button, Qt.MouseButton.LeftButton)
    n = len(search_ids(curated, "#FreeMosul"))
    assert got.args[0].posts == n
    assert dlg.progress.value() == dlg.progress.maximum()
    assert f"Wrote {n:,} posts to {out}" in dlg.message.text()
    assert audit(curated, "export")[0]["detail"]["query"] == "#FreeMosul"


class _Blocker(QRunnable):
    def __init__(self, gate: threading.Event):
        super().__init__()
        self.gate = gate

    def run(self) -> None:
        self.gate.wait(30)


def test_cancelling_an_export_writes_nothing(qtbot, win, tmp_path):
    # The export waits behind other work on its pool, so Cancel comes first.
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    gate = threading.Event()
    pool.start(_Blocker(gate))
    from viewer.ui.io.export_dialog import ExportDialog

    ids = list(win.model.ids)
    dlg = ExportDialog(win, win.collection_path, [], ids, "", pool=pool)
    dlg.set_format("html")
    out = tmp_path / "report.html"
    dlg.path.setText(str(out))
    dlg.open()
    qtbot.mouseClick(dlg.export_button, Qt.MouseButton.LeftButton)
    assert dlg.running
    with qtbot.waitSignal(dlg.ended, timeout=WAIT_MS):
        qtbot.mouseClick(dlg.cancel_button, Qt.MouseButton.LeftButton)
        gate.set()
    assert dlg.message.text() == "Cancelled: nothing was written."
    assert not out.exists()
    assert not any(p.name.startswith(".report.html") for p in tmp_path.iterdir())
    pool.waitForDone(5000)


def test_ctrl_e_opens_the_export_dialog(qtbot, win):
    win.timeline.setFocus()
    qtbot.keyClick(win, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dlg = win.curation.export_dialog
    assert dlg is not None and dlg.isVisible()
    dlg.reject()


# -- what it looks like ----------------------------------------------------------------------------

def test_a_snapshot_of_tagged_posts_with_their_chips_and_the_panels(qtbot, win):
    ids = select_rows(qtbot, win, 0, 1)
    with changed(qtbot, win):
        win.curation.curator.tag("verified", ids)
    with changed(qtbot, win):
        win.curation.curator.tag("airstrike", ids[:1])
    # Tags get the palette's colours in turn: the first is blue.
    assert curation.get_tag(win.coll.db, "verified")["colour"] == "#2e86de"
    win.curation.note_editor.edit.setPlainText("Geolocated: Gogjali, east bank.")
    with changed(qtbot, win):
        win.curation.note_editor.save()
    win.timeline.setFocus()
    img = win.grab().toImage()
    SNAPSHOTS.mkdir(parents=True, exist_ok=True)
    assert img.save(str(SNAPSHOTS / "curation.png"))
    # The blue of "verified" is painted in the timeline (the chips).
    tl = win.timeline
    top_left = tl.viewport().mapTo(win, tl.viewport().rect().topLeft())
    blue = QColor("#2e86de").rgb()
    found = sum(1 for y in range(top_left.y(), top_left.y() + 2 * tl.rowHeight(0), 2)
                for x in range(top_left.x(), top_left.x() + tl.viewport().width(), 2)
                if img.pixel(x, y) == blue)
    assert found > 20
