"""CSV files of tweets, recognised by their header row.

Three kinds, in this order:

- twarc-csv (`twarc2 csv`): dotted column names (`author.username`,
  `public_metrics.like_count`, `referenced_tweets.retweeted.id`), entity
  columns as JSON lists (`["#tag"]`, `["@user"]`, expanded URLs), media as
  JSON, newlines in text written as a literal `\\n`, and a retweet's `text`
  replaced by its original's whole text;
- the old account archive's `tweets.csv` (`tweet_id`, `timestamp`,
  `retweeted_status_id`, `expanded_urls` comma-joined …);
- any other CSV with an id, a date and a text column under a common name
  (`id`/`tweet_id`, `created_at`/`date`, `text`/`content` …), or named by the
  user (`--id-column`, `--date-column`, `--text-column`, `--author-column`).

The delimiter (`,` `;` tab `|`), the encoding (UTF-8 with or without BOM,
UTF-16 with BOM as spreadsheets write it, else Windows-1252) and the header
are read from the content, never from the file name. Ids are read as exact
integers from their text; an id a spreadsheet turned into `1.44E+18` is a
problem for that row, since the real id is lost.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Generator, Iterator

from ..model import Item, Media, Post, Problem, Url, User
from ..sources import SourceFile
from ..textdecode import RowDecoder
from . import ParseOptions, register_file, v1
from .build import EntityBag, build_post
from .common import RT_PREFIX, RecordError, dump, loads, media_id, media_type, parse_time, source_app, unescape

# A tweet row is a few kilobytes; twarc-csv's JSON columns reach a few hundred.
# Past this one field is an unclosed quote eating the file, not a tweet.
FIELD_LIMIT = 64 * 1024 * 1024
# A quoted field running over more physical lines than this is an unclosed quote.
MAX_ROW_LINES = 400
_DELIMITERS = (",", ";", "\t", "|")
# What a v2 media key's prefix says of its kind.
_KEY_TYPES = {"7": "video", "13": "video", "16": "animated_gif"}

_TCO = re.compile(r"https?://t\.co/\w+")
_OWN_MEDIA = re.compile(r"(?:twitter|x)\.com/\w+/status/(\d+)/(?:photo|video)/\d+$")
_SPLIT_URLS = re.compile(r",\s*(?=https?://)")
_EXCEL_TEXT = re.compile(r'^="(.*)"$')
_NUMBERISH = re.compile(r"^[+-]?\d*\.?\d+(?:[eE][+-]?\d+)?$")
_STATUS_URL = re.compile(r"(?:twitter|x)\.com/(?:#!/)?(\w{1,50})/status(?:es)?/(\d+)")
_PROFILE_URL = re.compile(r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(\w{1,50})/?$")
_HANDLE = re.compile(r"^@?(\w{1,50})$")
_REPR_USERNAME = re.compile(r"""['"]username['"]\s*:\s*['"](\w{1,50})['"]""")
_REPR_ID = re.compile(r"""['"]id['"]\s*:\s*['"]?(\d+)""")

# Common names of the columns a generic CSV needs, best first (compared in
# lower case, with spaces and hyphens as underscores).
CANDIDATES: dict[str, tuple[str, ...]] = {
    "id": ("id", "tweet_id", "id_str", "status_id", "tweetid", "tweet_id_str", "post_id", "statusid"),
    "date": ("created_at", "date", "timestamp", "time", "datetime", "created", "tweet_date", "date_time",
             "utc", "time_utc", "tweet_created_at", "posted_at"),
    "text": ("text", "full_text", "content", "tweet", "rawcontent", "tweet_text", "raw_content", "message",
             "body", "renderedcontent", "rendered_content", "status"),
    "author": ("username", "screen_name", "user_screen_name", "author", "user", "author_username",
               "user_username", "from_user", "handle", "user_handle", "author_screen_name", "twitter_handle"),
    "author_id": ("user_id", "author_id", "user_id_str", "from_user_id", "from_user_id_str", "author.id", "userid"),
    "name": ("name", "user_name", "displayname", "display_name", "author_name", "user_displayname"),
    "lang": ("lang", "language"),
    "reply_to": ("in_reply_to_status_id", "in_reply_to_status_id_str", "in_reply_to_tweet_id",
                 "inreplytotweetid", "reply_to_id", "in_reply_to_id"),
    "reply_to_user_id": ("in_reply_to_user_id", "in_reply_to_user_id_str"),
    "reply_to_handle": ("in_reply_to_screen_name", "in_reply_to_username", "reply_to_username"),
    "retweet_of": ("retweeted_status_id", "retweet_id", "retweeted_id", "retweeted_status_id_str",
                   "retweeted_tweet_id"),
    "quote_of": ("quoted_status_id", "quote_id", "quoted_id", "quoted_status_id_str", "quoted_tweet_id"),
    "conversation_id": ("conversation_id", "conversationid"),
    "source": ("source", "sourcelabel", "source_label"),
    "retweet_count": ("retweet_count", "retweets", "retweetcount", "public_metrics.retweet_count"),
    "like_count": ("favorite_count", "like_count", "likes", "likecount", "favorites", "favourites",
                   "favourite_count", "public_metrics.like_count"),
    "reply_count": ("reply_count", "replies", "replycount", "public_metrics.reply_count"),
    "quote_count": ("quote_count", "quotes", "quotecount", "public_metrics.quote_count"),
    "hashtags": ("hashtags", "entities.hashtags"),
    "mentions": ("mentions", "user_mentions", "entities.mentions"),
    "url": ("url", "tweet_url", "permalink", "link", "status_url"),
    "place": ("place", "place_name", "place_full_name", "geo.full_name"),
    # TAGS: the v1.1 `entities` object as JSON.
    "entities": ("entities_str", "entities"),
    "followers_count": ("followers_count", "user_followers_count"),
    "following_count": ("friends_count", "user_friends_count", "following_count"),
}

_TWARC_MARKERS = ("author_id", "author.username", "referenced_tweets.retweeted.id", "public_metrics.like_count",
                  "conversation_id", "entities.hashtags", "__twarc.url")
_ARCHIVE_COLUMNS = ("tweet_id", "in_reply_to_status_id", "in_reply_to_user_id", "timestamp", "source", "text",
                    "retweeted_status_id", "retweeted_status_user_id", "retweeted_status_timestamp",
                    "expanded_urls")


def _raise_field_limit() -> None:
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)


