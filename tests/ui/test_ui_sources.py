"""The archives in view: View › Sources… lists every imported file with its
format, SHA-256, counts and bad records; an import's report opens again; a
click narrows the timeline to one file's posts."""
from __future__ import annotations

import hashlib

from archive_factory import v1_status, write_jsonl
from PySide6.QtCore import Qt
from ui_helpers import WAIT_MS, search_ids

from viewer.collection import Collection
from viewer.importer import import_paths
from viewer.index import index_sink


def two_files(tmp_path):  # type: ignore[no-untyped-def]
    a = write_jsonl(tmp_path / "harvest-a.jsonl", [v1_status(i, f"Mosul update {i}") for i in range(6)],
                    lines=["not json at all"])
    b = write_jsonl(tmp_path / "harvest-b.jsonl", [v1_status(i, f"Nineveh update {i}") for i in range(10, 13)])
    path = tmp_path / "coll"
    with Collection.open(path) as coll:
        import_paths(coll, [a], index=index_sink(coll))
        import_paths(coll, [b], index=index_sink(coll))
    return path, a, b


def test_the_sources_panel_lists_every_imported_file(qtbot, open_window, tmp_path):
    path, a, b = two_files(tmp_path)
    window = open_window(path)
    panel = window.show_sources()
    qtbot.waitExposed(panel)
    rows = [[panel.table.item(r, c).text() for c in range(panel.table.columnCount())]
            for r in range(panel.table.rowCount())]
    assert [r[0] for r in rows] == [str(b), str(a)]  # newest import first
    assert rows[1][1] == "v1.1" and rows[1][5:] == ["6", "0", "0", "1"]
    assert panel.table.item(1, 2).toolTip() == hashlib.sha256(a.read_bytes()).hexdigest()
    panel.table.selectRow(1)
    assert "harvest-a.jsonl" in panel.problems_label.text()
    assert "line 7" in panel.problems.toPlainText()


def test_an_earlier_imports_report_opens_again_with_its_failures(qtbot, open_window, tmp_path):
    path, a, b = two_files(tmp_path)
    window = open_window(path)
    panel = window.show_sources()
    panel.table.selectRow(1)
    qtbot.mouseClick(panel.report_button, Qt.MouseButton.LeftButton)
    report = panel.report
    assert report is not None and report.isVisible()
    assert "6 posts added" in report.summary.text()
    assert "harvest-a.jsonl: line 7" in report.failures.toPlainText()


def test_show_its_posts_narrows_the_timeline_to_that_file(qtbot, open_window, tmp_path):
    path, a, b = two_files(tmp_path)
    window = open_window(path)
    panel = window.show_sources()
    panel.table.selectRow(0)
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.mouseClick(panel.filter_button, Qt.MouseButton.LeftButton)
    prefix = hashlib.sha256(b.read_bytes()).hexdigest()[:12]
    assert window.search_bar.text() == f"source:{prefix}"
    assert sorted(window.model.ids) == sorted(search_ids(path, "source:harvest-b.jsonl"))
    assert window.model.rowCount() == 3
    # Another file replaces the first, not narrows it to nothing.
    panel.table.selectRow(1)
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.mouseClick(panel.filter_button, Qt.MouseButton.LeftButton)
    assert window.model.rowCount() == 6


def test_the_sources_panel_follows_an_import_made_while_it_is_open(qtbot, open_window, tmp_path):
    path, a, b = two_files(tmp_path)
    window = open_window(path)
    panel = window.show_sources()
    assert panel.table.rowCount() == 2
    c = write_jsonl(tmp_path / "harvest-c.jsonl", [v1_status(i, f"Tel Kaif update {i}") for i in range(20, 22)])
    with qtbot.waitSignal(window.collectionChanged, timeout=WAIT_MS) as changed:
        window.import_paths([c])
    assert changed.args == ["posts"]
    assert panel.table.rowCount() == 3 and panel.table.item(0, 0).text() == str(c)
