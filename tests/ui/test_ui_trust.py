"""The defects that would make an analyst distrust the window (issue 14,
item 1), each driven with keys and clicks as a person would."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from archive_factory import v1_status, write_jsonl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import WAIT_MS, search_ids

from viewer.ui.curation.controller import install_curation
from viewer.ui.timeline import IdRole


@pytest.fixture
def curated(tmp_path: Path, sample_path: Path) -> Path:
    dest = tmp_path / "collection"
    shutil.copytree(sample_path, dest, ignore=shutil.ignore_patterns("thumbs"))
    return dest


def focus_list(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    window.timeline.setFocus()
    qtbot.waitUntil(window.timeline.hasFocus, timeout=WAIT_MS)


def test_ctrl_down_four_times_then_t_tags_exactly_the_one_post_shown(qtbot, open_window, curated):
    win = open_window(curated)
    install_curation(win)
    focus_list(qtbot, win)
    for _ in range(4):
        qtbot.keyClick(win.timeline, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    shown = win.detail.detail.row.id
    assert win.current_post_id() == shown == win.model.index(4).data(IdRole)
    qtbot.keyClick(win.timeline, Qt.Key.Key_T)
    picker = win.curation.picker
    assert "Tag 1 selected post with" in picker.prompt.text()
    with qtbot.waitSignal(win.curation.curator.changed, timeout=WAIT_MS):
        qtbot.keyClicks(picker.combo.lineEdit(), "checked")
        qtbot.keyClick(picker.combo.lineEdit(), Qt.Key.Key_Return)
    assert search_ids(curated, "tag:checked") == [shown]


def many_files(folder: Path, files: int, per_file: int = 3) -> Path:
    folder.mkdir()
    for k in range(files):
        write_jsonl(folder / f"harvest-{k:02d}.jsonl",
                    [v1_status(k * per_file + i, f"Report {k}-{i} from Mosul") for i in range(per_file)],
                    lines=[f'{{"id_str": "{k}", "trunc'])
    return folder


def test_the_summary_of_a_60_file_import_fits_the_screen_with_its_failures_reachable(qtbot, open_window, tmp_path):
    window = open_window(tmp_path / "coll")
    folder = many_files(tmp_path / "harvests", 60)
    with qtbot.waitSignal(window.importFinished, timeout=60_000):
        window.import_paths([folder])
    summary = window.summary
    qtbot.waitExposed(summary)
    frame = summary.frameGeometry()
    assert frame.width() <= 1366 and frame.height() <= 768
    assert summary.height() <= QApplication.primaryScreen().availableGeometry().height()
    # The last bad record is in the list, and the list scrolls to it.
    failures = summary.failures
    assert failures.isVisible() and failures.height() >= 80
    assert "harvest-59.jsonl: line 4" in failures.toPlainText()
    bar = failures.verticalScrollBar()
    assert bar.maximum() > 0
    failures.setFocus()
    qtbot.keyClick(failures, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert bar.value() > 0
    last = failures.cursorRect()
    assert failures.viewport().rect().contains(last.center())
    assert "harvest-59.jsonl: line 4" in failures.textCursor().block().text()
    # Every file has its line, scrollable too.
    assert summary.files.toPlainText().count("harvest-") == 60


def test_a_new_search_clears_the_detail_pane_and_starts_at_the_first_result(qtbot, window):
    focus_list(qtbot, window)
    for _ in range(30):
        qtbot.keyClick(window.timeline, Qt.Key.Key_J)
    assert window.timeline.verticalScrollBar().value() > 0
    read = window.detail.detail.row.id
    edit = window.search_bar.edit
    edit.setFocus()
    with qtbot.waitSignal(window.rowsApplied, timeout=WAIT_MS):
        qtbot.keyClicks(edit, "#FreeMosul")
    qtbot.waitUntil(lambda: window.results.query == "#FreeMosul", timeout=WAIT_MS)
    assert window.timeline.verticalScrollBar().value() == 0
    assert window.timeline.indexAt(window.timeline.viewport().rect().topLeft()).row() == 0
    assert window.detail.detail is None and read not in set(window.results.listed.ids)
    # The keyboard goes on from the first result.
    focus_list(qtbot, window)
    # Coming into the list makes the first result current (Qt's own rule for a list without one).
    assert window.timeline.currentIndex().row() == 0
    qtbot.keyClick(window.timeline, Qt.Key.Key_J)
    assert window.current_post_id() == window.model.index(1).data(IdRole)
    assert window.timeline.verticalScrollBar().value() == 0


def test_ctrl_e_opens_the_export_dialog_from_the_search_box(qtbot, window):
    install_curation(window)
    window.activateWindow()
    edit = window.search_bar.edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=WAIT_MS)
    qtbot.keyClick(edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.curation.export_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reject()


def test_ctrl_a_in_the_search_box_still_selects_its_text(qtbot, window):
    edit = window.search_bar.edit
    window.activateWindow()
    edit.setFocus()
    edit.setText("mosul")
    edit.setCursorPosition(0)
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert edit.selectedText() == "mosul"


def test_a_query_searched_as_you_type_joins_the_history_without_enter(qtbot, window):
    edit = window.search_bar.edit
    edit.setFocus()
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.keyClicks(edit, "displaced")
    qtbot.waitUntil(lambda: "displaced" in window.search_bar.history, timeout=WAIT_MS)
    # Only what was searched, not every prefix typed on the way.
    assert not any(h in window.search_bar.history for h in ("d", "di", "displ"))