def norm(name: str) -> str:
    return name.strip().strip('"').strip().lower().replace(" ", "_").replace("-", "_")


@dataclass
class Layout:
    """Which column holds what, for one header."""

    flavour: str  # "twarc", "archive", "rtweet", "tags", "generic"
    header: list[str]
    cols: dict[str, int] = field(default_factory=dict)  # role → column index
    by_name: dict[str, int] = field(default_factory=dict)  # normalised name → index
    missing: list[str] = field(default_factory=list)  # required roles not found
    author: User | None = None  # the account of an archive's tweets.csv, from user_details.js


def layout_of(header: list[str], options: ParseOptions | None = None) -> Layout:
    """What the header says the file is; `missing` names the required columns
    that could not be found."""
    options = options or ParseOptions()
    by_name: dict[str, int] = {}
    for i, h in enumerate(header):
        by_name.setdefault(norm(h), i)
    names = set(by_name)
    if {"id", "text"} <= names and any(m in names for m in _TWARC_MARKERS) and any("." in n for n in names):
        flavour = "twarc"
    elif {"tweet_id", "timestamp", "text"} <= names and (
            "retweeted_status_id" in names or "in_reply_to_status_id" in names or "expanded_urls" in names):
        flavour = "archive"
    elif {"status_id", "screen_name", "text", "is_retweet"} <= names:
        flavour = "rtweet"
    elif {"id_str", "from_user", "text", "created_at"} <= names:
        flavour = "tags"
    else:
        flavour = "generic"
    lay = Layout(flavour, header, by_name=by_name)
    if flavour == "archive":
        fixed = {"id": "tweet_id", "date": "timestamp", "text": "text", "reply_to": "in_reply_to_status_id",
                 "reply_to_user_id": "in_reply_to_user_id", "source": "source",
                 "retweet_of": "retweeted_status_id"}
        lay.cols = {role: by_name[c] for role, c in fixed.items() if c in by_name}
    elif flavour in ("twarc", "rtweet"):
        lay.cols = {"id": by_name["id" if flavour == "twarc" else "status_id"], "text": by_name["text"]}
        if "created_at" in by_name:
            lay.cols["date"] = by_name["created_at"]
    else:
        for role, cands in CANDIDATES.items():
            for c in cands:
                if c in by_name:
                    lay.cols[role] = by_name[c]
                    break
    # What the user named wins over what was guessed.
    for role, chosen in (("id", options.csv_id_column), ("date", options.csv_date_column),
                         ("text", options.csv_text_column), ("author", options.csv_author_column)):
        if chosen:
            idx = header.index(chosen) if chosen in header else by_name.get(norm(chosen))
            if idx is None:
                lay.missing.append(f"{role} (no column named {chosen!r})")
            else:
                lay.cols[role] = idx
    if "id" not in lay.cols and "url" in lay.cols:
        lay.cols["id_from_url"] = lay.cols["url"]
    for role in ("id", "text", "date"):
        if role not in lay.cols and not (role == "id" and "id_from_url" in lay.cols):
            if not any(m.startswith(role) for m in lay.missing):
                lay.missing.append(role)
    return lay


def _delimiter(first_line: str) -> str:
    best, best_n = ",", 1
    for d in _DELIMITERS:
        try:
            n = len(next(csv.reader([first_line], delimiter=d)))
        except (csv.Error, StopIteration):
            continue
        if n > best_n:
            best, best_n = d, n
    return best


