"""The main window on the bundled sample, driven as a person would: typing,
dragging across the chart, clicking facets, using the keyboard."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QMessageBox
from ui_helpers import WAIT_MS, search_ids, search_total

from viewer.ui.timeline import IdRole, PostRole


def type_query(qtbot, window, text: str) -> None:  # type: ignore[no-untyped-def]
    """Select what is in the bar and type over it, then wait for the window
    to show the answer."""
    edit = window.search_bar.edit
    edit.setFocus()
    edit.selectAll()
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.keyClicks(edit, text)


def drag(qtbot, widget, x0: int, x1: int, y: int) -> None:  # type: ignore[no-untyped-def]
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=QPoint(x0, y))
    for x in range(x0, x1, max(1, (x1 - x0) // 8)):
        qtbot.mouseMove(widget, QPoint(x, y))
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=QPoint(x1, y))


def test_the_window_opens_on_every_post_of_the_collection(window, sample_path):
    assert window.model.rowCount() == search_total(sample_path, "")
    assert window.model.rowCount() > 1000


def test_typing_a_query_shows_as_many_rows_as_the_search_finds(qtbot, window, sample_path):
    type_query(qtbot, window, "#FreeMosul")
    assert window.search_bar.text() == "#FreeMosul"
    assert window.model.rowCount() == search_total(sample_path, "#FreeMosul")
    assert 0 < window.model.rowCount() < search_total(sample_path, "")


def test_the_rows_are_the_search_results_in_order(qtbot, window, sample_path):
    type_query(qtbot, window, "civilians")
    shown = [window.model.index(i).data(IdRole) for i in range(min(50, window.model.rowCount()))]
    assert shown == search_ids(sample_path, "civilians")[:50]


def test_the_status_bar_shows_the_result_count_and_the_collection(qtbot, window, sample_path):
    type_query(qtbot, window, "#Mosul")
    total = search_total(sample_path, "#Mosul")
    assert f"{total:,} posts" in window.count_label.text()
    assert sample_path.name in window.collection_label.text()


def test_a_malformed_query_shows_its_message_under_the_bar_without_a_dialog(qtbot, window):
    before = window.model.rowCount()
    edit = window.search_bar.edit
    edit.setFocus()
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.keyClicks(edit, '"free mosul')
    assert window.search_bar.error.isVisible()
    assert window.search_bar.error.text()
    assert "Traceback" not in window.search_bar.error.text()
    assert not any(isinstance(w, QMessageBox) and w.isVisible() for w in window.findChildren(QMessageBox))
    assert window.model.rowCount() == before  # the last good results stay
    # Fixing the query clears the message.
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.keyClicks(edit, '"')
    assert not window.search_bar.error.isVisible()


def test_search_waits_for_typing_to_pause(qtbot, window):
    """One search for a word typed quickly, not one per letter."""
    sent = []
    window.search_bar.searchRequested.connect(sent.append)
    edit = window.search_bar.edit
    edit.setFocus()
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.keyClicks(edit, "families")
    assert sent == ["families"]


def test_dragging_across_the_chart_narrows_the_list_to_those_dates(qtbot, window, sample_path):
    chart = window.chart
    plot = chart.plot_rect()
    x0, x1 = plot.left() + plot.width() // 4, plot.left() + plot.width() // 2
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        drag(qtbot, chart, x0, x1, plot.center().y())
    start, end = chart.selection
    assert start < end
    expected = search_total(sample_path, "", since_ts=start, until_ts=end)
    assert window.model.rowCount() == expected
    assert 0 < expected < search_total(sample_path, "")
    times = [window.model.index(i).data(PostRole).created_ts for i in range(window.model.rowCount())]
    assert all(start <= t < end for t in times)
    assert "selected dates" in window.count_label.text()


def test_facets_count_only_the_selected_dates(qtbot, window, sample_path):
    chart = window.chart
    plot = chart.plot_rect()
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        drag(qtbot, chart, plot.left() + 10, plot.left() + plot.width() // 3, plot.center().y())
    counted = sum(int(n.replace(",", "")) for _, n, _ in window.facets.values("kinds"))
    assert counted == window.model.rowCount()


def test_clicking_inside_the_selection_lets_go_of_it(qtbot, window, sample_path):
    chart = window.chart
    plot = chart.plot_rect()
    x0, x1 = plot.left() + 100, plot.left() + 300
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        drag(qtbot, chart, x0, x1, plot.center().y())
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(x0 + 50, plot.center().y()))
    assert chart.selection is None
    assert window.model.rowCount() == search_total(sample_path, "")


def test_zooming_to_the_selection_shows_finer_bars_and_reset_shows_everything(qtbot, window):
    chart = window.chart
    whole = (chart.start, chart.end, chart.unit)
    plot = chart.plot_rect()
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        drag(qtbot, chart, plot.left() + 40, plot.left() + 90, plot.center().y())
    sel = chart.selection
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.mouseClick(window.chart_panel.zoom_button, Qt.MouseButton.LeftButton)
    order = ["hour", "day", "week"]
    assert order.index(chart.unit) < order.index(whole[2])
    assert chart.start <= sel[0] and chart.end >= sel[1]
    assert chart.end - chart.start < whole[1] - whole[0]
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.mouseClick(window.chart_panel.reset_button, Qt.MouseButton.LeftButton)
    assert (chart.start, chart.end, chart.unit) == whole
    assert chart.selection is None


def test_the_chart_counts_every_result(qtbot, window, sample_path):
    type_query(qtbot, window, "lang:en")
    assert window.chart.total == search_total(sample_path, "lang:en")


def test_the_samples_events_are_marked_on_the_chart(window):
    titles = [e.title for e in window.chart.events]
    assert len(titles) == 5
    assert any("al-Nuri" in t for t in titles)


def test_clicking_a_facet_adds_its_filter_and_a_second_click_removes_it(qtbot, window, sample_path):
    facets = window.facets
    index = facets.find("hashtags", "FreeMosul")
    assert index.isValid()
    rect = facets.view.visualRect(index)
    # Until the hashtags are counted again without their own filter (350 ms
    # after the answer) the list is about to be rebuilt: a person clicks the
    # list they see once it has settled, and so does this test.
    with qtbot.waitSignals([window.resultsApplied, window.facetsRefined], timeout=WAIT_MS):
        qtbot.mouseClick(facets.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.search_bar.text() == "#FreeMosul"
    assert window.model.rowCount() == search_total(sample_path, "#FreeMosul")
    index = facets.find("hashtags", "FreeMosul")
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked.value
    rect = facets.view.visualRect(index)
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.mouseClick(facets.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.search_bar.text() == ""
    assert window.model.rowCount() == search_total(sample_path, "")


def test_a_second_click_before_the_facets_are_recounted_still_shows_its_results(qtbot, window, sample_path):
    """A quick second click: the first answer's recount of the hashtags
    (due 350 ms later, here at once) must not take the new search's place."""
    window.session._refine_timer.setInterval(0)
    facets = window.facets
    rect = facets.view.visualRect(facets.find("hashtags", "FreeMosul"))
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.mouseClick(facets.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.search_bar.text() == "#FreeMosul"
    rect = facets.view.visualRect(facets.find("hashtags", "FreeMosul"))
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.mouseClick(facets.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.search_bar.text() == ""
    assert window.model.rowCount() == search_total(sample_path, "")


def test_a_language_facet_filters_by_language(qtbot, window, sample_path):
    langs = [v for v, _, _ in window.facets.values("langs")]
    assert "ar" in langs
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        window.facets.toggled.emit("langs", "ar")
    assert window.search_bar.text() == "lang:ar"
    assert window.model.rowCount() == search_total(sample_path, "lang:ar")


def test_a_kind_facet_shows_only_that_kind(qtbot, window, sample_path):
    counts = {v: int(n.replace(",", "")) for v, n, _ in window.facets.values("kinds")}
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        window.facets.toggled.emit("kinds", "retweet")
    assert window.search_bar.text() == "kind:retweet"
    assert window.model.rowCount() == counts["retweet"] == search_total(sample_path, "kind:retweet")
    assert all(window.model.index(i).data(PostRole).kind == "retweet" for i in range(min(40, window.model.rowCount())))


def test_facet_counts_are_those_of_the_current_results(qtbot, window, sample_path):
    type_query(qtbot, window, "#FreeMosul")
    kinds = {v: int(n.replace(",", "")) for v, n, _ in window.facets.values("kinds")}
    assert sum(kinds.values()) == search_total(sample_path, "#FreeMosul")


def test_completion_offers_the_collections_hashtags(qtbot, window):
    qtbot.waitUntil(lambda: bool(window.search_bar.vocabulary.hashtags.norms), timeout=WAIT_MS)
    edit = window.search_bar.edit
    edit.setFocus()
    qtbot.keyClicks(edit, "#Free")
    popup = window.search_bar.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=WAIT_MS)
    offered = [popup.model().index(i, 0).data() for i in range(popup.model().rowCount())]
    assert "#FreeMosul" in offered
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert window.search_bar.text().startswith("#")
    assert window.search_bar.text().strip() in offered


def test_completion_offers_handles_after_from(qtbot, window):
    qtbot.waitUntil(lambda: bool(window.search_bar.vocabulary.handles.norms), timeout=WAIT_MS)
    edit = window.search_bar.edit
    edit.setFocus()
    qtbot.keyClicks(edit, "from:rami")
    popup = window.search_bar.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=WAIT_MS)
    offered = [popup.model().index(i, 0).data() for i in range(popup.model().rowCount())]
    assert "from:RamiNadhim_IQ" in offered


