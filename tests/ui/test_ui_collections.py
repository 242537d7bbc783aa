"""Several collections, one per investigation: File › New / Open / Open
recent, the name in the title bar, the last one reopened at start, and a
switch that never mixes one collection's data into the other's window."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from ui_helpers import WAIT_MS, build_collection, post

from viewer.collection import Collection
from viewer.ui.app import start_collection


def two_collections(tmp_path: Path) -> tuple[Path, Path]:
    a = build_collection(tmp_path / "mosul-east", [post(i, f"East bank report {i} #Gogjali", hashtags=["Gogjali"])
                                                   for i in range(4)])
    b = build_collection(tmp_path / "mosul-west", [post(i + 100, f"West bank report {i} #OldCity", hashtags=["OldCity"],
                                                        author_handle="west_desk") for i in range(2)])
    return a, b


def switched(qtbot, window, do):  # type: ignore[no-untyped-def]
    """Run `do()`, which switches collection; the new window, its first results in."""
    with qtbot.waitSignal(window.collectionSwitched, timeout=WAIT_MS) as got:
        do()
    new = got.args[0]
    qtbot.addWidget(new)
    qtbot.waitUntil(lambda: new.settled and new.results is not None, timeout=WAIT_MS)
    return new


def test_opening_another_collection_shows_only_its_posts_and_its_name(qtbot, open_window, tmp_path):
    a, b = two_collections(tmp_path)
    first = open_window(a)
    assert first.windowTitle() == "archive-viewer — mosul-east"
    assert first.model.rowCount() == 4
    second = switched(qtbot, first, lambda: first.open_collection(b))
    try:
        assert not first.isVisible()
        assert second.windowTitle() == "archive-viewer — mosul-west"
        assert second.model.rowCount() == 2
        assert {v for v, _, _ in second.facets.values("hashtags")} == {"OldCity"}
        assert {v for v, _, _ in second.facets.values("authors")} == {"west_desk"}
        with Collection.open(a) as coll:
            east_ids = {r[0] for r in coll.db.execute("SELECT id FROM posts")}
        assert not east_ids & set(second.model.ids)
    finally:
        second.session.close()


def test_new_collection_makes_an_empty_one_beside_and_opens_it(qtbot, open_window, tmp_path):
    a, _ = two_collections(tmp_path)
    first = open_window(a)
    dialog = first.new_collection_dialog()

    def type_name() -> None:
        dialog.setTextValue("mosul-north")
        dialog.accept()

    second = switched(qtbot, first, type_name)
    try:
        assert Collection.exists(tmp_path / "mosul-north")
        assert second.model.rowCount() == 0
        assert second.windowTitle() == "archive-viewer — mosul-north"
    finally:
        second.session.close()


def test_open_recent_lists_the_collections_used_and_reopens_one(qtbot, open_window, tmp_path, settings):
    a, b = two_collections(tmp_path)
    first = open_window(a)
    second = switched(qtbot, first, lambda: first.open_collection(b))
    try:
        second._fill_recent()
        entries = {a.data(): a for a in second.recent_menu.actions()}
        assert set(entries) == {str(a.resolve()), str(b.resolve())}
        assert not entries[str(b.resolve())].isEnabled()  # the one open now
        third = switched(qtbot, second, entries[str(a.resolve())].trigger)
        try:
            assert third.model.rowCount() == 4
        finally:
            third.session.close()
    finally:
        second.session.close()


def test_each_collection_keeps_its_own_last_query(qtbot, open_window, tmp_path, settings):
    a, b = two_collections(tmp_path)
    first = open_window(a)
    edit = first.search_bar.edit
    edit.setFocus()
    with qtbot.waitSignal(first.resultsApplied, timeout=WAIT_MS):
        qtbot.keyClicks(edit, "#Gogjali")
    second = switched(qtbot, first, lambda: first.open_collection(b))
    try:
        assert second.search_bar.text() == ""
        assert "#Gogjali" not in second.search_bar.history
    finally:
        second.session.close()
    from viewer.ui.main_window import MainWindow

    reopened = MainWindow(a, settings)  # no query given: the collection's last one
    qtbot.addWidget(reopened)
    try:
        assert reopened.search_bar.text() == "#Gogjali"
    finally:
        reopened.session.close()


def test_the_last_collection_is_reopened_at_start_unless_one_is_named(open_window, tmp_path, settings):
    a, b = two_collections(tmp_path)
    open_window(b)
    default = tmp_path / "default"
    assert start_collection(settings, None, default) == b.resolve()
    assert start_collection(settings, a, default) == a
    (b / "collection.db").unlink()
    assert start_collection(settings, None, default) == default


def test_a_folder_that_is_no_collection_is_refused(open_window, tmp_path):
    a, _ = two_collections(tmp_path)
    first = open_window(a)
    (tmp_path / "holiday-photos").mkdir()
    assert first.open_collection(tmp_path / "holiday-photos") is None
    assert "not a collection" in first.statusBar().currentMessage()
    assert first.isVisible()
    assert Qt.WindowType.Window & first.windowFlags()
