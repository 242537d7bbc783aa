"""Arabic and English text analysis, shared by the index and the query side.

Everything that turns text into searchable terms lives here, so the index,
the query side and the facets compare the very same forms. Two kinds of
field need two analyzers:

* ``text_analyzer()`` for post text: a Whoosh pipeline
  ``TweetTokenizer() | CaseFoldFilter() | ArabicNormalizeFilter()
  | ArabicStemFilter() | LatinStemFilter()``, each step a small filter with
  its own test (STYLE.md, "Whoosh itself").
* ``exact_analyzer()`` for hashtags and handles: one folded token per value,
  never stemmed, so ``#FreeMosul`` is one exact facet value.

This module knows nothing of Qt or SQLite and does nothing when imported
beyond compiling its tables and patterns.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable, Iterator
from urllib.parse import unquote

from whoosh.analysis import (
    Analyzer,
    Filter,
    RegexTokenizer,
    Token,
    Tokenizer,
)
import Stemmer

from viewer.textproc.arabic import stem_arabic

__all__ = [
    "ANALYSIS_VERSION",
    "MARKS_CLASS",
    "normalize_arabic",
    "fold",
    "normalize_tag",
    "normalize_handle",
    "stem_arabic",
    "stem_latin",
    "analyze",
    "text_analyzer",
    "exact_analyzer",
    "is_arabic",
    "TweetTokenizer",
    "CaseFoldFilter",
    "ArabicNormalizeFilter",
    "ArabicStemFilter",
    "LatinStemFilter",
    "ExactFoldFilter",
]

# An index built with one analysis cannot be searched with another: the index
# module stores this number and rebuilds when it changes. Bump it whenever a
# change here changes the terms any text produces.
ANALYSIS_VERSION = 3


# ---------------------------------------------------------------------------
# Character tables
# ---------------------------------------------------------------------------


def _class_body(codepoints: list[int]) -> str:
    """A regex character-class body (``a-z…`` without brackets) for sorted code
    points, compacted into ranges so the class stays small and fast."""
    parts: list[str] = []
    start = prev = -2
    for cp in codepoints:
        if cp == prev + 1:
            prev = cp
            continue
        if start >= 0:
            parts.append(_range(start, prev))
        start = prev = cp
    if start >= 0:
        parts.append(_range(start, prev))
    return "".join(parts)


def _range(lo: int, hi: int) -> str:
    return "\\u%04x" % lo if lo == hi else "\\u%04x-\\u%04x" % (lo, hi)


# The blocks written in Arabic script: Arabic, Supplement, Extended-B,
# Extended-A and the two presentation-form blocks (old or copy-pasted text
# still carries those; NFKC folds them to the base letters).
_ARABIC_BLOCKS = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x0870, 0x089F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)
_ARABIC_CPS = [cp for lo, hi in _ARABIC_BLOCKS for cp in range(lo, hi + 1)]
# Letters only (tatweel is Lm, so it counts): the blocks also hold digits and
# punctuation (، ؛ ؟ ٪ ۔) that must not join a word.
_ARABIC_LETTERS = _class_body(
    [cp for cp in _ARABIC_CPS if unicodedata.category(chr(cp))[0] == "L"]
)
_ARABIC_LETTERS_AND_MARKS = _class_body(
    [cp for cp in _ARABIC_CPS if unicodedata.category(chr(cp))[0] in "LM"]
)
# Every combining mark of the Basic Multilingual Plane. Python's \w does not
# match marks, so without this a word with harakat (الْمَوْصِل) or a
# decomposed accent would be cut into pieces. Costs ~10 ms once, at import.
_MARKS = _class_body(
    [cp for cp in range(0x10000) if unicodedata.category(chr(cp))[0] == "M"]
)
# The body of a regex character class of every combining mark, for other
# modules' patterns (hashtags with harakat).
MARKS_CLASS = _MARKS
_ARABIC_BLOCK_RANGES = "".join(_range(lo, hi) for lo, hi in _ARABIC_BLOCKS)

_DELETE = {
    **{cp: None for cp in range(0x064B, 0x0660)},  # harakat, shadda, sukun, hamza marks
    0x0670: None,  # superscript (dagger) alef
    **{cp: None for cp in range(0x06D6, 0x06EE)},  # Quranic annotation marks
    # Beyond DESIGN §4's list, the same kind of optional marks: honorific
    # signs (U+0610–061A) and Extended-A Quranic marks (U+08D3–08FF).
    **{cp: None for cp in range(0x0610, 0x061B)},
    **{cp: None for cp in range(0x08D3, 0x0900)},
    0x0640: None,  # tatweel: typographic stretching, never meaning
}
_REPLACE = {
    0x0623: "ا",  # أ
    0x0625: "ا",  # إ
    0x0622: "ا",  # آ
    0x0671: "ا",  # ٱ alef wasla
    0x0649: "ي",  # ى alef maqsura: written interchangeably with ي
    0x0629: "ه",  # ة ta marbuta: often typed as ه
    # Persian-keyboard letters that Iraqi and Kurdish users type for Arabic
    # ي and ك; folding them costs nothing and finds their posts.
    0x06CC: "ي",  # ی farsi yeh
    0x06A9: "ك",  # ک keheh
    0x066B: ".",  # ٫ Arabic decimal separator, so ٣٫٥ reads as 3.5
    **{0x0660 + d: str(d) for d in range(10)},  # ٠–٩
    **{0x06F0 + d: str(d) for d in range(10)},  # ۰–۹ (Persian/Urdu forms)
}
# One table, one str.translate call per string: much faster than a regex or
# a per-character loop over a million posts.
_ARABIC_TABLE = str.maketrans({**_DELETE, **_REPLACE})

_ARABIC_LETTER_RE = re.compile("[%s]" % _ARABIC_LETTERS)


# ---------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------


def normalize_arabic(text: str) -> str:
    """Strip tashkeel, Quranic marks and tatweel; unify alef forms, ى→ي, ة→ه;
    Arabic-Indic and Extended digits → ASCII. Latin text is left alone."""
    if text.isascii():  # the common English case costs one C call
        return text
    return text.translate(_ARABIC_TABLE)


def fold(text: str) -> str:
    """NFKC + casefold + normalize_arabic: the one form for exact comparisons
    (hashtags, handles, facets)."""
    if text.isascii():
        # ASCII is already NFKC, and casefold equals lower on it.
        return text.lower()
    # NFKC first: it turns presentation forms (ﻻ, ﷲ) and full-width letters
    # into the base letters the Arabic table and casefold know about.
    return normalize_arabic(unicodedata.normalize("NFKC", text).casefold())


_HANDLE_SIGNS = "@＠"


def normalize_tag(tag: str) -> str:
    """A hashtag's normalised form: leading '#'/'＃' dropped, folded,
    underscores kept (they are part of the tag's identity)."""
    # Folding first lets NFKC turn every variant of the sign (＃, ﹟) into #.
    return fold(tag.strip()).lstrip("#")


def normalize_handle(handle: str) -> str:
    """A handle's normalised form: leading '@' dropped, casefolded (handles are
    ASCII and case-insensitive on the platform)."""
    return handle.strip().lstrip(_HANDLE_SIGNS).casefold()


def is_arabic(token: str) -> bool:
    """True when the token contains an Arabic-script letter (our tokenizer
    never mixes scripts inside one token, so any letter decides)."""
    if token.isascii():
        return False
    return _ARABIC_LETTER_RE.search(token) is not None


# ---------------------------------------------------------------------------
# Stemming
# ---------------------------------------------------------------------------

# Latin script after NFKC and casefold: ASCII, Latin-1 and Latin Extended
# letters, digits, and the dot of decimals. Porter is an English stemmer, so
# Cyrillic, Greek, Hebrew … tokens are better left as they are.
_LATIN_TOKEN_RE = re.compile(r"[0-9a-z\u00aa\u00b5\u00ba\u00c0-\u024f\u1e00-\u1eff.]+\Z")


# Snowball's English stemmer (Porter's own successor): liberate and
# liberated both give liber, where Porter gives liber and liberat.
_ENGLISH = Stemmer.Stemmer("english")


@lru_cache(maxsize=100_000)
def stem_latin(token: str) -> str:
    """English (Snowball) stemming for Latin-script tokens; any other token is
    returned unchanged, so calling it on Arabic is harmless."""
    if not _LATIN_TOKEN_RE.match(token) or token.isdigit():
        return token
    return _ENGLISH.stemWord(token)


# ---------------------------------------------------------------------------
# Tokenizer
# ---------------------------------------------------------------------------

# A word is a run of one script: Arabic letters (with their marks and
# tatweel), or other word characters (Latin, digits, other scripts) with
# their marks. '_' is excluded so #تحرير_الموصل gives two words, and a script
# change splits, so a glued "2016م" gives 2016 and م.
_AR_WORD = "[%s][%s%s]*" % (_ARABIC_LETTERS, _ARABIC_LETTERS_AND_MARKS, _MARKS)
_OTHER_CHAR = r"[^\W_%s]" % _ARABIC_BLOCK_RANGES
_DIGIT_CHAR = r"[\u0660-\u0669\u06f0-\u06f9]"  # \w, but inside the Arabic blocks
_OTHER_RUN = "(?:%s|%s)+(?:[%s]+(?:%s|%s)*)*" % (
    _OTHER_CHAR, _DIGIT_CHAR, _MARKS, _OTHER_CHAR, _DIGIT_CHAR,
)
# Decimal numbers and dates stay whole (3.5, 17.10.2016, ٣٫٥); a dot between
# letters does not join them, because tweets often skip the space after a
# full stop ("Mosul.The").
_OTHER_WORD = r"%s(?:(?<=\d)[.\u066b](?=\d)%s)*" % (_OTHER_RUN, _OTHER_RUN)
_WORD_PATTERN = "(?P<ar>%s)|(?P<word>%s)" % (_AR_WORD, _OTHER_WORD)
# A URL runs to the next whitespace; it is then cut into host and path words
# (see _url_words) instead of being split like prose.
_URL_PATTERN = r"(?P<url>(?i:https?://|www\.)\S+)"

_WORD_RE = re.compile(_WORD_PATTERN)
_TOKEN_RE = re.compile(_URL_PATTERN + "|" + _WORD_PATTERN)
_URL_PARTS_RE = re.compile(
    r"(?i:[a-z][a-z0-9+.-]*://)?"  # scheme: in every link, so useless as a term
    r"(?:[^/?#@\s]*@)?"  # user info
    r"(?P<host>[^/?#:\s]*)"
    r"(?::\d*)?"  # port
    r"(?P<path>[^?#\s]*)"  # query string and fragment are dropped: tracking junk
)


def _url_words(url: str, offset: int) -> Iterator[tuple[str, int, int]]:
    """(text, start, end) for the words of a URL worth searching: the host's
    labels (without a leading www) and the words of its path. Percent-encoded
    path segments are decoded first, so an Arabic slug gives Arabic words
    (each spanning its whole segment) rather than a row of hex pairs."""
    m = _URL_PARTS_RE.match(url)
    assert m is not None  # every group of the pattern may be empty: it always matches
    host_start, host_end = m.span("host")
    if url[host_start:host_start + 4].lower() == "www.":
        host_start += 4
    for w in _WORD_RE.finditer(url, host_start, host_end):
        yield w.group(), offset + w.start(), offset + w.end()
    path_start, path_end = m.span("path")
    path = url[path_start:path_end]
    if "%" not in path:
        for w in _WORD_RE.finditer(url, path_start, path_end):
            yield w.group(), offset + w.start(), offset + w.end()
        return
    seg_start = path_start
    for segment in path.split("/"):
        seg_end = seg_start + len(segment)
        if "%" in segment:
            for w in _WORD_RE.finditer(unquote(segment, errors="replace")):
                yield w.group(), offset + seg_start, offset + seg_end
        else:
            for w in _WORD_RE.finditer(url, seg_start, seg_end):
                yield w.group(), offset + w.start(), offset + w.end()
        seg_start = seg_end + 1


class TweetTokenizer(Tokenizer):
    """Splits post text into words: on whitespace, punctuation, '#', '@' and
    '_', never inside a word because of harakat or tatweel, and with URLs cut
    into host and path words. Positions and character offsets refer to the
    original text, so phrase queries and highlighting work.

    Keeps no state (the patterns are module constants), so Whoosh can pickle
    it into the index's schema and a later version of the patterns applies
    when the index is opened.
    """

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        assert isinstance(value, str), "%r is not a str" % (value,)
        # Whoosh reuses one Token object for speed; filters must not keep it.
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # The query parser sends wildcard, prefix, fuzzy and range text
            # this way: one token, still normalised and stemmed by the filters.
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return

        pos = start_pos
        for m in _TOKEN_RE.finditer(value):
            words: Iterable[tuple[str, int, int]]
            if m.lastgroup == "url":
                words = _url_words(m.group(), m.start())
            else:
                words = ((m.group(), m.start(), m.end()),)
            for text, start, end in words:
                t.text = text
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = text
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar = start_char + start
                    t.endchar = start_char + end
                pos += 1
                yield t


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------


class CaseFoldFilter(Filter):
    """NFKC then casefold: Mosul, MOSUL and ｍｏｓｕｌ become mosul, and
    Arabic presentation forms become ordinary letters."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            text = t.text
            if text.isascii():
                t.text = text.lower()
            else:
                t.text = unicodedata.normalize("NFKC", text).casefold()
            yield t


class ArabicNormalizeFilter(Filter):
    """normalize_arabic() on each token; a token made only of marks or
    tatweel normalises to nothing and is dropped."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            text = t.text
            if not text.isascii():
                text = t.text = text.translate(_ARABIC_TABLE)
                if not text:
                    continue
            yield t


class ArabicStemFilter(Filter):
    """stem_arabic() on Arabic tokens; Latin and other tokens pass untouched.
    Wildcard patterns from the query parser are left whole, since cutting
    letters around a '*' would change what the pattern means."""

    # Whoosh skips morph filters when it wants surface forms (spelling).
    is_morph = True

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            text = t.text
            if is_arabic(text) and "*" not in text and "?" not in text:
                t.text = stem_arabic(text)
            yield t


class LatinStemFilter(Filter):
    """stem_latin() on Latin-script tokens; Arabic tokens pass untouched."""

    is_morph = True

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            text = t.text
            if "*" not in text and "?" not in text:
                t.text = stem_latin(text)
            yield t


class ExactFoldFilter(Filter):
    """For exact fields: drop a leading '#' or '@' and fold, so the field
    holds the same form as normalize_tag()/normalize_handle() give."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            # fold first: NFKC turns the full-width ＃ and ＠ into # and @.
            text = fold(t.text).lstrip("#@")
            if text:
                t.text = text
                yield t


# ---------------------------------------------------------------------------
# Analyzers
# ---------------------------------------------------------------------------


def text_analyzer() -> Analyzer:
    """The analyzer of the post-text field, for indexing and for queries."""
    return (
        TweetTokenizer()
        | CaseFoldFilter()
        | ArabicNormalizeFilter()
        | ArabicStemFilter()
        | LatinStemFilter()
    )


def exact_analyzer() -> Analyzer:
    """The analyzer of exact keyword fields (hashtags, handles): values are
    separated by whitespace or commas, each becomes one folded token."""
    return RegexTokenizer(r"[^\s,\u060c]+") | ExactFoldFilter()


_TEXT_ANALYZER = text_analyzer()


def analyze(text: str) -> list[str]:
    """The terms the index analyzer gives for ``text``, in order."""
    return [t.text for t in _TEXT_ANALYZER(text)]
