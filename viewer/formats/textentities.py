"""Hashtags, mentions, cashtags and URLs found in a post's text, by the rules
of Twitter's own twitter-text library.

Archives disagree about entities: a minimal v1.1 status, a 2009 status, a
TAGS or rtweet CSV carry none or only some, so a `#tag` search would depend on
the tool that saved the record. Every format runs its post's full text through
`extract` and merges the result with the record's own entities (the record's
win for display form).

The published Python ports of twitter-text are either unmaintained (the last
`twitter-text` release is from 2017, needs `setuptools` at run time and shares
its import name with `twitter-text-parser`) or do not extract hashtags at all
(`twitter-text-parser`), and the older port costs about 60 µs a post, which a
million-post import cannot pay. These are the rules, on the standard library:

- a hashtag is `#` or `＃` (not followed by the keycap marks U+FE0F, U+20E3),
  then letters, marks, digits, underscores and the few joiners twitter-text
  allows (ZWNJ and ZWJ, which Persian and Urdu tags need, and a handful of
  CJK and Hebrew punctuation), with at least one letter or mark; it must not
  follow a letter, digit, mark, underscore or `&`, nor be followed by another
  hash sign or `://`;
- a mention is `@` or `＠` and 1–15 of `[A-Za-z0-9_]`, not after a letter,
  digit or one of `_!#$%&*@` (but right after `RT` or `RT:`), and not
  followed by another at sign, a Latin accented letter or `://`;
- a cashtag is `$` and 1–6 Latin letters (with an optional `.xx` / `_xx`
  suffix) after a space or the start, before a space, punctuation or the end;
- a URL is `http(s)://` or `www.` and what follows up to a space, without
  the punctuation that ends a sentence around it.

Hashtags, mentions and cashtags inside a URL are not entities (twitter-text
drops the ones that overlap a URL). One departure, for archives only: an
entity cut by the `…` that ends a cut text (`RT @x: … #Mos…`) is not one.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterator


def _mark_class() -> str:
    """Every combining mark (Unicode category M*) as a regex class body.
    Python's `\\w` leaves marks out, and Arabic vowel signs, Devanagari
    matras and Persian kasra are marks that hashtags carry."""
    ranges: list[tuple[int, int]] = []
    # Marks live below U+20000 and in the variation selectors supplement.
    for cp in [*range(0x300, 0x20000), *range(0xE0100, 0xE01F0)]:
        if unicodedata.category(chr(cp))[0] == "M":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


_MARKS = _mark_class()
# twitter-text's extra hashtag characters: ZWNJ, ZWJ, and punctuation that
# joins words in Hebrew, Japanese and Tibetan tags.
_SPECIAL = "\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7"
_TAG_CHAR = f"[\\w{_MARKS}{_SPECIAL}]"
_CUT = "\u2026"  # the ellipsis a cut text ends with

# Each pattern starts with its sign and looks back from there: a lookbehind
# first would be tried at every position of every text.
_HASHTAG = re.compile(
    f"[#\uff03](?<![&\\w{_MARKS}{_SPECIAL}][#\uff03])(?![\ufe0f\u20e3])"
    f"({_TAG_CHAR}++)(?![#\uff03]|://|{_CUT})"
)
# Not all digits: a letter or a mark somewhere (checked apart, as a pattern
# that backtracks through the tag to find one costs more than the whole scan).
_TAG_ALPHA = re.compile(f"[^\\W\\d_]|[{_MARKS}]")
_LATIN_ACCENTS = ("\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b"
                  "\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff")
_MENTION = re.compile(
    "[@\uff20](?:(?<![A-Za-z0-9_!#$%&*@\uff20][@\uff20])"
    "|(?<=[Rr][Tt][@\uff20])(?<![A-Za-z0-9_+~.\\-][Rr][Tt][@\uff20])"
    "|(?<=[Rr][Tt]:[@\uff20])(?<![A-Za-z0-9_+~.\\-][Rr][Tt]:[@\uff20]))"
    f"([A-Za-z0-9_]{{1,15}})(?![A-Za-z0-9_@\uff20{_LATIN_ACCENTS}]|://|{_CUT})"
)
_CASHTAG = re.compile(
    r"""\$(?<!\S\$)([A-Za-z]{1,6}(?:[._][A-Za-z]{1,2})?)(?=$|\s|[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])"""
)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_URL_GLUED = re.compile(r"[\w@.]")  # a URL must not start inside a word
_URL_TRAIL = ".,;:!?'\"»”’)]}*"


@dataclass
class TextEntities:
    """What one text holds, each kept once in the order first seen."""

    hashtags: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    cashtags: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)


def _trim_url(url: str) -> str:
    """A URL without the punctuation around it in the sentence; a closing
    bracket stays when the URL opened one (Wikipedia links)."""
    while url and url[-1] in _URL_TRAIL:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _unique(found: list[str], key=str.casefold) -> list[str]:
    seen: set[str] = set()
    out = []
    for f in found:
        k = key(f)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out


def _outside(spans: list[tuple[int, int]], found: Iterator[re.Match[str]]) -> list[str]:
    """The entities found that do not stand inside a URL."""
    if not spans:
        return [m.group(1) for m in found]
    return [m.group(1) for m in found if not any(a <= m.start() < b for a, b in spans)]


def extract(text: str, urls: bool = True) -> TextEntities:
    """The entities twitter-text finds in `text` (its URLs only with `urls`).

    Each step runs only when its sign is in the text: most posts have no
    cashtag and many no hashtag, and this runs on every post of an import.
    """
    out = TextEntities()
    if not text:
        return out
    spans: list[tuple[int, int]] = []
    signs = "#" in text or "@" in text or "$" in text or "\uff03" in text or "\uff20" in text
    if (urls or signs) and ("://" in text or "www." in text or "WWW." in text):
        for m in _URL.finditer(text):
            if m.start() and _URL_GLUED.match(text, m.start() - 1):
                continue
            url = _trim_url(m.group(0))
            if url.endswith(_CUT) or len(url) <= len("www.") or url.lower().endswith("://"):
                continue
            if urls and url not in out.urls:
                out.urls.append(url)
            # A `#fragment` or an `@` inside a link is no entity.
            spans.append((m.start(), m.start() + len(url)))
    if not signs:
        return out
    if "#" in text or "\uff03" in text:
        out.hashtags = _unique([t for t in _outside(spans, _HASHTAG.finditer(text)) if _TAG_ALPHA.search(t)])
    if "@" in text or "\uff20" in text:
        out.mentions = _unique(_outside(spans, _MENTION.finditer(text)))
    if "$" in text:
        out.cashtags = _unique(_outside(spans, _CASHTAG.finditer(text)), key=str.upper)
    return out
