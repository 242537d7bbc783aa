"""Volume over time: a plain QPainter widget.

Bars per hour, day or week (the unit the search chose for the span shown),
event markers, a selected range that filters the list, zoom and reset, and
export to PNG (grab) and SVG (QSvgGenerator) through the same paint code.
Bars and axis are in the zone the analyst chose (the search buckets the days
of that zone); a selected range is a pair of instants, whatever the zone.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, Iterable, Sequence

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, QStandardPaths, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QMouseEvent, QPainter, QPalette, QPen
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QToolTip,
                               QVBoxLayout, QWidget)

from viewer.ui import theme

UNIT_SECONDS = {"hour": 3600, "day": 86400, "week": 7 * 86400}
UNIT_NAMES = {"hour": "hour", "day": "day", "week": "week"}


@dataclass
class Event:
    ts: int
    title: str
    text: str = ""


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, timezone.utc)


def ticks(start: int, end: int, max_ticks: int, tz: tzinfo = timezone.utc) -> list[tuple[int, str]]:
    """Calendar-aligned axis labels between start and end: month starts over
    long spans, midnights over weeks, hours over days, in the zone shown."""
    span = max(1, end - start)
    out: list[tuple[int, str]] = []
    first = datetime.fromtimestamp(start, tz)
    if span > 60 * 86400:
        y, m = first.year, first.month
        months = max(1, round(span / (30 * 86400)))
        step = next((s for s in (1, 2, 3, 6, 12, 24) if months / s <= max_ticks), 24)
        while True:
            ts = int(datetime(y, m, 1, tzinfo=tz).timestamp())
            if ts >= end:
                break
            if ts >= start and (m - 1) % step == 0:
                out.append((ts, datetime(y, m, 1).strftime("%b %Y" if m == 1 or not out else "%b")))
            m += 1
            if m > 12:
                y, m = y + 1, 1
        return out
    if span > 2 * 86400:
        days = span / 86400
        step = next((s for s in (1, 2, 7, 14) if days / s <= max_ticks), 14)
        day = first.replace(hour=0, minute=0, second=0, microsecond=0)
        while True:
            ts = int(day.timestamp())
            if ts >= end:
                break
            if ts >= start and day.toordinal() % step == 0:
                out.append((ts, day.strftime("%d %b")))
            day = (day.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=tz)
        return out
    hours = span / 3600
    step = next((s for s in (1, 2, 3, 6, 12) if hours / s <= max_ticks), 12)
    hour = first.replace(minute=0, second=0, microsecond=0)
    while True:
        ts = int(hour.timestamp())
        if ts >= end:
            break
        if ts >= start and hour.hour % step == 0:
            out.append((ts, hour.strftime("%d %b %H:00" if hour.hour == 0 else "%H:00")))
        hour = datetime.fromtimestamp(ts + 3600, tz)
    return out


def y_ticks(highest: int, max_ticks: int = 5) -> list[int]:
    """Whole-number y-axis ticks from 0 to a round top at or above the
    highest bar, at most `max_ticks` intervals: 0 1 2 for a top of 2, 0 2 4 6 8
    for 7, 0 250 500 750 1,000 for 900. Counts are whole posts, so a tick is
    never a fraction (which, rounded, would label a line with the wrong count)."""
    highest = max(1, int(highest))
    max_ticks = max(1, max_ticks)
    mag = 1
    while True:
        for m in (1, 2, 2.5, 5):
            step = m * mag
            if step != int(step):
                continue
            step = int(step)
            top = -(-highest // step) * step
            if top // step <= max_ticks:
                return list(range(0, top + 1, step))
        mag *= 10


def nice_max(v: int) -> int:
    return y_ticks(v)[-1]


class HistogramWidget(QWidget):
    """Bars for one histogram; drag across to pick a range."""

    rangeSelected = Signal(object, object)  # [start, end) epoch seconds, UTC
    selectionCleared = Signal()
    zoomRequested = Signal(object, object)  # show this span (finer bars)

    MARGIN_LEFT = 46
    MARGIN_RIGHT = 10
    MARGIN_TOP = 18
    MARGIN_BOTTOM = 20

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.unit = "day"
        self.buckets: list[tuple[int, int]] = []
        self.start = 0
        self.end = 1
        self.events: list[Event] = []
        self.selection: tuple[int, int] | None = None
        self._drag_from: int | None = None
        self._drag_to: int | None = None
        self._press_x = 0
        self.tz: tzinfo = timezone.utc
        self.zone_label = "UTC"
        self.setMinimumHeight(110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Volume over time")
        self.setToolTip("")

    def sizeHint(self) -> QSize:
        return QSize(800, 140)

    # -- data --------------------------------------------------------------------
    def set_histogram(self, hist: Any) -> None:
        """Anything with unit, buckets [(start, count)], start, end."""
        self.unit = hist.unit or "day"
        self.buckets = list(hist.buckets or [])
        step = UNIT_SECONDS.get(self.unit, 86400)
        if self.buckets:
            self.start = hist.start if hist.start is not None else self.buckets[0][0]
            self.end = hist.end if hist.end is not None else self.buckets[-1][0] + step
        else:
            self.start, self.end = (hist.start or 0), (hist.end or 1)
        if self.end <= self.start:
            self.end = self.start + step
        self.update()

    def set_zone(self, tz: tzinfo, label: str) -> None:
        """The zone of the axis labels (the bars come with the histogram)."""
        self.tz = tz
        self.zone_label = label
        self.update()

    def local(self, ts: float) -> datetime:
        return datetime.fromtimestamp(ts, self.tz)

    def set_events(self, events: Iterable[Event]) -> None:
        self.events = sorted(events, key=lambda e: e.ts)
        self.update()

    def set_selection(self, start: int, end: int) -> None:
        self.selection = (start, end)
        self.update()

    def clear_selection(self, emit: bool = True) -> None:
        had = self.selection is not None
        self.selection = None
        self.update()
        if had and emit:
            self.selectionCleared.emit()

    @property
    def total(self) -> int:
        return sum(c for _, c in self.buckets)

    # -- coordinates ---------------------------------------------------------------
    def plot_rect(self, size: QSize | None = None) -> QRect:
        s = size or self.size()
        # Room above the bars for the event titles' lanes (and the markers).
        fm_h = self.label_metrics().height()
        top = max(self.MARGIN_TOP, 2 + self.event_lanes() * fm_h + 12)
        bottom = max(self.MARGIN_BOTTOM, fm_h + 5)
        return QRect(self.MARGIN_LEFT, top, max(10, s.width() - self.MARGIN_LEFT - self.MARGIN_RIGHT),
                     max(10, s.height() - top - bottom))

    def x_of(self, ts: float, plot: QRect | None = None) -> float:
        p = plot or self.plot_rect()
        return p.left() + (ts - self.start) / (self.end - self.start) * p.width()

    def ts_at(self, x: float) -> int:
        p = self.plot_rect()
        frac = min(1.0, max(0.0, (x - p.left()) / max(1, p.width())))
        return int(self.start + frac * (self.end - self.start))

    def snap(self, ts: int) -> int:
        """The start of the bar holding ts (bars of a named zone's days are
        not all 24 hours long, so the bars themselves say)."""
        if self.buckets and self.buckets[0][0] <= ts:
            i = bisect_right([b[0] for b in self.buckets], ts) - 1
            return self.buckets[i][0]
        step = UNIT_SECONDS.get(self.unit, 86400)
        return ts - ts % step

    def bar_end(self, start: int) -> int:
        """Where the bar starting at `start` ends."""
        starts = [b[0] for b in self.buckets]
        i = bisect_right(starts, start)
        return starts[i] if i < len(starts) else max(self.end, start + 1)

    def bucket_at(self, x: float) -> tuple[int, int] | None:
        ts = self.ts_at(x)
        if not self.buckets or ts < self.buckets[0][0] or ts >= self.end:
            return None
        return self.buckets[bisect_right([b[0] for b in self.buckets], ts) - 1]

    # -- painting ------------------------------------------------------------------
    def paintEvent(self, e: Any) -> None:
        p = QPainter(self)
        self.render_on(p, self.size(), self.palette())
        p.end()

    def render_on(self, p: QPainter, size: QSize, pal: QPalette, for_export: bool = False) -> None:
        plot = self.plot_rect(size)
        bg = pal.color(QPalette.ColorRole.Base)
        ink = pal.color(QPalette.ColorRole.Text)
        dim = theme.dim_text(pal)
        p.fillRect(QRect(0, 0, size.width(), size.height()), bg)
        if not self.buckets:
            p.setPen(dim)
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No posts to chart")
            return
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
        p.setFont(font)
        fm = self.label_metrics()
        axis = self.y_axis(plot, fm)
        top = axis[-1][0]
        # Grid and y labels, one per whole-number tick.
        grid = theme.mix(bg, ink, 0.12)
        for value, y in axis:
            p.setPen(QPen(grid, 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(dim)
            p.drawText(QRectF(0, y - fm.height() / 2, self.MARGIN_LEFT - 6, fm.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{value:,}")
        # Bars.
        bar = theme.bar_colour(pal)
        sel = self.selection
        p.setPen(Qt.PenStyle.NoPen)
        for i, (start, count) in enumerate(self.buckets):
            stop = self.buckets[i + 1][0] if i + 1 < len(self.buckets) else self.end
            if not count or stop <= self.start or start >= self.end:
                continue
            x0 = self.x_of(max(start, self.start), plot)
            x1 = self.x_of(min(stop, self.end), plot)
            h = count / top * plot.height()
            colour = bar
            if sel and not (sel[0] <= start < sel[1]):
                colour = theme.mix(bar, bg, 0.6)
            p.setBrush(colour)
            w = max(1.0, x1 - x0 - (1 if x1 - x0 > 3 else 0))
            p.drawRect(QRectF(x0, plot.bottom() - h, w, h))
        # Selection (or the range being dragged).
        shown = self._drag_range() or sel
        if shown:
            hl = QColor(pal.color(QPalette.ColorRole.Highlight))
            hl.setAlpha(50)
            x0, x1 = self.x_of(shown[0], plot), self.x_of(shown[1], plot)
            p.fillRect(QRectF(x0, plot.top(), x1 - x0, plot.height()), hl)
            edge = QColor(pal.color(QPalette.ColorRole.Highlight))
            p.setPen(QPen(edge, 1))
            p.drawLine(QPointF(x0, plot.top()), QPointF(x0, plot.bottom()))
            p.drawLine(QPointF(x1, plot.top()), QPointF(x1, plot.bottom()))
        # X axis and labels.
        p.setPen(QPen(dim, 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        for ts, (rect, label) in self.x_labels(plot, fm):
            x = self.x_of(ts, plot)
            p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 3))
            p.drawText(rect, Qt.AlignmentFlag.AlignHCenter, label)
        zone_rect, zone_text = self.zone_label_rect(plot, fm)
        p.drawText(zone_rect, Qt.AlignmentFlag.AlignRight, zone_text)
        self._paint_events(p, plot, pal, fm)

    # -- the layout of the labels (also what the tests measure) -------------------------
    def label_metrics(self) -> QFontMetrics:
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
        return QFontMetrics(font)

    def y_axis(self, plot: QRect, fm: QFontMetrics) -> list[tuple[int, float]]:
        """(count, y) of each y-axis line: whole numbers, as many as fit."""
        highest = max((c for _, c in self.buckets), default=0)
        room = max(1, int(plot.height() // (fm.height() + 2)))
        values = y_ticks(highest, min(5, room))
        top = values[-1]
        return [(v, plot.bottom() - v / top * plot.height()) for v in values]

    def x_labels(self, plot: QRect, fm: QFontMetrics) -> list[tuple[int, tuple[QRectF, str]]]:
        """The date labels under the axis, each whole, none over another nor
        over the zone's name left of the axis."""
        out: list[tuple[int, tuple[QRectF, str]]] = []
        max_ticks = max(2, plot.width() // 80)
        last_right = float(plot.left() - 2)
        for ts, label in ticks(self.start, self.end, max_ticks, self.tz):
            x = self.x_of(ts, plot)
            w = fm.horizontalAdvance(label) + 4
            left = min(max(x - w / 2, float(plot.left() - 2)), plot.right() + self.MARGIN_RIGHT - w)
            if left < last_right + 6:
                continue  # would touch the previous label
            out.append((ts, (QRectF(left, plot.bottom() + 3, w, fm.height()), label)))
            last_right = left + w
        return out

    def zone_label_rect(self, plot: QRect, fm: QFontMetrics) -> tuple[QRectF, str]:
        """The zone's name, left of the axis, in the margin only."""
        room = plot.left() - 6
        return (QRectF(2, plot.bottom() + 3, room - 2, fm.height()),
                fm.elidedText(self.zone_label, Qt.TextElideMode.ElideRight, room - 2))

    def event_labels(self, plot: QRect, fm: QFontMetrics) -> list[tuple[float, QRectF | None, str]]:
        """(marker x, label box or None, title) per visible event. Titles are
        never cut: each goes in the first of the lanes above the plot where it
        fits, right of its marker or else left of it; one that fits nowhere is
        left to the marker's tooltip."""
        visible = [e for e in self.events if self.start <= e.ts < self.end]
        lanes = self.event_lanes()
        lane_h = fm.height()
        occupied: list[list[tuple[float, float]]] = [[] for _ in range(lanes)]
        right_edge = float(plot.right() + self.MARGIN_RIGHT - 1)
        out: list[tuple[float, QRectF | None, str]] = []
        for ev in visible:
            x = self.x_of(ev.ts, plot)
            w = fm.horizontalAdvance(ev.title) + 3
            placed: QRectF | None = None
            for lane in range(lanes):
                for left in (x + 5, x - 5 - w):
                    right = left + w
                    if left < 1 or right > right_edge:
                        continue
                    if all(right + 6 <= a or left >= b + 6 for a, b in occupied[lane]):
                        placed = QRectF(left, 2 + lane * lane_h, w, lane_h)
                        occupied[lane].append((left, right))
                        break
                if placed is not None:
                    break
            out.append((x, placed, ev.title))
        return out

    def event_lanes(self) -> int:
        return 2 if self.events else 1

    def _paint_events(self, p: QPainter, plot: QRect, pal: QPalette, fm: QFontMetrics) -> None:
        colour = theme.marker_colour(pal)
        for x, box, title in self.event_labels(plot, fm):
            p.setPen(QPen(colour, 1, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(x, plot.top() - 4), QPointF(x, plot.bottom()))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.drawPolygon([QPointF(x - 4, plot.top() - 10), QPointF(x + 4, plot.top() - 10),
                           QPointF(x, plot.top() - 3)])
            p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            if box is not None:
                p.setPen(colour)
                p.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine,
                           title)

    # -- mouse -------------------------------------------------------------------------
    def _drag_range(self) -> tuple[int, int] | None:
        if self._drag_from is None or self._drag_to is None:
            return None
        return self._range_between(self._drag_from, self._drag_to)

    def _range_between(self, a: int, b: int) -> tuple[int, int]:
        lo, hi = min(a, b), max(a, b)
        return self.snap(lo), self.bar_end(self.snap(hi))

    def mousePressEvent(self, e: QMouseEvent) -> None:
        if e.button() == Qt.MouseButton.LeftButton:
            self._press_x = int(e.position().x())
            self._drag_from = self._drag_to = self.ts_at(e.position().x())
            self.update()
        super().mousePressEvent(e)

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        if self._drag_from is not None and e.buttons() & Qt.MouseButton.LeftButton:
            self._drag_to = self.ts_at(e.position().x())
            self.update()
        else:
            self._hover(e)
        super().mouseMoveEvent(e)

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        if e.button() != Qt.MouseButton.LeftButton or self._drag_from is None:
            return super().mouseReleaseEvent(e)
        self._drag_to = self.ts_at(e.position().x())
        dragged = abs(int(e.position().x()) - self._press_x) > 3
        rng = self._drag_range()
        self._drag_from = self._drag_to = None
        if not dragged and self.selection and self.selection[0] <= self.ts_at(e.position().x()) < self.selection[1]:
            # A click inside the selection lets go of it.
            self.clear_selection()
        elif rng is not None:
            self.selection = rng
            self.update()
            self.rangeSelected.emit(*rng)
        super().mouseReleaseEvent(e)

    def mouseDoubleClickEvent(self, e: QMouseEvent) -> None:
        if self.selection:
            self.zoomRequested.emit(*self.selection)

    def keyPressEvent(self, e: Any) -> None:
        if e.key() == Qt.Key.Key_Escape and self.selection:
            self.clear_selection()
            return
        super().keyPressEvent(e)

    def wheelEvent(self, e: Any) -> None:
        """Zoom in or out around the pointer."""
        dy = e.angleDelta().y()
        if not dy or not self.buckets:
            return
        factor = 0.6 if dy > 0 else 1.6
        at = self.ts_at(e.position().x())
        start = int(at - (at - self.start) * factor)
        end = int(at + (self.end - at) * factor)
        self.zoomRequested.emit(start, end)

    def _hover(self, e: QMouseEvent) -> None:
        x = e.position().x()
        plot = self.plot_rect()
        for ev in self.events:
            if self.start <= ev.ts < self.end and abs(self.x_of(ev.ts, plot) - x) <= 4:
                QToolTip.showText(e.globalPosition().toPoint(),
                                  f"{_utc(ev.ts):%Y-%m-%d}  {ev.title}\n{ev.text}".strip(), self)
                return
        b = self.bucket_at(x)
        if b is None or not plot.contains(int(x), int(e.position().y())):
            QToolTip.hideText()
            return
        fmt = "%Y-%m-%d %H:00" if self.unit == "hour" else "%Y-%m-%d"
        label = self.local(b[0]).strftime(fmt) + (" (week)" if self.unit == "week" else "")
        QToolTip.showText(e.globalPosition().toPoint(), f"{label} {self.zone_label}: {b[1]:,} posts", self)

    # -- export ------------------------------------------------------------------------
    def export_png(self, path: str | Path, scale: float = 2.0) -> bool:
        """A sharp PNG (twice the widget's pixels by default) for a report."""
        size = self.size()
        img = QImage(int(size.width() * scale), int(size.height() * scale), QImage.Format.Format_ARGB32)
        img.setDevicePixelRatio(scale)
        img.fill(self.palette().color(QPalette.ColorRole.Base))
        p = QPainter(img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.render_on(p, size, self.palette(), for_export=True)
        p.end()
        return img.save(str(path), "PNG")

    def export_svg(self, path: str | Path, title: str = "Posts over time") -> bool:
        gen = QSvgGenerator()
        gen.setFileName(str(path))
        gen.setSize(self.size())
        gen.setViewBox(QRect(0, 0, self.width(), self.height()))
        gen.setTitle(title)
        gen.setDescription("archive-viewer histogram")
        p = QPainter()
        if not p.begin(gen):
            return False
        self.render_on(p, self.size(), self.palette(), for_export=True)
        return p.end()


class HistogramPanel(QWidget):
    """The histogram with its caption and buttons: zoom to the selection,
    reset, export."""

    resetRequested = Signal()
    exported = Signal(str)  # the file written ("" when writing failed)

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.export_dialog: QFileDialog | None = None
        self.chart = HistogramWidget(self)
        self.caption = QLabel(self)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.zoom_button = QToolButton(self)
        self.zoom_button.setText("Zoom to selection")
        self.zoom_button.setEnabled(False)
        self.reset_button = QToolButton(self)
        self.reset_button.setText("Reset")
        self.png_button = QToolButton(self)
        self.png_button.setText("PNG…")
        self.png_button.setToolTip("Export the chart as a PNG image")
        self.svg_button = QToolButton(self)
        self.svg_button.setText("SVG…")
        self.svg_button.setToolTip("Export the chart as an SVG drawing")
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 0, 6, 0)
        bar.addWidget(self.caption, 1)
        for b in (self.zoom_button, self.reset_button, self.png_button, self.svg_button):
            b.setAutoRaise(True)
            bar.addWidget(b)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 2, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(bar)
        lay.addWidget(self.chart, 1)
        self.zoom_button.clicked.connect(self._zoom)
        self.reset_button.clicked.connect(self.resetRequested)
        self.png_button.clicked.connect(lambda: self._export("png"))
        self.svg_button.clicked.connect(lambda: self._export("svg"))
        self.chart.rangeSelected.connect(lambda *_: self._sync())
        self.chart.selectionCleared.connect(self._sync)

    def _zoom(self) -> None:
        if self.chart.selection:
            self.chart.zoomRequested.emit(*self.chart.selection)

    def _sync(self) -> None:
        self.zoom_button.setEnabled(self.chart.selection is not None)
        self.update_caption()

    def update_caption(self, total: int | None = None) -> None:
        c = self.chart
        if total is not None:
            self._total = total
        n = getattr(self, "_total", c.total)
        span = f"{c.local(c.start):%d %b %Y} – {c.local(c.end - 1):%d %b %Y}" if c.buckets else ""
        text = f"Posts per {UNIT_NAMES.get(c.unit, c.unit)} · {n:,} posts"
        if span:
            text += f" · {span}"
        if c.selection:
            text += (f" · selected {c.local(c.selection[0]):%Y-%m-%d %H:%M} – "
                     f"{c.local(c.selection[1]):%Y-%m-%d %H:%M} {c.zone_label}")
        self.caption.setText(text)

    def _export(self, kind: str) -> QFileDialog:
        """A save dialog starting in the user's documents folder (never the
        folder the program happened to start in)."""
        filt = "PNG image (*.png)" if kind == "png" else "SVG drawing (*.svg)"
        dlg = QFileDialog(self, "Export the chart", str(documents_folder() / f"histogram.{kind}"), filt)
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setDefaultSuffix(kind)
        dlg.fileSelected.connect(lambda path: self._save(kind, path))
        self.export_dialog = dlg
        dlg.open()
        return dlg

    def _save(self, kind: str, path: str) -> None:
        ok = self.chart.export_png(path) if kind == "png" else self.chart.export_svg(path)
        self.exported.emit(path if ok else "")


def documents_folder() -> Path:
    """The user's documents folder, or their home when there is none."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def events_from_rows(rows: Sequence[tuple[str, str, str]]) -> list[Event]:
    """Events from (date, title, text) rows; a date that cannot be read is skipped."""
    out = []
    for date, title, text in rows:
        ts = parse_event_date(date)
        if ts is not None:
            out.append(Event(ts, title or "", text or ""))
    return out


def parse_event_date(value: str | None) -> int | None:
    if not value:
        return None
    v = value.strip().replace("Z", "+00:00")
    for fmt in (None, "%Y-%m-%d"):
        try:
            d = datetime.fromisoformat(v) if fmt is None else datetime.strptime(v[:10], fmt)
        except ValueError:
            continue
        if d.tzinfo is None:
            d = d.replace(tzinfo=timezone.utc)
        return int(d.timestamp())
    return None
