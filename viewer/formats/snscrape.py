"""snscrape's JSON lines (`snscrape --jsonl twitter-search …`).

One tweet per line, `_type` `snscrape.modules.twitter.Tweet`. The fields
changed over the years, and all versions are read:

- text: `rawContent` (2022-12 on), `content` (before; kept afterwards as a
  deprecated copy), `renderedContent` (links shown in their cut display form,
  the last resort);
- links: `links` [{`url`, `tcourl`, `text`}] (newer), or the parallel lists
  `outlinks` / `tcooutlinks` (older);
- `user` a full `User`, or a `UserRef` holding only an id; bios in
  `rawDescription` (+ `descriptionLinks` / `descriptionUrls`) or
  `renderedDescription` / `description`;
- `media`: a list of `Photo` (`fullUrl`, `previewUrl`, `altText`), `Video`
  and `Gif` (`thumbnailUrl`, `variants`) — before May 2021 without `_type`
  but with a `type` field — or, as twscrape writes the same `_type`, a dict
  of `photos` / `videos` / `animated`;
- `retweetedTweet` / `quotedTweet`: the whole original (stored with
  `collected=False`), or a `TweetRef` / `Tombstone` holding only its id;
- numbers are JSON integers; with `--json-buggy-int` (or twscrape's
  `id_str`) a string copy sits beside them, and wins.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from ..model import Item, Media, Post, Problem, Url, User
from . import RecordContext, register_object
from .build import Embedded, EntityBag, build_post
from .common import (RecordError, as_dict, as_list, as_str, dump, expand_links, parse_time, source_app, to_count,
                     to_int, unescape)

_PREFIX = "snscrape.modules.twitter."
TWEET = _PREFIX + "Tweet"
MAX_DEPTH = 3

_STATUS_URL = re.compile(r"/status(?:es)?/(\d+)")
_TCO = re.compile(r"https?://t\.co/(\w+)")
# A media thumbnail's path carries the media id: ext_tw_video_thumb/<id>/…
_THUMB_ID = re.compile(r"/(?:ext_tw_video_thumb|amplify_video_thumb|tweet_video_thumb)/(\d{6,})(?:/|$)")
_FORMAT = re.compile(r"(?:^|&)format=(\w+)")
_MEDIA_TYPES = {"Photo": "photo", "photo": "photo", "Video": "video", "video": "video",
                "Gif": "animated_gif", "gif": "animated_gif", "animated_gif": "animated_gif"}




def _type(obj: dict[str, Any]) -> str:
    t = obj.get("_type")
    return t[len(_PREFIX):] if isinstance(t, str) and t.startswith(_PREFIX) else ""


def id_of(obj: dict[str, Any], key: str) -> int | None:
    """An id from its exact string copy (`<key>.str`, `<key>_str`,
    `<key>Str`) when there is one, else from the number."""
    for k in (key + ".str", key + "_str", key + "Str"):
        v = obj.get(k)
        if v is not None and v != "":
            n = to_int(v)
            if n is not None:
                return n
    return to_int(obj.get(key))


def tweet_id(t: dict[str, Any]) -> int | None:
    """The tweet's id; when the number disagrees with the one in its own
    `url` (a number rounded through a JavaScript double), the URL's wins."""
    n = id_of(t, "id")
    url = t.get("url")
    if isinstance(url, str):
        m = _STATUS_URL.search(url)
        if m:
            from_url = int(m.group(1))
            if n is None or (n != from_url and "id.str" not in t and "id_str" not in t):
                return from_url
    return n


def user_of(u: Any) -> User | None:
    """An account from a snscrape `User` (or the bare id of a `UserRef`)."""
    if not isinstance(u, dict):
        return None
    uid = id_of(u, "id")
    handle = as_str(u.get("username"))
    if uid is None and handle is None:
        return None
    bio = as_str(u.get("rawDescription"))
    if bio:
        links = [Url(as_str(e.get("tcourl")) or "", as_str(e.get("url")), as_str(e.get("text")))
                 for e in as_list(u.get("descriptionLinks")) + as_list(u.get("descriptionUrls")) if isinstance(e, dict)]
        bio = expand_links(unescape(bio), links)
    else:
        bio = as_str(u.get("renderedDescription")) or as_str(u.get("description"))
    link = as_dict(u.get("link"))
    verified = u.get("verified")
    return User(
        id=uid,
        handle=handle,
        name=as_str(u.get("displayname")),
        bio=bio or None,
        location=as_str(u.get("location")),
        url=as_str(link.get("url")) or as_str(u.get("linkUrl")),
        followers_count=to_count(u.get("followersCount")),
        following_count=to_count(u.get("friendsCount")),
        tweet_count=to_count(u.get("statusesCount")),
        listed_count=to_count(u.get("listedCount")),
        verified=verified if isinstance(verified, bool) else None,
        created_at=parse_time(u.get("created")),
        profile_image_url=as_str(u.get("profileImageUrl")),
    )


