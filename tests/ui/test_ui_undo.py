"""Undo and redo of curation in the window: Edit › Undo / Redo with Ctrl+Z /
Ctrl+Shift+Z, the status bar's Undo after a bulk action, each undo in the
audit log as its own action."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from ui_helpers import WAIT_MS, search_ids

from viewer import curation
from viewer.collection import Collection
from viewer.ui.curation.controller import install_curation
from viewer.ui.timeline import IdRole


@pytest.fixture
def win(open_window, tmp_path: Path, sample_path: Path):  # type: ignore[no-untyped-def]
    dest = tmp_path / "collection"
    shutil.copytree(sample_path, dest, ignore=shutil.ignore_patterns("thumbs"))
    w = open_window(dest)
    install_curation(w)
    return w


def changed(qtbot, window):  # type: ignore[no-untyped-def]
    return qtbot.waitSignal(window.curation.curator.changed, timeout=WAIT_MS)


def actions(window) -> list[str]:  # type: ignore[no-untyped-def]
    with Collection.open(window.collection_path) as coll:
        return [e["action"] for e in curation.audit_log(coll)]


def activate(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """A dialog just closed: offscreen, nothing hands the focus back."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)


def click_row(qtbot, window, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    activate(qtbot, window)
    tl = window.timeline
    idx = window.model.index(row)
    tl.scrollTo(idx)
    qtbot.mouseClick(tl.viewport(), Qt.MouseButton.LeftButton, modifier, tl.visualRect(idx).center())


def tag_rows_with_t(qtbot, window, first: int, last: int, name: str) -> list[int]:  # type: ignore[no-untyped-def]
    click_row(qtbot, window, first)
    click_row(qtbot, window, last, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.timeline, Qt.Key.Key_T)
    picker = window.curation.picker
    with changed(qtbot, window):
        qtbot.keyClicks(picker.combo.lineEdit(), name)
        qtbot.keyClick(picker.combo.lineEdit(), Qt.Key.Key_Return)
    return [window.model.index(r).data(IdRole) for r in range(first, last + 1)]


def test_ctrl_z_takes_a_tagging_back_and_ctrl_shift_z_does_it_again(qtbot, win):
    ids = tag_rows_with_t(qtbot, win, 2, 4, "verified")
    path = win.collection_path
    assert sorted(search_ids(path, "tag:verified")) == sorted(ids)
    assert win.curation.undo_action.text() == "&Undo tag “verified” on 3 posts"
    activate(qtbot, win)
    win.timeline.setFocus()
    with changed(qtbot, win):
        qtbot.keyClick(win.timeline, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert search_ids(path, "tag:verified") == []
    assert actions(win)[0] == "undo"
    assert win.curation.redo_action.isEnabled() and not win.curation.undo_action.isEnabled()
    with changed(qtbot, win):
        qtbot.keyClick(win.timeline, Qt.Key.Key_Z,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert sorted(search_ids(path, "tag:verified")) == sorted(ids)
    assert actions(win)[:3] == ["redo", "undo", "tag"]


def test_a_bulk_tagging_says_how_many_posts_and_offers_undo_in_the_status_bar(qtbot, win):
    edit = win.search_bar.edit
    edit.setFocus()
    with qtbot.waitSignal(win.resultsApplied, timeout=WAIT_MS):
        qtbot.keyClicks(edit, "#FreeMosul")
    qtbot.waitUntil(lambda: win.results.query == "#FreeMosul", timeout=WAIT_MS)
    n = len(win.results.listed.ids)
    picker = win.curation.tag_all_results()
    with changed(qtbot, win):
        qtbot.keyClicks(picker.combo.lineEdit(), "freemosul-set")
        qtbot.keyClick(picker.combo.lineEdit(), Qt.Key.Key_Return)
    assert win.statusBar().currentMessage() == f"Tagged {n:,} posts “freemosul-set”"
    button = win.curation.undo_button
    assert button.isVisible()
    with changed(qtbot, win):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert search_ids(win.collection_path, "tag:freemosul-set") == []
    assert not button.isVisible()
    undo = curation.audit_log(win.coll.db, action="undo")[0]
    assert undo["detail"]["of"] == "tag" and undo["detail"]["changed"] == n


def test_edit_undo_takes_a_note_back_to_what_it_said(qtbot, win):
    click_row(qtbot, win, 3)
    pid = win.current_post_id()
    editor = win.curation.note_editor
    for text in ("first reading", "second reading"):
        editor.edit.setPlainText(text)
        with changed(qtbot, win):
            editor.save()
    with changed(qtbot, win):
        win.curation.undo_action.trigger()
    assert [n["text"] for n in curation.notes_for(win.coll.db, pid)] == ["first reading"]
    qtbot.waitUntil(lambda: editor.edit.toPlainText() == "first reading", timeout=WAIT_MS)
    assert actions(win)[0] == "undo"


def test_undo_in_the_search_box_undoes_typing_not_curation(qtbot, win):
    tag_rows_with_t(qtbot, win, 0, 0, "keep")
    edit = win.search_bar.edit
    activate(qtbot, win)
    edit.setFocus()
    qtbot.keyClicks(edit, "abc")
    qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert edit.text() != "abc"
    assert len(search_ids(win.collection_path, "tag:keep")) == 1
