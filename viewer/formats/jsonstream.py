"""Reading what is intact in a damaged JSON document.

A JSON array of tweets or an API response cut off by a full disk, or with
one flipped byte in the middle, fails to parse as a whole; this reader then
walks it the way a parser would and, at the damage, resynchronises at the
next value that can stand where the damaged one stood:

- in an array, the next `{` (or `[`) that is neither a member's value nor
  an inner array's first element, from which a whole value parses and which
  looks like its siblings (shares most keys with the first intact one or,
  when the first element is the damaged one, with the keys it had before
  the damage), so an inner object of a tweet (a hashtag) never passes for
  the next tweet, and damage that took the comma costs no neighbour;
- in an object, whatever members parsed before the damage are kept, and an
  array member (`data`, `statuses`, `includes.users`) is itself read with
  resynchronisation, so a v2 page keeps its intact tweets and users.

Everything here works on text already in memory (the document reader has
it); the cost is one extra pass over the damaged part only.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

_DECODER = json.JSONDecoder()
_WS = " \t\r\n"
# Where an element of an array may start again after damage.
_OPEN = re.compile(r"[\[{]")
# How deep damaged containers are entered; below, a damaged value is lost whole.
MAX_DEPTH = 4


@dataclass
class Damage:
    offset: int  # character offset in the text
    what: str


@dataclass
class Recovered:
    value: Any
    damage: list[Damage] = field(default_factory=list)
    # (offset, element) for each element that was read after a resync, to
    # say where the reader picked up again.
    skipped: int = 0
    # Every document read, when several were written one after another.
    documents: list[Any] = field(default_factory=list)


def _skip_ws(text: str, pos: int) -> int:
    n = len(text)
    while pos < n and text[pos] in _WS:
        pos += 1
    return pos


def _decode(text: str, pos: int) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, pos)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _similar(value: Any, model: Any) -> bool:
    """Whether a value found after damage can be a sibling of `model`."""
    if model is None:
        return isinstance(value, (dict, list))
    if isinstance(model, dict):
        if not isinstance(value, dict) or not value:
            return False
        shared = len(set(value) & set(model))
        return shared >= max(1, (len(model) + 1) // 2)
    return type(value) is type(model)


def recover(text: str, accept: Callable[[Any], bool] | None = None) -> Recovered:
    """The intact parts of one JSON document (a value with whatever could be
    read of it) and where it was damaged. `accept` says whether a value
    found after damage at the top level can be an element (a tweet)."""
    out = Recovered(None)
    pos = _skip_ws(text, 0)
    if pos >= len(text):
        out.damage.append(Damage(pos, "empty document"))
        return out
    values: list[Any] = []
    while pos < len(text):
        value, end = _value(text, pos, out, 0, accept)
        if value is not None:
            values.append(value)
        if end < 0:
            break
        # Documents written one after another with no line between them.
        pos = _skip_ws(text, end)
    out.documents = values
    out.value = values[0] if len(values) == 1 else (values or None)
    return out


def _value(text: str, pos: int, out: Recovered, depth: int, accept: Callable[[Any], bool] | None
           ) -> tuple[Any, int]:
    try:
        return _decode(text, pos)
    except ValueError as e:
        if depth >= MAX_DEPTH or pos >= len(text) or text[pos] not in "[{":
            out.damage.append(Damage(pos, _short(e)))
            return None, -1
    if text[pos] == "[":
        return _array(text, pos, out, depth, accept)
    return _object(text, pos, out, depth, accept)


def _array(text: str, pos: int, out: Recovered, depth: int, accept: Callable[[Any], bool] | None
           ) -> tuple[list[Any], int]:
    items: list[Any] = []
    model: Any = None
    pos = _skip_ws(text, pos + 1)
    n = len(text)
    while pos < n:
        if text[pos] == "]":
            return items, pos + 1
        try:
            el, end = _decode(text, pos)
        except ValueError as e:
            out.damage.append(Damage(pos, _short(e)))
            nxt = resync(text, pos + 1, model, accept if depth == 0 else None, damaged=pos)
            if nxt is None:
                return items, -1
            out.skipped += 1
            pos = nxt
            continue
        items.append(el)
        if model is None and isinstance(el, (dict, list)):
            model = el
        pos = _skip_ws(text, end)
        if pos < n and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
        elif pos < n and text[pos] != "]":
            out.damage.append(Damage(pos, "expected ',' or ']' between elements"))
            nxt = resync(text, pos, model, accept if depth == 0 else None)
            if nxt is None:
                return items, -1
            pos = nxt
    out.damage.append(Damage(n, "the array is cut short"))
    return items, -1


def _object(text: str, pos: int, out: Recovered, depth: int, accept: Callable[[Any], bool] | None
            ) -> tuple[dict[str, Any], int]:
    obj: dict[str, Any] = {}
    pos = _skip_ws(text, pos + 1)
    n = len(text)
    while pos < n:
        if text[pos] == "}":
            return obj, pos + 1
        try:
            key, end = _decode(text, pos)
        except ValueError as e:
            out.damage.append(Damage(pos, _short(e)))
            return obj, -1
        if not isinstance(key, str):
            out.damage.append(Damage(pos, "a key that is not a string"))
            return obj, -1
        pos = _skip_ws(text, end)
        if pos >= n or text[pos] != ":":
            out.damage.append(Damage(pos, "expected ':' after a key"))
            return obj, -1
        pos = _skip_ws(text, pos + 1)
        value, end = _value(text, pos, out, depth + 1, None)
        if value is not None or end >= 0:
            obj[key] = value
        if end < 0:
            return obj, -1  # past damage inside a member, the object's own structure is lost
        pos = _skip_ws(text, end)
        if pos < n and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
        elif pos < n and text[pos] != "}":
            out.damage.append(Damage(pos, "expected ',' or '}' between members"))
            return obj, -1
    out.damage.append(Damage(n, "the object is cut short"))
    return obj, -1


def _partial(text: str, pos: int) -> dict[str, None] | None:
    """The keys of the damaged object at `pos` that were read before its
    damage: a model of its siblings when it is the first element and there
    is no intact sibling yet to compare with."""
    n = len(text)
    if pos >= n or text[pos] != "{":
        return None
    keys: dict[str, None] = {}
    i = _skip_ws(text, pos + 1)
    while i < n:
        try:
            key, end = _decode(text, i)
        except ValueError:
            break
        j = _skip_ws(text, end)
        if not isinstance(key, str) or j >= n or text[j] != ":":
            break
        keys[key] = None  # the key is intact even when its value is not
        try:
            _, end = _decode(text, _skip_ws(text, j + 1))
        except ValueError:
            break
        i = _skip_ws(text, end)
        if i >= n or text[i] != ",":
            break
        i = _skip_ws(text, i + 1)
    return keys or None


def looks_like_post(value: Any) -> bool:
    """An object with an id and a text (or an archive entry's `tweet`): what
    an element of an array of posts is, and what the inner objects of a post
    (a hashtag has a text but no id, a mention an id but no text) are not."""
    return isinstance(value, dict) and ("tweet" in value or (
        ("id_str" in value or "id" in value) and ("full_text" in value or "text" in value)))


def resync(text: str, start: int, model: Any, accept: Callable[[Any], bool] | None,
           damaged: int | None = None) -> int | None:
    """Where the next intact element starts, from `start` on (past the
    damaged element, which starts at `damaged` when it is known): the first
    `{` or `[` that is not a member's value or an
    inner array's first element, that parses whole, and that can stand for
    a sibling of `model` (the first intact element; when the damaged one is
    the first, the keys it had before its damage). Any such bracket is
    tried, not only those after a comma: damage that took the comma (or the
    element's end with it) must not cost the next element too.

    With nothing to compare with (the first element damaged before its
    first key), the first candidate that `accept` takes (by default one
    that `looks_like_post`) is chosen."""
    if model is None and damaged is not None:
        model = _partial(text, damaged)
    if model is None and accept is None:
        accept = looks_like_post
    for m in _OPEN.finditer(text, start):
        at = m.start()
        j = at - 1
        while j > 0 and text[j] in _WS:
            j -= 1
        if j >= 0 and text[j] in ":[":
            continue
        try:
            value, _ = _decode(text, at)
        except ValueError:
            continue
        if not isinstance(value, (dict, list)) or (accept is not None and not accept(value)):
            continue
        if model is None or _similar(value, model):
            return at
    return None


def _short(e: Exception) -> str:
    s = str(e)
    return s if len(s) < 100 else s[:97] + "…"


def line_and_column(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"line {line}"


def looks_like_lines(data: bytes) -> bool:
    """Whether a document that does not parse whole is JSON lines with a
    damaged line (a later line is a whole object on its own) rather than one
    damaged document (an array, a pretty-printed response)."""
    body = data.lstrip()
    if body.startswith(b"["):
        return False
    whole = seen = 0
    for line in body.split(b"\n", 21)[1:21]:
        line = line.strip()
        if not line:
            continue
        seen += 1
        if line.startswith(b"{") and line.endswith(b"}"):
            try:
                json.loads(line)
                whole += 1
            except (ValueError, RecursionError):
                continue
    # Most lines whole objects: JSON lines. One whole line among many that
    # are not (the last element of an array written one per line) is not.
    return whole >= 1 and whole * 2 > seen


def damaged_document(data: bytes, accept: Callable[[Any], bool] | None = None
                     ) -> tuple[Any, list[tuple[str, str]]]:
    """The intact parts of a document that did not parse, and a (location,
    reason) for each place it was damaged. `accept` says what can be an
    element of a top-level array (by default any object)."""
    got = _recover_bytes(data, accept)
    return got.value, _problems(data, got)


def damaged_documents(data: bytes, accept: Callable[[Any], bool] | None = None
                      ) -> tuple[list[Any], list[tuple[str, str]]]:
    """`damaged_document`, but a list of every document read, one even when
    there was only one."""
    got = _recover_bytes(data, accept)
    return got.documents, _problems(data, got)


def _recover_bytes(data: bytes, accept: Callable[[Any], bool] | None) -> Recovered:
    return recover(data.decode("utf-8", errors="replace"), accept=accept or (lambda v: isinstance(v, dict)))


def _problems(data: bytes, got: Recovered) -> list[tuple[str, str]]:
    text = data.decode("utf-8", errors="replace")
    problems = [(line_and_column(text, d.offset),
                 f"damaged JSON at character {d.offset:,} ({d.what}); reading went on at the next intact record"
                 if i < len(got.damage) - 1 or got.skipped else
                 f"damaged JSON at character {d.offset:,} ({d.what}); the records before it were read")
                for i, d in enumerate(got.damage)]
    return problems


def verbatim(value: Any, dump: Callable[[Any], bytes]) -> bytes | None:
    """The JSON bytes of one element, or None when it is nested too deeply
    to be written back (it would only have crashed the reader further on)."""
    try:
        return dump(value)
    except (RecursionError, ValueError):
        return None