def test_the_operator_cheat_sheet_is_one_click_away(qtbot, window):
    qtbot.mouseClick(window.search_bar.help_button, Qt.MouseButton.LeftButton)
    sheet = window.search_bar.cheat_sheet
    assert sheet is not None and sheet.isVisible()
    from PySide6.QtWidgets import QPlainTextEdit

    text = sheet.findChild(QPlainTextEdit).toPlainText()
    for op in ("from:", "lang:", "since:", "filter:retweets", "tag:", "#"):
        assert op in text


def test_enter_keeps_the_query_in_the_history(qtbot, window):
    edit = window.search_bar.edit
    edit.setFocus()
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.keyClicks(edit, "mosul")
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.search_bar.history[0] == "mosul"


def test_keyboard_focuses_search_and_moves_between_posts(qtbot, window):
    window.activateWindow()
    window.timeline.setFocus()
    window.timeline.setCurrentIndex(window.model.index(0))
    first = window.current_post_id()
    with qtbot.waitSignal(window.detailShown, timeout=WAIT_MS):
        qtbot.keyClick(window.timeline, Qt.Key.Key_J)
    assert window.timeline.currentIndex().row() == 1
    assert window.detail.detail.row.id == window.current_post_id() != first
    with qtbot.waitSignal(window.detailShown, timeout=WAIT_MS):
        qtbot.keyClick(window.timeline, Qt.Key.Key_K)
    assert window.current_post_id() == first
    window.focus_search()
    assert window.search_bar.edit.hasFocus()