def _media_key(url: str) -> str:
    """A media item's key from its URL: the numeric media id when the path
    holds one (videos), else the image's file name with its format
    (`…/media/FjK3xYz?format=jpg` → `FjK3xYz.jpg`, as the API's
    `media_url_https` names it)."""
    m = _THUMB_ID.search(url)
    if m:
        return m.group(1)
    path, _, query = url.partition("?")
    name = path.rstrip("/").rsplit("/", 1)[-1]
    if "." not in name:
        fm = _FORMAT.search(query)
        if fm:
            name = f"{name}.{fm.group(1)}"
    return name


def _medium(m: Any, kind: str | None = None) -> Media | None:
    if not isinstance(m, dict):
        return None
    mtype = kind or _MEDIA_TYPES.get(_type(m)) or _MEDIA_TYPES.get(m.get("type") or "") or "photo"
    if mtype == "photo":
        url = as_str(m.get("fullUrl")) or as_str(m.get("url")) or as_str(m.get("previewUrl"))
    else:
        url = as_str(m.get("thumbnailUrl")) or as_str(m.get("previewUrl"))
        if url is None:
            for v in as_list(m.get("variants")):
                if isinstance(v, dict) and as_str(v.get("url")):
                    url = v["url"]
                    break
            url = url or as_str(m.get("videoUrl"))
    if not url:
        return None
    alt = m.get("altText")
    return Media(key=_media_key(url), type=mtype, url=url,  # type: ignore[arg-type]
                 alt_text=alt if isinstance(alt, str) and alt else None)


def media_of(value: Any) -> list[Media]:
    out: list[Media] = []
    if isinstance(value, dict):  # twscrape: {"photos": [...], "videos": [...], "animated": [...]}
        for field, kind in (("photos", "photo"), ("videos", "video"), ("animated", "animated_gif")):
            for m in as_list(value.get(field)):
                media = _medium(m, kind)
                if media is not None:
                    out.append(media)
    else:
        for m in as_list(value):
            media = _medium(m)
            if media is not None:
                out.append(media)
    seen: set[str] = set()
    return [m for m in out if not (m.key in seen or seen.add(m.key))]  # type: ignore[func-returns-value]


def links_of(t: dict[str, Any]) -> list[Url]:
    links = t.get("links")
    if isinstance(links, list):
        return [Url(as_str(e.get("tcourl")) or "", as_str(e.get("url")), as_str(e.get("text")))
                for e in links if isinstance(e, dict) and (e.get("url") or e.get("tcourl"))]
    out = [as_str(x) for x in as_list(t.get("outlinks"))]
    tco = [as_str(x) for x in as_list(t.get("tcooutlinks"))]
    if len(tco) != len(out):
        tco = [None] * len(out)
    return [Url(c or "", o, None) for o, c in zip(out, tco, strict=True) if o or c]


def _display(raw_text: str, urls: list[Url], media: list[Media]) -> str:
    text = expand_links(unescape(raw_text), urls)
    if media and "t.co/" in text:
        # The link of the attached media is in no `links`: it shows as its
        # display form, as on Twitter (the t.co code is the pic.twitter.com one).
        known = {u.url for u in urls}
        text = _TCO.sub(lambda m: m.group(0) if m.group(0) in known else f"pic.twitter.com/{m.group(1)}", text).strip()
    return text