def _encoding(head: bytes) -> str:
    """The file's encoding from its first bytes (the UTF-8 BOM already gone)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as e:
        if e.start >= len(head) - 3 and len(head) >= 65536:
            return "utf-8-sig"  # only the last character was cut by the sample
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _head_text(src: SourceFile) -> tuple[str, str]:
    head = src.head()
    enc = _encoding(head)
    if enc == "utf-16":
        text = head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8" if enc == "utf-8-sig" else enc, errors="replace")
    return text.lstrip("\ufeff"), enc


def _first_record(text: str) -> tuple[list[str], str, bool]:
    """The header row, the delimiter, and whether an Excel `sep=;` line
    stands before the header."""
    first, _, rest = text.partition("\n")
    line = first.rstrip("\r")
    sep_line = line.lower().startswith("sep=") and len(line) <= 6
    if sep_line:
        delim = line[4:5] or ","
        line = rest.split("\n", 1)[0].rstrip("\r")
    else:
        delim = _delimiter(line)
    try:
        header = next(csv.reader([line], delimiter=delim))
    except (csv.Error, StopIteration):
        header = []
    return header, delim, sep_line


# -- values -----------------------------------------------------------------


def exact_id(value: str, what: str = "id") -> int:
    """An id from its text, exactly; RecordError when it is missing or mangled."""
    s = value.strip()
    m = _EXCEL_TEXT.match(s)
    if m:
        s = m.group(1).strip()
    # A leading apostrophe (a spreadsheet's text mark) or `x` (rtweet's).
    s = s.lstrip("'")
    if s[:1] == "x" and s[1:].isdigit():
        s = s[1:]
    if s.isdigit() and s.isascii():
        return int(s)
    if not s:
        raise RecordError(f"no {what}")
    if _NUMBERISH.match(s):
        if "e" not in s.lower() and "." in s and s.split(".", 1)[1].strip("0") == "" and s.split(".", 1)[0].isdigit():
            n = int(s.split(".", 1)[0])
            if n < 2**53:
                return n  # "1234.0": a float column, but small enough to be exact
        raise RecordError(f"the {what} {value.strip()!r} was rounded by a spreadsheet "
                       "(scientific notation or decimals): the exact id is lost")
    raise RecordError(f"the {what} {value.strip()!r} is not a number")


def maybe_id(value: str) -> int | None:
    if not value or not value.strip():
        return None
    try:
        return exact_id(value)
    except RecordError:
        return None


def count(value: str) -> int | None:
    s = value.strip() if value else ""
    if not s:
        return None
    if s.isdigit():
        return int(s)
    try:
        f = float(s.replace(",", "")) if _NUMBERISH.match(s.replace(",", "")) else None
    except ValueError:
        return None
    return int(f) if f is not None and f >= 0 and f.is_integer() else None


def _bool(value: str) -> bool | None:
    s = value.strip().lower()
    if s in ("true", "1", "yes"):
        return True
    if s in ("false", "0", "no"):
        return False
    return None


def _json_list(value: str) -> list[Any]:
    s = value.strip() if value else ""
    if not s:
        return []
    if s[0] == "[":
        try:
            v = loads(s)
            return v if isinstance(v, list) else []
        except ValueError:
            pass
    # "#a #b", "a, b", "a;b": the forms other tools write
    return [p for p in re.split(r"[\s,;|]+", s.strip("[]")) if p.strip("'\"")]


def _handle(value: str) -> tuple[str | None, int | None, str | None]:
    """(handle, user id, display name) from an author column's value."""
    s = value.strip()
    if not s:
        return None, None, None
    m = _HANDLE.match(s)
    if m:
        return m.group(1), None, None
    m = _PROFILE_URL.match(s)
    if m:
        return m.group(1), None, None
    if s.startswith("{"):  # a dict written by pandas (snscrape's `user`)
        mu, mi = _REPR_USERNAME.search(s), _REPR_ID.search(s)
        return (mu.group(1) if mu else None), (int(mi.group(1)) if mi else None), None
    return None, None, s


