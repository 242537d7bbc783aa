"""Which way a paragraph reads: right-to-left when it is mostly Arabic.

Qt's own rule (the first strong character decides) misreads the common tweet
that opens with a Latin @handle, URL or hashtag and goes on in Arabic, so the
letters are counted instead, leaving out handles and links, which say nothing
about the writer's language.
"""
from __future__ import annotations

import re

from PySide6.QtCore import Qt

_SKIP = re.compile(r"@\w+|https?://\S+|www\.\S+")
# Arabic, Syriac, Thaana, NKo, Hebrew and the Arabic presentation forms.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LTR = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")


def is_rtl(paragraph: str) -> bool:
    """True when the paragraph should read right-to-left: it has at least as
    many right-to-left letters as left-to-right ones, and some."""
    if paragraph.isascii():
        return False
    text = _SKIP.sub(" ", paragraph)
    rtl = len(_RTL.findall(text))
    return rtl > 0 and rtl >= len(_LTR.findall(text))


def direction(paragraph: str) -> Qt.LayoutDirection:
    return Qt.LayoutDirection.RightToLeft if is_rtl(paragraph) else Qt.LayoutDirection.LeftToRight
