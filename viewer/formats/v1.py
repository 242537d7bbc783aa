"""The Twitter API v1.1 status object.

What twarc 1, the Hydrator, Social Feed Manager, streaming dumps, Gnip's
"original format" and python-twitter's recorded responses hold: one status per
JSON object, with `user`, `entities`, `extended_entities`, and the retweeted or
quoted original embedded in `retweeted_status` / `quoted_status`.

`parse_status` is also the reader of the two account-archive formats, whose
records are v1.1 statuses with a few differences (see xarchive.py and
grailbird.py).
"""
from __future__ import annotations

import posixpath
from datetime import datetime
from typing import Any, Iterator

from ..model import Item, Media, Post, Problem, Url, User
from . import RecordContext, register_object
from .build import Embedded, EntityBag, build_post
from .common import (UTC, RecordError, as_dict, as_list, as_str, dump, expand_links, media_id, media_type, parse_time,
                     source_app, to_count, to_int, unescape)

# How deep embedded originals are followed: a retweet of a quote of a post is
# as deep as Twitter ever nests; anything deeper is a hostile record.
MAX_DEPTH = 3

# Keys that mark an object as some other format's, never a v1.1 status.
_NOT_V1 = ("_type", "author_id", "edit_history_tweet_ids", "data")


_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


def status_time(value: Any) -> datetime | None:
    """`created_at` of a status. Twitter's two UTC forms are read by hand
    (strptime would be a third of the whole parse); anything else goes to
    `common.parse_time`."""
    if type(value) is str:
        p = value.split(" ")
        try:
            if len(p) == 6 and p[4] == "+0000":  # Mon Oct 17 05:12:00 +0000 2016
                h, mi, sec = p[3].split(":")
                return datetime(int(p[5]), _MONTHS[p[1]], int(p[2]), int(h), int(mi), int(sec), tzinfo=UTC)
            if len(p) == 3 and p[2] == "+0000":  # 2014-07-09 01:36:52 +0000
                y, mo, d = p[0].split("-")
                h, mi, sec = p[1].split(":")
                return datetime(int(y), int(mo), int(d), int(h), int(mi), int(sec), tzinfo=UTC)
        except (KeyError, ValueError):
            pass
    return parse_time(value)


def _int(value: Any) -> int | None:
    """`common.to_int`, with the common cases first."""
    if type(value) is str and value.isdigit() and value.isascii():
        return int(value)
    if type(value) is int:
        return value
    return to_int(value)


def _count(value: Any) -> int | None:
    if type(value) is int:
        return value if value >= 0 else None
    if type(value) is str and value.isdigit() and value.isascii():
        return int(value)
    return to_count(value)




def id_of(obj: dict[str, Any], key: str) -> int | None:
    """An id from `<key>_str`, else from the bare `<key>` when no string form
    exists. A numeric id next to its string may have been rounded through a
    JavaScript double, so the string always wins."""
    s = obj.get(key + "_str")
    if s is not None and s != "":
        return _int(s)
    return _int(obj.get(key))


def user_of(u: dict[str, Any]) -> User | None:
    """The account a v1.1 `user` object describes, or None if it names none."""
    uid = id_of(u, "id")
    handle = as_str(u.get("screen_name"))
    if uid is None and handle is None:
        return None
    bio = as_str(u.get("description"))
    if bio:
        bio = expand_links(unescape(bio), urls_of(as_dict(as_dict(u.get("entities")).get("description")).get("urls")))
    url = as_str(u.get("url"))
    if url:
        for e in as_list(as_dict(as_dict(as_dict(u.get("entities")).get("url"))).get("urls")):
            if isinstance(e, dict) and e.get("url") == url and e.get("expanded_url"):
                url = e["expanded_url"]
                break
    verified = u.get("verified")
    return User(
        id=uid,
        handle=handle,
        name=unescape(as_str(u.get("name"))) or None,
        bio=bio or None,
        location=unescape(as_str(u.get("location"))) or None,
        url=url,
        followers_count=_count(u.get("followers_count")),
        following_count=_count(u.get("friends_count")),
        tweet_count=_count(u.get("statuses_count")),
        listed_count=_count(u.get("listed_count")),
        verified=verified if isinstance(verified, bool) else None,
        created_at=status_time(u.get("created_at")),
        profile_image_url=as_str(u.get("profile_image_url_https")) or as_str(u.get("profile_image_url")),
    )


