"""The X/Twitter account archive (2019 on): `data/tweets.js` and its kin.

Each file is one JavaScript assignment, `window.YTD.tweets.part0 = [ … ]`,
of `{"tweet": {…}}` entries: v1.1 statuses without `user` (the author is the
account in `account.js`), numbers written as strings, retweets cut to
`RT @handle: text…` with no link to the original, long posts' full text in
`note-tweet.js`, and the archive's own copies of images and videos in
`tweets_media/<tweet id>-<file name>`.

Every other `window.YTD.*` file (likes, direct messages, the manifest …) is
recognised and passed over quietly, so a whole archive folder imports without
a word about them.
"""
from __future__ import annotations

import gc
import json
import re
from datetime import datetime
from typing import Any, Callable, Iterator

import orjson

from ..model import Item, LocalFile, Mention, Post, Problem, Url, User
from ..sources import SourceFile
from . import ParseOptions, jsonstream, register_file
from .arraystream import ArrayStream
from .common import as_dict, as_str, dump, parse_time, to_int, unescape
from .v1 import RecordError, best_variant, media_key, parse_status, raw_media, url_basename

# The files of posts, and the folders that hold their media (first the one of
# the file's own kind, then the others: a file may sit in either).
_POST_VARS = {
    "tweets": False, "tweet": False,  # name → deleted?
    "deleted_tweets": True, "deleted_tweet": True,
    "community_tweet": False, "community_tweets": False,
}
_MEDIA_DIRS = {
    False: ("tweets_media", "tweet_media", "community_tweet_media", "deleted_tweets_media"),
    True: ("deleted_tweets_media", "deleted_tweet_media", "tweets_media", "tweet_media"),
}
_ALL_MEDIA_DIRS = frozenset(d for dirs in _MEDIA_DIRS.values() for d in dirs)
_MEDIA_NAME = re.compile(r"\d+-[^/]+$")
_POSTS_HEAD = re.compile(r"\s*window\.YTD\.(\w+?)\.part(\d+)\s*=\s*\[")
_VAR = re.compile(r"\s*window\.YTD\.(\w+?)\.part\d+\s*=")
_AUX_HEAD = re.compile(r"\s*window\.(?:YTD\.\w+\.part\d+|__THAR_CONFIG)\s*=")
_TCO = re.compile(r"https?://\S+")
_SPACE = re.compile(r"\s+")
_LEADING_MENTIONS = re.compile(r"^(?:\.?@\w+\s+)+")
# How far apart, in seconds, a note and its post may be stamped.
NOTE_SLACK = 5


def load_big(body: memoryview) -> Any:
    """JSON of a whole archive file. The collector is held off while it
    builds millions of small objects, which it would otherwise scan over and
    over for nothing (a 100,000-post file loads four times faster)."""
    was = gc.isenabled()
    gc.disable()
    try:
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            # What orjson refuses and the standard library reads (integers
            # past 64 bits, NaN), or a damaged file, which fails here too.
            try:
                return json.loads(bytes(body))
            except RecursionError:
                raise ValueError("nested too deeply") from None
    finally:
        if was:
            gc.enable()


class NotAnAssignment(ValueError):
    pass


def read_assignment(src: SourceFile) -> tuple[bytes, int]:
    """The file's bytes and where the JSON value after `… =` starts."""
    with src.open() as f:
        data = f.read()
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    # The name before it (`window.YTD.tweets.part0`, `Grailbird.data.tweets_2014_07`,
    # `var user_details`) holds no `=`: the first one is the assignment.
    eq = data.find(b"=", start)
    if eq < 0:
        raise NotAnAssignment("no `window.YTD… =` assignment at the start")
    return data, eq + 1


def read_head(src: SourceFile) -> bytes:
    """What comes before the `=` of the assignment (its name), read from
    the file's head only when it is there."""
    with src.open() as f:
        head = f.read(1 << 16)
    start = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    eq = head.find(b"=", start)
    if eq >= 0:
        return head[:eq + 1]
    data, at = read_assignment(src)
    return data[:at]


def value_bytes(data: bytes, at: int) -> memoryview:
    """The JSON text after the `=`, without the trailing `;` (a view: an
    archive file can be large, and is not copied)."""
    end = len(data)
    while end > at and data[end - 1] in b" \t\r\n;":
        end -= 1
    while at < end and data[at] in b" \t\r\n":
        at += 1
    return memoryview(data)[at:end]


