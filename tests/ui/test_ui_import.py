"""Importing from the window: drop an archive on it, watch the progress, read
the summary; cancel midway and the collection stays whole; first launch."""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

from archive_factory import v1_status, write_jsonl
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from ui_helpers import WAIT_MS, search_total

from viewer.collection import Collection
from viewer.index import lock as index_lock
from viewer.ui.app import open_main_window


def drop_files(window, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    """What the desktop sends when files are dragged onto the window."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    at = window.rect().center()
    # QDragEnterEvent takes an integer point, QDropEvent a float one.
    enter = QDragEnterEvent(at, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(at), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)


def harvest(path: Path, n: int, start: int = 0, bad_lines: list[str] | None = None) -> Path:
    return write_jsonl(path, [v1_status(start + i, f"Update {start + i} from Mosul") for i in range(n)],
                       lines=bad_lines)


def test_a_dropped_archive_imports_with_progress_and_a_summary_of_bad_records(qtbot, open_window, tmp_path):
    window = open_window(tmp_path / "coll")
    assert window.model.rowCount() == 0
    archive = harvest(tmp_path / "harvest.jsonl", 30, bad_lines=['{"id_str": "12", "trunc', "not json at all"])
    progress = []
    window.import_panel.progressed.connect(progress.append)
    with qtbot.waitSignal(window.importFinished, timeout=WAIT_MS) as done:
        drop_files(window, [archive])
        assert window.import_panel.isVisible()
    report = done.args[0]
    assert report.added == 30 and report.failed == 2
    assert progress, "no progress was shown"
    summary = window.summary
    assert summary is not None and summary.isVisible()
    assert "30 posts added" in summary.summary.text()
    listed = summary.failures.toPlainText()
    assert "harvest.jsonl: line 31" in listed and "harvest.jsonl: line 32" in listed
    qtbot.waitUntil(lambda: window.model.rowCount() == 30, timeout=WAIT_MS)
    assert not window.import_panel.isVisible()


def test_the_window_keeps_answering_while_an_import_writes(qtbot, open_window, tmp_path):
    window = open_window(tmp_path / "coll")
    archive = harvest(tmp_path / "harvest.jsonl", 3000)
    with qtbot.waitSignal(window.importFinished, timeout=WAIT_MS):
        window.import_paths([archive])
        # Searching (reads on the GUI thread and the search thread) goes on.
        with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
            window.search_bar.set_text("mosul")


def test_cancel_stops_the_import_and_leaves_the_collection_whole(qtbot, open_window, tmp_path):
    folder = tmp_path / "harvests"
    folder.mkdir()
    per_file, files = 400, 30
    for k in range(files):
        harvest(folder / f"part{k:02d}.jsonl", per_file, start=k * per_file)
    window = open_window(tmp_path / "coll")
    panel = window.import_panel
    panel.progressed.connect(lambda p: panel.cancel())
    with qtbot.waitSignal(window.importFinished, timeout=WAIT_MS) as done:
        window.import_paths([folder])
    report = done.args[0]
    assert report.cancelled
    assert "Cancelled" in window.summary.summary.text()
    with Collection.open(tmp_path / "coll") as coll:
        db = coll.db
        posts = db.execute("SELECT count(*) FROM posts").fetchone()[0]
        assert 0 <= posts < per_file * files
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Whole posts only: each one written has its verbatim record.
        assert db.execute("SELECT count(*) FROM posts WHERE id NOT IN (SELECT post_id FROM raw)").fetchone()[0] == 0
    qtbot.waitUntil(lambda: window.model.rowCount() == posts, timeout=WAIT_MS)
    # Importing again finishes the job.
    panel.progressed.disconnect()
    with qtbot.waitSignal(window.importFinished, timeout=60_000) as done:
        window.import_paths([folder])
    assert not done.args[0].cancelled
    with Collection.open(tmp_path / "coll") as coll:
        assert coll.db.execute("SELECT count(*) FROM posts").fetchone()[0] == per_file * files


def test_a_second_import_waits_for_the_first(qtbot, open_window, tmp_path):
    window = open_window(tmp_path / "coll")
    a = harvest(tmp_path / "a.jsonl", 2000)
    with qtbot.waitSignal(window.importFinished, timeout=WAIT_MS):
        assert window.import_paths([a])
        assert not window.import_paths([a])


def test_first_launch_imports_the_sample_and_shows_it(qtbot, settings, tmp_path):
    sample = tmp_path / "sample"
    sample.mkdir()
    harvest(sample / "harvest.jsonl", 25)
    window = open_main_window(tmp_path / "new-collection", settings, sample=sample)
    qtbot.addWidget(window)
    try:
        assert window.import_panel.isVisible()
        with qtbot.waitSignal(window.importFinished, timeout=WAIT_MS):
            pass
        qtbot.waitUntil(lambda: window.model.rowCount() == 25, timeout=WAIT_MS)
        assert window.summary is None  # the filled window is the summary
    finally:
        window.session.close()


def test_first_launch_draws_the_samples_events_on_the_histogram(qtbot, settings, tmp_path):
    sample = tmp_path / "sample"
    sample.mkdir()
    harvest(sample / "harvest.jsonl", 5)
    (sample / "events.json").write_text(
        '[{"date": "2016-10-17", "title": "Offensive to retake Mosul begins", "text": "Day one."}]')
    window = open_main_window(tmp_path / "new-collection", settings, sample=sample)
    qtbot.addWidget(window)
    try:
        with qtbot.waitSignal(window.importFinished, timeout=WAIT_MS):
            pass
        assert [e.title for e in window.chart.events] == ["Offensive to retake Mosul begins"]
    finally:
        window.session.close()


def test_a_later_launch_does_not_import_the_sample_again(qtbot, settings, tmp_path):
    sample = tmp_path / "sample"
    sample.mkdir()
    harvest(sample / "harvest.jsonl", 5)
    Collection.open(tmp_path / "existing").close()
    window = open_main_window(tmp_path / "existing", settings, sample=sample)
    qtbot.addWidget(window)
    try:
        assert not window.import_panel.running
    finally:
        window.session.close()


def test_closing_the_window_during_an_import_stops_it_between_batches(qtbot, open_window, tmp_path):
    folder = tmp_path / "harvests"
    folder.mkdir()
    for k in range(40):  # far more than one batch's worth: the close lands midway
        harvest(folder / f"part{k:02d}.jsonl", 300, start=k * 300)
    window = open_window(tmp_path / "coll")
    with qtbot.waitSignal(window.import_panel.progressed, timeout=WAIT_MS):
        window.import_paths([folder])
    window.close()  # returns once the import has stopped
    assert window.import_panel.op.job.cancelled
    with Collection.open(tmp_path / "coll") as coll:
        db = coll.db
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM posts WHERE id NOT IN (SELECT post_id FROM raw)").fetchone()[0] == 0
        status = db.execute("SELECT status FROM imports ORDER BY id DESC LIMIT 1").fetchone()[0]
        assert status == "cancelled"


def test_the_window_shows_the_indexing_phase_and_its_cancel_stops_it(qtbot, open_window, tmp_path):
    archive = harvest(tmp_path / "harvest.jsonl", 6000)
    window = open_window(tmp_path / "coll")
    panel = window.import_panel
    labels: list[str] = []

    def on_progress(p) -> None:  # type: ignore[no-untyped-def]
        if panel.phase == "indexing" and not labels:
            labels.append(panel.label.text())
            qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)

    panel.progressed.connect(on_progress)
    with qtbot.waitSignal(window.importFinished, timeout=60_000) as done:
        window.import_paths([archive])
    report = done.args[0]
    assert labels and labels[0].startswith("Indexing for search: ") and labels[0].endswith(" of 6,000 posts")
    assert report.cancelled and report.index_pending
    assert "Cancelled while indexing" in window.summary.summary.text()
    with Collection.open(tmp_path / "coll") as coll:
        assert coll.db.execute("SELECT count(*) FROM posts").fetchone()[0] == 6000
    # Importing again finishes the index: every post is found.
    panel.progressed.disconnect(on_progress)
    with qtbot.waitSignal(window.importFinished, timeout=60_000) as done:
        window.import_paths([archive])
    assert not done.args[0].cancelled
    qtbot.waitUntil(lambda: window.model.rowCount() == 6000, timeout=WAIT_MS)
    assert search_total(tmp_path / "coll", "mosul") == 6000


def test_an_index_that_could_not_be_updated_is_its_own_line_in_the_panel_and_the_summary(
        qtbot, open_window, tmp_path, monkeypatch):
    window = open_window(tmp_path / "coll")
    with qtbot.waitSignal(window.importFinished, timeout=WAIT_MS):
        window.import_paths([harvest(tmp_path / "a.jsonl", 20)])
    panel = window.import_panel
    assert not panel.isVisible()
    # Another program holds the index's writer lock for the whole second import.
    monkeypatch.setattr(index_lock, "LOCK_WAIT", 0.3)
    fd = os.open(tmp_path / "coll" / "index" / "WRITING.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with qtbot.waitSignal(window.importFinished, timeout=WAIT_MS) as done:
            window.import_paths([harvest(tmp_path / "b.jsonl", 10, start=20)])
    finally:
        os.close(fd)
    report = done.args[0]
    assert report.added == 10 and report.index_problem
    # The panel stays, with the command line's sentence, until it is closed.
    assert panel.isVisible()
    line = panel.label.text()
    assert line.startswith("Search index NOT updated: ") and "reindex" in line
    assert not panel.bar.isVisible() and panel.cancel_button.text() == "Close"
    # The summary says it on its own line, beside the counts, not among the files.
    head = window.summary.summary.text().split("\n")
    assert head[0].startswith("10 posts added") and head[1] == line
    assert "NOT updated" not in window.summary.files.toPlainText()
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert not panel.isVisible()


def test_a_large_file_dropped_on_the_window_is_parsed_in_a_process_of_its_own(qtbot, open_window, tmp_path,
                                                                              monkeypatch):
    # The window imports in a worker thread; the parsing process starts from there.
    import multiprocessing

    from viewer import importer
    from viewer.formats import aside

    monkeypatch.setattr(aside, "MIN_BYTES", 0)
    monkeypatch.setattr(importer, "BATCH_POSTS", 500)  # progress while the file is still being read
    window = open_window(tmp_path / "coll")
    archive = harvest(tmp_path / "harvest.jsonl", 3000, bad_lines=["not json at all"])
    names: set[str] = set()

    def look(*_args: object) -> None:
        for child in multiprocessing.active_children():
            try:
                names.add(Path(f"/proc/{child.pid}/comm").read_text().strip())
            except OSError:
                pass

    window.import_panel.progressed.connect(look)
    with qtbot.waitSignal(window.importFinished, timeout=WAIT_MS) as done:
        drop_files(window, [archive])
    report = done.args[0]
    assert (report.added, report.failed) == (3000, 1)
    if Path("/proc/self/comm").exists():
        assert "av-parse" in names
    qtbot.waitUntil(lambda: window.model.rowCount() == 3000, timeout=WAIT_MS)
