"""The timeline as it is painted: direction per paragraph, plain text only,
thumbnails of local images, rows read on demand."""
from __future__ import annotations

import io
import select
import socket

import pytest
from PySide6.QtCore import QBuffer, QIODevice, QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel
from ui_helpers import WAIT_MS, build_collection, post

from viewer.model import LocalFile, Media, User
from viewer.ui.detail.pane import Reference
from viewer.ui.timeline import PostRole

ARABIC = "الموصل تتحرر اليوم"
ENGLISH = "Mosul is free today"


def ink_span(img: QImage, rect: QRect, background: QColor) -> tuple[int, int] | None:
    """Leftmost and rightmost x in rect whose pixel differs from the background."""
    lo, hi = None, None
    for y in range(rect.top(), rect.bottom(), 2):
        for x in range(rect.left(), rect.right()):
            c = img.pixelColor(x, y)
            if abs(c.lightness() - background.lightness()) > 60:
                lo = x if lo is None else min(lo, x)
                hi = x if hi is None else max(hi, x)
    return None if lo is None else (lo, hi)


def text_ink(window, row: int) -> tuple[tuple[int, int], QRect]:  # type: ignore[no-untyped-def]
    """Where the text of a row is painted, and the area it may use."""
    view = window.timeline
    index = window.model.index(row)
    view.scrollTo(index)
    rect = view.visualRect(index)
    area = window.delegate.text_rect(rect, index.data(PostRole))
    first_line = QRect(area.left(), area.top(), area.width(), window.delegate.line)
    img = view.viewport().grab().toImage()
    bg = img.pixelColor(rect.right() - 2, area.top() + 2)
    span = ink_span(img, first_line, bg)
    assert span is not None, "the row's text was not painted"
    return span, area


@pytest.fixture
def bidi_collection(tmp_path):  # type: ignore[no-untyped-def]
    return build_collection(tmp_path / "c", [
        post(1, ARABIC, lang="ar"),
        post(2, ENGLISH),
        post(3, "@reporter_mosul " + ARABIC + " #FreeMosul", lang="ar"),
        post(4, "Families fleeing الموصل tonight"),
        post(5, "Update from the front line\n" + ARABIC, lang="und"),
    ])


def rows_by_text(window) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {window.model.index(i).data(PostRole).text: i for i in range(window.model.rowCount())}


def test_an_arabic_querys_rows_paint_right_to_left(qtbot, open_window, bidi_collection):
    window = open_window(bidi_collection, query="الموصل")
    rows = rows_by_text(window)
    for text in (ARABIC, "@reporter_mosul " + ARABIC + " #FreeMosul"):
        (lo, hi), area = text_ink(window, rows[text])
        assert area.right() - hi < 12, f"{text!r} does not start at the right edge"
        assert lo - area.left() > area.width() // 3, f"{text!r} runs to the left edge"


def test_english_rows_paint_left_to_right(qtbot, open_window, bidi_collection):
    window = open_window(bidi_collection)
    (lo, hi), area = text_ink(window, rows_by_text(window)[ENGLISH])
    assert lo - area.left() < 12
    assert area.right() - hi > area.width() // 3


def test_a_mostly_english_line_with_an_arabic_word_stays_left_to_right(qtbot, open_window, bidi_collection):
    window = open_window(bidi_collection)
    (lo, hi), area = text_ink(window, rows_by_text(window)["Families fleeing الموصل tonight"])
    assert lo - area.left() < 12


def test_each_paragraph_takes_its_own_direction(qtbot, open_window, bidi_collection):
    window = open_window(bidi_collection)
    index = window.model.index(rows_by_text(window)["Update from the front line\n" + ARABIC])
    assert window.delegate.paragraph_directions(index) == [("Update from the front line", False), (ARABIC, True)]
    # And as painted: the second line hugs the right edge.
    view = window.timeline
    view.scrollTo(index)
    rect = view.visualRect(index)
    area = window.delegate.text_rect(rect, index.data(PostRole))
    img = view.viewport().grab().toImage()
    bg = img.pixelColor(rect.right() - 2, area.top() + 2)
    line = window.delegate.line
    first = ink_span(img, QRect(area.left(), area.top(), area.width(), line), bg)
    second = ink_span(img, QRect(area.left(), area.top() + line, area.width(), line), bg)
    assert first[0] - area.left() < 12 and area.right() - first[1] > area.width() // 3
    assert area.right() - second[1] < 12 and second[0] - area.left() > area.width() // 3


def test_the_detail_pane_gives_each_paragraph_its_direction(qtbot, open_window, bidi_collection):
    window = open_window(bidi_collection)
    with qtbot.waitSignal(window.detailShown, timeout=WAIT_MS):
        row = rows_by_text(window)["Update from the front line\n" + ARABIC]
        window.timeline.setCurrentIndex(window.model.index(row))
    assert window.detail.text.paragraph_directions() == [("Update from the front line", False), (ARABIC, True)]


def test_matches_of_the_query_are_highlighted(qtbot, open_window, bidi_collection):
    window = open_window(bidi_collection, query="Mosul")
    from viewer.ui.timeline import HighlightRole

    index = window.model.index(rows_by_text(window)[ENGLISH])
    spans = index.data(HighlightRole)
    assert (0, 5) in [tuple(s) for s in spans]


