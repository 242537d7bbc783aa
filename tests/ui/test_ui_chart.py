"""The histogram as a report shows it: whole-number y ticks at small counts
(on screen and in PNG/SVG), event titles whole and apart, the zone's name
clear of the dates; the export dialog starting in the documents folder."""
from __future__ import annotations

import os
import re
import stat
from datetime import datetime, timezone

from PySide6.QtCore import QRectF, Qt

from viewer.ui.chart.histogram_view import Event, HistogramWidget, documents_folder, y_ticks

DAY = 86400


def ts(*a: int) -> int:
    return int(datetime(*a, tzinfo=timezone.utc).timestamp())


class _Hist:
    def __init__(self, unit, buckets, start, end):  # type: ignore[no-untyped-def]
        self.unit, self.buckets, self.start, self.end = unit, buckets, start, end


def small_chart(qtbot, counts: list[int], events: list[Event] | None = None, width: int = 900):  # type: ignore[no-untyped-def]
    w = HistogramWidget()
    qtbot.addWidget(w)
    w.resize(width, 160)
    start = ts(2016, 10, 16)
    w.set_histogram(_Hist("day", [(start + i * DAY, c) for i, c in enumerate(counts)], start,
                          start + len(counts) * DAY))
    w.set_zone(timezone.utc, "Asia/Baghdad")
    if events:
        w.set_events(events)
    return w


def test_y_ticks_are_whole_numbers_up_to_a_round_top():
    assert y_ticks(1) == [0, 1]
    assert y_ticks(2) == [0, 1, 2]
    assert y_ticks(3) == [0, 1, 2, 3]
    assert y_ticks(7) == [0, 2, 4, 6, 8]
    assert y_ticks(900) == [0, 200, 400, 600, 800, 1000]
    assert y_ticks(12_345) == [0, 2500, 5000, 7500, 10000, 12500]


def test_at_small_counts_the_line_labelled_2_is_the_top_of_a_bar_of_2(qtbot):
    w = small_chart(qtbot, [2, 1, 2, 0, 1])
    plot = w.plot_rect()
    axis = dict(w.y_axis(plot, w.label_metrics()))
    assert sorted(axis) == [0, 1, 2]
    bar_top = plot.bottom() - 2 / max(axis) * plot.height()
    assert abs(axis[2] - bar_top) < 0.5
    assert abs(axis[1] - (plot.bottom() - plot.height() / 2)) < 0.5


def test_the_svg_export_has_the_same_whole_number_axis(qtbot, tmp_path):
    w = small_chart(qtbot, [2, 1, 2, 0, 1])
    assert w.export_svg(tmp_path / "chart.svg")
    texts = re.findall(r">\s*([^<>]+?)\s*</text>", (tmp_path / "chart.svg").read_text())
    numbers = [t for t in texts if t.isdigit()]
    assert numbers[:3] == ["0", "1", "2"]
    assert "3" not in numbers


def test_event_titles_are_whole_and_never_overlap(qtbot):
    titles = ["Battle of Mosul begins", "Bartella retaken", "Gogjali retaken", "Victory declared in Mosul"]
    events = [Event(ts(2016, 10, 17) + i * DAY, t) for i, t in enumerate(titles)]  # a day apart
    w = small_chart(qtbot, [3, 5, 2, 8, 1, 4, 6, 2, 3, 5], events, width=1000)
    fm = w.label_metrics()
    shown = [(box, title) for _, box, title in w.event_labels(w.plot_rect(), fm) if box is not None]
    assert [t for _, t in shown] == titles
    for box, title in shown:
        assert box.width() >= fm.horizontalAdvance(title)
        assert QRectF(0, 0, w.width(), w.height()).contains(box)
    for i, (a, _) in enumerate(shown):
        for b, _ in shown[i + 1:]:
            assert not a.intersects(b)


def test_the_zone_name_does_not_overprint_the_first_date(qtbot):
    w = small_chart(qtbot, [1, 2, 3, 4, 5, 6, 7])
    fm = w.label_metrics()
    plot = w.plot_rect()
    zone, _ = w.zone_label_rect(plot, fm)
    dates = [rect for _, (rect, _) in w.x_labels(plot, fm)]
    assert dates
    for rect in dates:
        assert not zone.intersects(rect)
    for a, b in zip(dates, dates[1:], strict=False):
        assert a.right() < b.left()


def test_the_chart_export_dialog_starts_in_the_documents_folder_and_writes_a_normal_file(qtbot, tmp_path):
    from viewer.ui.chart.histogram_view import HistogramPanel

    panel = HistogramPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 180)
    panel.chart.set_histogram(_Hist("day", [(ts(2016, 10, 16), 2)], ts(2016, 10, 16), ts(2016, 10, 17)))
    qtbot.mouseClick(panel.png_button, Qt.MouseButton.LeftButton)
    dlg = panel.export_dialog
    assert dlg is not None and dlg.isVisible()
    assert os.path.realpath(dlg.directory().absolutePath()) == os.path.realpath(documents_folder())
    target = tmp_path / "chart.png"
    with qtbot.waitSignal(panel.exported, timeout=5000) as done:
        dlg.selectFile(str(target))
        dlg.accept()
    assert done.args == [str(target)]
    mode = stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0o022)
    os.umask(umask)
    assert mode == 0o666 & ~umask