def _pair_links(text: str, expanded: list[str], own_ids: tuple[int | None, ...] = (), has_media: bool = False
                ) -> tuple[list[Url], list[tuple[str, str]]]:
    """Pair the t.co links of a text with the expanded URLs a CSV lists.

    A media link is shown in its display form, as on Twitter: twarc-csv
    writes it as `pic.twitter.com/<code>` (the code of its t.co link); others
    write `…/status/<id>/photo/1` (the post's own id, or another's whose
    media it shows, when the row has media). The other links pair with
    the remaining t.co links in order, when both counts agree.
    """
    tcos = list(dict.fromkeys(_TCO.findall(text)))
    by_code = {t.rsplit("/", 1)[1]: t for t in tcos}
    media_links: list[tuple[str, str]] = []
    rest: list[str] = []
    own_media: list[str] = []
    for e in expanded:
        if not isinstance(e, str) or not e:
            continue
        if e.startswith(("pic.twitter.com/", "https://pic.twitter.com/", "http://pic.twitter.com/")):
            code = e.rsplit("/", 1)[1]
            tco = by_code.pop(code, None)
            if tco:
                media_links.append((tco, "pic.twitter.com/" + code))
            continue
        m = _OWN_MEDIA.search(e)
        if m and (has_media or int(m.group(1)) in own_ids):
            own_media.append(e)
        if e not in rest:
            rest.append(e)
    left = [t for t in tcos if t in by_code.values()]
    urls: list[Url] = []
    if len(left) == len(rest):
        for tco, e in zip(left, rest, strict=True):
            if e in own_media:
                media_links.append((tco, "pic.twitter.com/" + tco.rsplit("/", 1)[1]))
            else:
                urls.append(Url(tco, e, None))
    else:
        urls = [Url("", e, None) for e in rest if e not in own_media]
    return urls, media_links


# -- the format -------------------------------------------------------------


class CsvFile:
    name = "csv"
    label = "CSV"
    auxiliary = False

    def sniff(self, src: SourceFile, head: str) -> bool:
        text, _enc = _head_text(src)
        stripped = text.lstrip()
        if not stripped or stripped[0] in "{[<":
            return False
        header, _delim, _sep = _first_record(stripped)
        if len(header) < 2:
            return False
        lay = layout_of(header)
        if lay.flavour not in ("generic", "tags") or not lay.missing:
            return True
        # Columns we cannot place: still ours when the name says CSV, so that
        # the user hears which columns to name.
        return src.logical_name.lower().endswith((".csv", ".tsv"))

    def parse(self, src: SourceFile, options: ParseOptions) -> Iterator[Item]:
        _raise_field_limit()
        text, enc = _head_text(src)
        if not text.strip():
            yield Problem("the file", "empty file: no tweets")
            return
        _, delim, skip_sep_line = _first_record(text.lstrip())
        with src.open() as raw:
            # Decoded row by row: UTF-8 first, the head's encoding only for
            # the bytes of the rows that need it, each row reported.
            stream = RowDecoder(raw, "cp1252" if enc.startswith("utf") else enc, src.notice)
            reader = csv.reader(stream, delimiter=delim)
            found = yield from _header(reader, skip_sep_line)
            if found is None:
                return
            header, header_line = found
            lay = layout_of(header, options)
            why = _not_tweets(lay) if "text" in lay.missing else None
            if why or lay.missing:
                cols = ", ".join(h for h in header[:30]) + (", …" if len(header) > 30 else "")
                yield Problem("the file", why or (
                    f"no {' / '.join(lay.missing)} column recognised among this CSV's columns ({cols}); "
                    "name them with --id-column, --date-column and --text-column"))
                return
            if lay.flavour == "archive":
                lay.author = archive_owner(src)
                if lay.author is not None:
                    yield lay.author
            yield from _records(reader, lay, header, header_line)


