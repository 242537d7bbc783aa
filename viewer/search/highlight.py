"""Which characters of a post matched: by the same analysis as the index,
so every marked span is a form the search matched (ببغداد for بغداد,
حياتنا for حياة) and every form it matched is marked."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, AbstractSet, Sequence

from viewer.textproc import MARKS_CLASS, normalize_handle, normalize_tag, text_analyzer

if TYPE_CHECKING:
    from viewer.search.query import Phrase

_ANALYZER = text_analyzer()
# A tag or handle runs over word characters and the combining marks \w
# leaves out (harakat: #الْمَوْصِل is the tag الموصل, as the index has it).
_SIGNED = re.compile(r"([#＃@＠])((?:\w|[%s])+)" % MARKS_CLASS)


def _phrase_spans(tokens: list[tuple[str, int, int, int]], phrase: Phrase) -> list[tuple[int, int]]:
    """The words of each place where `phrase` matches: its terms in order,
    each within `slop` positions of the one before, as Whoosh matches it."""
    spans = []
    terms = phrase.terms
    for k, (text, pos, start, end) in enumerate(tokens):
        if text != terms[0]:
            continue
        found = [(start, end)]
        last, j = pos, k + 1
        for term in terms[1:]:
            while j < len(tokens) and tokens[j][1] <= last + phrase.slop and tokens[j][0] != term:
                j += 1
            if j >= len(tokens) or tokens[j][1] > last + phrase.slop:
                break
            found.append((tokens[j][2], tokens[j][3]))
            last = tokens[j][1]
            j += 1
        else:
            spans.extend(found)
    return spans


def highlight_spans(text: str, terms: AbstractSet[str], hashtags: AbstractSet[str] = frozenset(),
                    mentions: AbstractSet[str] = frozenset(),
                    phrases: Sequence[Phrase] = ()) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if terms or phrases:
        tokens = [(t.text, t.pos, t.startchar, t.endchar)
                  for t in _ANALYZER(text, chars=True, positions=True, mode="index")]
        spans.extend((s, e) for w, _p, s, e in tokens if w in terms)
        for phrase in phrases:
            spans.extend(_phrase_spans(tokens, phrase))
    if hashtags or mentions:
        for m in _SIGNED.finditer(text):
            if m.group(1) in "#＃" and normalize_tag(m.group(2)) in hashtags:
                spans.append(m.span())
            elif m.group(1) in "@＠" and normalize_handle(m.group(2)) in mentions:
                spans.append(m.span())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def make_snippet(text: str, spans: list[tuple[int, int]], width: int = 200) -> str:
    """A single-line excerpt of `text` around its first match."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    if not spans:
        return flat[:width - 1].rstrip() + "…"
    # Locate the first match in the flattened text by its words.
    first = " ".join(text[:spans[0][0]].split())
    start = max(0, len(first) - width // 3)
    cut = flat[start:start + width]
    return ("…" if start else "") + cut.strip() + ("…" if start + width < len(flat) else "")