def urls_of(entities: Any) -> list[Url]:
    out = []
    for e in as_list(entities):
        if not isinstance(e, dict):
            continue
        tco, expanded = as_str(e.get("url")), as_str(e.get("expanded_url"))
        if tco or expanded:
            out.append(Url(tco or "", expanded, as_str(e.get("display_url"))))
    return out


def best_variant(media: dict[str, Any]) -> str | None:
    """The URL of a video's best MP4 (highest bitrate), else of any variant."""
    best, best_rate = None, -1
    for v in as_list(as_dict(media.get("video_info")).get("variants")):
        if not isinstance(v, dict) or not isinstance(v.get("url"), str):
            continue
        rate = to_int(v.get("bitrate"))
        mp4 = v.get("content_type") == "video/mp4" or ".mp4" in v["url"]
        score = (rate if rate is not None else 0) if mp4 else -1
        if best is None or score > best_rate:
            best, best_rate = v["url"], score
    return best


def url_basename(url: str | None) -> str | None:
    """The last path part of a URL, without query or fragment."""
    if not url or not isinstance(url, str):
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    name = posixpath.basename(path)
    return name or None


def media_key(m: dict[str, Any]) -> str | None:
    """A media item's key: its id as a string (the URL's file name when the
    record gives none)."""
    key = media_id(as_str(m.get("id_str")) or (str(m["id"]) if isinstance(m.get("id"), (int, str)) else None)
                   or as_str(m.get("media_key")))
    return key or url_basename(as_str(m.get("media_url_https")) or as_str(m.get("media_url")))


def media_of(m: dict[str, Any]) -> Media | None:
    key = media_key(m)
    if not key:
        return None
    url = as_str(m.get("media_url_https")) or as_str(m.get("media_url"))
    orig = as_dict(m.get("original_info"))
    width, height = _int(orig.get("width")), _int(orig.get("height"))
    if width is None:
        large = as_dict(as_dict(m.get("sizes")).get("large"))
        width, height = _int(large.get("w")), _int(large.get("h"))
    alt = m.get("ext_alt_text")
    return Media(
        key=str(key),
        type=media_type(m.get("type")),  # type: ignore[arg-type]
        url=url,
        alt_text=alt if isinstance(alt, str) and alt else None,
        width=width,
        height=height,
    )


class Entities(EntityBag):
    """A v1.1 status's entity blocks (`entities`, `extended_entities`, and
    those of `extended_tweet`), read into one bag."""

    __slots__ = ()

    def add(self, block: Any, *, urls_in: str | None = None) -> None:
        """One `entities` / `extended_entities` block. With `urls_in`, only the
        URLs whose t.co link stands in that text are taken (the links of a
        cut text that a full text replaced are not the post's)."""
        if not isinstance(block, dict):
            return
        for h in as_list(block.get("hashtags")):
            tag = h.get("text") if isinstance(h, dict) else None
            if isinstance(tag, str):
                self.hashtag(tag)
        for c in as_list(block.get("symbols")):
            tag = c.get("text") if isinstance(c, dict) else None
            if isinstance(tag, str):
                self.cashtag(tag)
        for m in as_list(block.get("user_mentions")):
            handle = m.get("screen_name") if isinstance(m, dict) else None
            if isinstance(handle, str):
                self.mention(handle, id_of(m, "id"))
        for u in urls_of(block.get("urls")):
            if urls_in is None or not u.url or u.url in urls_in:
                self.url(u)
        for m in as_list(block.get("media")):
            if not isinstance(m, dict):
                continue
            media = media_of(m)
            if media is None:
                continue
            tco = as_str(m.get("url"))
            if tco:
                self.media_link(tco, as_str(m.get("display_url")) or "")
            self.medium(media)


def raw_media(obj: dict[str, Any]) -> list[dict[str, Any]]:
    """The record's media objects (the richer `extended_entities` first)."""
    out: list[dict[str, Any]] = []
    for block in (as_dict(obj.get("extended_entities")), as_dict(obj.get("entities")),
                  as_dict(as_dict(obj.get("extended_tweet")).get("extended_entities")),
                  as_dict(as_dict(obj.get("extended_tweet")).get("entities"))):
        out.extend(m for m in as_list(block.get("media")) if isinstance(m, dict))
    return out


