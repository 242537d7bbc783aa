"""Facets that compose like Timesketch's: Ctrl+click picks several values of
one group (OR), the context menu leaves a value out, the query text says
exactly what is applied; languages by name; check boxes that show in dark mode."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from ui_helpers import WAIT_MS, search_total

from viewer.search import query_edit


def click_facet(qtbot, window, facet: str, value: str, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    facets = window.facets
    index = facets.find(facet, value)
    assert index.isValid(), (facet, value)
    facets.view.scrollTo(index)  # a person scrolls the sidebar to the value first
    rect = facets.view.visualRect(index)
    assert facets.view.viewport().rect().contains(rect.center())
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        qtbot.mouseClick(facets.view.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def top_values(window, facet: str, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [v for v, _, _ in window.facets.values(facet)[:n]]


def test_ctrl_click_picks_two_authors_with_or(qtbot, window, sample_path):
    a, b = top_values(window, "authors", 2)
    with qtbot.waitSignal(window.facetsRefined, timeout=WAIT_MS):
        click_facet(qtbot, window, "authors", a)
    # The authors are counted as if from:a were not applied: b is still there to add.
    assert {v for v, _, _ in window.facets.values("authors")} >= {a, b}
    click_facet(qtbot, window, "authors", b, Qt.KeyboardModifier.ControlModifier)
    query = f"(from:{a} OR from:{b})"
    assert window.search_bar.text() == query
    assert window.model.rowCount() == search_total(sample_path, query) == \
        search_total(sample_path, f"from:{a}") + search_total(sample_path, f"from:{b}")
    checked = {v for v, _, on in window.facets.values("authors") if on}
    assert checked == {a, b}
    # A plain click on one of them takes only that one off.
    click_facet(qtbot, window, "authors", a)
    assert window.search_bar.text() == f"from:{b}"


def test_the_context_menu_leaves_a_hashtag_out(qtbot, window, sample_path):
    tag = top_values(window, "hashtags", 1)[0]
    facets = window.facets
    menu = facets.context_menu_for(facets.find("hashtags", tag))
    leave_out = next(a for a in menu.actions() if a.text().startswith("Leave out"))
    with qtbot.waitSignal(window.resultsApplied, timeout=WAIT_MS):
        leave_out.trigger()
    assert window.search_bar.text() == f"-#{tag}"
    assert window.model.rowCount() == search_total(sample_path, f"-#{tag}")
    assert window.model.rowCount() == search_total(sample_path, "") - search_total(sample_path, f"#{tag}")


def test_an_excluded_value_that_is_still_counted_shows_as_left_out():
    assert query_edit.facet_state("mosul -from:x", "authors", "x") == "out"
    assert query_edit.toggle_exclude("(from:a OR from:b)", "authors", "b") == "from:a -from:b"
    assert query_edit.toggle_any("-from:a", "authors", "a") == "from:a"


def test_language_facets_show_names(window):
    shown = [window.facets.model.itemFromIndex(window.facets.find("langs", v)).text()
             for v, _, _ in window.facets.values("langs")]
    assert "Arabic (ar)" in shown and "English (en)" in shown


def test_facet_check_boxes_show_in_dark_mode(qtbot, window):
    from viewer.ui.theme import apply_color_scheme

    try:
        apply_color_scheme("dark")
        qtbot.waitUntil(lambda: window.facets.palette().color(window.facets.palette().ColorRole.Base).lightness() < 80,
                        timeout=WAIT_MS)
        view = window.facets.view
        index = window.facets.find("langs", "ar")
        view.scrollTo(index)
        rect = view.visualRect(index)
        assert not rect.isEmpty()
        image = view.viewport().grab(rect).toImage()
        base = view.palette().color(view.palette().ColorRole.Base)
        # The unticked box, left of the label's text: its frame stands out from the background.
        assert window.facets.values("langs")[0][2] is False
        text_x = view.fontMetrics().height() + 4  # the label starts after the box
        contrast = max(abs(QColor(image.pixel(x, y)).lightness() - base.lightness())
                       for x in range(0, text_x) for y in range(image.height()))
        assert contrast >= 60
    finally:
        apply_color_scheme("system")
