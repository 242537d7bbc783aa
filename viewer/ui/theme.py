"""Colours derived from the palette, so light and dark system themes both
read well; and the font that shapes Arabic."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

# Families known to carry Arabic glyphs, tried before the platform default
# when that default cannot shape Arabic.
ARABIC_FAMILIES = ["Noto Sans", "Noto Sans Arabic", "Segoe UI", "Geeza Pro", "Tahoma", "DejaVu Sans",
                   "Arial", "FreeSans"]


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """a blended towards b by t (0 → a, 1 → b)."""
    return QColor(int(a.red() + (b.red() - a.red()) * t), int(a.green() + (b.green() - a.green()) * t),
                  int(a.blue() + (b.blue() - a.blue()) * t))


def dim_text(palette: QPalette) -> QColor:
    return mix(palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base), 0.45)


def match_background(palette: QPalette) -> QColor:
    return QColor("#7a5d00") if is_dark(palette) else QColor("#ffe58a")


def match_text(palette: QPalette) -> QColor:
    return QColor("#fff6d5") if is_dark(palette) else QColor("#000000")


def hashtag_chip(palette: QPalette) -> tuple[QColor, QColor]:
    """(fill, text) of a hashtag chip."""
    if is_dark(palette):
        return QColor("#1f3a5a"), QColor("#a8cdf5")
    return QColor("#e3effc"), QColor("#1a5599")


def tag_chip(colour: str | None, palette: QPalette) -> tuple[QColor, QColor]:
    fill = QColor(colour) if colour and QColor.isValidColorName(colour) else (
        QColor("#5a4a1f") if is_dark(palette) else QColor("#f6e7c1"))
    text = QColor("#000000") if fill.lightness() > 140 else QColor("#ffffff")
    return fill, text


def marker_colour(palette: QPalette) -> QColor:
    return QColor("#ff8a65") if is_dark(palette) else QColor("#c62828")


def bar_colour(palette: QPalette) -> QColor:
    return QColor("#5b9bd5") if is_dark(palette) else QColor("#3b78c2")


def has_arabic(family: str) -> bool:
    return QFontDatabase.WritingSystem.Arabic in QFontDatabase.writingSystems(family)


def arabic_capable_font(base: QFont) -> QFont:
    """`base`, or the same size in a family that shapes Arabic when the
    platform default has no Arabic (the fallback machinery may still find
    glyphs, but a single family keeps line heights even)."""
    if has_arabic(base.family()):
        return base
    families = set(QFontDatabase.families())
    for fam in ARABIC_FAMILIES:
        if fam in families and has_arabic(fam):
            f = QFont(base)
            f.setFamily(fam)
            return f
    return base


def install_font(app: QGuiApplication) -> QFont:
    font = arabic_capable_font(app.font())
    app.setFont(font)
    return font


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
    if scheme == "dark" and not is_dark(app.palette()):
        app.setPalette(_dark_palette())
    elif scheme == "light" and is_dark(app.palette()):
        app.setPalette(app.style().standardPalette())
