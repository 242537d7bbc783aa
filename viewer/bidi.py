"""Which way a paragraph reads, and the runs that keep their own order.

As on Twitter and in browsers (`dir="auto"`): a paragraph reads in the
direction of its first strong letter (Unicode's rule P2–P3). Handles,
hashtags, URLs and numbers are *isolated*: wrapped in FIRST STRONG ISOLATE …
POP DIRECTIONAL ISOLATE for display only, so that

- they keep their own order inside a paragraph of the other direction
  (an Arabic reply shows "@NinawaNow", not "NinawaNow@"; "#IDPs", not "IDPs#");
- they do not decide the paragraph's direction: rule P2 skips what is inside
  an isolate, so an Arabic reply that opens with a Latin @handle still reads
  right to left.

The isolate marks are never stored: `isolate()` returns the display text
with a map from offsets in the stored text to offsets in the display text
(highlights and cursor positions are given in stored-text offsets).
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from typing import Callable

FSI = "\u2068"  # FIRST STRONG ISOLATE
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE
_ISOLATE_OPENERS = {"\u2066", "\u2067", FSI}

# What keeps its own order: URLs, @handles, #hashtags (any script), numbers
# with their separators (dates, times, 1,200), each as one run.
_RUN = re.compile(
    r"(?:https?://|www\.|pic\.twitter\.com/)\S+"
    r"|[@＠]\w+"
    r"|[#＃]\w+"
    # A number standing alone: the digits inside a word (a link's code,
    # "JC4tI6") are part of it, and isolated apart they would leave it.
    r"|(?<!\w)\d+(?:[.,:/\-]\d+)*%?(?!\w)")


def _strong(ch: str) -> str | None:
    kind = unicodedata.bidirectional(ch)
    if kind == "L":
        return "L"
    if kind in ("R", "AL"):
        return "R"
    return None


def first_strong(text: str) -> str | None:
    """'L', 'R' or None: the first strong character outside isolates (P2)."""
    depth = 0
    for ch in text:
        if ch in _ISOLATE_OPENERS:
            depth += 1
        elif ch == PDI:
            depth = max(0, depth - 1)
        elif depth == 0:
            s = _strong(ch)
            if s is not None:
                return s
    return None


def is_rtl(paragraph: str) -> bool:
    """True when the paragraph reads right to left: its first strong letter,
    leaving out handles, hashtags, URLs and numbers, is right-to-left."""
    if paragraph.isascii():
        return False
    return first_strong(isolate(paragraph)[0]) == "R"


def isolate(text: str) -> tuple[str, Callable[[int], int]]:
    """The display text, each handle, hashtag, URL and number wrapped in
    FSI … PDI, and a function from stored offsets to display offsets."""
    if text.isascii() and not any(c in text for c in "@#") and not any(c.isdigit() for c in text) \
            and "http" not in text and "www." not in text and "pic.twitter.com/" not in text:
        return text, _same
    out: list[str] = []
    # Stored offsets at which the display text has gained one more mark.
    shifts: list[int] = []
    last = 0
    for m in _RUN.finditer(text):
        a, b = m.span()
        out.append(text[last:a])
        out.append(FSI)
        shifts.append(a)  # a character at offset >= a moves one to the right …
        out.append(text[a:b])
        out.append(PDI)
        shifts.append(b)  # … and one more from b on
        last = b
    if not shifts:
        return text, _same
    out.append(text[last:])

    def to_display(offset: int) -> int:
        # Offsets at a run's start go inside the isolate (after its FSI), as a
        # highlight of the run should cover its letters.
        return offset + bisect_right(shifts, offset)

    return "".join(out), to_display


def _same(offset: int) -> int:
    return offset


def isolated(text: str) -> str:
    """One label (a name, a tag, a hashtag chip) as its own isolate, so it
    reads in its own direction whatever surrounds it."""
    return f"{FSI}{text}{PDI}" if text and not text.isascii() else text


def runs(text: str) -> list[tuple[str, bool]]:
    """The text cut into (piece, is an isolated run) pieces: for writers that
    isolate with markup instead of marks (HTML's <bdi>)."""
    out: list[tuple[str, bool]] = []
    last = 0
    for m in _RUN.finditer(text):
        if m.start() > last:
            out.append((text[last:m.start()], False))
        out.append((m.group(), True))
        last = m.end()
    if last < len(text):
        out.append((text[last:], False))
    return out
