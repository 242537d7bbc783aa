"""`archive-viewer snapshot`: the window rendered offscreen to a PNG, with a
query applied, for reports and tests."""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

WAIT_SECONDS = 60


def _wait(predicate, timeout: float = WAIT_SECONDS) -> bool:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()
        QApplication.processEvents()
    return True


def render_snapshot(collection_path: Path, out: Path, query: str = "", size: tuple[int, int] = (1366, 768),
                    select: int | None = None, scheme: str = "light") -> Path:
    """Open the window on the collection, run the query, wait until the list,
    chart, facets, thumbnails and detail images are in, and save a PNG."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from viewer.ui.app import apply_color_scheme, make_app
    from viewer.ui.main_window import MainWindow
    from viewer.ui.settings import Settings

    app = make_app()
    apply_color_scheme(scheme)
    with tempfile.TemporaryDirectory() as tmp:
        # A throwaway settings file: a snapshot never changes the user's.
        window = MainWindow(collection_path, Settings.at(str(Path(tmp) / "settings.ini")), query=query)
        window.resize(*size)
        window.show()
        _wait(lambda: window.settled)
        if select is not None:
            window.show_post(select)
        app.processEvents()
        # Paint once so the delegate asks for the thumbnails it needs.
        window.grab()
        _wait(lambda: window.thumbs.pending == 0, 20)
        _wait(lambda: all(v.loaded or v.text() != "loading image …" for v in window.detail.images), 20)
        # The list has the focus, as after a click: no blinking caret in the
        # shot; and the search field's clear button has finished fading in.
        window.timeline.setFocus()
        settle = time.monotonic() + 0.4
        _wait(lambda: time.monotonic() > settle, 5)
        image = window.grab()
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(out), "PNG"):
            raise OSError(f"{out}: could not write the PNG")
        window.session.close()
        window.close()
        window.deleteLater()
        app.processEvents()
    return out
