"""The QApplication: names (for QSettings), the font that shapes Arabic, the
colour scheme, and the first launch."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImageReader, QPalette
from PySide6.QtWidgets import QApplication

from viewer.collection import Collection
from viewer.paths import icon, sample_archive
from viewer.ui import theme
from viewer.ui.main_window import MainWindow
from viewer.ui.settings import APP, ORG, Settings


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        QApplication.setOrganizationName(ORG)
        QApplication.setApplicationName(APP)
        # Ties the window to the menu entry `desktop-entry --install` writes.
        QGuiApplication.setDesktopFileName("archive-viewer")
        app = QApplication(argv if argv is not None else sys.argv[:1])
    if icon().exists():
        app.setWindowIcon(QIcon(str(icon())))
    # Images from archives are decoded under a memory cap (MB).
    QImageReader.setAllocationLimit(256)
    theme.install_font(app)  # type: ignore[arg-type]
    return app  # type: ignore[return-value]


def _dark_palette() -> QPalette:
    p = QPalette()
    c = QColor
    for role, colour in (
        (QPalette.ColorRole.Window, c(45, 45, 48)), (QPalette.ColorRole.WindowText, c(230, 230, 230)),
        (QPalette.ColorRole.Base, c(30, 30, 32)), (QPalette.ColorRole.AlternateBase, c(52, 52, 56)),
        (QPalette.ColorRole.Text, c(230, 230, 230)), (QPalette.ColorRole.Button, c(52, 52, 56)),
        (QPalette.ColorRole.ButtonText, c(230, 230, 230)), (QPalette.ColorRole.Highlight, c(42, 100, 170)),
        (QPalette.ColorRole.HighlightedText, c(255, 255, 255)), (QPalette.ColorRole.ToolTipBase, c(52, 52, 56)),
        (QPalette.ColorRole.ToolTipText, c(230, 230, 230)), (QPalette.ColorRole.Link, c(120, 170, 240)),
        (QPalette.ColorRole.PlaceholderText, c(150, 150, 150)),
    ):
        p.setColor(role, colour)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, c(120, 120, 120))
    return p


def apply_color_scheme(scheme: str) -> None:
    """Follow the system (its light or dark palette), or force one. Where the
    platform cannot switch (offscreen, older desktops) a dark palette is set
    by hand."""
    app = QApplication.instance()
    if app is None:
        return
    hints = QGuiApplication.styleHints()
    if scheme == "system":
        if hasattr(hints, "unsetColorScheme"):
            hints.unsetColorScheme()
        app.setPalette(app.style().standardPalette())
        return
    want = Qt.ColorScheme.Dark if scheme == "dark" else Qt.ColorScheme.Light
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(want)
    if scheme == "dark" and not theme.is_dark(app.palette()):
        app.setPalette(_dark_palette())
    elif scheme == "light" and theme.is_dark(app.palette()):
        app.setPalette(app.style().standardPalette())


def open_main_window(collection_path: Path, settings: Settings, query: str | None = None,
                     sample: Path | None = None) -> MainWindow:
    """The window, shown; on first launch (no collection there yet) it imports
    the sample in the background with the progress panel, then shows it."""
    first = not Collection.exists(collection_path)
    window = MainWindow(collection_path, settings, query=query)
    window.show()
    sample = sample or sample_archive()
    if first and sample.exists():
        window.import_sample(sample)
    return window


def run_gui(collection_path: Path, query: str | None = None) -> int:
    app = make_app()
    settings = Settings()
    apply_color_scheme(settings.color_scheme)
    window = open_main_window(collection_path, settings, query)
    code = app.exec()
    del window  # kept alive until the event loop is over
    return code
