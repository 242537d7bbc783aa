"""Twitter API v2, as twarc2 writes it.

Two shapes, both one JSON object per line:

- a *response page*: `data` (a list of tweets, or one tweet from the filtered
  stream), `includes` (`users`, `tweets`, `media`, `places`, `polls`), `meta`,
  `errors` (partial errors beside the data), and twarc's `__twarc`;
- a *flattened tweet* (`twarc2 flatten`): one tweet with everything from
  `includes` put inline — `author`, `in_reply_to_user`, the whole original in
  each `referenced_tweets[i]`, media in `attachments.media`, the place in
  `geo`.

A page's tweets in `data` are the collected posts. A tweet only in
`includes.tweets` (a retweeted, quoted or replied-to original, an earlier
version of an edited post, a user's pinned post) is stored too, with
`collected=False`. A page whose `data` is not tweets (a counts response, users,
lists) is reported, and what it does carry (users, pinned tweets) still lands.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from ..model import Item, Media, Post, Problem, Url, User
from . import RecordContext, register_object
from .build import EntityBag, OriginalView, build_post
from .common import (RecordError, about_unavailable_posts, as_dict, as_list, as_str, dump, expand_links, media_id,
                     media_type, parse_time, source_app, to_count, to_int)

# How deep inline originals of a flattened tweet are followed (a retweet of a
# quote of a reply is as deep as twarc ever nests); deeper is a hostile record.
MAX_DEPTH = 3

# A v2 media key starts with its kind: what a key means when `includes.media`
# lacks the item (withheld, or a policy violation).
_KEY_TYPES = {"3": "photo", "7": "video", "13": "video", "16": "animated_gif"}

_NOT_TWEETS = {
    "counts": "a tweet counts response, not tweets",
    "users": "a users lookup: no tweets",
    "lists": "lists: no tweets",
}




def _key(value: Any) -> str | None:
    """An id as the string the includes are indexed by."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _id(value: Any) -> int | None:
    """`to_int` with a fast path for the decimal strings v2 gives every id."""
    if value.__class__ is str and value.isdigit() and value.isascii():
        return int(value)
    return to_int(value)


def _count(value: Any) -> int | None:
    if value.__class__ is int and value >= 0:
        return value
    return to_count(value)


def _is_tweet(obj: dict[str, Any]) -> bool:
    return "text" in obj or "note_tweet" in obj or "edit_history_tweet_ids" in obj or "author_id" in obj


def _data_kind(obj: dict[str, Any]) -> str:
    if _is_tweet(obj):
        return "tweet"
    if "tweet_count" in obj and ("start" in obj or "end" in obj):
        return "counts"
    if "username" in obj:
        return "users"
    if "owner_id" in obj or "member_count" in obj or "follower_count" in obj:
        return "lists"
    return "other"


