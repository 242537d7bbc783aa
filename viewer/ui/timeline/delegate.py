"""The timeline's delegate: paints each row as plain text.

Every row has the same height (the view never has to measure a million
rows); the whole post is in the detail pane. Nothing from a post is ever
parsed as markup: text, names and handles go through QTextLayout /
drawText, which only know plain text.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (QColor, QFont, QFontMetrics, QPainter, QPalette, QPen, QPixmap, QTextCharFormat,
                           QTextLayout, QTextOption)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from viewer.clock import Clock
from viewer.store.rows import PostRow
from viewer.ui import theme
from viewer.ui.bidi import first_strong, isolate, isolated
from viewer.ui.timeline.model import HighlightRole, PostRole
from viewer.ui.timeline.thumbs import ThumbCache


@dataclass
class _Paragraph:
    layout: QTextLayout
    rtl: bool
    y: float  # top of the paragraph inside the text area
    lines: int  # lines of it that are shown


@dataclass
class _TextBlock:
    paragraphs: list[_Paragraph]
    more: bool  # text was cut: an ellipsis goes after the last line


class TimelineDelegate(QStyledItemDelegate):
    """Paints a row:

        Name @handle · time · context                         [thumb][thumb]
        the text, each paragraph in its own direction,        [     ][     ]
        matches highlighted, cut after a few lines …
        #hashtag #chips  curator-tag chips
    """

    TEXT_LINES = 3
    PAD = 8
    MAX_THUMBS = 3
    PIXMAPS = 160  # rows kept drawn: a few screens' worth

    def __init__(self, thumbs: ThumbCache | None, clock: Clock, parent: Any = None):
        super().__init__(parent)
        self.thumbs = thumbs
        self.clock = clock
        self._layouts: OrderedDict[tuple, _TextBlock] = OrderedDict()
        self._pixmaps: OrderedDict[tuple, QPixmap] = OrderedDict()
        self.painted: list[int] | None = None  # a counter the benchmark sets
        self.set_font(QFont())

    def set_font(self, font: QFont) -> None:
        self.font = QFont(font)
        self.bold = QFont(font)
        self.bold.setBold(True)
        self.small = QFont(font)
        self.small.setPointSizeF(max(6.0, font.pointSizeF() * 0.88))
        # Metrics made once: a row is painted many times.
        self.fm = QFontMetrics(self.font)
        self.fm_bold = QFontMetrics(self.bold)
        self.fm_small = QFontMetrics(self.small)
        self.ellipsis = self.fm.horizontalAdvance("…")
        self.line = self.fm.lineSpacing()
        self.chip_h = self.fm_small.height() + 4
        self.thumb = self.line * self.TEXT_LINES + self.chip_h
        self._layouts.clear()
        if hasattr(self, "_pixmaps"):
            self._pixmaps.clear()

    def clear_cache(self) -> None:
        self._layouts.clear()
        self._pixmaps.clear()

    # -- geometry ------------------------------------------------------------
    def row_height(self) -> int:
        return self.PAD + self.line + 4 + self.line * self.TEXT_LINES + 4 + self.chip_h + self.PAD

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(max(200, option.rect.width()), self.row_height())

    def text_rect(self, rect: QRect, row: PostRow) -> QRect:
        x = rect.left() + self.PAD + 4
        right = rect.right() - self.PAD
        n = min(self.MAX_THUMBS, sum(1 for m in row.display_media if m.local)) if self.thumbs else 0
        if n:
            right -= n * (self.thumb + 4)
        top = rect.top() + self.PAD + self.line + 4
        return QRect(x, top, max(40, right - x), self.line * self.TEXT_LINES)

    # -- the text --------------------------------------------------------------
    def text_block(self, row: PostRow, highlights: list[tuple[int, int]], width: int,
                   palette: QPalette) -> _TextBlock:
        key = (row.id, width, tuple(highlights), theme.is_dark(palette), self.font.key())
        got = self._layouts.get(key)
        if got is not None:
            self._layouts.move_to_end(key)
            return got
        got = self._lay_out(row.display_text, highlights, width, palette)
        self._layouts[key] = got
        if len(self._layouts) > 400:
            self._layouts.popitem(last=False)
        return got

    def _lay_out(self, text: str, highlights: list[tuple[int, int]], width: int,
                 palette: QPalette) -> _TextBlock:
        paragraphs: list[_Paragraph] = []
        y = 0.0
        lines_left = self.TEXT_LINES
        more = False
        offset = 0
        hl = QTextCharFormat()
        hl.setBackground(theme.match_background(palette))
        # Its own ink, so a match stays legible on a selected (dark) row.
        hl.setForeground(theme.match_text(palette))
        for para in text.split("\n"):
            start = offset
            offset += len(para) + 1
            if not para.strip():
                continue  # blank lines cost a whole row line and say nothing
            if lines_left == 0:
                more = True
                break
            # Shown with its handles, hashtags, URLs and numbers isolated;
            # the direction is that of its first strong letter outside them.
            shown_text, to_display = isolate(para)
            rtl = first_strong(shown_text) == "R"
            layout = QTextLayout(shown_text, self.font)
            opt = QTextOption()
            opt.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
            opt.setTextDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
            opt.setAlignment((Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
                             | Qt.AlignmentFlag.AlignAbsolute)
            layout.setTextOption(opt)
            formats = []
            for a, b in highlights:
                a, b = max(a, start), min(b, start + len(para))
                if a < b:
                    fr = QTextLayout.FormatRange()
                    da, db = to_display(a - start), to_display(b - start)
                    fr.start, fr.length, fr.format = da, db - da, hl
                    formats.append(fr)
            if formats:
                layout.setFormats(formats)
            layout.beginLayout()
            shown = 0
            ly = 0.0
            # Only the lines that fit are created: a line created and left
            # unplaced stays in the layout at the paragraph's top and would be
            # drawn over the shown ones.
            while shown < lines_left:
                line = layout.createLine()
                if not line.isValid():
                    break
                line.setLineWidth(width)
                line.setPosition(QPointF(0, ly))
                ly += self.line
                shown += 1
            layout.endLayout()
            if shown:
                end = layout.lineAt(shown - 1)
                if end.textStart() + end.textLength() < len(shown_text):
                    more = True
            paragraphs.append(_Paragraph(layout, rtl, y, shown))
            y += shown * self.line
            lines_left -= shown
        return _TextBlock(paragraphs, more)

    def paragraph_directions(self, index: QModelIndex, width: int = 600) -> list[tuple[str, bool]]:
        """(paragraph text, right-to-left?) of the row as it is painted."""
        row = index.data(PostRole)
        block = self.text_block(row, index.data(HighlightRole) or [], width, QPalette())
        return [(p.layout.text().replace("\u2068", "").replace("\u2069", ""), p.rtl) for p in block.paragraphs]

    def paragraph_layouts(self, index: QModelIndex, width: int = 600) -> list[QTextLayout]:
        """The laid-out paragraphs of a row (display text with its isolates),
        to measure where each run lands on screen."""
        row = index.data(PostRole)
        return [p.layout for p in self.text_block(row, index.data(HighlightRole) or [], width, QPalette()).paragraphs]

    # -- painting ------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        """Rows are drawn once into a pixmap and copied afterwards: scrolling
        repaints the same rows again and again, and a copy costs a fraction of
        laying out and shaping the text."""
        row: PostRow | None = index.data(PostRole)
        if self.painted is not None:
            self.painted[0] += 1
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        highlights = index.data(HighlightRole) or []
        key = self._row_key(row, rect, selected, option.palette, highlights)
        pix = self._pixmaps.get(key)
        if pix is None:
            dpr = painter.device().devicePixelRatioF() if painter.device() else 1.0
            pix = QPixmap(int(rect.width() * dpr), int(rect.height() * dpr))
            pix.setDevicePixelRatio(dpr)
            p = QPainter(pix)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            # Each string (a name, a hashtag chip) reads in its own direction.
            p.setLayoutDirection(Qt.LayoutDirection.LayoutDirectionAuto)
            self._paint_row(p, QRect(0, 0, rect.width(), rect.height()), row, selected, option.palette, highlights)
            p.end()
            self._pixmaps[key] = pix
            if len(self._pixmaps) > self.PIXMAPS:
                self._pixmaps.popitem(last=False)
        else:
            self._pixmaps.move_to_end(key)
        painter.drawPixmap(rect.topLeft(), pix)

    def _row_key(self, row: PostRow | None, rect: QRect, selected: bool, pal: QPalette,
                 highlights: list[tuple[int, int]]) -> tuple:
        thumbs: tuple = ()
        if row is not None and self.thumbs is not None:
            thumbs = tuple(self.thumbs.state(m.sha256) for m in row.display_media if m.local)[: self.MAX_THUMBS]
        return (row.id if row else None, rect.width(), rect.height(), selected, pal.cacheKey(),
                tuple(map(tuple, highlights)), thumbs, self.clock.zone, self.font.key(),
                (tuple(row.tags), row.has_note) if row else None)

    def _paint_row(self, painter: QPainter, rect: QRect, row: PostRow | None, selected: bool, pal: QPalette,
                   highlights: list[tuple[int, int]]) -> None:
        painter.save()
        painter.fillRect(rect, pal.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base))
        text_colour = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        dim = text_colour if selected else theme.dim_text(pal)
        painter.setPen(QPen(theme.mix(pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text), 0.12)))
        painter.drawLine(rect.left(), rect.bottom(), rect.right(), rect.bottom())
        if row is None:
            painter.setPen(dim)
            painter.drawText(rect.adjusted(self.PAD, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter,
                             "(this post is no longer in the collection)")
            painter.restore()
            return
        self._paint_header(painter, rect, row, text_colour, dim)
        trect = self.text_rect(rect, row)
        block = self.text_block(row, highlights, trect.width(), pal)
        painter.setPen(text_colour)
        painter.setClipRect(trect.adjusted(-2, 0, 2, 0))
        ell = self.ellipsis
        last = block.paragraphs[-1] if block.paragraphs else None
        for p in block.paragraphs:
            origin = QPointF(trect.left(), trect.top() + p.y)
            if p is last and block.more:
                self._draw_cut(painter, p, origin, trect.width(), ell)
            else:
                p.layout.draw(painter, origin)
        painter.setClipping(False)
        self._paint_chips(painter, rect, row, pal)
        self._paint_thumbs(painter, rect, row, pal)
        painter.restore()

    def _paint_header(self, painter: QPainter, rect: QRect, row: PostRow, text: QColor, dim: QColor) -> None:
        x = rect.left() + self.PAD + 4
        y = rect.top() + self.PAD
        right = rect.right() - self.PAD
        fm_b = self.fm_bold
        name = row.author_name or row.author_handle or "unknown"
        name = fm_b.elidedText(name, Qt.TextElideMode.ElideRight, max(60, (right - x) // 3))
        painter.setFont(self.bold)
        painter.setPen(text)
        # Names are plain text; an Arabic name still reads right-to-left
        # inside its own run.
        painter.drawText(QRect(x, y, right - x, self.line), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                         | Qt.TextFlag.TextSingleLine, isolated(name))
        x += fm_b.horizontalAdvance(name) + 6
        parts = [f"@{row.author_handle}" if row.author_handle else "", self.clock.format(row.created_ts)]
        ctx = context_line(row)
        if ctx:
            parts.append(ctx)
        rest = " · ".join(p for p in parts if p)
        painter.setFont(self.font)
        painter.setPen(dim)
        fm = self.fm
        rest = isolate(fm.elidedText(rest, Qt.TextElideMode.ElideRight, max(0, right - x)))[0]
        painter.drawText(QRect(x, y, right - x, self.line), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                         | Qt.TextFlag.TextSingleLine, rest)

    def _draw_cut(self, painter: QPainter, p: _Paragraph, origin: QPointF, width: int, ell: int) -> None:
        """The paragraph with its last shown line cut to leave room for '…'."""
        last = p.layout.lineAt(p.lines - 1)
        natural = min(last.naturalTextWidth(), width - ell - 2)
        y_last = origin.y() + last.y()
        painter.save()
        if p.lines > 1:
            painter.save()
            painter.setClipRect(QRectF(origin.x() - 2, origin.y(), width + 4, y_last - origin.y()),
                                Qt.ClipOperation.IntersectClip)
            p.layout.draw(painter, origin)
            painter.restore()
        if p.rtl:
            clip = QRectF(origin.x() + width - natural, y_last, natural + 2, self.line)
            ell_x = origin.x() + width - natural - ell - 1
        else:
            clip = QRectF(origin.x() - 2, y_last, natural + 2, self.line)
            ell_x = origin.x() + natural + 1
        painter.setClipRect(clip, Qt.ClipOperation.IntersectClip)
        p.layout.draw(painter, origin)
        painter.restore()
        painter.setFont(self.font)
        painter.drawText(QRectF(ell_x, y_last, ell + 2, self.line), Qt.AlignmentFlag.AlignLeft, "…")

    def _paint_chips(self, painter: QPainter, rect: QRect, row: PostRow, pal: QPalette) -> None:
        x = rect.left() + self.PAD + 4
        y = rect.bottom() - self.PAD - self.chip_h
        right = self.text_rect(rect, row).right()
        painter.setFont(self.small)
        fm = self.fm_small
        chips: list[tuple[str, QColor, QColor]] = []
        fill, ink = theme.hashtag_chip(pal)
        for name, colour in row.tags:
            tf, ti = theme.tag_chip(colour, pal)
            chips.append(("● " + isolated(name), tf, ti))
        # A hashtag chip is one isolate: "#الموصل" reads right to left with its
        # "#" first, as Twitter shows it, whatever the row's direction.
        chips.extend((isolated("#" + t) if not t.isascii() else "#" + t, fill, ink) for t in row.hashtags)
        if row.has_note:
            chips.append(("✎ note", *theme.tag_chip(None, pal)))
        remote = sum(1 for m in row.display_media if not m.local)
        if remote:
            chips.append((f"↗ {remote} remote {'image' if remote == 1 else 'images'}",
                          pal.color(QPalette.ColorRole.AlternateBase), theme.dim_text(pal)))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for i, (label, bg, fg) in enumerate(chips):
            w = fm.horizontalAdvance(label) + 12
            left_after = len(chips) - i - 1
            more_w = fm.horizontalAdvance(f"+{left_after}") + 8 if left_after else 0
            if x + w + more_w > right:
                painter.setPen(theme.dim_text(pal))
                painter.drawText(QRect(x, y, right - x, self.chip_h), Qt.AlignmentFlag.AlignVCenter,
                                 f"+{len(chips) - i}")
                break
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bg)
            painter.drawRoundedRect(QRectF(x, y, w, self.chip_h), self.chip_h / 2, self.chip_h / 2)
            painter.setPen(fg)
            painter.drawText(QRect(x, y, w, self.chip_h), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextSingleLine,
                             label)
            x += w + 4
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    def _paint_thumbs(self, painter: QPainter, rect: QRect, row: PostRow, pal: QPalette) -> None:
        if self.thumbs is None:
            return
        local = [m for m in row.display_media if m.local][: self.MAX_THUMBS]
        x = rect.right() - self.PAD - self.thumb
        y = rect.top() + self.PAD + self.line + 4
        for m in reversed(local):
            box = QRect(x, y, self.thumb, self.thumb)
            pix = self.thumbs.pixmap(m.sha256, m.file)
            if pix is None or pix.isNull():
                painter.fillRect(box, pal.color(QPalette.ColorRole.AlternateBase))
                painter.setPen(theme.dim_text(pal))
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter,
                                 "✕" if self.thumbs.failed(m.sha256) else "…")
            else:
                # Cover the square, cropping the longer side, as photo grids do.
                src = QRect(0, 0, pix.width(), pix.height())
                side = min(pix.width(), pix.height())
                src = QRect((pix.width() - side) // 2, (pix.height() - side) // 2, side, side)
                painter.drawPixmap(box, pix, src)
            x -= self.thumb + 4


def context_line(row: PostRow) -> str:
    """What kind of post this is, in a few words: ↻ retweet of @x, ❝ quoting
    @y, ↩ replying to @z."""
    o = row.original
    if row.kind == "retweet":
        who = f"@{o.author_handle}" if o and o.author_handle else "a post"
        return f"↻ retweeted {who}"
    if row.kind == "quote":
        who = f"@{o.author_handle}" if o and o.author_handle else "a post"
        return f"❝ quoting {who}"
    if row.kind == "reply" or row.reply_to_handle:
        return f"↩ replying to @{row.reply_to_handle}" if row.reply_to_handle else "↩ reply"
    return ""