def parse_tweet(t: dict[str, Any], location: str, raw: bytes, *, collected: bool = True,
                _depth: int = 0) -> list[Post | User]:
    """The post one snscrape tweet describes, its users, and the originals it
    embeds (each a post with `collected=False` and its own raw record).

    Raises RecordError when the tweet has no usable id.
    """
    pid = tweet_id(t)
    if pid is None:
        raise RecordError("a snscrape tweet without a usable id")
    # The newest field first; `renderedContent` shows links cut, the last resort.
    text = next((v for v in (t.get("rawContent"), t.get("content"), t.get("renderedContent")) if isinstance(v, str)),
                "")
    ents = EntityBag()
    for u in links_of(t):
        ents.url(u)
    for m in media_of(t.get("media")):
        ents.medium(m)
    for h in as_list(t.get("hashtags")):
        if isinstance(h, str):
            ents.hashtag(h)
    for c in as_list(t.get("cashtags")):
        if isinstance(c, str):
            ents.cashtag(c)
    users: dict[Any, User] = {}

    def add_user(u: Any) -> User | None:
        user = user_of(u)
        if user is not None:
            key = user.id if user.id is not None else user.handle
            if key not in users or (users[key].followers_count is None and user.followers_count is not None):
                users[key] = user
        return user

    author = add_user(t.get("user"))
    if author is None and isinstance(t.get("username"), str):  # the oldest JSON: a bare `username`
        author = User(id=None, handle=t["username"])
    for u in as_list(t.get("mentionedUsers")):
        mu = add_user(u)
        if mu is not None and mu.handle:
            ents.mention(mu.handle, mu.id)
    reply_user = add_user(t.get("inReplyToUser"))

    embedded = Embedded(pid, _depth, MAX_DEPTH, lambda sub, depth: parse_tweet(
        sub, location, dump(sub), collected=False, _depth=depth))

    def embed(sub: Any) -> tuple[int | None, Post | None]:
        """The id of an embedded original, and its post when it is whole
        (a `TweetRef` or `Tombstone` holds only the id)."""
        if not isinstance(sub, dict):
            return None, None
        post = None if _type(sub) in ("TweetRef", "Tombstone") else embedded.read(sub)
        return (post.id if post else tweet_id(sub)), post

    retweet_of, original = embed(t.get("retweetedTweet"))
    quote_of, _quoted = embed(t.get("quotedTweet"))
    place = as_dict(t.get("place"))
    src = t.get("sourceLabel") if isinstance(t.get("sourceLabel"), str) else t.get("source")
    lang = t.get("lang")
    post = build_post(
        pid, _display(text, ents.urls, ents.media), ents,
        retweet_of=retweet_of,
        original=original,
        quote_of=quote_of,
        reply_to=id_of(t, "inReplyToTweetId"),
        created_at=parse_time(t.get("date")),
        author_id=author.id if author else None,
        author_handle=author.handle if author else None,
        author_name=author.name if author else None,
        lang=lang if isinstance(lang, str) and lang else None,
        reply_to_user_id=reply_user.id if reply_user else None,
        reply_to_handle=reply_user.handle if reply_user else (as_str(t.get("inReplyToScreenName"))),
        conversation_id=id_of(t, "conversationId"),
        source_app=source_app(src) if isinstance(src, str) else None,
        retweet_count=to_count(t.get("retweetCount")),
        reply_count=to_count(t.get("replyCount")),
        like_count=to_count(t.get("likeCount")),
        quote_count=to_count(t.get("quoteCount")),
        place=as_str(place.get("fullName")) or as_str(place.get("name")),
        collected=collected,
        raw=raw,
        location=location,
    )
    return [post, *users.values(), *embedded.items]


class Snscrape:
    name = "snscrape"
    label = "snscrape tweet"

    def claims(self, obj: dict[str, Any]) -> bool:
        if not isinstance(obj, dict):
            return False
        t = obj.get("_type")
        if isinstance(t, str):
            return t.startswith(_PREFIX)
        # Before May 2021 snscrape wrote no `_type`: a tweet is known by its
        # own URL, its date and its content.
        url = obj.get("url")
        return (isinstance(url, str) and "/status/" in url and "date" in obj
                and ("content" in obj or "rawContent" in obj) and "id_str" not in obj)

    def parse(self, obj: dict[str, Any], ctx: RecordContext) -> Iterator[Item]:
        kind = _type(obj)
        if kind in ("", "Tweet"):
            try:
                yield from parse_tweet(obj, ctx.location, ctx.raw)
            except RecordError as e:
                yield Problem(ctx.location, str(e))
        elif kind in ("User", "UserRef"):
            yield Problem(ctx.location, "a snscrape user, not a tweet")
            user = user_of(obj)
            if user is not None:
                yield user
        elif kind == "Tombstone":
            text = as_str(obj.get("text"))
            yield Problem(ctx.location, f"an unavailable tweet{f' ({text})' if text else ''}")
        elif kind == "TweetRef":
            yield Problem(ctx.location, f"only the id of a tweet ({tweet_id(obj)}): no content")
        else:
            yield Problem(ctx.location, f"a snscrape {kind or 'object'}, not a tweet")


register_object(Snscrape())
