"""The one way every format turns what it read into a `Post`.

Each format knows where its record keeps the text, the ids and the entity
lists; what those mean is decided here, once, the same for all of them:

- the kind, from every clue: a retweet link or an embedded original, else a
  text that starts `RT @handle:` (an old manual retweet, an account archive's
  entry, a TAGS row), else a quote link, else a reply link;
- a retweet's display text, `RT @handle: <the original's whole text>`, and
  its entities, its own plus its original's;
- the entities found in the text by twitter-text's rules (textentities.py),
  merged with the record's, which win for display form and order.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, TypeAlias

from ..model import Media, Mention, Post, Url, User
from .common import RT_PREFIX, RecordError, expand_links, unescape
from .textentities import extract

_CUT = "\u2026"


class EntityBag:
    """Hashtags, mentions, cashtags, urls and media of one post, each kept
    once, in the order first seen."""

    __slots__ = ("hashtags", "mentions", "cashtags", "urls", "media", "media_links", "_seen", "_texted")

    def __init__(self) -> None:
        self.hashtags: list[str] = []
        self.mentions: list[Mention] = []
        self.cashtags: list[str] = []
        self.urls: list[Url] = []
        self.media: list[Media] = []
        # (t.co link, display form) of attached media: the link is shown as
        # its display form, never as an address.
        self.media_links: list[tuple[str, str]] = []
        self._seen: set[tuple[str, str]] = set()
        self._texted: str | None = None  # the text add_text last read

    def copy(self) -> "EntityBag":
        """A bag of the same entities that can grow on its own."""
        other = self.__class__()
        other.hashtags, other.mentions, other.cashtags = list(self.hashtags), list(self.mentions), list(self.cashtags)
        other.urls, other.media, other.media_links = list(self.urls), list(self.media), list(self.media_links)
        other._seen, other._texted = set(self._seen), self._texted
        return other

    def _new(self, kind: str, key: str) -> bool:
        k = (kind, key)
        if k in self._seen:
            return False
        self._seen.add(k)
        return True

    def hashtag(self, tag: str) -> None:
        tag = tag.lstrip("#\uff03")
        if tag and self._new("h", tag.casefold()):
            self.hashtags.append(tag)

    def mention(self, handle: str, user_id: int | None = None, *, first: bool = False) -> None:
        handle = handle.lstrip("@\uff20")
        if not handle:
            return
        if not self._new("m", handle.lower()):
            if user_id is not None:
                for m in self.mentions:
                    if m.user_id is None and m.handle.lower() == handle.lower():
                        m.user_id = user_id
            return
        if first:
            self.mentions.insert(0, Mention(handle, user_id))
        else:
            self.mentions.append(Mention(handle, user_id))

    def cashtag(self, tag: str) -> None:
        tag = tag.lstrip("$")
        if tag and self._new("c", tag.upper()):
            self.cashtags.append(tag)

    def url(self, u: Url) -> None:
        if (u.url or u.expanded) and self._new("u", u.url or u.expanded or ""):
            if u.expanded:
                self._seen.add(("u", u.expanded))
            self.urls.append(u)

    def medium(self, m: Media) -> None:
        if self._new("x", m.key):
            self.media.append(m)

    def media_link(self, tco: str, display: str) -> None:
        if tco and self._new("l", tco):
            self.media_links.append((tco, display))

    def merge(self, other: "EntityBag | Original") -> None:
        """Another bag's or an original's entities after this one's."""
        self._take_words(other)
        for u in other.urls:
            self.url(u)
        for media in other.media:
            self.medium(media)
        if isinstance(other, EntityBag):
            for tco, display in other.media_links:
                self.media_link(tco, display)

    def _take_words(self, other: "EntityBag | Original") -> None:
        for tag in other.hashtags:
            self.hashtag(tag)
        for m in other.mentions:
            self.mention(m.handle, m.user_id)
        for c in other.cashtags:
            self.cashtag(c)

    def add_text(self, text: str) -> None:
        """The entities twitter-text finds in the (display) text; those the
        record listed are already here and keep their form."""
        if text == self._texted:
            return
        self._texted = text
        # A record that lists URLs lists them all (Twitter writes every link
        # into `entities`): only a record with none needs the text's.
        found = extract(text, urls=not self.urls)
        for tag in found.hashtags:
            self.hashtag(tag)
        for handle in found.mentions:
            self.mention(handle)
        for c in found.cashtags:
            self.cashtag(c)
        for link in found.urls:
            if ("u", link) in self._seen or link.startswith(("https://pic.twitter.com/", "http://pic.twitter.com/")):
                continue
            if link.startswith(("https://t.co/", "http://t.co/")):
                self.url(Url(link, None, None))
            else:
                self.url(Url("", link, None))

    def display(self, text: str) -> str:
        """The record's text as people read it: entities decoded, t.co links
        expanded, media links in their display form."""
        return expand_links(unescape(text), self.urls, self.media_links)

    def _take_original(self, original: Original, display: str) -> None:
        """A retweet's entities: its original's, and of its own only those
        still in the text it shows (not the `…/i/web/status/…` link of a
        cut text)."""
        own = self.urls
        self.urls = []
        self._seen = {k for k in self._seen if k[0] != "u"}
        self._take_words(original)
        for u in original.urls:
            self.url(u)
        for u in own:
            if (u.expanded or u.url) in display:
                self.url(u)
        for media in original.media:
            self.medium(media)


