"""Normalised records: what every archive format is turned into.

Formats yield these; the store merges them into SQLite. Nothing here knows of
SQLite, Whoosh or Qt, so a format can be tested on its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO, Callable, Literal, Union

Kind = Literal["post", "reply", "retweet", "quote"]
MediaType = Literal["photo", "video", "animated_gif"]


@dataclass
class User:
    """An account as one record saw it. Fields a record does not carry stay None."""

    id: int | None
    handle: str | None
    name: str | None = None
    bio: str | None = None
    location: str | None = None
    url: str | None = None
    followers_count: int | None = None
    following_count: int | None = None
    tweet_count: int | None = None
    listed_count: int | None = None
    verified: bool | None = None
    created_at: datetime | None = None
    profile_image_url: str | None = None


@dataclass
class LocalFile:
    """A file the archive itself carries (an image in `tweets_media/`).

    `open` reads it from wherever the archive lives (folder, zip); `name` is
    its path inside the archive, for provenance.
    """

    name: str
    open: Callable[[], BinaryIO]
    size: int | None = None


@dataclass
class Media:
    # The numeric media id as a string: v1.1 `id_str`, or the part of a v2
    # `media_key` after the underscore, so both forms of the same item merge.
    key: str
    type: MediaType = "photo"
    url: str | None = None  # remote URL, shown as a reference, never fetched
    alt_text: str | None = None
    width: int | None = None
    height: int | None = None
    local: LocalFile | None = None


@dataclass
class Url:
    url: str  # the t.co link as it stands in the text ('' when the archive has none)
    expanded: str | None = None
    display: str | None = None


@dataclass
class Mention:
    handle: str
    user_id: int | None = None


@dataclass
class Post:
    """One post as one record saw it.

    `text` is the display text: HTML entities decoded, t.co links expanded.
    The verbatim record stays in `raw`.
    """

    id: int
    created_at: datetime | None  # timezone-aware UTC
    text: str
    # False when the text is known to be cut (a v1.1 `truncated` text with no
    # full form anywhere, an account archive's `RT @x: …`), so a richer source
    # of the same post replaces it.
    text_full: bool = True
    author_id: int | None = None
    author_handle: str | None = None
    author_name: str | None = None
    lang: str | None = None
    kind: Kind = "post"
    retweet_of: int | None = None
    quote_of: int | None = None
    reply_to: int | None = None
    reply_to_user_id: int | None = None
    reply_to_handle: str | None = None
    conversation_id: int | None = None
    source_app: str | None = None
    retweet_count: int | None = None
    reply_count: int | None = None
    like_count: int | None = None
    quote_count: int | None = None
    place: str | None = None
    # True when the archive collected this post itself; False when it is only
    # known as the original of a retweet, quote or reply that was collected.
    collected: bool = True
    deleted: bool = False
    hashtags: list[str] = field(default_factory=list)  # display form, without '#'
    mentions: list[Mention] = field(default_factory=list)
    cashtags: list[str] = field(default_factory=list)  # without '$'
    urls: list[Url] = field(default_factory=list)
    media: list[Media] = field(default_factory=list)
    # The verbatim source record of this post (for an embedded original, the
    # embedded object), as bytes; the store compresses it.
    raw: bytes = b""
    # Where in the file it came from: "line 12", "entry 5", "line 3, data[7]".
    location: str = ""
    # The specific format the record was read as ("v1.1", "gnip", "csv-rtweet"
    # …), when the file format is a general reader (JSON, CSV).
    read_as: str = ""


@dataclass
class Problem:
    """A record that could not be imported, or a record that is not a post.

    A *notice* is a record the archive's tool wrote that was never meant as a
    post (a stream's deletion or rate-limit notice, a system message, an API
    error about a post that could not be returned): reported apart from the
    failures, since nothing was lost.
    """

    location: str
    reason: str
    notice: bool = False


_LINE = re.compile(r"^line (\d+)")
_ENTRY = re.compile(r"^entry (\d+)")
_INDEX = re.compile(r"\[(\d+)\]")


def location_numbers(location: str) -> tuple[int | None, int | None]:
    """(line, entry) of a location text, both 1-based, None where the text
    has none: "line 37" → (37, None); "entry 5" → (None, 5);
    "line 3, data[7]" → (3, 8); "the file" → (None, None). The entry is the
    record's place in its line's or document's list (the first index given)."""
    line = _LINE.match(location)
    index = _INDEX.search(location)
    entry = _ENTRY.match(location)
    if index:
        n_entry: int | None = int(index.group(1)) + 1
    else:
        n_entry = int(entry.group(1)) if entry else None
    return (int(line.group(1)) if line else None), n_entry


Item = Union[Post, User, Problem]