def _text_and_entities(obj: dict[str, Any]) -> tuple[str, Entities, bool]:
    """The fullest text the record holds, its entities, and whether it is whole."""
    ents = Entities()
    ext = obj.get("extended_tweet")
    full = obj.get("full_text")
    if isinstance(full, str):
        text, whole = full, True
        ents.add(obj.get("extended_entities"))
        ents.add(obj.get("entities"))
    elif isinstance(ext, dict) and isinstance(ext.get("full_text"), str):
        text, whole = ext["full_text"], True
        ents.add(ext.get("extended_entities"))
        ents.add(ext.get("entities"))
        ents.add(obj.get("extended_entities"), urls_in=text)
        ents.add(obj.get("entities"), urls_in=text)
    else:
        t = obj.get("text")
        text = t if isinstance(t, str) else ""
        whole = not obj.get("truncated")
        ents.add(obj.get("extended_entities"))
        ents.add(obj.get("entities"))
    return text, ents, whole


def parse_status(obj: dict[str, Any], location: str, raw: bytes, *, collected: bool = True,
                 _depth: int = 0) -> list[Post | User]:
    """The post a v1.1 status describes, its author, and the originals it
    embeds (as posts with `collected=False`, each with its own raw record).

    Raises RecordError when the status has no usable id.
    """
    if not isinstance(obj, dict):
        raise RecordError("not a tweet object")
    pid = id_of(obj, "id")
    if pid is None:
        raise RecordError("no usable tweet id (id_str / id)")

    user = as_dict(obj.get("user"))
    author = user_of(user) if user else None
    text, ents, whole = _text_and_entities(obj)

    embedded = Embedded(pid, _depth, MAX_DEPTH, lambda sub, depth: parse_status(
        sub, location, dump(sub), collected=False, _depth=depth))
    rt = obj.get("retweeted_status")
    original = embedded.read(rt)
    retweet_of = original.id if original else (id_of(rt, "id") if isinstance(rt, dict) else None)
    quoted = embedded.read(obj.get("quoted_status"))
    quote_of = id_of(obj, "quoted_status_id")
    if quote_of is None and quoted is not None:
        quote_of = quoted.id

    place = obj.get("place")
    place_name = (place.get("full_name") or place.get("name")) if isinstance(place, dict) else None
    created = status_time(obj.get("created_at"))
    if created is None and obj.get("timestamp_ms") is not None:
        created = parse_time(to_int(obj.get("timestamp_ms")))
    lang = obj.get("lang")
    post = build_post(
        pid, ents.display(text), ents,
        text_full=whole,
        retweet_of=retweet_of,
        original=original,
        quote_of=quote_of,
        reply_to=id_of(obj, "in_reply_to_status_id"),
        created_at=created,
        author_id=author.id if author else None,
        author_handle=author.handle if author else None,
        author_name=author.name if author else None,
        lang=lang if isinstance(lang, str) and lang else None,
        reply_to_user_id=id_of(obj, "in_reply_to_user_id"),
        reply_to_handle=as_str(obj.get("in_reply_to_screen_name")),
        conversation_id=id_of(obj, "conversation_id"),
        source_app=source_app(obj.get("source")) if isinstance(obj.get("source"), str) else None,
        retweet_count=_count(obj.get("retweet_count")),
        reply_count=_count(obj.get("reply_count")),
        like_count=_count(obj.get("favorite_count")),
        quote_count=_count(obj.get("quote_count")),
        place=place_name if isinstance(place_name, str) and place_name else None,
        collected=collected,
        # The account archive's deleted posts carry the time they were deleted.
        deleted=bool(obj.get("deleted_at")),
        raw=raw,
        location=location,
    )
    out: list[Post | User] = [post]
    if author is not None:
        out.append(author)
    out.extend(embedded.items)
    return out


class V1Status:
    name = "v1.1"
    label = "Twitter API v1.1 status"

    def claims(self, obj: dict[str, Any]) -> bool:
        if not isinstance(obj, dict):
            return False
        for key in _NOT_V1:
            if key in obj:
                return False
        return ("id_str" in obj or "id" in obj) and ("text" in obj or "full_text" in obj)

    def parse(self, obj: dict[str, Any], ctx: RecordContext) -> Iterator[Item]:
        try:
            items = parse_status(obj, ctx.location, ctx.raw)
        except RecordError as e:
            yield Problem(ctx.location, str(e))
            return
        yield from items


register_object(V1Status())
