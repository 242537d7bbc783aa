"""Gnip Activity Streams: the format of most purchased historical Twitter
data (PowerTrack, Historical PowerTrack, the 30-day and full-archive Search
APIs).

One activity per JSON line, or pages `{"results": [...], "next": …}` (Search
API) and `{"activities": [...]}`, or a pretty-printed document; the JSON
reader (`jsonfile`) finds the objects, `.gz` is opened by `sources`. An
activity is a post:

- `id` `tag:search.twitter.com,2005:<id>`, `postedTime`, `body` (a long
  post's whole text in `long_object.body`, which wins), `link`;
- `actor` the author (`id:twitter.com:<id>`, `preferredUsername`,
  `displayName`, `summary`, counts);
- `verb` `share` is a retweet, its `object` the retweeted original's whole
  activity (stored as referenced); `twitter_quoted_status` a quote's original;
  `inReplyTo.link` the replied-to post's URL;
- `twitter_entities` / `twitter_extended_entities` are v1.1 entities;
  `gnip.urls` the links Gnip unwound; `twitter_lang` or `gnip.language`;
  `location` the place.

System messages (`{"info": {"message": …, "activity_count": …}}`), errors
(`{"error": …}`) and deletion activities are notices, not failed records.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from ..model import Item, Post, Problem, Url, User
from . import RecordContext, register_object, v1
from .build import Embedded, build_post
from .common import RecordError, as_dict, as_list, as_str, dump, parse_time, to_count, to_int

MAX_DEPTH = 3
_TRAILING_ID = re.compile(r":(\d+)$")
_STATUS_LINK = re.compile(r"(?:twitter|x)\.com/(\w{1,50})/status(?:es)?/(\d+)")
_PAGE_KEYS = ("results", "activities")


def id_from(value: Any) -> int | None:
    """The number at the end of a Gnip id (`tag:search.twitter.com,2005:123`,
    `id:twitter.com:456`), or a plain id."""
    if isinstance(value, str):
        m = _TRAILING_ID.search(value)
        if m:
            return int(m.group(1))
    return to_int(value)


def is_activity(obj: Any) -> bool:
    return isinstance(obj, dict) and (obj.get("objectType") == "activity" or (
        "verb" in obj and "postedTime" in obj and ("actor" in obj or "body" in obj)))


def _is_page(obj: dict[str, Any]) -> bool:
    for key in _PAGE_KEYS:
        items = obj.get(key)
        if isinstance(items, list) and (not items or is_activity(items[0])) and (
                items or "next" in obj or "requestParameters" in obj):
            return True
    return False


def _system_message(obj: dict[str, Any]) -> str | None:
    """The notice a Gnip system message or error object gives, or None."""
    info = obj.get("info")
    if isinstance(info, dict) and len(obj) <= 2:
        msg = as_str(info.get("message")) or "system message"
        n = to_int(info.get("activity_count"))
        return f"a Gnip system message: {msg}" + (f" ({n} activities)" if n is not None else "")
    err = obj.get("error")
    if isinstance(err, dict) and len(obj) <= 2:
        return f"a Gnip error message: {as_str(err.get('message')) or 'error'}"
    return None


def user_of(actor: dict[str, Any]) -> User | None:
    uid = id_from(actor.get("id"))
    handle = as_str(actor.get("preferredUsername"))
    if uid is None and handle is None:
        return None
    links = [as_str(link.get("href")) for link in as_list(actor.get("links")) if isinstance(link, dict)]
    verified = actor.get("verified")
    return User(
        id=uid,
        handle=handle,
        name=as_str(actor.get("displayName")),
        bio=as_str(actor.get("summary")),
        location=as_str(as_dict(actor.get("location")).get("displayName")),
        url=next((link for link in links if link), None),
        followers_count=to_count(actor.get("followersCount")),
        following_count=to_count(actor.get("friendsCount")),
        tweet_count=to_count(actor.get("statusesCount")),
        listed_count=to_count(actor.get("listedCount")),
        verified=verified if isinstance(verified, bool) else None,
        created_at=parse_time(actor.get("postedTime")),
        profile_image_url=as_str(actor.get("image")),
    )


def _entities(a: dict[str, Any]) -> tuple[str, v1.Entities]:
    """The whole text (a long post's `long_object` wins) and its entities."""
    ents = v1.Entities()
    long = as_dict(a.get("long_object"))
    body = long.get("body") if isinstance(long.get("body"), str) else a.get("body")
    text = body if isinstance(body, str) else ""
    if long:
        ents.add(long.get("twitter_extended_entities"))
        ents.add(long.get("twitter_entities"))
    ents.add(a.get("twitter_extended_entities"), urls_in=text if long else None)
    ents.add(a.get("twitter_entities"), urls_in=text if long else None)
    # The links Gnip unwound (shorteners followed to the end).
    known = {u.url: u for u in ents.urls if u.url}
    for g in as_list(as_dict(a.get("gnip")).get("urls")):
        if not isinstance(g, dict):
            continue
        tco, expanded = as_str(g.get("url")), as_str(g.get("expanded_url"))
        if tco and tco in known:
            if not known[tco].expanded and expanded:
                known[tco].expanded = expanded
        elif tco and tco in text:
            ents.url(Url(tco, expanded, None))
    return text, ents


def parse_activity(a: dict[str, Any], location: str, raw: bytes, *, collected: bool = True,
                   _depth: int = 0) -> list[Post | User]:
    """The post one activity describes, its author, and the originals it
    carries (retweeted, quoted), each with `collected=False`.

    Raises RecordError when the activity has no usable id.
    """
    pid = id_from(a.get("id"))
    if pid is None:
        raise RecordError("an activity without a usable id")
    text, ents = _entities(a)
    actor = as_dict(a.get("actor"))
    author = user_of(actor) if actor else None
    embedded = Embedded(pid, _depth, MAX_DEPTH, lambda sub, depth: parse_activity(
        sub, location, dump(sub), collected=False, _depth=depth))

    def embed(sub: Any) -> tuple[int | None, Post | None]:
        """An original's id, and its post when the activity carries it whole
        (an older share's object is only a note: its id, no content)."""
        if not isinstance(sub, dict):
            return None, None
        post = embedded.read(sub) if is_activity(sub) else None
        return (post.id if post else id_from(sub.get("id"))), post

    retweet_of, original = embed(a.get("object")) if a.get("verb") == "share" else (None, None)
    quote_of, _quoted = embed(a.get("twitter_quoted_status"))
    reply = _STATUS_LINK.search(as_str(as_dict(a.get("inReplyTo")).get("link")) or "")
    lang = as_str(a.get("twitter_lang")) or as_str(as_dict(as_dict(a.get("gnip")).get("language")).get("value"))
    post = build_post(
        pid, ents.display(text), ents,
        retweet_of=retweet_of,
        original=original,
        quote_of=quote_of,
        reply_to=int(reply.group(2)) if reply else None,
        created_at=parse_time(a.get("postedTime")),
        author_id=author.id if author else None,
        author_handle=author.handle if author else None,
        author_name=author.name if author else None,
        lang=lang,
        reply_to_handle=reply.group(1) if reply else None,
        source_app=as_str(as_dict(a.get("generator")).get("displayName")),
        retweet_count=to_count(a.get("retweetCount")),
        like_count=to_count(a.get("favoritesCount")),
        place=as_str(as_dict(a.get("location")).get("displayName")),
        collected=collected,
        raw=raw,
        location=location,
    )
    return [post, *([author] if author else []), *embedded.items]


class Gnip:
    name = "gnip"
    label = "Gnip Activity Streams"

    def claims(self, obj: dict[str, Any]) -> bool:
        return isinstance(obj, dict) and (is_activity(obj) or _is_page(obj) or _system_message(obj) is not None)

    def parse(self, obj: dict[str, Any], ctx: RecordContext) -> Iterator[Item]:
        notice = _system_message(obj)
        if notice is not None:
            yield Problem(ctx.location, notice, notice=True)
            return
        if is_activity(obj):
            yield from self._activity(obj, ctx.location, ctx.raw)
            return
        for key in _PAGE_KEYS:
            items = obj.get(key)
            if isinstance(items, list):
                if not items:
                    yield Problem(ctx.location, "an empty result page: no activities", notice=True)
                for i, el in enumerate(items):
                    loc = f"{ctx.location}, {key}[{i}]"
                    if is_activity(el):
                        yield from self._activity(el, loc, dump(el))
                    else:
                        yield Problem(loc, "not an activity")

    def _activity(self, a: dict[str, Any], location: str, raw: bytes) -> Iterator[Item]:
        if a.get("verb") == "delete":
            yield Problem(location, "a deletion notice from Gnip", notice=True)
            return
        try:
            yield from parse_activity(a, location, raw)
        except RecordError as e:
            yield Problem(location, str(e))


register_object(Gnip())
