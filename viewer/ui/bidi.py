"""Text direction in the window: the rules live in viewer.bidi (no Qt), this
adds the Qt direction value."""
from __future__ import annotations

from PySide6.QtCore import Qt

from viewer.bidi import FSI, PDI, first_strong, is_rtl, isolate, isolated, runs

__all__ = ["FSI", "PDI", "first_strong", "is_rtl", "isolate", "isolated", "runs", "direction"]


def direction(paragraph: str) -> Qt.LayoutDirection:
    return Qt.LayoutDirection.RightToLeft if is_rtl(paragraph) else Qt.LayoutDirection.LeftToRight
