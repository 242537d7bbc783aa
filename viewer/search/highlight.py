"""Which characters of a post matched: by the same analysis as the index."""
import re

from viewer.textproc import normalize_handle, normalize_tag, text_analyzer

_ANALYZER = text_analyzer()
_SIGNED = re.compile(r"([#＃@＠])(\w+)")


def highlight_spans(text: str, terms: set[str], hashtags: set[str] = frozenset(),
                    mentions: set[str] = frozenset()) -> list[tuple[int, int]]:
    spans = []
    if terms:
        for t in _ANALYZER(text, chars=True, mode="index"):
            if t.text in terms:
                spans.append((t.startchar, t.endchar))
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