@pytest.mark.enable_socket
def test_markup_in_a_post_is_shown_as_text_and_never_loaded(qtbot, open_window, tmp_path):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    port = server.getsockname()[1]
    try:
        markup = f'<img src="http://127.0.0.1:{port}/x.png"> <b>bold</b> <a href="http://127.0.0.1:{port}/">link</a>'
        name = f'<img src="http://127.0.0.1:{port}/name.png">Name'
        bio = f'<img src="http://127.0.0.1:{port}/bio.png">'
        remote = Media("1", "photo", url=f"http://127.0.0.1:{port}/media.jpg")
        path = build_collection(tmp_path / "c", [post(1, markup, author_name=name, media=[remote])],
                                users=[User(42, "reporter_mosul", name=name, bio=bio)])
        window = open_window(path)
        index = window.model.index(0)
        assert "<img" in index.data()
        with qtbot.waitSignal(window.detailShown, timeout=WAIT_MS):
            window.show_post(index.data(PostRole).id)
        window.grab()  # paint every pane
        assert window.detail.text.toPlainText() == markup
        labels = [lab.text() for lab in window.detail.findChildren(QLabel)]
        assert any(name in t for t in labels)
        assert all(lab.textFormat().name == "PlainText" for lab in window.detail.findChildren(QLabel)
                   if "<" in lab.text())
        # The remote image is a reference to copy, not a picture.
        refs = [r.field.text() for r in window.detail.findChildren(Reference)]
        assert f"http://127.0.0.1:{port}/media.jpg" in refs
        qtbot.wait(0)
        ready, _, _ = select.select([server], [], [], 0.3)
        assert not ready, "the window connected to the port named in the post"
    finally:
        server.close()


def _png(colour: str, w: int = 400, h: int = 300) -> bytes:
    img = QImage(w, h, QImage.Format.Format_RGB32)
    img.fill(QColor(colour))
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    return bytes(buf.data())


def image_post(i: int, colour: str = "#2e7d32"):  # type: ignore[no-untyped-def]
    data = _png(colour)
    local = LocalFile(f"data/tweets_media/{i}-photo.png", lambda: io.BytesIO(data), len(data))
    return post(i, f"Photo {i} from the front line #Mosul",
                media=[Media(str(i), "photo", url=f"https://pbs.twimg.com/media/{i}.png", local=local,
                             width=400, height=300)])


def test_thumbnails_of_local_images_are_made_in_the_background_and_cached(qtbot, open_window, tmp_path):
    path = build_collection(tmp_path / "c", [image_post(1)])
    window = open_window(path)
    media = window.model.index(0).data(PostRole).display_media[0]
    window.timeline.viewport().repaint()  # painting the row asks for its thumbnail
    qtbot.waitUntil(lambda: window.thumbs.pixmap(media.sha256, media.file) is not None, timeout=WAIT_MS)
    sha = media.sha256
    cached = list((path / "thumbs").rglob(f"{sha}-*.png"))
    assert len(cached) == 1
    # The thumbnail is painted: the row's right side carries the image's green.
    img = window.timeline.viewport().grab().toImage()
    rect = window.timeline.visualRect(window.model.index(0))
    x = rect.right() - window.delegate.PAD - window.delegate.thumb // 2
    y = rect.top() + window.delegate.PAD + window.delegate.line + 4 + window.delegate.thumb // 2
    c = img.pixelColor(x, y)
    assert c.green() > 100 and c.red() < 80


def test_rows_are_read_from_the_collection_page_by_page(qtbot, open_window, tmp_path):
    path = build_collection(tmp_path / "c", [post(i, f"Post number {i}") for i in range(1500)])
    window = open_window(path)
    model = window.model
    assert model.rowCount() == 1500
    window.timeline.viewport().repaint()
    assert 1 <= model.loaded_pages <= 2  # a screenful, not 1,500 rows
    window.timeline.scrollToBottom()
    window.timeline.viewport().repaint()
    assert model.index(1499).data(PostRole).text == "Post number 1499"
    for i in range(0, 1500, 20):
        model.index(i).data(PostRole)
    from viewer.ui.timeline import MAX_PAGES

    assert model.loaded_pages <= MAX_PAGES


def test_a_retweet_reads_as_its_original_with_who_retweeted_it(qtbot, open_window, tmp_path):
    original = post(1, "Mosul is Iraq in miniature. #FreeMosul", author_id=7, author_handle="thinker",
                    author_name="A Thinker", collected=False)
    rt = post(2, "RT @thinker: Mosul is Iraq in miniature.", kind="retweet", retweet_of=original.id,
              text_full=False)
    window = open_window(build_collection(tmp_path / "c", [original, rt]))
    assert window.model.rowCount() == 1
    row = window.model.index(0).data(PostRole)
    assert row.display_text == "Mosul is Iraq in miniature. #FreeMosul"
    from viewer.ui.timeline import context_line

    assert context_line(row) == "↻ retweeted @thinker"


def test_the_whole_collection_shows_before_the_search_answers_in_the_searchs_order(qtbot, settings, tmp_path):
    from viewer.ui.main_window import MainWindow
    from viewer.ui.timeline import IdRole

    # Some posts share a minute: ties are ordered as the search orders them.
    posts = [post(i // 3, f"Post {i}", id=790_000_000_000_000_000 + (i * 7919) % 1000) for i in range(300)]
    path = build_collection(tmp_path / "c", posts)
    for sort in ("time", "-time"):
        settings.sort = sort
        w = MainWindow(path, settings)
        qtbot.addWidget(w)
        try:
            assert w.model.rowCount() == 300  # before any event is processed: no search has answered
            before = [w.model.index(i).data(IdRole) for i in range(300)]
            with qtbot.waitSignal(w.resultsApplied, timeout=WAIT_MS):
                w.show()
            assert [w.model.index(i).data(IdRole) for i in range(300)] == before
        finally:
            w.session.close()
