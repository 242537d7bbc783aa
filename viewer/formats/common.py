"""Small pieces every format needs: ids, times, entities, links."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any, Iterable

import orjson
from dateutil import parser as dateparser

from ..model import Url

UTC = timezone.utc
# Twitter's own v1.1 form: "Mon Oct 17 05:12:00 +0000 2016".
_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"
# The old archive's form: "2014-07-09 01:36:52 +0000".
_GRAILBIRD_TIME = "%Y-%m-%d %H:%M:%S %z"
_DIGITS = re.compile(r"^\s*-?\d+\s*$")
# Only the entities Twitter itself writes into text, and numeric ones: a
# broader unescape would change a text that only looks like an entity.
_ENTITY = re.compile(r"&(amp|lt|gt|quot|apos|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_ANCHOR_TEXT = re.compile(r">([^<]*)<")
RT_PREFIX = re.compile(r"^RT @(\w{1,30}):\s?")
# Ids past 2**53 cannot have come through a float intact.
_FLOAT_SAFE = 2**53


def loads(data: bytes | str) -> Any:
    """JSON, fast; falls back to the standard library for what orjson refuses
    (integers past 64 bits, which an honest archive never has, or NaN)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        try:
            return json.loads(data)
        except RecursionError:
            raise ValueError("nested too deeply") from None


def dump(obj: Any) -> bytes:
    """Compact JSON of a sub-object, for the raw record of an embedded post."""
    try:
        return orjson.dumps(obj)
    except TypeError:
        text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        try:
            return text.encode()
        except UnicodeEncodeError:  # a lone surrogate: written as the escape it was read from
            return json.dumps(obj, separators=(",", ":")).encode()


def to_int(value: Any) -> int | None:
    """An exact integer from a JSON string or integer; None for anything that
    is not one, and for floats large enough to have been rounded."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _FLOAT_SAFE:
            return int(value)
        return None
    if isinstance(value, str) and _DIGITS.match(value):
        return int(value)
    return None


def to_count(value: Any) -> int | None:
    n = to_int(value)
    return n if n is None or n >= 0 else None


def parse_time(value: Any) -> datetime | None:
    """Any timestamp an archive holds, as an aware UTC datetime.

    Tries the few exact forms archives use before dateutil, which is about
    ten times slower and would dominate a large import.
    """
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        secs = value / 1000 if value > 10**11 else value
        try:
            return datetime.fromtimestamp(secs, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    s = value.strip()
    if _DIGITS.match(s):
        return parse_time(int(s))
    dt: datetime | None = None
    if len(s) >= 10 and s[4] == "-" and s[7] == "-":
        # ISO 8601 (v2's "2021-09-22T16:37:29.000Z", snscrape's "+00:00",
        # the old archive's "2014-07-09 01:36:52 +0000"): microseconds, not
        # the ten a failed strptime costs, on the hot path of a large import.
        try:
            dt = datetime.fromisoformat(s[:-1] + "+00:00" if s.endswith("Z") else s)
        except ValueError:
            dt = None
    for fmt in (() if dt is not None else (_TWITTER_TIME, _GRAILBIRD_TIME)):
        try:
            dt = datetime.strptime(s, fmt)
            break
        except ValueError:
            pass
    if dt is None:
        try:
            dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
        except ValueError:
            try:
                dt = dateparser.parse(s)
            except (ValueError, OverflowError):
                return None
    if dt.tzinfo is None:
        # Archives that drop the zone (some CSV exports) write UTC.
        dt = dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)
    except (ValueError, OverflowError):  # an offset of a day or more, a year past 9999
        return None


def unescape(text: str | None) -> str:
    """Decode the HTML entities Twitter writes into text (`&amp;`, `&gt;`)."""
    if not text:
        return text or ""
    if "&" not in text:
        return text

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in _NAMED:
            return _NAMED[name]
        try:
            code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
            return chr(code)
        except (ValueError, OverflowError):
            return m.group(0)

    return _ENTITY.sub(sub, text)


def source_app(source: str | None) -> str | None:
    """The app's name from Twitter's `<a href=…>Name</a>` source field."""
    if not source:
        return None
    m = _ANCHOR_TEXT.search(source)
    return unescape(m.group(1)).strip() if m else unescape(source).strip()


def expand_links(text: str, urls: Iterable[Url], media_links: Iterable[tuple[str, str]] = ()) -> str:
    """Replace each t.co link with the address it stands for, so that people
    read and search the real one; a media link becomes its display form."""
    for u in urls:
        if u.url and u.expanded and u.url in text:
            text = text.replace(u.url, u.expanded)
    for tco, display in media_links:
        if tco and tco in text:
            text = text.replace(tco, display or "")
    return text.strip() if media_links else text


def media_id(key: str | None) -> str | None:
    """The numeric part of a media key: v2 '3_1234' and v1.1 '1234' agree."""
    if not key:
        return None
    key = str(key)
    return key.split("_", 1)[1] if "_" in key else key


def media_type(value: str | None) -> str:
    if value in ("video", "animated_gif"):
        return value
    return "photo"


class RecordError(ValueError):
    """A record that cannot become a post; the message says why, for people."""


# Archives are hostile: a field may hold any JSON type. These read one as the
# type expected, or as empty.
def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def about_unavailable_posts(obj: dict[str, Any]) -> bool:
    """An API error (or a response of errors) saying posts could not be
    returned (deleted, protected, suspended): a notice, since the archive
    never held them, not a record that failed."""
    errors = obj.get("errors")
    errs: list[Any] = errors if isinstance(errors, list) else [obj]
    for e in errs:
        if isinstance(e, dict):
            what = " ".join(str(e.get(k) or "") for k in ("type", "title", "detail", "message")).lower()
            if any(w in what for w in ("not-found", "not found", "not-authorized", "authorization", "could not find")):
                return True
    return False
