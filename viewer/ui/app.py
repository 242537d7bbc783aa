"""The QApplication: names (for QSettings), the font that shapes Arabic, the
colour scheme (theme.apply_color_scheme, re-exported here), and the first launch."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication, QIcon, QImageReader
from PySide6.QtWidgets import QApplication

from viewer.collection import Collection
from viewer.paths import icon, sample_archive
from viewer.ui import theme
from viewer.ui.theme import apply_color_scheme
from viewer.ui.main_window import MainWindow
from viewer.ui.settings import APP, ORG, Settings

__all__ = ["make_app", "apply_color_scheme", "open_main_window", "run_gui"]


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


def start_collection(settings: Settings, given: Path | None, default: Path) -> Path:
    """The collection to open: the one named (--collection, the environment),
    else the last one opened if it is still there, else the default."""
    if given is not None:
        return given
    last = settings.last_collection
    if last and Collection.exists(Path(last)):
        return Path(last)
    return default


def run_gui(collection_path: Path | None, query: str | None = None, default: Path | None = None) -> int:
    """`collection_path` None: reopen the last collection (or `default`)."""
    app = make_app()
    settings = Settings()
    apply_color_scheme(settings.color_scheme)
    path = start_collection(settings, collection_path, default or Path.cwd() / "collection")
    window = open_main_window(path, settings, query)
    code = app.exec()
    del window  # kept alive until the event loop is over (windows of other collections keep themselves)
    return code