def load_value(src: SourceFile) -> Any:
    """The JSON value a `window.YTD.x.part0 = …` file assigns."""
    data, at = read_assignment(src)
    return load_big(value_bytes(data, at))


def iter_file_entries(src: SourceFile, is_entry: Callable[[Any], bool] | None = None
                      ) -> Iterator[tuple[int, Any, str | None]]:
    """`iter_entries` of a whole file, read as a stream of entries so memory
    is bounded by the largest entry, not the file. A file the stream cannot
    read to its end (damage) is read again whole, with resynchronisation,
    from the entry after the last one handed out."""
    done = 0
    with src.open() as f:
        head = f.read(1 << 16)
        start = 3 if head.startswith(b"\xef\xbb\xbf") else 0
        eq = head.find(b"=", start)
        if eq >= 0:
            stream = ArrayStream(f, head[eq + 1:])
            if stream.starts_array():
                for el in stream:
                    done += 1
                    yield done, el, None
                if stream.damage is None:
                    return
    data, at = read_assignment(src)
    for n, el, error in iter_entries(data, at, is_entry or _is_entry):
        if n > done or (n == 0 and not done):
            yield n, el, error


_is_entry = jsonstream.looks_like_post


def iter_entries(data: bytes, at: int, is_entry: Callable[[Any], bool] = _is_entry
                 ) -> Iterator[tuple[int, Any, str | None]]:
    """(entry number, value, error) for each element of the array at `at`;
    entry 0 is the whole file.

    The whole array is read at once when it is sound. A damaged one is read
    element by element, and past an element that cannot be read the reader
    picks up again at the next object that `is_entry` accepts and that looks
    like the entries around it (`jsonstream.resync`), so the entries' own
    inner objects never pass for one.
    """
    body = value_bytes(data, at)
    try:
        value = load_big(body)
    except ValueError:
        value = None
    if isinstance(value, list):
        for i, el in enumerate(value, 1):
            yield i, el, None
        return
    if value is not None:
        yield 0, None, f"not a list of entries (a JSON {type(value).__name__})"
        return
    text = bytes(body).decode("utf-8", errors="replace")
    if not text.startswith("["):
        yield 0, None, "no array after the assignment"
        return
    dec = json.JSONDecoder()
    pos, n, length = 1, 0, len(text)
    model: Any = None
    while True:
        while pos < length and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= length or text[pos] == "]":
            return
        n += 1
        try:
            el, end = dec.raw_decode(text, pos)
        except (ValueError, RecursionError) as e:
            yield n, None, f"not valid JSON ({str(e)[:100]})"
            nxt = jsonstream.resync(text, pos + 1, model, is_entry, damaged=pos)
            if nxt is None:
                return
            pos = nxt
            continue
        yield n, el, None
        if model is None and isinstance(el, dict):
            model = el
        pos = end


class Account:
    """The archive's owner, from account.js (or the manifest, or profile.js)."""

    def __init__(self, src: SourceFile):
        self.id: int | None = None
        self.handle: str | None = None
        self.name: str | None = None
        self.created_at: datetime | None = None
        self.bio: str | None = None
        self.location: str | None = None
        self.url: str | None = None
        self.image: str | None = None
        acc = _first(_safe_value(src.sibling("account.js")), "account")
        if acc:
            self.id = to_int(acc.get("accountId"))
            self.handle = _s(acc.get("username"))
            self.name = _s(acc.get("accountDisplayName"))
            self.created_at = parse_time(acc.get("createdAt"))
        if self.id is None and self.handle is None:
            manifest = _safe_value(src.sibling("manifest.js"))
            info = manifest.get("userInfo") if isinstance(manifest, dict) else None
            if isinstance(info, dict):
                self.id = to_int(info.get("accountId"))
                self.handle = _s(info.get("userName"))
                self.name = _s(info.get("displayName"))
        profile = _first(_safe_value(src.sibling("profile.js")), "profile")
        if profile:
            desc = as_dict(profile.get("description"))
            self.bio = unescape(_s(desc.get("bio"))) or None
            self.location = _s(desc.get("location"))
            self.url = _s(desc.get("website"))
            self.image = _s(profile.get("avatarMediaUrl"))

    def user(self) -> User | None:
        if self.id is None and self.handle is None:
            return None
        return User(id=self.id, handle=self.handle, name=self.name, bio=self.bio, location=self.location,
                    url=self.url, created_at=self.created_at, profile_image_url=self.image)


