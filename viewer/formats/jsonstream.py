"""Reading what is intact in a damaged JSON document.

A JSON array of tweets or an API response cut off by a full disk, or with
one flipped byte in the middle, fails to parse as a whole; this reader then
walks it the way a parser would and, at the damage, resynchronises at the
next value that can stand where the damaged one stood:

- in an array, the next `,{` (or `,[`) from which a whole value parses and
  which looks like its intact siblings (shares most of their keys), so an
  inner object of a tweet (a hashtag) never passes for the next tweet;
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
_NEXT_ELEMENT = re.compile(r",\s*([\[{])")
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
            nxt = _resync(text, pos + 1, model, accept if depth == 0 else None)
            if nxt is None:
                return items, -1
            out.skipped += 1
            pos = nxt
            continue
        items.append(el)
        if model is None:
            model = el
        pos = _skip_ws(text, end)
        if pos < n and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
        elif pos < n and text[pos] != "]":
            out.damage.append(Damage(pos, "expected ',' or ']' between elements"))
            nxt = _resync(text, pos, model, accept if depth == 0 else None)
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


def _balanced_next(text: str, start: int) -> int | None:
    """The next element after the one starting at `start`, found by counting
    brackets outside strings: right when the damage left the quotes and
    brackets alone (a changed letter or digit, a cut value)."""
    depth = 0
    in_string = False
    i, n = start, len(text)
    while i < n:
        ch = text[i]
        if in_string:
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth < 0:
                return None
        elif ch == "," and depth == 0:
            m = re.compile(r"\s*([\[{])").match(text, i + 1)
            return m.start(1) if m else None
        i += 1
    return None


def _resync(text: str, start: int, model: Any, accept: Callable[[Any], bool] | None) -> int | None:
    """Where the next element that can stand for a sibling of `model` starts."""
    if model is None:
        # No intact sibling yet to compare with: trust the brackets first.
        at = _balanced_next(text, start - 1)
        if at is not None:
            try:
                value, _ = _decode(text, at)
                if accept is None or accept(value):
                    return at
            except ValueError:
                pass
    for m in _NEXT_ELEMENT.finditer(text, start):
        at = m.start(1)
        try:
            value, _ = _decode(text, at)
        except ValueError:
            continue
        if _similar(value, model) or (model is None and accept is not None and accept(value)):
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


def damaged_document(data: bytes) -> tuple[Any, list[tuple[str, str]]]:
    """The intact parts of a document that did not parse, and a (location,
    reason) for each place it was damaged."""
    got = _recover_bytes(data)
    return got.value, _problems(data, got)


def damaged_documents(data: bytes) -> tuple[list[Any], list[tuple[str, str]]]:
    """`damaged_document`, but a list of every document read, one even when
    there was only one."""
    got = _recover_bytes(data)
    return got.documents, _problems(data, got)


def _recover_bytes(data: bytes) -> Recovered:
    return recover(data.decode("utf-8", errors="replace"), accept=lambda v: isinstance(v, dict))


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