def build_post(pid: int, text: str, ents: EntityBag, *, text_full: bool = True,
               retweet_of: int | None = None, original: Original | None = None,
               retweet_handle: str | None = None, quote_of: int | None = None,
               reply_to: int | None = None, **fields: Any) -> Post:
    """The post a record describes.

    `text` is the display text the format made of its record, `ents` the
    entities the record lists; `retweet_of` / `original` / `retweet_handle`,
    `quote_of` and `reply_to` are the links it gives. `fields` are the other
    `Post` fields, passed through.
    """
    rt = RT_PREFIX.match(text)
    if retweet_of is not None or original is not None or rt:
        kind = "retweet"
        handle = (original.author_handle if original is not None else None) or retweet_handle or (
            rt.group(1) if rt else None)
        if original is not None and handle:
            # The retweet's own text is cut at 140 characters even when the
            # record says it is not; the original's is the whole one.
            text = f"RT @{handle}: {original.text}"
            text_full = original.text_full
            ents._take_original(original, text)
        elif retweet_of is None or text.rstrip().endswith(_CUT):
            # Known only by its own "RT @x: …" text, which Twitter and the
            # archives cut: a richer source of the same post replaces it.
            text_full = False
        if handle:
            ents.mention(handle, original.author_id if original is not None else None, first=True)
        if original is None or not handle:
            ents.add_text(text)
        # else: "RT @handle: " and the original's text, whose entities the
        # original's own bag already found.
        quote_of = None  # a retweet quotes nothing itself; its original may
    else:
        kind = "quote" if quote_of is not None else "reply" if reply_to is not None else "post"
        ents.add_text(text)
    return Post(
        id=pid,
        text=text,
        text_full=text_full,
        kind=kind,  # type: ignore[arg-type]
        retweet_of=retweet_of,
        quote_of=quote_of,
        reply_to=reply_to,
        hashtags=ents.hashtags,
        mentions=ents.mentions,
        cashtags=ents.cashtags,
        urls=ents.urls,
        media=ents.media,
        **fields,
    )


@dataclass
class OriginalView:
    """An original as a retweet sees it, for a format that reads the
    original's text and entities once per page rather than as a `Post`."""

    text: str
    text_full: bool
    author_handle: str | None
    author_id: int | None
    hashtags: list[str]
    mentions: list[Mention]
    urls: list[Url]
    media: list[Media]
    cashtags: list[str]

    @classmethod
    def of(cls, text: str, text_full: bool, handle: str | None, author_id: int | None,
           ents: EntityBag) -> "OriginalView":
        return cls(text, text_full, handle, author_id, ents.hashtags, ents.mentions, ents.urls, ents.media,
                   ents.cashtags)


# What a retweet takes from its original: a `Post`, or a format's lighter
# view of an original it reads once for many retweets (same fields).
Original: TypeAlias = "Post | OriginalView"


class Embedded:
    """The originals one record carries (a retweet's, a quote's, and theirs in
    turn), each post kept once, read by the format's own record reader.

    `read(sub)` parses one embedded record with `parse(sub, depth)` and gives
    its post, or None when it cannot be read: the outer post still imports,
    and its raw record keeps the original.
    """

    def __init__(self, own_id: int, depth: int, max_depth: int,
                 parse: Callable[[dict[str, Any], int], list[Post | User]]) -> None:
        self.items: list[Post | User] = []
        self._seen = {own_id}
        self._depth = depth
        self._max = max_depth
        self._parse = parse

    def read(self, sub: Any) -> Post | None:
        if not isinstance(sub, dict) or self._depth >= self._max:
            return None
        try:
            items = self._parse(sub, self._depth + 1)
        except RecordError:
            return None
        first = items[0]
        assert isinstance(first, Post)
        for it in items:
            if isinstance(it, Post):
                if it.id in self._seen:
                    continue
                self._seen.add(it.id)
            self.items.append(it)
        return first