def test_selecting_a_post_shows_it_in_the_detail_pane(qtbot, window):
    with qtbot.waitSignal(window.detailShown, timeout=WAIT_MS):
        window.timeline.setCurrentIndex(window.model.index(3))
    row = window.model.index(3).data(PostRole)
    assert window.detail.detail.row.id == row.id
    assert window.detail.text.toPlainText() == row.display_text


def test_times_are_shown_in_the_chosen_zone(qtbot, window):
    window.timeline.setCurrentIndex(window.model.index(0))
    row = window.model.index(0).data(PostRole)
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        window.set_time_zone("Asia/Baghdad")
    assert window.clock.format(row.created_ts) != window.clock.__class__("UTC").format(row.created_ts)
    assert "Asia/Baghdad" in window.zone_label.text()
    from datetime import datetime, timedelta, timezone

    local = datetime.fromtimestamp(row.created_ts, timezone.utc) + timedelta(hours=3)
    assert window.clock.format(row.created_ts) == local.strftime("%Y-%m-%d %H:%M")
    assert window.settings.time_zone == "Asia/Baghdad"


def test_the_charts_days_are_those_of_the_chosen_zone(qtbot, window):
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        window.set_time_zone("Asia/Baghdad")
    start = window.chart.start
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        window.chart.zoomRequested.emit(start + 10 * 86400, start + 40 * 86400)
    assert window.chart.unit == "day"
    # Baghdad is UTC+3: its midnights are 21:00 UTC.
    assert all((b + 3 * 3600) % 86400 == 0 for b, _ in window.chart.buckets)
    assert window.chart.zone_label == "+03"


def test_the_dark_palette_paints_a_dark_timeline(qtbot, window):
    from viewer.ui.app import apply_color_scheme

    try:
        window.set_color_scheme("dark")
        # The new palette reaches widgets through the event queue.
        qtbot.waitUntil(lambda: window.timeline.viewport().palette().color(QPalette.ColorRole.Base).lightness() < 100)
        img = window.timeline.viewport().grab().toImage()
        # A point in the row's margin, below the text: the row background.
        assert img.pixelColor(img.width() - 3, img.height() - 3).lightness() < 100
    finally:
        apply_color_scheme("system")
