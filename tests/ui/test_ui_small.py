"""The small things people reach for: Copy text / link / id, an image viewed
large, Back and Forward in the detail pane, Help › Keyboard shortcuts and
Help › About."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QToolButton
from ui_helpers import WAIT_MS

from viewer.store.post_detail import load_detail
from viewer.ui.copying import post_link

QUOTE, ORIGINAL = 787756892944748547, 787528776320458758
WITH_IMAGE = 885252046159519750


def test_copy_link_gives_the_posts_x_com_address_as_text(qtbot, window):
    window.show_post(QUOTE)
    clipboard = QGuiApplication.clipboard()
    qtbot.mouseClick(window.detail.copy_link_button, Qt.MouseButton.LeftButton)
    assert clipboard.text() == f"https://x.com/NinawaNow/status/{QUOTE}"
    qtbot.mouseClick(window.detail.copy_id_button, Qt.MouseButton.LeftButton)
    assert clipboard.text() == str(QUOTE)
    qtbot.mouseClick(window.detail.copy_text_button, Qt.MouseButton.LeftButton)
    assert clipboard.text() == load_detail(window.coll.db, QUOTE).row.display_text
    assert post_link(None, 5) == "https://x.com/i/status/5"


def test_the_timelines_context_menu_copies_the_current_posts_link(qtbot, window):
    from viewer.ui.curation.controller import install_curation

    ui = install_curation(window)
    window.show_post(QUOTE)
    menu = ui.build_context_menu()
    link = next(a for a in menu.actions() if a.text().replace("&", "") == "Copy post link")
    link.trigger()
    assert QGuiApplication.clipboard().text() == f"https://x.com/NinawaNow/status/{QUOTE}"


def test_back_returns_from_a_quoted_original_and_forward_goes_to_it_again(qtbot, window):
    window.show_post(QUOTE)
    def open_buttons() -> list[QToolButton]:
        return [b for b in window.detail.findChildren(QToolButton) if b.text() == "Open" and b.isVisible()]

    qtbot.waitUntil(lambda: len(open_buttons()) == 1, timeout=WAIT_MS)  # the quoted post's card
    (card_open,) = open_buttons()
    with qtbot.waitSignal(window.detailShown, timeout=WAIT_MS):
        qtbot.mouseClick(card_open, Qt.MouseButton.LeftButton)
    assert window.detail.detail.row.id == ORIGINAL
    assert window.detail.back_button.isEnabled() and not window.detail.forward_button.isEnabled()
    qtbot.mouseClick(window.detail.back_button, Qt.MouseButton.LeftButton)
    assert window.detail.detail.row.id == QUOTE
    assert window.current_post_id() == QUOTE
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(window.timeline, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.detail.detail.row.id == ORIGINAL


def test_clicking_an_image_shows_it_large(qtbot, window):
    window.show_post(WITH_IMAGE)
    view = window.detail.images[0]
    qtbot.waitUntil(lambda: view.loaded, timeout=WAIT_MS)
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert dialog is not None and dialog.isVisible()
    shown = dialog.label.pixmap()
    image = view._image
    room = dialog.screen().availableGeometry()
    fits = image.width() <= room.width() - 80 and image.height() <= room.height() - 120
    expected = image.size() if fits else image.size().scaled(room.width() - 80, room.height() - 120,
                                                             Qt.AspectRatioMode.KeepAspectRatio)
    assert shown.size() == expected
    assert shown.width() >= view.pixmap().width()  # larger than in the pane (or the same, when it fitted)


def test_help_lists_the_keyboard_shortcuts_and_about_says_the_version(qtbot, window):
    from viewer.ui.curation.controller import install_curation
    from viewer.ui.help import version

    install_curation(window)
    rows = window.show_shortcuts().rows()
    assert ("Ctrl+Z", "Edit › Undo") in rows
    assert ("Ctrl+Down", "Go › Next post") in rows
    assert ("T", "Tag the selection") in rows
    about = window.show_about()
    assert f"archive-viewer {version()}" in about.label.text()
    assert version()[0].isdigit()


def test_the_detail_pane_names_the_posts_language(window):
    window.show_post(QUOTE)
    texts = [lab.text() for lab in window.detail.findChildren(QLabel)]
    assert any("Language: Arabic (ar)" in t for t in texts)
