"""The Campaigns panel and the detail pane's near-copies line, on the
bundled sample, driven as a person would (issue 16)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from ui_helpers import WAIT_MS, search_ids

from viewer.collection import Collection
from viewer.patterns.clusters import list_clusters
from viewer.ui.timeline import IdRole


def _clusters(path, within=None):  # type: ignore[no-untyped-def]
    with Collection.open(path) as coll:
        return list_clusters(coll.db, within=within)


def _settled_panel(qtbot, window):  # type: ignore[no-untyped-def]
    """The panel once it has counted the latest results."""
    panel = window.campaigns.panel
    tabs = window.curation.sidebar
    tabs.setCurrentIndex(tabs.indexOf(panel))  # the user opens the Campaigns tab
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0 and window.campaigns.runner.wait(0), timeout=WAIT_MS)
    return panel


def test_the_panel_lists_the_largest_clusters_of_the_collection(qtbot, window, sample_path):
    panel = _settled_panel(qtbot, window)
    expected = _clusters(sample_path)
    rows = min(len(expected), 50)
    assert panel.model.rowCount() == rows
    shown = [(int(panel.model.item(i, 0).text().replace(",", "")), int(panel.model.item(i, 1).text()))
             for i in range(rows)]
    assert shown == [(c.size, c.accounts) for c in expected[:rows]]
    assert panel.caption.text() == f"Campaigns: {len(expected):,} clusters in these posts"


def test_brushing_the_histogram_narrows_the_panel_to_those_dates(qtbot, window, sample_path):
    from test_ui_window import drag

    _settled_panel(qtbot, window)
    chart = window.chart
    plot = chart.plot_rect()
    with qtbot.waitSignal(window.campaigns.panel.updated, timeout=WAIT_MS):
        drag(qtbot, chart, plot.left() + plot.width() // 4, plot.left() + plot.width() // 3, plot.center().y())
    start, end = chart.selection
    within = set(search_ids(sample_path, "", since_ts=start, until_ts=end))
    expected = _clusters(sample_path, within)
    panel = window.campaigns.panel
    assert panel.model.rowCount() == min(len(expected), 50)
    assert int(panel.model.item(0, 0).text().replace(",", "")) == expected[0].size
    assert expected[0].size < _clusters(sample_path)[0].size


def test_enter_on_a_campaign_lists_its_posts(qtbot, window, sample_path):
    panel = _settled_panel(qtbot, window)
    biggest = _clusters(sample_path)[0]
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.model.index(0, 0))
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert window.search_bar.text() == f"similar:{biggest.posts[0]}"
    listed = {window.model.index(i).data(IdRole) for i in range(window.model.rowCount())}
    assert set(biggest.posts) <= listed


def test_the_detail_pane_says_how_often_the_post_was_copied_and_shows_them(qtbot, window, sample_path):
    biggest = [c for c in _clusters(sample_path) if c.kind == "text"][0]
    pid = biggest.posts[-1]
    line = window.campaigns.copies
    with qtbot.waitSignal(line.updated, timeout=WAIT_MS):
        window.show_post(pid)
    first = biggest.first_ts
    day = window.clock.datetime(first).strftime("%Y-%m-%d")
    assert line.label.text() == (f"{biggest.size - 1:,} near-copies by {biggest.accounts} accounts, "
                                 f"first on {day}")
    assert line.isVisible()
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.mouseClick(line.button, Qt.MouseButton.LeftButton)
    assert window.search_bar.text() == f"similar:{pid}"
    assert window.model.rowCount() == len(search_ids(sample_path, f"similar:{pid}")) >= biggest.size


def test_a_post_that_nobody_copied_has_no_copies_line(qtbot, window, sample_path):
    clustered = {p for c in _clusters(sample_path) for p in c.posts}
    pid = next(p for p in search_ids(sample_path, "") if p not in clustered)
    line = window.campaigns.copies
    window.show_post(biggest_post := _clusters(sample_path)[0].posts[0])
    qtbot.waitUntil(lambda: line.post_id == biggest_post and line.isVisible(), timeout=WAIT_MS)
    with qtbot.waitSignal(line.updated, timeout=WAIT_MS):
        window.show_post(pid)
    assert not line.isVisible()


def _click_tab(qtbot, window, widget):  # type: ignore[no-untyped-def]
    tabs = window.curation.sidebar
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tabs.indexOf(widget)).center())


def test_at_1366_by_768_the_campaigns_tab_shows_its_columns_whole_and_each_text(qtbot, window, sample_path):
    from viewer.patterns.clusters import excerpts
    from viewer.ui.patterns.campaigns_panel import RtlRole

    assert (window.width(), window.height()) == (1366, 768)
    panel = window.campaigns.panel
    _click_tab(qtbot, window, panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0 and window.campaigns.runner.wait(0), timeout=WAIT_MS)
    view, header = panel.view, panel.view.header()
    fm = view.fontMetrics()
    sections = [header.sectionSize(c) for c in range(panel.model.columnCount())]
    assert sum(sections) <= view.viewport().width()  # no column pushed out of sight
    for c, width in enumerate(sections):
        label = panel.model.headerData(c, Qt.Orientation.Horizontal)
        cells = [panel.model.item(r, c).text() for r in range(panel.model.rowCount())]
        assert max(fm.horizontalAdvance(t) for t in [label, *cells]) < width, (label, width)
    # Room for several clusters (two lines each), not a sliver under the facets.
    assert view.viewport().height() >= 10 * view.sizeHintForRow(0)
    biggest = _clusters(sample_path)[0]
    excerpt = panel.model.index(0, 0, panel.model.index(0, 0))
    assert view.visualRect(excerpt).width() >= view.viewport().width() - 1  # across every column
    with Collection.open(sample_path) as coll:
        text = excerpts(coll.db, [biggest.posts[0]])[biggest.posts[0]]
    shown = excerpt.data(Qt.ItemDataRole.DisplayRole)
    assert shown.replace("\u2068", "").replace("\u2069", "") == text
    assert excerpt.data(RtlRole) is True  # the sample's biggest cluster is Arabic: read right to left


def test_leaving_the_campaigns_tab_gives_the_facets_their_room_back(qtbot, window):
    column = window.sidebar
    before = column.sizes()
    _click_tab(qtbot, window, window.campaigns.panel)
    qtbot.waitUntil(lambda: column.sizes() != before, timeout=WAIT_MS)
    _click_tab(qtbot, window, window.curation.events)
    qtbot.waitUntil(lambda: column.sizes() == before, timeout=WAIT_MS)
