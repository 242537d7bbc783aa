"""Adding and removing one filter in the query text, as a facet click does.

The query stays the user's own text: a filter is a whole token appended at
the end, and removing it takes out that token (compared the way the search
compares it: hashtags and handles case-folded and Arabic-normalised) and
leaves the rest as typed.
"""
from __future__ import annotations

import re

from viewer.textproc import fold

# A token: a quoted phrase (possibly after an operator or '-'), or a run of
# non-space characters.
_TOKEN = re.compile(r'-?(?:[\w#@:.]*"[^"]*"?)|\S+')



def tokens(query: str) -> list[str]:
    return _TOKEN.findall(query)


def _key(token: str) -> str:
    return fold(token.replace('"', ""))


def facet_terms(facet: str, value: str) -> list[str]:
    """The query tokens that filter on one facet value."""
    if facet == "hashtags":
        return ["#" + value.lstrip("#")]
    if facet == "authors":
        return ["from:" + value.lstrip("@")]
    if facet == "langs":
        return ["lang:" + value]
    if facet == "kinds":
        return ["kind:" + value]
    if facet == "tags":
        return ["tag:" + (f'"{value}"' if re.search(r"\s", value) else value)]
    raise ValueError(f"unknown facet {facet!r}")


def has_terms(query: str, terms: list[str]) -> bool:
    have = {_key(t) for t in tokens(query)}
    return bool(terms) and all(_key(t) in have for t in terms)


def add_terms(query: str, terms: list[str]) -> str:
    have = {_key(t) for t in tokens(query)}
    extra = [t for t in terms if _key(t) not in have]
    return " ".join([query.strip(), *extra]).strip()


def remove_terms(query: str, terms: list[str]) -> str:
    drop = {_key(t) for t in terms}
    # Cut the tokens out of the text itself, so the user's spacing and the
    # order of everything else stay as they were.
    out = query
    for m in reversed(list(_TOKEN.finditer(query))):
        if _key(m.group()) in drop:
            out = out[:m.start()].rstrip() + (" " if out[:m.start()].strip() else "") + out[m.end():].lstrip()
    return out.strip()


def toggle(query: str, facet: str, value: str) -> str:
    terms = facet_terms(facet, value)
    if has_terms(query, terms):
        return remove_terms(query, terms)
    return add_terms(query, terms)


def word_at(text: str, cursor: int) -> tuple[int, int]:
    """The (start, end) of the whitespace-separated word the cursor is in or
    just after: what completion replaces."""
    start = cursor
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    end = cursor
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end
