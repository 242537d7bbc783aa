"""The window on a collection that holds no posts yet and whose index has no
segment (an import that added nothing): an empty list, no error."""
from __future__ import annotations

from ui_helpers import WAIT_MS

from viewer.collection import Collection
from viewer.importer import import_paths
from viewer.index import index_sink


def test_the_window_opens_and_searches_an_empty_collection(qtbot, open_window, tmp_path):
    src = tmp_path / "notices.jsonl"
    src.write_text('{"limit": {"track": 12}}\n')
    path = tmp_path / "c"
    coll = Collection.open(path)
    report = import_paths(coll, [src], index=index_sink(coll))
    coll.close()
    assert report.added == 0
    win = open_window(path)
    assert win.model.rowCount() == 0
    edit = win.search_bar.edit
    edit.setFocus()
    with qtbot.waitSignal(win.resultsApplied, timeout=WAIT_MS):
        qtbot.keyClicks(edit, "mosul* #FreeMosul")
    assert win.model.rowCount() == 0
    assert win.search_bar.error.isHidden()
    assert win.count_label.text().startswith("0 posts")
