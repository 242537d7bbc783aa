"""The detail pane: the whole post, its images at full size (local files only),
the retweeted or quoted original, the reply thread, provenance and the raw
JSON, its tags and notes (read-only until the curation issue).

Every string from an archive is shown as plain text: labels are set to
Qt.PlainText (QLabel's default would guess at rich text), the post text is a
QTextEdit fed with setPlainText. Remote media URLs are text you can copy.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage, QImageReader, QPixmap, QTextBlockFormat, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QDialog, QFrame, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QScrollArea,
                               QSizePolicy, QTabWidget, QTextEdit, QToolButton, QVBoxLayout, QWidget)

from viewer.ui import theme
from viewer.ui.bidi import FSI, PDI, first_strong, isolate
from viewer.ui.copying import copy_id, copy_link, copy_text
from viewer.ui.search.facets import label_for
from viewer.clock import Clock
from viewer.ui.ops import Op
from viewer.store.post_detail import PostDetail
from viewer.store.rows import MediaRef, PostRow
from viewer.ui.timeline.thumbs import RASTER
from viewer.ui.timeline import context_line

MAX_IMAGE_SIDE = 4096  # larger images are shown scaled to this


def ltr_line(*parts: str) -> str:
    """Parts joined on one left-to-right line; each part isolated, so an
    Arabic name cannot pull its neighbours (a handle, a time) into its run."""
    return "\u200e" + "  ·  ".join(f"\u2068{p}\u2069" for p in parts if p)


def plain_label(text: str = "", parent: QWidget | None = None, selectable: bool = True,
                wrap: bool = True) -> QLabel:
    """A label that never interprets its text as markup."""
    lab = QLabel(parent)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    lab.setText(text)
    lab.setWordWrap(wrap)
    if selectable:
        lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


class PlainText(QTextEdit):
    """Read-only post text sized to its content: each paragraph in its own
    direction and alignment, matches highlighted."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.viewport().setAutoFillBackground(False)
        self.document().documentLayout().documentSizeChanged.connect(lambda _: self._fit())

    def set_post_text(self, text: str, highlights: list[tuple[int, int]] | None = None) -> None:
        # Handles, hashtags, URLs and numbers isolated for display (one
        # paragraph at a time, so offsets map paragraph by paragraph).
        shown, maps, starts = [], [], []
        offset = 0
        for para in text.split("\n"):
            display, to_display = isolate(para)
            starts.append((offset, len(para), sum(len(s) + 1 for s in shown)))
            shown.append(display)
            maps.append(to_display)
            offset += len(para) + 1
        self.stored_text = text
        self.setPlainText("\n".join(shown))
        doc = self.document()
        block = doc.begin()
        while block.isValid():
            rtl = first_strong(block.text()) == "R"
            fmt = QTextBlockFormat(block.blockFormat())
            fmt.setLayoutDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
            fmt.setAlignment((Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
                             | Qt.AlignmentFlag.AlignAbsolute)
            QTextCursor(block).setBlockFormat(fmt)
            block = block.next()
        if highlights:
            hl = QTextCharFormat()
            hl.setBackground(theme.match_background(self.palette()))
            total = doc.characterCount() - 1

            def where(pos: int) -> int:
                for (start, length, dstart), to_display in zip(starts, maps, strict=True):
                    if pos <= start + length:
                        return dstart + to_display(max(0, pos - start))
                return total

            for a, b in highlights:
                c = QTextCursor(doc)
                c.setPosition(min(total, where(max(0, a))))
                c.setPosition(min(total, where(min(len(text), b))), QTextCursor.MoveMode.KeepAnchor)
                c.mergeCharFormat(hl)
        self._fit()

    def toPlainText(self) -> str:  # type: ignore[override]
        """The text as stored: the isolate marks are for layout only."""
        return super().toPlainText().replace(FSI, "").replace(PDI, "")

    def createMimeDataFromSelection(self) -> Any:
        """A copied selection is the post's text, without the isolate marks."""
        mime = super().createMimeDataFromSelection()
        mime.setText(mime.text().replace(FSI, "").replace(PDI, ""))
        return mime

    def paragraph_directions(self) -> list[tuple[str, bool]]:
        out = []
        block = self.document().begin()
        while block.isValid():
            out.append((block.text().replace(FSI, "").replace(PDI, ""),
                        block.blockFormat().layoutDirection() == Qt.LayoutDirection.RightToLeft))
            block = block.next()
        return out

    def resizeEvent(self, e: Any) -> None:
        super().resizeEvent(e)
        self._fit()

    def _fit(self) -> None:
        self.document().setTextWidth(self.viewport().width())
        h = int(self.document().size().height()) + 2 * self.frameWidth() + 4
        if self.height() != h:
            self.setFixedHeight(h)


class Section(QWidget):
    """A titled group in the pane."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = plain_label(title, self, selectable=False)
        f = self.title.font()
        f.setBold(True)
        self.title.setFont(f)
        self.body = QVBoxLayout()
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(4)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(self.title)
        lay.addLayout(self.body)


def _load_full_image(path: Path) -> QImage:
    QImageReader.setAllocationLimit(256)
    reader = QImageReader(str(path))
    reader.setDecideFormatFromContent(True)
    reader.setAutoTransform(True)
    if bytes(reader.format()).lower() not in RASTER:
        return QImage()
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > MAX_IMAGE_SIDE:
        reader.setScaledSize(size.scaled(QSize(MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


class ImageDialog(QDialog):
    """One local image, large: at its own size, or fitted to the screen,
    scrollable. Never anything remote (only a loaded local file gets here)."""

    def __init__(self, image: QImage, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.image = image
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        area = QScrollArea(self)
        area.setWidget(self.label)
        area.setWidgetResizable(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(area)
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        avail = screen.availableGeometry().size() if screen is not None else QSize(1366, 768)
        room = QSize(max(200, avail.width() - 80), max(200, avail.height() - 120))
        shown = image if image.width() <= room.width() and image.height() <= room.height() else image.scaled(
            room, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        self.label.setPixmap(QPixmap.fromImage(shown))
        self.resize(shown.width() + 24, shown.height() + 24)


class ImageView(QLabel):
    """One local image at full size, scaled down only to fit the pane; a
    click shows it large."""

    def __init__(self, media_dir: Path, m: MediaRef, parent: QWidget | None = None):
        super().__init__(parent)
        self.dialog: ImageDialog | None = None
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText("loading image …")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._image = QImage()
        self.media = m
        if m.alt_text:
            self.setToolTip(m.alt_text)
        path = (media_dir / (m.file or "")).resolve()
        if media_dir.resolve() not in path.parents:
            self.setText("(image outside the collection: not shown)")
            return
        Op(self, lambda job: _load_full_image(path)).success(self._loaded) \
            .failure(lambda e: self.setText("(image could not be read)")).run_in_background()

    def _loaded(self, img: QImage) -> None:
        if img.isNull():
            self.setText("(not an image this program shows)")
            return
        self._image = img
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip((self.media.alt_text + "\n" if self.media.alt_text else "") + "Click to view it large")
        self._fit()

    def mouseReleaseEvent(self, e: Any) -> None:
        if e.button() == Qt.MouseButton.LeftButton and not self._image.isNull():
            self.open_large()
        super().mouseReleaseEvent(e)

    def open_large(self) -> "ImageDialog":
        self.dialog = ImageDialog(self._image, self.media.alt_text or Path(self.media.file or "image").name,
                                  self.window())
        self.dialog.show()
        return self.dialog

    @property
    def loaded(self) -> bool:
        return not self._image.isNull()

    def resizeEvent(self, e: Any) -> None:
        super().resizeEvent(e)
        self._fit()

    def _fit(self) -> None:
        if self._image.isNull():
            return
        w = max(50, self.width())
        img = self._image
        if img.width() > w:
            img = img.scaledToWidth(w, Qt.TransformationMode.SmoothTransformation)
        self.setPixmap(QPixmap.fromImage(img))
        self.setFixedHeight(img.height())


class Reference(QWidget):
    """A remote URL as text with a copy button: shown, never fetched."""

    def __init__(self, label: str, url: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.field = QLineEdit(url, self)
        self.field.setReadOnly(True)
        self.field.setCursorPosition(0)
        copy = QToolButton(self)
        copy.setText("Copy")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(url))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(plain_label(label, self, selectable=False, wrap=False))
        lay.addWidget(self.field, 1)
        lay.addWidget(copy)


class PostCard(QFrame):
    """A compact post (an original, a reply in the thread) with a button to
    open it."""

    def __init__(self, row: PostRow, clock: Clock, open_post: Callable[[int], None] | None,
                 parent: QWidget | None = None, current: bool = False):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        head = QHBoxLayout()
        who = plain_label(ltr_line(row.author_name or "", f"@{row.author_handle or '?'}", clock.format(row.created_ts)),
                          self)
        if current:
            f = who.font()
            f.setBold(True)
            who.setFont(f)
        head.addWidget(who, 1)
        if open_post is not None and not current:
            b = QToolButton(self)
            b.setText("Open")
            b.clicked.connect(lambda: open_post(row.id))
            head.addWidget(b)
        lay.addLayout(head)
        text = PlainText(self)
        text.set_post_text(row.display_text)
        lay.addWidget(text)


class DetailPane(QWidget):
    """Shows one post. `openPost` asks the window to show another one."""

    openPost = Signal(object)  # post id
    navigated = Signal(object)  # post id: Back or Forward asks the window to show it
    copied = Signal(str)  # "text", "link" or "id"

    def __init__(self, media_dir: Path, clock: Clock, parent: QWidget | None = None):
        super().__init__(parent)
        self.media_dir = Path(media_dir)
        self.clock = clock
        self.detail: PostDetail | None = None
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self._post_area, self._post_box = self._scroll_tab("Post")
        self._thread_area, self._thread_box = self._scroll_tab("Thread")
        self._source_area, self._source_box = self._scroll_tab("Provenance")
        self.raw = QPlainTextEdit(self)
        self.raw.setReadOnly(True)
        self.raw.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        mono = self.raw.font()
        mono.setFamily("DejaVu Sans Mono")
        mono.setStyleHint(mono.StyleHint.Monospace)
        self.raw.setFont(mono)
        self.tabs.addTab(self.raw, "Raw JSON")
        # Back / Forward through the posts read here (a quoted original
        # opened, then back to the quote), and the copies people reach for.
        self.history: list[int] = []
        self.history_pos = -1
        self._navigating = False
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        bar.setSpacing(2)
        self.back_button = self._tool("◀ Back", "Back to the post read before (Alt+Left)", lambda: self.go(-1))
        self.forward_button = self._tool("Forward ▶", "Forward again (Alt+Right)", lambda: self.go(1))
        self.copy_text_button = self._tool("Copy text", "Copy the post's text", self._copy("text"))
        self.copy_link_button = self._tool("Copy link", "Copy the post's x.com address (as text; nothing is opened)",
                                           self._copy("link"))
        self.copy_id_button = self._tool("Copy id", "Copy the post's id", self._copy("id"))
        for b in (self.back_button, self.forward_button):
            bar.addWidget(b)
        bar.addStretch(1)
        for b in (self.copy_text_button, self.copy_link_button, self.copy_id_button):
            bar.addWidget(b)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(self.tabs)
        self.text: PlainText | None = None
        self.images: list[ImageView] = []
        self.show_empty()

    def _tool(self, text: str, tip: str, slot: Callable[[], Any]) -> QToolButton:
        b = QToolButton(self)
        b.setText(text)
        b.setToolTip(tip)
        b.setAutoRaise(True)
        b.clicked.connect(lambda _=False: slot())
        return b

    def _copy(self, what: str) -> Callable[[], Any]:
        def do() -> None:
            if self.detail is not None:
                {"text": copy_text, "link": copy_link, "id": copy_id}[what](self.detail.row)
                self.copied.emit(what)
        return do

    def go(self, step: int) -> None:
        """Back (-1) or forward (+1) in the posts read here."""
        pos = self.history_pos + step
        if not 0 <= pos < len(self.history):
            return
        self.history_pos = pos
        self._navigating = True
        try:
            self.navigated.emit(self.history[pos])
        finally:
            self._navigating = False
        self._update_nav()

    def _remember(self, post_id: int) -> None:
        if self._navigating or (0 <= self.history_pos < len(self.history)
                                and self.history[self.history_pos] == post_id):
            return
        del self.history[self.history_pos + 1:]
        self.history.append(post_id)
        del self.history[:-100]
        self.history_pos = len(self.history) - 1
        self._update_nav()

    def _update_nav(self) -> None:
        self.back_button.setEnabled(self.history_pos > 0)
        self.forward_button.setEnabled(self.history_pos < len(self.history) - 1)

    def add_footer(self, widget: QWidget) -> None:
        """A widget under the tabs, shown whichever tab is open (the note editor)."""
        self.layout().addWidget(widget)

    def _scroll_tab(self, title: str) -> tuple[QScrollArea, QVBoxLayout]:
        area = QScrollArea(self)
        area.setWidgetResizable(True)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget(area)
        box = QVBoxLayout(inner)
        box.setContentsMargins(10, 8, 10, 10)
        box.setSpacing(4)
        area.setWidget(inner)
        self.tabs.addTab(area, title)
        return area, box

    @staticmethod
    def _clear(box: QVBoxLayout) -> None:
        while box.count():
            item = box.takeAt(0)
            w = item.widget()
            if w is not None:
                # Hidden now: deleteLater alone leaves it drawn until the
                # event loop gets round to it.
                w.hide()
                w.deleteLater()

    def show_empty(self, message: str = "Select a post to see all of it here.") -> None:
        self.detail = None
        if hasattr(self, "copy_text_button"):
            for b in (self.copy_text_button, self.copy_link_button, self.copy_id_button):
                b.setEnabled(False)
            self._update_nav()
        self.text = None
        self.images = []
        for box in (self._post_box, self._thread_box, self._source_box):
            self._clear(box)
        lab = plain_label(message, selectable=False)
        lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._post_box.addWidget(lab)
        self._post_box.addStretch(1)
        self.raw.setPlainText("")

    def show_detail(self, d: PostDetail, highlights: list[tuple[int, int]] | None = None) -> None:
        self.detail = d
        self._remember(d.row.id)
        for b in (self.copy_text_button, self.copy_link_button, self.copy_id_button):
            b.setEnabled(True)
        for box in (self._post_box, self._thread_box, self._source_box):
            self._clear(box)
        self._fill_post(d, highlights or [])
        self._fill_thread(d)
        self._fill_sources(d)
        self._post_area.verticalScrollBar().setValue(0)

    # -- the post tab ---------------------------------------------------------------
    def _fill_post(self, d: PostDetail, highlights: list[tuple[int, int]]) -> None:
        box = self._post_box
        row, post = d.row, d.post
        name = plain_label(row.author_name or row.author_handle or "unknown")
        f = name.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.15)
        name.setFont(f)
        box.addWidget(name)
        meta = [f"@{row.author_handle}" if row.author_handle else "",
                f"{self.clock.format(row.created_ts, seconds=True)} ({self.clock.label()})",
                post.get("created_at") or "", f"id {row.id}"]
        box.addWidget(plain_label(ltr_line(*meta)))
        ctx = context_line(row)
        if ctx:
            box.addWidget(plain_label(ctx))
        self.text = PlainText()
        self.text.setObjectName("postText")
        # A retweet reads as its original; the retweet's own text (often a
        # cut "RT @x: …") is in the raw JSON.
        self.text.set_post_text(row.display_text, highlights)
        box.addWidget(self.text)

        if d.original is not None:
            sec = Section("Retweeted post" if row.kind == "retweet" else "Quoted post")
            sec.body.addWidget(PostCard(d.original, self.clock, self.openPost.emit))
            box.addWidget(sec)
        elif row.retweet_of or row.quote_of:
            box.addWidget(plain_label(f"The original ({row.retweet_of or row.quote_of}) is not in the collection."))

        media = row.display_media
        local = [m for m in media if m.local]
        self.images = []
        if local:
            sec = Section(f"Images ({len(local)})")
            for m in local:
                view = ImageView(self.media_dir, m)
                self.images.append(view)
                sec.body.addWidget(view)
                if m.alt_text:
                    sec.body.addWidget(plain_label(f"Alt text: {m.alt_text}"))
            box.addWidget(sec)
        remote = [m for m in media if m.url]
        if remote:
            sec = Section("Media as the archive referenced it (not downloaded)")
            for m in remote:
                sec.body.addWidget(Reference(f"{m.type or 'media'}{' (stored)' if m.local else ''}", m.url or ""))
            box.addWidget(sec)
        if d.urls:
            sec = Section("Links")
            for url, expanded in d.urls:
                sec.body.addWidget(Reference("link", expanded or url))
            box.addWidget(sec)

        sec = Section("Tags and notes")
        if d.tags:
            sec.body.addWidget(plain_label("Tags: " + ", ".join(t[0] for t in d.tags)))
        for text, author, when in d.notes:
            sec.body.addWidget(plain_label(f"Note{f' by {author}' if author else ''}{f' ({when})' if when else ''}:"))
            note = PlainText()
            note.set_post_text(text or "")
            sec.body.addWidget(note)
        if not d.tags and not d.notes:
            sec.body.addWidget(plain_label("No tags or notes yet.", selectable=False))
        box.addWidget(sec)

        lang = post.get("lang")
        facts = [("Kind", row.kind), ("Language", label_for("langs", lang) if lang else None),
                 ("Posted with", post.get("source_app")),
                 ("Place", post.get("place")), ("Conversation", post.get("conversation_id")),
                 ("Retweets", post.get("retweet_count")), ("Replies", post.get("reply_count")),
                 ("Likes", post.get("like_count")), ("Quotes", post.get("quote_count")),
                 ("Deleted", "yes" if post.get("deleted") else None)]
        sec = Section("About this post")
        sec.body.addWidget(plain_label("\n".join(f"{k}: {v}" for k, v in facts if v not in (None, ""))))
        box.addWidget(sec)
        if d.author:
            a = d.author
            sec = Section("Author")
            # One paragraph each, so each reads in its own direction.
            lines = [a.get("name") or "", f"@{a.get('handle') or ''}"]
            if a.get("bio"):
                lines.append(a["bio"])
            counts = [f"{a[k]:,} {label}" for k, label in (("followers_count", "followers"),
                      ("following_count", "following"), ("tweet_count", "posts")) if a.get(k) is not None]
            if counts:
                lines.append(" · ".join(counts))
            if a.get("location"):
                lines.append(a["location"])
            bio = PlainText()
            bio.set_post_text("\n".join(lines))
            sec.body.addWidget(bio)
            box.addWidget(sec)
        box.addStretch(1)

    # -- thread -------------------------------------------------------------------------
    def _fill_thread(self, d: PostDetail) -> None:
        box = self._thread_box
        if not d.ancestors and not d.replies and not d.row.reply_to:
            box.addWidget(plain_label("Not part of a conversation in this collection.", selectable=False))
        if d.row.reply_to and (not d.ancestors or d.ancestors[-1].id != d.row.reply_to):
            box.addWidget(plain_label(f"Replies to {d.row.reply_to}, which is not in the collection."))
        elif d.ancestors and d.ancestors[0].reply_to:
            box.addWidget(plain_label("Earlier posts of this conversation are not in the collection."))
        for r in d.ancestors:
            box.addWidget(PostCard(r, self.clock, self.openPost.emit))
        box.addWidget(PostCard(d.row, self.clock, None, current=True))
        if d.replies:
            box.addWidget(plain_label(f"Replies in the collection ({len(d.replies)}):", selectable=False))
            for r in d.replies:
                box.addWidget(PostCard(r, self.clock, self.openPost.emit))
        box.addStretch(1)

    # -- provenance and raw -----------------------------------------------------------
    def _fill_sources(self, d: PostDetail) -> None:
        box = self._source_box
        if not d.raw:
            box.addWidget(plain_label("No source record is stored for this post.", selectable=False))
        parts = []
        for r in d.raw:
            how = "collected" if r.collected else "carried inside another post"
            box.addWidget(plain_label(f"{r.source_name} — {r.location or 'whole file'}"
                                      f" ({r.format or 'unknown format'}, {how})\n{r.source_path}"))
            parts.append(f"// {r.source_name} — {r.location or ''} ({r.format or ''})\n{r.json_text}")
        box.addStretch(1)
        self.raw.setPlainText("\n\n".join(parts))