def _header(reader: Any, skip_sep_line: bool) -> Generator[Item, None, tuple[list[str], int] | None]:
    """The header row and its line (past an Excel `sep=` line and blank
    lines), or None when there is none (the problem yielded)."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            yield Problem("the file", "empty file: no tweets")
            return None
        except csv.Error as e:
            yield Problem(f"line {reader.line_num}", f"the header row cannot be read ({e})")
            return None
        if (skip_sep_line and row and row[0].lower().lstrip("\ufeff").startswith("sep=")
                and not any(c.strip() for c in row[1:])):
            skip_sep_line = False
            continue
        if row and any(c.strip() for c in row):
            return [h.lstrip("\ufeff") for h in row], reader.line_num


def _rows(reader: Any, header_line: int) -> Iterator[tuple[int, int, list[str] | None, str | None]]:
    """(first line, last line, row, error) of each non-blank row; a row that
    cannot be read gives its error, and the reader goes on past it."""
    prev_end = header_line
    while True:
        start = prev_end + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield start, start, None, str(e)
            if reader.line_num <= prev_end:
                return
            prev_end = reader.line_num
            continue
        end = prev_end = reader.line_num
        if row and any(c.strip() for c in row):
            yield start, end, row, None


def _row_problem(row: list[str], header: list[str], lay: Layout, start: int, end: int) -> str | None:
    """Why a row cannot be read as its header says, or None."""
    if end - start > MAX_ROW_LINES:
        return (f"a quoted field runs on from line {start} to line {end} "
                "(an unclosed quote?): the rows in between were not read")
    if len(row) > len(header) and not any(c.strip() for c in row[len(header):]):
        del row[len(header):]  # a trailing delimiter some writers add to every row
    if len(row) > len(header):
        return f"{len(row)} fields where the header has {len(header)} (an unquoted delimiter in a field?)"
    needed = max(lay.cols[r] for r in ("id", "text", "id_from_url") if r in lay.cols)
    if len(row) <= needed:
        return f"only {len(row)} fields where the header has {len(header)}"
    return None


def _records(reader: Any, lay: Layout, header: list[str], header_line: int) -> Iterator[Item]:
    """The posts and users of every row after the header."""
    read_as = "csv" if lay.flavour == "generic" else f"csv-{lay.flavour}"
    readers = {"twarc": _twarc_row, "archive": _archive_row, "rtweet": _rtweet_row}
    row_post = readers.get(lay.flavour, _generic_row)
    last_users: dict[Any, User] = {}
    rows = 0
    for start, end, row, error in _rows(reader, header_line):
        loc = f"line {start}"
        if row is None:
            yield Problem(loc, f"not a readable CSV row ({error})")
            continue
        rows += 1
        why = _row_problem(row, header, lay, start, end)
        if why:
            yield Problem(loc, why)
            continue
        try:
            items = row_post(row, lay, loc, dump(dict(zip(header, row, strict=False))))
        except RecordError as e:
            yield Problem(loc, str(e))
            continue
        for it in items:
            if isinstance(it, Post):
                it.read_as = read_as
            elif isinstance(it, User):
                # A file of one account's posts repeats its author on every row.
                key = it.id if it.id is not None else it.handle
                if last_users.get(key) == it:
                    continue
                last_users[key] = it
            yield it
    if rows == 0:
        yield Problem("the file", "a CSV header with no rows: no tweets")


def _not_tweets(lay: Layout) -> str | None:
    """Why a CSV of something else (twarc-csv's users, counts) holds no tweets."""
    names = lay.by_name
    if "username" in names and ("public_metrics.followers_count" in names or "followers_count" in names):
        return "a CSV of users: no tweets"
    if "tweet_count" in names and "start" in names and "end" in names:
        return "a CSV of tweet counts: no tweets"
    return None


def archive_owner(src: SourceFile) -> User | None:
    """The account an old archive's tweets.csv belongs to, from the
    `data/js/user_details.js` beside it (absent when the CSV travels alone)."""
    details = src.sibling("data/js/user_details.js")
    if details is None:
        return None
    try:
        with details.open() as f:
            data = f.read(1 << 20)
        start = data.index(b"{")
        obj = loads(data[start:data.rindex(b"}") + 1])
    except (OSError, ValueError):
        return None
    if not isinstance(obj, dict):
        return None
    uid = maybe_id(str(obj.get("id") or ""))
    handle = obj.get("screen_name") if isinstance(obj.get("screen_name"), str) else None
    if uid is None and not handle:
        return None
    name, bio = obj.get("full_name"), obj.get("bio")
    return User(id=uid, handle=handle or None, name=name if isinstance(name, str) and name else None,
                bio=unescape(bio) if isinstance(bio, str) and bio else None,
                location=obj.get("location") if isinstance(obj.get("location"), str) and obj.get("location") else None,
                created_at=parse_time(obj.get("created_at")))


def _cells(row: list[str], columns: dict[str, int]) -> Callable[[str], str]:
    """A reader of one row's cells by key (a role or a header name); a short
    row reads as empty cells rather than failing."""
    n = len(row)

    def get(key: str) -> str:
        i = columns.get(key)
        return row[i] if i is not None and i < n else ""

    return get


def _getter(row: list[str], lay: Layout) -> Callable[[str], str]:
    return _cells(row, lay.cols)


def _named(row: list[str], lay: Layout) -> Callable[[str], str]:
    return _cells(row, lay.by_name)


def _date(value: str):
    if not value or not value.strip():
        return None
    dt = parse_time(value.strip())
    if dt is None:
        raise RecordError(f"the date {value.strip()!r} cannot be read")
    return dt


def _twarc_text(value: str) -> str:
    s = value
    if len(s) >= 2 and s[0] == '"' and s[-1] == '"':  # --json-encode-text
        try:
            v = loads(s)
            if isinstance(v, str):
                return v
        except ValueError:
            pass
    # twarc-csv writes a newline as the two characters \n and drops \r.
    return s.replace("\\n", "\n") if "\\n" in s else s


def _list_entities(ents: EntityBag, get: Callable[[str], str], hashtags: str, mentions: str,
                   cashtags: str = "", mention_ids: str = "") -> None:
    """Entity columns however a tool wrote them: JSON lists of strings, of
    `#tags` / `@handles`, of objects with `tag` / `text` / `username` /
    `screen_name` keys, or space- or comma-separated words."""
    for h in _json_list(get(hashtags)):
        tag = (h.get("tag") or h.get("text")) if isinstance(h, dict) else h
        if isinstance(tag, str):
            ents.hashtag(tag.strip("'\""))
    ids = [maybe_id(i) for i in _json_list(get(mention_ids))] if mention_ids else []
    for i, m in enumerate(_json_list(get(mentions))):
        handle = (m.get("username") or m.get("screen_name")) if isinstance(m, dict) else m
        if isinstance(handle, str) and _HANDLE.match(handle.strip().strip("'\"")):
            uid = to_id(m.get("id")) if isinstance(m, dict) else (ids[i] if i < len(ids) else None)
            ents.mention(handle.strip().strip("'\""), uid)
    if cashtags:
        for c in _json_list(get(cashtags)):
            tag = (c.get("tag") or c.get("text")) if isinstance(c, dict) else c
            if isinstance(tag, str):
                ents.cashtag(tag.strip("'\""))


def to_id(value: Any) -> int | None:
    return maybe_id(str(value)) if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def _twarc_media(get: Callable[[str], str]) -> list[Media]:
    details: dict[str, dict[str, Any]] = {m["media_key"]: m for m in _json_list(get("attachments.media"))
                                          if isinstance(m, dict) and isinstance(m.get("media_key"), str)}
    keys = [k for k in _json_list(get("attachments.media_keys")) if isinstance(k, str)]
    keys += [k for k in details if k not in keys]
    media = []
    for k in keys:
        mid = media_id(k)
        if not mid:
            continue
        d = details.get(k) or {}
        mtype = media_type(d.get("type")) if d.get("type") else _KEY_TYPES.get(k.split("_", 1)[0], "photo")
        alt = d.get("alt_text")
        media.append(Media(key=mid, type=mtype, url=d.get("url") or d.get("preview_image_url") or None,  # type: ignore[arg-type]
                           alt_text=alt if isinstance(alt, str) and alt else None,
                           width=d.get("width") if isinstance(d.get("width"), int) else None,
                           height=d.get("height") if isinstance(d.get("height"), int) else None))
    return media


def _linked(ents: EntityBag, text: str, expanded: list[str], own_ids: tuple[int | None, ...] = (),
            has_media: bool = False) -> str:
    """The row's links paired with its text's t.co links, into the bag; the
    display text."""
    urls, media_links = _pair_links(text, expanded, own_ids, has_media)
    for u in urls:
        ents.url(u)
    for tco, display in media_links:
        ents.media_link(tco, display)
    display = ents.display(text)
    return display.strip() if media_links else display


def _twarc_row(row: list[str], lay: Layout, loc: str, raw: bytes) -> list[Post | User]:
    get = _named(row, lay)
    pid = exact_id(get("id"))
    text = _twarc_text(get("text"))
    retweet_of = maybe_id(get("referenced_tweets.retweeted.id"))
    ents = EntityBag()
    _list_entities(ents, get, "entities.hashtags", "entities.mentions", "entities.cashtags")
    media = _twarc_media(get)
    for m in media:
        ents.medium(m)
    expanded = [u for u in _json_list(get("entities.urls")) if isinstance(u, str)]
    display = _linked(ents, text, expanded, (pid, retweet_of), bool(media))
    whole = True
    like, reply, quote = (count(get("public_metrics.like_count")), count(get("public_metrics.reply_count")),
                          count(get("public_metrics.quote_count")))
    rt_handle = get("retweeted_username").strip() or None
    if retweet_of is not None:
        if RT_PREFIX.match(text) and not get("retweeted_user_id").strip():
            whole = False  # the original was not in the page: only the cut "RT @x: …"
        else:
            # twarc-csv put the original's whole text, entities and counts in
            # the retweet's row; the counts are the original's, not this post's.
            if rt_handle and not display.startswith(f"RT @{rt_handle}:"):
                display = f"RT @{rt_handle}: {display}"
                ents.mention(rt_handle, maybe_id(get("retweeted_user_id")), first=True)
            # A retweet itself is never liked, replied to or quoted.
            like = reply = quote = 0
    author = _twarc_author(get)
    lang = get("lang").strip()
    post = build_post(
        pid, display, ents,
        text_full=whole,
        retweet_of=retweet_of,
        retweet_handle=rt_handle,
        quote_of=maybe_id(get("referenced_tweets.quoted.id")),
        reply_to=maybe_id(get("referenced_tweets.replied_to.id")),
        created_at=_date(get("created_at")),
        author_id=author.id if author else None,
        author_handle=author.handle if author else None,
        author_name=author.name if author else None,
        lang=lang or None,
        reply_to_user_id=maybe_id(get("in_reply_to_user_id")),
        reply_to_handle=get("in_reply_to_username").strip() or None,
        conversation_id=maybe_id(get("conversation_id")),
        source_app=source_app(get("source")) or None,
        retweet_count=count(get("public_metrics.retweet_count")),
        reply_count=reply,
        like_count=like,
        quote_count=quote,
        place=get("geo.full_name").strip() or get("geo.name").strip() or None,
        raw=raw,
        location=loc,
    )
    return [post, author] if author else [post]


def _twarc_author(get: Callable[[str], str]) -> User | None:
    author_id = maybe_id(get("author_id")) or maybe_id(get("author.id"))
    handle = get("author.username").strip() or None
    if author_id is None and not handle:
        return None
    return User(
        id=author_id,
        handle=handle,
        name=_twarc_text(get("author.name")).strip() or None,
        bio=_twarc_text(get("author.description")).strip() or None,
        location=get("author.location").strip() or None,
        url=get("author.url").strip() or None,
        followers_count=count(get("author.public_metrics.followers_count")),
        following_count=count(get("author.public_metrics.following_count")),
        tweet_count=count(get("author.public_metrics.tweet_count")),
        listed_count=count(get("author.public_metrics.listed_count")),
        verified=_bool(get("author.verified")),
        created_at=parse_time(get("author.created_at").strip() or None),
        profile_image_url=get("author.profile_image_url").strip() or None,
    )


def _archive_row(row: list[str], lay: Layout, loc: str, raw: bytes) -> list[Post | User]:
    get = _named(row, lay)
    pid = exact_id(get("tweet_id"))
    text = get("text")
    retweet_of = maybe_id(get("retweeted_status_id"))
    ents = EntityBag()
    expanded = [u for u in _SPLIT_URLS.split(get("expanded_urls").strip()) if u]
    display = _linked(ents, text, expanded, (pid, retweet_of))
    original = None
    m = RT_PREFIX.match(display)
    if retweet_of is not None:
        # The archive cuts a long retweet to "RT @x: …" and keeps no
        # original: the original is stored from what the row says of it.
        otext = display[m.end():] if m else display
        oents = EntityBag()
        for u in ents.urls:
            if u.url in otext or (u.expanded and u.expanded in otext):
                oents.url(u)
        original = build_post(
            retweet_of, otext, oents,
            text_full=not otext.rstrip().endswith("…"),
            created_at=parse_time(get("retweeted_status_timestamp").strip() or None),
            author_id=maybe_id(get("retweeted_status_user_id")),
            author_handle=m.group(1) if m else None,
            collected=False,
            raw=raw,
            location=loc,
        )
    author = lay.author
    post = build_post(
        pid, display, ents,
        retweet_of=retweet_of,
        original=original if original is not None and original.author_handle else None,
        reply_to=maybe_id(get("in_reply_to_status_id")),
        created_at=_date(get("timestamp")),
        author_id=author.id if author else None,
        author_handle=author.handle if author else None,
        author_name=author.name if author else None,
        reply_to_user_id=maybe_id(get("in_reply_to_user_id")),
        source_app=source_app(get("source")),
        raw=raw,
        location=loc,
    )
    return [post, original] if original is not None else [post]


def _generic_row(row: list[str], lay: Layout, loc: str, raw: bytes) -> list[Post | User]:
    get = _getter(row, lay)
    url_handle = None
    if "id" in lay.cols:
        pid = exact_id(get("id"))
    else:
        m = _STATUS_URL.search(get("id_from_url"))
        if not m:
            raise RecordError(f"no tweet id in the URL {get('id_from_url').strip()!r}")
        pid, url_handle = int(m.group(2)), m.group(1)
    handle, uid, name = _handle(get("author"))
    if handle is None and url_handle and url_handle.lower() not in ("i", "web"):
        handle = url_handle
    uid = maybe_id(get("author_id")) or uid
    name = get("name").strip() or name
    ents = v1.Entities()
    entities = get("entities").strip()
    if entities.startswith("{"):
        # TAGS writes the v1.1 `entities` object whole.
        try:
            ents.add(loads(entities))
        except ValueError:
            pass
    _list_entities(ents, get, "hashtags", "mentions")
    place = get("place").strip()
    lang = get("lang").strip()
    post = build_post(
        pid, ents.display(get("text")), ents,
        retweet_of=maybe_id(get("retweet_of")),
        quote_of=maybe_id(get("quote_of")),
        reply_to=maybe_id(get("reply_to")),
        created_at=_date(get("date")),
        author_id=uid,
        author_handle=handle,
        author_name=name or None,
        lang=lang or None,
        reply_to_user_id=maybe_id(get("reply_to_user_id")),
        reply_to_handle=(get("reply_to_handle").strip().lstrip("@") or None),
        conversation_id=maybe_id(get("conversation_id")),
        source_app=source_app(get("source")) or None,
        retweet_count=count(get("retweet_count")),
        reply_count=count(get("reply_count")),
        like_count=count(get("like_count")),
        quote_count=count(get("quote_count")),
        place=place if place and not place.startswith("{") else None,  # not a dict a tool wrote out
        raw=raw,
        location=loc,
    )
    out: list[Post | User] = [post]
    if uid is not None and handle:
        out.append(User(id=uid, handle=handle, name=name or None,
                        followers_count=count(get("followers_count")),
                        following_count=count(get("following_count"))))
    return out


def _rtweet_user(get: Callable[[str], str], prefix: str) -> User | None:
    """The author (`prefix` ''), or a retweeted / quoted original's author
    (`retweet_`, `quoted_`), of an rtweet row."""
    uid = maybe_id(get(prefix + "user_id"))
    handle = get(prefix + "screen_name").strip() or None
    if uid is None and handle is None:
        return None
    return User(
        id=uid,
        handle=handle,
        name=get(prefix + "name").strip() or None,
        bio=get(prefix + "description").strip() or None,
        location=get(prefix + "location").strip() or None,
        url=(get("profile_expanded_url").strip() or get("url").strip() or None) if not prefix else None,
        followers_count=count(get(prefix + "followers_count")),
        following_count=count(get(prefix + "friends_count")),
        tweet_count=count(get(prefix + "statuses_count")),
        listed_count=count(get(prefix + "listed_count")) if not prefix else None,
        verified=_bool(get(prefix + "verified")),
        created_at=parse_time(get("account_created_at").strip() or None) if not prefix else None,
        profile_image_url=(get("profile_image_url").strip() or None) if not prefix else None,
    )


def _rtweet_original(get: Callable[[str], str], prefix: str, raw: bytes, loc: str, links: list[Url]
                     ) -> tuple[Post | None, User | None]:
    """A retweeted or quoted original from an rtweet row's `retweet_*` /
    `quoted_*` columns (its whole text, its author, its counts); `links`
    are the row's URLs, which for a retweet are its original's."""
    oid = maybe_id(get(prefix + "status_id"))
    text = get(prefix + "text")
    if oid is None or not text.strip():
        return None, None
    user = _rtweet_user(get, prefix)
    ents = EntityBag()
    for u in links:
        if u.url and u.url in text:
            ents.url(u)
    post = build_post(
        oid, ents.display(text), ents,
        created_at=parse_time(get(prefix + "created_at").strip() or None),
        author_id=user.id if user else None,
        author_handle=user.handle if user else None,
        author_name=user.name if user else None,
        source_app=source_app(get(prefix + "source")) or None,
        retweet_count=count(get(prefix + "retweet_count")),
        like_count=count(get(prefix + "favorite_count")),
        collected=False,
        raw=raw,
        location=loc,
    )
    return post, user


def _rtweet_row(row: list[str], lay: Layout, loc: str, raw: bytes) -> list[Post | User]:
    """rtweet's `write_as_csv`: ids prefixed with `x` so that spreadsheets
    keep them as text, lists as space-separated words, a retweet's original
    and a quote's in the `retweet_*` and `quoted_*` columns."""
    get = _named(row, lay)
    pid = exact_id(get("status_id"))
    text = get("text")
    ents = EntityBag()
    _list_entities(ents, get, "hashtags", "mentions_screen_name", "symbols", "mentions_user_id")
    tcos = get("urls_t.co").split()
    for i, e in enumerate(get("urls_expanded_url").split()):
        ents.url(Url(tcos[i] if i < len(tcos) and len(tcos) == len(get("urls_expanded_url").split()) else "", e,
                     None))
    media_tcos = get("media_t.co").split()
    for i, murl in enumerate((get("ext_media_url") or get("media_url")).split()):
        types = (get("ext_media_type") or get("media_type")).split()
        ents.medium(Media(key=murl.rsplit("/", 1)[-1], type=media_type(types[i] if i < len(types) else None),  # type: ignore[arg-type]
                          url=murl))
    for tco in media_tcos:
        ents.media_link(tco, "pic.twitter.com/" + tco.rsplit("/", 1)[-1])
    original, ouser = _rtweet_original(get, "retweet_", raw, loc, ents.urls)
    quoted, quser = _rtweet_original(get, "quoted_", raw, loc, ents.urls)
    author = _rtweet_user(get, "")
    post = build_post(
        pid, ents.display(text), ents,
        retweet_of=maybe_id(get("retweet_status_id")),
        original=original,
        quote_of=maybe_id(get("quoted_status_id")),
        reply_to=maybe_id(get("reply_to_status_id")),
        created_at=_date(get("created_at")),
        author_id=author.id if author else None,
        author_handle=author.handle if author else None,
        author_name=author.name if author else None,
        lang=get("lang").strip() or None,
        reply_to_user_id=maybe_id(get("reply_to_user_id")),
        reply_to_handle=get("reply_to_screen_name").strip() or None,
        source_app=source_app(get("source")) or None,
        # rtweet gives a retweet its original's counts; a retweet itself is
        # never liked.
        retweet_count=count(get("retweet_count")),
        like_count=count(get("favorite_count")) if original is None else 0,
        place=get("place_full_name").strip() or None,
        raw=raw,
        location=loc,
    )
    return [it for it in (post, author, original, ouser, quoted, quser) if it is not None]


register_file(CsvFile())