def _s(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _safe_value(src: SourceFile | None) -> Any:
    if src is None:
        return None
    try:
        return load_value(src)
    except Exception:  # a damaged side file only costs what it would add
        return None


def _first(value: Any, key: str) -> dict[str, Any] | None:
    if isinstance(value, list):
        for el in value:
            if isinstance(el, dict) and isinstance(el.get(key), dict):
                return el[key]
    return None


def _norm(text: str) -> str:
    """A text reduced for comparing a post with its note: no links, no
    leading @replies, no ellipsis, single spaces."""
    text = _TCO.sub(" ", unescape(text))
    text = _LEADING_MENTIONS.sub("", text.strip())
    return _SPACE.sub(" ", text).strip().rstrip("…").strip()


class Notes:
    """note-tweet.js: the full text of long posts, matched to their posts by
    time and by the post's text being the start of the note's."""

    def __init__(self, src: SourceFile):
        self._by_second: dict[int, list[dict[str, Any]]] = {}
        self._used: set[int] = set()
        for part in [src.sibling("note-tweet.js")] + [src.sibling(f"note-tweet-part{i}.js") for i in range(1, 10)]:
            value = _safe_value(part)
            if not isinstance(value, list):
                continue
            for el in value:
                note = el.get("noteTweet") if isinstance(el, dict) else None
                if not isinstance(note, dict):
                    continue
                core = note.get("core")
                when = parse_time(note.get("createdAt"))
                if not isinstance(core, dict) or not isinstance(core.get("text"), str) or when is None:
                    continue
                self._by_second.setdefault(int(when.timestamp()), []).append(note)

    def __bool__(self) -> bool:
        return bool(self._by_second)

    def match(self, post: Post, tweet_text: str) -> dict[str, Any] | None:
        if post.created_at is None:
            return None
        want = _norm(tweet_text)
        if len(want) < 10:
            return None
        t = int(post.created_at.timestamp())
        for delta in sorted(range(-NOTE_SLACK, NOTE_SLACK + 1), key=abs):
            for note in self._by_second.get(t + delta, ()):
                if id(note) in self._used:
                    continue
                if _norm(note["core"]["text"]).startswith(want):
                    self._used.add(id(note))
                    return note
        return None


def apply_note(post: Post, note: dict[str, Any], tweet_text: str) -> None:
    """Give the post its note's full text and entities."""
    core = note["core"]
    urls = []
    for u in core.get("urls") or []:
        if isinstance(u, dict) and (u.get("shortUrl") or u.get("expandedUrl")):
            urls.append(Url(_s(u.get("shortUrl")) or "", _s(u.get("expandedUrl")), _s(u.get("displayUrl"))))
    text = unescape(core["text"])
    for u in urls:
        if u.url and u.expanded:
            text = text.replace(u.url, u.expanded)
    # A reply's note leaves out the @handles the post starts with.
    lead = _LEADING_MENTIONS.match(unescape(tweet_text))
    if lead and not text.startswith(lead.group(0).strip()):
        text = lead.group(0) + text
    post.text = text
    post.text_full = True
    seen_urls = {u.url for u in post.urls}
    post.urls.extend(u for u in urls if u.url not in seen_urls)
    tags = set(post.hashtags)
    for h in core.get("hashtags") or []:
        tag = _s(h.get("text")) if isinstance(h, dict) else None
        if tag and tag not in tags:
            tags.add(tag)
            post.hashtags.append(tag)
    handles = {m.handle.lower() for m in post.mentions}
    for m in core.get("mentions") or []:
        handle = _s(m.get("screenName")) if isinstance(m, dict) else None
        if handle and handle.lower() not in handles:
            handles.add(handle.lower())
            post.mentions.append(Mention(handle, to_int(m.get("id_str") or m.get("id"))))


class MediaFiles:
    """The archive's own media files beside the posts file, by name."""

    def __init__(self, src: SourceFile, deleted: bool):
        self._src = src
        self._dirs = _MEDIA_DIRS[deleted]
        self._index: dict[str, str] | None = None

    def _load(self) -> dict[str, str]:
        index: dict[str, str] = {}
        for d in self._dirs:
            for member in self._src.siblings_in(d):
                name = member.rsplit("/", 1)[-1]
                index.setdefault(name, member)
        return index

    def find(self, tweet_id: int, names: list[str]) -> LocalFile | None:
        if self._index is None:
            self._index = self._load()
        if not self._index:
            return None
        for name in names:
            # The name is looked up among the files really listed in the
            # archive, never joined into a path: a record cannot point
            # anywhere else.
            member = self._index.get(f"{tweet_id}-{name}")
            if member is not None:
                return LocalFile(member, _opener(self._src, member), self._src.container.size(member))
        return None


def _opener(src: SourceFile, member: str) -> Callable[[], Any]:
    container = src.container
    return lambda: container.open_raw(member)


def _media_names(m: dict[str, Any]) -> list[str]:
    """The file names the archive may have given one media item, best first."""
    names: list[str] = []
    if m.get("type") in ("video", "animated_gif"):
        best = url_basename(best_variant(m))
        if best:
            names.append(best)
        info = m.get("video_info")
        variants = info.get("variants") if isinstance(info, dict) else None
        for v in variants if isinstance(variants, list) else ():
            n = url_basename(v.get("url")) if isinstance(v, dict) else None
            if n and n not in names:
                names.append(n)
    for key in ("media_url_https", "media_url"):
        n = url_basename(m.get(key))
        if n and n not in names:
            names.append(n)
    return [n for n in names if "/" not in n and "\\" not in n and n not in (".", "..")]


def tweet_items(tweet: dict[str, Any], location: str, raw: bytes, account: Account, notes: Notes | None,
                media: MediaFiles, deleted: bool) -> list[Post | User]:
    items = parse_status(tweet, location, raw)
    post = items[0]
    assert isinstance(post, Post)
    text = as_str(tweet.get("full_text")) or as_str(tweet.get("text")) or ""
    if notes and post.kind != "retweet":
        note = notes.match(post, text)
        if note is not None:
            apply_note(post, note, text)
    if post.author_id is None and post.author_handle is None:
        post.author_id, post.author_handle, post.author_name = account.id, account.handle, account.name
    post.deleted = deleted or post.deleted
    if post.media:
        by_key: dict[str | None, dict[str, Any]] = {}
        for m in raw_media(tweet):
            by_key.setdefault(media_key(m), m)
        for item in post.media:
            record = by_key.get(item.key)
            if record is not None:
                item.local = media.find(post.id, _media_names(record))
    return items


class AccountArchivePosts:
    name = "x-archive"
    label = "X/Twitter account archive"
    auxiliary = False

    def sniff(self, src: SourceFile, head: str) -> bool:
        m = _POSTS_HEAD.match(head)
        return m is not None and m.group(1) in _POST_VARS

    def parse(self, src: SourceFile, options: ParseOptions) -> Iterator[Item]:
        try:
            head = read_head(src)
        except NotAnAssignment as e:
            yield Problem("the file", str(e))
            return
        m = _VAR.match(head.decode("utf-8", errors="replace").lstrip("\ufeff"))
        deleted = _POST_VARS.get(m.group(1), False) if m else False
        account = Account(src)
        notes = Notes(src)
        media = MediaFiles(src, deleted)
        owner = account.user()
        if owner is not None:
            yield owner
        for n, entry, error in iter_file_entries(src):
            loc = f"entry {n}" if n else "the file"
            if error is not None:
                yield Problem(loc, error)
                continue
            tweet = entry.get("tweet") if isinstance(entry, dict) else None
            if tweet is None and isinstance(entry, dict) and "id_str" in entry:
                tweet = entry  # the first archives (2019) wrote the tweets bare
            if not isinstance(tweet, dict):
                yield Problem(loc, "not a tweet entry (no \"tweet\" object)")
                continue
            try:
                items = tweet_items(tweet, loc, dump(entry), account, notes, media, deleted)
            except RecordError as e:
                yield Problem(loc, str(e))
                continue
            except Exception as e:  # a hostile record must not stop the file
                yield Problem(loc, f"could not read this tweet: {type(e).__name__}: {e}")
                continue
            yield from items


class AccountArchiveOther:
    """account.js, manifest.js, note-tweet.js, like.js …, and the media files
    in tweets_media/: read by the posts format where they matter, passed over
    on their own."""

    name = "x-archive-aux"
    label = "X/Twitter account archive (other data)"
    auxiliary = True

    def sniff(self, src: SourceFile, head: str) -> bool:
        if _AUX_HEAD.match(head):
            return True
        # The media files themselves, read with their posts.
        folder = src.dir.rsplit("/", 1)[-1]
        return folder in _ALL_MEDIA_DIRS and bool(_MEDIA_NAME.match(src.name))

    def parse(self, src: SourceFile, options: ParseOptions) -> Iterator[Item]:
        return iter(())


register_file(AccountArchivePosts())
register_file(AccountArchiveOther())
