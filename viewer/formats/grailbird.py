"""The account archive of 2012–2018 ("Grailbird"): `data/js/tweets/YYYY_MM.js`.

Each month is one JavaScript assignment, `Grailbird.data.tweets_2014_07 =`,
then (often on the next line) an array of v1.1-like statuses with the author
embedded, `created_at` written `2014-07-09 01:36:52 +0000`, and retweets
carrying their original in `retweeted_status`. The side files
`user_details.js`, `tweet_index.js` and `payload_details.js` are recognised
and passed over; the account's bio in `user_details.js` is read with the
months. The archive's `tweets.csv` is the CSV reader's.
"""
from __future__ import annotations

import re
from typing import Iterator

from ..model import Item, Problem, User
from ..sources import SourceFile
from . import ParseOptions, register_file
from .common import dump, parse_time, to_int
from .v1 import RecordError, parse_status
from .xarchive import NotAnAssignment, iter_file_entries, load_value, read_head

_MONTH_HEAD = re.compile(r"\s*Grailbird\.data\.tweets_\d{4}_\d{1,2}\s*=")
_AUX_HEAD = re.compile(r"\s*var\s+(?:user_details|tweet_index|payload_details)\s*=")


def _owner(src: SourceFile) -> User | None:
    """The account from `data/js/user_details.js`, beside the months' folder."""
    side = src.sibling("../user_details.js")
    if side is None:
        return None
    try:
        value = load_value(side)
    except Exception:  # a damaged side file only costs the bio
        return None
    if not isinstance(value, dict):
        return None
    uid, handle = to_int(value.get("id")), value.get("screen_name")
    if uid is None and not isinstance(handle, str):
        return None

    def s(key: str) -> str | None:
        v = value.get(key)
        return v if isinstance(v, str) and v else None

    return User(id=uid, handle=s("screen_name"), name=s("full_name"), bio=s("bio"),
                location=s("location"), created_at=parse_time(value.get("created_at")))


class GrailbirdMonth:
    name = "grailbird"
    label = "Twitter account archive (2012–2018)"
    auxiliary = False

    def sniff(self, src: SourceFile, head: str) -> bool:
        return bool(_MONTH_HEAD.match(head))

    def parse(self, src: SourceFile, options: ParseOptions) -> Iterator[Item]:
        try:
            read_head(src)
        except NotAnAssignment as e:
            yield Problem("the file", str(e))
            return
        owner = _owner(src)
        if owner is not None:
            yield owner
        for n, obj, error in iter_file_entries(src):
            loc = f"entry {n}" if n else "the file"
            if error is not None:
                yield Problem(loc, error)
                continue
            try:
                yield from parse_status(obj, loc, dump(obj))
            except RecordError as e:
                yield Problem(loc, str(e))
            except Exception as e:  # a hostile record must not stop the file
                yield Problem(loc, f"could not read this tweet: {type(e).__name__}: {e}")


class GrailbirdSide:
    name = "grailbird-aux"
    label = "Twitter account archive (2012–2018), index and account details"
    auxiliary = True

    def sniff(self, src: SourceFile, head: str) -> bool:
        return bool(_AUX_HEAD.match(head))

    def parse(self, src: SourceFile, options: ParseOptions) -> Iterator[Item]:
        return iter(())


register_file(GrailbirdMonth())
register_file(GrailbirdSide())