class Index:
    """What one page (or one flattened tweet) holds besides its tweets,
    looked up by id — built once per page, never searched per record."""

    __slots__ = ("users", "users_by_name", "media", "places", "tweets", "_texts")

    def __init__(self) -> None:
        self.users: dict[str, dict[str, Any]] = {}
        self.users_by_name: dict[str, dict[str, Any]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self.places: dict[str, dict[str, Any]] = {}
        self.tweets: dict[str, dict[str, Any]] = {}
        # id → (display text, entities, whole), so that an original retweeted
        # many times on a page is read once.
        self._texts: dict[int, tuple[str, "Entities", bool]] = {}

    @classmethod
    def of_includes(cls, includes: dict[str, Any]) -> "Index":
        idx = cls()
        for u in as_list(includes.get("users")):
            idx.add_user(u)
        for m in as_list(includes.get("media")):
            if isinstance(m, dict) and isinstance(m.get("media_key"), str):
                idx.media[m["media_key"]] = m
        for p in as_list(includes.get("places")):
            if isinstance(p, dict) and _key(p.get("id")):
                idx.places[_key(p["id"])] = p  # type: ignore[index]
        for t in as_list(includes.get("tweets")):
            if isinstance(t, dict) and _key(t.get("id")):
                idx.tweets.setdefault(_key(t["id"]), t)  # type: ignore[arg-type]
        return idx

    def add_user(self, u: Any) -> None:
        if not isinstance(u, dict):
            return
        k = _key(u.get("id"))
        if k:
            self.users.setdefault(k, u)
        name = u.get("username")
        if isinstance(name, str) and name:
            self.users_by_name.setdefault(name.lower(), u)

    def user(self, uid: Any, inline: Any = None) -> dict[str, Any] | None:
        if isinstance(inline, dict) and inline:
            return inline
        k = _key(uid)
        return self.users.get(k) if k else None


class Entities(EntityBag):
    """A v2 tweet's `entities` (and its `note_tweet`'s), read into one bag."""

    __slots__ = ()

    def add(self, block: Any, idx: Index) -> None:
        if not isinstance(block, dict):
            return
        for h in as_list(block.get("hashtags")):
            tag = h.get("tag") if isinstance(h, dict) else None
            if isinstance(tag, str):
                self.hashtag(tag)
        for c in as_list(block.get("cashtags")):
            tag = c.get("tag") if isinstance(c, dict) else None
            if isinstance(tag, str):
                self.cashtag(tag)
        for m in as_list(block.get("mentions")):
            handle = m.get("username") if isinstance(m, dict) else None
            if not isinstance(handle, str) or not handle:
                continue
            uid = _id(m.get("id"))
            if uid is None:
                u = idx.users_by_name.get(handle.lower())
                uid = _id(u.get("id")) if u else None
            self.mention(handle, uid)
        for e in as_list(block.get("urls")):
            if not isinstance(e, dict):
                continue
            tco = as_str(e.get("url")) or ""
            expanded = as_str(e.get("expanded_url"))
            display = as_str(e.get("display_url"))
            if "media_key" in e or (display and display.startswith("pic.twitter.com/")
                                    and expanded and ("/photo/" in expanded or "/video/" in expanded)):
                self.media_link(tco, display or "")
                continue
            self.url(Url(tco, expanded, display))


def media_of(key: str, m: dict[str, Any] | None) -> Media | None:
    mid = media_id(key)
    if not mid:
        return None
    if not m:
        return Media(key=mid, type=_KEY_TYPES.get(key.split("_", 1)[0], "photo"))  # type: ignore[arg-type]
    alt = m.get("alt_text")
    return Media(
        key=mid,
        type=media_type(m.get("type")),  # type: ignore[arg-type]
        url=as_str(m.get("url")) or as_str(m.get("preview_image_url")),
        alt_text=alt if isinstance(alt, str) and alt else None,
        width=_id(m.get("width")),
        height=_id(m.get("height")),
    )


def _expand_in(text: str | None, block: Any) -> str | None:
    """A user's bio or link with its t.co links expanded."""
    if not text:
        return text
    urls = [Url(e["url"], as_str(e.get("expanded_url")), as_str(e.get("display_url")))
            for e in as_list(as_dict(block).get("urls")) if isinstance(e, dict) and isinstance(e.get("url"), str)]
    return expand_links(text, urls) if urls else text


def user_of(u: dict[str, Any]) -> User | None:
    """The account a v2 user object describes, or None if it names none."""
    uid = _id(u.get("id"))
    handle = as_str(u.get("username"))
    if uid is None and handle is None:
        return None
    ents = as_dict(u.get("entities"))
    metrics = as_dict(u.get("public_metrics"))
    verified = u.get("verified")
    return User(
        id=uid,
        handle=handle,
        name=as_str(u.get("name")),
        bio=_expand_in(as_str(u.get("description")), ents.get("description")),
        location=as_str(u.get("location")),
        url=_expand_in(as_str(u.get("url")), ents.get("url")),
        followers_count=_count(metrics.get("followers_count")),
        following_count=_count(metrics.get("following_count")),
        tweet_count=_count(metrics.get("tweet_count")),
        listed_count=_count(metrics.get("listed_count")),
        verified=verified if isinstance(verified, bool) else None,
        created_at=parse_time(u.get("created_at")),
        profile_image_url=as_str(u.get("profile_image_url")),
    )


def _text_of(t: dict[str, Any], pid: int, idx: Index) -> tuple[str, Entities, bool]:
    """The display text of a tweet, its entities, and whether the text is whole."""
    cached = idx._texts.get(pid)
    if cached is not None:
        return cached
    ents = Entities()
    note = as_dict(t.get("note_tweet"))
    note_text = note.get("text")
    if isinstance(note_text, str):
        text = note_text
        ents.add(note.get("entities"), idx)
        ents.add(t.get("entities"), idx)
        whole = True
    else:
        own = t.get("text")
        text = own if isinstance(own, str) else ""
        ents.add(t.get("entities"), idx)
        whole = not _cut_long_post(text, pid, ents)
    att = as_dict(t.get("attachments"))
    inline = {m["media_key"]: m for m in as_list(att.get("media"))
              if isinstance(m, dict) and isinstance(m.get("media_key"), str)}
    keys = as_list(att.get("media_keys"))
    for key in keys:
        if isinstance(key, str):
            listed = media_of(key, inline.get(key) or idx.media.get(key))
            if listed is not None:
                ents.medium(listed)
    for key, m in inline.items():
        if key not in keys:
            only_inline = media_of(key, m)
            if only_inline is not None:
                ents.medium(only_inline)
    display = ents.display(text)
    ents.add_text(display)
    result = (display, ents, whole)
    if str(pid) in idx.tweets:
        # Only an original is met again (retweeted or quoted many times);
        # keeping every post's text would hold a whole large page in memory.
        idx._texts[pid] = result
    return result


def _cut_long_post(text: str, pid: int, ents: Entities) -> bool:
    """A long post read without `note_tweet`: its text ends with '…' and a
    link to the post itself."""
    if "…" not in text or "…" not in text[-40:]:
        return False
    own = f"/status/{pid}"
    return any(u.expanded and u.expanded.endswith(own) and "/i/web/" in u.expanded for u in ents.urls)


def post_of(t: dict[str, Any], idx: Index, *, collected: bool, location: str, raw: bytes) -> Post:
    """The post one v2 tweet object describes.

    Raises RecordError when the tweet has no usable id.
    """
    pid = _id(t.get("id"))
    if pid is None:
        raise RecordError("a tweet without a usable id")
    display, ents, whole = _text_of(t, pid, idx)

    refs: dict[str, int] = {}
    for r in as_list(t.get("referenced_tweets")):
        if isinstance(r, dict) and isinstance(r.get("type"), str):
            rid = _id(r.get("id"))
            if rid is not None:
                refs.setdefault(r["type"], rid)
    retweet_of, quote_of, reply_to = refs.get("retweeted"), refs.get("quoted"), refs.get("replied_to")

    author = idx.user(t.get("author_id"), t.get("author"))
    original = None
    whole_rt = whole
    if retweet_of is not None:
        orig = idx.tweets.get(str(retweet_of))
        if orig is not None and ("text" in orig or "note_tweet" in orig):
            odisplay, oents, owhole = _text_of(orig, retweet_of, idx)
            ouser = idx.user(orig.get("author_id"), orig.get("author"))
            original = OriginalView.of(odisplay, owhole, as_str(ouser.get("username")) if ouser else None,
                                       _id(orig.get("author_id")), oents)
        # Without its original, only the retweet's own text, which v2 cuts
        # at 140 characters.
        whole_rt = False

    reply_user = idx.user(t.get("in_reply_to_user_id"), t.get("in_reply_to_user"))
    geo = as_dict(t.get("geo"))
    place = None
    if geo:
        p = idx.places.get(_key(geo.get("place_id")) or "") or geo
        place = as_str(p.get("full_name")) or as_str(p.get("name"))
    metrics = as_dict(t.get("public_metrics"))
    lang = t.get("lang")
    src = t.get("source")
    # The bag is shared with the page's cache: a retweet adds its original's
    # entities to a copy.
    bag = ents.copy() if retweet_of is not None else ents
    return build_post(
        pid, display, bag,
        text_full=whole_rt,
        retweet_of=retweet_of,
        original=original,
        quote_of=quote_of,
        reply_to=reply_to,
        created_at=parse_time(t.get("created_at")),
        author_id=(_id(t.get("author_id")) if t.get("author_id") is not None
                   else (_id(author.get("id")) if author else None)),
        author_handle=as_str(author.get("username")) if author else None,
        author_name=as_str(author.get("name")) if author else None,
        lang=lang if isinstance(lang, str) and lang else None,
        reply_to_user_id=_id(t.get("in_reply_to_user_id")),
        reply_to_handle=as_str(reply_user.get("username")) if reply_user else None,
        conversation_id=_id(t.get("conversation_id")),
        source_app=source_app(src) if isinstance(src, str) else None,
        retweet_count=_count(metrics.get("retweet_count")),
        reply_count=_count(metrics.get("reply_count")),
        like_count=_count(metrics.get("like_count")),
        quote_count=_count(metrics.get("quote_count")),
        place=place,
        collected=collected,
        raw=raw,
        location=location,
    )


def _error_reason(err: Any) -> str:
    if not isinstance(err, dict):
        return f"an API error beside the data: {err}"
    title = err.get("title") or "error"
    detail = err.get("detail") or err.get("message") or err.get("value") or ""
    return f"an API error beside the data: {title}: {detail}" if detail else f"an API error beside the data: {title}"


class V2:
    name = "v2"
    label = "Twitter API v2 (twarc2)"

    def claims(self, obj: dict[str, Any]) -> bool:
        if not isinstance(obj, dict) or "_type" in obj:
            return False
        if "data" in obj or "includes" in obj:
            return True
        if isinstance(obj.get("meta"), dict) and "result_count" in obj["meta"]:
            return True
        if "id_str" in obj:
            return False
        # A flattened tweet; or any other object `twarc2 flatten` wrote (a
        # user, a count, a list), which carries twarc's `__twarc`.
        return "author_id" in obj or "edit_history_tweet_ids" in obj or "__twarc" in obj

    def parse(self, obj: dict[str, Any], ctx: RecordContext) -> Iterator[Item]:
        if "data" in obj or "includes" in obj or "meta" in obj and "id" not in obj:
            yield from self.page(obj, ctx)
            return
        kind = _data_kind(obj)
        if kind == "tweet":
            yield from self._flat(obj, ctx)
        elif kind == "users":
            yield from self._flat_user(obj, ctx)
        else:
            keys = ", ".join(sorted(k for k in obj if k != "__twarc")[:8])
            yield Problem(ctx.location, _NOT_TWEETS.get(kind) or f"not a tweet (a twarc object with keys {keys})")

    # -- a response page ---------------------------------------------------

    def page(self, obj: dict[str, Any], ctx: RecordContext) -> Iterator[Item]:
        """The posts, originals, users and notices of one response page."""
        data = obj.get("data")
        entries: Iterable[tuple[str, Any]]
        if isinstance(data, dict):
            entries = [(f"{ctx.location}, data", data)]
        elif isinstance(data, list):
            entries = ((f"{ctx.location}, data[{i}]", el) for i, el in enumerate(data))
        else:
            entries = []
            if data is not None:
                yield Problem(ctx.location, f"not tweets (data is a JSON {type(data).__name__})")
        yield from self.page_items(obj, entries, as_dict(obj.get("includes")), ctx)

    def page_items(self, obj: dict[str, Any], entries: Iterable[tuple[str, Any]], includes: dict[str, Any],
                   ctx: RecordContext, *, originals: Iterable[tuple[str, Any]] | None = None,
                   users: Iterable[Any] | None = None) -> Iterator[Item]:
        """A page whose `data` elements come one at a time from `entries`
        ((location, element) pairs), so a page too large to hold can be read
        from a stream; `obj` holds its other members. `includes` is indexed to
        complete the posts; its tweets and users are handed out from it, or
        from `originals` and `users` when given (a page whose includes were
        too large to keep whole reads them again from the stream)."""
        idx = Index.of_includes(includes)
        data = obj.get("data")
        others: dict[str, int] = {}
        other_keys: dict[str, set[str]] = {}
        collected: set[str] = set()
        seen_users: set[int | str] = set()
        known = _known_users(ctx)
        seen = 0
        for loc, el in entries:
            seen += 1
            if not isinstance(el, dict):
                yield Problem(loc, f"not a tweet (a JSON {type(el).__name__})")
                continue
            kind = _data_kind(el)
            if kind != "tweet":
                if kind == "users":
                    yield from _user_item(el, seen_users, known)
                others[kind] = others.get(kind, 0) + 1
                if len(other_keys.setdefault(kind, set())) < 64:
                    other_keys[kind].update(list(el)[:64])
                continue
            got = _post_or_problem(el, idx, collected=True, location=loc)
            if isinstance(got, Post):
                collected.add(str(got.id))
            yield got
        for kind, n in others.items():
            if kind in _NOT_TWEETS:
                yield Problem(ctx.location, _NOT_TWEETS[kind])
            else:
                keys = sorted(other_keys[kind])[:8]
                yield Problem(ctx.location, f"not tweets: {n} object(s) with keys {', '.join(keys)}")
        if not seen and data is None and not includes and originals is None:
            yield Problem(ctx.location, "an empty result page: no tweets")
        elif isinstance(data, list) and not seen:
            yield Problem(ctx.location, "an empty result page: no tweets")

        if originals is None:
            originals = ((f"{ctx.location}, includes.tweets[{j}]", t)
                         for j, t in enumerate(as_list(includes.get("tweets"))))
        for loc, t in originals:
            if not isinstance(t, dict):
                continue
            k = _key(t.get("id"))
            if k in collected:
                continue
            got = _post_or_problem(t, idx, collected=False, location=loc)
            if isinstance(got, Post):
                collected.add(str(got.id))
            yield got
        for u in as_list(includes.get("users")) if users is None else users:
            yield from _user_item(u, seen_users, known)
        errors = obj.get("errors")
        if errors and (seen or includes or originals is not None):
            for i, err in enumerate(as_list(errors)):
                yield Problem(f"{ctx.location}, errors[{i}]", _error_reason(err),
                              notice=isinstance(err, dict) and about_unavailable_posts(err))

    # -- a flattened tweet -------------------------------------------------

    def _flat(self, obj: dict[str, Any], ctx: RecordContext) -> Iterator[Item]:
        idx = Index()
        originals: list[tuple[str, dict[str, Any]]] = []
        _gather(obj, idx, originals, ctx.location, 0)
        try:
            yield post_of(obj, idx, collected=True, location=ctx.location, raw=ctx.raw)
        except RecordError as e:
            yield Problem(ctx.location, str(e))
            return
        own = _key(obj.get("id"))
        seen = {own}
        for loc, t in originals:
            k = _key(t.get("id"))
            if k in seen:
                continue
            seen.add(k)
            try:
                yield post_of(t, idx, collected=False, location=loc, raw=dump(t))
            except RecordError:
                continue  # the collected post still imports; its raw keeps the original
        yield from _users(idx)

    def _flat_user(self, obj: dict[str, Any], ctx: RecordContext) -> Iterator[Item]:
        """A flattened users lookup: the user lands, and its pinned post."""
        idx = Index()
        originals: list[tuple[str, dict[str, Any]]] = []
        _gather_user(obj, idx, originals, ctx.location, 0)
        yield Problem(ctx.location, "a user, not a tweet")
        for loc, t in originals:
            try:
                yield post_of(t, idx, collected=False, location=loc, raw=dump(t))
            except RecordError:
                continue
        yield from _users(idx)


def _post_or_problem(t: dict[str, Any], idx: Index, *, collected: bool, location: str) -> Post | Problem:
    """The post of one tweet object of a page, or why it could not be read:
    one bad tweet never costs the rest of the page."""
    try:
        return post_of(t, idx, collected=collected, location=location, raw=dump(t))
    except Exception as e:  # noqa: BLE001 - whatever a hostile record raises is its own failure
        return Problem(location, str(e) if isinstance(e, RecordError) else
                       f"could not read this tweet: {type(e).__name__}: {str(e)[:200]}")


# Accounts whose object a file's reader remembers (see _known_users).
KNOWN_USERS = 20_000


def _known_users(ctx: RecordContext) -> dict[Any, dict[str, Any]] | None:
    """Each account's object as an earlier record of this file gave it: a
    harvest repeats its authors on every page, and an object equal to the
    last one read says nothing new (the store keeps what it last saw)."""
    if ctx.memo is None:
        return None
    known = ctx.memo.setdefault("v2.users", {})
    if len(known) >= KNOWN_USERS:
        known.clear()
    return known


def _user_item(u: Any, seen: set[int | str], known: dict[Any, dict[str, Any]] | None = None) -> Iterator[User]:
    """The user of a users object, once per page, and not again while it
    is the same object as before (`known`)."""
    key = u.get("id") if known is not None and isinstance(u, dict) else None
    if not isinstance(key, (str, int)):
        key = None
    elif known is not None and known.get(key) == u:
        return
    try:
        user = user_of(u) if isinstance(u, dict) else None
    except Exception:  # a damaged account record costs only that account
        user = None
    if user is not None:
        ident = user.id if user.id is not None else (user.handle or "")
        if ident not in seen:
            seen.add(ident)
            if key is not None and known is not None:
                known[key] = u
            yield user


def _users(idx: Index) -> Iterator[User]:
    for u in idx.users.values():
        user = user_of(u)
        if user is not None:
            yield user


def _gather_user(u: Any, idx: Index, originals: list[tuple[str, dict[str, Any]]], loc: str, depth: int) -> None:
    if not isinstance(u, dict) or not u:
        return
    if _id(u.get("id")) is not None:
        idx.add_user(u)
    pinned = u.get("pinned_tweet")
    if isinstance(pinned, dict) and _is_tweet(pinned) and depth < MAX_DEPTH:
        _gather(pinned, idx, originals, loc + ", pinned_tweet", depth + 1)
        originals.append((loc + ", pinned_tweet", pinned))


def _gather(t: dict[str, Any], idx: Index, originals: list[tuple[str, dict[str, Any]]], loc: str, depth: int) -> None:
    """Index what a flattened tweet carries inline, and list its originals."""
    k = _key(t.get("id"))
    if k:
        idx.tweets.setdefault(k, t)
    _gather_user(t.get("author"), idx, originals, loc + ", author", depth)
    _gather_user(t.get("in_reply_to_user"), idx, originals, loc + ", in_reply_to_user", depth)
    for m in as_list(as_dict(t.get("entities")).get("mentions")):
        if isinstance(m, dict) and _id(m.get("id")) is not None and len(m) > 4:
            idx.add_user({k: v for k, v in m.items() if k not in ("start", "end")})
    for m in as_list(as_dict(t.get("attachments")).get("media")):
        if isinstance(m, dict) and isinstance(m.get("media_key"), str):
            idx.media.setdefault(m["media_key"], m)
    geo = as_dict(t.get("geo"))
    if _key(geo.get("place_id")) and (geo.get("full_name") or geo.get("name")):
        idx.places.setdefault(_key(geo["place_id"]), geo)  # type: ignore[arg-type]
    if depth >= MAX_DEPTH:
        return
    for i, r in enumerate(as_list(t.get("referenced_tweets"))):
        if isinstance(r, dict) and ("text" in r or "note_tweet" in r):
            sub = f"{loc}, referenced_tweets[{i}]"
            _gather(r, idx, originals, sub, depth + 1)
            originals.append((sub, r))


register_object(V2())
