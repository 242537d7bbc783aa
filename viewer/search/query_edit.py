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


# -- facets that compose (Timesketch-style): OR within a group, exclusion --------------

def _group_re(facet: str) -> re.Pattern[str]:
    """A facet's OR group as the window writes it: (from:a OR from:b)."""
    prefix = re.escape(facet_terms(facet, "x")[0][:-1])
    term = rf'{prefix}(?:"[^"]*"|[^\s()]+)'
    return re.compile(rf"\(\s*{term}(?:\s+OR\s+{term})+\s*\)")


def _group_terms(group: str) -> list[str]:
    return [t for t in re.split(r"\s+OR\s+", group.strip()[1:-1].strip()) if t]


def facet_state(query: str, facet: str, value: str) -> str | None:
    """'in' when the value is applied (alone or in its group's OR), 'out' when
    it is excluded (-term), None when the query does not name it."""
    term = _key(facet_terms(facet, value)[0])
    for m in _group_re(facet).finditer(query):
        if term in {_key(t) for t in _group_terms(m.group())}:
            return "in"
    keys = {_key(t) for t in tokens(query)}
    if term in keys:
        return "in"
    if "-" + term in keys:
        return "out"
    return None


def without_facet_terms(query: str, facet: str) -> tuple[str, list[str]]:
    """The query without this facet's positive terms (alone or in an OR
    group), and those terms in the order they were written."""
    found: list[str] = []
    group = _group_re(facet)
    for m in group.finditer(query):
        found.extend(_group_terms(m.group()))
    query = " ".join(group.sub(" ", query).split()) if found else query
    prefix = _key(facet_terms(facet, "x")[0][:-1])
    singles = [t for t in tokens(query) if _key(t).startswith(prefix) and not t.startswith("-")
               and t not in ("OR", "AND")]
    found.extend(singles)
    return remove_terms(query, singles), found


def toggle_any(query: str, facet: str, value: str) -> str:
    """Ctrl-click: add the value to (or take it out of) its group's OR, so two
    authors or three hashtags can be picked at once: (from:a OR from:b)."""
    term = facet_terms(facet, value)[0]
    rest, terms = without_facet_terms(query, facet)
    keys = [_key(t) for t in terms]
    if _key(term) in keys:
        terms = [t for t in terms if _key(t) != _key(term)]
    else:
        rest = remove_terms(rest, ["-" + term])
        terms.append(term)
    if not terms:
        return rest
    clause = terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"
    return " ".join([rest, clause]).strip()


def toggle_exclude(query: str, facet: str, value: str) -> str:
    """Leave the value out (-from:x), or stop leaving it out. Excluding a
    value that was applied takes it out of what is applied first."""
    term = facet_terms(facet, value)[0]
    if facet_state(query, facet, value) == "out":
        return remove_terms(query, ["-" + term])
    if facet_state(query, facet, value) == "in":
        rest, terms = without_facet_terms(query, facet)
        terms = [t for t in terms if _key(t) != _key(term)]
        if terms:
            rest = " ".join([rest, terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"]).strip()
        query = rest
    return add_terms(query, ["-" + term])


def toggle_facet(query: str, facet: str, value: str) -> str:
    """A plain click: apply the value alone (AND) or take it off, wherever it is."""
    state = facet_state(query, facet, value)
    if state == "in":
        term = facet_terms(facet, value)[0]
        rest, terms = without_facet_terms(query, facet)
        kept = [t for t in terms if _key(t) != _key(term)]
        if len(kept) == len(terms):  # applied alone as a typed token
            return remove_terms(query, [term])
        if kept:
            rest = " ".join([rest, kept[0] if len(kept) == 1 else "(" + " OR ".join(kept) + ")"]).strip()
        return rest
    if state == "out":
        return remove_terms(query, ["-" + facet_terms(facet, value)[0]])
    return add_terms(query, facet_terms(facet, value))
